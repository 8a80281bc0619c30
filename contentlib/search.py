"""Search text folding and result snippets for the content cache.

Guide text is stored folded (:func:`fold_for_search`: case and accents ignored in every
script) so FTS5 can match what a visitor types; a hit's snippet is then cut from the
original text around the matched words (:func:`make_snippet`), with positions mapped
back through the folding.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple


def fold_for_search(text: str) -> str:
    """Lower-case and strip accents in every script ("Εκλογές" -> "εκλογεσ", "Città" -> "citta")."""
    if text.isascii():  # nothing to decompose or strip (most of the text in Latin scripts)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
