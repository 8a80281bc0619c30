"""Per-language completeness and review age of content and UI strings, for
``kiosk-content check``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from contentlib.catalogs import catalog_stats
from contentlib.countries import EU_MEMBER_STATES, OFFICIAL_LANGUAGES
from contentlib.model import DESK_CARD_KEYS, DESK_STAFF_KEYS, ContentSet, Document, Problem

DEFAULT_MAX_REVIEW_AGE_MONTHS = 12


@dataclass(frozen=True)
class LanguageReport:
    lang: str
    guides: tuple[int, int]
    about: tuple[int, int]
    quiz: tuple[int, int]
    """Translated units: each question text, option and explanation counts once."""
    links: tuple[int, int]
    """Each label and description counts once."""
    ui: tuple[int, int] | None
    """UI strings translated, or None when there is no catalog folder."""
    oldest_review: str = ""
    """The earliest ``last_reviewed`` among the language's guides and about page."""

    @property
    def percent(self) -> float:
        parts = [self.guides, self.about, self.quiz, self.links] + ([self.ui] if self.ui else [])
        done = sum(p[0] for p in parts)
        total = sum(p[1] for p in parts)
        return 100.0 * done / total if total else 100.0


def language_report(content: ContentSet, lang: str, locales: Path | None) -> LanguageReport:
    tr = content.translations.get(lang)
    guides = (len(tr.guides) if tr else 0, len(content.guides))
    about = (1 if tr and tr.about else 0, 1)
    quiz_total = sum(len(q.options) + 2 for q in content.questions)
    quiz_done = sum(len(t.options) + 2 for t in tr.quiz.values()) if tr else 0
    links = (2 * len(tr.links) if tr else 0, 2 * len(content.links))
    ui = None
    if locales is not None and (locales / "kiosk.pot").is_file():
        stats = catalog_stats(locales, lang)
        ui = (stats.translated, stats.total)
    reviews = [d.last_reviewed for d in _documents(content, lang) if d.last_reviewed]
    return LanguageReport(lang, guides, about, (quiz_done, quiz_total), links, ui,
                          min(reviews, default=""))


def _documents(content: ContentSet, lang: str) -> list[Document]:
    tr = content.translations.get(lang)
    if tr is None:
        return []
    return list(tr.guides.values()) + ([tr.about] if tr.about else [])


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"no valid day in {year}-{month:02d}")


def review_age_warnings(content: ContentSet, max_months: int, today: date) -> list[Problem]:
    """A warning for each guide or about page last reviewed more than ``max_months`` ago."""
    cutoff = months_before(today, max_months).isoformat()
    warnings = []
    for lang in sorted(content.translations):
        for doc in _documents(content, lang):
            if doc.last_reviewed and doc.last_reviewed < cutoff:
                warnings.append(Problem(
                    doc.file, doc.review_line or None,
                    f"last reviewed {doc.last_reviewed}, more than {max_months} months ago: "
                    "check it against its sources and update last_reviewed",
                    "warning",
                ))
    return warnings


def format_table(reports: list[LanguageReport]) -> str:
    header = (f"{'Language':<10}{'Guides':>9}{'About':>8}{'Quiz':>10}{'Links':>9}{'UI':>9}"
              f"{'Total':>9}  Oldest review")
    lines = [header, "-" * len(header)]
    for r in reports:
        ui = f"{r.ui[0]}/{r.ui[1]}" if r.ui else "-"
        lines.append(
            f"{r.lang:<10}{r.guides[0]:>5}/{r.guides[1]:<3}{r.about[0]:>5}/{r.about[1]:<2}"
            f"{r.quiz[0]:>6}/{r.quiz[1]:<3}{r.links[0]:>5}/{r.links[1]:<3}{ui:>9}{r.percent:>8.1f}%  {r.oldest_review or '-'}"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class DeskLanguage:
    lang: str
    done: int
    total: int
    """Desk texts: each request's label and text, each card phrase, each staff paragraph."""

    @property
    def complete(self) -> bool:
        return self.done == self.total


def desk_language_status(content: ContentSet, lang: str) -> DeskLanguage:
    """How much of the desk card and the staff page ``lang`` has."""
    total = 2 * len(content.desk_requests) + len(DESK_CARD_KEYS) + len(DESK_STAFF_KEYS)
    tr = content.translations.get(lang)
    if tr is None:
        return DeskLanguage(lang, 0, total)
    done = (2 * sum(1 for rid in content.desk_requests if rid in tr.desk.requests)
            + sum(1 for key in DESK_CARD_KEYS if key in tr.desk.card)
            + sum(1 for key in DESK_STAFF_KEYS if key in tr.desk.staff))
    return DeskLanguage(lang, done, total)


def desk_table(content: ContentSet) -> str:
    """Per host country, whether each of its desk languages (the first is the default) has
    the whole desk card and staff page; where it has not, the kiosk shows them in the
    source language."""
    lines = [f"Desk language by host country (first: the default; "
             f"incomplete: the card and staff page are in {content.source_language})",
             f"{'Country':<9}Desk languages"]
    lines.append("-" * 60)
    for country in sorted(EU_MEMBER_STATES):
        parts = []
        for lang in OFFICIAL_LANGUAGES[country]:
            status = desk_language_status(content, lang)
            verdict = "complete" if status.complete else "missing"
            parts.append(f"{lang} {status.done}/{status.total} {verdict}")
        lines.append(f"{country:<9}" + "; ".join(parts))
    ready = sum(1 for c in EU_MEMBER_STATES
                if desk_language_status(content, OFFICIAL_LANGUAGES[c][0]).complete)
    lines.append(f"{ready} of {len(EU_MEMBER_STATES)} countries have their default desk "
                 "language complete.")
    return "\n".join(lines)
