"""The SQLite cache: built from content, read by the app, replaced atomically."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import CONTENT, CONTENT_LANGUAGES, CONTENT_VERSION, GUIDE_IDS
from kiosk.content_model import ContentError
from kiosk.store import POINTER_NAME, ContentStore, current_cache_path, ensure_cache, migrations


def test_first_start_builds_the_cache_from_bundled_content(tmp_path: Path) -> None:
    assert current_cache_path(tmp_path) is None
    path = ensure_cache(tmp_path, CONTENT)
    assert current_cache_path(tmp_path) == path
    store = ContentStore(path)
    assert store.languages() == CONTENT_LANGUAGES
    assert store.content_version == CONTENT_VERSION
    assert [g.id for g in store.guide_defs()] == GUIDE_IDS
    assert store.document("register-italy", "el").title == "Ψηφοφορία στην Ιταλία"
    assert store.media("media/ballot-box.png")[:8] == b"\x89PNG\r\n\x1a\n"
    applied = [m.name for m in migrations.applied(store.db)]
    assert applied == ["m001_initial"]
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_unchanged_content_reuses_the_cache(tmp_path: Path) -> None:
    first = ensure_cache(tmp_path, CONTENT)
    mtime = first.stat().st_mtime_ns
    assert ensure_cache(tmp_path, CONTENT) == first
    assert first.stat().st_mtime_ns == mtime


def test_changed_bundled_content_rebuilds_keeping_one_previous_file(tmp_path: Path, content_copy: Path) -> None:
    first = ensure_cache(tmp_path, content_copy)
    guide = content_copy / "en" / "guides" / "ep-voting.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("One vote only", "Only one vote"), encoding="utf-8")
    second = ensure_cache(tmp_path, content_copy)
    assert second != first and first.exists()
    blocks = ContentStore(second).document("ep-voting", "en").blocks
    assert any(b.plain_text() == "Only one vote" for b in blocks)
    guide.write_text(guide.read_text(encoding="utf-8").replace("Only one vote", "A single vote"), encoding="utf-8")
    third = ensure_cache(tmp_path, content_copy)
    assert sorted((tmp_path / "cache").glob("*.db")) == sorted([second, third])


def test_broken_content_keeps_the_last_good_cache(tmp_path: Path, content_copy: Path) -> None:
    good = ensure_cache(tmp_path, content_copy)
    (content_copy / "structure.yaml").write_text("schema: 1\nguides: [", encoding="utf-8")
    assert ensure_cache(tmp_path, content_copy) == good
    assert ContentStore(good).content_version == CONTENT_VERSION


def test_broken_content_on_first_start_is_a_clear_error(tmp_path: Path, content_copy: Path) -> None:
    quiz = content_copy / "en" / "quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8") + "\nbroken: [\n", encoding="utf-8")
    with pytest.raises(ContentError) as excinfo:
        ensure_cache(tmp_path, content_copy)
    assert "en/quiz.yaml:" in str(excinfo.value)
    assert current_cache_path(tmp_path) is None
    assert list((tmp_path / "cache").glob("*")) == [] if (tmp_path / "cache").exists() else True


def test_a_corrupt_cache_file_is_rebuilt(tmp_path: Path) -> None:
    path = ensure_cache(tmp_path, CONTENT)
    path.write_bytes(b"this is not a database" * 100)
    rebuilt = ensure_cache(tmp_path, CONTENT)
    assert ContentStore(rebuilt).languages() == CONTENT_LANGUAGES


def test_a_pointer_outside_the_data_folder_is_ignored(tmp_path: Path) -> None:
    ensure_cache(tmp_path, CONTENT)
    (tmp_path / POINTER_NAME).write_text("../../etc/passwd", encoding="utf-8")
    assert current_cache_path(tmp_path) is None


@pytest.mark.parametrize(
    ("lang", "query", "guide"),
    [
        ("en", "mayor", "register-italy"),
        ("en", "MAYOR", "register-italy"),
        ("el", "εκλογές", "municipal-voting"),
        ("el", "εκλογες", "municipal-voting"),
        ("bg", "избори", "municipal-voting"),
        ("el", "δήμαρχο", "register-italy"),
    ],
)
def test_full_text_search_ignores_case_and_accents(tmp_path: Path, lang: str, query: str, guide: str) -> None:
    store = ContentStore(ensure_cache(tmp_path, CONTENT))
    hits = list(store.search(query, lang))
    assert guide in [h.guide_id for h in hits]
    assert all(h.lang == lang for h in hits)


def test_search_with_quotes_or_nothing_is_safe(tmp_path: Path) -> None:
    store = ContentStore(ensure_cache(tmp_path, CONTENT))
    assert list(store.search('"', "en")) == []
    assert list(store.search("   ", "en")) == []
    assert list(store.search('mayor" OR "x', "en")) == []
