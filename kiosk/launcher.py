"""Starts the Kivy app: sets Kivy's window options before Kivy creates the window.

Kivy reads its configuration when first imported, so this module must run before anything
imports ``kivy.core.window``; :func:`run_kiosk` imports the app only after setting it up.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
import signal
from pathlib import Path

from kiosk.config import KioskConfig


def configure_kivy(fullscreen: bool, size: tuple[int, int] = (1280, 800)) -> None:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    # SDL's clipboard needs no external tool (Kivy would otherwise probe xclip/xsel).
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")
    # SDL would turn SIGTERM into a window-close request, which kiosk mode refuses; the
    # service manager's SIGTERM must stop the app, so we handle it ourselves.
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    # No multisampling: with software GL (Mesa llvmpipe, common on kiosk PCs without a GPU
    # driver) 2x MSAA doubled the cost of every frame; shapes are antialiased by KivyMD's
    # own smooth drawing instructions anyway (bench/PERFORMANCE.md has the figures).
    Config.set("graphics", "multisamples", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    screen = desktop_size() if fullscreen else None
    if fullscreen:
        Config.set("graphics", "show_cursor", "0")
        Config.set("graphics", "borderless", "1")
        if screen:
            # A borderless window exactly covering the screen (see desktop_size()).
            Config.set("graphics", "fullscreen", "0")
            Config.set("graphics", "position", "custom")
            Config.set("graphics", "left", "0")
            Config.set("graphics", "top", "0")
            Config.set("graphics", "width", str(screen[0]))
            Config.set("graphics", "height", str(screen[1]))
        else:
            Config.set("graphics", "fullscreen", "auto")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "borderless", "0")
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
        Config.set("graphics", "position", "custom")
        Config.set("graphics", "left", "0")
        Config.set("graphics", "top", "0")


def desktop_size() -> tuple[int, int] | None:
    """The screen's size in pixels, asked of the display system before any window exists.

    Kivy's desktop full screen ("auto") leaves resizing the window to the window manager;
    a kiosk session may run none (nor does Xvfb), which leaves a small window while Kivy
    draws for the whole screen. Knowing the size up front lets the kiosk open a borderless
    window that covers the screen at (0, 0), which needs no window manager.
    """
    try:
        if sys.platform == "win32":
            user32 = ctypes.windll.user32  # type: ignore[attr-defined]
            user32.SetProcessDPIAware()
            return int(user32.GetSystemMetrics(0)), int(user32.GetSystemMetrics(1))
        if os.environ.get("DISPLAY"):
            name = ctypes.util.find_library("X11")
            if not name:
                return None
            xlib = ctypes.CDLL(name)
            xlib.XOpenDisplay.restype = ctypes.c_void_p
            xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
            xlib.XDefaultScreen.argtypes = [ctypes.c_void_p]
            xlib.XDisplayWidth.argtypes = [ctypes.c_void_p, ctypes.c_int]
            xlib.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
            xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
            display = xlib.XOpenDisplay(None)
            if not display:
                return None
            try:
                screen = xlib.XDefaultScreen(display)
                return int(xlib.XDisplayWidth(display, screen)), int(xlib.XDisplayHeight(display, screen))
            finally:
                xlib.XCloseDisplay(display)
    except (OSError, AttributeError):
        return None
    return None


def run_kiosk(
    config: KioskConfig,
    data_dir: Path,
    fullscreen: bool,
    language: str | None = None,
    content_dir: Path | None = None,
) -> int:
    from kiosk.logs import setup_logging

    # Kivy's messages go through Python logging to our rotating file and the journal.
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    log_path = setup_logging(data_dir)
    logging.getLogger(__name__).info("starting; data folder %s, log file %s", data_dir, log_path)
    configure_kivy(fullscreen)
    from kiosk.app import KioskApp

    app = KioskApp(config, data_dir, content_dir=content_dir)

    def stop_on_signal(_signum: int, _frame: object) -> None:
        from kivy.clock import Clock

        app.allow_exit = True
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    if language:
        app.visit.default_language = language
        app.visit.reset()
    app.run()
    return 0
