"""``kiosk --selftest``: proves an installation can show everything, or names what is missing.

It checks the bundled resources, builds a cache from the bundled content in a temporary
folder (the live data is only read), compiles every offered language's catalog, opens the
live cache if there is one, then starts the real app in a window and shows every screen in
every offered language. Each check prints one ``ok`` or ``FAIL`` line; the exit code is 0
only when all passed. Kivy is imported only for the screen check.
"""
from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

from kiosk import paths
from kiosk.config import HealthSettings, KioskConfig, SyncSettings


class Report:
    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out
        self.failures = 0

    def ok(self, what: str) -> None:
        self.out(f"ok    {what}")

    def fail(self, what: str) -> None:
        self.failures += 1
        self.out(f"FAIL  {what}")


def check_resources(report: Report) -> None:
    root = paths.project_root()
    package = Path(__file__).resolve().parent
    required = [
        paths.bundled_content_dir() / "structure.yaml",
        paths.locales_dir(),
        package / "app.kv",
        *(package / "screens" / f"{name}.kv" for name in _screen_names()),
        package / "widgets" / "common.kv",
    ]
    missing = [p for p in required if not p.exists()]
    for path in missing:
        report.fail(f"missing: {path}")
    if not missing:
        report.ok(f"resources in {root}")
    from sync.keys import read_key_lines

    try:
        pinned = read_key_lines(paths.pinned_keys_file())
    except ValueError as exc:
        report.fail(f"pinned keys: {exc}")
    else:
        report.ok(f"pinned public keys: {len(pinned)} in {paths.pinned_keys_file()}")


def _screen_names() -> tuple[str, ...]:
    from kiosk.screens import SCREENS

    return SCREENS


def check_content(report: Report, scratch: Path) -> Path | None:
    """Build a cache from the bundled content in ``scratch``; return its data folder."""
    from kiosk.content_model import ContentError
    from kiosk.store import ContentStore, ensure_cache

    try:
        cache = ensure_cache(scratch, paths.bundled_content_dir())
    except ContentError as exc:
        report.fail(f"bundled content {paths.bundled_content_dir()}:\n{exc}")
        return None
    store = ContentStore(cache)
    try:
        report.ok(
            f"bundled content {store.content_version}: {len(store.guide_defs())} guides, "
            f"{len(store.question_defs())} quiz questions, languages {', '.join(store.languages())}"
        )
    finally:
        store.close()
    return scratch


def check_live_cache(report: Report, data_dir: Path) -> None:
    import sqlite3

    from kiosk.store import current_cache_path

    cache = current_cache_path(data_dir)
    if cache is None:
        report.ok(f"live cache: none yet in {data_dir} (the first start builds it)")
        return
    try:
        conn = sqlite3.connect(f"file:{cache}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("SELECT value FROM meta WHERE key = 'content_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        report.fail(f"live cache {cache}: {exc}")
        return
    if result != "ok":
        report.fail(f"live cache {cache}: integrity check says {result}")
    else:
        report.ok(f"live cache {cache}: version {version[0] if version else '?'}")


def check_catalogs(report: Report, languages: tuple[str, ...]) -> None:
    from kiosk.catalogs import po_path, translations

    for lang in languages:
        if lang == "en":
            continue  # English is the source language of the catalogs
        path = po_path(paths.locales_dir(), lang)
        if not path.exists():
            report.fail(f"missing catalog: {path}")
            continue
        try:
            catalog = translations(paths.locales_dir(), lang)
            probe = catalog.gettext("Touch to start")
        except Exception as exc:  # a broken catalog must be named, whatever babel raised
            report.fail(f"catalog {path}: {type(exc).__name__}: {exc}")
            continue
        report.ok(f"catalog {lang}: 'Touch to start' -> {probe!r}")


def _screen_steps(app: object, languages: tuple[str, ...]) -> Iterator[str]:
    """Show every screen in every language, one per frame; yields what was shown."""
    from kiosk.i18n import tr

    guide_ids = [g.id for g in app.store.guide_defs()]  # type: ignore[attr-defined]
    for lang in languages:
        app.visit.language = lang  # type: ignore[attr-defined]
        tr.switch_lang(lang)
        for name in _screen_names():
            params: dict[str, object] = {}
            if name == "guide":
                params = {"guide_id": guide_ids[0]}
            elif name == "quiz":
                params = {"restart": True}
            app.open_screen(name, **params)  # type: ignore[attr-defined]
            yield f"{name} in {lang}"
    app.end_visit()  # type: ignore[attr-defined]
    yield "attract after the visit"


def check_screens(report: Report, config: KioskConfig, data_dir: Path) -> None:
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        report.fail("screens: no display to open a window on (set DISPLAY, e.g. DISPLAY=:0)")
        return
    from kiosk.launcher import configure_kivy

    configure_kivy(fullscreen=False)
    from kivy.clock import Clock

    from kiosk.app import KioskApp

    # No updates, heartbeats or metrics from a self-test: it only looks.
    quiet = dataclasses.replace(config, sync=SyncSettings(), health=HealthSettings())
    app = KioskApp(quiet, data_dir, usage_enabled=False)
    shown: list[str] = []
    errors: list[str] = []

    def start(_dt: float) -> None:
        steps = _screen_steps(app, config.kiosk.languages)
        app.start_visit()

        def step(_dt: float) -> bool:
            try:
                shown.append(next(steps))
                return True
            except StopIteration:
                app.allow_exit = True
                app.stop()
                return False
            except Exception:
                errors.append(traceback.format_exc())
                app.allow_exit = True
                app.stop()
                return False

        Clock.schedule_interval(step, 0)

    Clock.schedule_once(start, 0.2)
    try:
        app.run()
    except Exception:
        errors.append(traceback.format_exc())
    expected = len(config.kiosk.languages) * len(_screen_names()) + 1
    if errors:
        report.fail(f"screens: failed after {len(shown)} of {expected}:\n{errors[0]}")
    elif len(shown) != expected:
        report.fail(f"screens: only {len(shown)} of {expected} shown")
    else:
        report.ok(f"screens: {len(_screen_names())} screens x {len(config.kiosk.languages)} languages shown")


def run_selftest(config: KioskConfig, data_dir_option: str | None,
                 out: Callable[[str], None] = print) -> int:
    report = Report(out)
    check_resources(report)
    check_catalogs(report, config.kiosk.languages)
    live = paths.data_dir(data_dir_option)
    check_live_cache(report, live)
    with tempfile.TemporaryDirectory(prefix="kiosk-selftest-") as tmp:
        scratch = check_content(report, Path(tmp))
        if scratch is not None and report.failures == 0:
            check_screens(report, config, scratch)
        elif scratch is not None:
            report.fail("screens: not tried, fix the failures above first")
    out("selftest: passed" if report.failures == 0 else f"selftest: {report.failures} failed")
    return 0 if report.failures == 0 else 1
