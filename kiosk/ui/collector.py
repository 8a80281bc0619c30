"""Python's full garbage collections happen between visits, not in the middle of one.

A full collection walks every object the process holds: about 300,000 once the screens,
pools and kept guides exist, 250-716 ms each in the in-process bench, and a touch that fell
on one waited that long. Between visits (no visit, no finger on the screen) the kiosk has
the collector look at everything once and then freezes what survives (``gc.freeze()``), so
a collection during a visit walks only what that visit made. Frozen objects that a later
visit lets go of (a guide layout in another language) are unfrozen and collected at the
next visit's end, so nothing is kept for good. At start-up, once the screens are built,
what exists is frozen without a collection first (the first visit may begin at once, and
a full collection holds the UI loop for a few hundred milliseconds). Until then Python
makes no full collection of its own either: start-up makes about 170,000 objects that all
live on (the screens, the guide layouts built ahead), and each full collection it set off
walked all of them again while the attract screen waited for a first touch.
"""
from __future__ import annotations

import gc
from collections.abc import Callable

from kivy.clock import Clock, ClockEvent

from kiosk.ops.memory import give_back_free_memory

from kiosk.widgets.touch_state import finger_on_screen


def collect_and_freeze() -> None:
    """Collect everything, the frozen objects included, then freeze the survivors; what the
    collection freed goes back to the system."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    give_back_free_memory()


NO_FULL_COLLECTIONS = 1_000_000
"""Python's third collection threshold while start-up builds: a full collection after this
many collections of the middle generation, that is, none."""


class BetweenVisits:
    """Runs :func:`collect_and_freeze` in an idle frame when asked, unless a visit has
    started by then (that visit's end asks again). From :meth:`hold_full_collections`
    (the app's build, before the cache is opened and the attract screen built) until
    :meth:`freeze_start_up`, Python makes no full collection (the young generations are
    still collected)."""

    def __init__(self, in_visit: Callable[[], bool]) -> None:
        self._in_visit = in_visit
        self._event: ClockEvent | None = None
        self._thresholds: tuple[int, int, int] | None = None

    def freeze_start_up(self) -> None:
        """Freeze what start-up made (collected at the first visit's end, with the rest),
        and let Python make full collections again."""
        self._restore_thresholds()
        gc.freeze()

    def request(self) -> None:
        if self._event is None:
            self._event = Clock.schedule_once(self._run, 0)

    def hold_full_collections(self) -> None:
        """No full collection by Python until :meth:`freeze_start_up` (or :meth:`remove`)."""
        if self._thresholds is None:
            young, middle, _full = self._thresholds = gc.get_threshold()
            gc.set_threshold(young, middle, NO_FULL_COLLECTIONS)

    def install(self) -> None:
        """Nothing to bind: requests come from the app (start-up, a visit's end)."""

    def remove(self) -> None:
        self._restore_thresholds()
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _restore_thresholds(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def _run(self, _dt: float) -> None:
        self._event = None
        if self._in_visit():
            return
        if finger_on_screen():
            self.request()
            return
        collect_and_freeze()
