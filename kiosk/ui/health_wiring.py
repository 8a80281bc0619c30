"""The running app's health for IT staff: watchdog pings, metrics and the heartbeat.

:class:`HealthWiring` pings systemd's watchdog from the UI loop (a frozen UI stops the
pings and systemd restarts the kiosk), tells systemd the kiosk is ready when the first
frame reaches the display, rewrites the metrics file from a :class:`HealthSnapshot` of
the app, and runs the heartbeat sender that posts the latest snapshot.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kivy.clock import Clock
from kivy.core.window import Window

from contentlib.store import ContentStore
from kiosk.config import HealthSettings
from kiosk.ops.health import (
    HealthSnapshot,
    HeartbeatSender,
    seconds_since,
    utc_now_iso,
    write_metrics,
)
from kiosk.ops.watchdog import SystemdNotifier

if TYPE_CHECKING:
    from kiosk.ops.usage import UsageStore

log = logging.getLogger(__name__)


class HealthSource(Protocol):
    """What a snapshot reads from the app."""

    data_dir: Path
    store: ContentStore
    ui_errors: int
    started_at: float
    today: Callable[[], date]

    @property
    def usage_store(self) -> UsageStore | None: ...


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("eu-citizens-kiosk")
    except PackageNotFoundError:
        return "unknown"


class HealthWiring:
    """Schedules the pings and snapshots, and starts and stops the heartbeat."""

    def __init__(self, settings: HealthSettings, source: HealthSource,
                 notifier: SystemdNotifier | None = None) -> None:
        self.settings = settings
        self.source = source
        self.notifier = notifier or SystemdNotifier()
        self.snapshot: HealthSnapshot | None = None
        """The latest snapshot (what the heartbeat sends)."""
        self.heartbeat: HeartbeatSender | None = None
        self.first_frame_at: float | None = None
        """Wall-clock time of the first frame on the display (the attract screen)."""
        self._events: list[Any] = []

    def install(self) -> None:
        Window.bind(on_flip=self._first_frame)
        interval = self.notifier.ping_interval
        if interval is not None:
            # On the UI loop on purpose: a frozen UI stops the pings and systemd restarts us.
            self._events.append(Clock.schedule_interval(lambda _dt: self.notifier.ping(), interval))
        settings = self.settings
        if settings.metrics_file or settings.heartbeat_url:
            self.take_snapshot()
            self._events.append(Clock.schedule_interval(
                lambda _dt: self.take_snapshot(), settings.interval_seconds))
        if settings.heartbeat_url:
            self.heartbeat = HeartbeatSender(
                settings.heartbeat_url, settings.heartbeat_interval_seconds, lambda: self.snapshot
            )
            self.heartbeat.start()

    def remove(self) -> None:
        self.notifier.stopping()
        Window.unbind(on_flip=self._first_frame)
        for event in self._events:
            event.cancel()
        if self.heartbeat is not None:
            self.heartbeat.stop()

    def _first_frame(self, *_args: Any) -> None:
        self.first_frame_at = time.time()
        Window.unbind(on_flip=self._first_frame)
        self.notifier.ready(f"showing content {self.source.store.content_version}")

    def take_snapshot(self) -> HealthSnapshot:
        """Read the state for IT staff and rewrite the metrics file (UI thread)."""
        from sync.updater import status as sync_status

        source, settings = self.source, self.settings
        sync = sync_status(source.data_dir)
        usage: list[dict[str, Any]] = []
        visits_today = 0
        if source.usage_store is not None:
            visits_today = source.usage_store.visits_on(source.today())
            if settings.send_usage:
                usage = [vars(c) for c in source.usage_store.counts()]
        snapshot = HealthSnapshot(
            kiosk_name=settings.kiosk_name,
            app_version=_app_version(),
            content_version=source.store.content_version,
            content_fingerprint=source.store.meta("fingerprint") or "",
            bundle_version=sync["sync_version"],
            seconds_since_sync=seconds_since(sync["last_success"]),
            sync_errors=sync["error_count"],
            content_stale=bool(sync["stale"]),
            visits_today=visits_today,
            uptime_seconds=round(time.monotonic() - source.started_at, 1),
            taken_at=utc_now_iso(),
            ui_errors=source.ui_errors,
            usage=usage,
        )
        self.snapshot = snapshot
        if settings.metrics_file:
            try:
                write_metrics(Path(settings.metrics_file), snapshot)
            except OSError as exc:
                log.warning("cannot write the metrics file %s: %s", settings.metrics_file, exc)
        return snapshot
