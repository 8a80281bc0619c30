"""Language names and formatting from babel (CLDR), never hand-written tables."""
from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date

from contentlib.countries import country_name

__all__ = ["country_name", "format_review_date", "native_name"]


def native_name(code: str) -> str:
    """The language's name in that language, capitalised for a button ("Български")."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def format_review_date(iso_date: str, lang: str) -> str:
    try:
        return format_date(date.fromisoformat(iso_date), format="long", locale=lang)
    except ValueError:
        return iso_date
