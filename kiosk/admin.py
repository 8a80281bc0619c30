"""Admin access: PIN hashing, the PIN gate with lock-out, and the hidden tap gesture.

The PIN is stored only as a salted PBKDF2 hash in the config. After five wrong PINs the
gate refuses every try for a while, so a visitor cannot guess it by trying.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

PIN_SCHEME = "pbkdf2_sha256"
PIN_ITERATIONS = 200_000


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = PIN_ITERATIONS) -> str:
    """Return ``pbkdf2_sha256$iterations$salt$hash`` for the config's ``admin_pin_hash``."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValueError("the PIN must be 4 to 12 digits")
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    enc = base64.b64encode
    return f"{PIN_SCHEME}${iterations}${enc(salt).decode()}${enc(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches the stored hash; a malformed hash matches nothing."""
    try:
        scheme, iterations, salt_b64, digest_b64 = stored.split("$")
        if scheme != PIN_SCHEME:
            return False
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(digest_b64, validate=True)
        rounds = int(iterations)
    except ValueError:
        return False
    actual = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, rounds)
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class PinResult:
    accepted: bool
    locked_for: float = 0.0
    """Seconds left in the lock-out (0 when not locked)."""
    tries_left: int = 0


class AdminGate:
    """Checks PINs, counting wrong ones; ``max_tries`` wrong PINs lock it for a while."""

    def __init__(
        self,
        pin_hash: str,
        clock: Callable[[], float],
        max_tries: int = 5,
        lockout_seconds: float = 300.0,
    ) -> None:
        self._pin_hash = pin_hash
        self._clock = clock
        self.max_tries = max_tries
        self.lockout_seconds = lockout_seconds
        self._wrong = 0
        self._locked_until = 0.0

    @property
    def configured(self) -> bool:
        return bool(self._pin_hash)

    def locked_for(self) -> float:
        return max(0.0, self._locked_until - self._clock())

    def try_pin(self, pin: str) -> PinResult:
        remaining = self.locked_for()
        if remaining > 0:
            return PinResult(False, locked_for=remaining)
        if self._pin_hash and verify_pin(pin, self._pin_hash):
            self._wrong = 0
            return PinResult(True, tries_left=self.max_tries)
        self._wrong += 1
        if self._wrong >= self.max_tries:
            self._wrong = 0
            self._locked_until = self._clock() + self.lockout_seconds
            return PinResult(False, locked_for=self.lockout_seconds)
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
