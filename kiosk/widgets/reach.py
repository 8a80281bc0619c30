"""The reach band on the window, for kv rules: where a seated visitor can touch.

:data:`REACH` follows the window's size and the kiosk's settings (``screen_bottom_mm``,
``reach_zone_mm``, ``screen_diagonal_inches``; see :mod:`kiosk.core.reach`). kv rules
import it (``#:import reach kiosk.widgets.reach.REACH``) and bind to ``reach.low`` and
``reach.high`` (window rows, in pixels above the bottom edge) and ``reach.portrait``.
A screen is a RelativeLayout whose ``y`` is its bottom's window row, so the reachable
part of a screen is ``reach.high - root.y`` pixels high.
"""
from __future__ import annotations

from typing import Any

from kivy.core.window import Window
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty

from kiosk.config import KioskSettings
from kiosk.core.reach import reach_band


class ReachZone(EventDispatcher):
    """The reach band of the current window and settings."""

    low = NumericProperty(0.0)
    """Lowest reachable window row, in pixels above the bottom edge."""
    high = NumericProperty(0.0)
    """Highest reachable window row, in pixels above the bottom edge."""
    portrait = BooleanProperty(False)
    """The window is taller than wide (a portrait pedestal)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._settings: KioskSettings | None = None
        self._bound = False

    def follow(self, settings: KioskSettings) -> None:
        """Compute the band from ``settings`` now and again whenever the window is resized."""
        self._settings = settings
        if not self._bound:
            Window.bind(size=self._update)
            self._bound = True
        self._update()

    def _update(self, *_args: Any) -> None:
        width, height = Window.size
        self.portrait = height > width
        if self._settings is None:
            self.low, self.high = 0.0, float(height)
            return
        band = reach_band(width, height, self._settings.screen_diagonal_inches,
                          self._settings.screen_bottom_mm, self._settings.reach_zone_mm)
        self.low, self.high = band.low, band.high


REACH = ReachZone()
"""The one reach zone of the kiosk's one window."""
