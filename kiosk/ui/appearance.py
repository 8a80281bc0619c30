"""How the kiosk looks for one visitor: the text size step, the font sizes, high contrast.

The app holds the properties its kv rules bind to (``app.text_step``, ``app.high_contrast``,
``app.font_body`` and the other ``app.font_*``); :class:`Appearance` keeps them right.
Every font size follows the step and the screen's real geometry (so the largest step
meets the cap-height rule of :mod:`kiosk.core.accessibility`), and the theme follows the
contrast choice. Both go back to normal for the next visitor (:meth:`Appearance.reset`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.core.window import Window
from kivy.event import EventDispatcher
from kivy.metrics import sp

from kiosk.config import KioskSettings
from kiosk.core.accessibility import cap_height_ratio, default_font, px_per_mm, text_scales

BASE_FONTS = {"display": 64, "title": 40, "heading": 30, "body": 25, "button": 25, "small": 20}
"""The type scale at the normal step, in sp; each name has an ``app.font_<name>``."""
TEXT_STEPS = 3
"""Normal, large, largest."""


class Appearance:
    """Keeps ``styled``'s font sizes and ``theme`` in step with its text step and contrast."""

    def __init__(
        self,
        styled: EventDispatcher,
        theme: Any,
        settings: KioskSettings,
        colours_changed: Callable[[], None],
        before_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.styled = styled
        self.theme = theme
        self.settings = settings
        self.colours_changed = colours_changed
        """Called after a contrast switch: colours set from Python follow the theme then."""
        self.before_change = before_change
        """Called before the fonts or the theme change (screens let go of what they keep)."""
        self.scales: tuple[float, ...] = (1.0,) * TEXT_STEPS

    def install(self) -> None:
        self.styled.bind(text_step=self.apply_text_step, high_contrast=self.apply_contrast)
        Window.bind(size=self.apply_text_step)
        self.apply_text_step()

    def remove(self) -> None:
        Window.unbind(size=self.apply_text_step)

    def apply_text_step(self, *_args: Any) -> None:
        """Set every font size for the current step, from the screen's real geometry."""
        ppmm = px_per_mm(Window.width, Window.height, self.settings.screen_diagonal_inches)
        self.scales = text_scales(
            sp(BASE_FONTS["body"]), ppmm, self.settings.viewing_distance_mm,
            cap_height_ratio(default_font()),
        )
        scale = self.scales[int(self.styled.text_step)]
        sizes = {f"font_{name}": round(sp(size) * scale) for name, size in BASE_FONTS.items()}
        if any(getattr(self.styled, name) != size for name, size in sizes.items()):
            self.before_change()
        for name, size in sizes.items():
            setattr(self.styled, name, size)

    def apply_contrast(self, *_args: Any) -> None:
        high = bool(self.styled.high_contrast)
        self.before_change()
        self.theme.dynamic_scheme_contrast = 1.0 if high else 0.0
        self.theme.theme_style = "Dark" if high else "Light"
        self.colours_changed()

    def next_text_step(self) -> None:
        self.styled.text_step = (int(self.styled.text_step) + 1) % TEXT_STEPS

    def toggle_contrast(self) -> None:
        self.styled.high_contrast = not self.styled.high_contrast

    def reset(self) -> None:
        """Normal text and contrast for the next visitor."""
        self.styled.text_step = 0
        self.styled.high_contrast = False
