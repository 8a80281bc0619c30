"""The online edition's own words, from the kiosk's gettext catalogs (``locales/``).

Strings the kiosk already shows are reused, so a term reads the same on the screen and on
the web; ``_`` only marks new ones for ``scripts/update-catalogs.sh``.
"""
from __future__ import annotations

from functools import lru_cache
from gettext import NullTranslations

from contentlib.catalogs import translations
from kiosk import paths


def _(text: str) -> str:
    return text


WORDS: dict[str, str] = {
    "site": _("Your rights as an EU citizen"),
    "tagline": _("Your rights to vote and stand in elections where you live in the EU"),
    "skip": _("Skip to the main content"),
    "menu": _("Main menu"),
    "home": _("Home"),
    "language": _("Language"),
    "choose_language": _("Choose your language"),
    "which_language": _("Which language do you want to read in?"),
    "choose_country": _("Choose a country"),
    "which_country": _("Which country's rules do you want to read?"),
    "every_country": _("Guides for every EU country"),
    "everywhere": _("What applies in every EU country"),
    "guides_for": _("Guides for: {country}"),
    "quiz": _("Test yourself: quiz"),
    "question_of": _("Question {number} of {total}"),
    "show_answer": _("Show the answer"),
    "right_answer": _("Right answer: {answer}"),
    "correct": _("Correct!"),
    "not_quite": _("Not quite."),
    "read_guide": _("Read the guide"),
    "links": _("Online course and links"),
    "about": _("About this kiosk"),
    "scan": _("Scan a code with your phone's camera to open the page."),
    "scan_here": _("Scan to open on your phone"),
    "sources": _("Sources"),
    "last_reviewed": _("Last reviewed: {date}"),
    "fallback": _("Not yet translated: shown in English."),
    "other_languages": _("This page in other languages"),
    "provided_by": _("Provided by: {municipality}"),
    "content_version": _("Content version: {version}"),
    "staff_missing": _("This page is not yet written in {language}, so it is in English."),
    "poster_question": _("Are you a citizen of another EU country living here?"),
    "poster_rights": _(
        "You may have the right to vote and to stand as a candidate in municipal and "
        "European Parliament elections here. Read how, in your language:"
    ),
}
"""Every text the site's templates show, by a name the templates use."""


@lru_cache(maxsize=64)
def _catalog(lang: str) -> NullTranslations:
    return translations(paths.locales_dir(), lang)


def words(lang: str) -> dict[str, str]:
    """:data:`WORDS` in ``lang`` (English where the catalog lacks one)."""
    catalog = _catalog(lang)
    return {name: catalog.gettext(text) for name, text in WORDS.items()}
