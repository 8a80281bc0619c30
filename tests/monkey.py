"""A seedable random-touch monkey that soaks the real kiosk app in-process.

Used by ``tests/test_soak.py`` (short soak in CI) and ``bench/soak.py`` (long soak, memory
curve). It drives the real :class:`KioskApp` in the one real Kivy window that
``gui_support`` opens: real touches (``UnitTestTouch``) dispatched through the window's
event loop, frames advanced with ``EventLoop.idle()``, time for the idle policy from a
``FakeClock``. Mostly it taps a random visible touch target (a widget with a
``probe_id``, as ``KioskApp._write_probe`` lists them), sometimes a random point anywhere
in the window, sometimes the language buttons, now and then a drag, rarely the hidden
admin gesture; every few dozen touches it lets the visit run out through the app's own
idle tick. It never exits the app (with no ``admin_pin_hash`` the admin screen cannot be
unlocked, and the exit button is never a target).

Failures it catches: any exception raised while a frame runs or a touch is dispatched
(routed through Kivy's ``ExceptionManager`` as ``runTouchApp`` would), any ERROR or
CRITICAL record (or any record carrying an exception) on Kivy's Logger or the root
logger, exceptions in other threads and unraisable exceptions, and broken invariants
(checked after every touch). Resident memory (VmRSS after ``gc.collect()``) is sampled
every ``sample_every`` touches.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import random
import sys
import threading
import time
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gui_support import (  # noqa: I001
    FakeClock, advance_frames, pending_scroll_releases, start_app, stop_app, wait_idle_checks,
)
from kivy.base import EventLoop, ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.logger import Logger
from kivy.tests.common import UnitTestTouch
from kivy.uix.scrollview import ScrollView

from kiosk.ui.app import KioskApp
from kiosk.ui.collector import collect_and_freeze
from kiosk.config import KioskConfig

# The memory floor may rise from the start of the soak to its end by at most this much.
# Memory is sampled every ``sample_every`` touches (after one fixed visit, back on the
# attract screen, gc.collect() and malloc_trim); the floor of a stretch of the soak is its
# lowest sample, and growth is the floor of the last third of the samples minus the floor
# of the first third (samples in the first 1,000 touches, the warm-up, are left out).
# Why the floor and not the last sample minus the first: the samples step between two
# levels about 80 MiB apart and back (20,000-touch soak, seed 1: 522, 598, 595, 594, 522,
# 596 MiB...) while the number of Python objects stays flat. Which native memory moves is
# not pinned down yet (candidates: Kivy caches that expire on a wall-clock timeout, pages
# glibc's per-thread arenas keep, llvmpipe's render threads). One sample says little; a
# leak raises every sample after it, so it raises the floor.
# Why 40 MiB: over a 20,000-touch soak that is ~2 KiB per touch: a leak of anything built
# per touch or per screen change (a widget tree, a texture, a bound callback keeping a
# screen alive) is larger than that. The 2,000-touch CI soak uses the same bound; it catches
# gross leaks only, the 20,000-touch run is the one that can see slow ones.
MAX_GROWTH_MIB = 40.0

# Targets a monkey must never touch: leaving the kiosk (the button only exists once the
# admin screen is unlocked, which the monkey cannot do, but be explicit), USB import and export.
FORBIDDEN_TARGETS = frozenset({"admin-exit", "admin-usb", "admin-export"})

# How a touch is split between kinds of input (weights, not percentages).
ACTION_WEIGHTS = {
    "target": 78,     # a random visible touch target
    "anywhere": 12,   # a random point anywhere in the window
    "language": 6,    # the Language button, then one of the language choices
    "drag": 3,        # a slow vertical drag (scrolls a ScrollView if there is one)
    "admin": 1,       # five quick taps on the hidden corner (opens the PIN pad)
}


def rss_mib() -> float:
    """Resident set size of this process in MiB, after a full garbage collection (the
    kiosk's own between visits: frozen objects included)."""
    collect_and_freeze()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


MALLOC_TRIM = _malloc_trim()


@dataclass(frozen=True)
class MemorySample:
    touches: int
    rss_mib: float
    """VmRSS after gc.collect()."""
    trimmed_mib: float | None
    """VmRSS after gc.collect() and glibc's malloc_trim(0), which hands freed heap pages
    back to the system: closer to the memory really in use (None without glibc)."""
    objects: int
    """Python objects tracked by the garbage collector (frozen ones included)."""

    def as_list(self) -> list[Any]:
        trimmed = None if self.trimmed_mib is None else round(self.trimmed_mib, 1)
        return [self.touches, round(self.rss_mib, 1), trimmed, self.objects]


def memory_sample(touches: int) -> MemorySample:
    rss = rss_mib()
    trimmed = None
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)
        trimmed = rss_mib()
    return MemorySample(touches, rss, trimmed, len(gc.get_objects()) + gc.get_freeze_count())


def _resident(sample: MemorySample) -> float:
    return sample.trimmed_mib if sample.trimmed_mib is not None else sample.rss_mib


# Samples before this many touches are warm-up: screens, fonts and caches are still being
# built in more languages, text sizes and themes. Memory rises for the first 300-500
# touches (seed 1, sampled every 50: at 312 touches 483 MiB, from 412 on 515-600 MiB;
# with the tests' fast frames, from 362 on 616-700 MiB), then steps between two levels.
WARM_UP_TOUCHES = 500


def floor_growth(memory: list[MemorySample], warm_up_touches: int = WARM_UP_TOUCHES) -> float | None:
    """The lowest sample of the last third minus the lowest of the first third, in MiB.

    Samples taken before ``warm_up_touches`` are left out. None with fewer than two
    samples after the warm-up."""
    later = [_resident(m) for m in memory if m.touches >= warm_up_touches]
    if len(later) < 2:
        return None
    third = max(1, len(later) // 3)
    return min(later[-third:]) - min(later[:third])


# ---------------------------------------------------------------------------- failures


class FailureRecorder(logging.Handler):
    """Collects every sign of trouble: log errors, exceptions anywhere, broken invariants."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.failures: list[str] = []
        self._seen: set[int] = set()
        self._exception_handler = _RecordingExceptionHandler(self)
        self._old_thread_hook = threading.excepthook
        self._old_unraisable_hook = sys.unraisablehook
        self._loggers: list[logging.Logger] = []

    # logging.Handler
    def emit(self, record: logging.LogRecord) -> None:
        if id(record) in self._seen:  # the same record reaches Kivy's Logger and the root
            return
        if record.levelno >= logging.ERROR or record.exc_info:
            self._seen.add(id(record))
            text = f"log {record.levelname} {record.name}: {record.getMessage()}"
            if record.exc_info:
                text += "\n" + "".join(traceback.format_exception(*record.exc_info))
            self.failures.append(text)

    def add(self, what: str) -> None:
        self.failures.append(what)

    def add_exception(self, where: str, exc: BaseException) -> None:
        self.failures.append(f"{where}: " + "".join(traceback.format_exception(exc)))

    def install(self) -> None:
        for logger in (Logger, logging.getLogger()):
            if logger not in self._loggers:
                logger.addHandler(self)
                self._loggers.append(logger)
        ExceptionManager.add_handler(self._exception_handler)
        threading.excepthook = self._thread_hook
        sys.unraisablehook = self._unraisable_hook

    def uninstall(self) -> None:
        for logger in self._loggers:
            logger.removeHandler(self)
        self._loggers.clear()
        ExceptionManager.remove_handler(self._exception_handler)
        threading.excepthook = self._old_thread_hook
        sys.unraisablehook = self._old_unraisable_hook

    def _thread_hook(self, args: Any) -> None:
        name = args.thread.name if args.thread is not None else "?"
        self.failures.append(
            f"exception in thread {name}: "
            + "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
        )
        self._old_thread_hook(args)

    def _unraisable_hook(self, unraisable: Any) -> None:
        exc = unraisable.exc_value
        text = "".join(traceback.format_exception(exc)) if exc is not None else repr(unraisable)
        self.failures.append(f"unraisable exception ({unraisable.err_msg}): {text}")
        self._old_unraisable_hook(unraisable)


class _RecordingExceptionHandler(ExceptionHandler):
    """Kivy's ExceptionManager hook: records the exception and lets it propagate."""

    def __init__(self, recorder: FailureRecorder) -> None:
        self.recorder = recorder

    def handle_exception(self, exception: BaseException) -> int:
        self.recorder.add_exception("exception in the Kivy event loop", exception)
        return ExceptionManager.RAISE


class SoakFailure(AssertionError):
    pass


# ---------------------------------------------------------------------------- targets


def visible_targets(app: KioskApp) -> list[tuple[str, Any]]:
    """The touch targets on screen now: widgets with a ``probe_id``, shown and enabled,
    whose centre is inside the window and not scrolled out of view (as ``_write_probe``)."""
    found = []
    for widget in list(app.root.walk()):
        probe_id = getattr(widget, "probe_id", "")
        if not probe_id or probe_id in FORBIDDEN_TARGETS:
            continue
        if widget.disabled or widget.opacity == 0 or widget.height <= 1 or widget.width <= 1:
            continue
        x, y = widget.to_window(*widget.center)
        if KioskApp._visible_at(widget, x, y):
            found.append((probe_id, widget))
    return found


def target_kind(probe_id: str) -> str:
    """``guide-ep-voting`` -> ``guide``, ``key-a`` -> ``key``: families of targets."""
    family = probe_id.split("-")[0]
    return family if family in {"guide", "key", "lang", "option", "pin", "result"} else probe_id


# ---------------------------------------------------------------------------- monkey


@dataclass
class SoakResult:
    touches: int
    seed: int
    seconds: float
    memory: list[MemorySample]
    """At 0 touches (after start-up) and every ``sample_every`` touches."""
    failures: list[str]
    actions: dict[str, int]
    screens: dict[str, int]
    """How many touches ended on each screen."""
    idle_resets: int
    idle_warnings_continued: int
    language_switches: int
    admin_opened: int
    growth_mib: float | None
    """How much the memory floor rose (see :func:`floor_growth`; trimmed RSS where
    available, else RSS; None with fewer than two samples after the start)."""
    max_growth_mib: float = MAX_GROWTH_MIB
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and (self.growth_mib is None or self.growth_mib <= self.max_growth_mib)

    def problems(self) -> list[str]:
        out = list(self.failures)
        if self.growth_mib is not None and self.growth_mib > self.max_growth_mib:
            out.append(
                f"the resident memory floor rose by {self.growth_mib:.1f} MiB from the first to "
                f"the last third of the soak (limit {self.max_growth_mib:.0f} MiB): "
                f"{[m.as_list() for m in self.memory]} (touches, RSS, RSS after malloc_trim, objects)"
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "touches": self.touches,
            "seed": self.seed,
            "seconds": round(self.seconds, 1),
            "seconds_per_touch": round(self.seconds / max(1, self.touches), 4),
            "memory": [m.as_list() for m in self.memory],
            "memory_columns": ["touches", "rss_mib", "rss_after_malloc_trim_mib", "python_objects"],
            "growth_mib": None if self.growth_mib is None else round(self.growth_mib, 1),
            "max_growth_mib": self.max_growth_mib,
            "ok": self.ok,
            "failures": self.failures,
            "actions": self.actions,
            "screens": self.screens,
            "idle_resets": self.idle_resets,
            "idle_warnings_continued": self.idle_warnings_continued,
            "language_switches": self.language_switches,
            "admin_opened": self.admin_opened,
            **self.extra,
        }


class Monkey:
    """Random touches on the running app; see the module docstring.

    ``hold_frames``: frames between touch down and touch up (a finger rests a moment).
    ``settle_frames``: frames after the release has reached its widget, for layout and
    drawing to catch up before the next touch looks for targets.
    ``fast_scroll_release``: after a tap inside a ScrollView, Kivy schedules a second
    delivery of the release 0.2 s of wall-clock time later (``_do_touch_up``; buttons
    already got their release through the touch grab). With this on, that pending Clock
    event is made due at the next frame instead of waiting the 0.2 s out; the widgets see
    the same events in the same order, only sooner. Off, frames run until it has fired.
    """

    def __init__(
        self,
        app: KioskApp,
        clock: FakeClock,
        rng: random.Random,
        recorder: FailureRecorder,
        hold_frames: int = 1,
        settle_frames: int = 2,
        fast_scroll_release: bool = True,
        reset_every: tuple[int, int] = (30, 200),
    ) -> None:
        self.app = app
        self.clock = clock
        self.rng = rng
        self.recorder = recorder
        self.hold_frames = hold_frames
        self.settle_frames = settle_frames
        self.fast_scroll_release = fast_scroll_release
        self.reset_every = reset_every
        self.touches = 0
        self.actions: Counter[str] = Counter()
        self.screens: Counter[str] = Counter()
        self.idle_resets = 0
        self.warnings_continued = 0
        self.language_switches = 0
        self.admin_opened = 0
        self.next_reset = rng.randint(*reset_every)
        self.trail: deque[str] = deque(maxlen=25)
        """The last touches (what, where, screen before -> after), for failure reports."""
        self._what = ""
        self.seconds_by_target: Counter[str] = Counter()
        """Wall-clock seconds spent per kind of target (tap to settled), for the report."""
        self.touches_by_target: Counter[str] = Counter()
        window = EventLoop.window
        self.width, self.height = window.width, window.height

    # -- low level: frames and touches --------------------------------------------

    def frames(self, count: int) -> None:
        for _ in range(count):
            self.frame()

    def frame(self) -> None:
        try:
            EventLoop.idle()
        except Exception as exc:  # as runTouchApp does: ask Kivy's ExceptionManager
            if ExceptionManager.handle_exception(exc) == ExceptionManager.RAISE:
                raise

    def _dispatch(self, call: Any, *args: Any) -> None:
        try:
            call(*args)
        except Exception as exc:
            if ExceptionManager.handle_exception(exc) == ExceptionManager.RAISE:
                raise

    def _deliver_scroll_releases(self) -> None:
        for _ in range(120):  # 2 s at 60 frames per second, far more than the 0.2 s needed
            pending = pending_scroll_releases()
            if not pending:
                return
            if self.fast_scroll_release:
                for event in pending:
                    event.timeout = 0
            self.frame()
        raise SoakFailure("a ScrollView never delivered a tap's release")

    def _settle(self, frames: int) -> None:
        """Advance ``frames`` frames, and more while the screen manager is mid-transition.

        Even NoTransition runs a zero-length Animation that ends on a Clock tick at least
        1/60 s of wall-clock time later; until then the manager ignores touches. Frames
        that redraw take longer than that, frames that do not may not, so the monkey
        waits for the transition instead of counting frames (a person cannot tap within
        one frame of a screen change either).
        """
        self.frames(frames)
        manager = self.app.manager
        for _ in range(120):
            if not manager.transition.is_active:
                return
            self.frame()
        raise SoakFailure("the screen transition never ended")

    def touch(self, x: float, y: float) -> None:
        """One tap at window point (x, y); returns when the release reached its widget."""
        self.clock.advance(self.rng.uniform(0.3, 2.5))  # a visitor's pace between touches
        before = self.app.manager.current
        started = time.perf_counter()
        self._point_at(x, y)
        touch = UnitTestTouch(x, y)
        lifted = False
        try:
            self._dispatch(touch.touch_down)
            self.frames(self.hold_frames)
            lifted = True
            self._dispatch(touch.touch_up)
        finally:
            if not lifted:  # a failure while the finger was down: lift it, best effort
                try:
                    touch.touch_up()
                except Exception:  # noqa: BLE001 - the first failure is the one reported
                    pass
        self._deliver_scroll_releases()
        self._settle(self.settle_frames)
        self.touches += 1
        what = self._what or "tap"
        self.trail.append(f"{self.touches}: {what} at ({x:.0f}, {y:.0f}) {before} -> "
                          f"{self.app.manager.current}")
        kind = target_kind(what)
        self.seconds_by_target[kind] += time.perf_counter() - started
        self.touches_by_target[kind] += 1
        self._what = ""

    def _point_at(self, x: float, y: float) -> None:
        """Move the window's pointer there first, as the kiosk's real input does.

        On the kiosk a touch screen reaches Kivy as a pointer (SDL mouse events), so the
        pointer moves to each touch and ``Window.mouse_pos`` changes; UnitTestTouch alone
        would not, and whatever follows the pointer would go untested.
        """
        self._dispatch(setattr, EventLoop.window, "mouse_pos", (x, y))

    def drag(self, x: float, y0: float, y1: float, steps: int = 6) -> None:
        self.clock.advance(self.rng.uniform(0.3, 2.5))
        self._point_at(x, y0)
        touch = UnitTestTouch(x, y0)
        self._dispatch(touch.touch_down)
        self.frame()
        for i in range(1, steps + 1):
            y = y0 + (y1 - y0) * i / steps
            self._point_at(x, y)
            self._dispatch(touch.touch_move, x, y)
            self.frame()
        self.frames(3)  # hold still before lifting, so the scroll has no fling velocity
        self._dispatch(touch.touch_up)
        self._deliver_scroll_releases()
        self._settle(self.settle_frames + 4)
        self.touches += 1

    def tap_widget(self, widget: Any) -> None:
        """Tap a random point of the widget's visible part (its centre if that is all)."""
        cx, cy = widget.to_window(*widget.center)
        x = cx + self.rng.uniform(-0.35, 0.35) * widget.width
        y = cy + self.rng.uniform(-0.35, 0.35) * widget.height
        if not KioskApp._visible_at(widget, x, y):
            x, y = cx, cy
        self.touch(x, y)

    # -- actions ------------------------------------------------------------------

    def step(self) -> None:
        """One action (one or a few touches), then the invariants are checked."""
        if self.touches >= self.next_reset:
            self.idle_reset()
            self.next_reset = self.touches + self.rng.randint(*self.reset_every)
            return
        kinds = list(ACTION_WEIGHTS)
        kind = self.rng.choices(kinds, weights=[ACTION_WEIGHTS[k] for k in kinds])[0]
        getattr(self, f"do_{kind}")()
        self.actions[kind] += 1
        self.screens[self.app.manager.current] += 1
        self.check_invariants()

    def do_target(self) -> None:
        targets = visible_targets(self.app)
        if not targets:  # the attract screen has none: any touch starts a visit
            self.do_anywhere()
            return
        probe_id, widget = self.rng.choice(targets)
        self._what = probe_id
        self.tap_widget(widget)

    def do_anywhere(self) -> None:
        self.touch(self.rng.uniform(0, self.width - 1), self.rng.uniform(0, self.height - 1))

    def do_language(self) -> None:
        app = self.app
        if not app.in_visit or app.warning_visible:
            self.do_target()
            return
        if app.manager.current != "language":
            targets = dict(visible_targets(app))
            if "language" not in targets:
                self.do_target()
                return
            self._what = "language"
            self.tap_widget(targets["language"])
            if app.manager.current != "language":
                raise SoakFailure(f"the Language button led to {app.manager.current!r}")
        choices = [(p, w) for p, w in visible_targets(app) if p.startswith("lang-")]
        if not choices:
            return
        probe_id, widget = self.rng.choice(choices)
        self._what = probe_id
        self.tap_widget(widget)
        code = probe_id.removeprefix("lang-")
        if app.visit.language != code or app.manager.current == "language":
            raise SoakFailure(
                f"choosing {code} left language {app.visit.language!r} on {app.manager.current!r}"
            )
        self.language_switches += 1

    def do_drag(self) -> None:
        x = self.rng.uniform(0.2, 0.8) * self.width
        y0 = self.rng.uniform(0.3, 0.7) * self.height
        y1 = y0 + self.rng.choice([-1, 1]) * self.rng.uniform(0.1, 0.25) * self.height
        self.drag(x, y0, y1)

    def do_admin(self) -> None:
        """The hidden gesture: five taps on the top-left corner within four seconds."""
        app = self.app
        corner = app.root.ids.secret_corner
        # The corner is in the top bar, which only exists during a visit (on the attract
        # screen the top bar is out of the window, though the corner is still its child).
        if corner.get_root_window() is None or app.warning_visible:
            self.do_target()
            return
        for _ in range(5):
            x, y = corner.to_window(*corner.center)
            self._point_at(x, y)
            touch = UnitTestTouch(x, y)
            self.clock.advance(0.3)
            self._dispatch(touch.touch_down)
            self.frames(self.hold_frames)
            self._dispatch(touch.touch_up)
            self._settle(self.settle_frames)
            self.touches += 1
        if app.manager.current != "admin":
            raise SoakFailure(f"the hidden gesture led to {app.manager.current!r}, not admin")
        self.admin_opened += 1

    def idle_reset(self, warning_first: bool = True) -> None:
        """Let the visit run out through the app's own idle tick (FakeClock moved on)."""
        app = self.app
        settings = app.settings
        if warning_first and app.in_visit and self.rng.random() < 0.3:
            # first only the warning; a third of those the visitor comes back
            self.clock.advance(settings.idle_timeout + 1)
            self._wait_idle_checks()
            if not app.warning_visible:
                raise SoakFailure(f"no idle warning after {settings.idle_timeout + 1} s idle")
            if self.rng.random() < 0.33:
                self.tap_widget(app.warning.ids.continue_button)
                if app.warning_visible or not app.in_visit:
                    raise SoakFailure("Continue did not keep the visit")
                self.warnings_continued += 1
                return
        self.clock.advance(settings.idle_timeout + settings.warning_seconds + 1)
        self._wait_idle_checks()
        self._settle(self.settle_frames)
        if app.manager.current != "attract" or app.in_visit or app.warning_visible:
            raise SoakFailure(
                f"idle reset left screen {app.manager.current!r}, in_visit={app.in_visit}, "
                f"warning={app.warning_visible}"
            )
        if app.visit.language != settings.default_language or app.visit.history:
            raise SoakFailure(f"idle reset kept language {app.visit.language!r} / {app.visit.history}")
        self.idle_resets += 1

    def canonical_visit(self) -> None:
        """A fixed short visit in the default language through every main screen, then
        the visit runs out: afterwards the screens hold the same content every time (home
        cards, search keyboard, links and about pages in one language), so memory
        samples taken then differ only by what the app accumulated, not by what the
        last random visitor happened to look at."""
        app = self.app
        self.idle_reset(warning_first=False)
        self._what = "canonical"
        self.touch(self.width / 2, self.height / 2)  # any touch starts a visit
        route = [f"lang-{app.settings.default_language}", "guide-*", "home", "quiz", "home",
                 "links", "home", "about", "home", "search", "home"]
        for wanted in route:
            targets = visible_targets(app)
            found = [w for p, w in targets if p == wanted or (wanted.endswith("*") and p.startswith(wanted[:-1]))]
            if found:
                self._what = "canonical"
                x, y = found[0].to_window(*found[0].center)
                self.touch(x, y)
        self.idle_reset(warning_first=False)

    def _wait_idle_checks(self) -> None:
        try:
            wait_idle_checks(self.app)
        except Exception as exc:
            if ExceptionManager.handle_exception(exc) == ExceptionManager.RAISE:
                raise

    def context(self) -> str:
        app = self.app
        return (f"screen {app.manager.current!r}, language {app.visit.language!r}, text step "
                f"{app.text_step}, high contrast {app.high_contrast}, history "
                f"{[r.screen for r in app.visit.history]}\nlast touches:\n  " + "\n  ".join(self.trail))

    def check_invariants(self) -> None:
        app = self.app
        current = app.manager.current
        if current not in app.screens:
            raise SoakFailure(f"unknown screen {current!r}")
        if app.allow_exit:
            raise SoakFailure("the app was allowed to exit")
        if app.screens["admin"].unlocked:
            raise SoakFailure("the admin screen was unlocked without a PIN hash")
        if (current == "attract") == app.in_visit:
            raise SoakFailure(f"screen {current!r} with in_visit={app.in_visit}")
        if app.warning_visible and not app.in_visit:
            raise SoakFailure("idle warning shown outside a visit")


def soak_config() -> KioskConfig:
    """The shipped defaults: ten languages, no admin PIN (so admin cannot be unlocked)."""
    config = KioskConfig()
    assert not config.kiosk.admin_pin_hash
    return config


def run_soak(
    touches: int,
    seed: int,
    data_dir: Path,
    sample_every: int = 1000,
    progress: Any = None,
    warm_up_touches: int = WARM_UP_TOUCHES,
    **monkey_options: Any,
) -> SoakResult:
    """Start the app, run ``touches`` monkey touches, stop the app; never raises for a
    failure of the app under test (they are in ``result.failures``).

    Memory is sampled once at the start (for the curve) and then every ``sample_every``
    touches from ``warm_up_touches`` on: a sample in the warm-up would take a fixed visit
    and count for nothing, as :func:`floor_growth` leaves those samples out."""
    data_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    app, clock = start_app(soak_config(), data_dir, seed=seed)
    # Read aloud writes to a file: the test machine has no sound card.
    app.speaker.wav_output = data_dir / "speech.wav"
    recorder = FailureRecorder()
    recorder.install()
    memory: list[MemorySample] = []
    started = time.perf_counter()
    monkey: Monkey | None = None
    try:
        monkey = Monkey(app, clock, rng, recorder, **monkey_options)
        advance_frames(5)
        memory.append(memory_sample(0))  # just started: on the attract screen
        if progress:
            progress(memory[-1], 0.0)
        next_sample = max(sample_every, -(-warm_up_touches // sample_every) * sample_every)
        while monkey.touches < touches and not recorder.failures:
            try:
                monkey.step()
                if monkey.touches >= next_sample:
                    # How much memory a kiosk holds depends a lot on what it shows and
                    # what its screens last built (a long guide, the language of the home
                    # cards and the keyboard), so every sample is taken in the same state:
                    # after one fixed visit, back on the attract screen.
                    monkey.canonical_visit()
                    memory.append(memory_sample(monkey.touches))
                    if progress:
                        progress(memory[-1], time.perf_counter() - started)
                    next_sample += sample_every
            except SoakFailure as exc:
                recorder.add(f"after {monkey.touches} touches on {app.manager.current!r}: {exc}\n"
                             + monkey.context())
                break
            except Exception as exc:  # noqa: BLE001 - recorded, the soak stops
                if not recorder.failures:  # (Kivy's ExceptionManager hook has it already)
                    recorder.add_exception(f"after {monkey.touches} touches", exc)
                recorder.add(f"context of the exception: {monkey.context()}")
                break
    finally:
        seconds = time.perf_counter() - started
        app.speaker.stop()
        try:
            stop_app(app)
        except Exception as exc:  # noqa: BLE001
            recorder.add_exception("stopping the app", exc)
        recorder.uninstall()
    growth = floor_growth(memory, warm_up_touches)
    end_minus_first = None
    if len(memory) >= 2:
        end_minus_first = round(_resident(memory[-1]) - _resident(memory[1]), 1)
    assert monkey is not None
    return SoakResult(
        touches=monkey.touches,
        seed=seed,
        seconds=seconds,
        memory=memory,
        failures=recorder.failures,
        actions=dict(monkey.actions),
        screens=dict(monkey.screens),
        idle_resets=monkey.idle_resets,
        idle_warnings_continued=monkey.warnings_continued,
        language_switches=monkey.language_switches,
        admin_opened=monkey.admin_opened,
        growth_mib=growth,
        extra={"last_minus_first_sample_mib": end_minus_first, "ms_per_touch_by_target": {
            kind: [monkey.touches_by_target[kind], round(seconds / monkey.touches_by_target[kind] * 1000)]
            for kind, seconds in monkey.seconds_by_target.most_common()
        }},
    )
