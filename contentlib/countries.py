"""The EU member states a kiosk can stand in, named and sorted for the visitor's language.

Names come from CLDR (babel), so "DE" is "Германия" in Bulgarian and "Γερμανία" in
Greek; the order is the language's own alphabetical order from ICU's collator (Polish
puts "Łotwa" after "Luksemburg", Romanian "Țările de Jos" after "Suedia").
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from babel import Locale

if TYPE_CHECKING:
    import icu

EU_MEMBER_STATES: tuple[str, ...] = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)
"""ISO 3166-1 codes of the 27 member states (Greece is GR, as in ISO, not EL)."""


OFFICIAL_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AT": ("de",), "BE": ("nl", "fr", "de"), "BG": ("bg",), "HR": ("hr",), "CY": ("el",),
    "CZ": ("cs",), "DK": ("da",), "EE": ("et",), "FI": ("fi", "sv"), "FR": ("fr",),
    "DE": ("de",), "GR": ("el",), "HU": ("hu",), "IE": ("en", "ga"), "IT": ("it",),
    "LV": ("lv",), "LT": ("lt",), "LU": ("fr", "de"), "MT": ("mt", "en"), "NL": ("nl",),
    "PL": ("pl",), "PT": ("pt",), "RO": ("ro",), "SK": ("sk",), "SI": ("sl",),
    "ES": ("es",), "SE": ("sv",),
}
"""Each member state's official languages that are official EU languages (the languages
a town hall's desk works in; Luxembourgish and Turkish are national but not EU languages).
Where there are several, the first is a kiosk's desk language unless its config names
another (``[kiosk] desk_language``): a Walloon or Brussels town hall sets "fr", a
Swedish-speaking Finnish one "sv". Sources: docs/sources/desk-languages.md."""


def desk_language(country: str, configured: str = "") -> str:
    """The language a town hall in ``country`` works in: ``configured`` when given, else
    the country's first official language."""
    return configured or OFFICIAL_LANGUAGES[country][0]


@dataclass(frozen=True)
class CountryChoice:
    code: str
    name: str


def country_name(country: str, lang: str) -> str:
    """The country's name in ``lang`` from CLDR; the code itself when CLDR has none."""
    return Locale.parse(lang).territories.get(country, country)


@lru_cache(maxsize=16)
def _collator(lang: str) -> icu.Collator:
    import icu  # PyICU: 10 ms to import, needed only to sort (not by the kiosk's start)

    return icu.Collator.createInstance(icu.Locale(lang))


def country_choices(codes: list[str] | set[str], lang: str) -> list[CountryChoice]:
    """The countries named in ``lang``, in that language's alphabetical order."""
    choices = [CountryChoice(code, country_name(code, lang)) for code in set(codes)]
    collator = _collator(lang)
    return sorted(choices, key=lambda c: (collator.getSortKey(c.name), c.code))
