"""Health and usage in the running app: watchdog from the UI loop, metrics, heartbeat, counts.

Real touches through the real window under Xvfb; frames are advanced, never slept, except
where the point of the test is that no frame runs (the frozen UI loop).
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from gui_support import (  # noqa: I001
    FakeClock, advance_frames, idle_until, start_app, stop_app, tap, tap_card, wait_idle_checks,
)
from prometheus_client.parser import text_string_to_metric_families

from conftest import CONTENT, CONTENT_VERSION, ROOT
from kiosk.ui.app import KioskApp
from kiosk.config import parse_config
from test_health import Receiver

pytestmark = pytest.mark.gui

DAY = date(2026, 11, 26)


def config(extra: str = "") -> object:
    return parse_config(
        '[kiosk]\nlanguages = ["en", "bg", "el"]\nidle_timeout = 90\nwarning_seconds = 30\n' + extra
    )


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[tuple[KioskApp, FakeClock]]:
    app, clock = start_app(config(), tmp_path / "data", content_dir=CONTENT)
    app.today = lambda: DAY
    yield app, clock
    stop_app(app)


def end_visit_by_idling(app: KioskApp, clock: FakeClock) -> None:
    clock.advance(90 + 30 + 1)
    wait_idle_checks(app)
    assert app.manager.current == "attract" and not app.in_visit
    advance_frames(5)  # let the attract screen settle before the next visitor touches it


def begin(app: KioskApp, language: str | None = None) -> None:
    tap(app.screens["attract"])
    assert app.in_visit and app.manager.current == "language"
    if language:
        tap(app.screens["language"].button_for(language))
        assert app.manager.current == "home" and app.visit.language == language


def choose(app: KioskApp, language: str) -> None:
    tap(app.root.ids.language_button)
    tap(app.screens["language"].button_for(language))


def test_watchdog_pings_come_from_the_ui_loop_and_stop_when_it_freezes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(tmp_path / "notify.sock"))
    listener.setblocking(False)
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify.sock"))
    monkeypatch.setenv("WATCHDOG_USEC", "200000")  # pings every 0.1 s
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    # A heartbeat thread keeps running during the freeze: only the UI loop may ping.
    receiver = Receiver()
    app, _clock = start_app(config(f'[health]\nheartbeat_url = "{receiver.url}"\nheartbeat_interval_seconds = 10\n'),
                            tmp_path / "data", content_dir=CONTENT)

    def drain() -> list[bytes]:
        messages = []
        while True:
            try:
                messages.append(listener.recv(256))
            except BlockingIOError:
                return messages

    def run_frames(seconds: float) -> list[bytes]:
        # Drain as we go: a Unix datagram queue holds only about 10 messages.
        received = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            advance_frames(1)
            received += drain()
        return received

    try:
        # The frames right after the first build the other screens; time the steady loop.
        started: list[bytes] = []
        idle_until(lambda: not started.extend(drain()) and app.screens.complete, what="start-up")
        alive = run_frames(1.0)
        assert any(m.startswith(b"READY=1") for m in started + alive)  # after the first frame
        assert alive.count(b"WATCHDOG=1") >= 5
        # Freeze the UI loop: no frame runs for 1 s (5 ping intervals).
        time.sleep(1.0)
        assert drain() == []
        assert app.heartbeat is not None and app.heartbeat._thread.is_alive()
        assert run_frames(0.5).count(b"WATCHDOG=1") >= 2  # back as soon as the loop runs again
    finally:
        stop_app(app)
        receiver.close()
        listener.close()


def test_usage_figures_follow_real_visits_and_match_kiosk_stats(kiosk, tmp_path: Path) -> None:
    app, clock = kiosk
    # Visit 1: Greek, two guides (one of them twice).
    begin(app, "el")
    home = app.screens["home"]
    tap_card(app, "register-italy")
    tap(app.root.ids.home_button)
    tap_card(app, "ep-voting")
    tap(app.root.ids.back_button)
    tap_card(app, "register-italy")
    assert app.usage_store.counts() == []  # nothing is written while the visit goes on
    end_visit_by_idling(app, clock)
    assert app.usage.languages == set() and not app.usage.guide_views  # the tally is gone
    # Visit 2: English, then Bulgarian, finishes the quiz with every answer right.
    begin(app, "en")
    choose(app, "bg")
    assert app.visit.language == "bg"
    tap(home.action_button("quiz"))
    quiz_screen = app.screens["quiz"]
    session = app.visit.quiz
    for _ in range(session.total):
        tap(quiz_screen.option_button(session.current.answer))
        tap(quiz_screen.ids.next_button)
    assert quiz_screen.finished
    end_visit_by_idling(app, clock)
    # Visit 3: touches the attract screen, picks nothing, leaves.
    begin(app)
    end_visit_by_idling(app, clock)

    total = session.total
    expected = f"""date,metric,key,count
2026-11-26,guide_views,ep-voting,1
2026-11-26,guide_views,register-italy,2
2026-11-26,quiz_scores,{total}/{total},1
2026-11-26,quizzes_finished,,1
2026-11-26,visits,,3
2026-11-26,visits_by_language,bg,1
2026-11-26,visits_by_language,el,1
2026-11-26,visits_by_language,en,2
"""
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "stats", "--csv", "--data-dir", str(app.data_dir)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert result.stdout == expected


def test_no_per_visit_record_survives_the_end_of_a_visit(kiosk) -> None:
    app, clock = kiosk

    def visit() -> None:
        begin(app, "el")
        tap_card(app, "ep-voting")

    def database_rows() -> list[tuple]:
        db = app.usage_store.db
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [row for t in sorted(tables) if t != "_sqlite_migrations"
                for row in db.execute(f"SELECT * FROM [{t}]")]

    visit()
    during = app.usage
    assert during.guide_views == {"ep-voting": 1}
    end_visit_by_idling(app, clock)
    assert app.usage is not during and not app.usage.guide_views and not app.usage.languages
    after_one = database_rows()
    visit()
    end_visit_by_idling(app, clock)
    after_two = database_rows()
    # The second identical visit changed counts only: no row tells the two visits apart.
    assert len(after_two) == len(after_one) == 3
    assert sorted(r[3] for r in after_two) == [2, 2, 2]
    assert {r[0] for r in after_two} == {"2026-11-26"}
    log = app.data_dir / "logs" / "kiosk.log"
    assert not log.exists() or "ep-voting" not in log.read_text()


def test_running_app_writes_metrics_and_sends_heartbeats(tmp_path: Path) -> None:
    receiver = Receiver()
    metrics = tmp_path / "textfile" / "kiosk.prom"
    app, clock = start_app(
        config(f'[health]\nmetrics_file = "{metrics}"\ninterval_seconds = 1\nkiosk_name = "Empoli desk"\n'
               f'heartbeat_url = "{receiver.url}"\nheartbeat_interval_seconds = 10\nsend_usage = true\n'),
        tmp_path / "data", content_dir=CONTENT,
    )
    app.today = lambda: DAY
    try:
        assert metrics.exists()  # written at start
        begin(app, "en")
        end_visit_by_idling(app, clock)
        app.take_health_snapshot()
        families = {f.name: f.samples for f in text_string_to_metric_families(metrics.read_text())}
        assert families["kiosk_up"][0].value == 1
        assert families["kiosk_visits_today"][0].value == 1
        assert families["kiosk_content_info"][0].labels["content_version"] == CONTENT_VERSION
        assert families["kiosk_content_info"][0].labels["kiosk"] == "Empoli desk"
        assert families["kiosk_uptime_seconds"][0].value > 0
        assert families["kiosk_sync_errors"][0].value == 0
        # The heartbeat thread sends on its own within 5 s of the start.
        end = time.monotonic() + 15
        while not receiver.received and time.monotonic() < end:
            advance_frames(1)
        assert receiver.received, "no heartbeat from the app's own thread within 15 s"
        assert app.heartbeat.send_now()  # what the thread sends next, with the visit counted
    finally:
        stop_app(app)
        receiver.close()
    first = receiver.received[0]["body"]
    assert first["kiosk_name"] == "Empoli desk" and first["content_version"] == CONTENT_VERSION
    beat = receiver.received[-1]["body"]
    assert beat["visits_today"] == 1
    assert {"day": "2026-11-26", "metric": "visits", "key": "", "count": 1} in beat["usage"]


def test_admin_exports_usage_figures_to_a_usb_stick(tmp_path: Path) -> None:
    from kiosk.core.admin import hash_pin
    from test_gui import enter_pin, open_admin

    app, clock = start_app(config(f'admin_pin_hash = "{hash_pin("246802", iterations=100_000)}"\n'),
                           tmp_path / "data", content_dir=CONTENT)
    app.today = lambda: DAY
    try:
        begin(app, "el")
        tap_card(app, "ep-voting")
        end_visit_by_idling(app, clock)
        begin(app, "en")
        open_admin(app, clock)
        admin = app.screens["admin"]
        enter_pin(admin, "246802")
        assert admin.unlocked
        media = tmp_path / "media"
        admin.usb_roots = (media,)
        tap(admin.ids.export_button)
        assert admin.message == "No USB stick found."
        (media / "STICK").mkdir(parents=True)
        tap(admin.ids.export_button)
        written = media / "STICK" / "kiosk-usage-IT-2026-11-26.csv"
        assert admin.message == f"Usage figures saved to {written}."
        assert written.read_text() == (
            "date,metric,key,count\n"
            "2026-11-26,guide_views,ep-voting,1\n"
            "2026-11-26,visits,,1\n"
            "2026-11-26,visits_by_language,el,1\n"
        )  # the staff's own visit is still going on: not counted yet
    finally:
        stop_app(app)


def test_an_error_in_a_screen_callback_ends_the_visit_not_the_app(tmp_path: Path, monkeypatch) -> None:
    """A failing callback on a real screen, reached by a real touch through Kivy's own main
    loop: the error is logged and counted in the metrics file, the visit ends, the kiosk shows
    the attract screen and takes the next visitor."""
    from gui_support import SETTLE_FRAMES, SETTLE_SECONDS, run_main_loop, scroll_into_view
    from kivy.clock import Clock
    from kivy.tests.common import UnitTestTouch

    metrics = tmp_path / "kiosk.prom"
    app, _clock = start_app(
        config(f'[health]\nmetrics_file = "{metrics}"\ninterval_seconds = 3600\n'),
        tmp_path / "data", content_dir=CONTENT,
    )
    try:
        begin(app, "el")
        card = app.screens["home"].topic_card("ep-voting")

        def broken(*_args: object) -> None:
            raise RuntimeError("a bug on the guide screen")

        monkeypatch.setattr(app, "open_guide", broken)
        scroll_into_view(card)
        x, y = card.to_window(*card.center)
        touch = UnitTestTouch(x, y)
        # Dispatched from inside the loop, as the window's input is: not from the test's code.
        Clock.schedule_once(lambda _dt: touch.touch_down(), 0)
        run_main_loop(2)
        Clock.schedule_once(lambda _dt: touch.touch_up(), 0)
        run_main_loop(SETTLE_FRAMES, SETTLE_SECONDS)  # a ScrollView delivers a tap 0.2 s after it ends
        assert app.ui_errors == 1
        assert app.manager.current == "attract" and not app.in_visit and app.visit.language == "en"
        families = {f.name: f for f in text_string_to_metric_families(metrics.read_text())}
        assert families["kiosk_ui_errors"].samples[0].value == 1
        monkeypatch.undo()
        begin(app, "bg")  # the next visitor is served as usual
        tap_card(app, "ep-voting")
        assert app.manager.current == "guide"
    finally:
        stop_app(app)


def test_errors_repeating_within_the_window_let_the_process_end() -> None:
    """Three errors a minute are ridden out; the fourth within 60 s ends the app (systemd then
    starts a fresh one); an interrupt is never swallowed."""
    from kivy.base import ExceptionManager

    from kiosk.core.error_budget import ErrorBudget
    from kiosk.ui.ui_errors import UiErrorHandler

    class App:
        ui_errors = 0
        recovered = 0

        def recover_from_error(self) -> None:
            self.recovered += 1

    now = [0.0]
    app = App()
    handler = UiErrorHandler(app, ErrorBudget(limit=3, window_seconds=60, clock=lambda: now[0]))
    decisions = []
    for seconds in (0, 10, 20, 30):
        now[0] = seconds
        decisions.append(handler.handle_exception(ValueError("x")))
    assert decisions == [ExceptionManager.PASS] * 3 + [ExceptionManager.RAISE]
    assert app.ui_errors == 4 and app.recovered == 3
    now[0] = 200.0  # a minute of quiet later the budget is back
    assert handler.handle_exception(ValueError("x")) == ExceptionManager.PASS
    assert handler.handle_exception(KeyboardInterrupt()) == ExceptionManager.RAISE
