"""Calendar dates in content text: the markers that allow one, and finding unmarked ones.

A guide gives rules ("by the 21st day before the vote"), not dates, so that no deadline
goes stale. A calendar date may stand in the text only inside a marker that says what
it is; the marker's word stays English in every language and is not shown:

    {past: 9 June 2024}        a fact of the past ("the last vote was on ...")
    {example: 26 March 2024}   a dated example; the sentence must say it is one
    {rule: 31 July}            a fixed day of the year set by law, so no year inside

Month names come from CLDR (babel) for each content language, so "11 marzo",
"11. März", "11 Μαρτίου" and "March 2024" are all found, as are 11.03.2024 and
2024-03-11. A year alone ("since 2024") is not a date.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale

MARKER_KINDS = ("past", "example", "rule")
_MARKER = re.compile(r"\{([A-Za-z-]+):\s*([^{}]*)\}")
_YEAR = re.compile(r"(?<!\d)(1[89]|2[0-9])\d\d(?!\d)")
_DIGIT = re.compile(r"\d")
"""Any digit (every date form has one; a regular expression finds it many times faster
than testing each character, which loading the content did 3.9 million times)."""

_FOUR_DIGITS = re.compile(r"\d{4}")
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?:\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?![\d])|\d{4}-\d{2}-\d{2})(?![\d])"
)


@dataclass(frozen=True)
class MarkedText:
    """Text with its date markers resolved."""

    shown: str
    """What a visitor sees: each marker replaced by its inner text."""
    problems: tuple[str, ...]
    """What is wrong with the markers or the dates, one message each."""


@lru_cache(maxsize=32)
def _month_names(lang: str) -> frozenset[str]:
    """CLDR's month names in ``lang``, wide and abbreviated (with its dot)."""
    try:
        months = Locale.parse(lang).months
    except (ValueError, TypeError):
        months = Locale.parse("en").months
    names: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for name in months.get(context, {}).get(width, {}).values():
                name = name.strip()
                if width == "abbreviated":
                    # "mar", "maj" are words too: an abbreviation counts only with its dot.
                    name = name.rstrip(".") + "."
                if len(name.rstrip(".")) >= 3:
                    names.add(name)
    return frozenset(names)


def _case_matters(lang: str) -> bool:
    # English capitalises months ("18 May"); "18 may vote" is not a date.
    return lang == "en"


@lru_cache(maxsize=32)
def _folded_month_names(lang: str) -> tuple[str, ...]:
    names = _month_names(lang)
    return tuple(names if _case_matters(lang) else {n.casefold() for n in names})


def _mentions_a_month(text: str, lang: str) -> bool:
    """Whether a month name of ``lang`` occurs in ``text`` at all (as :func:`_month_pattern`
    compares it): a few substring searches, where the pattern tries every name at every
    position of the text."""
    haystack = text if _case_matters(lang) else text.casefold()
    return any(name in haystack for name in _folded_month_names(lang))


@lru_cache(maxsize=32)
def _month_pattern(lang: str) -> re.Pattern[str]:
    """Day-and-month or month-and-year in ``lang``, with CLDR's month names."""
    names = _month_names(lang)
    flags = 0 if _case_matters(lang) else re.IGNORECASE
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    month = rf"(?:{alternatives})"
    day = r"(?<!\d)(?:[12]\d|3[01]|0?[1-9])(?:\.|er|st|nd|rd|th|η|ης|-?го|-?ти|-?ви)?"
    link = r"(?:\s+(?:de|del|di|d'|του|ος))?\s*"
    year = r"(?:\s+(?:de\s+|del\s+)?\d{4})"
    pattern = (
        rf"{day}{link}{month}(?!\w)"          # 11 March, 11. März, 11 de marzo, 1er août
        rf"|{month}(?<!\.)\s+(?:[12]\d|3[01]|0?[1-9])(?!\d)"  # March 11
        rf"|{month}{year}"                    # March 2024, marzo de 2024
    )
    return re.compile(pattern, flags)


def _fold(text: str) -> str:
    """Lower case without accents, so inflected month names share a stem."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=32)
def _month_year_pattern(lang: str) -> re.Pattern[str]:
    """A month in any grammatical case, then a year, matched on folded text: the stem
    shared by CLDR's forms of each month ("maj" for maj/maja, so "w maju 2026";
    "μαιο" for Μάιος/Μαΐου, so "τον Μάιο του 2026")."""
    try:
        months = Locale.parse(lang).months
    except (ValueError, TypeError):
        months = Locale.parse("en").months
    stems: set[str] = set()
    for number in range(1, 13):
        forms = [_fold(months[c]["wide"][number]) for c in ("format", "stand-alone")
                 if number in months.get(c, {}).get("wide", {})]
        stem = os.path.commonprefix(forms)
        if len(stem) >= 3:
            stems.add(stem)
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w{{0,4}}\s+(?:(?:de|del|του|of)\s+)?\d{{4}}(?!\d)")


def find_dates(text: str, lang: str) -> list[str]:
    """Every calendar date in ``text`` (in ``lang``), as written (a month-and-year in an
    inflected form is given in lower case without accents)."""
    found = [m.group(0).strip() for m in _NUMERIC_DATE.finditer(text)]
    if _mentions_a_month(text, lang):
        found += [m.group(0).strip() for m in _month_pattern(lang).finditer(text)]
    if not found and _FOUR_DIGITS.search(text):  # an inflected month needs its year
        found += [m.group(0).strip() for m in _month_year_pattern(lang).finditer(_fold(text))]
    return found


def resolve_markers(text: str, lang: str) -> MarkedText:
    """The text as shown, and every unmarked date or malformed marker in it."""
    if "{" not in text and _DIGIT.search(text) is None:
        return MarkedText(text, ())  # every date form has a digit: most text has none
    problems: list[str] = []
    shown_parts: list[str] = []
    unmarked_parts: list[str] = []
    last = 0
    for match in _MARKER.finditer(text):
        kind, inner = match.group(1), match.group(2).strip()
        shown_parts.append(text[last : match.start()])
        unmarked_parts.append(text[last : match.start()])
        last = match.end()
        if kind not in MARKER_KINDS:
            problems.append(f"unknown marker '{{{kind}:' (use past, example or rule)")
        elif not inner:
            problems.append(f"empty marker '{{{kind}:}}'")
        elif kind == "rule" and _YEAR.search(inner):
            problems.append(f"'{{rule: {inner}}}' names a year: a yearly rule has none; use past or example")
        shown_parts.append(inner)
        unmarked_parts.append(" ")
    shown_parts.append(text[last:])
    unmarked_parts.append(text[last:])
    unmarked = "".join(unmarked_parts)
    for date in find_dates(unmarked, lang):
        problems.append(
            f"calendar date '{date}' must be marked {{past: ...}}, {{example: ...}} or "
            "{rule: ...}; give the rule (such as 'by the 21st day before the vote') instead"
        )
    return MarkedText("".join(shown_parts), tuple(problems))
