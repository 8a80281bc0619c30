"""The test probe: the app's state and its touch targets, written as JSON for test drivers.

Only when ``KIOSK_PROBE_FILE`` names a file. Ten times a second the probe lists the
current screen and when its first frame reached the display (``shown``: the wall-clock
time of the first window flip while that screen was current, so a reader's timing does
not depend on this 0.1 s tick), the visit, the idle warning, the first frame's time, every widget with a
``probe_id`` that is on screen (its centre, from the top left, as a finger would touch it)
and how Kivy itself is set up. tests/driver.py, tests/test_e2e.py and bench/run.py read
this file: its keys are an interface.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Protocol

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from contentlib.atomic_file import write_atomically
from kiosk.core.visit import Visit

PROBE_ENV = "KIOSK_PROBE_FILE"
PROBE_SECONDS = 0.1


class Probed(Protocol):
    """What the probe reads from the app."""

    root: Widget
    in_visit: bool
    visit: Visit
    screen_title: str

    @property
    def manager(self) -> Any: ...
    @property
    def warning_visible(self) -> bool: ...
    @property
    def first_frame_at(self) -> float | None: ...


def visible_at(widget: Widget, x: float, y: float) -> bool:
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


def kivy_probe() -> dict[str, Any]:
    """How Kivy itself is set up: window rotation, cursor and full screen, the debug
    modules running, the config file Kivy would save to (None: none), and the window's
    top-level widgets (the app's root only, unless something opened a panel)."""
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


def touch_targets(root: Widget) -> dict[str, list[int]]:
    """Each shown ``probe_id`` and the window point (from the top left) of its centre."""
    targets: dict[str, list[int]] = {}
    # The screen manager keeps only the current screen in the widget tree.
    for widget in list(root.walk()):
        probe_id = getattr(widget, "probe_id", "")
        if not probe_id or widget.disabled or widget.opacity == 0 or widget.height <= 1:
            continue
        x, y = widget.to_window(*widget.center)
        if visible_at(widget, x, y):
            targets.setdefault(probe_id, [round(x), round(Window.height - y)])
    return targets


class ProbeWriter:
    """Rewrites the probe file whenever what it would say has changed."""

    def __init__(self, path: Path, app: Probed) -> None:
        self.path = path
        self.app = app
        self._last = ""
        self._event: Any = None
        self._shown: dict[str, Any] = {"screen": None, "at": None}

    @classmethod
    def from_environment(cls, app: Probed) -> ProbeWriter | None:
        name = os.environ.get(PROBE_ENV)
        return cls(Path(name), app) if name else None

    def install(self) -> None:
        self._event = Clock.schedule_interval(self.write, PROBE_SECONDS)
        Window.fbind("on_flip", self._flipped)

    def remove(self) -> None:
        Window.funbind("on_flip", self._flipped)
        if self._event is not None:
            self._event.cancel()

    def _flipped(self, *_args: Any) -> None:
        screen = self.app.manager.current
        if screen != self._shown["screen"]:
            self._shown = {"screen": screen, "at": time.time()}

    def state(self) -> dict[str, Any]:
        app = self.app
        return {
            "screen": app.manager.current,
            "shown": self._shown,
            "in_visit": app.in_visit,
            "language": app.visit.language,
            "warning": app.warning_visible,
            "title": app.screen_title,
            "first_frame_at": app.first_frame_at,
            "targets": touch_targets(app.root),
            "window": [Window.width, Window.height],
            "kivy": kivy_probe(),
        }

    def write(self, *_args: Any) -> None:
        text = json.dumps(self.state(), sort_keys=True)
        if text != self._last:
            write_atomically(self.path, text.encode("utf-8"), durable=False)
            self._last = text
