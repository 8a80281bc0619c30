"""Panels and buttons drawn with two instructions each: a rounded fill and an outline.

KivyMD's cards (``MDCard``) draw a shadow, a background, a state layer and an outline,
create an offscreen buffer and a shader for a ripple at construction, and bind about 150
properties each. With software GL every layer is a pass over the card's pixels: 24
screen-filling KivyMD cards took 40 ms a frame to draw on 1280x800 in Mesa llvmpipe and
5-13 ms each to make, these panels 18 ms and 0.9 ms (bench/PERFORMANCE.md). A surface's
look is a fill, a pressed fill, an outline colour, a line width and a corner radius:
``surface.kv`` draws them, and each kind of surface sets them from the app's theme in its
own kv rule (buttons in ``common.kv``, topic cards in ``home.kv``), so a restyle changes
those rules and nothing else.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import ColorProperty, NumericProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout


PRESSED_SHIFT = 0.2
"""How far a pressed fill moves from its resting colour (a fifth of the way)."""


def pressed(fill: Sequence[float], ink: Sequence[float]) -> list[float]:
    """The fill of a pressed button whose text is ``ink``: ``fill`` moved away from the
    ink, so the text only gains contrast (Material's state layer moves toward the ink and
    took a filled button's label from 8:1 to 4.6:1). A fill with no room left that way
    (white behind black text) moves toward the ink instead, where its contrast is ample."""
    away = [min(1.0, max(0.0, f + (f - i) * PRESSED_SHIFT)) for f, i in zip(fill[:3], ink[:3])]
    if sum(abs(a - f) for a, f in zip(away, fill[:3])) < 0.05:
        away = [f + (i - f) * PRESSED_SHIFT / 2 for f, i in zip(fill[:3], ink[:3])]
    return [*away, fill[3]]


class Surface(BoxLayout):
    """A box with a rounded fill and an outline behind its children."""

    fill_color = ColorProperty((0, 0, 0, 0))
    line_color = ColorProperty((0, 0, 0, 0))
    """The outline's colour; fully transparent: no outline is drawn."""
    line_width = NumericProperty("1dp")
    corner_radius = NumericProperty("16dp")
    drawn_fill = ColorProperty((0, 0, 0, 0))
    """The fill the canvas draws now (follows the others; read it, do not set it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fbind("fill_color", self._refill)
        self._refill()

    def _refill(self, *_args: Any) -> None:
        self.drawn_fill = self.fill_color


class TappableSurface(ButtonBehavior, Surface):
    """A :class:`Surface` that is a button: ``on_press``/``on_release`` as Kivy's, and
    while a finger is on it the fill shows ``pressed_color`` instead (the only feedback a
    touch needs; there is no hover on a touchscreen)."""

    pressed_color = ColorProperty((0, 0, 0, 0))
    """The fill while pressed; fully transparent: the fill does not change."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fbind("state", self._refill)
        self.fbind("pressed_color", self._refill)
        self._refill()

    def _refill(self, *_args: Any) -> None:
        pressed = self.state == "down" and self.pressed_color[3] > 0
        self.drawn_fill = self.pressed_color if pressed else self.fill_color


class Panel(BoxLayout):
    """A box filled with one flat colour, square-cornered: the bars, the window's
    background. (A :class:`Surface` draws rounded corners and an outline.)"""

    fill_color = ColorProperty((0, 0, 0, 0))


class FitHeightBox(BoxLayout):
    """A box as tall as what it holds (its kv rule: ``height: self.minimum_height``), for
    columns of text made in Python; in kv files the two lines are written out."""


Builder.load_file(str(Path(__file__).with_suffix(".kv")), encoding="utf-8")
