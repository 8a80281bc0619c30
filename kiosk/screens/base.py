"""The base class of every kiosk screen: a thin adapter between view models and widgets.

A screen reads through its :class:`~kiosk.ui.screen_context.ScreenContext` and sends
touches as its intents; it never reaches for the running app. Its widgets are made once
and updated as the visit, the language or the content changes.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivymd.uix.screen import MDScreen

from kiosk.widgets.reach import REACH

if TYPE_CHECKING:
    from kiosk.ui.screen_context import ScreenContext


def load_kv(module_file: str) -> None:
    """Load the .kv file that sits next to a screen module (once, as UTF-8)."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")), encoding="utf-8")


class KioskScreen(MDScreen):
    title = StringProperty("")
    """Shown in the top bar; set by :meth:`refresh` in the visitor's language."""

    def __init__(self, context: ScreenContext, **kwargs: Any) -> None:
        self.context = context
        """Everything the screen reads and the intents it sends (see kiosk.ui.screen_context)."""
        REACH.follow(context.settings)  # the kv rules keep touch targets within reach
        super().__init__(**kwargs)

    def show(self, **params: Any) -> None:
        """Called before the screen becomes current, with the route's parameters."""
        self.refresh()

    def refresh(self) -> None:
        """Re-read the view model (also after a language switch)."""

    def before_look_change(self) -> None:
        """Called just before the fonts or the colours change (text step, contrast, screen
        size), while the old ones are still in place."""

    def reset_visit_state(self) -> None:
        """Forget everything about the visitor (scroll positions, answers)."""
        scroller = self.ids.get("scroller")
        if scroller is not None:
            scroller.scroll_y = 1.0
