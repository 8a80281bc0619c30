"""Screens driven through the real Kivy window with real touches (run under Xvfb).

Each test starts the real app in-process on a fresh data folder, taps widgets through
the window's event loop (kivy.tests.UnitTestTouch), advances frames instead of sleeping,
and asserts on state. Time for the idle policy comes from a fake clock.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui_support import (  # noqa: I001
    FakeClock, advance_frames, save_window_png, start_app, start_visit, stop_app, tap, tap_card,
    wait_idle_checks,
)
from kivy.base import EventLoop
from kivy.tests.common import UnitTestTouch
from kivy.uix.image import Image

from conftest import CONTENT, CONTENT_LANGUAGES, CONTENT_VERSION
from kiosk.core.admin import LOCKOUT_FILE_NAME, MIN_PIN_ITERATIONS, hash_pin
from kiosk.ui.app import KioskApp
from kiosk.config import parse_config
from contentlib.source import load_content
from kiosk.core.markup import escape_markup
from contentlib.cache import build_cache_file, set_current
from kiosk.widgets.common import KioskLabel, MarkupLabel, QRCodeImage

pytestmark = pytest.mark.gui

PIN = "246802"
PIN_HASH = hash_pin(PIN, iterations=MIN_PIN_ITERATIONS)
CONFIG = parse_config(
    f"""
[kiosk]
host_country = "IT"
municipality = "Comune di Empoli"
languages = ["en", "bg", "el"]
default_language = "en"
idle_timeout = 90
warning_seconds = 30
admin_pin_hash = "{PIN_HASH}"
"""
)


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[tuple[KioskApp, FakeClock]]:
    app, clock = start_app(CONFIG, tmp_path / "data", content_dir=CONTENT)
    yield app, clock
    stop_app(app)


def test_attract_cycles_touch_to_start_in_every_offered_language(kiosk) -> None:
    app, _ = kiosk
    attract = app.screens["attract"]
    assert app.manager.current == "attract" and not app.in_visit
    attract.language_index = 0  # the real-time cycle may already have moved on
    attract.show_language(0)
    seen = []
    for _ in app.settings.languages:
        seen.append(attract.prompt)
        attract.next_language()
    assert seen == ["Touch to start", "Докоснете, за да започнете", "Αγγίξτε για να ξεκινήσετε"]
    assert attract.prompt == seen[0]  # back to the first language


def test_language_screen_names_languages_in_their_own_script(kiosk) -> None:
    app, _ = kiosk
    tap(app.screens["attract"])
    names = sorted(b.text for b in app.screens["language"].ids.choices.children)
    assert names == ["English", "Ελληνικά", "Български"]


def test_language_switch_changes_visible_strings(kiosk) -> None:
    app, _ = kiosk
    start_visit(app, "en")
    root = app.root.ids
    assert root.home_button.text == "Home" and app.screen_title == "Your rights as an EU citizen"
    home = app.screens["home"]
    assert home.topic_card("ep-voting").heading.startswith("Voting in European")
    tap(root.language_button)
    assert app.manager.current == "language"
    tap(app.screens["language"].button_for("bg"))
    assert app.manager.current == "home" and app.visit.language == "bg"
    assert root.home_button.text == "Начало"
    assert root.back_button.text.endswith("Назад")
    assert home.action_button("quiz").text != "Test yourself: quiz"
    assert home.topic_card("ep-voting").heading.startswith("Гласуване")
    tap(root.language_button)
    tap(app.screens["language"].button_for("el"))
    assert root.home_button.text == "Αρχική"
    assert app.screen_title == "Τα δικαιώματά σας ως πολίτη της ΕΕ"


def test_home_lists_host_country_guide_first_and_opens_every_topic(kiosk) -> None:
    app, _ = kiosk
    start_visit(app)
    home = app.screens["home"]
    order = list(home.listed_guides)
    assert order[0] == "register-italy"
    for guide_id in order:
        tap(app.root.ids.home_button)
        tap_card(app, guide_id)
        assert app.manager.current == "guide" and app.screens["guide"].guide_id == guide_id


def test_guide_reader_shows_structure_images_qr_codes_and_sources(kiosk) -> None:
    app, _ = kiosk
    start_visit(app)
    tap_card(app, "ep-voting")
    document = app.screens["guide"].ids.document
    texts = [w.text for w in document.walk() if isinstance(w, KioskLabel)]
    assert any(t == "[b]One vote only[/b]" for t in texts)                 # heading
    assert "1." in texts and "5." in texts                                   # numbered list
    assert "\u2022" in texts                                                  # bullet list
    assert any("[b]where you live[/b]" in t for t in texts)                 # emphasis
    images = [w for w in document.walk() if isinstance(w, Image) and not isinstance(w, QRCodeImage)]
    assert images and images[0].texture is not None and images[0].texture.width == 480
    qr = [w for w in document.walk() if isinstance(w, QRCodeImage)]
    assert [q.data for q in qr] == [
        "https://europa.eu/youreurope/citizens/residence/elections-abroad/home-country-elections/faq/index_en.htm"
    ]
    assert qr[0].texture is not None
    sources = [w.text for w in document.walk() if getattr(w, "probe_id", "") == "source"]
    assert len(sources) == 4 and "eur-lex.europa.eu" in sources[0]
    assert any(t == "Last reviewed: November 26, 2026" for t in texts)


def test_scroll_position_is_kept_within_a_visit_and_cleared_after(kiosk) -> None:
    app, clock = kiosk
    start_visit(app)
    home = app.screens["home"]
    tap_card(app, "register-italy")
    scroller = app.screens["guide"].ids.scroller
    scroller.scroll_y = 0.3
    advance_frames(2)
    tap(app.root.ids.home_button)
    tap_card(app, "register-italy")
    advance_frames(2)
    assert scroller.scroll_y == pytest.approx(0.3)
    clock.advance(90 + 30 + 1)
    wait_idle_checks(app)
    assert app.manager.current == "attract"
    assert app.visit.scroll == {} and scroller.scroll_y == 1.0


def test_full_quiz_run_gives_the_right_score(kiosk) -> None:
    app, _ = kiosk
    start_visit(app)
    tap(app.screens["home"].action_button("quiz"))
    quiz_screen = app.screens["quiz"]
    session = app.visit.quiz
    assert app.manager.current == "quiz" and session is not None
    # the general questions and Italy's (the host), not other countries'
    guides = {g.id: g.country for g in app.store.guide_defs()}
    defs = {q.id for q in app.store.question_defs() if guides[q.guide] in (None, "IT")}
    assert {q.id for q in session.order} == defs and len(defs) >= 8
    assert any(guides[q.guide] == "IT" for q in session.order)
    expected = 0
    for index in range(session.total):
        question = session.current
        wrong = [o for o in question.options if o != question.answer][0]
        choice = question.answer if index % 3 != 0 else wrong
        expected += choice == question.answer
        assert quiz_screen.progress == f"Question {index + 1} of {session.total}"
        tap(quiz_screen.option_button(choice))
        assert quiz_screen.answered
        assert quiz_screen.feedback_text == ("Correct!" if choice == question.answer else "Not quite.")
        assert quiz_screen.explanation  # the short explanation is shown
        assert quiz_screen.option_button(question.answer).text.startswith("Right answer: ")
        tap(quiz_screen.option_button(wrong))  # a second tap changes nothing
        assert session.answers[question.id] == choice
        tap(quiz_screen.ids.next_button)
    assert quiz_screen.finished and session.score == expected == quiz_screen.score
    assert quiz_screen.score_text == f"You answered {expected} questions correctly out of {session.total}."
    tap(quiz_screen.ids.restart_button)
    assert not quiz_screen.finished and app.visit.quiz is not session


def test_quiz_feedback_opens_the_explaining_guide_and_back_returns(kiosk) -> None:
    app, _ = kiosk
    start_visit(app)
    tap(app.screens["home"].action_button("quiz"))
    quiz_screen, session = app.screens["quiz"], app.visit.quiz
    question = session.current
    tap(quiz_screen.option_button(question.answer))
    tap(quiz_screen.ids.guide_button)
    assert app.manager.current == "guide" and app.screens["guide"].guide_id == question.guide
    tap(app.root.ids.back_button)
    assert app.manager.current == "quiz" and quiz_screen.answered and session.current is question


def test_links_screen_shows_qr_and_address_for_each_link(kiosk) -> None:
    app, _ = kiosk
    start_visit(app)
    tap(app.screens["home"].action_button("links"))
    assert app.manager.current == "links"
    box = app.screens["links"].ids.links
    codes = [w.data for w in box.walk() if isinstance(w, QRCodeImage)]
    assert codes[0] == "https://mooc-impeu.eu/"
    # the host country's links and the general ones, not other countries'
    assert set(codes) == {l.url for l in app.store.link_defs() if l.country in (None, "IT")}
    assert "https://www.cik.bg/bg/ep2019/QandA" not in codes
    addresses = [w.text for w in box.walk() if getattr(w, "probe_id", "") == "link-address"]
    assert addresses == codes


def test_about_screen_names_the_municipality_and_partners(kiosk) -> None:
    app, _ = kiosk
    start_visit(app)
    tap(app.screens["home"].action_button("about"))
    assert app.manager.current == "about"
    texts = "\n".join(w.text for w in app.screens["about"].ids.document.walk() if isinstance(w, KioskLabel))
    assert "Comune di Empoli" in texts and "Magenta Consultoria" in texts and CONTENT_VERSION in texts


def test_back_and_home_on_every_screen_and_escape_never_quits(kiosk) -> None:
    app, _ = kiosk
    start_visit(app)
    ids = app.root.ids
    tap_card(app, "ep-voting")
    tap(ids.home_button)
    tap(app.screens["home"].action_button("links"))
    assert app.manager.current == "links"
    tap(ids.back_button)
    assert app.manager.current == "home"
    window = EventLoop.window
    tap(app.screens["home"].action_button("about"))
    assert window.dispatch("on_keyboard", 27, 9, "", []) is True  # Esc / Android back
    advance_frames(2)
    assert app.manager.current == "home"
    window.dispatch("on_keyboard", 27, 9, "", [])
    assert app.manager.current == "home"  # nothing left to go back to: stays home
    assert window.dispatch("on_request_close") is True  # closing the window is refused


def test_idle_warning_continue_keeps_the_visit(kiosk) -> None:
    app, clock = kiosk
    start_visit(app, "bg")
    tap(app.screens["home"].action_button("quiz"))
    clock.advance(91)
    wait_idle_checks(app)
    assert app.warning_visible
    assert "29" in app.warning.countdown_text
    clock.advance(10)
    wait_idle_checks(app)
    assert "19" in app.warning.countdown_text
    tap(app.warning.ids.continue_button)
    assert not app.warning_visible
    assert app.manager.current == "quiz" and app.visit.language == "bg" and app.in_visit
    clock.advance(89)
    wait_idle_checks(app)
    assert not app.warning_visible  # the touch on Continue restarted the idle timer


def test_idle_warning_can_be_extended_repeatedly(kiosk) -> None:
    app, clock = kiosk
    start_visit(app)
    for _ in range(10):
        clock.advance(100)
        wait_idle_checks(app)
        assert app.warning_visible
        tap(app.warning.ids.continue_button)
        assert not app.warning_visible and app.manager.current == "home"


def test_screens_switch_at_once_so_a_touch_right_after_a_switch_is_never_refused(kiosk) -> None:
    """A screen manager mid-transition drops touches: the next visitor's first touch on
    the attract screen, a frame after the reset, must start a visit."""
    from kivy.uix.screenmanager import NoTransition

    app, clock = kiosk
    advance_frames(5)  # KivyMD's manager used to swap in its 0.2 s animated transition here
    assert isinstance(app.manager.transition, NoTransition)
    for _ in range(3):
        start_visit(app, "el")
        clock.advance(90 + 30 + 1)
        wait_idle_checks(app, count=1)
        assert app.manager.current == "attract" and not app.in_visit
        advance_frames(1)
        assert not app.manager.transition.is_active
        attract = app.screens["attract"]
        touch = UnitTestTouch(*attract.to_window(*attract.center))
        touch.touch_down()
        touch.touch_up()
        assert app.in_visit and app.manager.current == "language"
        advance_frames(1)
        assert not app.manager.transition.is_active
        tap(app.screens["language"].button_for("el"))
        clock.advance(90 + 30 + 1)
        wait_idle_checks(app, count=1)


def test_running_out_resets_everything(kiosk) -> None:
    app, clock = kiosk
    start_visit(app, "el")
    tap(app.screens["home"].action_button("quiz"))
    quiz_screen = app.screens["quiz"]
    tap(quiz_screen.option_button(app.visit.quiz.current.answer))
    assert app.visit.quiz.answers
    clock.advance(90 + 30 - 0.5)
    wait_idle_checks(app)
    assert app.warning_visible and app.in_visit
    clock.advance(1)
    wait_idle_checks(app)
    assert app.manager.current == "attract" and not app.in_visit and not app.warning_visible
    assert app.visit.language == "en" and app.visit.quiz is None and app.visit.history == []
    assert app.visit.scroll == {} and quiz_screen.ids.options.children == []
    assert app.root.ids.home_button.text == "Home"  # UI language back to the default
    assert app.root.ids.top_bar.parent is None and app.root.ids.bottom_bar.parent is None
    # the next visitor starts clean
    start_visit(app)
    tap(app.screens["home"].action_button("quiz"))
    assert not app.visit.quiz.answers and not quiz_screen.answered


def open_admin(app: KioskApp, clock: FakeClock) -> None:
    corner = app.root.ids.secret_corner
    for _ in range(5):
        tap(corner)
        clock.advance(0.3)
    assert app.manager.current == "admin"


def enter_pin(admin, pin: str) -> None:
    keys = {w.probe_id: w for w in admin.ids.keypad.children}
    for digit in pin:
        tap(keys[f"pin-{digit}"])
    tap(keys["pin-ok"])


def test_admin_needs_the_hidden_gesture(kiosk) -> None:
    app, clock = kiosk
    start_visit(app)
    corner = app.root.ids.secret_corner
    for _ in range(4):
        tap(corner)
        clock.advance(2)  # too slow: 4 taps over 8 s
    tap(corner)
    assert app.manager.current == "home"
    open_admin(app, clock)


def test_admin_refuses_a_wrong_pin_and_locks_out_after_five(kiosk) -> None:
    app, clock = kiosk
    start_visit(app)
    open_admin(app, clock)
    admin = app.screens["admin"]
    enter_pin(admin, "111111")
    assert not admin.unlocked and admin.message == "Wrong PIN. 4 tries left."
    for _ in range(4):
        enter_pin(admin, "111111")
    # Five wrong PINs lock for 30 s (the message rounds up to whole minutes) ...
    assert admin.message == "Too many wrong PINs. Try again in 1 minute."
    enter_pin(admin, PIN)  # the right PIN is refused during the lock-out
    assert not admin.unlocked and admin.message.startswith("Too many wrong PINs")
    # ... and each further wrong PIN doubles the lock: 60 s, 120 s, 240 s.
    clock.advance(31)
    enter_pin(admin, "111111")
    assert admin.message == "Too many wrong PINs. Try again in 1 minute."
    clock.advance(61)
    enter_pin(admin, "111111")
    assert admin.message == "Too many wrong PINs. Try again in 2 minutes."
    clock.advance(60)
    enter_pin(admin, PIN)  # refused, and not counted: 60 s of the 120 s are left
    assert not admin.unlocked and admin.message == "Too many wrong PINs. Try again in 1 minute."
    clock.advance(61)
    enter_pin(admin, "111111")
    assert admin.message == "Too many wrong PINs. Try again in 4 minutes."
    # The count and the lock's end are kept in the data folder, so a restart keeps them.
    saved = json.loads((app.data_dir / LOCKOUT_FILE_NAME).read_text(encoding="utf-8"))
    assert saved["failures"] == 8 and saved["locked_until"] > 0
    # Ending the visit does not lift the lock-out ...
    clock.advance(121)
    wait_idle_checks(app)
    assert app.manager.current == "attract"
    start_visit(app)
    open_admin(app, clock)
    enter_pin(admin, PIN)
    assert not admin.unlocked and admin.message.startswith("Too many wrong PINs")
    # ... its end does (the idle timer ends the visit meanwhile, closing the admin screen).
    clock.advance(121)
    wait_idle_checks(app)
    assert app.manager.current == "attract" and not admin.unlocked
    start_visit(app)
    open_admin(app, clock)
    enter_pin(admin, PIN)
    assert admin.unlocked
    assert CONTENT_VERSION in admin.status_text and str(app.data_dir) in admin.status_text
    assert ", ".join(CONTENT_LANGUAGES) in admin.status_text
    saved = json.loads((app.data_dir / LOCKOUT_FILE_NAME).read_text(encoding="utf-8"))
    assert saved == {"failures": 0, "locked_until": 0.0}  # the right PIN resets the count


def test_admin_can_exit_the_app(kiosk, monkeypatch) -> None:
    app, clock = kiosk
    start_visit(app)
    open_admin(app, clock)
    admin = app.screens["admin"]
    assert EventLoop.window.dispatch("on_request_close") is True
    stopped = []
    monkeypatch.setattr(app, "stop", lambda *a: stopped.append(True))
    tap(admin.ids.exit_button)  # not shown (nor working) before the PIN
    assert stopped == []
    enter_pin(admin, PIN)
    tap(admin.ids.exit_button)
    assert stopped == [True] and app.allow_exit
    assert not EventLoop.window.dispatch("on_request_close")


@pytest.mark.content_languages("bg", "el")  # the languages CONFIG offers
def test_markup_in_content_is_shown_literally(tmp_path: Path, content_copy: Path) -> None:
    guide = content_copy / "en" / "guides" / "ep-voting.md"
    text = guide.read_text(encoding="utf-8").replace(
        "## One vote only", "## One vote [b]only[/b] [ref=x]&bl;"
    )
    guide.write_text(text, encoding="utf-8")
    content, problems = load_content(content_copy)
    assert any("Kivy markup" in str(p) for p in problems)  # check refuses it ...
    data = tmp_path / "data"
    data.mkdir()
    set_current(data, build_cache_file(content, data / "cache", {"origin": "test"}))
    app, _clock = start_app(CONFIG, data, content_dir=content_copy)
    try:
        start_visit(app)
        tap_card(app, "ep-voting")
        labels = [w for w in app.screens["guide"].ids.document.walk() if isinstance(w, KioskLabel)]
        heading = next(w for w in labels if "One vote" in w.text)
        # ... and the reader shows it as typed: Kivy's parser sees only escaped brackets
        assert heading.text == "[b]One vote &bl;b&br;only&bl;/b&br; &bl;ref=x&br;&amp;bl;[/b]"
        advance_frames(2)
        shown = "".join(word.text for line in heading._label._cached_lines for word in line.words)
        assert shown == "One vote [b]only[/b] [ref=x]&bl;"
        assert heading.refs == {}
    finally:
        stop_app(app)


def height_as_ordinary_text(label: KioskLabel) -> int:
    """The height ``label``'s text takes when every character of it is ordinary text: the
    text escaped, in a markup label of the same width, type step, weight and padding."""
    reference = MarkupLabel(text=escape_markup(label.text), text_style=label.text_style,
                            bold=label.bold, italic=label.italic, halign=label.halign,
                            padding=label.padding, size_hint_x=None, width=label.width)
    reference.texture_update()
    return reference.texture_size[1]


def drawn_text(label: KioskLabel) -> str:
    """The characters Kivy laid out for ``label``, without spaces (lines wrap at them)."""
    label.texture_update()
    laid_out = "".join(word.text for line in label._label._cached_lines for word in line.words)
    return "".join(laid_out.split())


MARKUP_MUNICIPALITY = "Comune di [size=400][color=ff0000]X[/color][/size] & Co [b]"


def test_markup_in_the_municipality_name_is_shown_and_read_as_written(tmp_path: Path,
                                                                       monkeypatch) -> None:
    """A municipality name from the config with Kivy tags in it: the About screen shows it
    character for character at the normal size, and read-aloud reads it as shown."""
    config = parse_config(
        f'[kiosk]\nhost_country = "IT"\nmunicipality = "{MARKUP_MUNICIPALITY}"\n'
        f'languages = ["en", "bg", "el"]\nadmin_pin_hash = "{PIN_HASH}"\n'
    )
    assert config.kiosk.municipality == MARKUP_MUNICIPALITY
    app, _clock = start_app(config, tmp_path / "data", content_dir=CONTENT)
    try:
        start_visit(app)
        tap(app.screens["home"].action_button("about"))
        assert app.manager.current == "about"
        label = next(w for w in app.screens["about"].ids.document.walk()
                     if getattr(w, "probe_id", "") == "municipality")
        line = f"This kiosk is provided by: {MARKUP_MUNICIPALITY}"
        assert label.text == line and label.markup is False and label.bold
        advance_frames(2)
        assert drawn_text(label) == "".join(line.split())  # the brackets and tags, as text
        # no [size=400]: the line is exactly as high as the same characters as ordinary text
        assert label.texture_size[1] == height_as_ordinary_text(label)
        assert label.height == label.texture_size[1]
        # read aloud as shown, tags and all (only markup labels are turned back into text)
        spoken: list[str] = []
        monkeypatch.setattr(app.speaker, "speak", lambda text, lang: spoken.append(text) or False)
        tap(app.root.ids.speak_button)
        assert spoken and line in spoken[-1].splitlines()
    finally:
        stop_app(app)


def test_admin_shows_a_usb_folder_named_like_markup_literally(kiosk, tmp_path: Path) -> None:
    """A USB stick folder named "[size=400]x": the admin message names the saved file with
    the folder's name as written, in a label of ordinary height."""
    app, clock = kiosk
    start_visit(app)
    open_admin(app, clock)
    admin = app.screens["admin"]
    enter_pin(admin, PIN)
    assert admin.unlocked
    stick = tmp_path / "media" / "[size=400]x"
    stick.mkdir(parents=True)
    admin.usb_roots = (tmp_path / "media",)
    tap(admin.ids.export_button)
    written = stick / f"kiosk-usage-IT-{app.today().isoformat()}.csv"
    assert written.exists()
    message = f"Usage figures saved to {written}."
    label = admin.ids.admin_message
    assert admin.message == message and label.text == message and label.markup is False
    advance_frames(2)
    assert drawn_text(label) == "".join(message.split())  # "[size=400]x" as text
    assert label.texture_size[1] == height_as_ordinary_text(label)
    assert label.height == label.texture_size[1]


# Labels allowed to have markup on, by screen. Each builds its text with kiosk.core.markup, which
# escapes every piece from outside (content, config values, paths); every other label of
# the app shows its text as written.
MARKUP_ROLES = {
    "guide": {"guide-heading", "guide-paragraph", "guide-list-item", "guide-source"},
    "about": {"guide-heading", "guide-paragraph", "guide-list-item", "guide-source"},
    "home": {"topic-details"},
    "admin": {"admin-status"},
    "search": {"search-snippet"},
}


def test_only_labels_that_escape_their_text_have_markup_on(kiosk, tmp_path: Path) -> None:
    """Every screen visited once (and the bars, the notice and the idle warning): a label
    with markup on is a MarkupLabel of an allowed role, with nothing but our own tags in
    its text; every other label, KivyMD's and the buttons' labels included, has markup off."""
    from kivy.uix.label import Label

    from kiosk.screens.base import KioskScreen

    app, clock = kiosk
    seen: set[tuple[str, str]] = set()
    checked: set[str] = set()

    def screen_of(widget) -> str:
        node = widget
        while node is not None and node.parent is not node:
            if isinstance(node, KioskScreen):
                return node.name
            node = node.parent
        return "window"

    def check(tree, where: str | None = None) -> None:
        for widget in tree.walk():
            if not isinstance(widget, Label):
                continue
            owner = where or screen_of(widget)
            checked.add(owner)
            if widget.markup:
                role = getattr(widget, "markup_role", "")
                assert isinstance(widget, MarkupLabel) and role in MARKUP_ROLES.get(owner, ()), (
                    owner, type(widget).__name__, role, widget.text[:60])
                leftover = OUR_TAGS.sub("", widget.text)
                assert "[" not in leftover and "]" not in leftover, (owner, widget.text)
                seen.add((owner, role))

    def check_everything() -> None:
        check(app.root)
        check(app.warning, "window")
        for name, screen in app.screens.items():
            check(screen, name)
        quiz, admin, search = app.screens["quiz"], app.screens["admin"], app.screens["search"]
        # parts of a screen that leave its tree while hidden
        for part in (quiz.question_panel, quiz.score_panel, quiz.feedback_card, quiz.fallback_note,
                     quiz.phone_card):
            check(part, "quiz")
        for part in (admin.pin_panel, admin.admin_panel):
            check(part, "admin")
        for button, snippet in search._rows:
            check(button, "search")
            check(snippet, "search")

    ids = app.root.ids
    home = app.screens["home"]
    check_everything()  # the attract screen
    start_visit(app)
    check_everything()
    tap(home.country_button)
    assert app.manager.current == "countries"
    check_everything()
    tap(ids.home_button)
    tap_card(app, "ep-voting")
    assert app.manager.current == "guide"
    check_everything()
    tap(ids.home_button)
    tap(home.action_button("quiz"))
    tap(app.screens["quiz"].option_button(app.visit.quiz.current.answer))
    assert app.screens["quiz"].answered
    check_everything()
    tap(ids.home_button)
    tap(home.action_button("links"))
    assert app.manager.current == "links"
    check_everything()
    tap(ids.home_button)
    tap(home.action_button("search"))
    search = app.screens["search"]
    for letter in "vote":
        tap(search.keys[letter])
    assert search.results
    check_everything()
    tap(ids.home_button)
    tap(home.action_button("about"))
    assert app.manager.current == "about"
    check_everything()
    open_admin(app, clock)
    admin = app.screens["admin"]
    enter_pin(admin, PIN)
    admin.usb_roots = (tmp_path / "no-stick",)
    tap(admin.ids.export_button)
    assert admin.unlocked and admin.message == "No USB stick found."
    check_everything()
    clock.advance(95)
    wait_idle_checks(app)
    assert app.warning_visible
    check_everything()
    assert checked >= set(app.screens) | {"window"}
    assert {role for _owner, role in seen} == set().union(*MARKUP_ROLES.values())


@pytest.mark.content_languages("bg", "el")  # the languages CONFIG offers
def test_fallback_marker_shows_when_a_translation_is_missing(tmp_path: Path, content_copy: Path) -> None:
    (content_copy / "el" / "guides" / "ep-voting.md").unlink()
    app, _clock = start_app(CONFIG, tmp_path / "data", content_dir=content_copy)
    try:
        start_visit(app, "el")
        card = app.screens["home"].topic_card("ep-voting")
        note = "Δεν έχει μεταφραστεί ακόμα: εμφανίζεται στα αγγλικά."
        assert card.fallback and note in card.details and card.heading.startswith("Voting")
        tap(card)
        notes = [w for w in app.screens["guide"].ids.document.walk() if getattr(w, "probe_id", "") == "fallback-note"]
        assert [n.text for n in notes] == [note]
        assert app.screens["guide"].view.lang == "en"
        assert not app.screens["home"].topic_card("municipal-voting").fallback
    finally:
        stop_app(app)


@pytest.mark.slow  # walks every page
def test_screenshot_of_every_screen(kiosk) -> None:
    """Saves what each screen looks like (artifacts/gui/, kept by CI) and checks none is blank."""
    import os
    import shutil

    from conftest import ROOT

    app, clock = kiosk
    folder = Path(os.environ.get("KIOSK_ARTIFACTS", ROOT / "artifacts")) / "gui"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)

    def shot(name: str) -> None:
        advance_frames(5)
        save_window_png(folder / f"{name}.png")

    shot("01-attract")
    tap(app.screens["attract"])
    shot("02-language")
    tap(app.screens["language"].button_for("el"))
    shot("03-home-el")
    tap_card(app, "ep-voting")
    shot("04-guide-el")
    tap(app.root.ids.home_button)
    tap(app.screens["home"].action_button("quiz"))
    quiz_screen = app.screens["quiz"]
    shot("05-quiz-el")
    tap(quiz_screen.option_button(app.visit.quiz.current.answer))
    shot("06-quiz-feedback-el")
    for _ in range(app.visit.quiz.total):
        if not quiz_screen.answered:
            tap(quiz_screen.option_button(app.visit.quiz.current.answer))
        tap(quiz_screen.ids.next_button)
    shot("07-quiz-score-el")
    tap(app.root.ids.home_button)
    tap(app.screens["home"].action_button("links"))
    shot("08-links-el")
    tap(app.root.ids.home_button)
    tap(app.screens["home"].action_button("about"))
    shot("09-about-el")
    clock.advance(95)
    wait_idle_checks(app)
    shot("10-idle-warning-el")
    tap(app.warning.ids.continue_button)
    open_admin(app, clock)
    shot("11-admin-pin")
    enter_pin(app.screens["admin"], PIN)
    shot("12-admin-unlocked")
    assert len(list(folder.glob("*.png"))) == 12


OUR_TAGS = re.compile(r"\[/?(b|i|u)\]|\[color=[0-9a-f]{6}\]|\[/color\]|\[size=\d+\]|\[/size\]")


@pytest.mark.slow
@pytest.mark.timeout(1200)  # 35 guides x 10 languages through the reader, software GL
def test_every_guide_renders_in_every_language(tmp_path: Path) -> None:
    """Each guide through the real reader screen in each of the ten languages: rendered
    without error, in that language (no fallback), no markup other than our own tags,
    and no empty section. Saves one guide per language to artifacts/languages/."""
    import os
    import shutil

    from conftest import ROOT
    from kiosk.config import KioskSettings
    from kiosk.ui.i18n import tr

    languages = KioskSettings().languages
    config = parse_config("[kiosk]\nlanguages = [%s]\n" % ", ".join(f'"{l}"' for l in languages))
    folder = Path(os.environ.get("KIOSK_ARTIFACTS", ROOT / "artifacts")) / "languages"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    app, _clock = start_app(config, tmp_path / "data", content_dir=CONTENT)
    try:
        start_visit(app, languages[0])
        reader = app.screens["guide"]
        for lang in languages:
            app.visit.language = lang
            tr.switch_lang(lang)
            for guide in app.store.guide_defs():
                app.open_guide(guide.id)
                advance_frames(1)
                assert app.manager.current == "guide" and reader.view.lang == lang, (lang, guide.id)
                assert not reader.view.fallback
                labels = [w for w in reader.ids.document.walk() if isinstance(w, KioskLabel)]
                assert not any(getattr(w, "probe_id", "") == "fallback-note" for w in labels)
                for label in labels:
                    leftover = OUR_TAGS.sub("", label.text)
                    assert "[" not in leftover and "]" not in leftover, (lang, guide.id, label.text)
                blocks = list(reader.view.blocks)
                for first, second in zip(blocks, blocks[1:] + [None]):
                    if first.kind == "heading":  # a section opens with text or a sub-heading
                        assert second is not None, (lang, guide.id)
                        assert second.kind != "heading" or second.level > first.level, (lang, guide.id)
                app.go_home()
            app.open_guide("register-italy")
            advance_frames(10)
            save_window_png(folder / f"guide-register-italy-{lang}.png")
            app.go_home()
    finally:
        stop_app(app)
    assert len(list(folder.glob("*.png"))) == len(languages)


@pytest.mark.content_languages("bg", "el")  # the languages CONFIG offers
def test_new_content_is_switched_in_between_visits_never_during_one(tmp_path: Path, content_copy: Path) -> None:
    from sync.build import build
    from sync.fetch import FolderSource
    from sync.keys import generate_key_file, parse_public_key
    from sync.updater import sync_once

    app, clock = start_app(CONFIG, tmp_path / "data", content_dir=CONTENT)
    try:
        start_visit(app)
        tap_card(app, "ep-voting")
        before = app.store.path
        guide = content_copy / "en" / "guides" / "ep-voting.md"
        guide.write_text(guide.read_text(encoding="utf-8").replace("One vote only", "Only one vote"),
                         encoding="utf-8")
        public = parse_public_key(generate_key_file(tmp_path / "k"))
        build(content_copy, tmp_path / "pub", tmp_path / "k")
        result = sync_once(FolderSource(tmp_path / "pub"), [public], app.data_dir)
        assert result.outcome == "applied"
        app.sync_finished(result, None)
        assert app.store.path == before  # the visitor keeps reading what they started with
        tap(app.root.ids.home_button)
        assert app.store.path == before
        clock.advance(121)
        wait_idle_checks(app)
        assert app.manager.current == "attract" and app.store.path != before
        start_visit(app)
        tap_card(app, "ep-voting")
        headings = [w.text for w in app.screens["guide"].ids.document.walk() if isinstance(w, KioskLabel)]
        assert "[b]Only one vote[/b]" in headings
    finally:
        stop_app(app)


@pytest.mark.content_languages("bg", "el")  # the languages CONFIG offers
def test_admin_imports_a_signed_bundle_from_a_usb_stick(tmp_path: Path, content_copy: Path, monkeypatch) -> None:
    import sync.usb
    from gui_support import idle_until
    from sync.build import build
    from sync.keys import generate_key_file

    public = generate_key_file(tmp_path / "k")
    guide = content_copy / "en" / "guides" / "ep-voting.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("One vote only", "Only one vote"), encoding="utf-8")
    build(content_copy, tmp_path / "media" / "kiosk" / "STICK" / "bundle", tmp_path / "k")
    monkeypatch.setattr(sync.usb, "MOUNT_ROOTS", (tmp_path / "media",))
    config = parse_config(
        f'[kiosk]\nlanguages = ["en", "bg", "el"]\nadmin_pin_hash = "{PIN_HASH}"\n'
        f'[sync]\nsource = "{tmp_path / "offline-source"}"\npublic_keys = ["{public}"]\n'
    )
    app, clock = start_app(config, tmp_path / "data", content_dir=CONTENT)
    try:
        before = app.store.path
        start_visit(app)
        open_admin(app, clock)
        admin = app.screens["admin"]
        enter_pin(admin, PIN)
        tap(admin.ids.usb_button)
        idle_until(lambda: admin.message.startswith("Imported version 1"), frames=1200, what="import")
        assert "Bundle version:[/b] 1" in admin.status_text
        assert app.store.path == before  # switched only when the visit ends
        tap(admin.ids.close_button)
        assert app.manager.current == "attract" and app.store.path != before
        assert app.store.meta("origin") == "sync"
    finally:
        stop_app(app)


def test_read_aloud_reads_the_screen_in_its_language_and_stops(kiosk, tmp_path: Path, monkeypatch) -> None:
    import shutil as _shutil

    import kiosk.core.speech as speech

    if _shutil.which("espeak-ng") is None:
        pytest.skip("dev.sh installs espeak-ng")
    app, _clock = kiosk
    app.speaker.wav_output = tmp_path / "speech.wav"
    spoken: list[tuple[str, str]] = []
    original = app.speaker.speak
    monkeypatch.setattr(app.speaker, "speak", lambda text, lang: (spoken.append((text, lang)), original(text, lang))[1])
    start_visit(app, "el")
    speak = app.root.ids.speak_button
    assert speak.text == tr_in("el", "Read aloud") != "Read aloud"
    tap(speak)
    text, lang = spoken[-1]
    assert lang == "el" and text.splitlines()[0] == app.screen_title  # title first
    from kiosk.widgets.common import KioskButton

    # button texts are plain text: read as written
    choices = [w.text.strip() for w in app.screens["home"].walk(restrict=True)
               if isinstance(w, KioskButton)]
    assert choices and text.splitlines()[-len(choices):] == choices  # the choices come last
    app.speaking = True  # writing a WAV may already be over; the label follows the state
    assert speak.text == tr_in("el", "Stop reading")
    assert app.speaker.last_command[:3] == ["espeak-ng", "-v", "grk/el"]
    app.speaker.wait()
    assert (tmp_path / "speech.wav").stat().st_size > 10_000
    # a language with no voice: a visible notice, nothing read in another language
    monkeypatch.setattr(speech, "voice_for", lambda code: None if code == "bg" else "gmw/en")
    tap(app.root.ids.language_button)
    tap(app.screens["language"].button_for("bg"))
    before = len(app.speaker.last_command)
    tap(speak)
    assert app.notice == tr_in("bg", "Reading aloud is not available in this language.")
    assert app.root.ids.notice.parent is not None and not app.speaking
    assert len(app.speaker.last_command) == before
    # the visit ends: no notice, no speech
    app.end_visit()
    assert app.notice == "" and not app.speaking and app.root.ids.notice.parent is None


def tr_in(lang: str, text: str) -> str:
    from kiosk.ui.i18n import tr

    return tr.text_in(lang, text)


@pytest.mark.parametrize(
    ("lang", "typed", "guide"),
    [("it", "elezioni", "municipal-voting"),
     ("el", "εκλογές", "municipal-voting"),
     ("el", "εκλογες", "municipal-voting"),
     ("bg", "избори", "municipal-voting"),
     ("fr", "electeurs", "register-greece")],
)
def test_search_typed_on_the_on_screen_keyboard(tmp_path: Path, lang: str, typed: str, guide: str) -> None:
    from kiosk.config import KioskSettings

    languages = ", ".join(f'"{code}"' for code in KioskSettings().languages)
    app, _clock = start_app(parse_config(f"[kiosk]\nlanguages = [{languages}]\n"), tmp_path / "d",
                            content_dir=CONTENT)
    try:
        start_visit(app, lang)
        tap(app.screens["home"].action_button("search"))
        search = app.screens["search"]
        assert app.manager.current == "search"
        for letter in typed:
            tap(search.keys[letter])
        assert search.query == typed
        found = [r.guide_id for r in search.results]
        assert guide in found, found
        tap(search.result_button(guide))
        reader = app.screens["guide"]
        assert app.manager.current == "guide" and reader.guide_id == guide
        assert reader.focused_block is not None
        assert reader.view.blocks[reader.focused_block].kind in ("heading", "paragraph")
        advance_frames(10)
        if reader.focused_block > 0:
            assert reader.ids.scroller.scroll_y < 1.0  # opened at the matching section
    finally:
        stop_app(app)


def test_search_result_shows_the_words_as_written_and_brackets_literally(tmp_path: Path,
                                                                          content_copy: Path) -> None:
    guide = content_copy / "el" / "guides" / "municipal-voting.md"
    text = guide.read_text(encoding="utf-8")
    assert "**δημοτικές εκλογές** της," in text
    guide.write_text(text.replace("**δημοτικές εκλογές** της,", "**δημοτικές εκλογές** [b]της[/b],"),
                     encoding="utf-8")
    content, problems = load_content(content_copy)
    assert any("Kivy markup" in str(p) for p in problems)  # check refuses it, a cache may still hold it
    data = tmp_path / "data"
    data.mkdir()
    set_current(data, build_cache_file(content, data / "cache", {"origin": "test"}))
    app, _clock = start_app(CONFIG, data, content_dir=content_copy)
    try:
        start_visit(app, "el")
        tap(app.screens["home"].action_button("search"))
        search = app.screens["search"]
        for letter in "εκλογες":  # typed without the tonos, as visitors often do
            tap(search.keys[letter])
        assert search.query == "εκλογες"
        label = search.result_snippet("municipal-voting")
        advance_frames(2)
        assert label in [w for w, _rect in visible_widgets(app.root)]
        words = [word for line in label._label._cached_lines for word in line.words]
        shown = "".join(word.text for word in words)
        assert "εκλογές" in shown and "εκλογεσ" not in shown  # the guide's own spelling
        assert "[b]της[/b]," in shown  # the content's brackets, as text
        assert [word.text for word in words if word.options["bold"]] == ["εκλογές"]
        assert label.refs == {}
        # the result widgets are reused as the query changes, not made again
        shown_rows = list(search.ids.results.children)
        tap(search.keys["delete"])
        tap(search.keys["ς"])
        assert list(search.ids.results.children) == shown_rows
        assert search.result_snippet("municipal-voting") is label
        tap(search.result_button("municipal-voting"))  # a reused result still opens its guide
        assert app.manager.current == "guide"
        assert app.screens["guide"].guide_id == "municipal-voting"
    finally:
        stop_app(app)


def visible_widgets(root):
    """Widgets on screen now: in the tree, not fully scrolled out of view."""
    from kivy.uix.scrollview import ScrollView

    def walk(widget, clip):
        x, y = widget.to_window(widget.x, widget.y)
        rect = (x, y, x + widget.width, y + widget.height)
        if clip is not None:
            if rect[2] <= clip[0] or rect[0] >= clip[2] or rect[3] <= clip[1] or rect[1] >= clip[3]:
                return
            # the part a touch can reach: a scroll view only passes touches inside itself
            rect = (max(rect[0], clip[0]), max(rect[1], clip[1]), min(rect[2], clip[2]), min(rect[3], clip[3]))
        yield widget, rect
        child_clip = clip
        if isinstance(widget, ScrollView):
            child_clip = rect if clip is None else (max(rect[0], clip[0]), max(rect[1], clip[1]),
                                                    min(rect[2], clip[2]), min(rect[3], clip[3]))
        for child in widget.children:
            yield from walk(child, child_clip)

    yield from walk(root, None)


def layout_problems(app) -> list[str]:
    """Clipped labels, overlapping touch targets and targets under the size rule."""
    from kivy.uix.label import Label

    from kiosk.widgets.surface import TappableSurface

    from kiosk.core.accessibility import min_target_px, px_per_mm

    minimum = min_target_px(px_per_mm(EventLoop.window.width, EventLoop.window.height,
                                      app.settings.screen_diagonal_inches))
    problems, targets, labels = [], [], []
    for widget, rect in visible_widgets(app.root):
        if isinstance(widget, Label) and widget.text.strip() and rect[2] - rect[0] > 1 and rect[3] - rect[1] > 1:
            labels.append((widget, rect))
        if isinstance(widget, Label) and widget.text and widget.opacity > 0 and not widget.shorten:
            widget.texture_update()
            tw, th = widget.texture_size
            if th > widget.height + 2 or (widget.text_size[0] and tw > widget.width + 2):
                problems.append(f"clipped label {widget.text[:40]!r}: text {tw}x{th} in {widget.size}")
        if isinstance(widget, Label) and isinstance(widget.parent, TappableSurface) and widget.text:
            from kivy.core.text import Label as CoreLabel

            for word in widget.text.split():
                measure = CoreLabel(text=word, font_size=widget.font_size, bold=widget.bold)
                measure.refresh()
                if measure.texture.width > widget.width + 1:
                    problems.append(f"word {word!r} broken in a {widget.width:.0f}px button")
        if isinstance(widget, TappableSurface) and not widget.disabled:
            if widget.width < minimum or widget.height < minimum:
                problems.append(f"small target {getattr(widget, 'text', '')[:30]!r}: {widget.size}")
            if rect[2] - rect[0] > 1 and rect[3] - rect[1] > 1:
                targets.append((widget, rect))
    for i, (a, ra) in enumerate(labels):
        for b, rb in labels[i + 1:]:
            if ra[0] < rb[2] - 1 and rb[0] < ra[2] - 1 and ra[1] < rb[3] - 1 and rb[1] < ra[3] - 1:
                problems.append(f"overlapping labels {a.text[:25]!r} / {b.text[:25]!r}")
    for i, (a, ra) in enumerate(targets):
        for b, rb in targets[i + 1:]:
            if ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]:
                problems.append(f"overlapping targets {getattr(a, 'text', '')[:20]!r} / {getattr(b, 'text', '')[:20]!r}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "el", "bg", "de"])
def test_every_text_step_reflows_without_clipping_or_small_targets(tmp_path: Path, lang: str) -> None:
    from kiosk.config import KioskSettings

    languages = ", ".join(f'"{code}"' for code in KioskSettings().languages)
    app, _clock = start_app(parse_config(f"[kiosk]\nlanguages = [{languages}]\n"), tmp_path / "d",
                            content_dir=CONTENT)
    try:
        start_visit(app, lang)
        sizes = []
        for step in range(3):
            assert int(app.text_step) == step
            sizes.append(app.font_body)
            for name, open_it in (("home", lambda: app.go_home()),
                                  ("guide", lambda: app.open_guide("register-italy")),
                                  ("quiz", lambda: app.open_screen("quiz")),
                                  ("links", lambda: app.open_screen("links")),
                                  ("about", lambda: app.open_screen("about")),
                                  ("language", lambda: app.open_screen("language")),
                                  ("search", lambda: app.open_screen("search"))):
                open_it()
                advance_frames(6)
                assert layout_problems(app) == [], (step, name)
            tap(app.root.ids.text_size_button)
        assert sizes[0] < sizes[1] < sizes[2] and int(app.text_step) == 0
        app.text_step = 2
        clock_end = _clock
        clock_end.advance(200)
        wait_idle_checks(app)
        assert int(app.text_step) == 0 and app.font_body == sizes[0]  # reset with the visit
    finally:
        stop_app(app)


def test_largest_text_has_a_capital_h_of_0_7_degrees(kiosk) -> None:
    """Measured on the rendered texture of an 'H' at the largest body size."""
    from kivy.core.text import Label as CoreLabel

    from kiosk.core.accessibility import px_per_mm, required_cap_height_mm

    app, _ = kiosk
    app.text_step = 2
    advance_frames(2)
    label = CoreLabel(text="H", font_size=app.font_body)
    label.refresh()
    texture = label.texture
    pixels = texture.pixels
    rows = [y for y in range(texture.height)
            if any(pixels[(y * texture.width + x) * 4 + 3] > 128 for x in range(texture.width))]
    cap_px = max(rows) - min(rows) + 1
    ppmm = px_per_mm(EventLoop.window.width, EventLoop.window.height, app.settings.screen_diagonal_inches)
    assert cap_px / ppmm >= required_cap_height_mm(app.settings.viewing_distance_mm) - 0.2


def test_high_contrast_gives_every_text_pair_at_least_7_to_1(kiosk) -> None:
    from kiosk.core.accessibility import TEXT_COLOUR_PAIRS, contrast_ratio

    app, clock = kiosk
    start_visit(app, "el")
    tap(app.screens["home"].action_button("quiz"))
    normal_bg = list(app.theme_cls.surfaceColor)
    tap(app.root.ids.contrast_button)
    assert app.high_contrast and list(app.theme_cls.surfaceColor) != normal_bg
    theme = app.theme_cls
    ratios = {where: contrast_ratio(getattr(theme, fg), getattr(theme, bg)) for fg, bg, where in TEXT_COLOUR_PAIRS}
    assert all(r >= 7.0 for r in ratios.values()), ratios
    # the screen really draws with them: a button's label and background
    tap(app.screens["quiz"].option_button(app.visit.quiz.current.answer))
    button = app.screens["quiz"].option_button(app.visit.quiz.current.answer)
    label = button.ids.button_label
    assert contrast_ratio(label.color, button.drawn_fill) >= 7.0
    clock.advance(200)
    wait_idle_checks(app)
    assert not app.high_contrast and list(app.theme_cls.surfaceColor) == normal_bg  # reset with the visit


def test_the_controls_a_visitor_needs_sit_in_the_lower_half(kiosk) -> None:
    app, _ = kiosk
    start_visit(app)
    tap(app.screens["home"].action_button("quiz"))
    quiz_screen = app.screens["quiz"]
    tap(quiz_screen.option_button(app.visit.quiz.current.answer))
    advance_frames(5)
    ids = app.root.ids
    controls = [ids.back_button, ids.home_button, ids.language_button, ids.text_size_button,
                ids.contrast_button, ids.speak_button, quiz_screen.ids.next_button]
    for step in range(3):
        app.text_step = step
        advance_frames(5)
        quiz_screen.ids.scroller.scroll_to(quiz_screen.feedback_card, padding=20, animate=False)
        advance_frames(5)
        for widget in controls:
            _x, y = widget.to_window(*widget.center)
            assert y < EventLoop.window.height / 2, (step, widget.text)
