"""The quiz: one question at a time, in random order, with feedback and a score.

Plain state machine; the quiz screen shows what :class:`QuizSession` says and passes
the visitor's choices back to it. :func:`questions_for_country` draws the questions:
the general ones and those about the country the kiosk shows guides for.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from contentlib.model import GuideDef, QuestionDef


def questions_for_country(
    questions: list[QuestionDef], guides: list[GuideDef], country: str
) -> list[QuestionDef]:
    """The general questions and those about ``country``; a question is about a country
    when the guide that explains it is that country's guide."""
    country_of = {g.id: g.country for g in guides}
    return [q for q in questions if country_of.get(q.guide) in (None, country)]


class QuizError(RuntimeError):
    """A call that the quiz's current state does not allow."""


@dataclass(frozen=True)
class Feedback:
    question_id: str
    chosen: str
    correct_option: str
    correct: bool
    guide_id: str


@dataclass
class QuizSession:
    questions: list[QuestionDef]
    rng: random.Random = field(default_factory=random.Random)
    order: list[QuestionDef] = field(init=False)
    index: int = field(init=False, default=0)
    answers: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        if not self.questions:
            raise QuizError("a quiz needs at least one question")
        self.order = list(self.questions)
        self.rng.shuffle(self.order)

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def finished(self) -> bool:
        return self.index >= self.total

    @property
    def current(self) -> QuestionDef:
        if self.finished:
            raise QuizError("the quiz is finished")
        return self.order[self.index]

    @property
    def answered_current(self) -> bool:
        return not self.finished and self.current.id in self.answers

    def answer(self, option_id: str) -> Feedback:
        question = self.current
        if question.id in self.answers:
            raise QuizError(f"question '{question.id}' is already answered")
        if option_id not in question.options:
            raise QuizError(f"'{option_id}' is not an option of '{question.id}'")
        self.answers[question.id] = option_id
        return self.feedback()

    def feedback(self) -> Feedback:
        question = self.current
        chosen = self.answers[question.id]
        return Feedback(question.id, chosen, question.answer, chosen == question.answer, question.guide)

    def next(self) -> None:
        if not self.answered_current:
            raise QuizError("answer the current question first")
        self.index += 1

    @property
    def score(self) -> int:
        by_id = {q.id: q for q in self.order}
        return sum(1 for qid, chosen in self.answers.items() if by_id[qid].answer == chosen)
