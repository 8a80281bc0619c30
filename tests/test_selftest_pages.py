"""``kiosk --selftest`` draws every page in every language and names the one that fails
(issue 12, point 3), in the real window, one step per frame through Kivy's own loop."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gui_support import run_main_loop, start_app, stop_app  # noqa: I001
from conftest import CONTENT
from kiosk.ui.app import KioskApp
from kiosk.config import parse_config
from kiosk.ops.selftest import PageWalk, page_steps

pytestmark = [pytest.mark.gui, pytest.mark.slow]  # each walks every page of a language or two

LANGUAGES = ("en", "bg")
CONFIG = parse_config('[kiosk]\nhost_country = "AT"\nlanguages = ["en", "bg"]\n')


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[KioskApp]:
    app, clock = start_app(CONFIG, tmp_path / "data", content_dir=CONTENT)
    app.test_clock = clock
    app.start_visit()
    yield app
    stop_app(app)


def walk_all(app: KioskApp, languages: tuple[str, ...] = LANGUAGES,
             last_page: str | None = None) -> tuple[PageWalk, list[str]]:
    """Walk every page (or every page up to ``last_page``), 40 s of the idle clock per
    page: far past the idle timeout (the frozen self-test takes minutes on the real clock)."""
    names: list[str] = []
    steps = page_steps(app, languages)

    def recorded() -> Iterator[tuple[str, object]]:
        for what, action in steps:
            names.append(what)
            yield what, action
            if what == last_page:
                return

    walk = PageWalk(app, recorded())  # type: ignore[arg-type]
    while walk.step():
        app.test_clock.advance(40)
        run_main_loop(1)  # errors while drawing reach the app's handler, as in the kiosk
    return walk, names


def test_every_guide_and_quiz_question_is_drawn_in_every_language(kiosk) -> None:
    app = kiosk
    walk, names = walk_all(app)
    assert walk.failures == []
    guides = [g.id for g in app.store.guide_defs()]
    questions = [q.id for q in app.store.question_defs()]
    for lang in LANGUAGES:
        assert {f"guide {g} in {lang}" for g in guides} <= set(names)
        assert {f"quiz question {q} in {lang}" for q in questions} <= set(names)
        assert f"screen links in {lang}" in names
    assert len(guides) == 35 and len(questions) > 76  # every country's guide and question
    assert walk.shown == len(names)
    assert app.manager.current == "attract"


def test_a_guide_that_fails_is_named_with_its_language_and_the_walk_goes_on(kiosk, monkeypatch) -> None:
    app = kiosk
    screen = app.screens["guide"]
    real_refresh = screen.refresh

    def refresh() -> None:
        if screen.guide_id == "register-austria" and app.visit.language == "bg":
            raise ValueError("a broken table")
        real_refresh()

    monkeypatch.setattr(screen, "refresh", refresh)
    # up to the guide after the broken one: a full language only repeats the first test
    walk, names = walk_all(app, ("bg",), last_page="guide register-belgium in bg")
    assert walk.failures == ["guide register-austria in bg: ValueError: a broken table"]
    assert walk.shown == len(names) - 1
    assert names[-1] == "guide register-belgium in bg"  # the guide after it was still drawn


def test_an_error_while_a_page_is_drawn_is_named_too(kiosk, monkeypatch) -> None:
    """An error in a callback a frame later (layout, a scheduled scroll) is caught by the
    app's UI error handler; the walk names the page that was being drawn."""
    from kivy.clock import Clock

    app = kiosk
    screen = app.screens["guide"]
    real_refresh = screen.refresh

    def refresh() -> None:
        real_refresh()
        if screen.guide_id == "ep-voting" and app.visit.language == "en":
            Clock.schedule_once(lambda _dt: 1 / 0, 0)

    monkeypatch.setattr(screen, "refresh", refresh)
    walk, names = walk_all(app, ("en",), last_page="guide ep-candidacy in en")
    assert names[-1] == "guide ep-candidacy in en"  # the walk went on after it
    assert walk.failures == ["guide ep-voting in en: an error while drawing it (see the log above)"]
    assert app.ui_errors == 1
