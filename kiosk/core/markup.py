"""Turns content spans into Kivy markup, escaping the text so it is shown literally.

Kivy's markup language uses ``[b]``, ``[ref=...]`` and friends; content text is data, so
every ``&``, ``[`` and ``]`` in it is escaped before our own tags are added. This module
does not import Kivy: the escape rules are Kivy's documented ones (``&amp;``, ``&bl;``,
``&br;``).
"""
from __future__ import annotations

from collections.abc import Iterable

from contentlib.model import Span


def escape_markup(text: str) -> str:
    """Escape ``text`` so Kivy's markup parser shows it exactly as written."""
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def spans_to_markup(spans: Iterable[Span], link_color: str = "") -> str:
    """Kivy markup for a run of spans: bold/italic become tags, links are underlined.

    A link's address is printed after its text in brackets-free form, because a kiosk
    visitor cannot click it: the reader also shows a QR code for it.
    """
    out: list[str] = []
    for span in spans:
        text = escape_markup(span.text)
        if span.href:
            text = f"[u]{text}[/u]"
            if link_color:
                text = f"[color={link_color}]{text}[/color]"
        if span.italic:
            text = f"[i]{text}[/i]"
        if span.bold:
            text = f"[b]{text}[/b]"
        out.append(text)
    return "".join(out)


def spans_text(spans: Iterable[Span]) -> str:
    return "".join(s.text for s in spans)


def marked_text_to_markup(runs: Iterable[tuple[str, bool]]) -> str:
    """Kivy markup for runs of plain text, each ``(text, marked)``: marked runs in bold.

    Every run is escaped, so nothing in the text can be read as a tag; this is how a
    search snippet shows the matched words.
    """
    return "".join(f"[b]{escape_markup(text)}[/b]" if marked else escape_markup(text)
                   for text, marked in runs)
