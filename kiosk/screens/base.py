"""The base class of every kiosk screen: a thin adapter between view models and widgets.

A screen reads through its :class:`~kiosk.ui.screen_context.ScreenContext` and sends
touches as its intents; it never reaches for the running app. Its widgets are made once
and updated as the visit, the language or the content changes.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock, ClockEvent
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.widgets.common import KioskButton, KioskLabel
from kiosk.widgets.reach import REACH

if TYPE_CHECKING:
    from kiosk.ui.screen_context import ScreenContext
    from kiosk.widgets.guide_layouts import GuideLayouts


def load_kv(module_file: str) -> None:
    """Load the .kv file that sits next to a screen module (once, as UTF-8)."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")), encoding="utf-8")


class KioskScreen(Screen):
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

    @property
    def still_filling(self) -> bool:
        """Whether the screen is still adding what lies below its first screenful (a long
        guide, a long list of cards shows that much at once and the rest in the next
        frames)."""
        return False

    def finish_filling(self) -> None:
        """Add now whatever :attr:`still_filling` would add in the next frames (before the
        screen is read aloud)."""

    def reading(self) -> tuple[list[tuple[str, bool]], list[str]]:
        """What is read aloud after the title: the texts shown, each with whether it is
        markup, then the choices' labels; all of them, also what is still to come in
        the next frames or lies outside the screen."""
        self.finish_filling()
        # restrict=True: this screen only, not the rest of the window after it
        widgets = list(self.walk(restrict=True))
        body = [(w.text, bool(w.markup)) for w in widgets
                if isinstance(w, KioskLabel) and w.text.strip()]
        choices = [w.text for w in widgets if isinstance(w, KioskButton) and w.text.strip()]
        return body, choices

    def before_look_change(self) -> None:
        """Called just before the fonts or the colours change (text step, contrast, screen
        size), while the old ones are still in place."""

    def reset_visit_state(self) -> None:
        """Forget everything about the visitor (scroll positions, answers)."""
        scroller = self.ids.get("scroller")
        if scroller is not None:
            scroller.scroll_y = 1.0


class BuildsAheadScreen(KioskScreen):
    """A screen that builds its layouts ahead: while off screen it keeps the manager's
    size (a screen gets its size only when shown; layouts built ahead need it before), and
    a frame after each change of screen it calls :meth:`after_screen_change` (the change
    happens inside a touch's handler; the work waits for the next frame)."""

    _after_change_event: ClockEvent | None = None

    def after_screen_change(self) -> None:
        """Ask for what the next touches will likely need (built in idle frames)."""

    def on_manager(self, _screen: Any, manager: Any) -> None:
        if manager is not None:
            manager.fbind("current", self._screen_changed)
            manager.fbind("size", self._follow_manager_size)
            self._follow_manager_size(manager, manager.size)
            self._screen_changed()  # the first screen is shown without a change of screen

    def _follow_manager_size(self, _manager: Any, size: Any) -> None:
        self.size = size

    def _screen_changed(self, *_args: Any) -> None:
        if self._after_change_event is None:
            self._after_change_event = Clock.schedule_once(self._after_change, 0)

    def _after_change(self, _dt: float) -> None:
        self._after_change_event = None
        self.after_screen_change()


class LayoutScreen(BuildsAheadScreen):
    """A screen that shows a guide layout from its ``layouts``
    (:class:`~kiosk.widgets.guide_layouts.GuideLayouts`): it is still filling while the
    layout on screen lacks parts."""

    layouts: GuideLayouts

    @property
    def still_filling(self) -> bool:
        return not self.layouts.shown_complete

    def finish_filling(self) -> None:
        if self.layouts.shown is not None:
            self.layouts.shown.build()
