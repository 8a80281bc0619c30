"""Reads the SQLite content cache: the app's only way to content, as plain dataclasses.

Cache files are built and switched by :mod:`contentlib.cache`; a store opens one file
read-only and never changes it.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from contentlib.model import (
    ABOUT_ID,
    Block,
    DeskRequestText,
    Document,
    GuideDef,
    LinkDef,
    LinkText,
    QuestionDef,
    QuestionText,
    Source,
)
from contentlib.search import SearchHit, fold_for_search, make_snippet


def _icon(row: sqlite3.Row) -> str | None:
    return row["icon"] if "icon" in row.keys() else None  # no column in a cache from before icons


def _guide_def(r: sqlite3.Row) -> GuideDef:
    # a cache from before desk cards has no desk columns: its guides offer none
    desk = tuple(json.loads(r["desk"])) if "desk" in r.keys() else ()
    links = tuple(json.loads(r["desk_links"]).items()) if "desk_links" in r.keys() else ()
    return GuideDef(r["id"], r["position"], r["country"], r["image"],
                    tuple(Source(**s) for s in json.loads(r["sources"])), _icon(r), desk, links)


class ContentStore:
    """Read-only access to one cache file. Returns plain dataclasses."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Plain sqlite3 here: the reader needs a handful of SELECTs, and importing
        # sqlite-utils (the writer's library) would add ~0.1 s to every start.
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self._conn.close()

    def _rows(self, sql: str, *params: object) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    def _guide_row(self, guide_id: str) -> sqlite3.Row:
        row = self._conn.execute("SELECT * FROM guides WHERE id = ?", [guide_id]).fetchone()
        if row is None:
            raise KeyError(f"no guide '{guide_id}' in {self.path}")
        return row

    def meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    @property
    def content_version(self) -> str:
        return self.meta("content_version") or ""

    @property
    def source_language(self) -> str:
        return self.meta("source_language") or "en"

    def languages(self) -> list[str]:
        return json.loads(self.meta("languages") or "[]")

    def guide_defs(self) -> list[GuideDef]:
        return [_guide_def(r) for r in
                self._rows("SELECT * FROM guides WHERE id != ? ORDER BY position", ABOUT_ID)]

    def about_sources(self) -> tuple[Source, ...]:
        row = self._guide_row(ABOUT_ID)
        return tuple(Source(**s) for s in json.loads(row["sources"]))

    def guide_def(self, guide_id: str) -> GuideDef:
        return _guide_def(self._guide_row(guide_id))

    def document(self, guide_id: str, lang: str) -> Document | None:
        rows = self._rows("SELECT * FROM guide_texts WHERE guide_id = ? AND lang = ?", guide_id, lang)
        if not rows:
            return None
        r = rows[0]
        blocks = tuple(Block.from_json(b) for b in json.loads(r["blocks"]))
        return Document(guide_id, lang, r["title"], r["summary"], r["last_reviewed"], blocks)

    def question_defs(self) -> list[QuestionDef]:
        return [
            QuestionDef(r["id"], r["position"], r["guide_id"], tuple(json.loads(r["options"])), r["answer"])
            for r in self._rows("SELECT * FROM questions ORDER BY position")
        ]

    def question_text(self, question_id: str, lang: str) -> QuestionText | None:
        rows = self._rows("SELECT * FROM question_texts WHERE question_id = ? AND lang = ?",
                          question_id, lang)
        if not rows:
            return None
        r = rows[0]
        return QuestionText(question_id, lang, r["question"], json.loads(r["options"]), r["explanation"])

    def link_defs(self) -> list[LinkDef]:
        return [
            LinkDef(r["id"], r["position"], r["kind"], r["url"], r["country"])
            for r in self._rows("SELECT * FROM links ORDER BY position")
        ]

    def link_text(self, link_id: str, lang: str) -> LinkText | None:
        rows = self._rows("SELECT * FROM link_texts WHERE link_id = ? AND lang = ?", link_id, lang)
        if not rows:
            return None
        return LinkText(link_id, lang, rows[0]["label"], rows[0]["description"])

    @cached_property
    def _tables(self) -> frozenset[str]:
        """The cache file's tables (read once: a store never changes its file); a cache
        from before desk cards has none of the desk tables."""
        return frozenset(r[0] for r in self._rows("SELECT name FROM sqlite_master WHERE type = 'table'"))

    def _has_table(self, name: str) -> bool:
        return name in self._tables

    def desk_request_text(self, request_id: str, lang: str) -> DeskRequestText | None:
        if not self._has_table("desk_request_texts"):
            return None
        rows = self._rows("SELECT * FROM desk_request_texts WHERE request_id = ? AND lang = ?",
                          request_id, lang)
        return DeskRequestText(request_id, lang, rows[0]["label"], rows[0]["text"]) if rows else None

    def desk_phrases(self, lang: str, section: str) -> dict[str, str]:
        """A language's desk card (``section="card"``) or staff page (``"staff"``) phrases."""
        if not self._has_table("desk_phrases"):
            return {}
        return {r["key"]: r["text"] for r in self._rows(
            "SELECT key, text FROM desk_phrases WHERE lang = ? AND section = ?", lang, section)}

    def media(self, path: str) -> bytes | None:
        rows = self._rows("SELECT data FROM media WHERE path = ?", path)
        return rows[0]["data"] if rows else None

    def media_paths(self) -> list[str]:
        """The path of every image the cache holds."""
        return [r["path"] for r in self._rows("SELECT path FROM media ORDER BY path")]

    def search(self, query: str, lang: str, limit: int = 20) -> Iterator[SearchHit]:
        """Full-text search over guide titles and text in one language.

        Matching uses the folded search columns (case and accents ignored, each query
        word a word prefix); each hit's snippet is cut from the original text with the
        matched words marked (:func:`make_snippet`).
        """
        words = [w.replace('"', "") for w in fold_for_search(query).split() if w.strip('"')]
        if not words:
            return
        fts_query = " ".join(f'"{w}"*' for w in words)
        sql = (
            "SELECT guide_texts.guide_id, guide_texts.lang, guide_texts.title, "
            "guide_texts.body, guide_texts.search_body, guide_texts.summary "
            "FROM guide_texts_fts JOIN guide_texts ON guide_texts.rowid = guide_texts_fts.rowid "
            "WHERE guide_texts_fts MATCH ? AND guide_texts.lang = ? AND guide_texts.guide_id != ? "
            "ORDER BY rank LIMIT ?"
        )
        for guide_id, hit_lang, title, body, folded_body, summary in self._conn.execute(
            sql, [fts_query, lang, ABOUT_ID, limit]
        ):
            snippet = make_snippet(body, summary, words, folded_body)
            yield SearchHit(guide_id, hit_lang, title, snippet)
