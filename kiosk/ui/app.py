"""The kiosk's Kivy/KivyMD application: wires screens to the plain-Python core.

It makes no content decisions itself: view models decide what to show, the idle policy
decides when a visit ends, the admin gate decides about PINs. The app keeps the window in
kiosk mode (Esc goes back, closing is refused outside admin) and ends visits.
"""
from __future__ import annotations

import importlib
import json
import math
import os
import random
import logging
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.metrics import sp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget
from kivymd.app import MDApp

from kiosk import paths
from kiosk.core.admin import LOCKOUT_FILE_NAME, AdminGate, SecretTapGesture
from contentlib.atomic_file import write_atomically
from kiosk.config import KioskConfig
from kiosk.core.error_budget import ErrorBudget
from kiosk.ops.health import HealthSnapshot, HeartbeatSender, seconds_since, utc_now_iso, write_metrics
from kiosk.ops.usage import UsageStore, VisitTally
from kiosk.ops.watchdog import SystemdNotifier
from kiosk.ui.i18n import tr
from kiosk.screens import SCREENS
from kiosk.screens.base import KioskScreen
from kiosk.ui.screen_context import ScreenContext
from kiosk.ui.ui_errors import UiErrorHandler
from kiosk.core.session import IdlePolicy, IdleState
from contentlib.store import ContentStore, ensure_cache
from kiosk.core.visit import HOME, Route, Visit, route
from kiosk.core.speech import Speaker, screen_text
from kiosk.widgets import kv_guard
from kiosk.widgets.common import KioskButton, KioskLabel, set_shown

import kiosk.widgets.common  # noqa: F401  (registers the widget rules used by every kv)

kv_guard.install()  # before the first widget with a kv rule is made
Builder.load_file(str(Path(__file__).with_name("app.kv")), encoding="utf-8")

log = logging.getLogger(__name__)

PROBE_ENV = "KIOSK_PROBE_FILE"
ESCAPE_KEYS = {27}  # Esc on a keyboard, the back key on Android
"""The only keys the kiosk acts on (Back, within a visit); every other key is ignored."""


class SecretCorner(ButtonBehavior, Widget):
    pass


class IdleWarning(FloatLayout):
    countdown_text = StringProperty("")

    def on_touch_down(self, touch: Any) -> bool:
        # Modal: touches never reach the screen below while the warning shows.
        super().on_touch_down(touch)
        return True


class KioskRoot(FloatLayout):
    pass


class KioskApp(MDApp):
    use_kivy_settings = False
    """Kivy's own settings panel is never offered (see :meth:`open_settings`)."""
    screen_title = StringProperty("")
    in_visit = BooleanProperty(False)
    current_screen = StringProperty("attract")
    notice = StringProperty("")
    """A short message above the bottom bar (e.g. no voice for this language)."""
    speaking = BooleanProperty(False)
    font_display = NumericProperty(sp(64))
    font_title = NumericProperty(sp(40))
    font_heading = NumericProperty(sp(30))
    font_body = NumericProperty(sp(25))
    font_button = NumericProperty(sp(25))
    font_small = NumericProperty(sp(20))
    high_contrast = BooleanProperty(False)
    """High-contrast theme: Material's dark scheme at full contrast (every text pair >= 7:1)."""
    text_step = NumericProperty(0)
    """0, 1 or 2: normal, large, largest text (reset at the end of each visit)."""

    def __init__(
        self,
        config: KioskConfig,
        data_dir: Path,
        content_dir: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        usage_enabled: bool = True,
        today: Callable[[], date] = date.today,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.kiosk_config = config
        self.settings = config.kiosk
        self.data_dir = data_dir
        self.content_dir = content_dir or paths.bundled_content_dir()
        self.clock = clock
        self.rng = rng or random.Random()
        self.visit = Visit(self.settings.default_language, self.settings.host_country)
        self.idle = IdlePolicy(clock, self.settings.idle_timeout, self.settings.warning_seconds)
        self.admin_gate = AdminGate(self.settings.admin_pin_hash, clock, data_dir / LOCKOUT_FILE_NAME)
        self.secret_gesture = SecretTapGesture(clock)
        self.speaker = Speaker(volume=round(self.settings.speech_volume))
        self.screens: dict[str, KioskScreen] = {}
        self.allow_exit = False
        self.warning: IdleWarning | None = None
        self._probe_file = os.environ.get(PROBE_ENV)
        self._probe_last = ""
        self.first_frame_at: float | None = None
        self.idle_checks = 0
        """How many times the idle policy has been consulted (tests wait on it)."""
        self.title = "EU citizens' information kiosk"
        self.usage = VisitTally()
        """This visit's counts, in memory only; added to the day's totals when it ends."""
        self.usage_store = UsageStore(data_dir) if usage_enabled else None
        self.today = today
        self.started_at = time.monotonic()
        self.notifier = SystemdNotifier()
        self.health_snapshot: HealthSnapshot | None = None
        self.heartbeat: HeartbeatSender | None = None
        self.ui_errors = 0
        """Errors caught on the UI loop since start (kiosk.ui.ui_errors); each ended a visit."""
        self.error_handler = UiErrorHandler(self, ErrorBudget())

    # ------------------------------------------------------------------ resources

    @staticmethod
    def asset(name: str) -> str:
        return str(paths.assets_dir() / name)

    # ------------------------------------------------------------------ build

    def build(self) -> KioskRoot:
        self.theme_cls.theme_style_switch_animation = False  # switch at once, not over frames
        self.theme_cls.theme_style = "Light"
        self.theme_cls.primary_palette = "Darkblue"
        self.store = ContentStore(ensure_cache(self.data_dir, self.content_dir))
        tr.switch_lang(self.visit.language)
        root = KioskRoot()
        manager = root.ids.screens
        manager.transition = NoTransition()
        self.screen_context = ScreenContext(
            settings=self.settings, visit=self.visit, intents=self,
            current_store=lambda: self.store, rng=self.rng, data_dir=self.data_dir,
            today=self.today, theme=self.theme_cls,
        )
        for name in SCREENS:
            module = importlib.import_module(f"kiosk.screens.{name}")
            screen = module.SCREEN(self.screen_context, name=name)
            self.screens[name] = screen
            manager.add_widget(screen)
        manager.current = "attract"
        self._frame = root.ids.frame.__self__
        self._top_bar = root.ids.top_bar.__self__
        self._bottom_bar = root.ids.bottom_bar.__self__
        self._notice = root.ids.notice.__self__
        self.bind(notice=self._show_notice)
        self._show_notice()
        self.bind(in_visit=self._show_bars)
        self._show_bars()
        self.warning = IdleWarning()
        self.error_handler.install()
        Window.bind(on_touch_down=self._on_any_touch)
        Window.bind(on_keyboard=self._on_keyboard)
        Window.bind(on_request_close=self._on_request_close)
        Clock.schedule_interval(lambda _dt: self.check_idle(), 0.25)
        self._start_sync_worker()
        self.bind(text_step=self._apply_text_step, high_contrast=self._apply_contrast)
        Window.bind(size=self._apply_text_step)
        self._apply_text_step()
        if self._probe_file:
            Clock.schedule_interval(self._write_probe, 0.1)
        Window.bind(on_flip=self._mark_first_frame)
        self._start_health()
        return root

    # ------------------------------------------------------------------ health

    def _start_health(self) -> None:
        interval = self.notifier.ping_interval
        if interval is not None:
            # On the UI loop on purpose: a frozen UI stops the pings and systemd restarts us.
            Clock.schedule_interval(lambda _dt: self.notifier.ping(), interval)
        health = self.kiosk_config.health
        if health.metrics_file or health.heartbeat_url:
            self.take_health_snapshot()
            Clock.schedule_interval(lambda _dt: self.take_health_snapshot(), health.interval_seconds)
        if health.heartbeat_url:
            self.heartbeat = HeartbeatSender(
                health.heartbeat_url, health.heartbeat_interval_seconds, lambda: self.health_snapshot
            )
            self.heartbeat.start()

    def take_health_snapshot(self) -> HealthSnapshot:
        """Read the state for IT staff and rewrite the metrics file (UI thread)."""
        from importlib.metadata import PackageNotFoundError, version

        from sync.updater import status as sync_status

        health = self.kiosk_config.health
        sync = sync_status(self.data_dir)
        try:
            app_version = version("eu-citizens-kiosk")
        except PackageNotFoundError:
            app_version = "unknown"
        usage: list[dict[str, Any]] = []
        visits_today = 0
        if self.usage_store is not None:
            visits_today = self.usage_store.visits_on(self.today())
            if health.send_usage:
                usage = [vars(c) for c in self.usage_store.counts()]
        snapshot = HealthSnapshot(
            kiosk_name=health.kiosk_name,
            app_version=app_version,
            content_version=self.store.content_version,
            content_fingerprint=self.store.meta("fingerprint") or "",
            bundle_version=sync["sync_version"],
            seconds_since_sync=seconds_since(sync["last_success"]),
            sync_errors=sync["error_count"],
            content_stale=bool(sync["stale"]),
            visits_today=visits_today,
            uptime_seconds=round(time.monotonic() - self.started_at, 1),
            taken_at=utc_now_iso(),
            ui_errors=self.ui_errors,
            usage=usage,
        )
        self.health_snapshot = snapshot
        if health.metrics_file:
            try:
                write_metrics(Path(health.metrics_file), snapshot)
            except OSError as exc:
                log.warning("cannot write the metrics file %s: %s", health.metrics_file, exc)
        return snapshot

    def _start_sync_worker(self) -> None:
        sync = self.kiosk_config.sync
        self.sync_worker = None
        self._new_content = False
        from sync.keys import parse_public_key, trusted_keys

        key_strings = trusted_keys(paths.pinned_keys_file(), sync.public_keys)
        if not sync.source or not key_strings:
            return
        from sync.worker import SyncWorker

        keys = [parse_public_key(k) for k in key_strings]
        self.sync_worker = SyncWorker(
            sync.source, keys, self.data_dir, sync.interval_seconds,
            lambda result, error: Clock.schedule_once(lambda _dt: self.sync_finished(result, error), 0),
        )
        self.sync_worker.start()

    def sync_finished(self, result: Any, error: str | None) -> None:
        """Called on the UI thread after an update attempt."""
        if result is not None and result.outcome == "applied":
            self._new_content = True
            if not self.in_visit:
                self.switch_content()
        self.screens["admin"].refresh()

    def switch_content(self) -> None:
        """Reopen the cache the pointer names (new content) between visits only."""
        from contentlib.store import current_cache_path

        self._new_content = False
        path = current_cache_path(self.data_dir)
        if path is None or path == self.store.path:
            return
        old = self.store
        self.store = ContentStore(path)
        old.close()
        self.screens["attract"].refresh()

    def on_stop(self) -> None:
        self.error_handler.remove()
        self.notifier.stopping()
        if self.in_visit:
            self._record_visit()
        if self.heartbeat is not None:
            self.heartbeat.stop()
        if self.usage_store is not None:
            self.usage_store.close()
        self.speaker.stop()
        if getattr(self, "sync_worker", None) is not None:
            self.sync_worker.stop()
        Window.unbind(on_touch_down=self._on_any_touch)
        Window.unbind(on_keyboard=self._on_keyboard)
        Window.unbind(on_request_close=self._on_request_close)

    def _show_bars(self, *_args: Any) -> None:
        # The bars exist only during a visit; the attract screen has the whole window.
        set_shown(self._frame, self._top_bar, self.in_visit, at_top=True)
        set_shown(self._frame, self._bottom_bar, self.in_visit)

    BASE_FONTS = {"display": 64, "title": 40, "heading": 30, "body": 25, "button": 25, "small": 20}

    def _apply_text_step(self, *_args: Any) -> None:
        """Set every font size for the current step, from the screen's real geometry."""
        from kiosk.core.accessibility import cap_height_ratio, default_font, px_per_mm, text_scales

        ppmm = px_per_mm(Window.width, Window.height, self.settings.screen_diagonal_inches)
        self.text_scales = text_scales(
            sp(self.BASE_FONTS["body"]), ppmm, self.settings.viewing_distance_mm,
            cap_height_ratio(default_font()),
        )
        scale = self.text_scales[int(self.text_step)]
        for name, size in self.BASE_FONTS.items():
            setattr(self, f"font_{name}", round(sp(size) * scale))

    def _apply_contrast(self, *_args: Any) -> None:
        self.theme_cls.dynamic_scheme_contrast = 1.0 if self.high_contrast else 0.0
        self.theme_cls.theme_style = "Dark" if self.high_contrast else "Light"
        self.refresh_current()  # colours set from Python (quiz answers) follow the theme

    def toggle_contrast(self) -> None:
        self.high_contrast = not self.high_contrast

    def next_text_step(self) -> None:
        self.text_step = (int(self.text_step) + 1) % 3

    def _show_notice(self, *_args: Any) -> None:
        set_shown(self._frame, self._notice, bool(self.notice))
        if self._notice.parent is not None and self._bottom_bar.parent is not None:
            # keep the notice directly above the bottom bar
            self._frame.remove_widget(self._notice)
            self._frame.add_widget(self._notice, index=1)

    def read_aloud(self) -> None:
        """Read the current screen (title, content, choices) or stop reading."""
        if self.speaker.speaking:
            self.stop_reading()
            return
        screen = self.screens[self.manager.current]
        # restrict=True: this screen only, not the rest of the window after it
        # each label's text with whether its markup is on (only then are tags and escapes in it)
        body = [(w.text, bool(w.markup)) for w in screen.walk(restrict=True)
                if isinstance(w, KioskLabel) and w.text.strip()]
        choices = [w.text for w in screen.walk(restrict=True) if isinstance(w, KioskButton) and w.text.strip()]
        text = screen_text(self.screen_title, body, choices)
        if self.speaker.speak(text, self.visit.language):
            self.notice = ""
            self.speaking = True
            Clock.schedule_interval(self._watch_speech, 0.5)
        else:
            self.notice = tr._("Reading aloud is not available in this language.")

    def stop_reading(self) -> None:
        self.speaker.stop()
        self.speaking = False

    def _watch_speech(self, _dt: float) -> bool:
        if not self.speaker.speaking:
            self.speaking = False
            return False
        return True

    def _mark_first_frame(self, *_args: Any) -> None:
        """Record when the first frame (the attract screen) reached the display."""
        self.first_frame_at = time.time()
        Window.unbind(on_flip=self._mark_first_frame)
        self.notifier.ready(f"showing content {self.store.content_version}")

    # ------------------------------------------------------------------ navigation

    @property
    def manager(self) -> Any:
        return self.root.ids.screens

    def _show(self, target: Route) -> None:
        self.stop_reading()
        self.notice = ""
        screen = self.screens[target.screen]
        screen.show(**dict(target.params))
        self.manager.current = target.screen
        self.current_screen = target.screen
        self.screen_title = screen.title

    def open_screen(self, name: str, **params: Any) -> None:
        if name == "guide" and params.get("guide_id"):
            self.usage.guide_viewed(params["guide_id"])
        self._show(self.visit.go(route(name, **params)))

    def open_guide(self, guide_id: str) -> None:
        self.open_screen("guide", guide_id=guide_id)

    def go_home(self) -> None:
        self._show(self.visit.go_home())

    def go_back(self) -> None:
        self._show(self.visit.back())

    def refresh_current(self) -> None:
        screen = self.screens[self.manager.current]
        screen.refresh()
        self.screen_title = screen.title

    # ------------------------------------------------------------------ visits

    def start_visit(self) -> None:
        self.idle.start_visit()
        self.in_visit = True
        self.visit.go(HOME)
        self.open_screen("language")

    def choose_language(self, code: str) -> None:
        self.visit.language = code
        self.usage.language_chosen(code)
        tr.switch_lang(code)
        if len(self.visit.history) > 1 and self.visit.history[-2] != HOME:
            self.go_back()
        else:
            self.go_home()

    def choose_country(self, code: str) -> None:
        """Show the guides for ``code`` (the visitor lives there, not where the kiosk is)."""
        self.visit.country = code
        self.visit.quiz = None  # the quiz asks about the country chosen
        self.go_home()

    def continue_visit(self) -> None:
        self.idle.activity()
        self._hide_warning()

    def end_visit(self) -> None:
        """Forget the visitor and show the attract screen."""
        if self.in_visit:
            self._record_visit()
        self.idle.end_visit()
        self._hide_warning()
        self.stop_reading()
        self.notice = ""
        self.text_step = 0
        self.high_contrast = False
        for screen in self.screens.values():
            screen.reset_visit_state()
        self.visit.reset()
        self.secret_gesture.reset()
        tr.switch_lang(self.visit.language)
        self.in_visit = False
        if self._new_content:
            self.switch_content()
        self.manager.current = "attract"
        self.current_screen = "attract"
        self.screen_title = ""

    def recover_from_error(self) -> None:
        """After an error on the UI loop: forget the visitor, show the attract screen, and
        count the error in the metrics file at once."""
        self.end_visit()
        if self.kiosk_config.health.metrics_file:
            self.take_health_snapshot()

    def _record_visit(self) -> None:
        """Add this visit to today's counters and drop it (nothing of it stays in memory)."""
        tally, self.usage = self.usage, VisitTally()
        if not tally.languages:  # never opened the picker: the visit was in the default language
            tally.language_chosen(self.visit.language)
        if self.usage_store is None:
            return
        try:
            self.usage_store.add_visit(tally, self.today())
        except Exception as exc:  # a full disk must not stop the kiosk; the figure is lost
            log.warning("usage figures not saved: %s", exc)

    def _on_any_touch(self, _window: Any, _touch: Any) -> None:
        self.idle.activity()

    def check_idle(self) -> None:
        """Consult the idle policy: show or update the warning, or end the visit (the app
        does this four times a second; tests call it directly instead of waiting)."""
        self.idle_checks += 1
        status = self.idle.status()
        if status.state is IdleState.WARNING:
            self._show_warning(status.seconds_left)
        elif status.state is IdleState.EXPIRED:
            self.end_visit()
        elif self.warning is not None and self.warning.parent is not None:
            self._hide_warning()

    def _show_warning(self, seconds_left: float) -> None:
        assert self.warning is not None
        left = math.ceil(seconds_left)
        self.warning.countdown_text = tr.ngettext(
            "The kiosk will start again for the next person in {n} second.",
            "The kiosk will start again for the next person in {n} seconds.",
            left,
        ).format(n=left)
        if self.warning.parent is None:
            self.root.add_widget(self.warning)

    def _hide_warning(self) -> None:
        if self.warning is not None and self.warning.parent is not None:
            self.root.remove_widget(self.warning)

    @property
    def warning_visible(self) -> bool:
        return self.warning is not None and self.warning.parent is not None

    # ------------------------------------------------------------------ admin and window

    def secret_tap(self) -> None:
        if self.secret_gesture.tap():
            self.open_screen("admin")

    def exit_from_admin(self) -> None:
        if self.screens["admin"].unlocked:
            self.allow_exit = True
            self.stop()

    def _on_keyboard(self, _window: Any, key: int, *_args: Any) -> bool:
        """Esc (the Android back key) goes back during a visit; every key, Esc included, is
        consumed here, so no handler bound before the app's (Kivy's debug modules), nor the
        window's own (Esc closes it), ever sees one. Kivy's F1 handler, bound after this one
        and so called first, finds :meth:`open_settings` refusing."""
        if key in ESCAPE_KEYS and self.in_visit:
            self.go_back()
        return True

    # Kivy's settings panel (F1 in every Kivy app) would let anyone at the keyboard
    # change Kivy's configuration (rotation, cursor, full screen, logging, keyboard mode)
    # and save it: the kiosk has none to show, and its Kivy configuration is fixed in
    # kiosk.ui.launcher.configure_kivy and never written.

    def open_settings(self, *_args: Any) -> bool:
        """Refuse to open Kivy's settings panel: a visitor may change their visit only."""
        return False

    def display_settings(self, _settings: Any) -> bool:
        """Refuse to show any settings panel (the kiosk never creates one)."""
        return False

    def close_settings(self, *_args: Any) -> bool:
        """There is never a settings panel to close."""
        return False

    def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
        return not self.allow_exit  # True blocks the close

    # ------------------------------------------------------------------ test probe

    @staticmethod
    def _visible_at(widget: Widget, x: float, y: float) -> bool:
        """Whether window point (x, y) of ``widget`` is on screen, not scrolled out of view."""
        if not (0 <= x <= Window.width and 0 <= y <= Window.height):
            return False
        node = widget.parent
        while node is not None and node is not node.parent:
            if isinstance(node, ScrollView):
                left, bottom = node.to_window(node.x, node.y)
                if not (left <= x <= left + node.width and bottom <= y <= bottom + node.height):
                    return False
            node = node.parent
        return True

    @staticmethod
    def _kivy_probe() -> dict[str, Any]:
        """How Kivy itself is set up: window rotation, cursor and full screen, the debug
        modules running, the config file Kivy would save to (None: none), and the
        window's top-level widgets (the app's root only, unless something opened a panel)."""
        from kivy.config import Config
        from kivy.modules import Modules

        return {
            "rotation": Window.rotation,
            "show_cursor": bool(Window.show_cursor),
            "fullscreen": Window.fullscreen,
            "borderless": bool(Window.borderless),
            "modules": sorted(name for name, mod in Modules.list().items() if mod.get("activated")),
            "config_file": Config.filename,
            "layers": [type(widget).__name__ for widget in Window.children],
        }

    def _write_probe(self, _dt: float) -> None:
        """Write the current screen and its touch targets for end-to-end tests."""
        targets = {}
        # The screen manager keeps only the current screen in the widget tree.
        for widget in list(self.root.walk()):
            probe_id = getattr(widget, "probe_id", "")
            if not probe_id or widget.disabled or widget.opacity == 0 or widget.height <= 1:
                continue
            x, y = widget.to_window(*widget.center)
            if self._visible_at(widget, x, y):
                targets.setdefault(probe_id, [round(x), round(Window.height - y)])
        state = {
            "screen": self.manager.current,
            "in_visit": self.in_visit,
            "language": self.visit.language,
            "warning": self.warning_visible,
            "title": self.screen_title,
            "first_frame_at": self.first_frame_at,
            "targets": targets,
            "window": [Window.width, Window.height],
            "kivy": self._kivy_probe(),
        }
        text = json.dumps(state, sort_keys=True)
        if text != self._probe_last:
            write_atomically(Path(self._probe_file), text.encode("utf-8"), durable=False)
            self._probe_last = text
