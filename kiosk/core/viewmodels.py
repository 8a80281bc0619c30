"""What each screen shows, computed from the cache without any window.

Screens call these functions and copy the result into widgets. Every text comes in the
visitor's language when the cache has it, else in the source language with
``fallback=True`` so the screen can mark it as not yet translated.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from contentlib.model import Block, Document, GuideDef, QuestionDef, Source
from contentlib.model import ABOUT_ID
from contentlib.search import SnippetSpan
from contentlib.store import ContentStore

T = TypeVar("T")


def localized(fetch: Callable[[str], T | None], lang: str, source_lang: str) -> tuple[T, bool]:
    """``fetch(lang)``, or ``fetch(source_lang)`` flagged as a fallback."""
    value = fetch(lang)
    if value is not None:
        return value, False
    value = fetch(source_lang)
    if value is None:
        raise LookupError("item missing in the source language too")
    return value, True


@dataclass(frozen=True)
class Topic:
    guide_id: str
    title: str
    summary: str
    country: str | None
    fallback: bool
    icon: str | None = None
    """Material Design icon name for the guide's topic (language-neutral), if it has one."""


def order_guides(guides: list[GuideDef], country: str) -> list[GuideDef]:
    """The chosen country's guides first, then the general ones; other countries' guides
    are left out (the country picker reaches them)."""
    chosen = [g for g in guides if g.country == country]
    general = [g for g in guides if g.country is None]
    return sorted(chosen, key=lambda g: g.position) + sorted(general, key=lambda g: g.position)


def topic(store: ContentStore, guide: GuideDef, lang: str) -> Topic:
    """What a card or a list entry shows of ``guide``."""
    doc, fallback = localized(lambda code: store.document(guide.id, code), lang, store.source_language)
    return Topic(guide.id, doc.title, doc.summary, guide.country, fallback, guide.icon)


def home_topics(store: ContentStore, lang: str, country: str) -> list[Topic]:
    return [topic(store, guide, lang) for guide in order_guides(store.guide_defs(), country)]


def guide_countries(store: ContentStore) -> list[str]:
    return sorted({g.country for g in store.guide_defs() if g.country})


def selectable_countries(store: ContentStore, host_country: str) -> list[str]:
    """Countries a visitor can pick: those with a guide, and the kiosk's own."""
    return sorted(set(guide_countries(store)) | {host_country})


@dataclass(frozen=True)
class GuideView:
    guide_id: str
    lang: str
    title: str
    summary: str
    last_reviewed: str
    blocks: tuple[Block, ...]
    sources: tuple[Source, ...]
    link_targets: tuple[str, ...]
    """Every distinct address linked from the text, in order (each gets a QR code)."""
    fallback: bool


def guide_view(store: ContentStore, guide_id: str, lang: str) -> GuideView:
    doc: Document
    doc, fallback = localized(
        lambda code: store.document(guide_id, code), lang, store.source_language
    )
    sources = store.about_sources() if guide_id == ABOUT_ID else store.guide_def(guide_id).sources
    targets: list[str] = []
    for block in doc.blocks:
        for href in block.links():
            if href not in targets:
                targets.append(href)
    return GuideView(
        guide_id, doc.lang, doc.title, doc.summary, doc.last_reviewed, doc.blocks,
        sources, tuple(targets), fallback,
    )


@dataclass(frozen=True)
class QuestionView:
    question_id: str
    text: str
    options: tuple[tuple[str, str], ...]
    explanation: str
    guide_id: str
    fallback: bool


def question_view(store: ContentStore, question: QuestionDef, lang: str) -> QuestionView:
    text, fallback = localized(
        lambda code: store.question_text(question.id, code), lang, store.source_language
    )
    options = tuple((oid, text.options[oid]) for oid in question.options)
    return QuestionView(question.id, text.question, options, text.explanation, question.guide, fallback)


@dataclass(frozen=True)
class LinkView:
    link_id: str
    kind: str
    url: str
    label: str
    description: str
    fallback: bool


def links_view(store: ContentStore, lang: str, country: str) -> list[LinkView]:
    """Courses first, then resources; resources for another country are left out."""
    result = []
    for link in store.link_defs():
        if link.country and link.country != country:
            continue
        text, fallback = localized(
            lambda code, lid=link.id: store.link_text(lid, code), lang, store.source_language
        )
        result.append(LinkView(link.id, link.kind, link.url, text.label, text.description, fallback))
    return sorted(result, key=lambda v: (v.kind != "course",))


@dataclass(frozen=True)
class AdminStatus:
    content_version: str
    content_fingerprint: str
    languages: tuple[str, ...]
    offered_languages: tuple[str, ...]
    data_dir: str
    cache_file: str


def admin_status(store: ContentStore, offered: tuple[str, ...], data_dir: str) -> AdminStatus:
    return AdminStatus(
        store.content_version,
        (store.meta("fingerprint") or "")[:12],
        tuple(store.languages()),
        offered,
        data_dir,
        str(store.path),
    )


def matching_section(view: GuideView, query: str) -> int | None:
    """Index of the heading of the first section whose text matches ``query`` (every word,
    as a word prefix, case and accents ignored); the matching block itself when it comes
    before any heading; None when nothing matches."""
    from contentlib.search import fold_for_search

    words = fold_for_search(query).split()
    if not words:
        return None
    heading: int | None = None
    for index, block in enumerate(view.blocks):
        if block.kind == "heading":
            heading = index
        tokens = fold_for_search(block.plain_text()).replace("\n", " ").split()
        if all(any(t.strip(".,;:!?«»„“\"'()") .startswith(w) for t in tokens) for w in words):
            return heading if heading is not None else index
    return None


@dataclass(frozen=True)
class SearchResult:
    guide_id: str
    title: str
    snippet: tuple[SnippetSpan, ...]
    """The matching line as written (not folded), in pieces; ``matched`` marks query words."""


def search_view(store: ContentStore, query: str, lang: str, limit: int = 12) -> list[SearchResult]:
    return [SearchResult(h.guide_id, h.title, h.snippet) for h in store.search(query, lang, limit)]
