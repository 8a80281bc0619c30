"""In-process UI timings: touch-to-frame latency of every screen change, and the longest
frame while a content sync runs in the background.

The real app runs in this process in a real Kivy window (its own Xvfb when DISPLAY is not
set), driven like the GUI tests: real touches through the window's event loop, frames
advanced with ``EventLoop.idle()`` (which keeps Kivy's 60 fps cap, as the running app
does), a fake clock only for the idle policy. All times are wall-clock
(``time.perf_counter``).

(a) Latency. A scripted walk: attract -> language -> home -> every guide on home (and home
    again) -> quiz -> answer -> home -> links -> home -> about -> home -> search -> back.
    For each step the time of the touch-up is taken, then frames run until the expected
    state holds (the screen manager shows the next screen; for the answer, the quiz shows
    its feedback) and a window ``on_flip`` has happened after it. Latency = that flip -
    touch-up (touch-down for attract -> language: the attract screen starts the visit on
    the down, so the new screen is drawn before the finger lifts). Each walk is in
    another language; the visit then runs out (idle policy) so the next walk starts on
    the attract screen. p50/p95/max over all steps of all walks. With ``--dwell S`` the
    app runs S seconds of frames on each screen before it is touched, as a visitor looks
    at a screen before touching it (bench/run.py pauses 0.5 s); by default it is touched
    as soon as it is drawn.
(b) Longest frame during a sync. A signed bundle of the full bundled content is built
    with sync/build.py into a temp folder; the app starts with ``[sync] source`` = that
    folder and the bundle's public key, on an empty data folder. Frames are timed
    (perf_counter between successive ``EventLoop.idle()`` returns) from waking the worker
    until the app has handled its result on the UI thread (which switches to the new
    content, as it is on the attract screen) and a few frames more; then, with no sync
    running, a baseline on the same app. Twice: "attract idle", nothing to redraw (the
    attract text cycle is set to an hour; only the switch to new content redraws), so the
    frames time the UI thread's own work competing with the worker for the CPU and the
    GIL; and "redraw every frame", a full redraw forced each frame (a UI that animates).

    .venv/bin/python bench/inprocess.py [--walks 5] [--dwell 0] [--syncs 5]
        [--json bench/inprocess.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

WALK_LANGUAGES = ["en", "el", "bg", "de", "fr", "it", "pl", "ro", "es", "pt"]

CONTENT_ENV = "KIOSK_BENCH_CONTENT"
"""A content folder to measure instead of the bundled one (set by bench/run.py)."""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p95_ms": round(percentile(values, 95) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


# --------------------------------------------------------------------------- (a) latency


class FlipRecorder:
    """perf_counter() of every window flip (a frame reaching the display)."""

    def __init__(self) -> None:
        from kivy.core.window import Window

        self.window = Window
        self.times: list[float] = []
        Window.bind(on_flip=self._flip)

    def _flip(self, *_args: Any) -> None:
        self.times.append(time.perf_counter())

    def close(self) -> None:
        self.window.unbind(on_flip=self._flip)


def timed_tap(widget: Any, done: Callable[[], bool], flips: FlipRecorder, what: str,
              max_frames: int = 600) -> float:
    """Tap ``widget``; seconds from touch-up to the first flip after ``done()`` holds (from
    touch-down when the app acts on the down, as the attract screen does)."""
    from gui_support import QueuedTouches, advance_frames, scroll_into_view
    from kivy.base import EventLoop
    from kivy.tests.common import UnitTestTouch

    scroll_into_view(widget)
    advance_frames(2)
    if done():
        raise RuntimeError(f"{what}: already true before the tap")
    x, y = widget.to_window(*widget.center)
    EventLoop.window.mouse_pos = (x, y)  # a touch screen moves the pointer first
    touch = UnitTestTouch(x, y)
    # The touch arrives as a touch screen's does: within a frame, after the clock's tick
    # and before the draw (so what it schedules for the next tick runs after that draw).
    with QueuedTouches() as touches:
        mark = len(flips.times)
        started = time.perf_counter()
        touches.queue("begin", touch)
        EventLoop.idle()  # the down arrives; the finger rests for this frame
        counted_from: int | None = None
        if done():
            # The app acted on the touch-down (the attract screen starts a visit at once),
            # so the new screen's first frame is the first flip after the down, and the
            # latency counts from the down.
            counted_from = mark
        else:
            started = time.perf_counter()
        touches.queue("end", touch)
        for _ in range(max_frames):
            flips_before = len(flips.times)
            EventLoop.idle()
            # the first frame that can show the change is the one whose input phase (or
            # clock phase, for a change made a tick later) brought it about
            if counted_from is None and done():
                counted_from = flips_before
            if counted_from is not None and len(flips.times) > counted_from:
                return flips.times[counted_from] - started
    raise RuntimeError(f"{what}: no change and flip within {max_frames} frames")


def dwell_on_screen(seconds: float) -> None:
    """Run frames for ``seconds`` of wall-clock time (a visitor reading the screen)."""
    from kivy.base import EventLoop

    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        EventLoop.idle()


def one_walk(app: Any, clock: Any, lang: str, dwell: float = 0.0) -> list[tuple[str, float]]:
    from gui_support import advance_frames, wait_idle_checks
    from kivy.base import EventLoop

    manager = app.manager
    flips = FlipRecorder()
    steps: list[tuple[str, float]] = []

    def step(name: str, widget: Any, done: Callable[[], bool]) -> None:
        dwell_on_screen(dwell)
        steps.append((name, timed_tap(widget, done, flips, name)))
        advance_frames(3)

    def to(screen: str) -> Callable[[], bool]:
        return lambda: manager.current == screen

    try:
        assert manager.current == "attract"
        step("attract -> language", app.screens["attract"], to("language"))
        step("language -> home", app.screens["language"].button_for(lang), to("home"))
        home = app.screens["home"]
        # every card, also those below the first screen (topic_card scrolls to them)
        guide_ids = list(home.listed_guides)
        for guide_id in guide_ids:
            step("home -> guide", home.topic_card(guide_id), to("guide"))
            step("guide -> home", app.root.ids.home_button, to("home"))
        step("home -> quiz", home.action_button("quiz"), to("quiz"))
        quiz = app.screens["quiz"]
        step("quiz: answer", quiz.option_button(app.visit.quiz.current.answer), lambda: quiz.answered)
        step("quiz -> home", app.root.ids.home_button, to("home"))
        step("home -> links", home.action_button("links"), to("links"))
        step("links -> home", app.root.ids.home_button, to("home"))
        step("home -> about", home.action_button("about"), to("about"))
        step("about -> home", app.root.ids.home_button, to("home"))
        step("home -> search", home.action_button("search"), to("search"))
        step("search -> back (home)", app.root.ids.back_button, to("home"))
    finally:
        flips.close()
    # the visitor leaves: the visit runs out through the idle policy
    clock.advance(app.settings.idle_timeout + app.settings.warning_seconds + 1)
    wait_idle_checks(app)
    advance_frames(3)
    assert manager.current == "attract" and not app.in_visit
    return steps


def measure_latency(walks: int, dwell: float = 0.0) -> dict[str, Any]:
    from gui_support import start_app, stop_app

    from kiosk.config import KioskConfig

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        content = os.environ.get(CONTENT_ENV)  # bench/run.py --content-scale: a scaled copy
        app, clock = start_app(KioskConfig(), data, content_dir=Path(content) if content else None)
        try:
            results = [one_walk(app, clock, WALK_LANGUAGES[i % len(WALK_LANGUAGES)], dwell)
                       for i in range(walks)]
        finally:
            stop_app(app)
    every = [s for walk in results for _, s in walk]
    by_step: dict[str, list[float]] = {}
    for walk in results:
        for name, seconds in walk:
            by_step.setdefault(name, []).append(seconds)
    first_walk = [s for _, s in results[0]]
    later = [s for walk in results[1:] for _, s in walk] or first_walk
    return {
        "walks": walks,
        "dwell_s": dwell,
        "languages": [WALK_LANGUAGES[i % len(WALK_LANGUAGES)] for i in range(walks)],
        "all": summary(every),
        "first_walk": summary(first_walk),
        "later_walks": summary(later),
        "by_step": {name: summary(values) for name, values in by_step.items()},
        "raw_ms": [[(name, round(s * 1000, 1)) for name, s in walk] for walk in results],
    }


# --------------------------------------------------------------------------- (b) sync


def frame_times(count: int | None = None, until: Callable[[], bool] | None = None,
                redraw: bool = False, limit: int = 20_000) -> list[float]:
    """Durations of successive frames (perf_counter between EventLoop.idle() returns)."""
    from kivy.base import EventLoop

    window = EventLoop.window
    durations = []
    last = time.perf_counter()
    for n in range(limit):
        if count is not None and n >= count:
            break
        if until is not None and until():
            break
        if redraw:
            window.canvas.ask_update()
        EventLoop.idle()
        now = time.perf_counter()
        durations.append(now - last)
        last = now
    else:
        raise RuntimeError("the sync did not finish")
    return durations


class EarlySync(RuntimeError):
    """The worker's own first poll (5-30 s after start) finished before the measurement."""


class ResultWatch:
    """Records when the app handles a sync result on the UI thread (wraps the method on
    the class, so a result arriving at any time after start-up is seen)."""

    def __init__(self) -> None:
        from kiosk.ui.app import KioskApp

        self.cls = KioskApp
        self.original = KioskApp.__dict__["sync_finished"]
        self.handled: list[tuple[Any, Any, float]] = []
        watch = self

        def sync_finished(app: Any, result: Any, error: Any) -> None:
            watch.original(app, result, error)
            watch.handled.append((result, error, time.perf_counter()))

        KioskApp.sync_finished = sync_finished

    def close(self) -> None:
        self.cls.sync_finished = self.original


def one_sync(publish: Path, public_key: str, redraw: bool, baseline_frames: int) -> dict[str, Any]:
    from gui_support import start_app, stop_app

    from kiosk.config import KioskConfig, KioskSettings, SyncSettings

    # The attract text changes once an hour instead of every 3 s, so that in the idle case
    # no frame redraws by chance in one phase and not in the other.
    config = KioskConfig(kiosk=KioskSettings(attract_cycle_seconds=3600),
                         sync=SyncSettings(source=str(publish), public_keys=(public_key,)))
    watch = ResultWatch()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            data.mkdir()
            app, _clock = start_app(config, data)
            try:
                worker = app.sync_worker
                assert worker is not None, "no sync worker: check [sync] source and public_keys"
                store_before = app.store.path
                # The worker waits 5-30 s after start-up before its first poll (so a fleet does
                # not poll at boot); wake it now. Should it already have started on its own
                # (a slow start-up), the measurement simply begins a little late.
                if watch.handled:
                    raise EarlySync("the worker synced during start-up")
                started = time.perf_counter()
                worker.poll_now()
                during = frame_times(until=lambda: bool(watch.handled), redraw=redraw)
                after = frame_times(5, redraw=redraw)  # the switch to the new content settles
                # No sync runs now (the next poll is interval_seconds away): the baseline,
                # on the same app, the same screen, the same content.
                baseline = frame_times(baseline_frames, redraw=redraw)
                result, error, handled_at = watch.handled[0]
                if error or result is None or result.outcome != "applied":
                    raise RuntimeError(f"sync did not apply: {result} {error}")
                if len(watch.handled) != 1:
                    raise RuntimeError(f"expected one sync result, got {len(watch.handled)}")
                switched = app.store.path != store_before
            finally:
                stop_app(app)
    finally:
        watch.close()
    # The last frame of ``during`` is the one that ran the result handler on the UI thread
    # (it switches to the new content); the ones before it ran while the worker worked.
    worker_frames = during[:-1] or during
    return {
        "sync_s": round(handled_at - started, 3),
        "frames_during": len(during),
        "max_frame_during_ms": round(max(during + after) * 1000, 1),
        "max_frame_worker_ms": round(max(worker_frames) * 1000, 1),
        "handler_frame_ms": round(during[-1] * 1000, 1),
        "max_frame_baseline_ms": round(max(baseline) * 1000, 1),
        "median_frame_during_ms": round(statistics.median(during) * 1000, 1),
        "median_frame_baseline_ms": round(statistics.median(baseline) * 1000, 1),
        "switched_to_new_content": switched,
    }


def measure_sync(runs: int, baseline_frames: int) -> dict[str, Any]:
    from sync.build import build
    from sync.keys import generate_key_file

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        content = tmp / "content"
        shutil.copytree(ROOT / "content", content)
        public = generate_key_file(tmp / "editor.key")
        publish = tmp / "publish"
        build(content, publish, tmp / "editor.key")
        out["bundle_objects"] = len(list((publish / "objects").iterdir()))
        out["bundle_bytes"] = sum(p.stat().st_size for p in publish.rglob("*") if p.is_file())
        for label, redraw in (("attract idle", False), ("redraw every frame", True)):
            rows = []
            while len(rows) < runs:
                for attempt in range(3):
                    try:
                        rows.append(one_sync(publish, public, redraw, baseline_frames))
                        break
                    except EarlySync:
                        if attempt == 2:
                            raise
            out[label] = {
                "runs": rows,
                "median_max_frame_during_ms": statistics.median(r["max_frame_during_ms"] for r in rows),
                "median_max_frame_baseline_ms": statistics.median(r["max_frame_baseline_ms"] for r in rows),
                "worst_frame_during_ms": max(r["max_frame_during_ms"] for r in rows),
                "worst_frame_baseline_ms": max(r["max_frame_baseline_ms"] for r in rows),
                "median_sync_s": statistics.median(r["sync_s"] for r in rows),
                "median_max_frame_worker_ms": statistics.median(r["max_frame_worker_ms"] for r in rows),
                "median_handler_frame_ms": statistics.median(r["handler_frame_ms"] for r in rows),
            }
    return out


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walks", type=int, default=5)
    parser.add_argument("--dwell", type=float, default=0.0,
                        help="seconds of frames on each screen before touching it")
    parser.add_argument("--syncs", type=int, default=5, help="sync runs per case")
    parser.add_argument("--baseline-frames", type=int, default=120)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "inprocess.json")
    parser.add_argument("--only", choices=["latency", "sync"], default=None)
    parser.add_argument("--multisamples", type=int, default=None,
                        help="window MSAA samples (default: Kivy's, 2)")
    args = parser.parse_args()

    xvfb = None
    if not os.environ.get("DISPLAY"):
        from driver import Xvfb

        xvfb = Xvfb()
        os.environ["DISPLAY"] = xvfb.display
    for key, value in (("KIVY_NO_ARGS", "1"), ("KIVY_NO_CONSOLELOG", "1"),
                       ("KIVY_NO_FILELOG", "1"), ("KIVY_LOG_MODE", "PYTHON")):
        os.environ.setdefault(key, value)
    if args.multisamples is not None:
        os.environ["KCFG_GRAPHICS_MULTISAMPLES"] = str(args.multisamples)
    try:
        import gui_support  # noqa: F401  (configures Kivy's window before Kivy starts)

        data: dict[str, Any] = {}
        if args.only in (None, "latency"):
            data["latency"] = measure_latency(args.walks, args.dwell)
        if args.only in (None, "sync"):
            data["sync"] = measure_sync(args.syncs, args.baseline_frames)
    finally:
        if xvfb is not None:
            xvfb.stop()

    from kivy.config import Config

    machine = (f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
               f"{platform.python_version()}, Xvfb 1280x800 + Mesa llvmpipe, "
               f"multisamples {Config.get('graphics', 'multisamples')}")
    data = {"machine": machine, **data}
    if "latency" in data:
        lat = data["latency"]
        print(f"(a) touch-up -> first frame showing the change ({lat['walks']} walks, "
              f"languages {', '.join(lat['languages'])}, "
              f"{lat['dwell_s']} s on each screen before the touch)")
        print(f"  {'step':<26}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
        for name, row in lat["by_step"].items():
            print(f"  {name:<26}{row['n']:>4}{row['p50_ms']:>9.0f}{row['p95_ms']:>9.0f}{row['max_ms']:>9.0f}")
        for label in ("all", "first_walk", "later_walks"):
            row = lat[label]
            print(f"  {'= ' + label.replace('_', ' '):<26}{row['n']:>4}{row['p50_ms']:>9.0f}"
                  f"{row['p95_ms']:>9.0f}{row['max_ms']:>9.0f}")
    if "sync" in data:
        sync = data["sync"]
        print(f"(b) longest UI frame while a full bundle ({sync['bundle_objects']} objects, "
              f"{sync['bundle_bytes']:,} bytes) is fetched from a folder and applied")
        print(f"  {'case':<20}{'no sync':>9}{'during sync':>13}{'worker only':>13}"
              f"{'switch frame':>14}{'worst':>8}{'sync s':>8}")
        for label in ("attract idle", "redraw every frame"):
            row = sync[label]
            print(f"  {label:<20}{row['median_max_frame_baseline_ms']:>6.0f} ms"
                  f"{row['median_max_frame_during_ms']:>10.0f} ms{row['median_max_frame_worker_ms']:>10.0f} ms"
                  f"{row['median_handler_frame_ms']:>11.0f} ms{row['worst_frame_during_ms']:>5.0f} ms"
                  f"{row['median_sync_s']:>8.2f}")
        print(f"  longest frame, median over {args.syncs} runs: with no sync running; from waking the"
              f" worker until its result is handled;\n  while the worker alone ran; the frame that"
              f" handles the result (switches to the new content); worst = longest in any run")
    print(f"machine: {machine}")
    if args.json:
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
