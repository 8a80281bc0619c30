"""The command-line contract: status JSON, PIN hashing, clear errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, CONTENT_LANGUAGES, CONTENT_VERSION, ROOT
from kiosk.core.admin import MIN_PIN_ITERATIONS, verify_pin
from contentlib.cache import ensure_cache


def kiosk(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args], cwd=ROOT, input=stdin, capture_output=True, text=True
    )


def test_status_json_before_and_after_the_first_start(tmp_path: Path) -> None:
    result = kiosk("status", "--json", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    before = json.loads(result.stdout)
    assert before["content_version"] is None and "start the kiosk once" in before["last_error"]
    ensure_cache(tmp_path, CONTENT)
    after = json.loads(kiosk("status", "--json", "--data-dir", str(tmp_path)).stdout)
    for key in ("content_version", "languages", "last_check", "last_success", "last_error", "stale"):
        assert key in after
    assert after["content_version"] == CONTENT_VERSION and after["languages"] == CONTENT_LANGUAGES
    assert after["last_error"] is None and after["stale"] is False


def test_data_dir_from_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "env-data"))
    result = kiosk("status", "--json")
    assert json.loads(result.stdout)["data_dir"] == str((tmp_path / "env-data").resolve())


def test_hash_pin_reads_stdin_and_prints_a_verifiable_hash() -> None:
    result = kiosk("hash-pin", stdin="135790\n")
    assert result.returncode == 0
    stored = result.stdout.strip()
    assert verify_pin("135790", stored)
    assert int(stored.split("$")[1]) >= MIN_PIN_ITERATIONS


@pytest.mark.parametrize(
    ("pin", "problem"),
    [("12", "this one has 2"), ("13579", "this one has 5"), ("12345a", "other characters"),
     ("", "none was given"), ("1234567890123", "this one has 13")],
)
def test_hash_pin_refuses_a_short_or_non_digit_pin(pin: str, problem: str) -> None:
    result = kiosk("hash-pin", stdin=pin + "\n")
    assert result.returncode == 2 and result.stdout == ""
    assert "kiosk hash-pin: refused: the PIN must be 6 to 12 digits (0-9)" in result.stderr
    assert problem in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [["run", "--windowed"], ["sync", "--once"], ["status", "--json"], ["stats", "--csv"],
     ["selftest"]],
)
def test_every_command_refuses_a_malformed_public_key_without_a_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[sync]\nsource = "https://example.org/b"\npublic_keys = ["ed25519:AAAA"]\n',
                      encoding="utf-8")
    result = kiosk(*command, "--config", str(config), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2, result.stderr
    assert f"{config}: [sync] public_keys[0]: not an Ed25519 public key" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_weak_admin_pin_hash_is_refused_at_start(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nadmin_pin_hash = "pbkdf2_sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$'
                      'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g="\n', encoding="utf-8")
    result = kiosk("run", "--windowed", "--config", str(config),
                   "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{config}: [kiosk] admin_pin_hash: 1000 iterations are too few" in result.stderr


def test_bad_config_is_named_and_refused(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("[kiosk]\nidle_timeot = 30\n", encoding="utf-8")
    result = kiosk("run", "--config", str(config), "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert str(config) in result.stderr and "unknown key 'idle_timeot'" in result.stderr


@pytest.mark.content_languages()
def test_run_with_broken_content_names_the_problem_before_any_window(tmp_path: Path, content_copy: Path) -> None:
    (content_copy / "en" / "links.yaml").write_text("impeu-course: [\n", encoding="utf-8")
    result = kiosk("run", "--windowed", "--data-dir", str(tmp_path / "d"), "--content-dir", str(content_copy))
    assert result.returncode == 2
    assert "the content cannot be used" in result.stderr and "en/links.yaml:" in result.stderr
    assert "Traceback" not in result.stderr
