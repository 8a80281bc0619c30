"""Widgets a screen will need, made one per idle frame before it is first shown.

A screen's pool of cards or keys made in the frame of the touch that first shows it held
that frame up for 100-300 ms (nine home cards, thirty keys). Made here, one each idle
frame from when the screen is built, and never while a finger is on the screen, the
first visit finds them ready.
"""
from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock, ClockEvent

from kiosk.widgets.touch_state import finger_on_screen


class IdleFilling:
    """Calls ``make_one`` once per idle frame until it returns False (nothing left)."""

    def __init__(self, make_one: Callable[[], bool]) -> None:
        self._make_one = make_one
        self._event: ClockEvent | None = Clock.schedule_once(self._step, 0)

    @property
    def done(self) -> bool:
        return self._event is None

    def cancel(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _step(self, _dt: float) -> None:
        self._event = None
        if finger_on_screen() or self._make_one():
            self._event = Clock.schedule_once(self._step, 0)
