"""What one visit did, counted in memory: the languages, the guides opened, the quiz scores.

The app keeps one :class:`VisitTally` per visit; at the visit's end the usage store
(:mod:`kiosk.ops.usage`) adds its :meth:`~VisitTally.increments` to the day's counters and
the tally is dropped. Plain Python, so the app can count from its first frame without
opening the database.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

VISITS = "visits"
VISITS_BY_LANGUAGE = "visits_by_language"
GUIDE_VIEWS = "guide_views"
QUIZZES_FINISHED = "quizzes_finished"
QUIZ_SCORES = "quiz_scores"
"""Key: ``"<correct>/<questions>"``; the count is how many finished quizzes scored that."""


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
