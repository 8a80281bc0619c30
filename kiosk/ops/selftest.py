"""``kiosk --selftest``: proves an installation can show everything, or names what is missing.

It checks the bundled resources, builds a cache from the bundled content in a temporary
folder (the live data is only read), compiles every offered language's catalog, opens the
live cache if there is one, then starts the real app in a window and draws every page in
every offered language (every screen, guide and quiz question), from the content in use if
an update was applied, else from the bundled content; a failure names the page and language. Each check prints one ``ok`` or ``FAIL`` line; the exit code is 0
only when all passed. Kivy is imported only for the screen check.
"""
from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

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
    package = Path(__file__).resolve().parent.parent
    required = [
        paths.bundled_content_dir() / "structure.yaml",
        paths.locales_dir(),
        package / "ui" / "app.kv",
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
    from contentlib.model import ContentError
    from contentlib.cache import ensure_cache
    from contentlib.store import ContentStore

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

    from contentlib.cache import current_cache_path

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
    from contentlib.catalogs import po_path, translations

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


Step = tuple[str, Callable[[], None]]
MAX_REPORTED_FAILURES = 20


def page_steps(app: Any, languages: tuple[str, ...]) -> Iterator[Step]:
    """Every page a visitor can reach, in every language, as (what, action) pairs: each
    screen, every guide, every quiz question with its answer shown, the links page.

    Lazy on purpose: a quiz step's name is read after the step before it has run.
    """
    from kiosk.ui.i18n import tr
    from kiosk.core.quiz import QuizSession

    store = app.store
    questions = list(store.question_defs())
    quiz = app.screens["quiz"]

    def switch_then(lang: str, action: Callable[[], None]) -> None:
        app.visit.language = lang
        tr.switch_lang(lang)
        action()

    def every_question() -> None:
        # Every question of every country, not only the host's: a visitor can pick any.
        app.visit.quiz = QuizSession(questions)
        app.open_screen("quiz")

    def answer_and_next() -> None:
        quiz.choose(quiz.current_view.options[0][0])
        quiz.next_question()

    for lang in languages:
        names = [name for name in _screen_names() if name not in ("guide", "quiz")]
        yield f"screen {names[0]} in {lang}", partial(switch_then, lang, partial(app.open_screen, names[0]))
        for name in names[1:]:
            yield f"screen {name} in {lang}", partial(app.open_screen, name)
        for guide in store.guide_defs():
            yield f"guide {guide.id} in {lang}", partial(app.open_guide, guide.id)
        yield f"quiz in {lang}", every_question
        for _ in questions:
            yield f"quiz question {app.visit.quiz.current.id} in {lang}", answer_and_next
    yield "attract after the visit", app.end_visit


class PageWalk:
    """Runs :func:`page_steps` one step per frame and names every step that failed.

    A step fails when its action raises, or when an error reaches the app's UI error
    handler while that page is drawn (the handler counts it in ``app.ui_errors``).
    """

    def __init__(self, app: Any, steps: Iterator[Step]) -> None:
        self.app = app
        self.steps = steps
        self.shown = 0
        self.failures: list[str] = []
        self._last = ""
        self._errors_seen = app.ui_errors

    def step(self) -> bool:
        """Check the page drawn last, run the next step; False when there is none left."""
        self._check_drawn()
        if len(self.failures) >= MAX_REPORTED_FAILURES:
            return False
        try:
            what, action = next(self.steps)
        except StopIteration:
            return False
        except Exception as exc:  # naming the next step itself failed
            self.failures.append(f"after {self._last}: {type(exc).__name__}: {exc}")
            return False
        self._last = what
        try:
            # As a visitor's touches do: a walk that outlasts the idle timeout must not
            # be ended half-way (the quiz would be forgotten between two questions).
            self.app.continue_visit()
            action()
        except Exception as exc:  # every page is tried; each failure is named
            traceback.print_exc()
            self.failures.append(f"{what}: {type(exc).__name__}: {exc}")
        else:
            self.shown += 1
        return True

    def _check_drawn(self) -> None:
        if self.app.ui_errors > self._errors_seen:
            self._errors_seen = self.app.ui_errors
            self.failures.append(f"{self._last}: an error while drawing it (see the log above)")


def _live_content(data_dir: Path, scratch: Path) -> str:
    """Put a copy of the content in use (if any) into ``scratch``: the pages are drawn from
    what visitors see now, an applied update included. Returns where the content came from."""
    import shutil

    from contentlib.cache import CACHE_DIR_NAME, current_cache_path, set_current

    live = current_cache_path(data_dir)
    if live is None:
        return "the bundled content"
    (scratch / CACHE_DIR_NAME).mkdir(exist_ok=True)
    copy = scratch / CACHE_DIR_NAME / live.name
    shutil.copyfile(live, copy)
    set_current(scratch, copy)
    return f"the content in use ({live})"


def check_screens(report: Report, config: KioskConfig, data_dir: Path, live_dir: Path) -> None:
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        report.fail("screens: no display to open a window on (set DISPLAY, e.g. DISPLAY=:0)")
        return
    from kiosk.ui.launcher import configure_kivy

    configure_kivy(fullscreen=False)
    from kivy.clock import Clock

    from kiosk.ui.app import KioskApp

    origin = _live_content(live_dir, data_dir)
    # No updates, heartbeats or metrics from a self-test: it only looks.
    quiet = dataclasses.replace(config, sync=SyncSettings(), health=HealthSettings())
    app = KioskApp(quiet, data_dir, usage_enabled=False)
    errors: list[str] = []
    walk: list[PageWalk] = []

    def start(_dt: float) -> None:
        app.start_visit()
        walk.append(PageWalk(app, page_steps(app, config.kiosk.languages)))

        def step(_dt: float) -> bool:
            if walk[0].step():
                return True
            app.allow_exit = True
            app.stop()
            return False

        Clock.schedule_interval(step, 0)

    Clock.schedule_once(start, 0.2)
    try:
        app.run()
    except Exception:
        errors.append(traceback.format_exc())
    if errors:
        report.fail(f"screens: the app failed after {walk[0].shown if walk else 0} pages:\n{errors[0]}")
        return
    if not walk:
        report.fail("screens: the app closed before drawing anything")
        return
    for failure in walk[0].failures:
        report.fail(f"page {failure}")
    if not walk[0].failures:
        count = len(config.kiosk.languages)
        report.ok(f"pages: {walk[0].shown} drawn from {origin}: every screen, guide and quiz "
                  f"question in {count} language{'' if count == 1 else 's'}")


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
            check_screens(report, config, scratch, live)
        elif scratch is not None:
            report.fail("screens: not tried, fix the failures above first")
    out("selftest: passed" if report.failures == 0 else f"selftest: {report.failures} failed")
    return 0 if report.failures == 0 else 1
