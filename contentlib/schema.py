"""The tables of the SQLite content cache, shared by its writer (:mod:`contentlib.cache`)
and its reader (:mod:`contentlib.store`).
"""
from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("kiosk-content-cache")

from contentlib.model import ABOUT_ID  # noqa: F401  (the guide tables hold the about page too)


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["guides"].create(
        {"id": str, "position": int, "country": str, "image": str, "sources": str}, pk="id"
    )
    db["guide_texts"].create(
        {
            "guide_id": str,
            "lang": str,
            "title": str,
            "summary": str,
            "last_reviewed": str,
            "blocks": str,
            "body": str,
            "search_title": str,
            "search_body": str,
        },
        pk=("guide_id", "lang"),
    )
    # The search_* columns hold fold_for_search() text: FTS5's own diacritic folding
    # covers Latin script only, and visitors type Greek without tonos too.
    db["guide_texts"].enable_fts(["search_title", "search_body"], tokenize="unicode61")
    db["questions"].create(
        {"id": str, "position": int, "guide_id": str, "options": str, "answer": str}, pk="id"
    )
    db["question_texts"].create(
        {"question_id": str, "lang": str, "question": str, "options": str, "explanation": str},
        pk=("question_id", "lang"),
    )
    db["links"].create(
        {"id": str, "position": int, "kind": str, "url": str, "country": str}, pk="id"
    )
    db["link_texts"].create(
        {"link_id": str, "lang": str, "label": str, "description": str}, pk=("link_id", "lang")
    )
    db["media"].create({"path": str, "data": bytes}, pk="path")


@migrations()
def m002_guide_icons(db: sqlite_utils.Database) -> None:
    """Each guide's optional icon name (caches built before it have no such column)."""
    db["guides"].add_column("icon", str)


@migrations()
def m003_desk(db: sqlite_utils.Database) -> None:
    """The "Show this at the desk" card: what each guide offers and the country guides'
    official pages (JSON columns), the requests, their words and the card's and staff
    page's phrases per language (caches built before it have none of these)."""
    db["guides"].add_column("desk", str)
    db["guides"].add_column("desk_links", str)
    db["desk_requests"].create({"id": str, "position": int}, pk="id")
    db["desk_request_texts"].create(
        {"request_id": str, "lang": str, "label": str, "text": str}, pk=("request_id", "lang"))
    db["desk_phrases"].create(
        {"lang": str, "section": str, "key": str, "text": str}, pk=("lang", "section", "key"))
