"""How many unexpected UI errors the kiosk rides out before it lets the service restart it."""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

DEFAULT_LIMIT = 3
DEFAULT_WINDOW_SECONDS = 60.0


class ErrorBudget:
    """Counts errors; allows ``limit`` of them within any ``window_seconds``.

    One error (a broken picture, a bug on one screen) ends the visit and the kiosk goes on.
    Errors that repeat faster than that mean the app cannot recover by itself: the caller
    then lets the process end, and systemd starts a fresh one.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT, window_seconds: float = DEFAULT_WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self.total = 0
        self._recent: deque[float] = deque()

    def record(self) -> bool:
        """Count one error now; True while the app may go on, False once the budget is spent."""
        now = self.clock()
        self.total += 1
        self._recent.append(now)
        while self._recent and now - self._recent[0] > self.window_seconds:
            self._recent.popleft()
        return len(self._recent) <= self.limit
