"""Health and usage figures, plain core: metrics text, heartbeat, sd_notify, per-day counters."""
from __future__ import annotations

import json
import logging
import math
import os
import socket
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import ROOT
from kiosk.config import ConfigError, parse_config
from kiosk.ops.health import HealthSnapshot, HeartbeatSender, render_metrics, seconds_since, write_metrics
from kiosk.ops.logs import setup_logging
from kiosk.core.visit_tally import VisitTally
from kiosk.ops.usage import UsageStore, counts_to_csv
from kiosk.ops.watchdog import SystemdNotifier


def snapshot(**changes: object) -> HealthSnapshot:
    values: dict[str, object] = dict(
        kiosk_name='Comune di Empoli, "front desk"', app_version="0.1.0",
        content_version="2026-11-26.1", content_fingerprint="abc123", bundle_version=3,
        seconds_since_sync=125.0, sync_errors=2, content_stale=False, visits_today=17,
        uptime_seconds=3600.5, taken_at="2026-11-26T10:00:00+00:00",
    )
    values.update(changes)
    return HealthSnapshot(**values)  # type: ignore[arg-type]


def parse(text: bytes) -> dict[str, list]:
    families = {f.name: f.samples for f in text_string_to_metric_families(text.decode())}
    return families


# ---------------------------------------------------------------- metrics


def test_metrics_file_parses_with_prometheus_parser_and_holds_every_figure(tmp_path: Path) -> None:
    path = tmp_path / "textfile" / "kiosk.prom"
    write_metrics(path, snapshot())
    families = parse(path.read_bytes())
    value = {name: samples[0].value for name, samples in families.items()}
    assert value["kiosk_up"] == 1
    assert value["kiosk_content_bundle_version"] == 3
    assert value["kiosk_seconds_since_last_successful_sync"] == 125.0
    assert value["kiosk_sync_errors"] == 2
    assert families["kiosk_sync_errors"][0].name == "kiosk_sync_errors_total"
    assert value["kiosk_visits_today"] == 17
    assert value["kiosk_uptime_seconds"] == 3600.5
    assert value["kiosk_content_stale"] == 0
    labels = families["kiosk_content_info"][0].labels
    assert labels == {"content_version": "2026-11-26.1", "fingerprint": "abc123",
                      "app_version": "0.1.0", "kiosk": 'Comune di Empoli, "front desk"'}
    assert not list(tmp_path.glob("textfile/.*.tmp"))  # written through a rename


def test_metrics_say_nan_when_no_update_ever_succeeded() -> None:
    families = parse(render_metrics(snapshot(seconds_since_sync=None, bundle_version=None)))
    assert math.isnan(families["kiosk_seconds_since_last_successful_sync"][0].value)
    assert families["kiosk_content_bundle_version"][0].value == 0


def test_seconds_since_reads_the_sync_state_time() -> None:
    now = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
    assert seconds_since("2026-11-26T11:58:00+00:00", now) == 120
    assert seconds_since(None, now) is None


# ---------------------------------------------------------------- heartbeat


class Receiver:
    """A local HTTP server that records every POSTed heartbeat."""

    def __init__(self, status: int = 200) -> None:
        received: list[dict] = []
        self.received = received
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append({"type": self.headers["Content-Type"], "body": json.loads(body)})
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/beat"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_heartbeat_is_received_by_a_local_server() -> None:
    receiver = Receiver()
    try:
        sender = HeartbeatSender(receiver.url, 60, lambda: snapshot())
        assert sender.send_now()
    finally:
        receiver.close()
    assert len(receiver.received) == 1
    beat = receiver.received[0]
    assert beat["type"] == "application/json"
    assert beat["body"]["content_version"] == "2026-11-26.1"
    assert beat["body"]["visits_today"] == 17 and beat["body"]["sync_errors"] == 2
    assert "usage" not in beat["body"]  # only when send_usage is on


def test_heartbeat_thread_beats_on_its_own_and_a_failure_is_not_queued() -> None:
    receiver = Receiver(status=500)
    taken = []

    def latest() -> HealthSnapshot:
        taken.append(1)
        return snapshot(visits_today=len(taken))

    sender = HeartbeatSender(receiver.url, 10, latest)
    try:
        assert not sender.send_now() and sender.failures == 1 and "500" in (sender.last_error or "")
        receiver.status = 200
        sender.start()  # the first beat comes within 5 s of the start
        deadline = datetime.now() + timedelta(seconds=15)
        while len(receiver.received) < 2 and datetime.now() < deadline:
            threading.Event().wait(0.05)
    finally:
        sender.stop()
        receiver.close()
    # The failed beat was not re-sent: the second carries its own moment's figures.
    assert [r["body"]["visits_today"] for r in receiver.received] == [1, 2]


def test_heartbeat_jitter_stays_within_twenty_percent() -> None:
    sender = HeartbeatSender("http://127.0.0.1:9/", 300, lambda: None)
    delays = [sender.next_delay() for _ in range(1000)]
    assert 240 <= min(delays) < 250 and 350 < max(delays) <= 360


def test_health_config_keys_are_checked() -> None:
    config = parse_config('[health]\nmetrics_file = "/tmp/k.prom"\nheartbeat_url = "https://ops.example/beat"\n')
    assert config.health.metrics_file == "/tmp/k.prom" and config.health.heartbeat_interval_seconds == 300
    with pytest.raises(ConfigError, match=r"\[health\]: 'heartbeat_url' must start with http"):
        parse_config('[health]\nheartbeat_url = "ops.example"\n')
    with pytest.raises(ConfigError, match=r"\[health\]: unknown key 'metrics'"):
        parse_config('[health]\nmetrics = "x"\n')


# ---------------------------------------------------------------- sd_notify


def notify_socket(tmp_path: Path) -> tuple[socket.socket, str]:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    return sock, path


def test_notifier_speaks_the_sd_notify_protocol(tmp_path: Path) -> None:
    sock, path = notify_socket(tmp_path)
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "20000000"})
    assert notifier.ping_interval == 10.0
    assert notifier.ready("showing content 1")
    assert sock.recv(256) == b"READY=1\nSTATUS=showing content 1"
    assert notifier.ping() and sock.recv(256) == b"WATCHDOG=1"
    sock.close()


def test_notifier_is_silent_without_systemd_and_ignores_another_pids_watchdog(tmp_path: Path) -> None:
    assert not SystemdNotifier({}).ready() and SystemdNotifier({}).ping_interval is None
    other = SystemdNotifier({"NOTIFY_SOCKET": "/nonexistent", "WATCHDOG_USEC": "1000000",
                             "WATCHDOG_PID": str(os.getpid() + 1)})
    assert other.ping_interval is None
    assert not other.ping() and other.failures == 1  # no listener: no exception


def test_notifier_reaches_an_abstract_socket() -> None:
    name = f"kiosk-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(2)
    assert SystemdNotifier({"NOTIFY_SOCKET": "@" + name}).ping()
    assert sock.recv(64) == b"WATCHDOG=1"
    sock.close()


# ---------------------------------------------------------------- usage counters

DAY = date(2026, 11, 26)


def scripted_visits(store: UsageStore) -> None:
    """Five visits over two days, as a front desk would see them."""
    a = VisitTally()
    a.language_chosen("el")
    a.guide_viewed("register-italy")
    a.guide_viewed("ep-voting")
    a.guide_viewed("register-italy")
    store.add_visit(a, DAY)
    b = VisitTally()
    b.language_chosen("en")
    b.language_chosen("bg")  # switched language during the visit
    b.quiz_finished(30, 32)
    store.add_visit(b, DAY)
    c = VisitTally()
    c.language_chosen("el")
    c.quiz_finished(30, 32)
    c.quiz_finished(32, 32)
    store.add_visit(c, DAY)
    store.add_visit(VisitTally(languages={"en"}), DAY)
    d = VisitTally()
    d.language_chosen("it")
    d.guide_viewed("municipal-candidacy")
    store.add_visit(d, DAY + timedelta(days=1))


EXPECTED_CSV = """date,metric,key,count
2026-11-26,guide_views,ep-voting,1
2026-11-26,guide_views,register-italy,2
2026-11-26,quiz_scores,30/32,2
2026-11-26,quiz_scores,32/32,1
2026-11-26,quizzes_finished,,3
2026-11-26,visits,,4
2026-11-26,visits_by_language,bg,1
2026-11-26,visits_by_language,el,2
2026-11-26,visits_by_language,en,2
2026-11-27,guide_views,municipal-candidacy,1
2026-11-27,visits,,1
2026-11-27,visits_by_language,it,1
"""


def test_usage_csv_matches_a_scripted_sequence_of_visits(tmp_path: Path) -> None:
    store = UsageStore(tmp_path)
    scripted_visits(store)
    assert counts_to_csv(store.counts()) == EXPECTED_CSV
    assert store.visits_on(DAY) == 4 and store.visits_on(DAY + timedelta(days=1)) == 1
    assert counts_to_csv(store.counts(since=DAY + timedelta(days=1))).count("\n") == 4
    store.close()


def test_kiosk_stats_csv_prints_the_same_figures(tmp_path: Path) -> None:
    store = UsageStore(tmp_path)
    scripted_visits(store)
    store.close()
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "stats", "--csv", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert result.stdout == EXPECTED_CSV
    out = tmp_path / "usb" / "usage.csv"
    out.parent.mkdir()
    subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "stats", "--csv", "--since", "2026-11-27",
         "--data-dir", str(tmp_path), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert out.read_text().splitlines()[1:] == EXPECTED_CSV.splitlines()[-3:]
    bad = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "stats", "--csv", "--since", "yesterday",
         "--data-dir", str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
    )
    assert bad.returncode == 2 and "--since 'yesterday' is not a date" in bad.stderr


def test_the_usage_database_holds_only_per_day_sums(tmp_path: Path) -> None:
    store = UsageStore(tmp_path)
    one = VisitTally(languages={"el"})
    one.guide_viewed("ep-voting")
    store.add_visit(one, DAY)
    rows_after_one = store.db.execute("SELECT * FROM daily_counts ORDER BY metric, key").fetchall()
    for _ in range(9):
        again = VisitTally(languages={"el"})
        again.guide_viewed("ep-voting")
        store.add_visit(again, DAY)
    rows_after_ten = store.db.execute("SELECT * FROM daily_counts ORDER BY metric, key").fetchall()
    # Ten visits leave exactly as many rows as one: counts, not records.
    assert len(rows_after_ten) == len(rows_after_one) == 3
    assert [r[3] for r in rows_after_ten] == [10, 10, 10]
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"daily_counts", "_sqlite_migrations"}
    columns = [r[1] for r in store.db.execute("PRAGMA table_info(daily_counts)")]
    assert columns == ["day", "metric", "key", "count"]  # a date, no time of day
    assert all(len(r[0]) == 10 for r in rows_after_ten)
    store.close()


def test_logs_go_to_a_rotating_file_and_to_stderr_with_journal_priorities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOURNAL_STREAM", "8:1234")
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        path = setup_logging(tmp_path)
        logging.getLogger("kiosk.test").warning("metrics file not writable")
        for handler in root.handlers:
            handler.flush()
        assert path == tmp_path / "logs" / "kiosk.log"
        assert "WARNING kiosk.test: metrics file not writable" in path.read_text()
        assert "<4>kiosk.test: metrics file not writable" in capsys.readouterr().err
        handler = next(h for h in root.handlers if getattr(h, "kiosk_handler", False) and hasattr(h, "maxBytes"))
        assert handler.maxBytes == 1_000_000 and handler.backupCount == 5
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)


def test_notifier_never_blocks_when_the_managers_queue_is_full(tmp_path: Path) -> None:
    sock, path = notify_socket(tmp_path)  # nobody reads it: the queue fills up
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path})
    results = [notifier.ping() for _ in range(200)]
    assert results[0] and not results[-1] and notifier.failures > 0
    sock.close()
