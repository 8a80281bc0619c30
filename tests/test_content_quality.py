"""The bundled content: ten complete languages, answer keys that hold the key facts."""
from __future__ import annotations


import pytest

from conftest import ROOT, bundled_load
from contentlib.completeness import language_report
from kiosk.config import KioskSettings

TEN_LANGUAGES = ["en", "bg", "el", "it", "es", "ro", "pl", "pt", "fr", "de"]


@pytest.fixture(scope="module")
def content():
    loaded, problems = bundled_load()
    assert [str(p) for p in problems] == []
    return loaded


def test_the_kiosk_offers_the_ten_languages_by_default() -> None:
    assert list(KioskSettings().languages) == TEN_LANGUAGES


@pytest.mark.parametrize("lang", TEN_LANGUAGES)
def test_every_language_is_complete(content, lang: str) -> None:
    report = language_report(content, lang, ROOT / "locales")
    assert report.guides[0] == report.guides[1] >= 13
    assert report.about == (1, 1)
    assert report.quiz[0] == report.quiz[1]
    assert report.links[0] == report.links[1]
    assert report.ui is not None and report.ui[0] == report.ui[1]
    assert report.percent == 100.0


@pytest.mark.parametrize("lang", TEN_LANGUAGES)
def test_translations_keep_the_structure_of_the_english(content, lang: str) -> None:
    """Same headings, list lengths and links as the English, guide by guide."""
    source = content.translations["en"]
    target = content.translations[lang]
    for guide_id, english in source.guides.items():
        translated = target.guides[guide_id]
        assert [b.kind for b in translated.blocks] == [b.kind for b in english.blocks], guide_id
        assert [len(b.items) for b in translated.blocks] == [len(b.items) for b in english.blocks]
        assert [b.links() for b in translated.blocks] == [b.links() for b in english.blocks]
        assert translated.last_reviewed == english.last_reviewed


def test_every_question_points_at_a_guide_and_has_three_or_four_options(content) -> None:
    guides = {g.id for g in content.guides}
    assert len(content.questions) >= 30
    for question in content.questions:
        assert question.guide in guides
        assert 3 <= len(question.options) <= 4
        assert question.answer in question.options


def test_every_guide_lists_sources(content) -> None:
    for guide in content.guides:
        assert guide.sources, guide.id
        assert all(s.url.startswith("https://") for s in guide.sources)


ANSWER_KEY = {
    # no right to vote in the host country's national elections
    "national-elections": "no-national-matter",
    # one vote per European election
    "ep-one-vote": "one-only",
    # Italy, Belgium and Bulgaria do not allow non-nationals to be mayor
    "italy-mayor": "council-not-mayor",
    "belgium-mayor": "be-alderman",
    "bulgaria-mayor": "council-only",
    # Flanders made municipal voting voluntary in 2024; Brussels and Wallonia did not
    "belgium-compulsory-region": "flanders-voluntary",
    # in Spain the INE's Electoral Census Office keeps the roll, not the town hall
    "spain-roll-keeper": "es-oce",
    # the Ombudsman deals with EU bodies only
    "ombudsman-town-hall": "eu-bodies-only",
}


@pytest.mark.parametrize(("question_id", "answer"), sorted(ANSWER_KEY.items()))
def test_answer_keys_agree_with_the_fact_sheet(content, question_id: str, answer: str) -> None:
    assert {q.id: q.answer for q in content.questions}[question_id] == answer


def test_guides_state_the_key_limits(content) -> None:
    en = content.translations["en"].guides
    overview = en["rights-overview"].plain_text()
    assert "no right to vote in the national elections" in overview
    assert "either in your home country or in the country where you live" in overview
    candidacy = en["municipal-candidacy"].plain_text()
    for line in ("Italy: you can be a councillor, but not mayor",
                 "Belgium: you can be a councillor or an alderman, but not mayor",
                 "Bulgaria: you can be a councillor only; the mayor must be Bulgarian"):
        assert line in candidacy
    # uncertain facts are marked for the visitor to check, not guessed
    assert "Check with your municipality or the Ministry of the Interior" in en["register-greece"].plain_text()
    assert "The official pages we found do not say that the post of mayor" in en["register-spain"].plain_text()
    belgium = en["register-belgium"].plain_text()
    assert "Flanders: since the local elections of 2024, municipal voting is not compulsory" in belgium
    assert "Brussels and Wallonia: once you are registered, municipal voting is compulsory" in belgium
    help_text = en["get-help"].plain_text()
    assert "Electoral Census Office" in help_text and "your commune" not in help_text
