"""Where each page of the online edition lives, for the exporter and for the kiosk's
"continue on your phone" codes alike, so the two cannot disagree.

A page's address is a folder (``en/guides/ep-voting/``) holding ``index.html``: readable
on any static host, and the file name is added where the site must also work from
``file://`` (links between pages).
"""
from __future__ import annotations

INDEX = "index.html"


def language_chooser() -> str:
    return ""


def home(lang: str) -> str:
    return f"{lang}/"


def guide(lang: str, guide_id: str) -> str:
    return f"{lang}/guides/{guide_id}/"


def countries(lang: str) -> str:
    return f"{lang}/countries/"


def country(lang: str, code: str) -> str:
    return f"{lang}/countries/{code.lower()}/"


def quiz(lang: str) -> str:
    return f"{lang}/quiz/"


def links(lang: str) -> str:
    return f"{lang}/links/"


def about(lang: str) -> str:
    return f"{lang}/about/"


def staff() -> str:
    """The staff page, in the town hall's desk language (one, not one per language)."""
    return "staff/"


def poster(lang: str) -> str:
    """The printable poster: a file, not a folder (it is opened to be printed)."""
    return f"print/poster-{lang}.html"


def file_of(address: str) -> str:
    """The file in the exported site that serves ``address``."""
    return address if address.endswith(".html") else address + INDEX


def absolute(base_url: str, address: str) -> str:
    """``address`` on the site published at ``base_url`` (with or without a final slash)."""
    return base_url.rstrip("/") + "/" + address


def relative(from_address: str, to_address: str) -> str:
    """A link from the page at ``from_address`` to ``to_address`` that also works from
    ``file://`` (it names the file)."""
    return "../" * from_address.count("/") + file_of(to_address)
