"""The kiosk's colours come from a table of KivyMD's own scheme (issue 13: KivyMD computed
the scheme at every start, 0.16 s before the first frame, and twice at each contrast
switch). The table must hold exactly what KivyMD computes, and the kiosk must not compute
a scheme for any look it shows."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui_support import start_app, stop_app  # noqa: I001  (first: it sets Kivy up)

import kivymd.theming

from kiosk.config import parse_config
from kiosk.ui.theme import KioskTheme, PALETTE, colour_roles, computed_colours, kiosk_looks, load_table, look_key

pytestmark = pytest.mark.gui

CONFIG = parse_config(
    """
[kiosk]
host_country = "IT"
languages = ["en"]
default_language = "en"
"""
)


class CountedSchemes(dict):
    """KivyMD's table of scheme makers, counting the schemes made."""

    def __init__(self, schemes: dict[str, Any]) -> None:
        super().__init__(schemes)
        self.made: list[str] = []

    def __getitem__(self, name: str) -> Any:
        self.made.append(name)
        return super().__getitem__(name)


@pytest.fixture
def schemes(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountedSchemes]:
    counted = CountedSchemes(kivymd.theming.SCHEMES)
    monkeypatch.setattr(kivymd.theming, "SCHEMES", counted)
    yield counted


def test_the_table_holds_what_kivymd_computes_for_every_look_the_kiosk_shows() -> None:
    table = load_table()
    assert sorted(table) == sorted(look_key(look) for look in kiosk_looks())
    for look in kiosk_looks():
        assert table[look_key(look)] == computed_colours(look), (
            f"{look_key(look)}: KivyMD computes other colours now; run python -m kiosk.ui.theme")


def test_a_look_in_the_table_is_set_without_computing_a_scheme(schemes: CountedSchemes) -> None:
    theme = KioskTheme(primary_palette=PALETTE, theme_style="Dark", dynamic_scheme_contrast=1.0)
    theme.set_colors()
    assert schemes.made == []
    expected = load_table()[look_key(theme.current_look())]
    for role in colour_roles():
        assert list(getattr(theme, role)) == expected[role], role


def test_a_look_not_in_the_table_is_computed_as_kivymd_does(schemes: CountedSchemes) -> None:
    theme = KioskTheme(primary_palette="Red", theme_style="Light")
    theme.set_colors()
    assert len(schemes.made) == 1
    look = theme.current_look()
    assert {role: list(getattr(theme, role)) for role in colour_roles()} == computed_colours(look)


def test_starting_and_switching_contrast_compute_no_scheme(schemes: CountedSchemes, tmp_path: Path) -> None:
    app, _clock = start_app(CONFIG, tmp_path / "data")
    try:
        table = load_table()
        assert list(app.theme_cls.surfaceColor) == table[look_key(app.theme_cls.current_look())]["surfaceColor"]
        app.appearance.toggle_contrast()
        assert app.theme_cls.theme_style == "Dark"
        assert list(app.theme_cls.surfaceColor) == table[look_key(app.theme_cls.current_look())]["surfaceColor"]
        app.appearance.toggle_contrast()
        assert schemes.made == []
    finally:
        stop_app(app)
