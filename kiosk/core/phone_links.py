"""The online edition's address of the page a visitor is reading ("Continue on your phone")."""
from __future__ import annotations

from contentlib.model import ABOUT_ID
from kiosk.web import addresses


def guide_page_url(base_url: str, lang: str, guide_id: str) -> str:
    """The page of guide ``guide_id`` (the about page for ``ABOUT_ID``) in ``lang`` on the
    site published at ``base_url``; "" when there is no site (``base_url`` empty)."""
    if not base_url:
        return ""
    address = addresses.about(lang) if guide_id == ABOUT_ID else addresses.guide(lang, guide_id)
    return addresses.absolute(base_url, address)


def quiz_page_url(base_url: str, lang: str) -> str:
    """The quiz page in ``lang`` on the site published at ``base_url``; "" without a site."""
    if not base_url:
        return ""
    return addresses.absolute(base_url, addresses.quiz(lang))
