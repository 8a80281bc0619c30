"""What the "Show this at the desk" card and the staff page say, as plain data.

A visitor reading a registration or candidacy guide can show the town hall's front desk
a card that says, in the desk's language, what they want; below it the same text in the
visitor's language. The words come from the content (``desk.yaml`` in each language
folder), the official page for the request from the host country's guide
(``desk_links`` in structure.yaml). Where the content has no desk text in the desk's
language the card is in the content's source language (English), and says so to the
visitor. Nothing here is stored: the card is built from the store when shown.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from babel import Locale

from contentlib.model import DESK_CARD_KEYS, DESK_STAFF_KEYS
from contentlib.store import ContentStore


@dataclass(frozen=True)
class DeskChoice:
    request_id: str
    label: str
    """In the visitor's language (or the source language when it has none)."""


@dataclass(frozen=True)
class DeskCard:
    request_id: str
    desk_lang: str
    """The language of the card's upper part: the desk's, or the source language."""
    desk_text: str
    person_language: str
    """"Sprache der Person: Rumänisch": the visitor's language named in ``desk_lang``."""
    link_caption: str
    link_url: str
    """The host country's official page for the request ("" when the content has none)."""
    visitor_lang: str
    """The language of the lower part ("" when it would repeat the upper part)."""
    visitor_text: str
    visitor_fallback: bool
    """The visitor's language has no text for the request: the lower part is in
    ``visitor_lang``, the source language."""
    missing_desk_lang: str
    """The desk's language when the content has no desk texts in it (the card is then in
    the source language); "" when it has."""
    choices: tuple[DeskChoice, ...]
    """What else the visitor can ask from this guide (one choice: nothing to choose)."""


def desk_requests(store: ContentStore, guide_id: str, host_country: str) -> tuple[str, ...]:
    """The requests a guide offers at this kiosk's desk: none for another country's guide
    (its desk is not this town hall's)."""
    try:
        guide = store.guide_def(guide_id)
    except KeyError:
        return ()
    if guide.country and guide.country != host_country:
        return ()
    return guide.desk


def has_desk_texts(store: ContentStore, lang: str, request_id: str) -> bool:
    """Whether ``lang`` has the request's text and every phrase of the card."""
    card = store.desk_phrases(lang, "card")
    return (store.desk_request_text(request_id, lang) is not None
            and all(key in card for key in DESK_CARD_KEYS))


def language_name(code: str, in_lang: str) -> str:
    """``code``'s name in ``in_lang`` from CLDR ("Rumänisch" for ro in de)."""
    return Locale.parse(in_lang).languages.get(code, code)


def official_page(store: ContentStore, host_country: str, request_id: str) -> str:
    """The host country's official page for the request, from its guide's ``desk_links``."""
    guide = next((g for g in store.guide_defs() if g.country == host_country), None)
    return guide.desk_link(request_id) if guide is not None else ""


def desk_card(store: ContentStore, request_id: str, requests: tuple[str, ...],
              visitor_lang: str, host_country: str, desk_lang: str) -> DeskCard:
    """The card for ``request_id`` (one of ``requests``, the guide's) in ``desk_lang`` over
    ``visitor_lang``."""
    source = store.source_language
    shown_desk_lang = desk_lang if has_desk_texts(store, desk_lang, request_id) else source
    desk_request = store.desk_request_text(request_id, shown_desk_lang)
    if desk_request is None:
        raise KeyError(f"no desk text for '{request_id}' in the source language")
    card = store.desk_phrases(shown_desk_lang, "card")

    own = store.desk_request_text(request_id, visitor_lang)
    visitor_request = own or store.desk_request_text(request_id, source) or desk_request
    shown_visitor_lang = visitor_request.lang
    choices = []
    for rid in requests:
        text = store.desk_request_text(rid, visitor_lang) or store.desk_request_text(rid, source)
        if text is not None:
            choices.append(DeskChoice(rid, text.label))
    return DeskCard(
        request_id=request_id,
        desk_lang=shown_desk_lang,
        desk_text=desk_request.text,
        person_language=card["person_language"].format(
            language=language_name(visitor_lang, shown_desk_lang)),
        link_caption=card["official_page"],
        link_url=official_page(store, host_country, request_id),
        visitor_lang="" if shown_visitor_lang == shown_desk_lang else shown_visitor_lang,
        visitor_text="" if shown_visitor_lang == shown_desk_lang else visitor_request.text,
        visitor_fallback=own is None,
        missing_desk_lang="" if shown_desk_lang == desk_lang else desk_lang,
        choices=tuple(choices) if len(choices) > 1 else (),
    )


@dataclass(frozen=True)
class StaffPage:
    lang: str
    """The language it is written in: the desk's, or the source language."""
    missing_desk_lang: str
    """The desk's language when the content has no staff page in it; "" when it has."""
    title: str
    offers: str
    card: str
    privacy: str
    restart: str
    contact: str
    version: str

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The kiosk's staff page, in order."""
        return (self.offers, self.card, self.privacy, self.restart, self.contact, self.version)


def staff_page(store: ContentStore, desk_lang: str, it_contact: str,
               forgotten_after_seconds: float) -> StaffPage:
    """The page that tells new front-desk staff what this machine is, in ``desk_lang``
    (``forgotten_after_seconds``: the idle time after which a visit ends)."""
    has_all = all(key in store.desk_phrases(desk_lang, "staff") for key in DESK_STAFF_KEYS)
    lang = desk_lang if has_all else store.source_language
    staff = store.desk_phrases(lang, "staff")
    return StaffPage(
        lang=lang,
        missing_desk_lang="" if has_all else desk_lang,
        title=staff["title"],
        offers=staff["offers"],
        card=staff["card"],
        privacy=staff["privacy"].format(minutes=math.ceil(forgotten_after_seconds / 60)),
        restart=staff["restart"],
        contact=(staff["it_contact"].format(contact=it_contact) if it_contact
                 else staff["no_it_contact"]),
        version=staff["version"].format(version=store.content_version),
    )
