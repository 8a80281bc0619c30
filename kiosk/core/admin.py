"""Admin access: PIN hashing, the PIN gate with lock-out, and the hidden tap gesture.

The PIN is 6 to 12 digits and is stored only as a salted PBKDF2-SHA256 hash in the
config (``pbkdf2_sha256$<iterations>$<base64 salt>$<base64 hash>``, as printed by
``kiosk hash-pin``). A hash with fewer than :data:`MIN_PIN_ITERATIONS` rounds is refused.

After :data:`LOCK_AFTER_FAILURES` wrong PINs in a row the gate refuses every try for
:data:`BASE_LOCK_SECONDS`; each further wrong PIN doubles the lock, up to
:data:`MAX_LOCK_SECONDS`. Only a right PIN resets the count. The count and the end of the
lock are kept in :data:`LOCKOUT_FILE_NAME` in the data folder, so a restart does not lift
a lock-out. A lock-out file that exists but cannot be read fails closed: the gate is
locked for the base period and the file is named in the log.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import math
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from contentlib.atomic_file import write_atomically

log = logging.getLogger(__name__)

PIN_SCHEME = "pbkdf2_sha256"
PIN_ITERATIONS = 200_000
"""PBKDF2 rounds ``kiosk hash-pin`` uses."""
MIN_PIN_ITERATIONS = 100_000
"""Fewest PBKDF2 rounds a stored hash may have (NIST SP 800-132 asks for at least 1,000 and
as many as is practical; 100,000 keeps one PIN check well under a second on a kiosk)."""
MAX_PIN_ITERATIONS = 5_000_000
"""Most PBKDF2 rounds a stored hash may have: every try runs on the UI thread, and more
rounds would freeze the screen for seconds at each PIN."""
MIN_SALT_BYTES = 16
HASH_BYTES = 32
MIN_PIN_DIGITS = 6
MAX_PIN_DIGITS = 12

LOCK_AFTER_FAILURES = 5
"""Wrong PINs in a row that lock the gate."""
BASE_LOCK_SECONDS = 30.0
"""Length of the first lock; each further wrong PIN doubles it."""
MAX_LOCK_SECONDS = 900.0
"""Longest lock (15 minutes), whatever the count or the clocks say."""
LOCKOUT_FILE_NAME = "admin-lockout.json"
_MAX_LOCKOUT_FILE_BYTES = 4096
_PIN_RE = re.compile(r"[0-9]+")
_ITERATIONS_RE = re.compile(r"[0-9]{1,12}")


def check_new_pin(pin: str) -> None:
    """Raise ValueError saying what is wrong unless ``pin`` is 6 to 12 ASCII digits.

    The message never repeats the PIN."""
    rule = f"the PIN must be {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits (0-9)"
    if not pin:
        raise ValueError(f"{rule}; none was given")
    if not _PIN_RE.fullmatch(pin):
        raise ValueError(f"{rule}; this one has other characters")
    if not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        raise ValueError(f"{rule}; this one has {len(pin)}")


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = PIN_ITERATIONS) -> str:
    """Return ``pbkdf2_sha256$iterations$salt$hash`` for the config's ``admin_pin_hash``."""
    check_new_pin(pin)
    if not MIN_PIN_ITERATIONS <= iterations <= MAX_PIN_ITERATIONS:
        raise ValueError(
            f"iterations must be between {MIN_PIN_ITERATIONS} and {MAX_PIN_ITERATIONS}, "
            f"not {iterations}"
        )
    salt = salt if salt is not None else os.urandom(MIN_SALT_BYTES)
    if len(salt) < MIN_SALT_BYTES:
        raise ValueError(f"the salt must be at least {MIN_SALT_BYTES} bytes")
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    enc = base64.b64encode
    return f"{PIN_SCHEME}${iterations}${enc(salt).decode()}${enc(digest).decode()}"


@dataclass(frozen=True)
class PinHash:
    """A parsed ``admin_pin_hash``."""

    iterations: int
    salt: bytes
    digest: bytes


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise ValueError(f"the {what} is not base64") from None


def parse_pin_hash(stored: str) -> PinHash:
    """Parse an ``admin_pin_hash``; raise ValueError saying what is wrong with it."""
    parts = stored.split("$")
    if len(parts) != 4:
        raise ValueError(
            f"expected {PIN_SCHEME}$<iterations>$<salt>$<hash> as printed by 'kiosk hash-pin', "
            f"found {len(parts)} '$'-separated part(s) instead of 4"
        )
    scheme, iterations_text, salt_b64, digest_b64 = parts
    if scheme != PIN_SCHEME:
        raise ValueError(f"unknown scheme {scheme[:40]!r}; expected {PIN_SCHEME!r}")
    if not _ITERATIONS_RE.fullmatch(iterations_text):
        raise ValueError(f"the iteration count {iterations_text[:20]!r} is not a whole number")
    iterations = int(iterations_text)
    if iterations < MIN_PIN_ITERATIONS:
        raise ValueError(
            f"{iterations} iterations are too few (at least {MIN_PIN_ITERATIONS}); "
            "make a new hash with 'kiosk hash-pin'"
        )
    if iterations > MAX_PIN_ITERATIONS:
        raise ValueError(
            f"{iterations} iterations are too many (at most {MAX_PIN_ITERATIONS}: "
            "each PIN try would freeze the screen)"
        )
    salt = _b64(salt_b64, "salt")
    if len(salt) < MIN_SALT_BYTES:
        raise ValueError(f"the salt is {len(salt)} bytes; at least {MIN_SALT_BYTES} are needed")
    digest = _b64(digest_b64, "hash")
    if len(digest) != HASH_BYTES:
        raise ValueError(f"the hash is {len(digest)} bytes; a SHA-256 hash is {HASH_BYTES}")
    return PinHash(iterations, salt, digest)


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches the stored hash; a malformed or weak hash matches nothing."""
    try:
        parsed = parse_pin_hash(stored)
    except ValueError:
        return False
    actual = hashlib.pbkdf2_hmac("sha256", pin.encode(), parsed.salt, parsed.iterations)
    return hmac.compare_digest(actual, parsed.digest)


def lock_seconds(
    failures: int,
    *,
    after: int = LOCK_AFTER_FAILURES,
    base: float = BASE_LOCK_SECONDS,
    cap: float = MAX_LOCK_SECONDS,
) -> float:
    """Length of the lock that ``failures`` wrong PINs in a row earn (0 below ``after``)."""
    if failures < after:
        return 0.0
    return min(cap, base * 2.0 ** min(failures - after, 40))


@dataclass(frozen=True)
class LockoutRecord:
    """What the lock-out file holds: wrong PINs in a row, and the lock's end as wall time."""

    failures: int = 0
    locked_until: float = 0.0
    """Seconds since the epoch (``time.time()``) when the lock ends; 0: not locked."""


def read_lockout(path: Path) -> LockoutRecord:
    """Read the lock-out file; a missing file is a clean record.

    Raises OSError or ValueError (with the file's name) when the file exists but cannot
    be read or is damaged: the caller must then fail closed."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX_LOCKOUT_FILE_BYTES + 1)
    except FileNotFoundError:
        return LockoutRecord()
    if len(data) > _MAX_LOCKOUT_FILE_BYTES:
        raise ValueError(f"{path}: damaged, larger than {_MAX_LOCKOUT_FILE_BYTES} bytes")
    try:
        values = json.loads(data.decode("utf-8"))
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ValueError(f"{path}: damaged, not JSON ({exc})") from None
    if not isinstance(values, dict):
        raise ValueError(f"{path}: damaged, not a JSON object")
    failures = values.get("failures")
    locked_until = values.get("locked_until")
    if not isinstance(failures, int) or isinstance(failures, bool) or failures < 0:
        raise ValueError(f"{path}: damaged, 'failures' is not a count")
    if (
        not isinstance(locked_until, (int, float))
        or isinstance(locked_until, bool)
        or not math.isfinite(locked_until)
        or locked_until < 0
    ):
        raise ValueError(f"{path}: damaged, 'locked_until' is not a time")
    return LockoutRecord(failures, float(locked_until))


def write_lockout(path: Path, record: LockoutRecord) -> None:
    """Replace the lock-out file atomically (temp file in the same folder, fsync, rename)."""
    data = json.dumps({"failures": record.failures, "locked_until": record.locked_until})
    write_atomically(path, data.encode("utf-8"))


@dataclass(frozen=True)
class PinResult:
    accepted: bool
    locked_for: float = 0.0
    """Seconds left in the lock-out (0 when not locked)."""
    tries_left: int = 0


class AdminGate:
    """Checks PINs, counting wrong ones; the lock-out grows with each wrong PIN in a row.

    Time in the running app comes from ``clock`` (the app's monotonic, injectable clock),
    so moving the wall clock while the kiosk runs changes nothing. ``wall_clock`` only
    converts the lock's end to and from the wall time kept in ``state_file``; a lock read
    back from the file never lasts more than ``max_lock_seconds`` from the moment it is
    read, so a wall clock set backwards cannot lock the gate for ever. With no
    ``state_file`` the count lives in memory only.
    """

    def __init__(
        self,
        pin_hash: str,
        clock: Callable[[], float],
        state_file: Path | None = None,
        *,
        wall_clock: Callable[[], float] = time.time,
        max_tries: int = LOCK_AFTER_FAILURES,
        base_lock_seconds: float = BASE_LOCK_SECONDS,
        max_lock_seconds: float = MAX_LOCK_SECONDS,
    ) -> None:
        self._pin_hash = pin_hash
        self._clock = clock
        self._wall_clock = wall_clock
        self.state_file = state_file
        self.max_tries = max_tries
        self.base_lock_seconds = base_lock_seconds
        self.max_lock_seconds = max_lock_seconds
        self._wrong = 0
        self._locked_until = 0.0
        """End of the lock on ``clock``'s scale."""
        if state_file is not None:
            self._restore(state_file)

    def _restore(self, state_file: Path) -> None:
        try:
            record = read_lockout(state_file)
        except (OSError, ValueError) as exc:
            log.error(
                "admin lock-out file %s cannot be used (%s): the admin PIN is refused for %.0f s",
                state_file, exc, self.base_lock_seconds,
            )
            self._wrong = self.max_tries
            self._locked_until = self._clock() + self.base_lock_seconds
            return
        self._wrong = record.failures
        if record.locked_until > 0:
            remaining = min(record.locked_until - self._wall_clock(), self.max_lock_seconds)
            if remaining > 0:
                self._locked_until = self._clock() + remaining

    @property
    def configured(self) -> bool:
        return bool(self._pin_hash)

    @property
    def failures(self) -> int:
        """Wrong PINs in a row since the last right one."""
        return self._wrong

    def lock_seconds_for(self, failures: int) -> float:
        """Length of the lock that ``failures`` wrong PINs in a row earn with this gate's limits."""
        return lock_seconds(
            failures, after=self.max_tries, base=self.base_lock_seconds, cap=self.max_lock_seconds
        )

    def locked_for(self) -> float:
        """Seconds left in the lock-out (0 when not locked)."""
        return min(self.max_lock_seconds, max(0.0, self._locked_until - self._clock()))

    def _save(self, lock: float) -> None:
        if self.state_file is None:
            return
        until = self._wall_clock() + lock if lock > 0 else 0.0
        try:
            write_lockout(self.state_file, LockoutRecord(self._wrong, until))
        except OSError as exc:
            log.error("cannot write the admin lock-out file %s: %s", self.state_file, exc)

    def try_pin(self, pin: str) -> PinResult:
        """Check ``pin``, refusing every try while locked; count and persist wrong ones."""
        remaining = self.locked_for()
        if remaining > 0:
            return PinResult(False, locked_for=remaining)
        if self._pin_hash and verify_pin(pin, self._pin_hash):
            if self._wrong or self._locked_until:
                self._wrong = 0
                self._locked_until = 0.0
                self._save(0.0)
            return PinResult(True, tries_left=self.max_tries)
        self._wrong += 1
        lock = self.lock_seconds_for(self._wrong)
        if lock > 0:
            self._locked_until = self._clock() + lock
        self._save(lock)
        if lock > 0:
            return PinResult(False, locked_for=lock)
        return PinResult(False, tries_left=self.max_tries - self._wrong)


class SecretTapGesture:
    """Detects the hidden admin gesture: ``taps_needed`` taps within ``window_seconds``.

    The taps go to an unmarked corner area; any pause longer than the window starts over.
    """

    def __init__(
        self, clock: Callable[[], float], taps_needed: int = 5, window_seconds: float = 4.0
    ) -> None:
        self._clock = clock
        self.taps_needed = taps_needed
        self.window_seconds = window_seconds
        self._taps: list[float] = []

    def tap(self) -> bool:
        """Record a tap; True when this tap completes the gesture."""
        now = self._clock()
        self._taps = [t for t in self._taps if now - t <= self.window_seconds]
        self._taps.append(now)
        if len(self._taps) >= self.taps_needed:
            self._taps.clear()
            return True
        return False

    def reset(self) -> None:
        self._taps.clear()
