"""Full garbage collections happen between visits (issue 13): the kiosk collects and
freezes what survives when a visit ends, never during one, and what it froze is still
freed once let go of, at the next visit's end."""
from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui_support import advance_frames, seed_data_dir, start_app, stop_app, tap  # noqa: I001

from conftest import CONTENT
from kiosk.config import parse_config
from kiosk.ui.app import KioskApp
from kiosk.ui.collector import collect_and_freeze

pytestmark = pytest.mark.gui

CONFIG = parse_config(
    """
[kiosk]
host_country = "IT"
languages = ["en", "el"]
default_language = "en"
"""
)


class Cycle:
    """An object only the cyclic collector can free (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def app(tmp_path: Path) -> Iterator[KioskApp]:
    app, _clock = start_app(CONFIG, tmp_path / "data", content_dir=CONTENT)
    yield app
    stop_app(app)


def test_frozen_objects_are_still_freed_at_the_next_collection() -> None:
    kept = Cycle()
    ref = weakref.ref(kept)
    try:
        collect_and_freeze()
        del kept
        gc.collect()  # an ordinary full collection leaves frozen objects alone ...
        assert ref() is not None
        collect_and_freeze()  # ... the kiosk's between visits does not
        assert ref() is None
    finally:
        gc.unfreeze()


def test_the_kiosk_collects_between_visits_and_never_during_one(app: KioskApp) -> None:
    for _ in range(400):  # start-up: the screens are built, then a first collection
        advance_frames(1)
        if app.screens.complete:
            break
    advance_frames(3)
    assert gc.get_freeze_count() > 10_000
    gc.unfreeze()
    tap(app.screens["attract"])
    tap(app.screens["language"].button_for("en"))
    assert app.in_visit
    app.collector.request()  # asked during a visit: nothing happens
    advance_frames(3)
    assert gc.get_freeze_count() == 0
    garbage = Cycle()
    ref = weakref.ref(garbage)
    del garbage
    app.end_visit()
    advance_frames(2)
    assert ref() is None and gc.get_freeze_count() > 10_000  # collected, survivors frozen
    assert app.screens["home"] is not None  # the screens live on (frozen, not freed)


def test_start_up_sets_off_no_full_collection_until_it_is_frozen(tmp_path: Path) -> None:
    full: list[int] = []

    def count_full(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(1)

    seed_data_dir(tmp_path / "data", CONTENT)  # (the tests' copy of the cache, built once)
    thresholds = gc.get_threshold()
    gc.collect()  # Python's count of long-lived objects is then this process's own
    gc.callbacks.append(count_full)
    try:
        app, _clock = start_app(CONFIG, tmp_path / "data", content_dir=CONTENT)
        try:
            for _ in range(400):  # the screens and the guides built ahead, in idle frames
                advance_frames(1)
                if app.screens.complete:
                    break
            assert app.screens.complete and gc.get_freeze_count() > 10_000
            # some 170,000 objects made, none walked twice by a full collection
            assert full == [], f"{len(full)} full collections while the kiosk started"
            assert gc.get_threshold() == thresholds  # full collections are back once frozen
        finally:
            stop_app(app)
    finally:
        gc.callbacks.remove(count_full)
    assert gc.get_threshold() == thresholds
