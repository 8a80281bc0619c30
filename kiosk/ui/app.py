"""The kiosk's Kivy/KivyMD application: composes the UI's parts and runs the visits.

It makes no content decisions itself: view models decide what to show, the idle policy
decides when a visit ends, the admin gate decides about PINs. :meth:`KioskApp.build`
composes the parts once, each in its own module of kiosk.ui (the idle warning, the
appearance, reading aloud, health, content sync, the window's kiosk mode, the test
probe). The app is the screens' :class:`~kiosk.ui.screen_context.Intents`: it moves
between screens, and starts and ends visits.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

from kivy.lang import Builder
from kivy.metrics import sp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivymd.app import MDApp

import kiosk.widgets.common  # noqa: F401  (registers the widget rules used by every kv)
from contentlib.cache import ensure_cache
from contentlib.store import ContentStore
from kiosk import paths
from kiosk.config import KioskConfig
from kiosk.core.admin import LOCKOUT_FILE_NAME, AdminGate, SecretTapGesture
from kiosk.core.error_budget import ErrorBudget
from kiosk.core.session import IdlePolicy
from kiosk.core.speech import Speaker
from kiosk.core.visit import HOME, Route, Visit, route
from kiosk.ops.health import HealthSnapshot
from kiosk.ui.appearance import BASE_FONTS, Appearance
from kiosk.ui.collector import BetweenVisits
from kiosk.ui.content_sync import ContentSync
from kiosk.ui.first_frame import AfterFirstFrame
from kiosk.ui.frame import KioskRoot
from kiosk.ui.health_wiring import HealthWiring
from kiosk.ui.i18n import tr
from kiosk.ui.idle_warning import IdleWatch
from kiosk.ui.probe import ProbeWriter, visible_at
from kiosk.ui.read_aloud import ReadAloud
from kiosk.ui.screen_context import AdminServices, ScreenContext
from kiosk.ui.screen_set import ScreenSet
from kiosk.ui.theme import PALETTE, KioskTheme
from kiosk.ui.ui_errors import UiErrorHandler
from kiosk.ui.visit_usage import VisitUsage
from kiosk.ui.window_policy import NoSettingsPanel, WindowPolicy
from kiosk.widgets.instant_transition import InstantTransition

Builder.load_file(str(Path(__file__).with_name("app.kv")), encoding="utf-8")


class AppPart(Protocol):
    """One of the parts build() composes: it binds itself to the window and the clock."""

    def install(self) -> None: ...
    def remove(self) -> None: ...


def _font(name: str) -> NumericProperty:
    return NumericProperty(sp(BASE_FONTS[name]))


class KioskApp(NoSettingsPanel, MDApp):
    screen_title = StringProperty("")
    in_visit = BooleanProperty(False)
    notice = StringProperty("")
    """A short message above the bottom bar (e.g. no voice for this language)."""
    speaking = BooleanProperty(False)
    high_contrast = BooleanProperty(False)
    """High-contrast theme: Material's dark scheme at full contrast (every text pair >= 7:1)."""
    text_step = NumericProperty(0)
    """0, 1 or 2: normal, large, largest text (reset at the end of each visit)."""
    # The type scale the kv rules read; kiosk.ui.appearance sets it for the text step.
    font_display, font_title, font_heading = _font("display"), _font("title"), _font("heading")
    font_body, font_button, font_small = _font("body"), _font("button"), _font("small")
    _visible_at = staticmethod(visible_at)  # tests/monkey.py aims with it, as the probe does

    def __init__(self, config: KioskConfig, data_dir: Path, content_dir: Path | None = None,
                 clock: Callable[[], float] = time.monotonic, rng: random.Random | None = None,
                 usage_enabled: bool = True, today: Callable[[], date] = date.today,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kiosk_config = config
        self.settings = config.kiosk
        self.data_dir = data_dir
        self.content_dir = content_dir or paths.bundled_content_dir()
        self.clock = clock
        self.rng = rng or random.Random()
        self.usage_enabled = usage_enabled
        self.today = today
        """Today's date; read through the app each time (tests move it after the start)."""
        self.visit = Visit(self.settings.default_language, self.settings.host_country)
        self.allow_exit = False
        """Closing is refused until the staff exit (or a stop signal) sets this."""
        self.title = "EU citizens' information kiosk"
        self.started_at = time.monotonic()
        self.ui_errors = 0
        """Errors caught on the UI loop since start (kiosk.ui.ui_errors); each ended a visit."""
        self.error_handler = UiErrorHandler(self, ErrorBudget())
        # The scheme's colours come from a table (kiosk.ui.theme); set before MDApp sets
        # them when it starts running, so that the start sets them only once.
        self.theme_cls = KioskTheme(theme_style_switch_animation=False,  # switch at once
                                    theme_style="Light", primary_palette=PALETTE)

    def build(self) -> KioskRoot:
        self.collector = BetweenVisits(lambda: self.in_visit)
        self.collector.hold_full_collections()  # until what start-up built is frozen
        self.store = ContentStore(ensure_cache(self.data_dir, self.content_dir))
        tr.switch_lang(self.visit.language)
        settings = self.settings
        self.secret_gesture = SecretTapGesture(self.clock)
        lockout_file = self.data_dir / LOCKOUT_FILE_NAME
        self.admin_gate = AdminGate(settings.admin_pin_hash, self.clock, lockout_file)
        self.visit_usage = VisitUsage(None, lambda: self.today())  # its store: after the first frame
        self.content_sync = ContentSync(self.kiosk_config.sync, self.data_dir,
                                        lambda result, error: self.sync_finished(result, error))
        root = KioskRoot()
        self._build_screens(root.ids.screens)
        policy = IdlePolicy(self.clock, settings.idle_timeout, settings.warning_seconds)
        self.idle = IdleWatch(policy, root, self.end_visit)
        self.appearance = Appearance(self, self.theme_cls, settings, self.refresh_current,
                                     self.screens.before_look_change)
        self.reader = ReadAloud(Speaker(volume=round(settings.speech_volume)), self)
        self.health = HealthWiring(self.kiosk_config.health, self)
        window = WindowPolicy(self.go_back, lambda: self.in_visit, lambda: self.allow_exit)
        probe = ProbeWriter.from_environment(self)
        later = AfterFirstFrame(self.start_after_first_frame)
        parts = (self.idle, self.appearance, window, self.health, self.collector, later, probe)
        self._parts: list[AppPart] = [part for part in parts if part is not None]
        self.error_handler.install()
        for part in self._parts:
            part.install()
        return root

    def start_after_first_frame(self) -> None:
        """Start what the attract screen does not need, once it is on screen: the usage
        counters (sqlite-utils), the update worker (its thread and the signature code)
        and the other screens, one per idle frame."""
        if self.usage_enabled and self.visit_usage.store is None:
            from kiosk.ops.usage import UsageStore

            self.visit_usage.store = UsageStore(self.data_dir)
        if self.content_sync.worker is None:
            self.content_sync.start()
        self.screens.build_rest_in_idle_frames()

    def _build_screens(self, manager: Any) -> None:
        manager.transition = InstantTransition()
        admin = AdminServices(
            gate=self.admin_gate, current_sync_worker=lambda: self.content_sync.worker,
            current_usage_store=lambda: self.visit_usage.store, exit_app=self.exit_kiosk,
            content_applied=lambda result: self.sync_finished(result, None),
        )
        self.screen_context = ScreenContext(
            settings=self.settings, visit=self.visit, intents=self,
            current_store=lambda: self.store, rng=self.rng, data_dir=self.data_dir,
            today=lambda: self.today(), theme=self.theme_cls, admin=admin,
        )
        self.screens = ScreenSet(self.screen_context, manager, self.collector.freeze_start_up)
        self.screens["attract"]  # the only screen built before the first frame
        manager.current = "attract"

    def on_stop(self) -> None:
        self.error_handler.remove()
        if self.in_visit:
            self.visit_usage.record(self.visit.language)
        self.screens.cancel()
        for part in reversed(self._parts):
            part.remove()
        self.visit_usage.close()
        self.reader.stop()
        self.content_sync.stop()

    @property
    def manager(self) -> Any:
        return self.root.ids.screens

    def _show(self, target: Route) -> None:
        self.reader.stop()
        self.notice = ""
        screen = self.screens[target.screen]
        screen.show(**dict(target.params))
        self.manager.current = target.screen
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

    def quiz_finished(self, score: int, total: int) -> None:
        self.usage.quiz_finished(score, total)

    def continue_visit(self) -> None:
        self.idle.keep_visit()

    def end_visit(self) -> None:
        """Forget the visitor and show the attract screen."""
        if self.in_visit:
            self.visit_usage.record(self.visit.language)
        self.idle.stop()
        self.reader.stop()
        self.notice = ""
        self.appearance.reset()
        for screen in self.screens.built():
            screen.reset_visit_state()
        self.visit.reset()
        self.secret_gesture.reset()
        tr.switch_lang(self.visit.language)
        self.in_visit = False
        if self.content_sync.pending:
            self.switch_content()
        self.manager.current = "attract"
        self.screen_title = ""
        self.collector.request()

    def recover_from_error(self) -> None:
        """After an error on the UI loop: end the visit and count the error in the metrics."""
        self.end_visit()
        if self.kiosk_config.health.metrics_file:
            self.take_health_snapshot()

    def sync_finished(self, result: Any, error: str | None) -> None:
        """Called on the UI thread after an update attempt."""
        if self.content_sync.note(result) and not self.in_visit:
            self.switch_content()
        self.screens["admin"].refresh()

    def switch_content(self) -> None:
        """Reopen the cache the pointer names (new content) between visits only."""
        store = self.content_sync.switch(self.store)
        if store is not self.store:
            self.store = store
            self.screens["attract"].refresh()

    def check_idle(self) -> None:
        """Consult the idle policy now (the app does it four times a second)."""
        self.idle.check()

    def read_aloud(self) -> None:
        """Read the current screen (title, content, choices) or stop reading."""
        screen = self.screens[self.manager.current]
        self.reader.toggle(screen, self.screen_title, self.visit.language)

    def take_health_snapshot(self) -> HealthSnapshot:
        return self.health.take_snapshot()

    idle_checks = property(attrgetter("idle.checks"))
    warning = property(attrgetter("idle.warning"))
    warning_visible = property(attrgetter("idle.visible"))
    speaker = property(attrgetter("reader.speaker"))
    usage = property(attrgetter("visit_usage.tally"))
    """This visit's counts (a VisitTally), in memory only."""
    usage_store = property(attrgetter("visit_usage.store"))
    heartbeat = property(attrgetter("health.heartbeat"))
    first_frame_at = property(attrgetter("health.first_frame_at"))
    sync_worker = property(attrgetter("content_sync.worker"))

    def secret_tap(self) -> None:
        if self.secret_gesture.tap():
            self.open_screen("admin")

    def exit_kiosk(self) -> None:
        """End the program (the staff exit, after the PIN)."""
        self.allow_exit = True
        self.stop()
