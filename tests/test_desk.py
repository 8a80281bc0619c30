"""The "Show this at the desk" card and the staff page below the screen: the requests in
structure.yaml and desk.yaml (checked, with file and line), the cache, the card's choice
of languages and official page, the desk language setting, and ``kiosk-content check``'s
per-country table."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONTENT, bundled_content
from contentlib.countries import EU_MEMBER_STATES, OFFICIAL_LANGUAGES, desk_language
from contentlib.model import DESK_CARD_KEYS, DESK_STAFF_KEYS
from contentlib.store import ContentStore
from kiosk.config import ConfigError, parse_config
from kiosk.content_cli import main as content_main
from kiosk.core.desk import desk_card, desk_requests, staff_page
from test_content_source import errors_of, line_of, replace_in

CONTENT_SET = bundled_content()
REQUESTS = ("register-municipal", "register-ep", "stand-candidate", "other-question")

# The tests that break a file read English and the languages they break.
pytestmark = pytest.mark.content_languages("bg", "de", "pl")


def shown(path: Path, root: Path) -> str:
    """A content file as problems name it: relative, from the content folder's name."""
    return f"{root.name}/{path.relative_to(root).as_posix()}"


# ------------------------------------------------------------------ the bundled content

def test_every_country_guide_offers_every_request_with_cited_pages() -> None:
    assert CONTENT_SET.desk_requests == REQUESTS
    countries = {g.country: g for g in CONTENT_SET.guides if g.country}
    assert set(countries) == set(EU_MEMBER_STATES)
    for country, guide in countries.items():
        assert guide.desk == REQUESTS, country
        links = dict(guide.desk_links)
        assert set(links) == set(REQUESTS), country
        cited = {s.url for s in guide.sources}
        assert all(url in cited for url in links.values() if url), country
        assert links["register-ep"], f"{country}: every country has a cited EP page"


def test_every_content_language_has_every_desk_text() -> None:
    for lang, tr in CONTENT_SET.translations.items():
        assert set(tr.desk.requests) == set(REQUESTS), lang
        assert set(tr.desk.card) == set(DESK_CARD_KEYS), lang
        assert set(tr.desk.staff) == set(DESK_STAFF_KEYS), lang
        texts = [t.text for t in tr.desk.requests.values()]
        assert len(set(texts)) == len(texts), f"{lang}: two requests say the same"


def test_official_languages_cover_every_member_state_and_default_to_the_first() -> None:
    assert set(OFFICIAL_LANGUAGES) == set(EU_MEMBER_STATES)
    assert desk_language("BE") == "nl" and desk_language("BE", "fr") == "fr"
    assert desk_language("GR") == "el" and desk_language("CY") == "el"
    assert "lb" not in OFFICIAL_LANGUAGES["LU"]  # not an official EU language


# ------------------------------------------------------------------ checked with file and line

def test_a_guide_offering_an_unknown_request_is_an_error_naming_the_line(content_copy: Path) -> None:
    structure = content_copy / "structure.yaml"
    replace_in(structure, "  desk: [register-ep]", "  desk: [register-ep, book-a-flat]")
    line = line_of(structure, "book-a-flat")
    assert f"{shown(structure, content_copy)}:{line}: error: guide 'ep-voting': desk request(s) book-a-flat not in desk_requests" in errors_of(content_copy)


def test_a_desk_link_must_be_one_of_the_guides_sources(content_copy: Path) -> None:
    structure = content_copy / "structure.yaml"
    replace_in(structure, "    register-ep: 'https://www.bmi.gv.at/",
               "    register-ep: 'https://evil.example/")
    line = line_of(structure, "https://evil.example/")
    errors = errors_of(content_copy)
    assert any(e.startswith(f"{shown(structure, content_copy)}:{line}: error: guide 'register-austria': "
                            "desk_links.register-ep:") and "not one of the guide's sources" in e
               for e in errors), errors


def test_a_country_guide_without_a_page_for_a_request_is_an_error(content_copy: Path) -> None:
    structure = content_copy / "structure.yaml"
    replace_in(structure, "    stand-candidate: null\n", "")  # Austria's
    errors = errors_of(content_copy)
    assert any("guide 'register-austria': desk_links has no page for stand-candidate" in e
               for e in errors), errors


def test_a_missing_or_extra_placeholder_in_desk_yaml_names_file_and_line(content_copy: Path) -> None:
    desk = content_copy / "de" / "desk.yaml"
    replace_in(desk, "Sprache dieser Person: {language}", "Sprache dieser Person: {sprache}")
    replace_in(desk, "Version der Inhalte: {version}", "Version der Inhalte")
    errors = errors_of(content_copy)
    assert (f"{shown(desk, content_copy)}:{line_of(desk, '{sprache}')}: error: card.person_language: must hold "
            "{language}, found {sprache}") in errors
    assert (f"{shown(desk, content_copy)}:{line_of(desk, 'Version der Inhalte')}: error: staff.version: must hold "
            "{version}, found none") in errors


def test_an_unknown_request_or_markup_in_desk_yaml_is_an_error(content_copy: Path) -> None:
    desk = content_copy / "bg" / "desk.yaml"
    replace_in(desk, "  other-question:", "  other-thing:")
    replace_in(desk, "label: Кандидатиране на избори", "label: Кандидатиране [b]на избори[/b]")
    errors = errors_of(content_copy)
    line = line_of(desk, "other-thing")
    assert f"{shown(desk, content_copy)}:{line}: error: request 'other-thing' is not in desk_requests in structure.yaml" in errors
    assert any(e.startswith(f"{shown(desk, content_copy)}:") and "[b]" in e for e in errors), errors


def test_the_source_language_needs_every_desk_text(content_copy: Path) -> None:
    desk = content_copy / "en" / "desk.yaml"
    replace_in(desk, "  restart: ", "  # restart: ")
    errors = errors_of(content_copy)
    assert f"{shown(desk, content_copy)}: error: the source language needs every desk text; missing: staff.restart" in errors


# ------------------------------------------------------------------ the card and the page

@pytest.fixture(scope="module")
def store(bundled_store: ContentStore) -> ContentStore:
    return bundled_store


def text(lang: str, request: str) -> str:
    return CONTENT_SET.translations[lang].desk.requests[request].text


def test_the_card_takes_the_desk_language_the_visitors_and_the_host_countrys_page(
        store: ContentStore) -> None:
    requests = desk_requests(store, "register-germany", "DE")
    assert requests == REQUESTS
    card = desk_card(store, "register-ep", requests, "ro", "DE", "de")
    assert (card.desk_lang, card.desk_text) == ("de", text("de", "register-ep"))
    assert (card.visitor_lang, card.visitor_text) == ("ro", text("ro", "register-ep"))
    assert card.person_language == "Sprache dieser Person: Rumänisch"
    germany = next(g for g in CONTENT_SET.guides if g.country == "DE")
    assert card.link_url == germany.desk_link("register-ep") != ""
    assert [c.request_id for c in card.choices] == list(REQUESTS)
    assert not card.missing_desk_lang and not card.visitor_fallback


def test_a_general_guide_points_at_the_host_countrys_page(store: ContentStore) -> None:
    requests = desk_requests(store, "ep-voting", "GR")
    assert requests == ("register-ep",)
    card = desk_card(store, "register-ep", requests, "bg", "GR", "el")
    greece = next(g for g in CONTENT_SET.guides if g.country == "GR")
    assert card.link_url == greece.desk_link("register-ep")
    assert card.choices == ()  # one request: nothing to choose


def test_no_card_for_another_countrys_guide_or_a_guide_without_requests(store: ContentStore) -> None:
    assert desk_requests(store, "register-france", "DE") == ()
    assert desk_requests(store, "rights-overview", "DE") == ()
    assert desk_requests(store, "no-such-guide", "DE") == ()


def test_a_desk_language_without_texts_falls_back_to_english(store: ContentStore) -> None:
    card = desk_card(store, "register-municipal", REQUESTS, "pl", "BE", "nl")
    assert card.desk_lang == "en" and card.missing_desk_lang == "nl"
    assert card.desk_text == text("en", "register-municipal")
    assert card.person_language == "Language of this person: Polish"
    assert card.visitor_text == text("pl", "register-municipal")


def test_the_same_language_is_not_shown_twice_and_a_missing_one_falls_back(
        store: ContentStore) -> None:
    same = desk_card(store, "register-ep", REQUESTS, "de", "AT", "de")
    assert same.visitor_text == "" and same.visitor_lang == ""
    # a visitor language with no content (Dutch): its part in English, marked
    other = desk_card(store, "register-ep", REQUESTS, "nl", "DE", "de")
    assert other.visitor_fallback and other.visitor_lang == "en"
    assert other.visitor_text == text("en", "register-ep")
    assert other.person_language == "Sprache dieser Person: Niederländisch"


def test_a_request_without_a_national_page_has_no_code(store: ContentStore) -> None:
    card = desk_card(store, "register-municipal", REQUESTS, "en", "AT", "de")
    assert card.link_url == ""  # Austria's municipal rules are each state's: no one page


def test_the_staff_page_is_in_the_desk_language_or_english(store: ContentStore) -> None:
    page = staff_page(store, "de", "Helpdesk 2040", 90 + 30)
    staff = CONTENT_SET.translations["de"].desk.staff
    assert page.lang == "de" and page.title == staff["title"]
    assert page.paragraphs == (
        staff["offers"], staff["card"], staff["privacy"].format(minutes=2), staff["restart"],
        staff["it_contact"].format(contact="Helpdesk 2040"),
        staff["version"].format(version=CONTENT_SET.version_label))
    english = staff_page(store, "nl", "", 61)
    assert english.lang == "en" and english.missing_desk_lang == "nl"
    assert english.contact == CONTENT_SET.translations["en"].desk.staff["no_it_contact"]
    assert "2 minutes" in english.privacy  # 61 s rounds up


# ------------------------------------------------------------------ the settings

def test_desk_language_must_be_an_official_language_of_the_host_country() -> None:
    assert parse_config('[kiosk]\nhost_country = "BE"\ndesk_language = "fr"\n').kiosk.desk_language == "fr"
    assert parse_config("").kiosk.desk_language == ""
    with pytest.raises(ConfigError, match=r"'desk_language' must be empty or an official "
                                          r"language of FR \(fr\), not 'de'"):
        parse_config('[kiosk]\nhost_country = "FR"\ndesk_language = "de"\n')


def test_it_contact_is_one_short_line() -> None:
    assert parse_config('[kiosk]\nit_contact = "IT, ext. 2040"\n').kiosk.it_contact == "IT, ext. 2040"
    with pytest.raises(ConfigError, match="'it_contact' must be one line"):
        parse_config('[kiosk]\nit_contact = "a\\nb"\n')


# ------------------------------------------------------------------ kiosk-content check

def test_check_lists_each_host_countrys_desk_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert content_main(["check", str(CONTENT)]) == 0
    out = capsys.readouterr().out
    total = 2 * len(REQUESTS) + len(DESK_CARD_KEYS) + len(DESK_STAFF_KEYS)
    assert f"DE       de {total}/{total} complete" in out
    assert f"BE       nl 0/{total} missing; fr {total}/{total} complete; de {total}/{total} complete" in out
    assert f"FI       fi 0/{total} missing; sv 0/{total} missing" in out
    assert "13 of 27 countries have their default desk language complete." in out


def test_check_counts_a_half_translated_desk_language(content_copy: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    desk = content_copy / "pl" / "desk.yaml"
    lines = desk.read_text(encoding="utf-8").split("\n")
    staff_at = lines.index("staff:")
    desk.write_text("\n".join(lines[:staff_at]) + "\n", encoding="utf-8")  # no staff page
    assert content_main(["check", str(content_copy)]) == 0
    total = 2 * len(REQUESTS) + len(DESK_CARD_KEYS) + len(DESK_STAFF_KEYS)
    done = total - len(DESK_STAFF_KEYS)
    assert f"PL       pl {done}/{total} missing" in capsys.readouterr().out


def test_export_web_refuses_a_desk_language_the_country_has_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    with pytest.raises(SystemExit) as exit_info:
        content_main(["export-web", str(CONTENT), "--out", str(out), "--country", "FR",
                      "--desk-language", "de"])
    assert exit_info.value.code == 2
    assert "--desk-language must be an official language of --country (fr), not 'de'" in \
        capsys.readouterr().err
    assert not out.exists()
