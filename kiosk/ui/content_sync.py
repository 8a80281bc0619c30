"""Content updates in the running app: the update worker, and new content between visits.

:class:`ContentSync` starts the background worker when a source and a trusted key are
configured, and hands each result to the UI thread. A visitor keeps reading the content
they started with: an applied update is only noted, and :meth:`ContentSync.switch` opens
it when the app asks, between visits.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock

from contentlib.cache import current_cache_path
from contentlib.store import ContentStore
from kiosk import paths
from kiosk.config import SyncSettings

if TYPE_CHECKING:
    from sync.worker import SyncWorker


class ContentSync:
    """Runs the update worker and opens new content when the app is between visits."""

    def __init__(self, settings: SyncSettings, data_dir: Path,
                 on_result: Callable[[Any, str | None], None]) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.on_result = on_result
        """Called on the UI thread with (result, error) after each update attempt."""
        self.worker: SyncWorker | None = None
        self.pending = False
        """An update was applied and is not in use yet."""

    def start(self) -> None:
        """Start the worker, unless no source or no trusted key is configured."""
        from sync.keys import parse_public_key, trusted_keys

        key_strings = trusted_keys(paths.pinned_keys_file(), self.settings.public_keys)
        if not self.settings.source or not key_strings:
            return
        from sync.worker import SyncWorker

        self.worker = SyncWorker(
            self.settings.source, [parse_public_key(k) for k in key_strings], self.data_dir,
            self.settings.interval_seconds,
            lambda result, error: Clock.schedule_once(lambda _dt: self.on_result(result, error), 0),
        )
        self.worker.start()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    def note(self, result: Any) -> bool:
        """Note an update result; True while new content waits to be switched in."""
        if result is not None and result.outcome == "applied":
            self.pending = True
        return self.pending

    def switch(self, store: ContentStore) -> ContentStore:
        """The store the pointer names now: ``store`` itself when that is the same cache,
        else the newly opened one (``store`` is then closed)."""
        self.pending = False
        path = current_cache_path(self.data_dir)
        if path is None or path == store.path:
            return store
        new = ContentStore(path)
        store.close()
        return new
