"""In-process GUI test support: one real Kivy window, real touches, frames not sleeps."""
from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.ui.launcher import configure_kivy

configure_kivy(fullscreen=False)

from kivy.base import EventLoop  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.config import KioskConfig  # noqa: E402


class FakeClock:
    """A monotonic clock the test moves forward by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def advance_frames(count: int = 3) -> None:
    for _ in range(count):
        EventLoop.idle()


def idle_until(condition: Callable[[], bool], frames: int = 200, what: str = "") -> None:
    for _ in range(frames):
        if condition():
            return
        EventLoop.idle()
    raise TimeoutError(f"condition not met after {frames} frames: {what or condition}")


def scroll_into_view(widget: Any) -> None:
    """Scroll every ScrollView above ``widget`` so that it is on screen, as a visitor would."""
    from kivy.uix.scrollview import ScrollView

    node = widget.parent
    while node is not None and node is not node.parent:
        if isinstance(node, ScrollView):
            node.scroll_to(widget, padding=20, animate=False)
            advance_frames(2)
        node = node.parent


# A ScrollView hands a short tap to the widget below it only 0.2 s of clock time after
# the touch ends (Clock.schedule_once(_do_touch_up, .2)). Frames are not capped at
# 60 per second here (20 frames took 0.25 s, sometimes less), so a fixed count of frames
# raced that delay and a tap could look ignored: taps advance at least SETTLE_FRAMES
# frames and at least SETTLE_SECONDS of Kivy's clock.
SETTLE_FRAMES = 20
SETTLE_SECONDS = 0.3


def settle(frames: int = SETTLE_FRAMES) -> None:
    """Advance ``frames`` frames, and more until SETTLE_SECONDS of clock time have passed."""
    from kivy.clock import Clock

    start = Clock.get_time()
    advance_frames(frames)
    while Clock.get_time() - start < SETTLE_SECONDS:
        EventLoop.idle()


def wait_until_placed(widget: Any, frames: int = 240) -> None:
    """Advance frames until the widget has stopped moving: the same place and size in the
    window for three frames in a row. A screen that was just shown, or whose text sizes
    just changed, lays out over several frames (nested heights follow text that wraps);
    a visitor aims at what has settled, and a tap aimed earlier would miss."""
    last: tuple[float, ...] = ()
    still = 0
    for _ in range(frames):
        placed = (*widget.to_window(*widget.pos), *widget.size)
        still = still + 1 if placed == last else 0
        if still >= 3:
            return
        last = placed
        EventLoop.idle()
    raise TimeoutError(f"{widget!r} still moving after {frames} frames (now at {last})")


def tap(widget: Any, frames: int = SETTLE_FRAMES) -> None:
    """Touch down and up at the widget's centre, through the window's event loop, once
    it has settled on screen (a tap at a widget that is off screen is a test error)."""
    advance_frames(2)
    wait_until_placed(widget)
    scroll_into_view(widget)
    wait_until_placed(widget)
    x, y = widget.to_window(*widget.center)
    window = EventLoop.window
    if not (0 <= x < window.width and 0 <= y < window.height):
        raise AssertionError(f"cannot tap {widget!r}: its centre {(x, y)} is off screen")
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    advance_frames(1)
    touch.touch_up()
    settle(frames)


def tap_at(x: float, y: float, frames: int = SETTLE_FRAMES) -> None:
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    advance_frames(1)
    touch.touch_up()
    settle(frames)


def run_main_loop(frames: int, seconds: float = 0.0) -> None:
    """Run at least ``frames`` frames and ``seconds`` of clock time through Kivy's own main
    loop (``EventLoop.mainloop``), which, unlike calling ``EventLoop.idle`` directly, hands
    every exception to ExceptionManager exactly as the running kiosk does. An exception the
    handlers do not pass is raised."""
    from kivy.clock import Clock

    left = [frames]
    until = Clock.get_time() + seconds

    def count(_dt: float) -> bool:
        left[0] -= 1
        if left[0] <= 0 and Clock.get_time() >= until:
            EventLoop.quit = True
            return False
        return True

    event = Clock.schedule_interval(count, 0)
    status = EventLoop.status
    EventLoop.status = "started"
    try:
        EventLoop.mainloop()
    finally:
        event.cancel()
        EventLoop.quit = False
        EventLoop.status = status


def wait_idle_checks(app: KioskApp, count: int = 2) -> None:
    """Advance frames until the app has consulted its idle policy ``count`` more times."""
    target = app.idle_checks + count
    idle_until(lambda: app.idle_checks >= target, frames=600, what="idle checks")


def start_app(config: KioskConfig, data_dir: Path, content_dir: Path | None = None,
              seed: int = 7) -> tuple[KioskApp, FakeClock]:
    clock = FakeClock()
    app = KioskApp(config, data_dir, content_dir=content_dir, clock=clock, rng=random.Random(seed))
    EventLoop.ensure_window()
    app._run_prepare()
    advance_frames(5)
    return app, clock


def stop_app(app: KioskApp) -> None:
    app.dispatch("on_stop")
    window = EventLoop.window
    for child in list(window.children):
        window.remove_widget(child)
    from kivy.clock import Clock

    for event in Clock.get_events():
        event.cancel()
    KioskApp._running_app = None
    advance_frames(2)
