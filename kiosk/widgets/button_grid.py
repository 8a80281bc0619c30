"""Grids of buttons that line up: each row one height, each row's labels on one baseline.

A :class:`KioskButton` is as tall as its own label needs (``natural_height``), so in a
plain grid a button whose label wraps onto two lines stands taller than its neighbours
and their texts sit at different heights. :class:`ButtonGrid` gives every button of a row
the row's tallest height (``row_height``) and the row's tallest text (``row_text_height``),
on which the button starts its label, so the first lines share a baseline. With
``fill_height`` the rows also grow to share that height between them: a grid of choices
that fills the part of the screen a visitor can reach.
"""
from __future__ import annotations

import math
from typing import Any

from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget


class ButtonGrid(GridLayout):
    """An ``lr-tb`` grid of buttons whose rows share one height and one text baseline."""

    fill_height = NumericProperty(0)
    """Height the rows should fill together (padding and spacing included); 0: each row
    is as tall as its tallest button. Rows never shrink below their buttons' own height."""
    max_row_height = NumericProperty(0)
    """Tallest a row may grow to fill ``fill_height``; 0: no limit."""
    uniform = BooleanProperty(False)
    """Every button of the grid shares one height and text offset, not only each row's
    (a list of answers, one a row, that should look alike)."""
    fill_color = ColorProperty((0, 0, 0, 0))
    """A flat colour behind the grid (the bottom bar's; drawn by its rule in common.kv);
    transparent: nothing is drawn."""

    def __init__(self, **kwargs: Any) -> None:
        self._watched: list[Widget] = []
        super().__init__(**kwargs)
        self.fbind("children", self._watch_children)
        for name in ("cols", "fill_height", "max_row_height", "uniform", "padding", "spacing"):
            self.fbind(name, self.line_up)

    def _watch_children(self, *_args: Any) -> None:
        for child in self._watched:
            child.funbind("natural_height", self.line_up)
            child.funbind("text_height", self.line_up)
        self._watched = [c for c in self.children if hasattr(c, "natural_height")]
        for child in self._watched:
            child.fbind("natural_height", self.line_up)
            child.fbind("text_height", self.line_up)
        self.line_up()

    def rows_of_buttons(self) -> list[list[Widget]]:
        """The children row by row, as a visitor sees them (left to right, top to bottom)."""
        shown = list(reversed(self.children))
        cols = max(1, int(self.cols or 1))
        return [shown[i:i + cols] for i in range(0, len(shown), cols)]

    def line_up(self, *_args: Any) -> None:
        """Give each button its row's (or, ``uniform``, the grid's) height and tallest text."""
        rows = self.rows_of_buttons()
        if not rows:
            return
        share = 0.0
        if self.fill_height:
            _left, top, _right, bottom = self.padding
            gaps = self.spacing[1] * (len(rows) - 1)
            share = (self.fill_height - top - bottom - gaps) / len(rows)
            if self.max_row_height:
                share = min(share, self.max_row_height)
        groups = [[c for row in rows for c in row]] if self.uniform else rows
        for group in groups:
            buttons = [c for c in group if hasattr(c, "natural_height")]
            if not buttons:
                continue
            height = max(share, *(b.natural_height for b in buttons))
            text = max(b.text_height for b in buttons)
            for button in buttons:
                button.row_height = math.floor(height)
                button.row_text_height = text
