"""Anonymous usage figures of one visit: counted in memory, added to the day's totals at
its end, then dropped, so nothing tells one visit from another afterwards."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from kiosk.core.visit_tally import VisitTally

if TYPE_CHECKING:
    from kiosk.ops.usage import UsageStore

log = logging.getLogger(__name__)


class VisitUsage:
    """This visit's tally, and the store of per-day counts it is added to (None: counting
    off, or not opened yet: the app opens it after its first frame)."""

    def __init__(self, store: UsageStore | None, today: Callable[[], date]) -> None:
        self.store = store
        self.today = today
        self.tally = VisitTally()

    def record(self, language: str) -> None:
        """Add this visit to today's counts and start a new, empty tally."""
        tally, self.tally = self.tally, VisitTally()
        if not tally.languages:  # never opened the picker: the visit was in ``language``
            tally.language_chosen(language)
        if self.store is None:
            return
        try:
            self.store.add_visit(tally, self.today())
        except Exception as exc:  # a full disk must not stop the kiosk; the figure is lost
            log.warning("usage figures not saved: %s", exc)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
