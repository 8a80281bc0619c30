"""Plain data types for kiosk content: structure defined once, translations keyed by id.

A guide's body is a list of blocks (heading, paragraph, bullet or numbered list, image)
whose text is a list of spans (plain, bold, italic, link). Blocks round-trip through
JSON so the SQLite cache can store them as they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ABOUT_ID = "about"
"""The about page's id: stored with the guides (in the cache's guide tables), left out of guide lists."""

BlockKind = Literal["heading", "paragraph", "bullets", "numbers", "image"]


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "bold": self.bold, "italic": self.italic, "href": self.href}


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    spans: tuple[Span, ...] = ()
    """Text of a heading or paragraph."""
    items: tuple[tuple[Span, ...], ...] = ()
    """Entries of a bullet or numbered list."""
    src: str = ""
    """Media path of an image, relative to the content folder."""
    alt: str = ""
    line: int = 0
    """Line in the source file, for error messages."""
    anchor: str = ""
    """Section id of a heading ("municipal" for "## ... {#municipal}"), the same in every language."""
    level: int = 2
    """2 for a '##' section heading, 3 for a '###' sub-heading."""

    def to_json(self) -> dict[str, Any]:
        # written out rather than dataclasses.asdict, which deep-copies every value and
        # was a fifth of the time of loading the content
        data: dict[str, Any] = {
            "kind": self.kind,
            "spans": [span.to_json() for span in self.spans],
            "items": [[span.to_json() for span in item] for item in self.items],
            "src": self.src,
            "alt": self.alt,
        }
        if self.anchor:
            data["anchor"] = self.anchor
        if self.level != 2:
            data["level"] = self.level
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> Block:
        return Block(
            kind=data["kind"],
            spans=tuple(Span(**s) for s in data.get("spans", ())),
            items=tuple(tuple(Span(**s) for s in item) for item in data.get("items", ())),
            src=data.get("src", ""),
            alt=data.get("alt", ""),
            anchor=data.get("anchor", ""),
            level=data.get("level", 2),
        )

    def plain_text(self) -> str:
        if self.kind == "image":
            return self.alt
        parts = ["".join(s.text for s in self.spans)]
        parts += ["".join(s.text for s in item) for item in self.items]
        return "\n".join(p for p in parts if p)

    def links(self) -> list[str]:
        spans = list(self.spans) + [s for item in self.items for s in item]
        return [s.href for s in spans if s.href]


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class GuideDef:
    """Language-neutral facts about a guide."""

    id: str
    position: int
    country: str | None = None
    image: str | None = None
    sources: tuple[Source, ...] = ()
    icon: str | None = None
    """Name of a Material Design icon for the guide's topic (the home screen's card shows
    it); checked against the names KivyMD's icon font has (contentlib.icons)."""
    desk: tuple[str, ...] = ()
    """Requests a visitor reading this guide can show at the town hall's desk (ids of
    ``desk_requests``, the first is shown first); empty: the guide offers no desk card."""
    desk_links: tuple[tuple[str, str], ...] = ()
    """A country guide's official page for each desk request (request id, one of the
    guide's source addresses): the desk card's QR code when the kiosk stands there."""

    def desk_link(self, request_id: str) -> str:
        return dict(self.desk_links).get(request_id, "")


@dataclass(frozen=True)
class Document:
    """One translation of a guide (or of the about page)."""

    id: str
    lang: str
    title: str
    summary: str
    last_reviewed: str
    blocks: tuple[Block, ...]
    file: str = ""
    review_line: int = 0
    """Line of ``last_reviewed`` in the file, for the review-age warning."""

    def plain_text(self) -> str:
        return "\n".join(b.plain_text() for b in self.blocks)


@dataclass(frozen=True)
class QuestionDef:
    id: str
    position: int
    guide: str
    options: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class QuestionText:
    id: str
    lang: str
    question: str
    options: dict[str, str]
    explanation: str


@dataclass(frozen=True)
class LinkDef:
    id: str
    position: int
    kind: Literal["course", "resource"]
    url: str
    country: str | None = None


@dataclass(frozen=True)
class LinkText:
    id: str
    lang: str
    label: str
    description: str


DESK_CARD_KEYS: tuple[str, ...] = ("person_language", "official_page")
"""The desk card's fixed phrases, written in the desk's language."""
DESK_STAFF_KEYS: tuple[str, ...] = (
    "title", "offers", "card", "privacy", "restart", "it_contact", "no_it_contact", "version",
)
"""The staff page's paragraphs, in the order shown, written in the desk's language."""
DESK_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "person_language": ("language",),
    "it_contact": ("contact",),
    "version": ("version",),
    "privacy": ("minutes",),
}
"""The ``{name}`` fields a phrase must hold (and the only ones it may hold)."""


@dataclass(frozen=True)
class DeskRequestText:
    """One language's words for a desk request: the visitor's choice and the card's text."""

    id: str
    lang: str
    label: str
    text: str


@dataclass
class DeskTexts:
    """A language's ``desk.yaml``: the requests, the card's phrases, the staff page."""

    requests: dict[str, DeskRequestText] = field(default_factory=dict)
    card: dict[str, str] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)


@dataclass
class LanguageContent:
    lang: str
    guides: dict[str, Document] = field(default_factory=dict)
    about: Document | None = None
    quiz: dict[str, QuestionText] = field(default_factory=dict)
    links: dict[str, LinkText] = field(default_factory=dict)
    desk: DeskTexts = field(default_factory=DeskTexts)


@dataclass
class ContentSet:
    """Everything in a content folder, validated."""

    source_language: str
    version_label: str
    guides: list[GuideDef]
    about_sources: tuple[Source, ...]
    questions: list[QuestionDef]
    links: list[LinkDef]
    translations: dict[str, LanguageContent]
    media: dict[str, bytes] = field(default_factory=dict)
    """Media files by path relative to the content folder (``media/x.png``)."""
    fingerprint: str = ""
    """SHA-256 over every content file, so a changed folder gives a new cache."""
    country_sections: tuple[str, ...] = ()
    """Section ids every country guide has, in order (``country_guide_sections``)."""
    desk_requests: tuple[str, ...] = ()
    """Ids of what a visitor can ask at the desk, in order (``desk_requests``)."""


@dataclass(frozen=True)
class Problem:
    """Something wrong in the content, located as precisely as the format allows."""

    file: str
    line: int | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


class ContentError(ValueError):
    """Content failed validation; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} content error(s):\n{lines}{more}")
