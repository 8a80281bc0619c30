"""Health reporting for IT staff: a Prometheus textfile and an optional JSON heartbeat.

The app takes a :class:`HealthSnapshot` on its UI loop every ``[health] interval_seconds``
and writes it (atomically, through ``prometheus_client``) where node_exporter's textfile
collector reads it. A :class:`HeartbeatSender` thread POSTs the latest snapshot as JSON to
``[health] heartbeat_url`` with jitter. A failed heartbeat is not queued: the next one
carries the state of its own moment. Nothing about a single visitor is ever in either.
"""
from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HEARTBEAT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class HealthSnapshot:
    kiosk_name: str
    app_version: str
    content_version: str
    content_fingerprint: str
    bundle_version: int | None
    """Version number of the applied signed bundle; None while on the bundled content."""
    seconds_since_sync: float | None
    """Since the last successful update; None when no update has ever succeeded."""
    sync_errors: int
    content_stale: bool
    visits_today: int
    uptime_seconds: float
    taken_at: str
    ui_errors: int = 0
    """Errors caught on the UI loop since start (see kiosk.ui.ui_errors); each ended a visit."""
    usage: list[dict[str, Any]] = field(default_factory=list)
    """Per-day counters (only when ``send_usage`` is on); empty otherwise."""


def seconds_since(iso_time: str | None, now: datetime | None = None) -> float | None:
    if not iso_time:
        return None
    then = datetime.fromisoformat(iso_time)
    return max(0.0, ((now or datetime.now(timezone.utc)) - then).total_seconds())


def metrics_registry(snapshot: HealthSnapshot) -> Any:
    """A prometheus_client registry holding the snapshot's figures (a fresh one each time)."""
    from prometheus_client import CollectorRegistry, Gauge
    from prometheus_client.core import CounterMetricFamily

    registry = CollectorRegistry()
    Gauge("kiosk_up", "1 while the kiosk app is running and its UI loop is alive.",
          registry=registry).set(1)
    info = Gauge("kiosk_content_info", "Content in use (labels); the value is always 1.",
                 ["content_version", "fingerprint", "app_version", "kiosk"], registry=registry)
    info.labels(snapshot.content_version, snapshot.content_fingerprint,
                snapshot.app_version, snapshot.kiosk_name).set(1)
    Gauge("kiosk_content_bundle_version", "Version of the applied signed bundle (0: bundled content).",
          registry=registry).set(snapshot.bundle_version or 0)
    Gauge("kiosk_content_stale", "1 when the applied bundle is past its expiry date (still shown).",
          registry=registry).set(1 if snapshot.content_stale else 0)
    Gauge("kiosk_seconds_since_last_successful_sync",
          "Seconds since the last successful content update; NaN if none ever succeeded.",
          registry=registry).set(
        float("nan") if snapshot.seconds_since_sync is None else snapshot.seconds_since_sync
    )

    class _Counters:
        def collect(self) -> Any:
            family = CounterMetricFamily("kiosk_sync_errors", "Failed or rejected content updates.")
            family.add_metric([], snapshot.sync_errors)
            yield family
            family = CounterMetricFamily(
                "kiosk_ui_errors", "Errors caught on the UI loop since the app started (each ended a visit)."
            )
            family.add_metric([], snapshot.ui_errors)
            yield family

    registry.register(_Counters())  # type: ignore[arg-type]
    Gauge("kiosk_visits_today", "Visits ended today (local date).", registry=registry).set(
        snapshot.visits_today
    )
    Gauge("kiosk_uptime_seconds", "Seconds since the app started.", registry=registry).set(
        snapshot.uptime_seconds
    )
    return registry


def render_metrics(snapshot: HealthSnapshot) -> bytes:
    """The snapshot in Prometheus text exposition format."""
    from prometheus_client import generate_latest

    return generate_latest(metrics_registry(snapshot))


def write_metrics(path: Path, snapshot: HealthSnapshot) -> None:
    """Write the metrics file with prometheus_client's atomic ``write_to_textfile`` (a unique
    temporary name per process and thread, then a rename: node_exporter never reads half)."""
    from prometheus_client import write_to_textfile

    path.parent.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), metrics_registry(snapshot))


def heartbeat_payload(snapshot: HealthSnapshot) -> dict[str, Any]:
    payload = asdict(snapshot)
    if not payload["usage"]:
        del payload["usage"]
    return payload


class HeartbeatSender:
    """POSTs the latest snapshot every ``interval`` seconds, +-20% jitter, on its own thread."""

    def __init__(
        self,
        url: str,
        interval: float,
        latest: Callable[[], HealthSnapshot | None],
        rng: random.Random | None = None,
        post: Callable[..., Any] | None = None,
    ) -> None:
        self.url = url
        self.interval = interval
        self.latest = latest
        self.rng = rng or random.Random()
        self._post = post
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0
        self.failures = 0
        self.last_error: str | None = None

    def send_now(self) -> bool:
        snapshot = self.latest()
        if snapshot is None:
            return False
        post = self._post
        if post is None:
            import requests

            post = requests.post
        body = json.dumps(heartbeat_payload(snapshot), ensure_ascii=False).encode()
        try:
            response = post(self.url, data=body, timeout=HEARTBEAT_TIMEOUT_SECONDS,
                            headers={"Content-Type": "application/json"})
            response.raise_for_status()
        except Exception as exc:  # any network failure: log it, keep nothing, try next time
            self.failures += 1
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("heartbeat to %s failed: %s", self.url, self.last_error)
            return False
        self.sent += 1
        self.last_error = None
        return True

    def next_delay(self) -> float:
        return self.interval * self.rng.uniform(0.8, 1.2)

    def _run(self) -> None:
        # First beat soon after start (a restarted kiosk shows up at once), then jittered.
        delay = min(5.0, self.interval) * self.rng.uniform(0.5, 1.0)
        while not self._stop.wait(delay):
            self.send_now()
            delay = self.next_delay()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=HEARTBEAT_TIMEOUT_SECONDS + 1)


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
