"""Usage figures for the project partners: per-day counts, never a record of one visit.

During a visit the app keeps a :class:`~kiosk.core.visit_tally.VisitTally` in memory only. When the visit ends,
:meth:`UsageStore.add_visit` adds it to per-day counters in ``usage.db`` and the tally is
dropped, so the database holds sums (day, metric, key, count) and nothing else: no time
finer than a day, no order of screens, no way to tell one visit from another. The table
is WITHOUT ROWID, so not even insertion order is stored.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from kiosk.core.visit_tally import VISITS, VisitTally

USAGE_FILE = "usage.db"
CSV_COLUMNS = ("date", "metric", "key", "count")

migrations = Migrations("kiosk-usage")


@migrations()
def m001_daily_counts(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE daily_counts ("
        " day TEXT NOT NULL, metric TEXT NOT NULL, key TEXT NOT NULL,"
        " count INTEGER NOT NULL CHECK (count >= 0),"
        " PRIMARY KEY (day, metric, key)) WITHOUT ROWID"
    )


@dataclass(frozen=True)
class DailyCount:
    day: str
    metric: str
    key: str
    count: int


class UsageStore:
    """The per-day counters in ``<data dir>/usage.db``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / USAGE_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.conn.execute("PRAGMA journal_mode=WAL")
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    def add_visit(self, tally: VisitTally, day: date) -> None:
        """Add one ended visit to ``day``'s counters, in one transaction (all or nothing)."""
        rows = [(day.isoformat(), metric, key, n) for (metric, key), n in tally.increments().items()]
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT INTO daily_counts (day, metric, key, count) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (day, metric, key) DO UPDATE SET count = count + excluded.count",
                rows,
            )

    def counts(self, since: date | None = None) -> list[DailyCount]:
        sql = "SELECT day, metric, key, count FROM daily_counts"
        params: list[str] = []
        if since is not None:
            sql += " WHERE day >= ?"
            params.append(since.isoformat())
        sql += " ORDER BY day, metric, key"
        return [DailyCount(*row) for row in self.db.conn.execute(sql, params)]

    def visits_on(self, day: date) -> int:
        row = self.db.conn.execute(
            "SELECT count FROM daily_counts WHERE day = ? AND metric = ? AND key = ''",
            (day.isoformat(), VISITS),
        ).fetchone()
        return int(row[0]) if row else 0


def counts_to_csv(counts: list[DailyCount]) -> str:
    """CSV with a header row: ``date,metric,key,count``, one row per counter."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in counts:
        writer.writerow((c.day, c.metric, c.key, c.count))
    return out.getvalue()
