"""Usage figures for the project partners: per-day counts, never a record of one visit.

During a visit the app keeps a :class:`VisitTally` in memory only. When the visit ends,
:meth:`UsageStore.add_visit` adds it to per-day counters in ``usage.db`` and the tally is
dropped, so the database holds sums (day, metric, key, count) and nothing else: no time
finer than a day, no order of screens, no way to tell one visit from another. The table
is WITHOUT ROWID, so not even insertion order is stored.
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

USAGE_FILE = "usage.db"
CSV_COLUMNS = ("date", "metric", "key", "count")

VISITS = "visits"
VISITS_BY_LANGUAGE = "visits_by_language"
GUIDE_VIEWS = "guide_views"
QUIZZES_FINISHED = "quizzes_finished"
QUIZ_SCORES = "quiz_scores"
"""Key: ``"<correct>/<questions>"``; the count is how many finished quizzes scored that."""

migrations = Migrations("kiosk-usage")


@migrations()
def m001_daily_counts(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE daily_counts ("
        " day TEXT NOT NULL, metric TEXT NOT NULL, key TEXT NOT NULL,"
        " count INTEGER NOT NULL CHECK (count >= 0),"
        " PRIMARY KEY (day, metric, key)) WITHOUT ROWID"
    )


@dataclass
class VisitTally:
    """What one visit did, held in memory until the visit ends, then added and dropped."""

    languages: set[str] = field(default_factory=set)
    guide_views: Counter[str] = field(default_factory=Counter)
    quiz_scores: list[tuple[int, int]] = field(default_factory=list)

    def language_chosen(self, code: str) -> None:
        self.languages.add(code)

    def guide_viewed(self, guide_id: str) -> None:
        self.guide_views[guide_id] += 1

    def quiz_finished(self, correct: int, questions: int) -> None:
        self.quiz_scores.append((correct, questions))

    def increments(self) -> Counter[tuple[str, str]]:
        """The (metric, key) counters this visit adds to its day."""
        counts: Counter[tuple[str, str]] = Counter({(VISITS, ""): 1})
        for code in self.languages:
            counts[(VISITS_BY_LANGUAGE, code)] += 1
        for guide_id, views in self.guide_views.items():
            counts[(GUIDE_VIEWS, guide_id)] += views
        for correct, questions in self.quiz_scores:
            counts[(QUIZZES_FINISHED, "")] += 1
            counts[(QUIZ_SCORES, f"{correct}/{questions}")] += 1
        return counts


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
