"""Lockdown against a keyboard: a visitor with a USB keyboard (or an accessibility keypad,
which sends ordinary key codes) can change nothing but their own visit.

In-process (the real Kivy window under Xvfb, keys sent the way Kivy's SDL2 window sends
them): F1 and Menu open no settings panel on any screen, and no key or combination of
keys changes a screen, a file or Kivy's configuration, except Esc, which goes back as the
README documents; only the admin screen's exit button, after the PIN, ends the app.

As a real process (``main.py run --fullscreen`` under its own Xvfb): a hostile
``~/.kivy/config.ini`` (rotation 180, cursor on, inspector and other debug modules on, a
user module) and ``KCFG_*`` variables change nothing: the kiosk comes up as its own
defaults say, upright, and real X key presses (xdotool) open nothing. And Kivy set up by
``configure_kivy`` in a fresh interpreter takes nothing from ``~/.kivy``, ``$KIVY_HOME``,
``KCFG_*`` variables or Kivy options on the command line.
"""
from __future__ import annotations

import configparser
import hashlib
import json
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gui_support import (  # noqa: I001  (first: it sets Kivy up before Kivy is imported)
    FakeClock, advance_frames, settle, start_app, stop_app, tap, wait_idle_checks,
)
from kivy.base import EventLoop
from kivy.config import Config, ConfigParser
from kivy.properties import Property
from kivy.uix.settings import Settings
from kivy.uix.widget import Widget

from conftest import CONTENT, GUIDE_IDS
from driver import KioskProcess, Xvfb, have_e2e_tools
from kiosk.core.admin import MIN_PIN_ITERATIONS, hash_pin
from kiosk.ui.app import KioskApp
from kiosk.config import parse_config
from kiosk.ui.launcher import KIVY_HOME_NAME

PIN = "864213"
CONFIG = parse_config(
    f"""
[kiosk]
languages = ["en", "bg", "el"]
default_language = "en"
idle_timeout = 90
warning_seconds = 30
admin_pin_hash = "{hash_pin(PIN, iterations=MIN_PIN_ITERATIONS)}"
"""
)

# ------------------------------------------------------------------ keys, as SDL2 names them

SCANCODE_MASK = 1 << 30
"""SDL2 keycodes of keys without a character are their scancode with this bit set."""


def sdl_key(scancode: int) -> tuple[int, int]:
    """(SDL keycode, scancode) of a key without a character (SDLK_SCANCODE_TO_KEYCODE)."""
    return SCANCODE_MASK | scancode, scancode


FUNCTION_KEYS = {f"F{n}": sdl_key(57 + n) for n in range(1, 13)} | {
    f"F{n}": sdl_key(91 + n) for n in range(13, 25)
}
MENU_KEYS = {
    "Menu": sdl_key(101),  # SDL_SCANCODE_APPLICATION: the context-menu key of PC keyboards
    "Menu (SDL_SCANCODE_MENU)": sdl_key(118),  # the menu key some keypads and Sun keyboards send
}
F1 = FUNCTION_KEYS["F1"]
ESCAPE = (27, 41)
OTHER_KEYS = {
    "Print": sdl_key(70), "Scroll Lock": sdl_key(71), "Pause": sdl_key(72), "SysRq": sdl_key(154),
    "Insert": sdl_key(73), "Home": sdl_key(74), "Page Up": sdl_key(75), "End": sdl_key(77),
    "Page Down": sdl_key(78), "Right": sdl_key(79), "Left": sdl_key(80), "Down": sdl_key(81),
    "Up": sdl_key(82), "Num Lock": sdl_key(83), "Caps Lock": sdl_key(57),
    "Backspace": (8, 42), "Tab": (9, 43), "Enter": (13, 40), "Space": (32, 44), "Delete": (127, 76),
    **{f"keypad {name}": sdl_key(code) for name, code in (
        ("/", 84), ("*", 85), ("-", 86), ("+", 87), ("Enter", 88), ("1", 89), ("2", 90), ("3", 91),
        ("4", 92), ("5", 93), ("6", 94), ("7", 95), ("8", 96), ("9", 97), ("0", 98), (".", 99),
        ("=", 103))},
    **{name: sdl_key(code) for name, code in (
        ("Power", 102), ("Execute", 116), ("Help", 117), ("Select", 119), ("Stop", 120),
        ("Again", 121), ("Undo", 122), ("Cut", 123), ("Copy", 124), ("Paste", 125), ("Find", 126),
        ("Mute", 127), ("Volume Up", 128), ("Volume Down", 129), ("Next track", 258),
        ("Previous track", 259), ("Stop media", 260), ("Play", 261), ("Mute media", 262),
        ("Media select", 263), ("WWW", 264), ("Mail", 265), ("Calculator", 266), ("Computer", 267),
        ("Browser search", 268), ("Browser home", 269), ("Browser back", 270),
        ("Browser forward", 271), ("Browser stop", 272), ("Browser refresh", 273),
        ("Bookmarks", 274), ("Brightness down", 275), ("Brightness up", 276),
        ("Display switch", 277), ("Eject", 281), ("Sleep", 282))},
}
# Keys with a character: SDL names them by the unshifted character; their scancodes.
CHARACTER_SCANCODES = {
    **{chr(ord("a") + i): 4 + i for i in range(26)},
    **{str(n): 29 + n for n in range(1, 10)}, "0": 39,
    "-": 45, "=": 46, "[": 47, "]": 48, "\\": 49, ";": 51, "'": 52, "`": 53, ",": 54, ".": 55,
    "/": 56,
}
CHARACTER_KEYS = {char: (ord(char), code) for char, code in CHARACTER_SCANCODES.items()}
EVERY_KEY_BUT_ESC = {**FUNCTION_KEYS, **MENU_KEYS, **OTHER_KEYS, **CHARACTER_KEYS}

MODIFIER_KEYS = {  # Kivy's modifier name -> the left-hand key that holds it (SDL keycode, scancode)
    "shift": sdl_key(225), "ctrl": sdl_key(224), "alt": sdl_key(226), "meta": sdl_key(227),
}
MODIFIER_SETS: tuple[tuple[str, ...], ...] = (
    (), ("shift",), ("ctrl",), ("alt",), ("meta",), ("ctrl", "alt"), ("ctrl", "shift"),
    ("alt", "shift"), ("ctrl", "alt", "shift"), ("meta", "shift"), ("ctrl", "meta"),
    ("alt", "meta"),
)
"""No modifier, each alone (meta is Super, the Windows key), and the usual combinations."""


def send_key(sym: int, scancode: int, held: tuple[str, ...] = ()) -> None:
    """Press and release one key with ``held`` modifiers down, as WindowSDL does for SDL's
    key events: each modifier key goes down first, the SDL keycode passes through the
    window's ``key_map``, ``on_key_down`` comes first and ``on_keyboard`` only if it was not
    handled, then ``on_key_up``; a character key also sends SDL's text-input event."""
    window = EventLoop.window
    down: list[str] = []

    def one(sym: int, scancode: int, text: str | None) -> None:
        key = window.key_map.get(sym, sym)
        codepoint = chr(key) if key not in window.command_keys and key < 0x110000 else None
        modifiers = list(down)
        if not window.dispatch("on_key_down", key, scancode, codepoint, modifiers):
            window.dispatch("on_keyboard", key, scancode, codepoint, modifiers)
        if text:
            window.dispatch("on_textinput", text)
        window.dispatch("on_key_up", key, scancode)

    for name in held:
        down.append(name)
        modifier_sym, modifier_scancode = MODIFIER_KEYS[name]
        key = window.key_map.get(modifier_sym, modifier_sym)
        if not window.dispatch("on_key_down", key, modifier_scancode, None, list(down)):
            window.dispatch("on_keyboard", key, modifier_scancode, None, list(down))
    text = None
    if 32 <= sym < 127 and not set(held) & {"ctrl", "alt", "meta"}:
        text = chr(sym).upper() if "shift" in held else chr(sym)
    one(sym, scancode, text)
    for name in reversed(held):
        down.remove(name)
        modifier_sym, modifier_scancode = MODIFIER_KEYS[name]
        key = window.key_map.get(modifier_sym, modifier_sym)
        window.dispatch("on_key_up", key, modifier_scancode)


# ------------------------------------------------------------------ what must not change


def kiosk_properties(obj: Any) -> dict[str, Any]:
    """The values of the Kivy properties that the kiosk's own classes declare on ``obj``."""
    values = {}
    for cls in type(obj).__mro__:
        if not cls.__module__.startswith("kiosk."):
            continue
        for name, attribute in vars(cls).items():
            if isinstance(attribute, Property):
                value = getattr(obj, name)
                values[f"{cls.__name__}.{name}"] = list(value) if isinstance(value, list) else value
    return values


def kivy_config() -> dict[str, dict[str, str]]:
    """Kivy's whole configuration as it is in memory."""
    return {section: dict(Config.items(section)) for section in Config.sections()}


def screen_state(app: KioskApp) -> dict[str, Any]:
    """Everything a key could change that a visitor would see or the next visitor inherit."""
    window = EventLoop.window
    screen = app.screens[app.manager.current]
    state = {
        "screen": app.manager.current,
        "history": list(app.visit.history),
        "language": app.visit.language,
        "country": app.visit.country,
        "quiz": None if app.visit.quiz is None else list(app.visit.quiz.answers),
        "allow_exit": app.allow_exit,
        "window_layers": [id(widget) for widget in window.children],
        "root_layers": [id(widget) for widget in app.root.children],
        "window": (window.size, window.rotation, window.show_cursor, window.fullscreen,
                   window.borderless),
        "kivy_config": kivy_config(),
        "app": kiosk_properties(app),
    }
    # The attract screen cycles its prompt through the languages by itself.
    if app.manager.current != "attract":
        state["screen_properties"] = kiosk_properties(screen)
    return state


def widget_tree() -> list[tuple[str, str]]:
    """Every widget in the window, in order: its class and its probe id."""
    tree = []
    for top in EventLoop.window.children:
        for widget in top.walk():
            tree.append((type(widget).__name__, str(getattr(widget, "probe_id", ""))))
    return tree


def settings_panels() -> list[Widget]:
    """Kivy settings panels anywhere in the window."""
    return [w for top in EventLoop.window.children for w in top.walk() if isinstance(w, Settings)]


def files(*folders: Path) -> dict[str, tuple[object, ...]]:
    """Each path under ``folders`` (and the folder itself) with its type, size, modification
    time and, for a file, the SHA-256 of its bytes; a missing folder is noted as such."""
    found: dict[str, tuple[object, ...]] = {}
    for folder in folders:
        if not folder.exists():
            found[str(folder)] = ("missing",)
            continue
        for path in [folder, *sorted(folder.rglob("*"))]:
            info = path.lstat()
            regular = stat.S_ISREG(info.st_mode)
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if regular else ""
            found[str(path)] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns, digest)
    return found


def watched_folders(app: KioskApp) -> list[Path]:
    """The data folder, Kivy's home as Kivy took it, and the user's ~/.kivy."""
    import kivy

    return [app.data_dir, Path(kivy.kivy_home_dir), Path.home() / ".kivy"]


@pytest.fixture
def config_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call of Kivy's ConfigParser.write during the test (none is carried out)."""
    calls: list[str] = []

    def refuse(self: ConfigParser) -> bool:
        calls.append(str(self.filename))
        return False

    monkeypatch.setattr(ConfigParser, "write", refuse)
    return calls


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[tuple[KioskApp, FakeClock]]:
    """The real app in the real window, on a fresh data folder, with a hand-moved clock."""
    app, clock = start_app(CONFIG, tmp_path / "data", content_dir=CONTENT)
    yield app, clock
    stop_app(app)


# ------------------------------------------------------------------ every screen

PLACES = ("attract", "language", "home", "countries", "guide", "quiz", "links", "about", "search",
          "admin", "admin unlocked", "idle warning")
"""Every screen, the admin screen before and after the PIN, and the idle warning."""


def enter_pin(app: KioskApp, pin: str) -> None:
    """Type ``pin`` on the admin screen's keypad and touch OK."""
    admin = app.screens["admin"]
    keys = {w.probe_id: w for w in admin.ids.keypad.children}
    for digit in pin:
        tap(keys[f"pin-{digit}"])
    tap(keys["pin-ok"])


def go_to(app: KioskApp, clock: FakeClock, place: str) -> None:
    """Bring the kiosk to ``place`` (one of PLACES) the way a visitor or staff would, or by
    the app's own navigation for screens that need many taps to reach."""
    if place == "attract":
        app.end_visit()
    else:
        if not app.in_visit:
            tap(app.screens["attract"])
            tap(app.screens["language"].button_for("en"))
            assert app.manager.current == "home"
        if place == "guide":
            app.open_guide(GUIDE_IDS[0])
        elif place in ("admin", "admin unlocked"):
            if app.manager.current != "admin":
                for _ in range(5):  # the hidden gesture: five taps on the top-left corner
                    tap(app.root.ids.secret_corner)
                    clock.advance(0.3)
            if place == "admin unlocked":
                enter_pin(app, PIN)
                assert app.screens["admin"].unlocked
        elif place == "idle warning":
            app.go_home()
            clock.advance(app.settings.idle_timeout + 1)
            wait_idle_checks(app)
            assert app.warning_visible
        elif place == "home":
            app.go_home()
        else:
            app.open_screen(place)
    settle()
    expected = "admin" if place.startswith("admin") else place
    if place == "idle warning":
        expected = "home"
    assert app.manager.current == expected, (place, app.manager.current)


def each_place(app: KioskApp, clock: FakeClock) -> Iterator[str]:
    """Go to every place in turn, yielding its name once the kiosk shows it."""
    for place in PLACES:
        go_to(app, clock, place)
        yield place


def assert_unchanged(app: KioskApp, before: dict[str, Any], what: str) -> None:
    """Fail, naming ``what`` and each difference, unless :func:`screen_state` equals ``before``."""
    after = screen_state(app)
    changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not changed, f"{what} changed {changed}"


def press_all(app: KioskApp, place: str, keys: dict[str, tuple[int, int]],
              modifier_sets: tuple[tuple[str, ...], ...] = MODIFIER_SETS,
              after_each: Callable[[str], None] | None = None) -> None:
    """Press every key in ``keys`` with each modifier set and check after each press (and
    after frames every few presses, for anything a key might schedule) that nothing changed."""
    before = screen_state(app)
    presses = 0
    for held in modifier_sets:
        for name, (sym, scancode) in keys.items():
            combo = "+".join([*held, name])
            send_key(sym, scancode, held)
            presses += 1
            if presses % 40 == 0:
                advance_frames(2)
            assert_unchanged(app, before, f"{combo} on {place}:")
            if after_each is not None:
                after_each(combo)
    advance_frames(3)
    assert_unchanged(app, before, f"the keys on {place}:")


# ------------------------------------------------------------------ the tests


@pytest.mark.gui
def test_f1_and_menu_show_no_settings_panel_on_any_screen_and_write_no_file(
    kiosk: tuple[KioskApp, FakeClock], config_writes: list[str]
) -> None:
    """F1 (Kivy's settings key) and both Menu keys, alone and in every modifier set, on every
    screen: no settings panel, no widget, file or Kivy setting changed, no config saved."""
    app, clock = kiosk
    assert app.use_kivy_settings is False
    for place in each_place(app, clock):
        folders = watched_folders(app)
        before_files = files(*folders)
        before_tree = widget_tree()
        before_config = kivy_config()

        def no_panel(combo: str) -> None:
            assert not settings_panels(), f"{combo} on {place} opened Kivy's settings panel"

        press_all(app, place, {"F1": F1, **MENU_KEYS}, after_each=no_panel)
        assert app.open_settings() is False  # nor can anything else open it
        advance_frames(2)
        assert not settings_panels()
        assert widget_tree() == before_tree, f"the window's widgets changed on {place}"
        assert kivy_config() == before_config
        assert files(*folders) == before_files, f"a file changed on {place}"
    assert config_writes == []  # Kivy's configuration was never saved, anywhere
    assert Config.filename is None  # nor is there a file it could be saved to


@pytest.mark.gui
def test_no_key_or_combination_changes_anything_and_esc_goes_back(
    kiosk: tuple[KioskApp, FakeClock], config_writes: list[str]
) -> None:
    """Every key but Esc, alone and in every modifier set, on every screen, changes nothing
    a visitor sees and no file; Esc then goes back as documented (nothing on the attract
    screen)."""
    app, clock = kiosk
    for place in each_place(app, clock):
        folders = watched_folders(app)
        before_files = files(*folders)
        before_tree = widget_tree()
        press_all(app, place, EVERY_KEY_BUT_ESC)
        assert widget_tree() == before_tree, f"the window's widgets changed on {place}"
        assert files(*folders) == before_files, f"a file changed on {place}"
        # Esc is the one key with a meaning (README: Back): back one step during a visit,
        # nothing on the attract screen.
        history = list(app.visit.history)
        before = screen_state(app)
        send_key(*ESCAPE)
        settle()
        if not app.in_visit:
            assert_unchanged(app, before, "Esc on the attract screen:")
        elif len(history) > 1:
            assert app.visit.history == history[:-1], place
            assert app.manager.current == history[-2].screen, place
        else:
            assert app.manager.current == "home" and app.visit.history == history, place
        assert files(*folders) == before_files, f"Esc changed a file on {place}"
    assert config_writes == []


@pytest.mark.gui
def test_only_the_admin_exit_after_the_pin_ends_the_app(
    kiosk: tuple[KioskApp, FakeClock], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key (Esc included) nor a window close request ends the app, on a visitor's screen
    or on the admin screen before or after the PIN; the admin exit button after the PIN does."""
    import kivy.core.window as window_module

    app, clock = kiosk
    window = EventLoop.window
    ended: list[str] = []
    monkeypatch.setattr(app, "stop", lambda *_a: ended.append("app.stop"))
    monkeypatch.setattr(window, "close", lambda *_a: ended.append("window.close"))
    monkeypatch.setattr(window_module, "stopTouchApp", lambda *_a: ended.append("stopTouchApp"))
    admin = app.screens["admin"]
    for place in ("attract", "home", "admin", "admin unlocked"):
        go_to(app, clock, place)
        # Esc too where it has no meaning (the attract screen): it must not end the app.
        keys = {**EVERY_KEY_BUT_ESC, "Esc": ESCAPE} if place == "attract" else EVERY_KEY_BUT_ESC
        press_all(app, place, keys)
        assert window.dispatch("on_request_close") is True  # Alt+F4 through a window manager
        assert ended == [] and not app.allow_exit, place
    assert admin.unlocked
    tap(admin.ids.exit_button)
    assert ended == ["app.stop"] and app.allow_exit
    assert not window.dispatch("on_request_close")


# ------------------------------------------------------------------ the real program


HOSTILE_SETTINGS = {
    ("kivy", "exit_on_escape"): "1",
    ("kivy", "keyboard_mode"): "dock",
    ("kivy", "log_enable"): "1",
    ("kivy", "log_level"): "debug",
    ("graphics", "rotation"): "180",
    ("graphics", "show_cursor"): "1",
    ("graphics", "fullscreen"): "0",
    ("graphics", "borderless"): "0",
    ("graphics", "multisamples"): "2",
    ("modules", "inspector"): "",
    ("modules", "keybinding"): "",
    ("modules", "monitor"): "",
    ("modules", "showborder"): "",
    ("modules", "planted"): "",
}
"""What a visitor could have saved through Kivy's settings panel, and more."""


def hostile_home(home: Path) -> Path:
    """A home folder whose ~/.kivy/config.ini (Kivy's own complete file, as Kivy writes it,
    then edited) turns the kiosk upside down, shows the cursor, closes on Esc and starts
    Kivy's debug modules and a user module planted in ~/.kivy/mods."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIVY_", "KCFG_"))}
    made = subprocess.run([sys.executable, "-c", "import kivy.config"], capture_output=True,
                          text=True, env={**env, "HOME": str(home), "KIVY_NO_ARGS": "1"}, cwd=home)
    assert made.returncode == 0, made.stderr[-3000:]
    kivy_dir = home / ".kivy"
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(kivy_dir / "config.ini", encoding="utf-8")
    assert ini.get("graphics", "rotation") == "0"  # Kivy wrote its defaults
    for (section, key), value in HOSTILE_SETTINGS.items():
        ini.set(section, key, value)
    with open(kivy_dir / "config.ini", "w", encoding="utf-8") as out:
        ini.write(out)
    (kivy_dir / "mods" / "planted.py").write_text(
        "from pathlib import Path\n"
        "Path(__file__).with_name('PLANTED-MODULE-RAN').write_text('imported')\n"
        "def start(win, ctx):\n    pass\n"
        "def stop(win, ctx):\n    pass\n",
        encoding="utf-8",
    )
    return kivy_dir


def xdotool_keys(display: str, *keys: str) -> None:
    """Press each key (an xdotool key name or combination) on the X display, one by one."""
    env = {**os.environ, "DISPLAY": display}
    for key in keys:
        subprocess.run(["xdotool", "key", "--delay", "30", key], env=env, check=True)


REAL_KEYS = ("F1", "Menu", "Super_L", "super+e", "ctrl+e", "F11", "F12", "shift+F12", "Print",
             "alt+Print", "alt+F4", "ctrl+q", "ctrl+w", "alt+Tab", "ctrl+alt+F2", "ctrl+alt+F7",
             "ctrl+alt+BackSpace", "ctrl+alt+Delete", "ctrl+alt+KP_Add", "F8", "F7", "Return",
             "space", "Tab", "Down", "Next", "a", "shift+a")
"""Keys pressed on the real X display: Kivy's settings (F1), the Menu key, Super, Kivy's
debug modules' keys (inspector Ctrl+E, keybinding F11/F12, recorder F7/F8), Print, the
close, quit and switch shortcuts, Xorg's VT switch, zap and zoom keys, and ordinary ones."""


@pytest.mark.e2e
@pytest.mark.skipif(not have_e2e_tools(), reason="needs Xvfb, xdotool, ImageMagick")
def test_a_hostile_kivy_config_and_environment_change_nothing_and_real_keys_open_nothing(
    tmp_path: Path,
) -> None:
    """``main.py run --fullscreen`` with a hostile ~/.kivy and KCFG_* variables comes up with
    the app's own Kivy settings (upright, no cursor, no module, no config file), touches land
    where they should, real X key presses open and change nothing, and no file is written."""
    home = tmp_path / "home"
    kivy_dir = hostile_home(home)
    data = tmp_path / "data"
    data.mkdir()
    before_home = files(home)
    # Nothing of this test process's Kivy set-up is passed on; the hostile part is explicit.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIVY_", "KCFG_"))}
    env.update({"HOME": str(home), "KCFG_MODULES_TOUCHRING": "",
                "KCFG_MODULES_RECORDER": "", "KCFG_KIVY_EXIT_ON_ESCAPE": "1"})
    server = Xvfb()
    kiosk = KioskProcess(server.display, data, env=env)
    try:
        state = kiosk.wait_ready()
        # Upright, full screen without a cursor, no debug module, no config file: the
        # kiosk's own defaults, whatever ~/.kivy and the environment say.
        assert state["window"] == [1280, 800]
        assert state["kivy"] == {"rotation": 0, "show_cursor": False, "fullscreen": False,
                                 "borderless": True, "modules": [], "config_file": None,
                                 "layers": ["KioskRoot"]}
        kiosk.click_at(640, 400)
        language = kiosk.wait_screen("language")
        files_before = files(data)
        xdotool_keys(server.display, *REAL_KEYS)
        # Nothing opened, nothing moved: the probe (screen, targets, Kivy's state) is as it was.
        assert kiosk.wait_settled(quiet=1.0) == language
        xdotool_keys(server.display, "Escape")  # Back, as documented: so the keys reached the app
        after = kiosk.wait_screen("home")
        assert after["kivy"]["layers"] == ["KioskRoot"] and after["kivy"]["rotation"] == 0
        assert after["in_visit"] and after["language"] == "en" and not after["warning"]
        # Touches land where the probe says the targets are, as they would not upside down.
        kiosk.tap("links")
        assert kiosk.wait_screen("links")["kivy"] == language["kivy"]
        assert kiosk.proc.poll() is None, "a key ended the kiosk"
        # The data folder: only the probe (replaced by a rename, which touches the folder),
        # the driver's log and the app's own log moved.
        files_after = files(data)
        noise = {str(data), str(data / "probe.json"), str(data / "kiosk.log")}
        changed = {p for p in set(files_before) | set(files_after)
                   if files_before.get(p) != files_after.get(p) and p not in noise
                   and not p.startswith(str(data / "logs"))}
        assert changed == set()
    finally:
        code = kiosk.stop()
        server.stop()
    log = kiosk.log_text()
    assert code == 0 and "Traceback" not in log, log[-3000:]
    assert "Kivy was imported before configure_kivy" not in log
    assert files(home) == before_home  # ~/.kivy: read by nothing, written by nothing
    assert not (kivy_dir / "mods" / "PLANTED-MODULE-RAN").exists()
    assert not (data / KIVY_HOME_NAME).exists()  # Kivy wrote nothing in its own home either


SETUP_PROBE = """
import json, sys
from pathlib import Path
from kiosk.ui.launcher import configure_kivy
configure_kivy(fullscreen=False, kivy_home=Path(sys.argv[-1]))
import kivy
from kivy.config import Config
from kivy.modules import Modules
print(json.dumps({
    "argv": sys.argv[1:],
    "home": kivy.kivy_home_dir,
    "config_file": Config.filename,
    "rotation": Config.get("graphics", "rotation"),
    "exit_on_escape": Config.get("kivy", "exit_on_escape"),
    "keyboard_mode": Config.get("kivy", "keyboard_mode"),
    "modules": Config.items("modules"),
    "known_modules": sorted(Modules.list()),
}))
"""


def test_kivy_takes_nothing_from_home_kivy_home_the_environment_or_the_command_line(
    tmp_path: Path,
) -> None:
    """configure_kivy in a fresh interpreter, with a hostile ~/.kivy, a hostile $KIVY_HOME,
    KCFG_* variables, KIVY_NO_ARGS=0 and Kivy's own options on the command line."""
    home = tmp_path / "home"
    kivy_dir = hostile_home(home)
    other = tmp_path / "other-kivy-home"
    (other / "mods").mkdir(parents=True)
    (other / "config.ini").write_bytes((kivy_dir / "config.ini").read_bytes())
    (other / "mods" / "planted.py").write_bytes((kivy_dir / "mods" / "planted.py").read_bytes())
    before = files(home, other)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIVY_", "KCFG_"))}
    env.update({"HOME": str(home), "KIVY_HOME": str(other), "KIVY_NO_ARGS": "0",
                "KCFG_GRAPHICS_ROTATION": "90", "KCFG_MODULES_INSPECTOR": "",
                "KCFG_KIVY_EXIT_ON_ESCAPE": "1"})
    # Kivy's options (-m module, -r rotation, -c section:key:value) before our own argument.
    options = ["-m", "inspector", "-r", "270", "-c", "kivy:keyboard_mode:dock"]
    # Kivy skips its options when an argument names pytest: our folder must not.
    with tempfile.TemporaryDirectory(prefix="kiosk-data-") as data:
        ours = Path(data) / KIVY_HOME_NAME
        assert "pytest" not in str(ours)
        result = subprocess.run([sys.executable, "-c", SETUP_PROBE, *options, str(ours)],
                                env=env, capture_output=True, text=True, cwd=home)
        assert result.returncode == 0, result.stderr[-3000:]
        assert not ours.exists()  # Kivy wrote nothing in the home it was given
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["argv"] == [*options, str(ours)]  # Kivy left the command line alone
    assert seen["home"] == str(ours) and seen["config_file"] is None
    assert (seen["rotation"], seen["exit_on_escape"], seen["keyboard_mode"]) == ("0", "0", "system")
    assert seen["modules"] == [] and "planted" not in seen["known_modules"]
    assert files(home, other) == before  # nothing there ran, nothing there was written
