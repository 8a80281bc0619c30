"""UI string catalogs: gettext ``.po`` files in ``locales/``, read with babel.

Catalogs are compiled in memory at start-up, so a fresh checkout needs no build step,
and plural rules come from babel (CLDR) for every language.
"""
from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "kiosk"


def po_path(locales: Path, lang: str) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locales: Path, lang: str) -> Catalog | None:
    path = po_path(locales, lang)
    if not path.is_file():
        return None
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def translations(locales: Path, lang: str) -> gettext.NullTranslations:
    """gettext translations for ``lang``; English source strings when there is no catalog."""
    catalog = read_catalog(locales, lang)
    if catalog is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@dataclass(frozen=True)
class CatalogStats:
    lang: str
    translated: int
    total: int
    missing: tuple[str, ...]


def catalog_stats(locales: Path, lang: str) -> CatalogStats:
    """How many of the template's strings ``lang`` translates (fuzzy counts as missing)."""
    with open(locales / f"{DOMAIN}.pot", "rb") as fh:
        template = read_po(fh)
    ids = [m.id for m in template if m.id]
    if lang == "en":
        return CatalogStats(lang, len(ids), len(ids), ())
    catalog = read_catalog(locales, lang)
    missing = []
    for msgid in ids:
        message = catalog.get(msgid) if catalog else None
        strings = message.string if message else None
        done = (
            message is not None
            and not message.fuzzy
            and (all(strings) if isinstance(strings, (tuple, list)) else bool(strings))
        )
        if not done:
            missing.append(msgid if isinstance(msgid, str) else msgid[0])
    return CatalogStats(lang, len(ids) - len(missing), len(ids), tuple(missing))
