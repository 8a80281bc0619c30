"""The SQLite cache: built from content, read by the app, replaced atomically."""
from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest
import sqlite_utils

from conftest import CONTENT, CONTENT_LANGUAGES, CONTENT_VERSION, GUIDE_IDS
from contentlib.model import (
    Block,
    ContentError,
    ContentSet,
    Document,
    GuideDef,
    LanguageContent,
    Span,
)
from kiosk.core.markup import marked_text_to_markup
from contentlib.cache import (
    CHECKED_NAME,
    POINTER_NAME,
    build_cache_file,
    current_cache_path,
    ensure_cache,
)
from contentlib.schema import migrations
from contentlib.search import SNIPPET_WORDS
from contentlib.store import ContentStore

# The cache's life cycle is the same for one language as for ten: content_copy holds English.
pytestmark = pytest.mark.content_languages()


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
    applied = [m.name for m in migrations.applied(sqlite_utils.Database(path))]
    assert applied == ["m001_initial", "m002_guide_icons", "m003_desk"]
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_unchanged_content_reuses_the_cache(tmp_path: Path, content_copy: Path) -> None:
    first = ensure_cache(tmp_path, content_copy)
    mtime = first.stat().st_mtime_ns
    assert ensure_cache(tmp_path, content_copy) == first
    assert first.stat().st_mtime_ns == mtime


def _hashing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def hashed(folder: Path) -> str:
        raise AssertionError(f"{folder} was hashed")

    monkeypatch.setattr("contentlib.cache.content_fingerprint", hashed)


def test_a_start_with_unchanged_content_does_not_hash_it(
    tmp_path: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ensure_cache(tmp_path, content_copy)  # builds, and notes the folder as it is
    _hashing_fails(monkeypatch)
    assert ensure_cache(tmp_path, content_copy) == first


def test_a_file_written_since_the_last_start_is_hashed_and_rebuilds(
    tmp_path: Path, content_copy: Path
) -> None:
    first = ensure_cache(tmp_path, content_copy)
    guide = content_copy / "en" / "guides" / "ep-voting.md"
    noted = guide.stat().st_mtime_ns
    # the same size, written a minute after the copy's time (not just now: see below)
    guide.write_text(guide.read_text(encoding="utf-8").replace("One vote only", "Only one vote"),
                     encoding="utf-8")
    os.utime(guide, ns=(noted + 60 * 10**9, noted + 60 * 10**9))
    second = ensure_cache(tmp_path, content_copy)
    assert second != first
    assert any(b.plain_text() == "Only one vote"
               for b in ContentStore(second).document("ep-voting", "en").blocks)


def test_a_file_written_just_now_is_not_trusted_to_its_time_and_size(
    tmp_path: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = content_copy / "en" / "guides" / "ep-voting.md"
    # As new as the start itself (a few seconds ahead, so however long the build takes):
    # written again within the file system's time step, it would keep its time and size,
    # so the start must not note the folder's signature.
    just_now = time.time_ns() + 10 * 10**9
    os.utime(guide, ns=(just_now, just_now))
    first = ensure_cache(tmp_path, content_copy)
    assert not (tmp_path / "cache" / CHECKED_NAME).exists()
    _hashing_fails(monkeypatch)
    with pytest.raises(AssertionError, match="was hashed"):
        ensure_cache(tmp_path, content_copy)
    monkeypatch.undo()
    assert ensure_cache(tmp_path, content_copy) == first


@pytest.mark.parametrize("note", ["{not json", '["a list"]', '{"cache": "content-other.db"}', ""])
def test_a_broken_or_foreign_check_note_means_hashing_again(
    tmp_path: Path, content_copy: Path, note: str
) -> None:
    first = ensure_cache(tmp_path, content_copy)
    (tmp_path / "cache" / CHECKED_NAME).write_text(note, encoding="utf-8")
    assert ensure_cache(tmp_path, content_copy) == first
    noted = json.loads((tmp_path / "cache" / CHECKED_NAME).read_text(encoding="utf-8"))
    assert noted["cache"] == first.name


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


def test_a_pointer_outside_the_data_folder_is_ignored(tmp_path: Path, content_copy: Path) -> None:
    ensure_cache(tmp_path, content_copy)
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
def test_full_text_search_ignores_case_and_accents(
    bundled_store: ContentStore, lang: str, query: str, guide: str
) -> None:
    store = bundled_store
    hits = list(store.search(query, lang))
    assert guide in [h.guide_id for h in hits]
    assert all(h.lang == lang for h in hits)


def test_search_with_quotes_or_nothing_is_safe(bundled_store: ContentStore) -> None:
    store = bundled_store
    assert list(store.search('"', "en")) == []
    assert list(store.search("   ", "en")) == []
    assert list(store.search('mayor" OR "x', "en")) == []


def _store_with_guide(tmp_path: Path, lang: str, *paragraphs: str) -> ContentStore:
    """A cache holding one guide ("g") whose body is ``paragraphs``, built without the
    content checks, as a cache from a content update could be."""
    blocks = (Block("heading", (Span("Guide"),)),
              *(Block("paragraph", (Span(text),)) for text in paragraphs))
    document = Document("g", lang, "Guide", "", "2024-01-01", blocks)
    content = ContentSet(
        source_language=lang,
        version_label="test",
        guides=[GuideDef("g", 0)],
        about_sources=(),
        questions=[],
        links=[],
        translations={lang: LanguageContent(lang, guides={"g": document})},
        fingerprint="0123456789abcdef" * 4,
    )
    return ContentStore(build_cache_file(content, tmp_path / "cache", {"origin": "test"}))


def _snippet(store: ContentStore, query: str, lang: str, guide: str) -> list[tuple[str, bool]]:
    hits = {h.guide_id: h for h in store.search(query, lang)}
    assert guide in hits, list(hits)
    return [(span.text, span.matched) for span in hits[guide].snippet]


@pytest.mark.parametrize("query", ["εκλογές", "εκλογες", "ΕΚΛΟΓΕΣ"])
def test_search_snippet_shows_the_greek_words_as_written(
    bundled_store: ContentStore, query: str
) -> None:
    store = bundled_store
    snippet = _snippet(store, query, "el", "municipal-voting")
    text = "".join(t for t, _ in snippet)
    assert "εκλογές" in text  # with its tonos and final sigma, as the guide has it
    assert "εκλογεσ" not in text
    assert {t for t, matched in snippet if matched} == {"εκλογές"}
    body = store.document("municipal-voting", "el").plain_text()
    assert text.strip("…") in body  # a piece of the real text, nothing folded or added


def test_search_snippet_shows_italian_accents(bundled_store: ContentStore) -> None:
    store = bundled_store
    snippet = _snippet(store, "citta", "it", "register-italy")
    text = "".join(t for t, _ in snippet)
    assert "città" in text and "citta" not in text
    assert [t for t, matched in snippet if matched] == ["città"]


def test_search_snippet_marks_exactly_the_matched_words(tmp_path: Path) -> None:
    line = "Voters vote in the town hall; a voter's card is devoted to Votes."
    store = _store_with_guide(tmp_path, "en", line)
    snippet = _snippet(store, "vote", "en", "g")
    assert "".join(t for t, _ in snippet) == line
    # whole words that start with the query, and only those ("devoted" does not)
    assert [t for t, matched in snippet if matched] == ["Voters", "vote", "voter", "Votes"]
    assert [t for t, matched in snippet if not matched] == [
        " ", " in the town hall; a ", "'s card is devoted to ", "."]
    # a two-word query marks both words where they stand together
    together = _snippet(store, "town HALL", "en", "g")
    assert [t for t, matched in together if matched] == ["town", "hall"]


def test_search_snippet_maps_folding_that_changes_the_length(tmp_path: Path) -> None:
    # "ß" folds to two letters, a decomposed accent (NFD) to none, "ﬁ" to two
    line = "Die Straße vor der Citta\u0300 ﬁnden Sie leicht."
    store = _store_with_guide(tmp_path, "de", line)
    for query, word in [("strasse", "Straße"), ("CITTÀ", "Citta\u0300"), ("finden", "ﬁnden")]:
        snippet = _snippet(store, query, "de", "g")
        assert "".join(t for t, _ in snippet) == line
        assert [t for t, matched in snippet if matched] == [word]


def test_search_snippet_of_a_long_block_is_cut_at_words_with_an_ellipsis(tmp_path: Path) -> None:
    words = [f"word{n}" for n in range(60)]
    near_end = " ".join([*words, "città", "finale."])
    near_start = " ".join(["città", *words])
    store = _store_with_guide(tmp_path, "it", near_end, "Un altro paragrafo.")
    snippet = _snippet(store, "citta", "it", "g")
    text = "".join(t for t, _ in snippet)
    assert text.startswith("…") and not text.endswith("…")
    shown = text.removeprefix("…")
    assert near_end.endswith(" " + shown)  # starts at a whole word, runs to the block's end
    assert len(shown.split()) == SNIPPET_WORDS
    assert [t for t, matched in snippet if matched] == ["città"]
    store = _store_with_guide(tmp_path / "other", "it", near_start)
    text = "".join(t for t, _ in _snippet(store, "citta", "it", "g"))
    assert text.endswith("…") and not text.startswith("…")
    assert near_start.startswith(text.removesuffix("…") + " ")


def test_search_snippet_returns_markup_in_content_literally(tmp_path: Path) -> None:
    line = "Bring your [b]ID card[/b] & [color=ff0000]papers[/color] &bl; [ref=x]here[/ref]."
    store = _store_with_guide(tmp_path, "en", line)
    snippet = _snippet(store, "card", "en", "g")
    assert "".join(t for t, _ in snippet) == line
    assert snippet == [("Bring your [b]ID ", False), ("card", True),
                       ("[/b] & [color=ff0000]papers[/color] &bl; [ref=x]here[/ref].", False)]
    # shown as Kivy markup, only the matched word is a tag; the content's brackets are text
    assert marked_text_to_markup(snippet) == (
        "Bring your &bl;b&br;ID [b]card[/b]&bl;/b&br; &amp; &bl;color=ff0000&br;papers"
        "&bl;/color&br; &amp;bl; &bl;ref=x&br;here&bl;/ref&br;.")
