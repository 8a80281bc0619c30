"""The visit and its idle policy: when to warn, when to end the visit.

A visit starts with a touch on the attract screen and ends when the visitor stops touching
the screen: after ``idle_timeout`` seconds a warning counts down ``warning_seconds``; a
touch on "Continue" keeps the visit, running out ends it. Time comes from an injected
clock so tests advance it without sleeping.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class IdleState(Enum):
    NO_VISIT = "no_visit"
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


@dataclass(frozen=True)
class IdleStatus:
    state: IdleState
    seconds_left: float = 0.0
    """Seconds left in the warning countdown."""


class IdlePolicy:
    def __init__(
        self, clock: Callable[[], float], idle_timeout: float, warning_seconds: float
    ) -> None:
        self._clock = clock
        self.idle_timeout = idle_timeout
        self.warning_seconds = warning_seconds
        self._last_activity: float | None = None

    @property
    def in_visit(self) -> bool:
        return self._last_activity is not None

    def start_visit(self) -> None:
        self._last_activity = self._clock()

    def activity(self) -> None:
        """A touch during a visit: the idle timer starts again."""
        if self._last_activity is not None:
            self._last_activity = self._clock()

    def end_visit(self) -> None:
        self._last_activity = None

    def status(self) -> IdleStatus:
        if self._last_activity is None:
            return IdleStatus(IdleState.NO_VISIT)
        idle = self._clock() - self._last_activity
        if idle < self.idle_timeout:
            return IdleStatus(IdleState.ACTIVE)
        left = self.idle_timeout + self.warning_seconds - idle
        if left > 0:
            return IdleStatus(IdleState.WARNING, left)
        return IdleStatus(IdleState.EXPIRED)
