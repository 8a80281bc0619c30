"""One atomic writer for every state file (issue 12, point 10): readers never see half a
file, concurrent writers never share a temporary name, a failed write changes nothing."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from contentlib.atomic_file import write_atomically
from kiosk.ops.health import HealthSnapshot, write_metrics


def snapshot(visits: int) -> HealthSnapshot:
    return HealthSnapshot(kiosk_name="desk", app_version="1", content_version="v", content_fingerprint="f",
                          bundle_version=None, seconds_since_sync=None, sync_errors=0, content_stale=False,
                          visits_today=visits, uptime_seconds=1.0, taken_at="2026-11-29T00:00:00+00:00",
                          ui_errors=2)


def hammer(write, count: int = 8, rounds: int = 40) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            for _ in range(rounds):
                write(n)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_metrics_written_from_many_threads_at_once_never_collide(tmp_path: Path) -> None:
    """The old writer used one fixed temporary name: two writers renamed each other's file
    away (FileNotFoundError). prometheus_client's write_to_textfile names it per thread."""
    path = tmp_path / "kiosk.prom"
    assert hammer(lambda n: write_metrics(path, snapshot(n))) == []
    families = {f.name: f for f in text_string_to_metric_families(path.read_text())}
    assert families["kiosk_visits_today"].samples[0].value in range(8)
    assert families["kiosk_ui_errors"].samples[0].value == 2
    assert [p.name for p in tmp_path.iterdir()] == ["kiosk.prom"]


def test_state_written_from_many_threads_is_always_one_whole_version(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert hammer(lambda n: write_atomically(path, str(n).encode() * 5000)) == []
    text = path.read_text()
    assert text == text[0] * 5000
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "current"
    write_atomically(path, b"cache/old.db")
    with pytest.raises(TypeError):
        write_atomically(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"cache/old.db"
    assert [p.name for p in tmp_path.iterdir()] == ["current"]


def test_every_state_writer_uses_the_one_helper() -> None:
    """No module keeps its own temp-file-and-rename writer (there were four)."""
    from conftest import ROOT

    offenders = []
    for path in sorted((ROOT / "kiosk").rglob("*.py")) + sorted((ROOT / "sync").rglob("*.py")):
        if path.name == "atomic_file.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ".tmp" in line and ("replace" in line or "open(" in line or "write_" in line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
