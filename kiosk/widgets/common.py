"""Big, readable building blocks: labels, buttons, QR codes, the fallback note.

Sizes are in ``sp``/``dp`` from the app's type scale, chosen for reading at arm's length.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.image import Image
from kivy.uix.widget import Widget
from kivy.uix.label import Label

from kiosk.core.qr import qr_pixels
from kiosk.widgets.button_grid import ButtonGrid  # noqa: F401  (registers it for every kv)
from kiosk.widgets.surface import TappableSurface

Builder.load_file(str(Path(__file__).with_suffix(".kv")), encoding="utf-8")


class KioskLabel(Label):
    """A wrapping label whose height follows its text; plain text, markup off.

    Its text is shown exactly as given: a ``[size=400]`` in a path, a config value or an
    error message is text. Whole-label emphasis uses ``bold``/``italic``; a label that
    needs Kivy markup is a :class:`MarkupLabel`.

    A Kivy label styled by its kv rule from the app's theme and type scale: KivyMD's
    label took 1.0 ms to make against 0.27 ms (theme, hover and touch behaviours and
    their bindings), and a guide is mostly labels.
    """

    probe_id = StringProperty("")
    text_style = OptionProperty("body", options=["display", "title", "heading", "body", "small"])
    """Which step of the app's type scale the label uses."""
    text_color = ColorProperty(None, allownone=True)
    """The text's colour; None: the theme's colour for text on a surface."""
    fill_color = ColorProperty((0, 0, 0, 0))
    """A band of colour behind the text (padding included); transparent: none."""


class IconLabel(Label):
    """One glyph of the Material Design icon font that KivyMD ships ("Icons"), by its name
    (``icon``, e.g. ``"vote"``); an unknown name shows nothing. Its colour is ``color``."""

    icon = StringProperty("")

    def on_icon(self, _instance: Any, name: str) -> None:
        # The table of 7,000 names is imported with the first icon (after the first frame).
        from kivymd.icon_definitions import md_icons

        self.text = md_icons.get(name, "")


class MarkupLabel(KioskLabel):
    """A :class:`KioskLabel` with Kivy markup on, for text with formatting inside it.

    Its text must be built by :mod:`kiosk.core.markup` (``escape_markup``, ``spans_to_markup``,
    ``marked_text_to_markup``), which escapes every piece that comes from outside, so only
    the kiosk's own tags are read as markup.
    """

    markup_role = StringProperty("")
    """What the label shows ("guide-paragraph", "admin-status", ...): the GUI tests keep
    the list of roles allowed to use markup."""


class KioskButton(TappableSurface):
    """A large rounded button with a centred label (at least 76 dp high).

    In a :class:`~kiosk.widgets.button_grid.ButtonGrid` it takes its row's height and
    starts its label where the row's tallest label starts, so a row's texts share a
    baseline.
    """

    text = StringProperty("")
    """Button text (plain, not markup)."""
    emphasis = BooleanProperty(False)
    """True for the main action of a screen (filled with the primary colour)."""
    probe_id = StringProperty("")
    """Name under which end-to-end tests find this target."""
    label_color = ColorProperty(None, allownone=True)
    side_padding = NumericProperty("18dp")
    """Room left and right of the label (narrow keyboard keys use less)."""
    text_height = NumericProperty(0)
    """Height of the label's text as laid out (follows the label; read it, do not set it)."""
    natural_height = NumericProperty(0)
    """Height the button needs for its own label (follows it; read it, do not set it)."""
    row_height = NumericProperty(0)
    """Height its row asks for (set by a ButtonGrid); never below :attr:`natural_height`."""
    row_text_height = NumericProperty(0)
    """Height of the tallest label in its row (set by a ButtonGrid): the label starts as
    far down as that one, so the first lines of a row share a baseline."""


class QRCodeImage(Image):
    """A QR code for :attr:`data`, drawn crisp with nearest-neighbour scaling."""

    data = StringProperty("")
    probe_id = StringProperty("")
    """Name under which tests find this code ("phone-link": the "Continue on your phone" one)."""

    def on_data(self, _instance: object, value: str) -> None:
        if not value:
            self.texture = None
            return
        size, lum = qr_pixels(value)
        rgba = bytes(b for v in lum for b in (v, v, v, 255))
        texture = Texture.create(size=(size, size), colorfmt="rgba")
        texture.blit_buffer(rgba, colorfmt="rgba", bufferfmt="ubyte")
        texture.flip_vertical()
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        self.texture = texture


def set_shown(parent: Widget, child: Widget, shown: bool, at_top: bool = False) -> None:
    """Put ``child`` into ``parent`` (at the end, or the start with ``at_top``) or take it out.

    Hidden parts of a screen are removed from the tree rather than shrunk to zero size,
    because a shrunk widget's buttons still sit somewhere on screen and can catch touches.
    """
    # ``parent`` may be a weak proxy from ``ids``, so compare through the child's side.
    if shown and child.parent is None:
        parent.add_widget(child, index=len(parent.children) if at_top else 0)
    elif not shown and child.parent is not None:
        child.parent.remove_widget(child)
