"""The "Continue on your phone" codes, driven through the real window with real taps.

With ``web_base_url`` set, a guide (and the about text) shows right after its summary a
QR code for its page of the online edition in the visitor's language, also when its text
falls back to English, and the quiz's score shows one for the quiz page; without the
setting there is none. The codes are found by their probe id, "phone-link".
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui_support import (  # noqa: I001
    advance_frames, save_window_png, start_app, stop_app, tap, tap_card, start_visit,
)
from kivy.uix.widget import Widget

from conftest import CONTENT, ROOT
from kiosk.config import KioskConfig, parse_config
from kiosk.ui.app import KioskApp
from kiosk.ui.i18n import tr
from kiosk.ui.probe import touch_targets
from kiosk.widgets.common import KioskLabel, QRCodeImage

pytestmark = pytest.mark.gui

BASE = "https://kiosk.example.org/eu"
SETTINGS = """
[kiosk]
host_country = "IT"
languages = ["en", "bg", "el"]
default_language = "en"
"""
WITH_SITE = parse_config(SETTINGS + f'web_base_url = "{BASE}"\n')
WITHOUT_SITE = parse_config(SETTINGS)


def started(config: KioskConfig, data_dir: Path, content_dir: Path = CONTENT) -> KioskApp:
    app, _clock = start_app(config, data_dir, content_dir=content_dir)
    return app


@pytest.fixture
def with_site(tmp_path: Path) -> Iterator[KioskApp]:
    app = started(WITH_SITE, tmp_path / "data")
    yield app
    stop_app(app)


@pytest.fixture
def without_site(tmp_path: Path) -> Iterator[KioskApp]:
    app = started(WITHOUT_SITE, tmp_path / "data")
    yield app
    stop_app(app)


def switch_language(app: KioskApp, language: str) -> None:
    tap(app.root.ids.language_button)
    tap(app.screens["language"].button_for(language))
    assert app.manager.current == "home" and app.visit.language == language


def phone_codes(tree: Widget) -> list[QRCodeImage]:
    return [w for w in tree.walk(restrict=True)
            if isinstance(w, QRCodeImage) and w.probe_id == "phone-link"]


def shown_phone_code(app: KioskApp, tree: Widget) -> QRCodeImage:
    """The one phone code in ``tree``, drawn and on screen without scrolling."""
    codes = phone_codes(tree)
    assert len(codes) == 1, [c.data for c in codes]
    code = codes[0]
    assert code.texture is not None and code.texture.width > 20  # a real QR code
    assert "phone-link" in touch_targets(app.root), "the code is not on screen"
    return code


def card_of(code: QRCodeImage) -> Widget:
    return code.parent


def card_texts(code: QRCodeImage) -> list[str]:
    return [w.text for w in card_of(code).walk(restrict=True) if isinstance(w, KioskLabel)]


def assert_follows_the_summary(app: KioskApp, code: QRCodeImage, fallback: bool = False) -> None:
    """The card is the guide's top-level part right after its title and summary (after
    the "not yet translated" note too, on a fallback)."""
    column = app.screens["guide"].layouts.shown.root
    parts = list(reversed(column.children))  # top to bottom
    view = app.screens["guide"].view
    first = 1 if fallback else 0
    assert [parts[first].text, parts[first + 1].text] == [view.title, view.summary]
    assert parts[first + 2] is card_of(code)


def test_a_guide_shows_a_code_for_its_page_in_the_visitors_language(with_site: KioskApp) -> None:
    app = with_site
    start_visit(app, "en")
    tap_card(app, "ep-voting")
    document = app.screens["guide"].ids.document
    code = shown_phone_code(app, document)
    assert code.data == f"{BASE}/en/guides/ep-voting/"
    assert card_texts(code) == ["Continue on your phone", code.data]
    assert_follows_the_summary(app, code)

    tap(app.root.ids.home_button)
    switch_language(app, "el")
    tap_card(app, "ep-voting")  # the same guide: not the layout kept for English
    code = shown_phone_code(app, document)
    assert code.data == f"{BASE}/el/guides/ep-voting/"
    assert card_texts(code) == [tr.text_in("el", "Continue on your phone"), code.data]
    assert_follows_the_summary(app, code)
    save_screenshot("guide-ep-voting-el")

    tap(app.root.ids.home_button)
    tap(app.screens["home"].action_button("about"))
    assert app.manager.current == "about"
    code = shown_phone_code(app, app.screens["about"].ids.about_text)
    assert code.data == f"{BASE}/el/about/"


@pytest.mark.content_languages("bg", "el")  # the languages SETTINGS offer
def test_a_fallback_guide_links_to_the_page_in_the_visitors_language(
        tmp_path: Path, content_copy: Path) -> None:
    (content_copy / "bg" / "guides" / "ep-voting.md").unlink()
    app = started(WITH_SITE, tmp_path / "data", content_copy)
    try:
        start_visit(app, "bg")
        tap_card(app, "ep-voting")
        assert app.screens["guide"].view.fallback and app.screens["guide"].view.lang == "en"
        code = shown_phone_code(app, app.screens["guide"].ids.document)
        assert code.data == f"{BASE}/bg/guides/ep-voting/"
        assert_follows_the_summary(app, code, fallback=True)
    finally:
        stop_app(app)


def test_without_the_setting_there_is_no_phone_code(without_site: KioskApp) -> None:
    app = without_site
    start_visit(app, "el")
    tap_card(app, "ep-voting")
    document = app.screens["guide"].ids.document
    assert phone_codes(document) == []
    # the guide's own link codes are still there, and only they
    codes = [w.data for w in document.walk(restrict=True) if isinstance(w, QRCodeImage)]
    assert codes and codes == list(app.screens["guide"].view.link_targets)
    tap(app.root.ids.home_button)
    tap(app.screens["home"].action_button("about"))
    assert app.manager.current == "about" and phone_codes(app.screens["about"].ids.document) == []
    assert "phone-link" not in touch_targets(app.root)


def finish_quiz(app: KioskApp) -> None:
    """Answer every question by tapping an option, then "See my score"."""
    tap(app.root.ids.home_button)
    tap(app.screens["home"].action_button("quiz"))
    quiz = app.screens["quiz"]
    for _ in range(app.visit.quiz.total):
        tap(quiz.option_button(app.visit.quiz.current.answer))
        tap(quiz.ids.next_button)
    assert quiz.finished and app.manager.current == "quiz"


def test_the_quiz_score_shows_a_code_for_the_quiz_page(with_site: KioskApp) -> None:
    app = with_site
    start_visit(app, "bg")
    finish_quiz(app)
    quiz = app.screens["quiz"]
    assert quiz.phone_card.parent is quiz.score_panel
    code = shown_phone_code(app, quiz.score_panel)
    assert code.data == f"{BASE}/bg/quiz/"
    assert card_texts(code) == [tr.text_in("bg", "Continue on your phone"), code.data]


def test_the_quiz_score_has_no_code_without_the_setting(without_site: KioskApp) -> None:
    app = without_site
    start_visit(app, "el")
    finish_quiz(app)
    quiz = app.screens["quiz"]
    assert quiz.phone_card.parent is None and phone_codes(quiz.score_panel) == []
    assert quiz.ids.restart_button.parent is quiz.score_panel  # the rest of the score is there
    assert "phone-link" not in touch_targets(app.root)


def save_screenshot(name: str) -> None:
    """What the guide looks like with its phone card (artifacts/phone-link/)."""
    folder = Path(os.environ.get("KIOSK_ARTIFACTS", ROOT / "artifacts")) / "phone-link"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    advance_frames(5)
    save_window_png(folder / f"{name}.png")
