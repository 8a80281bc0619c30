"""What a screen may read and the intents it may send.

The app builds one :class:`ScreenContext` and hands it to every screen in the screen's
constructor; screens never reach for the running app. A screen reads plain data through
it (the content store in use, the visit, the settings) and forwards a visitor's touch as
an intent (:class:`Intents`): the app decides what happens next. The staff-only screen
also gets :class:`AdminServices`, and nothing else of the app.

Nothing here imports Kivy; the theme is passed through as the object the app owns.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from contentlib.store import ContentStore
from kiosk.config import KioskSettings
from kiosk.core.admin import AdminGate
from kiosk.core.visit import Visit

if TYPE_CHECKING:
    from kiosk.ops.usage import UsageStore
    from sync.updater import SyncResult
    from sync.worker import SyncWorker


class Intents(Protocol):
    """What a screen may ask the app to do (each is a visitor's or staff member's touch)."""

    def start_visit(self) -> None: ...
    def choose_language(self, code: str) -> None: ...
    def choose_country(self, code: str) -> None: ...
    def open_screen(self, name: str, **params: Any) -> None: ...
    def open_guide(self, guide_id: str) -> None: ...
    def go_back(self) -> None: ...
    def go_home(self) -> None: ...
    def end_visit(self) -> None: ...
    def quiz_finished(self, score: int, total: int) -> None: ...
    def read_aloud(self) -> None: ...


@dataclass
class AdminServices:
    """What the staff-only screen uses besides the :class:`ScreenContext`."""

    gate: AdminGate
    """Checks the PIN and keeps the lockout after wrong ones."""
    current_sync_worker: Callable[[], SyncWorker | None]
    """The worker that applies a USB bundle with the same checks as a download; None
    without trusted keys, and until the app has started it after its first frame."""
    current_usage_store: Callable[[], UsageStore | None]
    """The per-day usage counters; None when counting is off, and until the app opens
    them after its first frame."""
    content_applied: Callable[[SyncResult], None]
    """Tells the app a bundle was applied (it switches to it between visits)."""
    exit_app: Callable[[], None]
    """Ends the kiosk program (the only way out, after the PIN)."""


@dataclass
class ScreenContext:
    """The one object every screen is built with."""

    settings: KioskSettings
    visit: Visit
    intents: Intents
    current_store: Callable[[], ContentStore]
    """The store in use: it changes when new content is switched in between visits."""
    rng: random.Random
    data_dir: Path
    today: Callable[[], date]
    theme: Any = None
    """The app's KivyMD theme (colours set from Python follow it)."""
    admin: AdminServices | None = None
    """Only for the staff-only screen."""

    @property
    def store(self) -> ContentStore:
        return self.current_store()

    @property
    def language(self) -> str:
        return self.visit.language

    def media(self, name: str) -> bytes | None:
        """The bytes of a content picture, or None when the content has none by that name."""
        return self.store.media(name)
