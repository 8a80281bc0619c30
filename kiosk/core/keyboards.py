"""On-screen keyboard layouts per language: Latin with that language's letters, Greek,
Cyrillic. Plain data; the search screen turns each row into buttons."""
from __future__ import annotations

LATIN = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
GREEK = ["ςερτυθιοπ", "ασδφγηξκλ", "ζχψωβνμ", "άέήίόύώϊϋΐ"]
BULGARIAN = ["явертъуиопч", "асдфгхйклшщ", "зьцжбнмю"]
EXTRA_LETTERS = {
    "it": "àèéìòù",
    "es": "áéíñóúü",
    "fr": "àâçéèêëîïôùûüÿœ",
    "de": "äöüß",
    "pt": "áâãàçéêíóôõú",
    "ro": "ăâîșț",
    "pl": "ąćęłńóśźż",
}


def layout_for(lang: str) -> list[str]:
    """Rows of letter keys for ``lang`` (space, delete and clear are added by the screen)."""
    if lang == "el":
        return GREEK
    if lang == "bg":
        return BULGARIAN
    extra = EXTRA_LETTERS.get(lang, "")
    return LATIN + ([extra] if extra else [])
