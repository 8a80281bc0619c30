""""Show this at the desk", driven through the real window with real taps.

From a registration guide of the kiosk's own country the visitor opens a card whose upper
part is in the desk's language (the host country's, or ``desk_language``), in large type,
with the visitor's language named and a QR code to the official page; below it the same
request in the visitor's language. Read aloud reads the visitor's part; the idle reset
empties the card. Where the content has no desk text in the desk's language, the card is
in English and says so. The staff page on the admin screen is in the desk's language.
Screenshots of each card, at the default and the largest text step: artifacts/desk-card/.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui_support import (  # noqa: I001
    advance_frames, save_window_png, start_app, start_visit, stop_app, tap, tap_card, wait_idle_checks,
)
from kivy.base import EventLoop

from conftest import CONTENT, ROOT, bundled_content
from kiosk.config import parse_config
from kiosk.core.admin import MIN_PIN_ITERATIONS, hash_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.i18n import tr
from kiosk.ui.probe import touch_targets

pytestmark = pytest.mark.gui

PIN = "135791"
PIN_HASH = hash_pin(PIN, iterations=MIN_PIN_ITERATIONS)
IDLE, WARNING = 90, 30
CONTENT_SET = bundled_content()
GUIDE_OF = {g.country: g for g in CONTENT_SET.guides if g.country}


def config(host: str, extra: str = "") -> str:
    return (f'[kiosk]\nhost_country = "{host}"\n'
            'languages = ["en", "ro", "bg", "pl", "de", "el", "fr"]\ndefault_language = "en"\n'
            f'idle_timeout = {IDLE}\nwarning_seconds = {WARNING}\nadmin_pin_hash = "{PIN_HASH}"\n'
            + extra)


@pytest.fixture
def kiosk_in(tmp_path: Path) -> Iterator:
    apps = []

    def start(host: str, extra: str = "") -> tuple[KioskApp, object]:
        app, clock = start_app(parse_config(config(host, extra)), tmp_path / f"data-{len(apps)}",
                               content_dir=CONTENT)
        apps.append(app)
        return app, clock

    yield start
    for app in apps:
        stop_app(app)


def request_text(lang: str, request_id: str) -> str:
    return CONTENT_SET.translations[lang].desk.requests[request_id].text


def open_desk_card(app: KioskApp, guide_id: str) -> object:
    tap_card(app, guide_id)
    assert app.manager.current == "guide"
    desk_button = app.screens["guide"].ids.desk_button
    assert "desk" in touch_targets(app.root), "the desk button is not on screen"
    tap(desk_button)
    assert app.manager.current == "desk"
    return app.screens["desk"]


def save_screenshot(name: str) -> Path:
    folder = Path(os.environ.get("KIOSK_ARTIFACTS", ROOT / "artifacts")) / "desk-card"
    folder.mkdir(parents=True, exist_ok=True)
    advance_frames(5)
    return save_window_png(folder / f"{name}.png")


PAIRS = [
    # visitor, host country, desk language set in the config, the desk's language
    ("ro", "DE", "", "de", "Sprache dieser Person: Rumänisch"),
    ("bg", "GR", "", "el", "Γλώσσα αυτού του προσώπου: Βουλγαρικά"),
    ("pl", "BE", "fr", "fr", "Langue de cette personne : polonais"),
]


@pytest.mark.parametrize("visitor,host,setting,desk,person_line", PAIRS,
                         ids=[f"{p[0]}-to-{p[3]}" for p in PAIRS])
def test_the_card_puts_the_desk_language_on_top_and_the_visitors_below(
        kiosk_in, monkeypatch, visitor: str, host: str, setting: str, desk: str,
        person_line: str) -> None:
    extra = f'desk_language = "{setting}"\n' if setting else ""
    app, clock = kiosk_in(host, extra)
    start_visit(app, visitor)
    guide = GUIDE_OF[host]
    card = open_desk_card(app, guide.id)
    ids = card.ids
    first = guide.desk[0]
    assert card.title == tr.text_in(visitor, "Show this at the desk")
    # the clerk's part, in the desk's language, above the visitor's part
    assert ids.desk_text.text == request_text(desk, first)
    assert ids.person_language.text == person_line
    assert ids.visitor_text.text == request_text(visitor, first)
    assert ids.desk_text.text != ids.visitor_text.text
    assert ids.desk_text.to_window(0, ids.desk_text.y)[1] > \
        ids.visitor_text.to_window(0, ids.visitor_text.top)[1]
    # large type for the clerk: the text style above the body's
    assert ids.desk_text.font_size > 1.3 * ids.visitor_text.font_size
    # the official page as a QR code: the host country guide's cited page for the request
    assert ids.official_qr.data == guide.desk_link(first)
    assert ids.official_qr.data in {s.url for s in guide.sources}
    assert ids.official_qr.texture is not None
    assert "desk-fallback" not in touch_targets(app.root)
    for target in ("desk-text", "desk-link", "desk-back"):
        assert target in touch_targets(app.root), f"{target} is not on screen"
    normal_size = ids.desk_text.font_size
    save_screenshot(f"{visitor}-to-{desk}-text-step-0")

    # read aloud reads the visitor's part, in the visitor's language
    spoken: list[tuple[str, str]] = []
    monkeypatch.setattr(app.speaker, "speak",
                        lambda text, lang: spoken.append((text, lang)) or False)
    tap(ids.desk_speak)
    text, lang = spoken[-1]
    assert lang == visitor
    assert request_text(visitor, first) in text and request_text(desk, first) not in text

    # the card has the whole window; Back returns to the guide with its bars
    root = app.root
    assert root.top_bar.parent is None and root.bottom_bar.parent is None
    tap(ids.desk_back)
    assert app.manager.current == "guide" and root.bottom_bar.parent is not None

    # at the largest text step: larger type, the text still within the window
    tap(root.ids.text_size_button)
    tap(root.ids.text_size_button)
    assert app.text_step == 2
    tap(app.screens["guide"].ids.desk_button)
    assert app.manager.current == "desk"
    assert ids.desk_text.text == request_text(desk, first)
    assert ids.desk_text.font_size > normal_size
    assert ids.desk_text.to_window(ids.desk_text.right, 0)[0] <= EventLoop.window.width
    assert ids.desk_back.to_window(*ids.desk_back.center)[1] > 0
    save_screenshot(f"{visitor}-to-{desk}-text-step-2")

    # the card ends with the visit: nothing of it is left after the idle reset
    clock.advance(IDLE + WARNING + 1)
    wait_idle_checks(app)
    assert app.manager.current == "attract" and not app.in_visit
    assert (ids.desk_text.text, ids.visitor_text.text, ids.official_qr.data,
            ids.person_language.text) == ("", "", "", "")
    assert card.card is None and app.visit.history == []


def test_another_request_changes_both_parts_and_the_code(kiosk_in) -> None:
    app, _clock = kiosk_in("DE")
    start_visit(app, "ro")
    guide = GUIDE_OF["DE"]
    card = open_desk_card(app, guide.id)
    choices = {b.request_id: b for b in card.choice_buttons if b.parent is not None}
    assert list(choices) == list(guide.desk)
    assert [b.text for b in choices.values()] == [
        CONTENT_SET.translations["ro"].desk.requests[r].label for r in guide.desk]
    tap(choices["stand-candidate"])  # scrolled to first: they follow the visitor's part
    assert card.ids.desk_text.text == request_text("de", "stand-candidate")
    advance_frames(3)
    assert "desk-text" in touch_targets(app.root), "the new text is shown from its start"
    assert card.ids.visitor_text.text == request_text("ro", "stand-candidate")
    assert card.ids.official_qr.data == guide.desk_link("stand-candidate")
    assert choices["stand-candidate"].emphasis and not choices["register-ep"].emphasis
    # Back returns to the guide, as the big button says
    tap(card.ids.desk_back)
    assert app.manager.current == "guide" and app.screens["guide"].guide_id == guide.id


def test_a_desk_language_without_content_falls_back_to_english_and_says_so(kiosk_in) -> None:
    app, _clock = kiosk_in("BE")  # Belgium's first official language, Dutch, has no content
    start_visit(app, "pl")
    card = open_desk_card(app, GUIDE_OF["BE"].id)
    first = GUIDE_OF["BE"].desk[0]
    assert card.ids.desk_text.text == request_text("en", first)
    assert card.ids.person_language.text == "Language of this person: Polish"
    assert "desk-fallback" in touch_targets(app.root)
    assert card.ids.desk_fallback_note.text == tr.text_in("pl", (
        "The staff here work in {language}. This card is not yet written in it, so it "
        "is in English.")).format(language="niderlandzki")
    assert card.ids.visitor_text.text == request_text("pl", first)


def test_only_this_countrys_guides_and_desk_guides_offer_the_card(kiosk_in) -> None:
    app, _clock = kiosk_in("DE")
    start_visit(app, "en")
    guide_screen = app.screens["guide"]
    tap_card(app, "ep-voting")  # a general guide about registering: offered
    assert "desk" in touch_targets(app.root)
    tap(guide_screen.ids.desk_button)
    assert app.screens["desk"].ids.desk_text.text == request_text("de", "register-ep")
    tap(app.screens["desk"].ids.desk_back)  # the card has no bars: its own Back
    tap(app.root.ids.home_button)
    assert app.manager.current == "home"
    tap_card(app, "rights-overview")  # no request at the desk
    assert guide_screen.guide_id == "rights-overview", guide_screen.guide_id
    assert guide_screen.desk_bar.parent is None and "desk" not in touch_targets(app.root)
    app.open_guide("register-france")  # another country's desk is not this town hall's
    advance_frames(3)
    assert app.manager.current == "guide" and guide_screen.desk_bar.parent is None


def test_the_quiz_offers_the_card_where_its_guide_does(kiosk_in) -> None:
    app, _clock = kiosk_in("GR")
    start_visit(app, "bg")
    tap(app.screens["home"].action_button("quiz"))
    quiz = app.screens["quiz"]
    offering = {g.id for g in CONTENT_SET.guides if g.desk and g.country in (None, "GR")}
    seen = set()
    while True:
        question = quiz.session.current
        tap(quiz.option_button(question.options[0]))
        shown = quiz.desk_button.parent is not None
        assert shown == (question.guide in offering), question.id
        seen.add(shown)
        if shown:
            break
        tap(quiz.ids.next_button)
        assert not quiz.session.finished, "no question explained by a guide with a desk card"
    tap(quiz.desk_button)
    card = app.screens["desk"]
    assert app.manager.current == "desk"
    first = next(g for g in CONTENT_SET.guides if g.id == question.guide).desk[0]
    assert card.ids.desk_text.text == request_text("el", first)
    assert card.ids.visitor_text.text == request_text("bg", first)
    tap(card.ids.desk_back)
    assert app.manager.current == "quiz"


def open_staff_page(app: KioskApp, clock) -> object:
    corner = app.root.ids.secret_corner
    for _ in range(5):
        tap(corner)
        clock.advance(0.3)
    admin = app.screens["admin"]
    keys = {w.probe_id: w for w in admin.ids.keypad.children}
    for digit in PIN:
        tap(keys[f"pin-{digit}"])
    tap(keys["pin-ok"])
    assert admin.unlocked
    tap(admin.ids.staff_button)
    assert "staff-text" in touch_targets(app.root)
    return admin


def test_the_staff_page_is_in_the_desk_language(kiosk_in) -> None:
    app, clock = kiosk_in("DE", 'it_contact = "IT-Service, Durchwahl 2040 [b]"\n')
    start_visit(app, "ro")
    admin = open_staff_page(app, clock)
    staff = CONTENT_SET.translations["de"].desk.staff
    assert admin.ids.staff_title.text == staff["title"]
    text = admin.ids.staff_text.text
    assert staff["offers"] in text and staff["restart"] in text
    assert staff["privacy"].format(minutes=2) in text  # 90 s + 30 s of warning
    # the config's contact as written: plain text, markup off
    assert "IT-Kontakt für diesen Kiosk: IT-Service, Durchwahl 2040 [b]" in text
    assert admin.ids.staff_text.markup is False
    assert staff["version"].format(version=CONTENT_SET.version_label) in text
    assert admin.staff_note_label.parent is None
    tap(admin.ids.staff_close)
    assert "admin-status" in {w.markup_role for w in admin.walk() if hasattr(w, "markup_role")}


def test_the_staff_page_falls_back_to_english_where_the_desk_language_has_none(kiosk_in) -> None:
    app, clock = kiosk_in("BE")
    start_visit(app, "en")
    admin = open_staff_page(app, clock)
    assert admin.ids.staff_title.text == CONTENT_SET.translations["en"].desk.staff["title"]
    assert "No IT contact is set" in admin.ids.staff_text.text
    assert admin.ids.staff_note.text == (
        "This page is not yet written in Dutch, so it is in English.")
    assert admin.staff_note_label.parent is not None
