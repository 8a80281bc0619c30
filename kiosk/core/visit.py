"""One visitor's session: language, country, quiz, reading positions and the way back.

Everything here is forgotten when the visit ends: :meth:`Visit.reset` puts every field
back to the kiosk's defaults, so nothing about one visitor reaches the next.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.core.quiz import QuizSession


@dataclass(frozen=True)
class Route:
    screen: str
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)


def route(screen: str, **params: Any) -> Route:
    return Route(screen, tuple(sorted(params.items())))


HOME = route("home")


@dataclass
class Visit:
    default_language: str
    default_country: str
    language: str = ""
    country: str = ""
    quiz: QuizSession | None = None
    scroll: dict[str, float] = field(default_factory=dict)
    """Reading position per guide (1.0 = top), kept while moving around within a visit."""
    history: list[Route] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.language = self.default_language
        self.country = self.default_country
        self.quiz = None
        self.scroll = {}
        self.history = []

    @property
    def current(self) -> Route | None:
        return self.history[-1] if self.history else None

    def go(self, target: Route) -> Route:
        if self.current != target:
            self.history.append(target)
        return target

    def go_home(self) -> Route:
        self.history = [HOME]
        return HOME

    def back(self) -> Route:
        """The previous screen; home when there is nothing to go back to."""
        if len(self.history) > 1:
            self.history.pop()
            return self.history[-1]
        return self.go_home()
