"""The kiosk's background updater: polls the configured source with jitter, off the UI thread.

It runs :func:`sync.updater.sync_once` in its own thread (with its own database
connections), only when the source is reachable, and reports each outcome through a
callback; the UI decides when to switch to new content (between visits).
"""
from __future__ import annotations

import random
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sync.errors import SyncError
from sync.fetch import open_source
from sync.updater import SyncResult, sync_once


def source_reachable(source: str, timeout: float = 3.0) -> bool:
    """Whether the network path to ``source`` is up (a TCP connection), or the folder exists."""
    if not source.startswith(("http://", "https://")):
        return Path(source).is_dir()
    parts = urlsplit(source)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def next_delay(interval: float, rng: random.Random) -> float:
    """``interval`` plus or minus 20 %, so a fleet of kiosks does not poll in step."""
    return interval * rng.uniform(0.8, 1.2)


class SyncWorker:
    def __init__(
        self,
        source: str,
        public_keys: list[Ed25519PublicKey],
        data_dir: Path,
        interval: float,
        on_result: Callable[[SyncResult | None, str | None], None],
        rng: random.Random | None = None,
    ) -> None:
        self.source = source
        self.public_keys = public_keys
        self.data_dir = data_dir
        self.interval = interval
        self.on_result = on_result
        self.rng = rng or random.Random()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="content-sync", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def poll_now(self) -> None:
        self._wake.set()

    def run_once(self, source: str | None = None) -> tuple[SyncResult | None, str | None]:
        """One update (also used for a USB import); never raises."""
        with self._lock:
            chosen = source or self.source
            if not source_reachable(chosen):
                return None, None  # offline: nothing to report, try again later
            try:
                return sync_once(open_source(chosen), self.public_keys, self.data_dir), None
            except SyncError as exc:
                return None, str(exc)
            except Exception as exc:  # noqa: BLE001 - a worker must never die
                return None, f"unexpected error: {type(exc).__name__}: {exc}"

    def _run(self) -> None:
        delay = self.rng.uniform(5, 30)  # do not hit the server the moment every kiosk boots
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                return
            result, error = self.run_once()
            if result is not None or error is not None:
                self.on_result(result, error)
            delay = next_delay(self.interval, self.rng)
