"""Reads and validates a whole editorial content folder (``content/``) into a ContentSet.

Layout::

    content/structure.yaml          ids, order, answer keys, link targets, sources
    content/media/*                 images
    content/<lang>/guides/<id>.md   one guide: YAML front matter + Markdown body
    content/<lang>/about.md         the about page
    content/<lang>/quiz.yaml        question texts keyed by question and option id
    content/<lang>/links.yaml       link labels keyed by link id

Each kind of file has its own reader (:mod:`contentlib.structure`,
:mod:`contentlib.language_folder`); this module puts them together and runs the checks
that span files: the source language is complete, country guides have their sections.
Every problem is reported with its file and line; loading never stops at the first one,
so an editor sees the whole list at once.
"""
from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError

from contentlib.language_folder import read_language
from contentlib.model import DESK_CARD_KEYS, DESK_STAFF_KEYS, ContentSet, LanguageContent, Problem
from contentlib.reader import ContentReader
from contentlib.fingerprint import content_fingerprint
from contentlib.structure import LANG_PATTERN, Structure, read_structure


def _known_language(code: str) -> bool:
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _check_source_language(
    r: ContentReader, structure: Structure, translations: dict[str, LanguageContent]
) -> None:
    """The source language has every guide, question, link and the about page."""
    source = translations.get(structure.source_language)
    if source is None:
        r.error(r.root, None, f"no folder for the source language '{structure.source_language}'")
        return
    src_dir = r.root / structure.source_language
    for guide in structure.guides:
        if guide.id not in source.guides:
            r.error(src_dir / "guides" / f"{guide.id}.md", None, "source-language guide missing")
    for q in structure.questions:
        if q.id not in source.quiz:
            r.error(src_dir / "quiz.yaml", None, f"question '{q.id}' has no source-language text")
    for link in structure.links:
        if link.id not in source.links:
            r.error(src_dir / "links.yaml", None, f"link '{link.id}' has no source-language text")
    if source.about is None:
        r.error(src_dir / "about.md", None, "source-language about page missing")
    _check_source_desk(r, structure, source, src_dir / "desk.yaml")


def _check_source_desk(r: ContentReader, structure: Structure, source: LanguageContent,
                       path: Path) -> None:
    """The source language has every desk request, card phrase and staff paragraph."""
    if not structure.desk_requests:
        return
    missing = [f"requests.{rid}" for rid in structure.desk_requests
               if rid not in source.desk.requests]
    missing += [f"card.{key}" for key in DESK_CARD_KEYS if key not in source.desk.card]
    missing += [f"staff.{key}" for key in DESK_STAFF_KEYS if key not in source.desk.staff]
    if missing:
        r.error(path, None, "the source language needs every desk text; missing: "
                + ", ".join(missing))


def _check_country_sections(r: ContentReader, content: ContentSet) -> None:
    """Every translation of a country guide has the required sections, in order."""
    required = list(content.country_sections)
    if not required:
        return
    for guide in content.guides:
        if not guide.country:
            continue
        for language in content.translations.values():
            doc = language.guides.get(guide.id)
            if doc is None:
                continue
            found = [b.anchor for b in doc.blocks if b.anchor]
            if found != required:
                first = next((b.line for b in doc.blocks if b.kind == "heading"), None)
                r.error(
                    r.root.parent / doc.file, first,
                    "a country guide needs the sections "
                    + ", ".join(f"{{#{s}}}" for s in required)
                    + " in this order on its '##' headings; found "
                    + (", ".join(f"{{#{s}}}" for s in found) or "none"),
                )


def _read_media(root: Path) -> dict[str, bytes]:
    """Every file under ``media/`` by its path relative to the content folder."""
    media = {}
    media_dir = root / "media"
    for path in sorted(media_dir.rglob("*")) if media_dir.is_dir() else []:
        if path.is_file():
            media[str(path.relative_to(root)).replace("\\", "/")] = path.read_bytes()
    return media


def load_content(root: str | Path) -> tuple[ContentSet | None, list[Problem]]:
    """Read and validate a content folder: the content (None if unusable) and all problems."""
    r = ContentReader(Path(root))
    if not r.root.is_dir():
        r.error(r.root, None, "content folder not found")
        return None, r.problems
    structure = read_structure(r)
    if structure is None:
        return None, r.problems
    translations: dict[str, LanguageContent] = {}
    for lang_dir in sorted(p for p in r.root.iterdir() if p.is_dir() and p.name != "media"):
        lang = lang_dir.name
        if not LANG_PATTERN.match(lang) or not _known_language(lang):
            r.error(lang_dir, None,
                    f"folder name '{lang}' is not a language code such as 'en' or 'bg'")
            continue
        translations[lang] = read_language(r, lang_dir, structure)
    _check_source_language(r, structure, translations)
    content_set = ContentSet(
        source_language=structure.source_language,
        version_label=structure.version_label,
        guides=structure.guides,
        about_sources=structure.about_sources,
        questions=structure.questions,
        links=structure.links,
        translations=translations,
        media=_read_media(r.root),
        fingerprint=content_fingerprint(r.root),
        country_sections=structure.country_sections,
        desk_requests=structure.desk_requests,
    )
    _check_country_sections(r, content_set)
    return content_set, r.problems
