"""Home and navigation for 27 countries, through the real window with real touches.

A kiosk in Austria: the Austrian guide comes first; "Guides for: ..." opens a picker of
every country, named and sorted in the visitor's language, usable at every text size.
Screenshots go to artifacts/countries/ (kept by CI).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui_support import (  # noqa: I001
    advance_frames, save_window_png, start_app, stop_app, tap, tap_card, wait_until_placed, start_visit,
)
from kivy.base import EventLoop
from kivy.core.text import Label as CoreLabel

from conftest import CONTENT, ROOT
from kiosk.ui.app import KioskApp
from kiosk.config import parse_config
from contentlib.countries import EU_MEMBER_STATES, country_choices
from kiosk.widgets.common import KioskLabel

pytestmark = pytest.mark.gui

CONFIG = parse_config(
    """
[kiosk]
host_country = "AT"
municipality = "Marktgemeinde Wernberg"
languages = ["en", "ro", "el", "pl", "fr", "de", "bg", "it", "es", "pt"]
default_language = "en"
"""
)
SHOTS = Path(os.environ.get("KIOSK_ARTIFACTS", ROOT / "artifacts")) / "countries"


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[KioskApp]:
    app, _clock = start_app(CONFIG, tmp_path / "data", content_dir=CONTENT)
    yield app
    stop_app(app)


def shot(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    advance_frames(5)
    return save_window_png(SHOTS / f"{name}.png")


def home_order(app: KioskApp) -> list[str]:
    return list(app.screens["home"].listed_guides)


def test_home_in_austria_shows_the_austrian_guide_first_in_romanian(kiosk) -> None:
    app = kiosk
    start_visit(app, "ro")
    order = home_order(app)
    assert order[0] == "register-austria"
    assert not any(g.startswith("register-") for g in order[1:])  # no other country's guide
    home = app.screens["home"]
    card = home.topic_card("register-austria")
    assert card.heading == app.store.document("register-austria", "ro").title and not card.fallback
    assert "Austria" in home.country_button.text and "Altă țară" in home.country_button.text
    shot("home-host-austria-ro")


def test_the_picker_lists_27_countries_in_greek_sorted_at_the_largest_text_step(kiosk) -> None:
    app = kiosk
    start_visit(app, "el")
    tap(app.root.ids.text_size_button)
    tap(app.root.ids.text_size_button)
    assert app.text_step == 2
    tap(app.screens["home"].country_button)
    assert app.manager.current == "countries"
    picker = app.screens["countries"]
    expected = [c.name for c in country_choices(EU_MEMBER_STATES, "el")]
    assert picker.shown_names() == expected and len(expected) == 27
    assert expected[:3] == ["Αυστρία", "Βέλγιο", "Βουλγαρία"]
    assert picker.button_for("AT").emphasis  # the country shown now is marked
    grid = picker.ids.choices
    boxes = []
    for button in grid.children:
        x, y = button.to_window(button.x, button.y)
        assert x >= 0 and x + button.width <= EventLoop.window.width, button.text
        labels = [w for w in button.walk() if isinstance(w, KioskLabel)]
        assert all(w.texture_size[0] <= button.width for w in labels), button.text
        boxes.append((x, y, x + button.width, y + button.height))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], "overlap"
    shot("picker-el-largest")
    tap(picker.button_for("DE"))  # scrolled into view first, as a visitor would
    assert app.manager.current == "home" and app.visit.country == "DE"
    assert home_order(app)[0] == "register-germany"
    tap(app.screens["home"].action_button("quiz"))
    guides = {g.id: g.country for g in app.store.guide_defs()}
    asked = {guides[q.guide] for q in app.visit.quiz.order}
    assert asked == {None, "DE"}


def test_the_germany_guide_in_polish(kiosk) -> None:
    app = kiosk
    start_visit(app, "pl")
    tap(app.screens["home"].country_button)
    picker = app.screens["countries"]
    assert picker.shown_names()[:3] == ["Austria", "Belgia", "Bułgaria"]
    tap(picker.button_for("DE"))
    tap_card(app, "register-germany")
    assert app.manager.current == "guide" and app.screens["guide"].guide_id == "register-germany"
    assert app.screen_title == app.store.document("register-germany", "pl").title
    shot("guide-germany-pl")


def test_the_belgium_guide_in_french(kiosk) -> None:
    app = kiosk
    start_visit(app, "fr")
    tap(app.screens["home"].country_button)
    tap(app.screens["countries"].button_for("BE"))
    tap_card(app, "register-belgium")
    document = app.screens["guide"].ids.document
    text = " ".join(w.text for w in document.walk() if isinstance(w, KioskLabel))
    assert "bourgmestre" in text and "échevin" in text
    assert "regidor" not in text and "ławnik" not in text
    shot("guide-belgium-fr")


def test_every_guide_title_fits_the_top_bar_in_two_lines(kiosk) -> None:
    """A title longer than the bar wraps once; none needs a third line (which would be cut).
    Measured in each language with that language's bar: its button labels set the room left."""
    app = kiosk
    start_visit(app, "en")
    title = app.root.ids.title

    def height(text: str, width: float) -> float:
        label = CoreLabel(text=text, font_size=title.font_size, font_name=title.font_name,
                          bold=True, text_size=(width, None))
        label.refresh()
        return label.texture.size[1]

    too_long = []
    for lang in app.settings.languages:
        app.choose_language(lang)
        wait_until_placed(title)  # the bar's buttons size themselves from their new text first
        width = title.width
        two_lines = height("Hg\nHg", width)
        for guide in app.store.guide_defs():
            doc = app.store.document(guide.id, lang)
            if doc is not None and height(doc.title, width) > two_lines:
                too_long.append(f"{lang}/{guide.id} ({width:.0f} px): {doc.title}")
    assert too_long == []
    app.screen_title = app.store.document("rights-overview", "fr").title
    advance_frames(3)
    assert app.root.ids.top_bar.height >= title.texture_size[1]
