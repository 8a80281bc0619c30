"""Language names and formatting from babel (CLDR), never hand-written tables."""
from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date


def native_name(code: str) -> str:
    """The language's name in that language, capitalised for a button ("Български")."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def country_name(country: str, lang: str) -> str:
    return Locale.parse(lang).territories.get(country, country)


def format_review_date(iso_date: str, lang: str) -> str:
    try:
        return format_date(date.fromisoformat(iso_date), format="long", locale=lang)
    except ValueError:
        return iso_date
