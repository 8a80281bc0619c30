"""Shared fixtures. Kivy reads its environment at import, so it is set here first."""
from __future__ import annotations

import os

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
# Frames in the GUI tests wait for nothing (tests/gui_support.py); the soak's child process
# inherits it.
os.environ.setdefault("KIOSK_TEST_FAST_FRAMES", "1")
# Frames fill no pixels except where a test looks at them (tests/gui_support.py, "Pixels");
# the soak's child process inherits it.
os.environ.setdefault("KIOSK_TEST_SKIP_PAINT", "1")
# Mesa's software renderer (llvmpipe) draws on the calling thread instead of a thread per
# core: ./dev.sh test runs a test process per core already, and one thread took less CPU
# time per frame even alone (a three-language self-test: 107 s instead of 122 s).
os.environ.setdefault("LP_NUM_THREADS", "0")

import functools  # noqa: E402
import gc  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import weakref  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

if TYPE_CHECKING:
    from contentlib.model import ContentSet, Problem
    from contentlib.store import ContentStore

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
_STRUCTURE = yaml.safe_load((CONTENT / "structure.yaml").read_text(encoding="utf-8"))
CONTENT_VERSION: str = _STRUCTURE["version_label"]
GUIDE_IDS: list[str] = [g["id"] for g in _STRUCTURE["guides"]]
GUIDE_COUNTRIES: dict[str, str | None] = {g["id"]: g.get("country") for g in _STRUCTURE["guides"]}
CONTENT_LANGUAGES: list[str] = sorted(
    p.name for p in CONTENT.iterdir() if p.is_dir() and p.name != "media"
)


@functools.cache
def bundled_load() -> tuple[ContentSet | None, list[Problem]]:
    """``load_content`` of the bundled content, once per test process, for tests that only
    read what it returns."""
    from contentlib.source import load_content

    return load_content(CONTENT)


def bundled_content() -> ContentSet:
    """The bundled content as loaded (:func:`bundled_load`)."""
    content, problems = bundled_load()
    assert content is not None, problems
    return content


@pytest.fixture(scope="session")
def bundled_store() -> ContentStore:
    """The content cache built from the bundled content, once per test process and shared
    with the GUI tests' new data folders (tests/bundled_cache.py), for tests that only read
    it (a store opens its cache read-only)."""
    from bundled_cache import bundled_data_dir
    from contentlib.cache import ensure_cache
    from contentlib.store import ContentStore

    return ContentStore(ensure_cache(bundled_data_dir(CONTENT), CONTENT))


def copy_content(target: Path, languages: Sequence[str] | None = None) -> Path:
    """Copy the bundled content folder to ``target``: whole, or with ``languages`` only the
    structure, the media, English (the source language, which the checks need) and those
    languages. Reading all ten languages takes 2-3 s; a test of one file's checks reads
    the languages it changes."""
    if languages is None:
        shutil.copytree(CONTENT, target)
        return target
    target.mkdir(parents=True)
    shutil.copy2(CONTENT / "structure.yaml", target)  # with its time, as copytree copies
    for folder in ("media", "en", *languages):
        if not (target / folder).exists():
            shutil.copytree(CONTENT / folder, target / folder)
    return target


@pytest.fixture
def content_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A writable copy of the bundled content folder, for tests that break it; under the
    marker ``content_languages("bg", ...)``, with English and those languages only."""
    marker = request.node.get_closest_marker("content_languages")
    return copy_content(tmp_path / "content", None if marker is None else marker.args)


_stopped_apps: list[tuple[str, weakref.ref]] = []
"""(test, app) for each app stopped by the test before this one."""


@pytest.fixture(autouse=True)
def _free_stopped_apps(request: pytest.FixtureRequest) -> Iterator[None]:
    """Before a test: the apps the test before it stopped (gui_support.stop_app), which
    nothing refers to any more, are freed by a full garbage collection; one that is still
    there fails this test, with the name of the test that stopped it (something outside the
    app still holds it, and every later collection walks it again: while never-ending
    animations kept the stopped apps alive, full collections took 38 s of a 131 s run of
    test_gui.py; 29 s of 121 s once they were freed).

    Freed before the next test draws anything: a stopped app's widgets still follow the
    translator that all apps share, so a language switch in a later test re-rendered them,
    and a scroll bar of theirs could start fading then and be held by Kivy's running
    animations past the collection. (A collection after every fourth app let that happen.)
    A test's own apps are still held by its fixture values until its teardown ends, so they
    are collected at the start of the next test."""
    if _stopped_apps:
        gc.collect()
        kept = [test for test, app in _stopped_apps if app() is not None]
        _stopped_apps.clear()
        # (a failed test's traceback holds its app: not a leak)
        assert not kept or request.session.testsfailed, \
            f"apps stopped by these tests are still alive after a collection: {kept}"
    yield
    support = sys.modules.get("gui_support")
    if support is not None:
        _stopped_apps.extend((request.node.nodeid, app) for app in support.take_stopped_apps())


# Run order: the slow tests first, then the other tests that draw (GUI, end to end), then
# the rest; each group keeps its own order. With parallel workers (pytest-xdist, as
# ./dev.sh test runs them) the longest tests then start at once instead of being left to
# one worker at the end while the other has finished.
LONGEST = ("test_soak.py", "test_packaging.py")
"""Files of the longest slow tests (the soak, the frozen app's build and self-test)."""


def _weight(item: pytest.Item) -> tuple[int, int]:
    if item.get_closest_marker("slow"):
        return 0, 0 if item.path.name in LONGEST else 1
    if item.get_closest_marker("gui") or item.get_closest_marker("e2e"):
        return 1, 0
    return 2, 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_weight)  # stable: the order within each group stays
