"""Starts the Kivy app: sets Kivy's window options before Kivy creates the window.

Kivy reads its configuration when first imported, so this module must run before anything
imports ``kivy.core.window``; :func:`run_kiosk` imports the app only after setting it up.

Kivy's configuration is the app's own, fixed in :func:`configure_kivy` and nowhere else:
Kivy reads no ``config.ini`` (not the user's ``~/.kivy/config.ini``, not one in the data
folder) and writes none (``KIVY_NO_CONFIG``), takes no options from the command line
(``KIVY_NO_ARGS``) or from ``KCFG_*`` environment variables (``KIVY_NO_ENV_CONFIG``), and
runs none of its debug modules (inspector, console, keybinding, monitor, screen, recorder...),
whatever a config file or the environment says. Its home (``KIVY_HOME``, where it would
look for user modules) is a folder of the app's that nothing creates.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
import signal
from pathlib import Path

from kiosk import paths
from kiosk.config import KioskConfig

log = logging.getLogger(__name__)

KIVY_HOME_NAME = "kivy-home"
"""The folder, in the data folder (or the app's bundle), that Kivy is told is its home."""

KIVY_ENVIRONMENT = {
    "KIVY_NO_CONFIG": "1",  # read and write no config.ini: the settings below are all there is
    "KIVY_NO_ENV_CONFIG": "1",  # ignore KCFG_<section>_<key> variables
    "KIVY_NO_ARGS": "1",  # Kivy's own command-line options (-m inspector, -r 180...) are off
}
"""Kivy's documented switches that keep its configuration out of any outsider's reach."""


def kiosk_kivy_settings(fullscreen: bool, size: tuple[int, int], screen: tuple[int, int] | None
                        ) -> dict[tuple[str, str], str]:
    """Every Kivy setting the kiosk fixes, as ``{(section, key): value}``.

    These are the app's read-only defaults: applied at every start, never saved, and the
    same whatever a ``config.ini`` or the environment holds. ``screen`` is the display's
    size in pixels (see :func:`desktop_size`) when it is known.
    """
    settings = {
        ("kivy", "exit_on_escape"): "0",
        ("kivy", "pause_on_minimize"): "0",
        # Keys come from a real keyboard only: no virtual keyboard pops up (the search
        # screen has its own on-screen keyboard made of buttons).
        ("kivy", "keyboard_mode"): "system",
        ("kivy", "log_enable"): "0",  # Kivy's own log files: the kiosk logs through Python
        ("graphics", "rotation"): "0",
        # No multisampling: with software GL (Mesa llvmpipe, common on kiosk PCs without a
        # GPU driver) 2x MSAA doubled the cost of every frame; shapes are antialiased by
        # KivyMD's own smooth drawing instructions anyway (bench/PERFORMANCE.md has the figures).
        ("graphics", "multisamples"): "0",
        ("input", "mouse"): "mouse,disable_multitouch",
    }
    if fullscreen:
        settings[("graphics", "show_cursor")] = "0"
        settings[("graphics", "borderless")] = "1"
        if screen:
            # A borderless window exactly covering the screen (see desktop_size()).
            settings.update({
                ("graphics", "fullscreen"): "0",
                ("graphics", "position"): "custom",
                ("graphics", "left"): "0",
                ("graphics", "top"): "0",
                ("graphics", "width"): str(screen[0]),
                ("graphics", "height"): str(screen[1]),
            })
        else:
            settings[("graphics", "fullscreen")] = "auto"
    else:
        settings.update({
            ("graphics", "show_cursor"): "1",
            ("graphics", "fullscreen"): "0",
            ("graphics", "borderless"): "0",
            ("graphics", "width"): str(size[0]),
            ("graphics", "height"): str(size[1]),
            ("graphics", "position"): "custom",
            ("graphics", "left"): "0",
            ("graphics", "top"): "0",
        })
    return settings


def default_kivy_home() -> Path:
    """Kivy's home when no data folder is given (self-test, GUI tests): a folder in the app's
    own tree or bundle that the app never creates, so nothing is found there either."""
    return paths.project_root() / KIVY_HOME_NAME


def configure_kivy(fullscreen: bool, size: tuple[int, int] = (1280, 800),
                   kivy_home: Path | None = None) -> None:
    """Set Kivy up for the kiosk; call before anything imports Kivy.

    ``fullscreen``: a borderless window covering the screen with no cursor, else a normal
    ``size`` window. ``kivy_home``: the folder Kivy is told is its home (``KIVY_HOME``);
    Kivy reads nothing from it and writes nothing to it. Default: :func:`default_kivy_home`.
    """
    kivy_was_imported = "kivy" in sys.modules
    os.environ.update(KIVY_ENVIRONMENT)
    os.environ["KIVY_HOME"] = str(kivy_home or default_kivy_home())
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    # SDL's clipboard needs no external tool (Kivy would otherwise probe xclip/xsel).
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")
    # SDL would turn SIGTERM into a window-close request, which kiosk mode refuses; the
    # service manager's SIGTERM must stop the app, so we handle it ourselves.
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"
    from kivy.config import Config

    if kivy_was_imported:
        log.warning("Kivy was imported before configure_kivy(): its environment switches came "
                    "too late; the kiosk's own settings still replace whatever it read")
    # Config.write() writes to Config.filename; with none (as KIVY_NO_CONFIG leaves it),
    # nothing, not even Kivy's settings panel, can save a change.
    Config.filename = None
    # Kivy's debug modules (inspector, console, keybinding, monitor, screen, recorder,
    # touchring, showborder...) start when the window opens, for each key of [modules].
    Config.remove_section("modules")
    Config.add_section("modules")
    screen = desktop_size() if fullscreen else None
    for (section, key), value in kiosk_kivy_settings(fullscreen, size, screen).items():
        Config.set(section, key, value)


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
    from kiosk.ops.logs import setup_logging

    # Kivy's messages go through Python logging to our rotating file and the journal.
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    log_path = setup_logging(data_dir)
    log.info("starting; data folder %s, log file %s", data_dir, log_path)
    configure_kivy(fullscreen, kivy_home=data_dir / KIVY_HOME_NAME)
    from kiosk.ui.app import KioskApp

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
