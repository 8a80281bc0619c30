"""The app's screens, built when first needed so that the attract screen is drawn sooner.

Only the first screen (attract) is built before the first frame. The others are built
one per idle frame once the app asks (:meth:`ScreenSet.build_rest_in_idle_frames`, after
that frame is on screen), in the order a visit needs them (language, home, guide, ...),
and never while a finger is on the screen; a screen asked for before its turn is
built at once. Each screen is built once and then only updated.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock, ClockEvent

from kiosk.screens import SCREENS
from kiosk.widgets.touch_state import finger_on_screen

if TYPE_CHECKING:
    from kiosk.screens.base import KioskScreen
    from kiosk.ui.screen_context import ScreenContext


def build_screen(name: str, context: ScreenContext) -> KioskScreen:
    """Import ``kiosk.screens.<name>`` and build its screen with ``context``."""
    return importlib.import_module(f"kiosk.screens.{name}").SCREEN(context, name=name)


class ScreenSet(Mapping[str, "KioskScreen"]):
    """Every screen by name (:data:`kiosk.screens.SCREENS`); a lookup builds a missing one."""

    def __init__(self, context: ScreenContext, manager: Any,
                 when_complete: Callable[[], None] = lambda: None) -> None:
        self._context = context
        self._manager = manager
        self._when_complete = when_complete
        """Called once, in the idle frame in which the last screen was built."""
        self._built: dict[str, KioskScreen] = {}
        self._event: ClockEvent | None = None

    def __getitem__(self, name: str) -> KioskScreen:
        if name not in SCREENS:
            raise KeyError(name)
        screen = self._built.get(name)
        if screen is None:
            screen = build_screen(name, self._context)
            self._built[name] = screen
            self._manager.add_widget(screen)
        return screen

    def __contains__(self, name: object) -> bool:
        return name in SCREENS

    def __iter__(self) -> Iterator[str]:
        return iter(SCREENS)

    def __len__(self) -> int:
        return len(SCREENS)

    def built(self) -> list[KioskScreen]:
        """The screens built so far (a visit's end resets only these; the rest hold nothing)."""
        return list(self._built.values())

    def before_look_change(self) -> None:
        """Tell every built screen that the fonts or the colours are about to change."""
        for screen in self._built.values():
            screen.before_look_change()

    @property
    def complete(self) -> bool:
        return len(self._built) == len(SCREENS)

    def build_rest_in_idle_frames(self) -> None:
        """Build the screens not built yet, one per frame, from the next frame on."""
        if self._event is None and not self.complete:
            self._event = Clock.schedule_once(self._build_next, 0)

    def build_rest_now(self) -> None:
        """Build every screen not built yet (tools that walk all screens at once)."""
        for name in SCREENS:
            self[name]

    def cancel(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _build_next(self, _dt: float) -> None:
        self._event = None
        if not finger_on_screen():  # a finger's frames come first
            missing = next((name for name in SCREENS if name not in self._built), None)
            if missing is None:
                return
            self[missing]
            if self.complete:
                self._when_complete()
                return
        self.build_rest_in_idle_frames()
