"""Builds the SQLite content cache and switches the kiosk to a new one.

The app reads content only from a cache file (:class:`contentlib.store.ContentStore`). A
cache file is built whole into a temporary file, checked with ``PRAGMA integrity_check``
and then made current by atomically replacing a small pointer file, so a crash or a bad
content folder never leaves the kiosk without the last good content.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contentlib.atomic_file import fsync_dir, write_atomically
from contentlib.countries import country_name
from contentlib.fingerprint import content_fingerprint, stat_signature
from contentlib.model import ABOUT_ID, ContentError, ContentSet, GuideDef, Problem
from contentlib.search import fold_for_search

if TYPE_CHECKING:
    import sqlite_utils

# The writer's libraries (sqlite-utils, and the YAML and Markdown readers behind
# load_content) are imported in the functions that build a cache: the usual start finds
# its cache up to date and so skips about 0.2 s of imports.

POINTER_NAME = "current"
CACHE_DIR_NAME = "cache"
CHECKED_NAME = "bundled-checked.json"
"""In the cache folder: which cache file holds the bundled content, and the bundled
folder's :func:`~contentlib.fingerprint.stat_signature` when that was last confirmed."""

log = logging.getLogger(__name__)


def _write(db: sqlite_utils.Database, content: ContentSet, meta: dict[str, str]) -> None:
    def guide_row(g: GuideDef) -> dict[str, Any]:
        return {
            "id": g.id,
            "position": g.position,
            "country": g.country,
            "image": g.image,
            "icon": g.icon,
            "sources": json.dumps([s.__dict__ for s in g.sources]),
            "desk": json.dumps(list(g.desk)),
            "desk_links": json.dumps(dict(g.desk_links)),
        }

    about_def = GuideDef(ABOUT_ID, -1, None, None, content.about_sources)
    with db.atomic():
        db["guides"].insert_all(guide_row(g) for g in [about_def, *content.guides])
        texts = []
        country_of = {g.id: g.country for g in content.guides}
        for lang, tr in content.translations.items():
            docs = list(tr.guides.values()) + ([tr.about] if tr.about else [])
            for doc in docs:
                texts.append(
                    {
                        "guide_id": doc.id,
                        "lang": lang,
                        "title": doc.title,
                        "summary": doc.summary,
                        "last_reviewed": doc.last_reviewed,
                        "blocks": json.dumps([b.to_json() for b in doc.blocks]),
                        "body": doc.plain_text(),
                        # A country's name as CLDR gives it, so "Κύπρος" finds a guide
                        # that only says "στην Κύπρο".
                        "search_title": fold_for_search(
                            f"{doc.title} {country_name(country_of[doc.id], lang)}"
                            if country_of.get(doc.id) else doc.title
                        ),
                        "search_body": fold_for_search(doc.plain_text()),
                    }
                )
        db["guide_texts"].insert_all(texts)
        db["guide_texts"].populate_fts(["search_title", "search_body"])
        db["questions"].insert_all(
            {
                "id": q.id,
                "position": q.position,
                "guide_id": q.guide,
                "options": json.dumps(list(q.options)),
                "answer": q.answer,
            }
            for q in content.questions
        )
        db["question_texts"].insert_all(
            {
                "question_id": t.id,
                "lang": lang,
                "question": t.question,
                "options": json.dumps(t.options),
                "explanation": t.explanation,
            }
            for lang, tr in content.translations.items()
            for t in tr.quiz.values()
        )
        db["links"].insert_all(
            {"id": k.id, "position": k.position, "kind": k.kind, "url": k.url, "country": k.country}
            for k in content.links
        )
        db["link_texts"].insert_all(
            {"link_id": t.id, "lang": lang, "label": t.label, "description": t.description}
            for lang, tr in content.translations.items()
            for t in tr.links.values()
        )
        db["desk_requests"].insert_all(
            {"id": rid, "position": pos} for pos, rid in enumerate(content.desk_requests))
        db["desk_request_texts"].insert_all(
            {"request_id": t.id, "lang": lang, "label": t.label, "text": t.text}
            for lang, tr in content.translations.items()
            for t in tr.desk.requests.values()
        )
        db["desk_phrases"].insert_all(
            {"lang": lang, "section": section, "key": key, "text": text}
            for lang, tr in content.translations.items()
            for section, phrases in (("card", tr.desk.card), ("staff", tr.desk.staff))
            for key, text in phrases.items()
        )
        db["media"].insert_all({"path": p, "data": d} for p, d in content.media.items())
        languages = sorted(content.translations)
        db["meta"].insert_all(
            {"key": k, "value": v}
            for k, v in {
                "source_language": content.source_language,
                "content_version": content.version_label,
                "fingerprint": content.fingerprint,
                "languages": json.dumps(languages),
                **meta,
            }.items()
        )


def build_cache_file(content: ContentSet, target_dir: Path, meta: dict[str, str]) -> Path:
    """Write ``content`` into a new, checked SQLite file in ``target_dir``; return its path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix="building-", suffix=".db", dir=target_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        import sqlite_utils

        from contentlib.schema import migrations

        db = sqlite_utils.Database(conn)
        migrations.apply(db)
        _write(db, content, meta)
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise sqlite3.DatabaseError(f"integrity_check on new cache: {result}")
        conn.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        final = target_dir / f"content-{content.fingerprint[:16]}.db"
        os.replace(tmp, final)
        fsync_dir(target_dir)
        return final
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def set_current(data_dir: Path, db_file: Path) -> None:
    """Atomically make ``db_file`` the cache in use (pointer file replaced with fsync)."""
    write_atomically(data_dir / POINTER_NAME, str(db_file.relative_to(data_dir)).encode("utf-8"))


def current_cache_path(data_dir: Path) -> Path | None:
    """The cache file the pointer names; None when there is none, or it is outside ``data_dir``."""
    pointer = data_dir / POINTER_NAME
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    candidate = (data_dir / name).resolve()
    if data_dir.resolve() not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def _usable(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            return ok and conn.execute("SELECT count(*) FROM guides").fetchone()[0] > 0
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def _load_content(folder: Path) -> tuple[ContentSet | None, list[Problem]]:
    from contentlib.source import load_content

    return load_content(folder)


def ensure_cache(data_dir: Path, bundled_content: Path) -> Path:
    """Return the cache file to use, building it from the bundled content when needed.

    A cache built from an earlier version of the bundled content is rebuilt; one that came
    from a content update (``meta.origin != 'bundled'``) is kept. A bad bundled folder
    raises :class:`ContentError` but leaves any existing good cache current.

    The usual start finds the cache up to date from the folder's :func:`stat_signature`
    alone, which the last start that hashed the folder noted (:data:`CHECKED_NAME`); when
    the signature differs, the files are hashed, and only a different hash rebuilds.
    """
    current = current_cache_path(data_dir)
    # Taken before the files are read: one written meanwhile is hashed at the next start.
    signature = _bundled_signature(bundled_content)
    if current is not None and _usable(current):
        origin = read_cache_meta(current, "origin")
        if origin != "bundled":
            return current
        if signature is not None and _checked_signature(data_dir, current) == signature:
            return current
        fingerprint = read_cache_meta(current, "fingerprint")
        # Hashing the files is much cheaper than parsing them.
        if content_fingerprint(bundled_content) == fingerprint:
            _note_checked(data_dir, current, signature)
            return current
        content, problems = _load_content(bundled_content)
        if content is not None and content.fingerprint == fingerprint:
            _note_checked(data_dir, current, signature)
            return current
        errors = [p for p in problems if p.severity == "error"]
        if errors or content is None:
            return current  # the last good content stays in use
    else:
        content, problems = _load_content(bundled_content)
        errors = [p for p in problems if p.severity == "error"]
        if errors or content is None:
            raise ContentError(errors)
    new_file = build_cache_file(content, data_dir / CACHE_DIR_NAME, {"origin": "bundled"})
    set_current(data_dir, new_file)
    _remove_stale(data_dir, keep={new_file, current})
    _note_checked(data_dir, new_file, signature)
    return new_file


def _bundled_signature(folder: Path) -> str | None:
    """The folder's stat signature; None when a file in it is too new to trust one, or it
    cannot be listed (the loader then says what is wrong with it)."""
    try:
        return stat_signature(folder)
    except OSError:
        return None


def _checked_signature(data_dir: Path, cache: Path) -> str | None:
    """The bundled folder's signature noted for ``cache``; None when none is (or the note
    is unreadable, or about another cache file)."""
    try:
        noted = json.loads((data_dir / CACHE_DIR_NAME / CHECKED_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(noted, dict) or noted.get("cache") != cache.name:
        return None
    signature = noted.get("bundled_signature")
    return signature if isinstance(signature, str) else None


def _note_checked(data_dir: Path, cache: Path, signature: str | None) -> None:
    """Note that ``cache`` holds the bundled folder as it is with ``signature``. A note
    that cannot be written (full disk, read-only data folder), or is lost in a power cut,
    costs the next start a hash."""
    if signature is None:
        return
    note = json.dumps({"cache": cache.name, "bundled_signature": signature})
    try:
        write_atomically(data_dir / CACHE_DIR_NAME / CHECKED_NAME, note.encode("utf-8"),
                         durable=False)
    except OSError as exc:
        log.warning("%s: cannot note the checked content (%s); the next start hashes it again",
                    data_dir / CACHE_DIR_NAME / CHECKED_NAME, exc)


def _remove_stale(data_dir: Path, keep: set[Path | None]) -> None:
    cache_dir = data_dir / CACHE_DIR_NAME
    for path in cache_dir.glob("*.db"):
        if path not in keep:
            path.unlink(missing_ok=True)


def read_cache_meta(path: Path, key: str) -> str | None:
    """One value of a cache file's ``meta`` table (read-only; None when the key is absent)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None
    finally:
        conn.close()
