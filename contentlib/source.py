"""Reads and validates the editorial content folder (``content/``).

Layout::

    content/structure.yaml          ids, order, answer keys, link targets, sources
    content/media/*                 images
    content/<lang>/guides/<id>.md   one guide: YAML front matter + Markdown body
    content/<lang>/about.md         the about page
    content/<lang>/quiz.yaml        question texts keyed by question and option id
    content/<lang>/links.yaml       link labels keyed by link id

Every problem is reported with its file and line; loading never stops at the first one,
so an editor sees the whole list at once.
"""
from __future__ import annotations

import hashlib
import inspect
import logging
import re
import reprlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from markdown_it import MarkdownIt
from markdown_it.token import Token

logging.getLogger("markdown_it").setLevel(logging.WARNING)

from contentlib.dates import resolve_markers
from contentlib.model import (
    Block,
    ContentSet,
    Document,
    GuideDef,
    LanguageContent,
    LinkDef,
    LinkText,
    Problem,
    QuestionDef,
    QuestionText,
    Source,
    Span,
)

# Matched with fullmatch: "$" would also accept a trailing newline ("guide\n").
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
LANG_PATTERN = re.compile(r"[a-z]{2,3}")
# Kivy markup tags. Content is escaped before display anyway; these are refused so an
# editor learns that formatting belongs in Markdown, not in Kivy's own syntax.
KIVY_MARKUP = re.compile(
    r"\[/?(b|i|u|s|sub|sup|ref|anchor|color|size|font|font_context|font_family|"
    r"font_features|text_language)(=[^\]]*)?\]"
)
# "## Municipal elections {#municipal}": a section id, the same in every language.
HEADING_ANCHOR = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]{0,31})\}\s*$")
LEFTOVER_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}

_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 80
_SHOW.maxlevel, _SHOW.maxlist, _SHOW.maxdict = 2, 4, 4


def _show(value: Any) -> str:
    """An untrusted YAML value for a message: printable text as it is, anything else as a
    short repr, so a huge, deeply nested or self-referencing value stays one short line."""
    text = value if isinstance(value, str) and value.isprintable() else _SHOW.repr(value)
    return text if len(text) <= 100 else text[:97] + "..."


def _first_line(exc: Exception) -> str:
    """The first line of a YAML error (PyYAML adds the position on further lines)."""
    return str(exc).partition("\n")[0] or type(exc).__name__


# libyaml's parser when PyYAML was built with it (several times faster on the whole
# content folder); the constructors and resolvers below are the same either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A SafeLoader whose mappings remember the line of each key (1-based)."""


class LineDict(dict):  # type: ignore[type-arg]
    lines: dict[Any, int]


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.lines = {
        loader.construct_object(key, deep=True): key.start_mark.line + 1 for key, _ in node.value
    }
    mapping.lines["__start__"] = node.start_mark.line + 1
    return mapping


def _guarded(construct: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A scalar constructor whose Python errors (``!!int abc``, ``!!bool maybe``, a number of
    5000 digits) become YAML errors located at the value."""

    def guarded(loader: Any, node: Any) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"'{_show(node.value)}' is not a valid {kind}", node.start_mark
            ) from None

    return guarded


for _tag, _construct in list(yaml.SafeLoader.yaml_constructors.items()):
    if not inspect.isgeneratorfunction(_construct):  # generators build collections lazily
        _LineLoader.add_constructor(_tag, _guarded(_construct))
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: the cache and the UI format them, and YAML's date type is not JSON.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line(mapping: Any, key: Any, default: int | None = None) -> int | None:
    lines = getattr(mapping, "lines", None)
    if not lines:
        return default
    return lines.get(key, lines.get("__start__", default))


class _Reader:
    """Collects problems while reading one content folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.lang = "en"
        """Language of the file being read, for finding dates in its text."""

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def error(self, path: Path, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

    def load_yaml(self, path: Path, text: str | None = None, line_offset: int = 0) -> Any:
        try:
            if text is None:
                text = path.read_text(encoding="utf-8")
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        except UnicodeDecodeError as exc:
            self.error(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 + line_offset if mark else None
            problem = str(exc.problem or exc.context)
            if "nesting depth" in problem:  # libyaml's words for what PyYAML hits as recursion
                problem = "nested too deeply"
            self.error(path, line, f"broken YAML: {problem}")
        except yaml.reader.ReaderError as exc:  # a control character: located by position
            line = text.count("\n", 0, exc.position) + 1 + line_offset if text else None
            self.error(path, line, f"broken YAML: {_first_line(exc)}")
        except yaml.YAMLError as exc:
            self.error(path, None, f"broken YAML: {_first_line(exc)}")
        except RecursionError:
            self.error(path, None, "broken YAML: nested too deeply")
        except OSError as exc:
            self.error(path, None, f"cannot read: {exc.strerror}")
        return None

    def check_text(self, path: Path, line: int | None, where: str, text: str) -> None:
        found = KIVY_MARKUP.search(text)
        if found:
            self.error(
                path,
                line,
                f"{where}: contains Kivy markup {found.group(0)!r}; "
                "use Markdown (**bold**, *italic*) instead",
            )

    def shown_text(self, path: Path, line: int | None, where: str, text: str) -> str:
        """``text`` with its date markers resolved; an unmarked date is an error."""
        marked = resolve_markers(text, self.lang)
        for message in marked.problems:
            self.error(path, line, f"{where}: {message}")
        return marked.shown

    def require_str(self, path: Path, mapping: Any, key: str, where: str) -> str:
        value = mapping.get(key) if isinstance(mapping, dict) else None
        if not isinstance(value, str) or not value.strip():
            self.error(path, _line(mapping, key), f"{where}: '{key}' must be non-empty text")
            return ""
        self.check_text(path, _line(mapping, key), f"{where}.{key}", value)
        return value.strip()

    def require_shown(self, path: Path, mapping: Any, key: str, where: str) -> str:
        """Like :meth:`require_str` for text a visitor reads: date markers resolved."""
        value = self.require_str(path, mapping, key, where)
        return self.shown_text(path, _line(mapping, key), f"{where}.{key}", value) if value else ""


# --------------------------------------------------------------------------- structure


def _read_sources(r: _Reader, path: Path, entry: Any, where: str) -> tuple[Source, ...]:
    sources = entry.get("sources") if isinstance(entry, dict) else None
    if not isinstance(sources, list) or not sources:
        r.error(path, _line(entry, "sources"), f"{where}: needs a non-empty 'sources' list")
        return ()
    result = []
    for i, src in enumerate(sources):
        title = r.require_str(path, src, "title", f"{where}.sources[{i}]")
        url = r.require_str(path, src, "url", f"{where}.sources[{i}]")
        if url and not url.startswith("https://"):
            r.error(path, _line(src, "url"), f"{where}.sources[{i}]: url must start with https://")
        result.append(Source(title, url))
    return tuple(result)


def _read_id(r: _Reader, path: Path, entry: Any, where: str, seen: set[str]) -> str | None:
    ident = entry.get("id") if isinstance(entry, dict) else None
    if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
        r.error(path, _line(entry, "id"), f"{where}: 'id' must be lower-case letters, digits, '-'")
        return None
    if ident in seen:
        r.error(path, _line(entry, "id"), f"{where}: duplicate id '{ident}'")
        return None
    seen.add(ident)
    return ident


def _entries(r: _Reader, path: Path, data: dict[str, Any], key: str) -> list[Any]:
    """The list under ``key`` (empty when absent); an error when it is something else."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        r.error(path, _line(data, key), f"'{key}' must be a list")
        return []
    return value


def _media_file(r: _Reader, src: str) -> bool:
    """Whether ``src`` names an image file inside the content folder."""
    try:
        resolved = (r.root / src).resolve()
        return (
            r.root.resolve() in resolved.parents
            and resolved.suffix.lower() in IMAGE_SUFFIXES
            and resolved.is_file()
        )
    except (OSError, ValueError):  # a name too long, a NUL byte
        return False


def _read_structure(r: _Reader) -> dict[str, Any] | None:
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
        r.error(path, _line(data, "schema"), "'schema' must be 1")
    source_language = data.get("source_language")
    if not isinstance(source_language, str) or not LANG_PATTERN.fullmatch(source_language):
        r.error(path, _line(data, "source_language"), "'source_language' must be a code like 'en'")
        source_language = "en"

    guides: list[GuideDef] = []
    seen: set[str] = set()
    for pos, entry in enumerate(_entries(r, path, data, "guides")):
        ident = _read_id(r, path, entry, f"guides[{pos}]", seen)
        if ident is None:
            continue
        country = entry.get("country")
        if country is not None and not (isinstance(country, str) and re.fullmatch("[A-Z]{2}", country)):
            r.error(path, _line(entry, "country"), f"guide '{ident}': country must be like 'IT'")
            country = None
        image = entry.get("image")
        if image is not None and not (isinstance(image, str) and _media_file(r, image)):
            r.error(path, _line(entry, "image"), f"guide '{ident}': image '{_show(image)}' not found")
            image = None
        sources = _read_sources(r, path, entry, f"guide '{ident}'")
        if country and len(sources) < 2:
            r.error(path, _line(entry, "sources"), f"guide '{ident}': a country guide needs at least two sources")
        guides.append(GuideDef(ident, pos, country, image, sources))
    if not guides:
        r.error(path, _line(data, "guides"), "'guides' must list at least one guide")
    guide_ids = {g.id for g in guides}

    about = data.get("about")
    about_sources = _read_sources(r, path, about, "about") if about else ()

    questions: list[QuestionDef] = []
    seen = set()
    for pos, entry in enumerate(_entries(r, path, data, "quiz")):
        ident = _read_id(r, path, entry, f"quiz[{pos}]", seen)
        if ident is None:
            continue
        guide = entry.get("guide")
        if not isinstance(guide, str) or guide not in guide_ids:
            r.error(
                path,
                _line(entry, "guide"),
                f"question '{ident}': guide '{_show(guide)}' is not defined",
            )
        options = entry.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 4 or not all(
            isinstance(o, str) and ID_PATTERN.fullmatch(o) for o in options
        ):
            r.error(path, _line(entry, "options"), f"question '{ident}': needs 2-4 option ids")
            options = []
        elif len(set(options)) != len(options):
            r.error(path, _line(entry, "options"), f"question '{ident}': duplicate option ids")
        answer = entry.get("answer")
        if options and answer not in options:
            r.error(
                path,
                _line(entry, "answer"),
                f"question '{ident}': answer '{_show(answer)}' is not one of its options {options}",
            )
        guide, answer = (v if isinstance(v, str) else "" for v in (guide, answer))
        questions.append(QuestionDef(ident, pos, guide, tuple(options), answer))

    links: list[LinkDef] = []
    seen = set()
    for pos, entry in enumerate(_entries(r, path, data, "links")):
        ident = _read_id(r, path, entry, f"links[{pos}]", seen)
        if ident is None:
            continue
        kind = entry.get("kind")
        if kind not in ("course", "resource"):
            r.error(path, _line(entry, "kind"), f"link '{ident}': kind must be course or resource")
        url = entry.get("url")
        if not isinstance(url, str) or not url.startswith("https://"):
            r.error(path, _line(entry, "url"), f"link '{ident}': url must start with https://")
            url = ""
        country = entry.get("country")
        if country is not None and not (isinstance(country, str) and re.fullmatch("[A-Z]{2}", country)):
            r.error(path, _line(entry, "country"), f"link '{ident}': country must be like 'IT'")
            country = None
        kind = kind if kind in ("course", "resource") else "resource"
        links.append(LinkDef(ident, pos, kind, url, country))

    sections = data.get("country_guide_sections", [])
    if not isinstance(sections, list) or not all(
        isinstance(s, str) and HEADING_ANCHOR.fullmatch(f"{{#{s}}}") for s in sections
    ):
        r.error(path, _line(data, "country_guide_sections"),
                "'country_guide_sections' must list section ids such as 'municipal'")
        sections = []

    version_label = data.get("version_label", "")
    if not isinstance(version_label, (str, int, float)) or isinstance(version_label, bool):
        r.error(path, _line(data, "version_label"), "'version_label' must be text like '2026-11-26.1'")
        version_label = ""
    return {
        "source_language": source_language,
        "version_label": str(version_label),
        "guides": guides,
        "about_sources": about_sources,
        "questions": questions,
        "links": links,
        "country_sections": tuple(sections),
    }


# --------------------------------------------------------------------------- markdown

_md = MarkdownIt("commonmark")


def _inline_spans(token: Token, r: _Reader, path: Path, line: int) -> tuple[Span, ...]:
    spans: list[Span] = []
    bold = italic = False
    href: str | None = None
    for child in token.children or []:
        t = child.type
        if t == "text":
            text = child.content
            if LEFTOVER_EMPHASIS.search(text):
                r.error(path, line, f"unclosed emphasis marker in {text.strip()!r}")
            spans.append(Span(r.shown_text(path, line, "text", text), bold, italic, href))
        elif t in ("softbreak", "hardbreak"):
            spans.append(Span(" ", bold, italic, href))
        elif t == "strong_open":
            bold = True
        elif t == "strong_close":
            bold = False
        elif t == "em_open":
            italic = True
        elif t == "em_close":
            italic = False
        elif t == "link_open":
            href = str(child.attrs.get("href", ""))
            if not href.startswith(("https://", "http://")):
                r.error(path, line, f"link target {href!r} must start with https://")
        elif t == "link_close":
            href = None
        elif t == "code_inline":
            spans.append(Span(child.content, bold, italic, href))
        elif t == "image":
            r.error(path, line, "an image must stand alone in its own paragraph")
        else:
            r.error(path, line, f"unsupported inline Markdown '{t}' (raw HTML is not allowed)")
    merged: list[Span] = []
    for span in spans:
        if not span.text:  # markdown-it's empty text around emphasis and links
            continue
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (
            span.bold, span.italic, span.href
        ):
            merged[-1] = Span(merged[-1].text + span.text, span.bold, span.italic, span.href)
        else:
            merged.append(span)
    return tuple(merged)


def _image_block(token: Token, r: _Reader, path: Path, line: int) -> Block | None:
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(children) != 1 or children[0].type != "image":
        return None
    image = children[0]
    src = str(image.attrs.get("src", ""))
    alt = "".join(c.content for c in image.children or [])
    if not alt.strip():
        r.error(path, line, f"image '{src}' needs a description (alt text)")
    if not _media_file(r, src):
        r.error(path, line, f"image '{src}' not found under the content folder's media/")
    r.check_text(path, line, "image description", alt)
    return Block("image", src=src, alt=alt, line=line)


def parse_markdown(body: str, r: _Reader, path: Path, line_offset: int) -> tuple[Block, ...]:
    tokens = _md.parse(body)
    blocks: list[Block] = []
    list_stack: list[tuple[str, list[tuple[Span, ...]]]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1 + line_offset) if tok.map else line_offset
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            anchor = ""
            last = inline.children[-1] if inline.children else None
            found = HEADING_ANCHOR.search(last.content) if last is not None and last.type == "text" else None
            if found and last is not None:
                anchor = found.group(1)
                last.content = last.content[: found.start()]
                if tok.tag != "h2":
                    r.error(path, line, f"section id '{{#{anchor}}}' belongs on a '##' heading")
            spans = _inline_spans(inline, r, path, line)
            if tok.tag not in ("h2", "h3"):
                r.error(path, line, "use '##' or '###' headings; the title is in the front matter")
            level = 3 if tok.tag == "h3" else 2
            blocks.append(Block("heading", spans=spans, line=line, anchor=anchor, level=level))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            if list_stack:
                r.error(path, line, "nested lists are not supported at the kiosk")
            list_stack.append(("bullets" if tok.type == "bullet_list_open" else "numbers", []))
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            kind, items = list_stack.pop()
            if not list_stack:
                blocks.append(Block(kind, items=tuple(items), line=line))  # type: ignore[arg-type]
        elif tok.type == "inline" and list_stack:
            list_stack[-1][1].append(_inline_spans(tok, r, path, line))
        elif tok.type == "inline":
            image = _image_block(tok, r, path, line)
            if image is not None:
                blocks.append(image)
            else:
                blocks.append(Block("paragraph", spans=_inline_spans(tok, r, path, line), line=line))
        elif tok.type in ("paragraph_open", "paragraph_close", "list_item_open", "list_item_close"):
            pass
        else:
            kind = tok.type.replace("_open", "")
            r.error(path, line, f"unsupported Markdown block '{kind}' (use text, lists, images)")
        i += 1
    for block in blocks:
        r.check_text(path, block.line, "text", block.plain_text())
    for first, second in zip(blocks, blocks[1:] + [None]):  # type: ignore[operator]
        opens_sub_sections = second is not None and second.kind == "heading" and second.level > first.level
        if first.kind == "heading" and (second is None or second.kind == "heading") and not opens_sub_sections:
            r.error(path, first.line, f"section '{first.plain_text()}' is empty")
    return tuple(blocks)


def read_document(r: _Reader, path: Path, doc_id: str, lang: str) -> Document | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        r.error(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    except OSError as exc:  # a folder named like a guide, an unreadable file
        r.error(path, None, f"cannot read: {exc.strerror}")
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        r.error(path, 1, "must start with a '---' front matter block (title, summary, last_reviewed)")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        r.error(path, 1, "front matter is not closed by a '---' line")
        return None
    known = len(r.problems)
    front = r.load_yaml(path, "\n".join(lines[1:end]), line_offset=1)
    if front is None:
        if len(r.problems) == known:  # read, but empty
            r.error(path, 2, "front matter is empty: it needs title, summary, last_reviewed")
        return None
    if not isinstance(front, dict):
        r.error(path, 2, "front matter must be a mapping with title, summary, last_reviewed")
        return None
    for key, line in front.lines.items():
        front.lines[key] = line + 1
    r.lang = lang
    title = r.require_shown(path, front, "title", "front matter")
    summary = r.require_shown(path, front, "summary", "front matter")
    reviewed = front.get("last_reviewed")
    if not isinstance(reviewed, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", reviewed):
        r.error(path, _line(front, "last_reviewed"), "'last_reviewed' must be a date YYYY-MM-DD")
        reviewed = ""
    blocks = parse_markdown("\n".join(lines[end + 1 :]), r, path, line_offset=end + 1)
    if not blocks:
        r.error(path, end + 2, "the guide has no text")
    seen_anchors: set[str] = set()
    for block in blocks:
        if block.anchor in seen_anchors:
            r.error(path, block.line, f"section id '{{#{block.anchor}}}' is used twice")
        if block.anchor:
            seen_anchors.add(block.anchor)
    review_line = _line(front, "last_reviewed") or 2
    return Document(doc_id, lang, title, summary, reviewed, blocks, r.rel(path), review_line)


# --------------------------------------------------------------------------- translations


def _read_quiz(r: _Reader, path: Path, lang: str, questions: list[QuestionDef]) -> dict[str, QuestionText]:
    data = r.load_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        r.error(path, 1, "must map question ids to their texts")
        return {}
    by_id = {q.id: q for q in questions}
    result = {}
    for qid, entry in data.items():
        line = _line(data, qid)
        if qid not in by_id:
            r.error(path, line, f"question '{_show(qid)}' is not defined in structure.yaml")
            continue
        where = f"question '{qid}'"
        if isinstance(entry, dict):
            for key in set(entry) - {"question", "options", "explanation"}:
                r.error(path, _line(entry, key), f"{where}: unknown field '{_show(key)}'")
        question = r.require_shown(path, entry, "question", where)
        explanation = r.require_shown(path, entry, "explanation", where)
        options = entry.get("options") if isinstance(entry, dict) else None
        if not isinstance(options, dict):
            r.error(path, _line(entry, "options", line), f"{where}: 'options' must map option ids to text")
            continue
        texts: dict[str, str] = {}
        for oid, value in options.items():
            if oid not in by_id[qid].options:
                r.error(
                    path,
                    _line(options, oid),
                    f"{where}: option '{_show(oid)}' is not defined in structure.yaml",
                )
                continue
            texts[oid] = r.require_shown(path, options, oid, f"{where}.options")
        missing = [o for o in by_id[qid].options if o not in texts]
        if missing:
            r.error(path, _line(entry, "options", line), f"{where}: missing option text for {missing}")
            continue
        if question and explanation and all(texts.values()):
            result[qid] = QuestionText(qid, lang, question, texts, explanation)
    return result


def _read_links(r: _Reader, path: Path, lang: str, links: list[LinkDef]) -> dict[str, LinkText]:
    data = r.load_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        r.error(path, 1, "must map link ids to label and description")
        return {}
    known = {link.id for link in links}
    result = {}
    for lid, entry in data.items():
        if lid not in known:
            r.error(path, _line(data, lid), f"link '{_show(lid)}' is not defined in structure.yaml")
            continue
        if isinstance(entry, dict):
            for key in set(entry) - {"label", "description"}:
                r.error(path, _line(entry, key), f"link '{lid}': unknown field '{_show(key)}'")
        label = r.require_shown(path, entry, "label", f"link '{lid}'")
        description = r.require_shown(path, entry, "description", f"link '{lid}'")
        if label and description:
            result[lid] = LinkText(lid, lang, label, description)
    return result


def _known_language(code: str) -> bool:
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def content_fingerprint(root: Path) -> str:
    """SHA-256 over every file's path and bytes: equal folders, equal fingerprints."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _check_country_sections(r: _Reader, content: ContentSet) -> None:
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


def load_content(root: str | Path) -> tuple[ContentSet | None, list[Problem]]:
    """Read and validate a content folder: the content (None if unusable) and all problems."""
    r = _Reader(Path(root))
    if not r.root.is_dir():
        r.error(r.root, None, "content folder not found")
        return None, r.problems
    structure = _read_structure(r)
    if structure is None:
        return None, r.problems
    guide_ids = {g.id for g in structure["guides"]}
    translations: dict[str, LanguageContent] = {}
    for lang_dir in sorted(p for p in r.root.iterdir() if p.is_dir() and p.name != "media"):
        lang = lang_dir.name
        if not LANG_PATTERN.match(lang) or not _known_language(lang):
            r.error(lang_dir, None, f"folder name '{lang}' is not a language code such as 'en' or 'bg'")
            continue
        content = LanguageContent(lang)
        guides_dir = lang_dir / "guides"
        for path in sorted(guides_dir.glob("*")) if guides_dir.is_dir() else []:
            if path.suffix != ".md":
                r.error(path, None, "only .md files belong in a guides folder")
                continue
            if path.stem not in guide_ids:
                r.error(path, None, f"guide '{path.stem}' is not defined in structure.yaml")
                continue
            doc = read_document(r, path, path.stem, lang)
            if doc is not None:
                content.guides[path.stem] = doc
        if (lang_dir / "about.md").is_file():
            content.about = read_document(r, lang_dir / "about.md", "about", lang)
        r.lang = lang
        if (lang_dir / "quiz.yaml").is_file():
            content.quiz = _read_quiz(r, lang_dir / "quiz.yaml", lang, structure["questions"])
        if (lang_dir / "links.yaml").is_file():
            content.links = _read_links(r, lang_dir / "links.yaml", lang, structure["links"])
        translations[lang] = content

    source = translations.get(structure["source_language"])
    if source is None:
        r.error(r.root, None, f"no folder for the source language '{structure['source_language']}'")
    else:
        src_dir = r.root / structure["source_language"]
        for guide in structure["guides"]:
            if guide.id not in source.guides:
                r.error(src_dir / "guides" / f"{guide.id}.md", None, "source-language guide missing")
        for q in structure["questions"]:
            if q.id not in source.quiz:
                r.error(src_dir / "quiz.yaml", None, f"question '{q.id}' has no source-language text")
        for link in structure["links"]:
            if link.id not in source.links:
                r.error(src_dir / "links.yaml", None, f"link '{link.id}' has no source-language text")
        if source.about is None:
            r.error(src_dir / "about.md", None, "source-language about page missing")

    media = {}
    media_dir = r.root / "media"
    for path in sorted(media_dir.rglob("*")) if media_dir.is_dir() else []:
        if path.is_file():
            media[str(path.relative_to(r.root)).replace("\\", "/")] = path.read_bytes()
    content_set = ContentSet(
        source_language=structure["source_language"],
        version_label=structure["version_label"],
        guides=structure["guides"],
        about_sources=structure["about_sources"],
        questions=structure["questions"],
        links=structure["links"],
        translations=translations,
        media=media,
        fingerprint=content_fingerprint(r.root),
        country_sections=structure["country_sections"],
    )
    _check_country_sections(r, content_set)
    return content_set, r.problems
