"""Per-language completeness of content and UI strings, for ``kiosk-content check``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.catalogs import catalog_stats
from kiosk.content_model import ContentSet


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
    return LanguageReport(lang, guides, about, (quiz_done, quiz_total), links, ui)


def format_table(reports: list[LanguageReport]) -> str:
    header = f"{'Language':<10}{'Guides':>9}{'About':>8}{'Quiz':>10}{'Links':>9}{'UI':>9}{'Total':>9}"
    lines = [header, "-" * len(header)]
    for r in reports:
        ui = f"{r.ui[0]}/{r.ui[1]}" if r.ui else "-"
        lines.append(
            f"{r.lang:<10}{r.guides[0]:>5}/{r.guides[1]:<3}{r.about[0]:>5}/{r.about[1]:<2}"
            f"{r.quiz[0]:>6}/{r.quiz[1]:<3}{r.links[0]:>5}/{r.links[1]:<3}{ui:>9}{r.percent:>8.1f}%"
        )
    return "\n".join(lines)
