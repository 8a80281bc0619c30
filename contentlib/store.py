"""The local SQLite content cache: schema, building it from content, and reading it.

The app reads content only from here. A cache file is built whole into a temporary file,
checked with ``PRAGMA integrity_check`` and then made current by atomically replacing a
small pointer file, so a crash or a bad content folder never leaves the kiosk without the
last good content.
"""
from __future__ import annotations

import bisect
import json
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import sqlite_utils
from sqlite_utils.migrations import Migrations

from contentlib.atomic_file import fsync_dir, write_atomically
from kiosk.core.countries import country_name
from contentlib.model import (
    Block,
    ContentError,
    ContentSet,
    Document,
    GuideDef,
    LinkDef,
    LinkText,
    QuestionDef,
    QuestionText,
    Source,
)

migrations = Migrations("kiosk-content-cache")
POINTER_NAME = "current"
CACHE_DIR_NAME = "cache"


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


ABOUT_ID = "about"


def fold_for_search(text: str) -> str:
    """Lower-case and strip accents in every script ("Εκλογές" -> "εκλογεσ", "Città" -> "citta")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _write(db: sqlite_utils.Database, content: ContentSet, meta: dict[str, str]) -> None:
    def guide_row(g: GuideDef) -> dict[str, Any]:
        return {
            "id": g.id,
            "position": g.position,
            "country": g.country,
            "image": g.image,
            "sources": json.dumps([s.__dict__ for s in g.sources]),
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


def ensure_cache(data_dir: Path, bundled_content: Path) -> Path:
    """Return the cache file to use, building it from the bundled content when needed.

    A cache built from an earlier version of the bundled content is rebuilt; one that came
    from a content update (``meta.origin != 'bundled'``) is kept. A bad bundled folder
    raises :class:`ContentError` but leaves any existing good cache current.
    """
    from contentlib.source import content_fingerprint, load_content

    current = current_cache_path(data_dir)
    if current is not None and _usable(current):
        origin, fingerprint = _read_meta(current, "origin"), _read_meta(current, "fingerprint")
        if origin != "bundled":
            return current
        # Hashing the files is much cheaper than parsing them: the common start-up case.
        if content_fingerprint(bundled_content) == fingerprint:
            return current
        content, problems = load_content(bundled_content)
        if content is not None and content.fingerprint == fingerprint:
            return current
        errors = [p for p in problems if p.severity == "error"]
        if errors or content is None:
            return current  # the last good content stays in use
    else:
        content, problems = load_content(bundled_content)
        errors = [p for p in problems if p.severity == "error"]
        if errors or content is None:
            raise ContentError(errors)
    new_file = build_cache_file(content, data_dir / CACHE_DIR_NAME, {"origin": "bundled"})
    set_current(data_dir, new_file)
    _remove_stale(data_dir, keep={new_file, current})
    return new_file


def _remove_stale(data_dir: Path, keep: set[Path | None]) -> None:
    cache_dir = data_dir / CACHE_DIR_NAME
    for path in cache_dir.glob("*.db"):
        if path not in keep:
            path.unlink(missing_ok=True)


def read_cache_meta(path: Path, key: str) -> str | None:
    """One value of a cache file's ``meta`` table (read-only; None when the key is absent)."""
    return _read_meta(path, key)


def _read_meta(path: Path, key: str) -> str | None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


# A search snippet: a window of about SNIPPET_WORDS words of one line of the guide's real
# text (a heading, a paragraph or a list entry), starting SNIPPET_WORDS_BEFORE words before
# the first match and cut at spaces, with ELLIPSIS where text was left out.
SNIPPET_WORDS = 16
SNIPPET_WORDS_BEFORE = 5
ELLIPSIS = "\u2026"
# A token as FTS5's unicode61 tokenizer sees one: a run of letters and digits; everything
# else (spaces, punctuation, "_") separates tokens.
_TOKEN = re.compile(r"[^\W_]+")


class SnippetSpan(NamedTuple):
    """A run of snippet text as it is in the content; ``matched`` marks a matched word."""

    text: str
    matched: bool


@dataclass(frozen=True)
class SearchHit:
    guide_id: str
    lang: str
    title: str
    snippet: tuple[SnippetSpan, ...]
    """Original text around the first match; joined, its spans are that text exactly."""


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that folds one character as :func:`fold_for_search` does,
    filled in as characters are met; ``irregular`` holds those whose folding is not
    exactly one character ("ß" -> "ss", a lone combining accent -> "")."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        folded = fold_for_search(chr(code))
        if len(folded) != 1:
            self.irregular.add(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """Fold ``text`` like :func:`fold_for_search` and say where each folded character came from.

    Returns the folded text and, for each of its characters, the index in ``text`` of the
    character it was folded from. Folding changes lengths ("ß" -> "ss", "ﬁ" -> "fi", an
    NFD accent -> nothing), so it is done one character at a time: case folding and NFKD
    work character by character, and the only reordering NFKD does is among combining
    marks, which folding removes, so the result equals ``fold_for_search(text)``.
    """
    folded = text.translate(_FOLD_TABLE)
    if _FOLD_TABLE.irregular.isdisjoint(text):
        return folded, range(len(text))  # every character folded to exactly one
    origin: list[int] = []
    for index, char in enumerate(text):
        origin.extend([index] * len(_FOLD_TABLE[ord(char)]))
    return folded, origin


class _QueryWord(NamedTuple):
    prefix: re.Pattern[str]
    """Matches folded text where FTS5's ``"word"*`` matches: the word's tokens in a row
    from the start of a token, the last one as a prefix, through to that token's end."""
    whole: re.Pattern[str]
    """The same, with the last token whole."""


def _query_words(words: list[str]) -> list[_QueryWord]:
    """The patterns of each folded query word (a word with no letters or digits has none)."""
    patterns = []
    for word in words:
        tokens = _TOKEN.findall(word)
        if tokens:
            phrase = r"[\W_]+".join(re.escape(token) for token in tokens)
            patterns.append(_QueryWord(re.compile(rf"(?<![^\W_]){phrase}[^\W_]*"),
                                       re.compile(rf"(?<![^\W_]){phrase}(?![^\W_])")))
    return patterns


def _original_end(origin: Sequence[int], folded_end: int, length: int) -> int:
    """The offset in the original text where the folded text up to ``folded_end`` ends.

    A combining mark that folded away belongs to the character before it, so it is
    included; an end inside the folding of one character ("ß" -> "ss") rounds up to
    the whole character.
    """
    if folded_end >= len(origin):
        return length
    if origin[folded_end] != origin[folded_end - 1]:
        return origin[folded_end]
    return origin[folded_end - 1] + 1


def _line_snippet(line: str, patterns: list[_QueryWord]) -> tuple[SnippetSpan, ...]:
    """A window of the original ``line`` around its first match, matched words marked.

    The line is folded with its offset map, the query is matched on the folded text and
    every position is mapped back, so the snippet shows the text exactly as written
    ("εκλογές", "città") while matching ignores case and accents.
    """
    folded, origin = fold_with_offsets(line)
    found = list(_TOKEN.finditer(folded))
    if not found:
        return (SnippetSpan(line, False),) if line else ()
    starts = [m.start() for m in found]

    def original_range(token: int) -> tuple[int, int]:
        return origin[found[token].start()], _original_end(origin, found[token].end(), len(line))

    marked: set[int] = set()
    for pattern in patterns:
        for match in pattern.prefix.finditer(folded):
            # a match starts at a token and ends where its last token ends
            marked.update(range(bisect.bisect_left(starts, match.start()),
                                bisect.bisect_left(starts, match.end())))
    first = min(marked, default=0)
    start = max(0, first - SNIPPET_WORDS_BEFORE)
    end = min(len(found), start + SNIPPET_WORDS)
    start = max(0, end - SNIPPET_WORDS)
    # cut only at spaces, so "l'elezione" or "checktheregister.ie" stays whole
    cut_start = original_range(start)[0] if start > 0 else 0
    while cut_start > 0 and not line[cut_start - 1].isspace():
        cut_start -= 1
    cut_end = original_range(end - 1)[1] if end < len(found) else len(line)
    while cut_end < len(line) and not line[cut_end].isspace():
        cut_end += 1
    pieces: list[SnippetSpan] = []
    if cut_start > 0:
        pieces.append(SnippetSpan(ELLIPSIS, False))
    position = cut_start
    for index in sorted(i for i in marked if start <= i < end):
        word_start, word_end = original_range(index)
        word_start = max(word_start, position)
        if word_end <= word_start:
            continue
        pieces.append(SnippetSpan(line[position:word_start], False))
        pieces.append(SnippetSpan(line[word_start:word_end], True))
        position = word_end
    pieces.append(SnippetSpan(line[position:cut_end], False))
    if cut_end < len(line):
        pieces.append(SnippetSpan(ELLIPSIS, False))
    merged: list[SnippetSpan] = []
    for piece in pieces:
        if not piece.text:
            continue
        if merged and not piece.matched and not merged[-1].matched:
            merged[-1] = SnippetSpan(merged[-1].text + piece.text, False)
        else:
            merged.append(piece)
    return tuple(merged)


def make_snippet(body: str, fallback: str, words: list[str],
                 folded_body: str | None = None) -> tuple[SnippetSpan, ...]:
    """The search snippet for one guide: its original text around the best-matching line.

    ``body`` is the guide's plain text, one heading, paragraph or list entry a line;
    ``words`` are the folded query words; ``folded_body`` is ``fold_for_search(body)``
    when the caller has it (the cache stores it). Folding keeps every "\\n" and makes none,
    so its lines are the body's lines. The line matching the most query words (then the
    most as whole words, then the earliest) gives the snippet. When no line matches (the
    query found the title, or a country's name), ``fallback`` (the summary) or else the
    first line is shown from its start.
    """
    patterns = _query_words(words)
    if folded_body is None:
        folded_body = fold_for_search(body)
    best, best_score = None, (0, 0)
    top_score = (len(patterns), len(patterns))
    start = 0
    for index, folded_line in enumerate(folded_body.split("\n")):
        end = start + len(folded_line)
        found = whole = 0
        for pattern in patterns:
            if pattern.prefix.search(folded_body, start, end):
                found += 1
                whole += pattern.whole.search(folded_body, start, end) is not None
        if (found, whole) > best_score:
            best, best_score = index, (found, whole)
            if best_score == top_score:
                break
        start = end + 1
    lines = body.split("\n")
    if best is not None:
        return _line_snippet(lines[best].strip(), patterns)
    text = fallback.strip() or next((line.strip() for line in lines if line.strip()), "")
    return _line_snippet(text, patterns)


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
            )
            for r in self.db["guides"].rows_where("id != ?", [ABOUT_ID], order_by="position")
        ]

    def about_sources(self) -> tuple[Source, ...]:
        row = self.db["guides"].get(ABOUT_ID)
        return tuple(Source(**s) for s in json.loads(row["sources"]))

    def guide_def(self, guide_id: str) -> GuideDef:
        r = self.db["guides"].get(guide_id)
        sources = tuple(Source(**s) for s in json.loads(r["sources"]))
        return GuideDef(r["id"], r["position"], r["country"], r["image"], sources)

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
