"""Reads the SQLite content cache: the app's only way to content, as plain dataclasses.

Cache files are built and switched by :mod:`contentlib.cache`; a store opens one file
read-only and never changes it.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from contentlib.model import (
    Block,
    Document,
    GuideDef,
    LinkDef,
    LinkText,
    QuestionDef,
    QuestionText,
    Source,
)
from contentlib.schema import ABOUT_ID
from contentlib.search import SearchHit, fold_for_search, make_snippet


class ContentStore:
    """Read-only access to one cache file. Returns plain dataclasses."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.db = sqlite_utils.Database(self._conn)

    def close(self) -> None:
        self._conn.close()

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
        return [
            GuideDef(
                r["id"],
                r["position"],
                r["country"],
                r["image"],
                tuple(Source(**s) for s in json.loads(r["sources"])),
                r.get("icon"),  # absent in a cache built before icons existed
            )
            for r in self.db["guides"].rows_where("id != ?", [ABOUT_ID], order_by="position")
        ]

    def about_sources(self) -> tuple[Source, ...]:
        row = self.db["guides"].get(ABOUT_ID)
        return tuple(Source(**s) for s in json.loads(row["sources"]))

    def guide_def(self, guide_id: str) -> GuideDef:
        r = self.db["guides"].get(guide_id)
        sources = tuple(Source(**s) for s in json.loads(r["sources"]))
        return GuideDef(r["id"], r["position"], r["country"], r["image"], sources, r.get("icon"))

    def document(self, guide_id: str, lang: str) -> Document | None:
        rows = list(
            self.db["guide_texts"].rows_where("guide_id = ? AND lang = ?", [guide_id, lang])
        )
        if not rows:
            return None
        r = rows[0]
        blocks = tuple(Block.from_json(b) for b in json.loads(r["blocks"]))
        return Document(guide_id, lang, r["title"], r["summary"], r["last_reviewed"], blocks)

    def question_defs(self) -> list[QuestionDef]:
        return [
            QuestionDef(r["id"], r["position"], r["guide_id"], tuple(json.loads(r["options"])), r["answer"])
            for r in self.db["questions"].rows_where(order_by="position")
        ]

    def question_text(self, question_id: str, lang: str) -> QuestionText | None:
        rows = list(
            self.db["question_texts"].rows_where("question_id = ? AND lang = ?", [question_id, lang])
        )
        if not rows:
            return None
        r = rows[0]
        return QuestionText(question_id, lang, r["question"], json.loads(r["options"]), r["explanation"])

    def link_defs(self) -> list[LinkDef]:
        return [
            LinkDef(r["id"], r["position"], r["kind"], r["url"], r["country"])
            for r in self.db["links"].rows_where(order_by="position")
        ]

    def link_text(self, link_id: str, lang: str) -> LinkText | None:
        rows = list(self.db["link_texts"].rows_where("link_id = ? AND lang = ?", [link_id, lang]))
        if not rows:
            return None
        return LinkText(link_id, lang, rows[0]["label"], rows[0]["description"])

    def media(self, path: str) -> bytes | None:
        rows = list(self.db["media"].rows_where("path = ?", [path]))
        return rows[0]["data"] if rows else None

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
