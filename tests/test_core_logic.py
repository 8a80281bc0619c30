"""Quiz, idle policy, visit reset, admin gate, config, markup escaping, view models."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.core.admin import MIN_PIN_ITERATIONS, AdminGate, SecretTapGesture, hash_pin, verify_pin
from kiosk.config import ConfigError, load_config, parse_config
from contentlib.model import QuestionDef, Span
from kiosk.core.markup import escape_markup, spans_to_markup
from kiosk.core.quiz import QuizError, QuizSession
from kiosk.core.session import IdlePolicy, IdleState
from contentlib.cache import ensure_cache
from contentlib.store import ContentStore
from kiosk.core.viewmodels import GuideView, guide_view, home_topics, links_view, localized, order_guides
from kiosk.core.visit import HOME, Visit, route
from sync.keys import public_key_string

KEY = public_key_string(Ed25519PrivateKey.generate().public_key())


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


QUESTIONS = [QuestionDef(f"q{i}", i, "g", ("a", "b", "c"), "b") for i in range(8)]


def test_quiz_random_order_is_a_permutation_and_seedable() -> None:
    first = [q.id for q in QuizSession(QUESTIONS, random.Random(1)).order]
    again = [q.id for q in QuizSession(QUESTIONS, random.Random(1)).order]
    other = [q.id for q in QuizSession(QUESTIONS, random.Random(2)).order]
    assert sorted(first) == [q.id for q in QUESTIONS]
    assert first == again and first != other


def test_quiz_scores_feedback_and_guards() -> None:
    quiz = QuizSession(QUESTIONS, random.Random(3))
    with pytest.raises(QuizError):
        quiz.next()
    results = []
    for i in range(quiz.total):
        feedback = quiz.answer("b" if i % 2 == 0 else "c")
        results.append(feedback.correct)
        assert feedback.correct_option == "b" and feedback.guide_id == "g"
        with pytest.raises(QuizError):
            quiz.answer("a")
        quiz.next()
    assert quiz.finished and quiz.score == sum(results) == 4
    with pytest.raises(QuizError):
        _ = quiz.current


def test_idle_policy_warns_then_expires_and_activity_restarts() -> None:
    clock = Clock()
    idle = IdlePolicy(clock, idle_timeout=90, warning_seconds=30)
    assert idle.status().state is IdleState.NO_VISIT
    idle.start_visit()
    clock.now = 89.9
    assert idle.status().state is IdleState.ACTIVE
    clock.now = 100
    status = idle.status()
    assert status.state is IdleState.WARNING and status.seconds_left == pytest.approx(20)
    idle.activity()
    clock.now = 189
    assert idle.status().state is IdleState.ACTIVE
    clock.now = 100 + 90 + 30
    assert idle.status().state is IdleState.EXPIRED


def test_visit_reset_forgets_everything() -> None:
    visit = Visit("en", "IT")
    visit.language, visit.country = "el", "GR"
    visit.quiz = QuizSession(QUESTIONS)
    visit.scroll["ep-voting"] = 0.2
    visit.go(HOME)
    visit.go(route("guide", guide_id="x"))
    assert visit.back() == HOME
    visit.reset()
    assert (visit.language, visit.country, visit.quiz, visit.scroll, visit.history) == ("en", "IT", None, {}, [])
    assert visit.back() == HOME  # nothing to go back to: home, never out of the app


def test_pin_hash_and_gate_lockout() -> None:
    stored = hash_pin("246802", iterations=MIN_PIN_ITERATIONS)
    assert verify_pin("246802", stored) and not verify_pin("246803", stored)
    assert not verify_pin("246802", "garbage") and not verify_pin("246802", "")
    with pytest.raises(ValueError):
        hash_pin("12a456")
    with pytest.raises(ValueError):
        hash_pin("2468")  # four digits are no longer enough
    clock = Clock()
    gate = AdminGate(stored, clock)  # no state file: the count lives in memory
    for left in (4, 3, 2, 1):
        assert gate.try_pin("000000").tries_left == left
    locked = gate.try_pin("000000")
    assert not locked.accepted and locked.locked_for == 30
    clock.now = 29
    assert not gate.try_pin("246802").accepted  # even the right PIN is refused while locked
    clock.now = 31
    assert gate.try_pin("000000").locked_for == 60  # one more wrong PIN doubles the lock
    clock.now = 92
    assert gate.try_pin("246802").accepted
    assert gate.try_pin("000000").tries_left == 4  # the right PIN reset the count


def test_secret_gesture_needs_five_quick_taps() -> None:
    clock = Clock()
    gesture = SecretTapGesture(clock, taps_needed=5, window_seconds=4)
    assert not any(gesture.tap() for _ in range(4))
    clock.now = 10  # too slow: starts over
    assert not any(gesture.tap() for _ in range(4))
    assert gesture.tap()


def test_config_only_sync_table_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[sync]\nsource = "https://example.org/bundle"\npublic_keys = ["{KEY}"]\n',
                    encoding="utf-8")
    config = load_config(path)
    assert config.sync.public_keys == (KEY,)
    assert config.kiosk.idle_timeout == 90 and config.kiosk.warning_seconds == 30
    assert config.kiosk.languages == ("en", "bg", "el", "it", "es", "ro", "pl", "pt", "fr", "de")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[kiosk]\nidle_timeot = 30\n", "unknown key 'idle_timeot'"),
        ("[kiosk]\nidle_timeout = 'soon'\n", "'idle_timeout' must be a number"),
        ("[kiosk]\nwarning_seconds = 5\n", "at least 20 seconds"),
        ("[kiosk]\nlanguages = ['en', 'xx-nope']\n", "unknown language code"),
        ("[kiosk]\ndefault_language = 'fi'\n", "'default_language' 'fi' is not in 'languages'"),
        ("[kiosk\n", "not valid TOML"),
        ("[kiosks]\n", "unknown table"),
        ("[kiosk]\nadmin_pin_hash = 'pbkdf2_sha256$1000$c2FsdA==$aGFzaA=='\n",
         "kiosk.toml: [kiosk] admin_pin_hash: 1000 iterations are too few (at least 100000)"),
        ("[sync]\npublic_keys = ['abc']\n",
         "kiosk.toml: [sync] public_keys[0]: public key must start with 'ed25519:'"),
        ("[kiosk]\nreach_zone_mm = [1220, 380]\n",
         "kiosk.toml [kiosk]: 'reach_zone_mm' must be [lowest, highest] heights in millimetres"),
        ("[kiosk]\nreach_zone_mm = 1220\n", "'reach_zone_mm' must be a list of 2 numbers"),
        ("[kiosk]\nreach_zone_mm = [380, 'high']\n", "'reach_zone_mm' must be a list of 2 numbers"),
        ("[kiosk]\nscreen_bottom_mm = 1300\n",
         "'screen_bottom_mm' must be at least 0 and below the top of 'reach_zone_mm' (1220)"),
        ("[kiosk]\nscreen_bottom_mm = 'low'\n", "'screen_bottom_mm' must be a number"),
    ],
)
def test_config_errors_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match="kiosk.toml") as excinfo:
        parse_config(text, Path("kiosk.toml"))
    assert message in str(excinfo.value)


def test_reach_settings_default_to_en_301_549_and_are_read() -> None:
    defaults = parse_config("").kiosk
    assert defaults.reach_zone_mm == (380.0, 1220.0) and defaults.screen_bottom_mm == 800.0
    read = parse_config("[kiosk]\nreach_zone_mm = [380, 1120]\nscreen_bottom_mm = 750\n").kiosk
    assert read.reach_zone_mm == (380.0, 1120.0) and read.screen_bottom_mm == 750.0


def test_reach_band_places_the_reach_zone_on_the_screen() -> None:
    from kiosk.core.reach import reach_band

    # a 43 inch 1080x1920 pedestal from 800 mm up: 2.02 px/mm, so 1220 mm is row 847
    band = reach_band(1080, 1920, 43, 800, (380, 1220))
    assert band.low == 0 and round(band.high) == 847  # 44% of its 1920 rows
    # turned landscape it is 535 mm tall and ends at 1335 mm: 847 of its 1080 rows
    assert round(reach_band(1920, 1080, 43, 800, (380, 1220)).high) == 847
    # a 23.8 inch desk screen ends at 1120 mm: all of it is within reach
    assert reach_band(1280, 800, 23.8, 800, (380, 1220)) == type(band)(0.0, 800.0)
    # mounted low, its bottom rows are below the lowest reach (380 mm is row 449)
    assert round(reach_band(1280, 800, 23.8, 200, (380, 1220)).low) == 449
    # over a deep shelf (1120 mm) less of the pedestal is within reach
    assert reach_band(1080, 1920, 43, 800, (380, 1120)).high < band.high


def test_markup_is_escaped_so_text_shows_literally() -> None:
    assert escape_markup("[b]x[/b] & [ref=a]") == "&bl;b&br;x&bl;/b&br; &amp; &bl;ref=a&br;"
    markup = spans_to_markup([Span("a [b]"), Span("bold", bold=True), Span("l", href="https://x.eu")], "0000ff")
    assert markup == "a &bl;b&br;[b]bold[/b][color=0000ff][u]l[/u][/color]"


@pytest.mark.content_languages("bg")
def test_view_models_fall_back_per_item_with_a_flag(tmp_path: Path, content_copy: Path) -> None:
    (content_copy / "bg" / "guides" / "ep-voting.md").unlink()
    store = ContentStore(ensure_cache(tmp_path, content_copy))
    topics = {t.guide_id: t for t in home_topics(store, "bg", "IT")}
    assert topics["ep-voting"].fallback and topics["ep-voting"].title.startswith("Voting")
    assert not topics["municipal-voting"].fallback
    view: GuideView = guide_view(store, "ep-voting", "bg")
    assert view.fallback and view.lang == "en"
    assert view.link_targets == ("https://europa.eu/youreurope/citizens/residence/elections-abroad/home-country-elections/faq/index_en.htm",)
    assert localized(lambda code: {"en": 1}.get(code), "bg", "en") == (1, True)


def test_host_country_guides_come_first(bundled_store: ContentStore) -> None:
    store = bundled_store
    assert [t.guide_id for t in home_topics(store, "en", "IT")][0] == "register-italy"
    order = [g.id for g in order_guides(store.guide_defs(), "BE")]
    general = [g.id for g in store.guide_defs() if g.country is None]
    assert order == ["register-belgium"] + general  # other countries' guides are left out
    assert "italy-interior" not in [v.link_id for v in links_view(store, "en", "BE")]
    assert links_view(store, "en", "IT")[0].kind == "course"


def test_text_enlargement_meets_0_7_degrees_from_the_screen_geometry() -> None:
    from kiosk.core.accessibility import (cap_height_ratio, default_font, min_target_px, px_per_mm,
                                     required_cap_height_mm, text_scales)

    assert required_cap_height_mm(500) == pytest.approx(6.11, abs=0.01)
    ppmm = px_per_mm(1920, 1080, 23.8)  # a 24-inch full-HD kiosk screen
    assert ppmm == pytest.approx(3.65, abs=0.01)
    ratio = cap_height_ratio(default_font())
    assert 0.70 < ratio < 0.72  # Roboto's capital H is 0.711 em
    scales = text_scales(25, ppmm, 500, ratio)
    assert scales[:2] == (1.0, 1.3)
    # the largest body text has a capital H of at least 6.11 mm on that screen
    assert 25 * scales[2] * ratio / ppmm >= 6.11 - 1e-9
    # at 1 m the largest step grows further; a small step never shrinks below 1.6
    assert text_scales(25, ppmm, 1000, ratio)[2] > scales[2] and scales[2] >= 1.6
    assert min_target_px(ppmm) == 44  # 9 mm is 33 px there, so the 44 px floor applies
    assert min_target_px(px_per_mm(3840, 2160, 15.6)) > 44  # dense screens need more pixels


def test_a_qr_code_is_made_once_and_reads_back_as_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """Making a code tries eight masks in pure Python (10-80 ms); the same link is shown
    again on every visit to the links screen and on many pages of the web export."""
    import qrcode

    from kiosk.core.qr import qr_matrix, qr_pixels

    made: list[str] = []
    real_make = qrcode.QRCode.make

    def counting_make(code: qrcode.QRCode, fit: bool = True) -> None:
        made.append(b"".join(part.data for part in code.data_list).decode("utf-8"))
        real_make(code, fit=fit)

    monkeypatch.setattr(qrcode.QRCode, "make", counting_make)
    link = f"https://europa.eu/youreurope/test-{random.random()}"  # made by no other test
    size, pixels = qr_pixels(link)
    assert qr_pixels(link) == (size, pixels) and made == [link]
    rows = qr_matrix(link)
    assert made == [link] and len(rows) == size
    assert rows == [[pixels[r * size + c] == 0 for c in range(size)] for r in range(size)]
    assert rows[2][2] and not rows[0][0]  # a finder pattern's corner inside the quiet zone
    qr_pixels(link, border=4)
    assert made == [link, link]  # another quiet zone is another code
