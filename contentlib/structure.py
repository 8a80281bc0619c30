"""Reads and checks ``content/structure.yaml``: what exists, in which order, in every
language (guide ids and their sources, quiz questions and answers, links, the sections
a country guide must have).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contentlib.icons import IconListMissing, icon_names, unknown_icon_message
from contentlib.markdown import HEADING_ANCHOR
from contentlib.model import GuideDef, LinkDef, QuestionDef, Source
from contentlib.reader import ContentReader
from contentlib.yaml_lines import line_of, show_value

# Matched with fullmatch: "$" would also accept a trailing newline ("guide\n").
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
LANG_PATTERN = re.compile(r"[a-z]{2,3}")
COUNTRY_PATTERN = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class Structure:
    """What structure.yaml defines (the entries that had errors are left out)."""

    source_language: str
    version_label: str
    guides: list[GuideDef]
    about_sources: tuple[Source, ...]
    questions: list[QuestionDef]
    links: list[LinkDef]
    country_sections: tuple[str, ...]
    desk_requests: tuple[str, ...] = ()


def _read_sources(r: ContentReader, path: Path, entry: Any, where: str) -> tuple[Source, ...]:
    sources = entry.get("sources") if isinstance(entry, dict) else None
    if not isinstance(sources, list) or not sources:
        r.error(path, line_of(entry, "sources"), f"{where}: needs a non-empty 'sources' list")
        return ()
    result = []
    for i, src in enumerate(sources):
        title = r.require_str(path, src, "title", f"{where}.sources[{i}]")
        url = r.require_str(path, src, "url", f"{where}.sources[{i}]")
        if url and not url.startswith("https://"):
            r.error(path, line_of(src, "url"),
                    f"{where}.sources[{i}]: url must start with https://")
        result.append(Source(title, url))
    return tuple(result)


def _read_id(r: ContentReader, path: Path, entry: Any, where: str, seen: set[str]) -> str | None:
    ident = entry.get("id") if isinstance(entry, dict) else None
    if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
        r.error(path, line_of(entry, "id"),
                f"{where}: 'id' must be lower-case letters, digits, '-'")
        return None
    if ident in seen:
        r.error(path, line_of(entry, "id"), f"{where}: duplicate id '{ident}'")
        return None
    seen.add(ident)
    return ident


def _entries(r: ContentReader, path: Path, data: dict[str, Any], key: str) -> list[Any]:
    """The list under ``key`` (empty when absent); an error when it is something else."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        r.error(path, line_of(data, key), f"'{key}' must be a list")
        return []
    return value


def _country(r: ContentReader, path: Path, entry: dict[str, Any], where: str) -> str | None:
    """The entry's optional country code ("IT"); None (and an error) when malformed."""
    country = entry.get("country")
    valid = isinstance(country, str) and COUNTRY_PATTERN.fullmatch(country)
    if country is not None and not valid:
        r.error(path, line_of(entry, "country"), f"{where}: country must be like 'IT'")
        return None
    return country


def _icon(r: ContentReader, path: Path, entry: Any, where: str) -> str | None:
    """The entry's optional ``icon``: a name in KivyMD's icon font, else an error."""
    icon = entry.get("icon")
    if icon is None:
        return None
    if not isinstance(icon, str) or not icon:
        r.error(path, line_of(entry, "icon"),
                f"{where}: icon must be an icon name such as 'vote', not {show_value(icon)}")
        return None
    try:
        known = icon in icon_names()
    except IconListMissing as exc:
        r.error(path, line_of(entry, "icon"),
                f"{where}: cannot check icon '{show_value(icon)}': {exc}")
        return None
    if not known:
        r.error(path, line_of(entry, "icon"), f"{where}: {unknown_icon_message(show_value(icon))}")
        return None
    return icon


def _read_desk_requests(r: ContentReader, path: Path, data: dict[str, Any]) -> tuple[str, ...]:
    """The ids under ``desk_requests``: what a visitor can ask at the town hall's desk."""
    ids: list[str] = []
    for pos, entry in enumerate(_entries(r, path, data, "desk_requests")):
        if not isinstance(entry, str) or not ID_PATTERN.fullmatch(entry):
            r.error(path, line_of(data, "desk_requests"),
                    f"desk_requests[{pos}]: {show_value(entry)} is not an id such as "
                    "'register-municipal'")
        elif entry in ids:
            r.error(path, line_of(data, "desk_requests"),
                    f"desk_requests[{pos}]: duplicate id '{entry}'")
        else:
            ids.append(entry)
    return tuple(ids)


def _read_desk(r: ContentReader, path: Path, entry: dict[str, Any], where: str,
               requests: tuple[str, ...]) -> tuple[str, ...]:
    """A guide's ``desk``: the requests it offers, each one of ``desk_requests``."""
    desk = entry.get("desk")
    if desk is None:
        return ()
    if not isinstance(desk, list) or not desk:
        r.error(path, line_of(entry, "desk"), f"{where}: 'desk' must list desk request ids")
        return ()
    unknown = [show_value(d) for d in desk if d not in requests]
    if unknown:
        r.error(path, line_of(entry, "desk"),
                f"{where}: desk request(s) {', '.join(unknown)} not in desk_requests")
    return tuple(dict.fromkeys(d for d in desk if d in requests))


def _read_desk_links(r: ContentReader, path: Path, entry: dict[str, Any], where: str,
                     requests: tuple[str, ...], sources: tuple[Source, ...]) -> tuple[tuple[str, str], ...]:
    """A country guide's ``desk_links``: for every desk request, one of its sources, or
    null where no cited official page covers it (the card then shows no code)."""
    links = entry.get("desk_links")
    if links is None:
        if requests:
            r.error(path, line_of(entry, "id"),
                    f"{where}: a country guide needs 'desk_links', the official page for "
                    f"each of {', '.join(requests)} (one of its sources)")
        return ()
    if not isinstance(links, dict):
        r.error(path, line_of(entry, "desk_links"),
                f"{where}: 'desk_links' must map desk request ids to source addresses")
        return ()
    cited = {source.url for source in sources}
    result = []
    for request, url in links.items():
        line = line_of(links, request)
        if request not in requests:
            r.error(path, line, f"{where}: desk_links: '{show_value(request)}' is not in desk_requests")
        elif url is None:  # no national page for it: the card shows no code
            result.append((request, ""))
        elif url not in cited:
            r.error(path, line, f"{where}: desk_links.{request}: {show_value(url)} is not one "
                                "of the guide's sources (the desk card shows only cited pages)")
        else:
            result.append((request, url))
    missing = [req for req in requests if req not in links]
    if missing:
        r.error(path, line_of(entry, "desk_links"),
                f"{where}: desk_links has no page for {', '.join(missing)}")
    return tuple(result)


def _read_guides(r: ContentReader, path: Path, data: dict[str, Any],
                 requests: tuple[str, ...] = ()) -> list[GuideDef]:
    guides: list[GuideDef] = []
    seen: set[str] = set()
    for pos, entry in enumerate(_entries(r, path, data, "guides")):
        ident = _read_id(r, path, entry, f"guides[{pos}]", seen)
        if ident is None:
            continue
        country = _country(r, path, entry, f"guide '{ident}'")
        image = entry.get("image")
        if image is not None and not (isinstance(image, str) and r.is_media_file(image)):
            r.error(path, line_of(entry, "image"),
                    f"guide '{ident}': image '{show_value(image)}' not found")
            image = None
        sources = _read_sources(r, path, entry, f"guide '{ident}'")
        if country and len(sources) < 2:
            r.error(path, line_of(entry, "sources"),
                    f"guide '{ident}': a country guide needs at least two sources")
        icon = _icon(r, path, entry, f"guide '{ident}'")
        desk = _read_desk(r, path, entry, f"guide '{ident}'", requests)
        desk_links = (_read_desk_links(r, path, entry, f"guide '{ident}'", requests, sources)
                      if country else ())
        if not country and "desk_links" in entry:
            r.error(path, line_of(entry, "desk_links"),
                    f"guide '{ident}': only a country guide has desk_links")
        guides.append(GuideDef(ident, pos, country, image, sources, icon, desk, desk_links))
    if not guides:
        r.error(path, line_of(data, "guides"), "'guides' must list at least one guide")
    return guides


def _read_questions(
    r: ContentReader, path: Path, data: dict[str, Any], guide_ids: set[str]
) -> list[QuestionDef]:
    questions: list[QuestionDef] = []
    seen: set[str] = set()
    for pos, entry in enumerate(_entries(r, path, data, "quiz")):
        ident = _read_id(r, path, entry, f"quiz[{pos}]", seen)
        if ident is None:
            continue
        guide = entry.get("guide")
        if not isinstance(guide, str) or guide not in guide_ids:
            r.error(
                path,
                line_of(entry, "guide"),
                f"question '{ident}': guide '{show_value(guide)}' is not defined",
            )
        options = entry.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 4 or not all(
            isinstance(o, str) and ID_PATTERN.fullmatch(o) for o in options
        ):
            r.error(path, line_of(entry, "options"), f"question '{ident}': needs 2-4 option ids")
            options = []
        elif len(set(options)) != len(options):
            r.error(path, line_of(entry, "options"), f"question '{ident}': duplicate option ids")
        answer = entry.get("answer")
        if options and answer not in options:
            r.error(
                path,
                line_of(entry, "answer"),
                f"question '{ident}': answer '{show_value(answer)}' is not one of its options {options}",
            )
        guide, answer = (v if isinstance(v, str) else "" for v in (guide, answer))
        questions.append(QuestionDef(ident, pos, guide, tuple(options), answer))
    return questions


def _read_links(r: ContentReader, path: Path, data: dict[str, Any]) -> list[LinkDef]:
    links: list[LinkDef] = []
    seen: set[str] = set()
    for pos, entry in enumerate(_entries(r, path, data, "links")):
        ident = _read_id(r, path, entry, f"links[{pos}]", seen)
        if ident is None:
            continue
        kind = entry.get("kind")
        if kind not in ("course", "resource"):
            r.error(path, line_of(entry, "kind"),
                    f"link '{ident}': kind must be course or resource")
        url = entry.get("url")
        if not isinstance(url, str) or not url.startswith("https://"):
            r.error(path, line_of(entry, "url"), f"link '{ident}': url must start with https://")
            url = ""
        country = _country(r, path, entry, f"link '{ident}'")
        kind = kind if kind in ("course", "resource") else "resource"
        links.append(LinkDef(ident, pos, kind, url, country))
    return links


def read_structure(r: ContentReader) -> Structure | None:
    """The content folder's structure.yaml; None when it is missing or not a mapping."""
    path = r.root / "structure.yaml"
    if not path.exists():
        r.error(path, None, "missing: every content folder needs structure.yaml")
        return None
    known = len(r.problems)
    data = r.load_yaml(path)
    if data is None:
        if len(r.problems) == known:  # read, but empty: only comments, "~" or nothing
            r.error(path, 1, "is empty: it must be a mapping with guides, quiz and links")
        return None
    if not isinstance(data, dict):
        r.error(path, 1, "must be a mapping with guides, quiz and links")
        return None
    if type(data.get("schema")) is not int or data.get("schema") != 1:  # not true, not 1.0
        r.error(path, line_of(data, "schema"), "'schema' must be 1")
    source_language = data.get("source_language")
    if not isinstance(source_language, str) or not LANG_PATTERN.fullmatch(source_language):
        r.error(path, line_of(data, "source_language"),
                "'source_language' must be a code like 'en'")
        source_language = "en"

    desk_requests = _read_desk_requests(r, path, data)
    guides = _read_guides(r, path, data, desk_requests)
    about = data.get("about")
    about_sources = _read_sources(r, path, about, "about") if about else ()
    questions = _read_questions(r, path, data, {g.id for g in guides})
    links = _read_links(r, path, data)

    sections = data.get("country_guide_sections", [])
    if not isinstance(sections, list) or not all(
        isinstance(s, str) and HEADING_ANCHOR.fullmatch(f"{{#{s}}}") for s in sections
    ):
        r.error(path, line_of(data, "country_guide_sections"),
                "'country_guide_sections' must list section ids such as 'municipal'")
        sections = []

    version_label = data.get("version_label", "")
    if not isinstance(version_label, (str, int, float)) or isinstance(version_label, bool):
        r.error(path, line_of(data, "version_label"),
                "'version_label' must be text like '2026-11-26.1'")
        version_label = ""
    return Structure(
        source_language=source_language,
        version_label=str(version_label),
        guides=guides,
        about_sources=about_sources,
        questions=questions,
        links=links,
        country_sections=tuple(sections),
        desk_requests=desk_requests,
    )
