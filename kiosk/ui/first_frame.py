"""Work that waits for the first frame: the attract screen is drawn before anything else.

:class:`AfterFirstFrame` is one of the app's parts: once the window has shown its first
frame, it runs its callback in the next frame's clock tick (not inside the flip, so the
frame's buffers are swapped before the work starts).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.core.window import Window


class AfterFirstFrame:
    """Calls ``callback`` once, in the frame after the window's first."""

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self._event: ClockEvent | None = None

    def install(self) -> None:
        Window.fbind("on_flip", self._first_frame_shown)

    def remove(self) -> None:
        Window.funbind("on_flip", self._first_frame_shown)
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _first_frame_shown(self, *_args: Any) -> None:
        Window.funbind("on_flip", self._first_frame_shown)
        self._event = Clock.schedule_once(lambda _dt: self.callback(), 0)
