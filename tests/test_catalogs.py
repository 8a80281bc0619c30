"""UI string catalogs: up to date with the code, complete, plural forms from babel."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import ROOT
from contentlib.catalogs import catalog_stats, translations

LOCALES = ROOT / "locales"


def test_template_matches_the_strings_in_the_code(tmp_path: Path) -> None:
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "locales/babel.cfg",
         "-k", "_", "-k", "ngettext:1,2", "-k", "text_in:2", "--no-location", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(open(out, "rb")) if m.id}
    kept = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(open(LOCALES / "kiosk.pot", "rb")) if m.id}
    assert fresh == kept, "run scripts/update-catalogs.sh"


@pytest.mark.parametrize("lang", ["bg", "el"])
def test_catalogs_are_complete_with_placeholders_intact(lang: str) -> None:
    stats = catalog_stats(LOCALES, lang)
    assert stats.missing == () and stats.translated == stats.total > 40
    catalog = read_po(open(LOCALES / lang / "LC_MESSAGES" / "kiosk.po", "rb"), locale=lang)
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        for target in targets:
            assert set(re.findall(r"\{\w+\}", target)) == set(re.findall(r"\{\w+\}", source)), source
            assert "[" not in target and "]" not in target, source


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [("bg", "1 опит", "3 опита"), ("el", "1 προσπάθεια", "3 προσπάθειες"), ("en", "1 try", "3 tries")],
)
def test_plural_forms_follow_the_language(lang: str, one: str, many: str) -> None:
    gt = translations(LOCALES, lang)
    singular, plural = "Wrong PIN. {n} try left.", "Wrong PIN. {n} tries left."
    assert one in gt.ngettext(singular, plural, 1).format(n=1)
    assert many in gt.ngettext(singular, plural, 3).format(n=3)


def test_a_language_without_catalog_falls_back_to_english() -> None:
    assert translations(LOCALES, "fi").gettext("Home") == "Home"
    assert translations(LOCALES, "bg").gettext("Home") == "Начало"
