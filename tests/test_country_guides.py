"""Every EU country as the kiosk's host: its guide, sources, quiz questions and dates."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, bundled_load
from contentlib.completeness import months_before, review_age_warnings
from kiosk.content_cli import cmd_check
from contentlib.dates import find_dates, resolve_markers
from contentlib.source import load_content
from contentlib.countries import EU_MEMBER_STATES, country_choices
from kiosk.core.quiz import questions_for_country
from contentlib.store import ContentStore

TEN_LANGUAGES = ["en", "bg", "el", "it", "es", "ro", "pl", "pt", "fr", "de"]
SECTIONS = ["municipal", "european", "candidacy", "ask"]
# Mirrors, news sites and third-party copies that once stood in the sources.
NOT_SOURCES = ("te.gob.mx", "theme-one.epthinktank.be", "readkong", "123dok", "eumonitor",
               "sofiaglobe", "brusselstimes", "surinenglish", "stranieriinitalia",
               "messinialive", "athens-times", "lesvospost", "jvmagazine", "rtbf.be",
               "vrt.be", "theparliamentmagazine", "legislation.gov.uk")

# The tests that break a file read English and the languages they break.
pytestmark = pytest.mark.content_languages("de", "fr", "pl")


@pytest.fixture(scope="module")
def content():
    loaded, problems = bundled_load()
    assert [str(p) for p in problems if p.severity == "error"] == []
    return loaded


def country_guides(content):
    return [g for g in content.guides if g.country]


def test_every_member_state_has_exactly_one_guide(content) -> None:
    countries = [g.country for g in country_guides(content)]
    assert sorted(countries) == sorted(EU_MEMBER_STATES)
    assert len(set(countries)) == 27


@pytest.mark.parametrize("lang", TEN_LANGUAGES)
def test_each_country_guide_is_translated_with_the_four_sections(content, lang: str) -> None:
    docs = content.translations[lang].guides
    for guide in country_guides(content):
        doc = docs[guide.id]
        assert [b.anchor for b in doc.blocks if b.anchor] == SECTIONS, (lang, guide.id)
        ask = doc.blocks[[b.anchor for b in doc.blocks].index("ask"):]
        assert any(href.startswith("https://") for b in ask for href in b.links()), (lang, guide.id)
        assert doc.last_reviewed == content.translations["en"].guides[guide.id].last_reviewed


def test_each_country_guide_cites_two_https_sources_and_no_mirror_or_news(content) -> None:
    for guide in content.guides:
        urls = [s.url for s in guide.sources]
        assert all(u.startswith("https://") for u in urls), guide.id
        for url in urls:
            host = urlsplit(url).hostname or ""
            assert not host.endswith("."), url
            assert not any(bad in host for bad in NOT_SOURCES), url
            assert "prefLang=" not in url and "utm_" not in url, url
        if guide.country:
            assert len(urls) >= 2, guide.id


def test_each_country_has_a_sources_record_naming_its_guide(content) -> None:
    for guide in country_guides(content):
        slug = guide.id.removeprefix("register-")
        record = ROOT / "docs" / "sources" / f"{slug}.md"
        assert record.is_file(), record
        text = record.read_text(encoding="utf-8")
        assert guide.id in text and text.count("https://") >= 2


def test_each_country_has_at_least_two_quiz_questions_explained_by_its_guide(content) -> None:
    for guide in country_guides(content):
        assert len([q for q in content.questions if q.guide == guide.id]) >= 2, guide.id


@pytest.mark.parametrize("host", ["AT", "IE", "BG"])
def test_the_quiz_asks_about_the_host_country_and_no_other(
    bundled_store: ContentStore, host: str
) -> None:
    store = bundled_store
    guides = {g.id: g for g in store.guide_defs()}
    drawn = questions_for_country(store.question_defs(), store.guide_defs(), host)
    countries = {guides[q.guide].country for q in drawn}
    assert countries == {None, host}
    about_host = [q for q in drawn if guides[q.guide].country == host]
    general = [q for q in store.question_defs() if guides[q.guide].country is None]
    assert len(about_host) >= 2 and set(general) <= set(drawn)


def test_search_finds_every_country_guide_by_its_country_name(
    bundled_store: ContentStore, content
) -> None:
    store = bundled_store
    for lang in ("en", "el", "pl"):
        names = {c.code: c.name for c in country_choices(EU_MEMBER_STATES, lang)}
        for guide in country_guides(content):
            hits = [h.guide_id for h in store.search(names[guide.country], lang, 40)]
            assert guide.id in hits, (lang, names[guide.country])


@pytest.mark.parametrize("lang", ["el", "pl", "ro", "de", "bg"])
def test_country_names_come_from_cldr_in_the_languages_own_order(lang: str) -> None:
    choices = country_choices(EU_MEMBER_STATES, lang)
    assert len(choices) == 27
    names = [c.name for c in choices]
    assert names == sorted(names, key=lambda n: n.casefold()) or lang in ("pl", "ro", "de")
    order = {
        "pl": ("Luksemburg", "Łotwa", "Malta"),      # Ł is its own letter after L
        "ro": ("Suedia", "Țările de Jos", "Ungaria"),  # Ț after T
        "de": ("Niederlande", "Österreich", "Polen"),  # Ö sorts with O
        "el": ("Ιταλία", "Κάτω Χώρες", "Κροατία"),
        "bg": ("Германия", "Гърция", "Дания"),
    }[lang]
    positions = [names.index(n) for n in order]
    assert positions == sorted(positions) and positions[2] - positions[0] == 2


# --------------------------------------------------------------------- dates in text


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Apply by 11 March 2024."),
    ("en", "The deadline was March 11."),
    ("en", "It was adopted in May 2026."),
    ("de", "Bis zum 11. März beantragen."),
    ("el", "Έως τις 11 Μαρτίου."),
    ("el", "εγκρίθηκε τον Μάιο του 2026"),
    ("pl", "przyjęta w maju 2026 r."),
    ("fr", "avant le 1er août"),
    ("es", "antes del 30 de enero de 2024"),
    ("ro", "până la 31 iulie"),
    ("bg", "до 16 септември"),
    ("it", "entro l'11 marzo"),
    ("pt", "até 9 de junho"),
    ("en", "Send it before 11.03.2024."),
    ("en", "Send it before 2024-03-11."),
])
def test_an_unmarked_calendar_date_is_an_error(lang: str, text: str) -> None:
    marked = resolve_markers(text, lang)
    assert any("calendar date" in p for p in marked.problems), (text, marked.problems)


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "You may vote from 18 and apply by the 21st day before the vote."),
    ("en", "Directive 93/109/EC and Directive (EU) 2026/1194, since 2024."),
    ("de", "Mindestens 16 Jahre, seit 2024, Artikel 20."),
    ("ro", "cu cel puțin 60 de zile înainte"),
    ("pl", "Kodeks wyborczy, art. 10, 18 lat."),
])
def test_rules_numbers_and_years_alone_are_not_dates(lang: str, text: str) -> None:
    assert find_dates(text, lang) == []
    assert resolve_markers(text, lang).problems == ()


def test_markers_allow_a_date_and_are_not_shown() -> None:
    marked = resolve_markers("The last vote was on {past: 9 June 2024}; e.g. {example: 26 March 2024}.", "en")
    assert marked.problems == ()
    assert marked.shown == "The last vote was on 9 June 2024; e.g. 26 March 2024."
    assert resolve_markers("by {rule: 31 July}", "en").shown == "by 31 July"


@pytest.mark.parametrize(("text", "message"), [
    ("{rule: 31 July 2024}", "names a year"),
    ("{when: 31 July}", "unknown marker"),
    ("{past: }", "empty marker"),
])
def test_malformed_markers_are_errors(text: str, message: str) -> None:
    assert any(message in p for p in resolve_markers(text, "en").problems)


def test_check_names_the_file_and_line_of_an_unmarked_date(content_copy: Path) -> None:
    guide = content_copy / "de" / "guides" / "register-austria.md"
    lines = guide.read_text(encoding="utf-8").split("\n")
    lines.insert(8, "Die Frist endet am 26. März 2024.")
    guide.write_text("\n".join(lines), encoding="utf-8")
    _, problems = load_content(content_copy)
    found = [p for p in problems if "26. März" in p.message]
    assert found and found[0].file.endswith("de/guides/register-austria.md") and found[0].line == 9


def test_a_country_guide_without_its_sections_is_an_error(content_copy: Path) -> None:
    guide = content_copy / "fr" / "guides" / "register-belgium.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("{#candidacy}", ""), encoding="utf-8")
    _, problems = load_content(content_copy)
    assert any(p.file.endswith("fr/guides/register-belgium.md") and "{#candidacy}" in p.message
               for p in problems)


# --------------------------------------------------------------------- review age


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_before(date(2026, 11, 29), 12) == date(2025, 11, 29)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 2) == date(2025, 11, 15)


def test_an_old_review_is_a_warning_with_file_and_line(content_copy: Path, capsys) -> None:
    guide = content_copy / "pl" / "guides" / "register-germany.md"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(re.sub(r"last_reviewed: \S+", "last_reviewed: 2024-01-15", text), encoding="utf-8")
    content, _ = load_content(content_copy)
    warnings = review_age_warnings(content, 12, date(2026, 11, 29))
    assert [(w.file.split("content/")[-1], w.line, w.severity) for w in warnings] == [
        ("pl/guides/register-germany.md", 4, "warning")
    ]
    assert not review_age_warnings(content, 48, date(2026, 11, 29))
    assert cmd_check(content_copy, ROOT / "locales", 12, date(2026, 11, 29)) == 0  # a warning only
    out = capsys.readouterr()
    assert "register-germany.md:4: warning: last reviewed 2024-01-15" in out.err
    assert re.search(r"^pl .*100\.0%\s+2024-01-15$", out.out, re.M)


def test_the_command_line_takes_the_review_age(content_copy: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.content_cli", "check", str(content_copy), "--max-review-age", "0"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 2 and "at least 1 month" in result.stderr


@pytest.mark.parametrize(("code", "accepted"), [("AT", True), ("GR", True), ("EL", False), ("CH", False), ("at", False)])
def test_the_host_country_must_be_an_eu_member_state(code: str, accepted: bool) -> None:
    from kiosk.config import ConfigError, parse_config

    if accepted:
        assert parse_config(f'[kiosk]\nhost_country = "{code}"\n').kiosk.host_country == code
    else:
        with pytest.raises(ConfigError, match="EU member state"):
            parse_config(f'[kiosk]\nhost_country = "{code}"\n')


def test_every_link_a_visitor_can_scan_is_https_to_a_well_formed_host(content) -> None:
    for lang, language in content.translations.items():
        for doc in language.guides.values():
            for block in doc.blocks:
                for href in block.links():
                    host = urlsplit(href).hostname or ""
                    assert href.startswith("https://") and host and not host.endswith("."), (lang, doc.id, href)
                    assert not any(bad in host for bad in NOT_SOURCES), (lang, doc.id, href)
