"""Defence in depth for the admin screen: PIN rules, hash checks at config load, and a
lock-out that grows with each wrong PIN and survives a restart (issue 12, points 7-8)."""
from __future__ import annotations

import base64
import hashlib
import json
import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.core.admin import (
    BASE_LOCK_SECONDS,
    LOCKOUT_FILE_NAME,
    MAX_LOCK_SECONDS,
    MIN_PIN_ITERATIONS,
    AdminGate,
    check_new_pin,
    hash_pin,
    lock_seconds,
    parse_pin_hash,
    verify_pin,
)
from kiosk.config import ConfigError, parse_config
from sync.keys import public_key_string

PIN = "135790"
STORED = hash_pin(PIN, iterations=MIN_PIN_ITERATIONS)
WRONG = "000000"
DAY = 86_400.0


class Clock:
    """A clock the test sets by hand (no sleeping)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_gate(state: Path, mono: Clock, wall: Clock) -> AdminGate:
    return AdminGate(STORED, mono, state, wall_clock=wall)


def hand_made_hash(pin: str, iterations: int, salt: bytes = b"0123456789abcdef") -> str:
    """A well-formed hash built without hash_pin's checks (as an old kiosk could have it)."""
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    enc = base64.b64encode
    return f"pbkdf2_sha256${iterations}${enc(salt).decode()}${enc(digest).decode()}"


# ---------------------------------------------------------------- the PIN itself


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("", "none was given"),
        ("2468", "this one has 4"),
        ("24680", "this one has 5"),
        ("1234567890123", "this one has 13"),
        ("12345a", "other characters"),
        ("123 456", "other characters"),
        ("\uff11\uff12\uff13\uff14\uff15\uff16", "other characters"),  # full-width digits
        ("\u0661\u0662\u0663\u0664\u0665\u0666", "other characters"),  # Arabic-Indic digits
    ],
)
def test_new_pins_must_be_six_to_twelve_ascii_digits(pin: str, problem: str) -> None:
    with pytest.raises(ValueError, match="6 to 12 digits") as excinfo:
        hash_pin(pin, iterations=MIN_PIN_ITERATIONS)
    assert problem in str(excinfo.value)
    if pin:
        assert pin not in str(excinfo.value)  # the message never repeats the PIN


def test_pin_length_limits_are_six_and_twelve_digits() -> None:
    check_new_pin("000000")
    check_new_pin("123456789012")
    for pin in ("00000", "1234567890123"):
        with pytest.raises(ValueError):
            check_new_pin(pin)
    assert verify_pin(PIN, STORED) and not verify_pin("135791", STORED)


def test_hash_pin_refuses_too_few_iterations() -> None:
    with pytest.raises(ValueError, match="iterations"):
        hash_pin(PIN, iterations=MIN_PIN_ITERATIONS - 1)


def test_a_weak_or_malformed_hash_matches_nothing() -> None:
    weak = hand_made_hash(PIN, 1000)
    assert not verify_pin(PIN, weak)  # the right PIN, but too few iterations
    assert verify_pin(PIN, hand_made_hash(PIN, MIN_PIN_ITERATIONS))


# ---------------------------------------------------------------- admin_pin_hash at config load

GOOD_SALT = base64.b64encode(b"s" * 16).decode()
GOOD_DIGEST = base64.b64encode(b"d" * 32).decode()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2468", "expected pbkdf2_sha256$<iterations>$<salt>$<hash>"),
        (f"md5$200000${GOOD_SALT}${GOOD_DIGEST}", "unknown scheme 'md5'"),
        (f"pbkdf2_sha256$many${GOOD_SALT}${GOOD_DIGEST}", "is not a whole number"),
        (f"pbkdf2_sha256$1_000_000${GOOD_SALT}${GOOD_DIGEST}", "is not a whole number"),
        (f"pbkdf2_sha256$1000${GOOD_SALT}${GOOD_DIGEST}",
         "1000 iterations are too few (at least 100000)"),
        (f"pbkdf2_sha256$99999${GOOD_SALT}${GOOD_DIGEST}", "too few"),
        (f"pbkdf2_sha256$900000000${GOOD_SALT}${GOOD_DIGEST}", "too many"),
        (f"pbkdf2_sha256$200000$not*base64${GOOD_DIGEST}", "the salt is not base64"),
        (f"pbkdf2_sha256$200000${base64.b64encode(b'short').decode()}${GOOD_DIGEST}",
         "the salt is 5 bytes; at least 16"),
        (f"pbkdf2_sha256$200000${GOOD_SALT}$%%%", "the hash is not base64"),
        (f"pbkdf2_sha256$200000${GOOD_SALT}${base64.b64encode(b'x' * 20).decode()}",
         "the hash is 20 bytes"),
        (hand_made_hash(PIN, 200_000) + "\n", "the hash is not base64"),
    ],
)
def test_config_refuses_a_bad_admin_pin_hash_naming_file_and_field(
    value: str, problem: str
) -> None:
    text = f"[kiosk]\nadmin_pin_hash = {json.dumps(value)}\n"
    with pytest.raises(ConfigError) as excinfo:
        parse_config(text, Path("/etc/kiosk.toml"))
    message = str(excinfo.value)
    assert message.startswith("/etc/kiosk.toml: [kiosk] admin_pin_hash: ")
    assert problem in message


def test_config_keeps_a_hash_from_hash_pin_and_refuses_a_weak_one() -> None:
    assert parse_config(f'[kiosk]\nadmin_pin_hash = "{STORED}"\n').kiosk.admin_pin_hash == STORED
    assert parse_config('[kiosk]\nadmin_pin_hash = ""\n').kiosk.admin_pin_hash == ""
    with pytest.raises(ConfigError, match=r"^<config>: \[kiosk\] admin_pin_hash: 1000 iterations"):
        parse_config(f'[kiosk]\nadmin_pin_hash = "{hand_made_hash(PIN, 1000)}"\n')


# ---------------------------------------------------------------- [sync] public_keys at config load

# A fixed key: parameter ids must be the same in every test process (pytest-xdist)
KEY = public_key_string(Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key())


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("abc", "public key must start with 'ed25519:'"),
        ("", "public key must start with 'ed25519:'"),
        ("ed25519:***", "not an Ed25519 public key"),
        ("ed25519:" + base64.b64encode(b"k" * 31).decode(), "not an Ed25519 public key"),
        ("ed25519:\u00e9t\u00e9", "not an Ed25519 public key"),
        (" " + KEY, "public key must start with 'ed25519:'"),
    ],
)
def test_config_refuses_a_bad_public_key_naming_file_and_index(entry: str, problem: str) -> None:
    text = f"[sync]\npublic_keys = [{json.dumps(KEY)}, {json.dumps(entry)}]\n"
    with pytest.raises(ConfigError) as excinfo:
        parse_config(text, Path("kiosk.toml"))
    message = str(excinfo.value)
    assert message.startswith("kiosk.toml: [sync] public_keys[1]: ") and problem in message


def test_config_keeps_valid_public_keys_and_names_the_first_bad_one() -> None:
    other = public_key_string(Ed25519PrivateKey.generate().public_key())
    config = parse_config(f'[sync]\npublic_keys = ["{KEY}", "{other}"]\n')
    assert config.sync.public_keys == (KEY, other)
    with pytest.raises(ConfigError, match=r"^<config>: \[sync\] public_keys\[2\]: "):
        parse_config(f'[sync]\npublic_keys = ["{KEY}", "{other}", "ed25519:", "nope"]\n')


# ---------------------------------------------------------------- the growing lock-out


def test_lock_grows_from_thirty_seconds_doubling_to_the_cap() -> None:
    assert [lock_seconds(n) for n in range(12)] == [
        0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900
    ]
    assert (BASE_LOCK_SECONDS, MAX_LOCK_SECONDS) == (30, 900)
    assert lock_seconds(10**6) == MAX_LOCK_SECONDS  # no overflow, whatever the count


def test_wrong_pins_lock_longer_each_time_until_a_right_pin(tmp_path: Path) -> None:
    state = tmp_path / LOCKOUT_FILE_NAME
    mono, wall = Clock(1000.0), Clock(1_700_000_000.0)
    gate = make_gate(state, mono, wall)
    for left in (4, 3, 2, 1):
        assert gate.try_pin(WRONG).tries_left == left
    assert gate.try_pin(WRONG).locked_for == 30
    mono.now += 29
    refused = gate.try_pin(PIN)
    assert not refused.accepted and refused.locked_for == pytest.approx(1)
    assert gate.failures == 5  # a try during the lock is not counted
    for expected in (60, 120, 240, 480, 900, 900):
        mono.now += gate.locked_for() + 0.5
        assert gate.try_pin(WRONG).locked_for == expected
    mono.now += 900.5
    assert gate.try_pin(PIN).accepted
    assert gate.failures == 0
    assert json.loads(state.read_text(encoding="utf-8")) == {"failures": 0, "locked_until": 0.0}
    assert gate.try_pin(WRONG).tries_left == 4


def test_a_restart_keeps_the_count_and_the_lock(tmp_path: Path) -> None:
    state = tmp_path / LOCKOUT_FILE_NAME
    mono, wall = Clock(1000.0), Clock(1_700_000_000.0)
    gate = make_gate(state, mono, wall)
    for _ in range(5):
        gate.try_pin(WRONG)
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved == {"failures": 5, "locked_until": 1_700_000_030.0}
    assert [p.name for p in tmp_path.iterdir()] == [LOCKOUT_FILE_NAME]  # no temp file left
    # The app restarts 10 s later: a new monotonic clock, the same wall clock.
    wall.now += 10
    restarted = make_gate(state, Clock(5.0), wall)
    assert restarted.locked_for() == pytest.approx(20)
    assert not restarted.try_pin(PIN).accepted
    # After the lock, the count goes on: the next wrong PIN locks for 60 s, not 4 tries.
    wall.now += 25
    again = make_gate(state, Clock(0.0), wall)
    assert again.locked_for() == 0 and again.failures == 5
    assert again.try_pin(WRONG).locked_for == 60


def test_a_wall_clock_set_back_neither_unlocks_early_nor_locks_for_ever(tmp_path: Path) -> None:
    state = tmp_path / LOCKOUT_FILE_NAME
    mono, wall = Clock(1000.0), Clock(1_700_000_000.0)
    gate = make_gate(state, mono, wall)
    for _ in range(5):
        gate.try_pin(WRONG)
    # While the app runs, only the monotonic clock counts: moving the wall clock is ignored.
    wall.now -= DAY
    assert gate.locked_for() == 30
    wall.now += 2 * DAY
    assert gate.locked_for() == 30
    # Restart with the wall clock a year back: still locked, but no longer than the cap.
    wall.now = 1_700_000_000.0 - 365 * DAY
    restarted = make_gate(state, Clock(0.0), wall)
    assert restarted.locked_for() == MAX_LOCK_SECONDS
    assert not restarted.try_pin(PIN).accepted


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"failures": -1, "locked_until": 0}',
        b'{"failures": true, "locked_until": 0}',
        b'{"failures": 0, "locked_until": "later"}',
        b'{"failures": 0, "locked_until": NaN}',
        b'{"failures": 0}',
        b" " * 5000,
    ],
)
def test_a_damaged_lockout_file_fails_closed_and_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    state = tmp_path / LOCKOUT_FILE_NAME
    state.write_bytes(content)
    mono = Clock(0.0)
    with caplog.at_level(logging.ERROR, logger="kiosk.core.admin"):
        gate = make_gate(state, mono, Clock(1_700_000_000.0))
    assert gate.locked_for() == BASE_LOCK_SECONDS
    assert not gate.try_pin(PIN).accepted  # even the right PIN waits out the base lock
    assert str(state) in caplog.text
    mono.now = BASE_LOCK_SECONDS + 1
    assert gate.try_pin(PIN).accepted  # then staff get in, and the file is repaired
    assert json.loads(state.read_text(encoding="utf-8")) == {"failures": 0, "locked_until": 0.0}


def test_an_unreadable_lockout_file_fails_closed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / LOCKOUT_FILE_NAME
    state.mkdir()  # reading it raises IsADirectoryError, an OSError other than "missing"
    with caplog.at_level(logging.ERROR, logger="kiosk.core.admin"):
        gate = make_gate(state, Clock(0.0), Clock(1_700_000_000.0))
    assert gate.locked_for() == BASE_LOCK_SECONDS and str(state) in caplog.text


def test_a_missing_lockout_file_means_no_failures_and_is_made_at_the_first(tmp_path: Path) -> None:
    state = tmp_path / LOCKOUT_FILE_NAME
    gate = make_gate(state, Clock(0.0), Clock(1_700_000_000.0))
    assert gate.locked_for() == 0 and gate.try_pin(PIN).accepted
    assert not state.exists()  # a right PIN with nothing to reset writes nothing
    assert gate.try_pin(WRONG).tries_left == 4
    assert json.loads(state.read_text(encoding="utf-8")) == {"failures": 1, "locked_until": 0.0}


def test_a_lockout_file_that_cannot_be_written_still_locks_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "data" / LOCKOUT_FILE_NAME
    gate = make_gate(state, Clock(0.0), Clock(1_700_000_000.0))  # missing: no failures
    assert gate.locked_for() == 0
    (tmp_path / "data").write_text("x", encoding="utf-8")  # now its folder cannot be made
    with caplog.at_level(logging.ERROR, logger="kiosk.core.admin"):
        for _ in range(5):
            result = gate.try_pin(WRONG)
    assert result.locked_for == 30 and str(state) in caplog.text


def test_parse_pin_hash_reads_what_hash_pin_writes() -> None:
    parsed = parse_pin_hash(hash_pin(PIN, salt=b"x" * 16, iterations=123_456))
    assert parsed.iterations == 123_456 and parsed.salt == b"x" * 16 and len(parsed.digest) == 32
