"""In-process GUI test support: one real Kivy window, real touches, frames not sleeps.

Frames. With ``KIOSK_TEST_FAST_FRAMES=1`` (tests/conftest.py sets it, and the soak's child
process inherits it) nothing waits for the wall clock: Kivy's frame cap is off
(``maxfps = 0``) and Kivy's clock instead moves on by at least 1/60 s per frame, so a frame
that was quicker than a 60 Hz display's skips the rest of its 1/60 s instead of sleeping it
away. Everything timed by Kivy's clock (animations, ``schedule_once`` delays, the app's
0.25 s idle tick) then advances per frame as on a 60 Hz screen, however fast or slow the
frames really are, and :func:`pass_clock_time` moves the clock on further in a few frames
where a test must let time pass (a tap's ripple, the idle tick). Without the variable
(``bench/inprocess.py`` times real frames) Kivy keeps its 60 fps cap and the real clock.

Pixels. With ``KIOSK_TEST_SKIP_PAINT=1`` (tests/conftest.py sets it; the soak's child
process inherits it, and the long soak run by hand paints) every frame still runs in
full: the clock, the input, the layout, and every canvas instruction issued through
OpenGL. Only the filling of pixels is left out: the frame is drawn into a one-pixel
viewport and not swapped onto the screen. Mesa's software renderer here fills about 50
million pixels a second, so a 1280x800 frame of three to four window-sized layers took
60-80 ms, most of a GUI test's time; drawn into one pixel it takes about 10 ms. Tests
that look at pixels paint the window first (:func:`save_window_png`).
"""
from __future__ import annotations

import functools
import os
import random
import shutil
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bundled_cache import bundled_data_dir
from kiosk.ui.launcher import configure_kivy

FAST_FRAMES = os.environ.get("KIOSK_TEST_FAST_FRAMES") == "1"
SKIP_PAINT = os.environ.get("KIOSK_TEST_SKIP_PAINT") == "1"
FRAME_SECONDS = 1 / 60
"""Kivy's clock moves on by at least this much per frame (with FAST_FRAMES)."""

configure_kivy(fullscreen=False)
if FAST_FRAMES:
    from kivy.config import Config

    Config.set("graphics", "maxfps", "0")  # before kivy.clock is imported: it reads it once

from kivy.base import EventLoop  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from kivy.graphics.opengl import GL_VIEWPORT, glGetIntegerv, glViewport  # noqa: E402

from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.config import KioskConfig  # noqa: E402


class _KivyTime:
    """Kivy's clock with FAST_FRAMES: the wall clock plus the time skipped so far."""

    def __init__(self, wall: Callable[[], float]) -> None:
        self.wall = wall
        self.skipped = 0.0

    def __call__(self) -> float:
        return self.wall() + self.skipped


KIVY_TIME = _KivyTime(Clock.time)
if FAST_FRAMES:
    assert Clock._max_fps == 0, "kivy.clock was imported before gui_support could turn the frame cap off"
    Clock.time = KIVY_TIME
    _tick = Clock.tick

    def _tick_at_least_a_frame() -> None:
        """Clock.tick, after skipping what is left of FRAME_SECONDS since the last tick."""
        short = Clock.get_time() + FRAME_SECONDS - KIVY_TIME()
        if short > 0:
            KIVY_TIME.skipped += short
        _tick()

    Clock.tick = _tick_at_least_a_frame


def pass_clock_time(seconds: float, frames: int = 4) -> None:
    """Run ``frames`` frames over which Kivy's clock moves on by at least ``seconds``: what
    a 60 Hz screen would show over that time, without waiting for it (with FAST_FRAMES; else
    frames run until that much wall-clock time has passed)."""
    if not FAST_FRAMES:
        until = Clock.get_time() + seconds
        advance_frames(frames)
        while Clock.get_time() < until:
            EventLoop.idle()
        return
    step = seconds / frames
    for _ in range(frames):
        KIVY_TIME.skipped += step
        EventLoop.idle()


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


THREAD_WAIT_AFTER_FRAMES = 100
"""What the UI does in idle frames is done within this many (the most seen was 12)."""


def idle_until(condition: Callable[[], bool], frames: int = 200, what: str = "",
               seconds: float = 30.0) -> None:
    """Run frames until ``condition()`` holds; fail once ``frames`` frames have run and
    ``seconds`` of wall-clock time have passed (work in another thread takes its own time,
    however many frames run meanwhile)."""
    from time import monotonic, sleep

    deadline = monotonic() + seconds
    count = 0
    while not condition():
        if count >= frames and monotonic() > deadline:
            raise TimeoutError(f"condition not met after {count} frames: {what or condition}")
        EventLoop.idle()
        count += 1
        if count > THREAD_WAIT_AFTER_FRAMES:
            # Still waiting: for a thread (a USB import reading the content), which ran at
            # half speed while back-to-back frames took every other turn at the GIL.
            sleep(0.001)


def scroll_into_view(widget: Any) -> bool:
    """Scroll every ScrollView above ``widget`` so that it is on screen, as a visitor would;
    True if any of them moved."""
    from kivy.uix.recycleview import RecycleView
    from kivy.uix.scrollview import ScrollView

    moved = False
    node = widget.parent
    while node is not None and node is not node.parent:
        if isinstance(node, ScrollView):
            before = (node.scroll_x, node.scroll_y)
            if isinstance(node, RecycleView):
                # (ScrollView.scroll_to fails on a RecycleView's layout in Kivy 2.3.1)
                _scroll_rows_to(node, widget, padding=20)
            else:
                node.scroll_to(widget, padding=20, animate=False)
            if (node.scroll_x, node.scroll_y) != before:
                moved = True
                advance_frames(2)
        node = node.parent
    return moved


def _scroll_rows_to(rows: Any, widget: Any, padding: float) -> None:
    """Scroll a vertical RecycleView so that ``widget``, one of its rows, is inside it."""
    layout = rows.layout_manager
    room = layout.height - rows.height
    if room <= 0:
        return
    bottom = rows.scroll_y * room  # of the part shown, from the layout's bottom
    low = widget.y - layout.y - padding
    high = widget.top - layout.y + padding
    if high > bottom + rows.height:
        bottom = high - rows.height
    elif low < bottom:
        bottom = low
    rows.scroll_y = min(1.0, max(0.0, bottom / room))


def point_at(x: float, y: float) -> None:
    """Move the window's pointer to (x, y), as the kiosk's touch screen does before each
    touch (it reaches Kivy as SDL mouse events); a UnitTestTouch alone would not."""
    EventLoop.window.mouse_pos = (x, y)


def pending_scroll_releases() -> list[Any]:
    """Clock events of a ScrollView that will re-deliver a tap's release to its children.

    On a tap, ScrollView.on_scroll_stop hands the touch-down to the widget below (which
    grabs the touch, so the window's grab dispatch gives it the touch-up at once) and also
    schedules ``_do_touch_up`` 0.2 s later for anything still grabbing.
    """
    pending = []
    for event in Clock.get_events():
        callback = event.get_callback()
        if isinstance(callback, functools.partial) and getattr(callback.func, "__name__", "") == "_do_touch_up":
            pending.append(event)
    return pending


def release_scroll_taps() -> None:
    """Make the pending ``_do_touch_up`` of every ScrollView due at the next frame instead of
    0.2 s later: the widgets see the same events in the same order, only sooner."""
    for event in pending_scroll_releases():
        event.timeout = 0


# After a tap: SETTLE_SECONDS of Kivy's clock pass over SETTLE_FRAMES frames, so that
# whatever the tap started on the clock (a ScrollView's delayed release, the attract
# cycle, a check a quarter of a second later) has run. Screens change at once and nothing
# animates; a tap on a widget that is still moving waits for it (tap() ->
# wait_until_placed), and tests that check a layout wait for it to be still.
SETTLE_FRAMES = 4
SETTLE_SECONDS = 2.0


def settle(frames: int = SETTLE_FRAMES) -> None:
    """Let what a tap started run its course: ScrollViews' delayed releases at once, then
    SETTLE_SECONDS of Kivy's clock over a few frames, then frames up to ``frames`` and until
    the screen manager is not mid-transition (it ignores touches until then)."""
    release_scroll_taps()
    passing = min(4, frames)
    pass_clock_time(SETTLE_SECONDS, passing)
    advance_frames(frames - passing)
    manager = getattr(KioskApp.get_running_app(), "manager", None)
    for _ in range(120):
        if manager is None or not manager.transition.is_active:
            break
        EventLoop.idle()
    else:
        raise TimeoutError("the screen transition never ended")
    # A long guide or list is shown a screen or so at once and the rest in the next frames:
    # a page that has loaded, as a test of a browser would wait for.
    for _ in range(600):
        if manager is None or not getattr(manager.current_screen, "still_filling", False):
            return
        EventLoop.idle()
    raise TimeoutError(f"{manager.current_screen.name} was still filling in after 600 frames")


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


class QueuedTouches:
    """Touch events delivered where a touch screen's are: inside the next frame, after
    Kivy's clock has ticked and before the frame is drawn (a Kivy input provider).

    ``UnitTestTouch.touch_up()`` dispatches at once, between frames, so whatever the
    touch schedules for "the next tick" runs before the next draw; from a real screen it
    runs after it. Tests of what a frame right after a touch draws queue the touch here.
    """

    def __init__(self) -> None:
        from kivy.input.provider import MotionEventProvider

        class _Provider(MotionEventProvider):
            def __init__(self) -> None:
                super().__init__("queued-test-touches", None)
                self.waiting: list[tuple[str, Any]] = []

            def update(self, dispatch_fn: Callable[..., None]) -> None:
                while self.waiting:
                    dispatch_fn(*self.waiting.pop(0))

        self._provider = _Provider()

    def __enter__(self) -> QueuedTouches:
        EventLoop.add_input_provider(self._provider)
        return self

    def __exit__(self, *_exc: object) -> None:
        EventLoop.remove_input_provider(self._provider)

    def queue(self, kind: str, touch: UnitTestTouch) -> None:
        """``kind``: "begin", "update" or "end"; delivered in the next frame."""
        self._provider.waiting.append((kind, touch))


def tap(widget: Any, frames: int = SETTLE_FRAMES) -> None:
    """Touch down and up at the widget's centre, through the window's event loop, once
    it has settled on screen (a tap at a widget that is off screen is a test error)."""
    wait_until_placed(widget)
    if scroll_into_view(widget):
        wait_until_placed(widget)
    x, y = widget.to_window(*widget.center)
    window = EventLoop.window
    if not (0 <= x < window.width and 0 <= y < window.height):
        raise AssertionError(f"cannot tap {widget!r}: its centre {(x, y)} is off screen")
    tap_at(x, y, frames)


def start_visit(app: Any, language: str = "en") -> None:
    """A visitor's first two touches: the attract screen, then ``language``; home shows."""
    tap(app.screens["attract"])
    assert app.manager.current == "language" and app.in_visit
    tap(app.screens["language"].button_for(language))
    assert app.manager.current == "home" and app.visit.language == language


def tap_card(app: Any, guide_id: str) -> None:
    """Tap the home card of ``guide_id``, scrolled to as a visitor would. Home's rows
    share a few widgets: a card placed while the rows around it settle may have been
    handed to another row, so the card is looked up again until it stays put."""
    home = app.screens["home"]
    for _ in range(5):
        card = home.topic_card(guide_id)
        wait_until_placed(card)
        if card.guide_id == guide_id:
            break
    assert card.guide_id == guide_id, f"the card tapped shows {card.guide_id}, not {guide_id}"
    tap(card)


def tap_at(x: float, y: float, frames: int = SETTLE_FRAMES) -> None:
    point_at(x, y)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    EventLoop.idle()
    touch.touch_up()
    settle(frames)


def run_main_loop(frames: int, seconds: float = 0.0) -> None:
    """Run at least ``frames`` frames and ``seconds`` of Kivy's clock through Kivy's own main
    loop (``EventLoop.mainloop``), which, unlike calling ``EventLoop.idle`` directly, hands
    every exception to ExceptionManager exactly as the running kiosk does. An exception the
    handlers do not pass is raised. ScrollViews' delayed tap releases are delivered at the
    next frame (see :func:`release_scroll_taps`); ``seconds`` are spread over the frames
    (with FAST_FRAMES, else waited for)."""
    left = [frames]
    until = Clock.get_time() + seconds
    step = seconds / max(1, frames)

    def count(_dt: float) -> bool:
        # Runs in each frame's clock tick, before that frame takes input and draws: the
        # loop is stopped at the tick after the last frame, so that frame is drawn too.
        release_scroll_taps()
        if left[0] <= 0 and Clock.get_time() >= until:
            EventLoop.quit = True
            return False
        left[0] -= 1
        if FAST_FRAMES:
            KIVY_TIME.skipped += step
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


IDLE_TICK_SECONDS = 0.25
"""How often the app consults its idle policy (KioskApp.build schedules check_idle)."""


def wait_idle_checks(app: KioskApp, count: int = 2) -> None:
    """Run frames until the app's own clock tick has consulted its idle policy ``count``
    more times, moving Kivy's clock on by one tick interval per frame (with FAST_FRAMES)
    instead of waiting for it."""
    target = app.idle_checks + count
    for _ in range(600):
        if app.idle_checks >= target:
            return
        if FAST_FRAMES:
            KIVY_TIME.skipped += IDLE_TICK_SECONDS
        EventLoop.idle()
    raise TimeoutError(f"the app did not consult its idle policy {count} times in 600 frames")


def seed_data_dir(data_dir: Path, content_dir: Path | None) -> None:
    """Copy the cache built once from the bundled content (tests/bundled_cache.py; a new
    app would take a few seconds to build it) into a data folder that has none
    (only for the bundled content, not for a test's own changed copy): the app then finds
    an up-to-date cache, as at every start after the first. What the app would build is
    exactly this (same content, same fingerprint; the app still checks it against
    content/ as it starts)."""
    from kiosk import paths

    bundled = paths.bundled_content_dir().resolve()
    if (content_dir or bundled).resolve() != bundled:
        return
    if data_dir.exists() and any(data_dir.iterdir()):
        return  # the test laid out its own data folder: the app deals with what is there
    shutil.copytree(bundled_data_dir(bundled), data_dir, dirs_exist_ok=True)


class _Painting:
    """Whether frames fill pixels and are swapped onto the screen (see "Pixels" above), and
    the window handlers that leave either out."""

    def __init__(self) -> None:
        self.fill = self.swap = not SKIP_PAINT
        self.window: Any = None
        self.viewport: tuple[int, ...] = ()
        """The window's own viewport, which it sets as it opens and resizes."""

    def hook(self, window: Any) -> None:
        """Bound once, before any app binds its own handlers: the window calls the handlers
        bound last first, and its own drawing and swapping after all of them."""
        if self.window is window:
            return
        self.window = window
        window.fbind("on_draw", self._before_drawing)
        window.fbind("on_flip", self._before_swapping)

    def _before_drawing(self, *_args: Any) -> None:
        current = tuple(glGetIntegerv(GL_VIEWPORT))
        if current != ONE_PIXEL:
            self.viewport = current  # the window's, set since the last frame
        if not self.fill:
            glViewport(*ONE_PIXEL)
        elif current == ONE_PIXEL and self.viewport:
            glViewport(*self.viewport)

    def _before_swapping(self, *_args: Any) -> bool:
        return not self.swap  # True: the window's own swap is left out


ONE_PIXEL = (0, 0, 1, 1)
PAINTING = _Painting()


def save_window_png(target: Path) -> Path:
    """Paint a frame of the window as the screen shows it and save it as a PNG file at
    ``target``; fail if it is blank (one grey level nearly everywhere).

    A painted frame is swapped first: the software renderer gives its buffers the window's
    size at a swap, and a window resized since the last one (a portrait test) still drew
    into buffers of the old size. The frame read is drawn after that, and read from the
    buffer it was drawn into, before any swap: after a swap the buffer read may be the one
    shown frames ago (a swap may exchange the two), which frames without pixels left blank."""
    from PIL import Image, ImageStat

    window = EventLoop.window
    was = PAINTING.fill, PAINTING.swap
    PAINTING.fill, PAINTING.swap = True, True
    try:
        advance_frames(2)
        window.canvas.ask_update()
        EventLoop.idle()
        PAINTING.swap = False
        window.canvas.ask_update()
        EventLoop.idle()
        saved = Path(window.screenshot(name=str(target)))  # (it numbers the name)
    finally:
        PAINTING.fill, PAINTING.swap = was
    saved.replace(target)
    with Image.open(target) as image:
        assert ImageStat.Stat(image.convert("L")).stddev[0] > 10, f"{target.name} looks blank"
    return target


def start_app(config: KioskConfig, data_dir: Path, content_dir: Path | None = None,
              seed: int = 7) -> tuple[KioskApp, FakeClock]:
    seed_data_dir(data_dir, content_dir)
    clock = FakeClock()
    app = KioskApp(config, data_dir, content_dir=content_dir, clock=clock, rng=random.Random(seed))
    EventLoop.ensure_window()
    PAINTING.hook(EventLoop.window)
    app._run_prepare()
    advance_frames(5)
    return app, clock


APP_THREADS = ("content-sync", "usb-import")
"""Threads an app starts that its on_stop asks to end but does not wait for (an update or
a USB import in progress finishes first; the heartbeat's stop waits for its own)."""


def stop_app(app: KioskApp) -> None:
    app.dispatch("on_stop")
    # A thread still running holds the app (its callbacks do): wait for it to end, before
    # its last callback is scheduled on the clock and cancelled below.
    for thread in threading.enumerate():
        if thread.name in APP_THREADS:
            thread.join(timeout=60)
            assert not thread.is_alive(), f"the {thread.name} thread did not end within 60 s"
    _cancel_animations(app)
    window = EventLoop.window
    for child in list(window.children):
        window.remove_widget(child)
    for event in Clock.get_events():
        event.cancel()
    from kivy.app import App

    KioskApp._running_app = None
    App._running_app = None  # where App.__init__ put it: else the stopped app stays alive
    advance_frames(2)
    import gc

    gc.unfreeze()  # what the app's between-visits collections froze goes with the app
    # Collected once the test and its fixtures let go of the app (conftest.py): here the
    # caller still holds it, and every collection in the next test walked it again.
    _apps_stopped.append(weakref.ref(app))


def _cancel_animations(app: KioskApp) -> None:
    """Cancel every animation of the app's widgets (those in its screens' trees or named
    by a kv id there) and of its screen manager's transition.

    An animation runs on Kivy's clock and stays in Animation's own set of running
    animations until it ends; with its clock event cancelled (below) it would never end,
    and would keep its widget, and through it the whole stopped app, alive for the rest of
    the test process (a ScrollView's scroll bar fading out after a scroll was enough)."""
    from kivy.animation import Animation

    seen: set[int] = set()
    waiting = [app.root, *app.screens.built()]
    while waiting:
        widget = waiting.pop()
        widget = getattr(widget, "__self__", widget)  # a kv id's weak proxy: the widget
        if widget is None or id(widget) in seen:
            continue
        seen.add(id(widget))
        Animation.cancel_all(widget)
        transition = getattr(widget, "transition", None)  # a ScreenManager's
        if transition is not None:
            Animation.cancel_all(transition)
        # kv ids as well: a panel a screen takes out of its tree while another shows
        waiting.extend(widget.children)
        waiting.extend(getattr(widget, "ids", {}).values())


_apps_stopped: list[weakref.ref[KioskApp]] = []


def take_stopped_apps() -> list[weakref.ref[KioskApp]]:
    """Weak references to the apps stopped since the last call (conftest.py collects them
    and checks that each is gone)."""
    stopped = list(_apps_stopped)
    _apps_stopped.clear()
    return stopped
