"""The kiosk's background updater: polls the configured source with jitter, off the UI thread.

It runs :func:`sync.updater.sync_once` in its own thread (with its own database
connections) and reports each outcome, success or failure, through a callback; the UI
decides when to switch to new content (between visits). There is no "online" probe of its
own: a web source is fetched with requests, which honours the standard proxy variables
(``HTTP_PROXY``, ``HTTPS_PROXY``, ``NO_PROXY``), and an attempt that cannot reach the source
is reported and counted in ``sync/state.json`` like any other failed update.
"""
from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sync.errors import SyncError
from sync.fetch import FetchLimits, open_source, redact_url
from sync.updater import SyncResult, sync_once


def next_delay(interval: float, rng: random.Random) -> float:
    """``interval`` plus or minus 20 %, so a fleet of kiosks does not poll in step."""
    return interval * rng.uniform(0.8, 1.2)


class SyncWorker:
    """A daemon thread that runs one update every ``interval`` seconds (or when woken)."""

    def __init__(
        self,
        source: str,
        public_keys: list[Ed25519PublicKey],
        data_dir: Path,
        interval: float,
        on_result: Callable[[SyncResult | None, str | None], None],
        rng: random.Random | None = None,
        limits: FetchLimits = FetchLimits(),
    ) -> None:
        self.source = source
        self.public_keys = public_keys
        self.data_dir = data_dir
        self.interval = interval
        self.on_result = on_result
        self.rng = rng or random.Random()
        self.limits = limits
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="content-sync", daemon=True)

    def start(self) -> None:
        """Start the polling thread; its first update comes 5-30 s later, or at poll_now."""
        self.thread.start()

    def stop(self) -> None:
        """Ask the thread to end; an update in progress finishes first."""
        self._stop.set()
        self._wake.set()

    def poll_now(self) -> None:
        """Wake the thread for an update now instead of at the next interval."""
        self._wake.set()

    def run_once(self, source: str | None = None) -> tuple[SyncResult | None, str | None]:
        """One update (also a USB import): (result, None) or (None, error); never raises."""
        # An unreachable source is an error like any other; sync_once has recorded it in
        # sync/state.json (last_error, error_count) before it reaches the caller.
        with self._lock:
            chosen = source or self.source
            try:
                fetched_from = open_source(chosen, self.limits)
                return sync_once(fetched_from, self.public_keys, self.data_dir), None
            except SyncError as exc:
                return None, str(exc)
            except Exception as exc:  # noqa: BLE001 - a worker must never die
                return None, f"{redact_url(chosen)}: unexpected error: {type(exc).__name__}: {exc}"

    def _run(self) -> None:
        delay = self.rng.uniform(5, 30)  # do not hit the server the moment every kiosk boots
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                return
            result, error = self.run_once()
            self.on_result(result, error)
            delay = next_delay(self.interval, self.rng)
