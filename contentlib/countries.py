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
