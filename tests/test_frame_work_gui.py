"""What a touch costs in drawing (issue 13): a screen change draws the new screen alone,
the pointer's moves draw nothing, and a button's press feedback is one colour change
that keeps its text readable.

With software GL (Mesa llvmpipe, common on kiosk PCs) every redraw is a full frame of
40-85 ms at 1280x800, so these decide how soon a touch shows its result. Real touches
through the window, frames instead of sleeps, assertions on state.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui_support import (  # noqa: I001
    QueuedTouches, advance_frames, idle_until, point_at, start_app, stop_app, tap,
)
from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch
from kivy.uix.scrollview import ScrollView

from conftest import CONTENT
from kiosk.config import parse_config
from kiosk.core.accessibility import contrast_ratio
from kiosk.ui.app import KioskApp
from kiosk.widgets.surface import TappableSurface

pytestmark = pytest.mark.gui

CONFIG = parse_config(
    """
[kiosk]
host_country = "IT"
languages = ["en", "el"]
default_language = "en"
idle_timeout = 90
warning_seconds = 30
"""
)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[KioskApp]:
    app, _clock = start_app(CONFIG, tmp_path / "data", content_dir=CONTENT)
    yield app
    stop_app(app)


def ancestors(widget: Any) -> Iterator[Any]:
    while widget.parent is not None and widget.parent is not widget:
        widget = widget.parent
        yield widget


def record_label_renders(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every label whose text is rendered from now on (the list fills as they are)."""
    from kivy.uix.label import Label

    rendered: list[Any] = []
    unpatched = Label.texture_update

    # (named as the method: Kivy's triggers look it up by name)
    def texture_update(label: Label, *args: Any) -> None:
        rendered.append(label)
        unpatched(label, *args)

    monkeypatch.setattr(Label, "texture_update", texture_update)
    return rendered


def on_home(app: KioskApp) -> None:
    tap(app.screens["attract"])
    tap(app.screens["language"].button_for("en"))
    assert app.manager.current == "home"


def screens_in_each_draw(app: KioskApp, widget: Any) -> list[list[str]]:
    """Touch ``widget`` as a touch screen does (the release arrives within a frame, see
    QueuedTouches) and run frames until the screen change has ended; the names of the
    screens in the manager at each window draw from the release on."""
    seen: list[list[str]] = []

    def drawn(*_args: Any) -> None:
        seen.append([screen.name for screen in app.manager.children])

    x, y = widget.to_window(*widget.center)
    point_at(x, y)
    touch = UnitTestTouch(x, y)
    with QueuedTouches() as touches:
        touches.queue("begin", touch)
        EventLoop.idle()
        advance_frames(2)
        touches.queue("end", touch)
        Window.fbind("on_draw", drawn)
        try:
            _frames_until_the_change_ends(app, seen)
        finally:
            Window.funbind("on_draw", drawn)
    return seen


def _frames_until_the_change_ends(app: KioskApp, seen: list[list[str]]) -> None:
    for _ in range(30):
        EventLoop.idle()
        if seen and not app.manager.transition.is_active:
            return


def test_the_first_frame_after_a_screen_change_draws_only_the_new_screen(app: KioskApp) -> None:
    """Kivy's NoTransition keeps the old screen in the manager until the next clock tick,
    so the first frame drew home and the guide on top of it: two screens' drawing before
    the guide showed."""
    on_home(app)
    draws = screens_in_each_draw(app, app.screens["home"].topic_card("register-italy"))
    assert app.manager.current == "guide"
    assert draws and draws[0] == ["guide"], draws
    # and back home: the same for a change that leaves a guide
    draws = screens_in_each_draw(app, app.root.ids.home_button)
    assert app.manager.current == "home" and draws[0] == ["home"], draws


def test_moving_the_pointer_across_buttons_draws_no_frame(app: KioskApp) -> None:
    """The kiosk's touch screen moves the pointer to every touch. KivyMD's hover tracking
    put the widget under it into a hover state, which redrew the whole window: a full
    frame the touch itself then waited for."""
    on_home(app)
    draws: list[int] = []

    def drawn(*_args: Any) -> None:
        draws.append(1)

    Window.fbind("on_draw", drawn)
    try:
        for _ in range(200):  # until the home screen has stopped changing
            count = len(draws)
            advance_frames(5)
            if len(draws) == count:
                break
        assert len(draws) == count, "the home screen kept redrawing with nothing happening"
        targets = [w for w in app.root.walk() if isinstance(w, TappableSurface)
                   and w.get_root_window() is not None]
        assert len(targets) >= 10
        for widget in targets:
            point_at(*widget.to_window(*widget.center))
            advance_frames(1)
        point_at(1, 1)
        advance_frames(2)
        assert len(draws) == count, f"{len(draws) - count} frames drawn for pointer moves"
    finally:
        Window.funbind("on_draw", drawn)


@pytest.mark.parametrize("high_contrast", [False, True], ids=["normal", "high-contrast"])
def test_a_pressed_button_changes_colour_and_its_text_stays_readable(
        app: KioskApp, high_contrast: bool) -> None:
    on_home(app)
    if high_contrast:
        tap(app.root.ids.contrast_button)
        assert app.high_contrast
    # the bar's buttons: a ScrollView would hold a press back for its tap delay
    buttons = [w for w in app.root.walk() if isinstance(w, TappableSurface)
               and w.get_root_window() is not None and "button_label" in w.ids
               and not any(isinstance(p, ScrollView) for p in ancestors(w))]
    assert any(b.emphasis for b in buttons) and any(not b.emphasis for b in buttons)
    for button in buttons:
        resting = list(button.drawn_fill)
        x, y = button.to_window(*button.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        EventLoop.idle()
        try:
            assert button.state == "down"
            assert list(button.drawn_fill) != resting, button.text
            ratio = contrast_ratio(button.ids.button_label.color, button.drawn_fill)
            assert ratio >= 7.0, f"{button.text!r} pressed: {ratio:.2f}:1"
        finally:
            # slide off before lifting: a press without a release changes nothing
            touch.touch_move(1, 1)
            touch.touch_up()
            advance_frames(1)
        assert list(button.drawn_fill) == resting


def test_the_first_visit_finds_home_cards_made_in_idle_frames(app: KioskApp) -> None:
    """Making a card is most of what showing home costs the first time (KivyMD cards took
    12-33 ms each); home's rows are handed in one per idle frame once the screens are
    built, so the cards of its first screen are made before the visitor comes."""
    from kiosk.core.viewmodels import home_topics

    wanted = len(home_topics(app.store, app.visit.language, "IT")) + 2  # actions, country
    idle_until(lambda: app.screens.complete and "home" in app.screens
               and len(app.screens["home"].ids.scroller.data) >= wanted,
               frames=400, what="home's rows handed in")
    advance_frames(2)
    home = app.screens["home"]
    made = {id(card) for card in home.shown_cards}
    assert len(made) >= 3
    assert app.manager.current == "attract"
    on_home(app)
    assert {id(card) for card in home.shown_cards} <= made


def test_the_first_search_finds_its_keys_made_in_idle_frames(app: KioskApp) -> None:
    """The on-screen keyboard's thirty-odd keys took 134 ms to make in the touch that first
    opened search; they are made in idle frames, enough for every offered language."""
    for _ in range(400):
        advance_frames(1)
        if app.screens.complete and app.screens["search"].keys_made_ahead:
            break
    search = app.screens["search"]
    assert search.keys_made_ahead
    made = {id(key) for key in search.key_pool}
    on_home(app)
    tap(app.root.ids.language_button)
    tap(app.screens["language"].button_for("el"))
    tap(app.screens["home"].action_button("search"))
    assert app.manager.current == "search"
    letters = [key for name, key in search.keys.items() if name not in ("space", "delete", "clear")]
    assert len(letters) >= 24 and "α" in search.keys
    assert {id(key) for key in letters} <= made


def test_the_first_visit_to_the_links_finds_entries_and_qr_codes_made_ahead(app: KioskApp) -> None:
    """Each link's entry and QR code were made in the touch that first opened the links
    (240 ms for the bundled links); they are made in idle frames once the screen exists."""
    for _ in range(400):
        advance_frames(1)
        if app.screens.complete and app.screens["links"].entry_pool:
            links = app.screens["links"]
            advance_frames(len(links.entry_pool) + 5)
            break
    links = app.screens["links"]
    made = links.entry_pool
    assert len(made) >= 3 and all(entry.url for entry in made)
    codes = [entry.ids.qr.texture for entry in made]
    assert all(code is not None for code in codes)
    on_home(app)
    tap(app.screens["home"].action_button("links"))
    assert app.manager.current == "links"
    assert links.entry_pool == made
    assert [entry.ids.qr.texture for entry in made] == codes  # the same QR textures


def test_the_about_text_is_built_ahead_and_shown_again_as_it_was(app: KioskApp) -> None:
    """The about document was rendered anew each time the screen was shown (129-568 ms
    in the touch's frame, the first time in each language); now it is kept like a guide
    and built ahead in idle frames after each change of screen."""
    from contentlib.model import ABOUT_ID

    on_home(app)
    about = app.screens["about"]
    for _ in range(300):
        advance_frames(1)
        ready = about.layouts.cached(ABOUT_ID, "en", about.look())
        if ready is not None and ready.complete:
            break
    layout = about.layouts.cached(ABOUT_ID, "en", about.look())
    assert layout is not None and layout.complete
    tap(app.screens["home"].action_button("about"))
    assert app.manager.current == "about"
    assert list(about.ids.about_text.children) == [layout.root]
    tap(app.root.ids.home_button)
    tap(app.screens["home"].action_button("about"))
    assert list(about.ids.about_text.children) == [layout.root]


def test_the_first_frame_comes_before_anything_the_attract_screen_does_not_need(tmp_path: Path) -> None:
    """The start builds the attract screen and draws it; the usage counters (sqlite-utils),
    the update worker (a thread, and the signature code) and the other screens come in
    the frames after it."""
    from gui_support import seed_data_dir
    from sync.keys import generate_key_file

    public = generate_key_file(tmp_path / "key")
    config = parse_config(
        '[kiosk]\nhost_country = "IT"\nlanguages = ["en", "el"]\n'
        f'[sync]\nsource = "{tmp_path / "source"}"\npublic_keys = ["{public}"]\ninterval_seconds = 3600\n'
    )
    seed_data_dir(tmp_path / "data", None)
    app = KioskApp(config, tmp_path / "data")
    EventLoop.ensure_window()
    state_at_first_draw: list[tuple[Any, ...]] = []

    def first_draw(*_args: Any) -> None:
        if not state_at_first_draw:
            state_at_first_draw.append((
                [screen.name for screen in app.screens.built()],
                app.usage_store, app.sync_worker, app.manager.current,
            ))

    Window.fbind("on_flip", first_draw)
    try:
        app._run_prepare()
        advance_frames(1)
        assert state_at_first_draw == [(["attract"], None, None, "attract")]
        advance_frames(len(app.screens) + 2)
        assert app.usage_store is not None
        assert app.sync_worker is not None and app.sync_worker.thread.is_alive()
        assert app.screens.complete
    finally:
        Window.funbind("on_flip", first_draw)
        stop_app(app)


@pytest.mark.slow
def test_home_with_four_times_the_guides_fills_the_screen_at_once_with_widgets_for_a_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """36 cards re-rendered in the frame after choosing a language held it 400 ms; the
    cards that fill the screen come in that frame, each text rendered once; the others
    have widgets only while scrolled onto the screen."""
    import importlib.util

    from kiosk.core.viewmodels import home_topics

    # the bench's own cloning of the guides (bench/ is no package: loaded from its file)
    spec = importlib.util.spec_from_file_location(
        "scaled_content", CONTENT.parent / "bench" / "scaled_content.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    content = module.scaled_content(CONTENT, tmp_path / "content", 4)
    app, _clock = start_app(CONFIG, tmp_path / "data", content_dir=content)
    try:
        idle_until(lambda: app.screens.complete, frames=3000, what="screens built")
        tap(app.screens["attract"])
        home = app.screens["home"]
        topics = home_topics(app.store, "en", "IT")
        assert len(topics) >= 36
        rendered = record_label_renders(monkeypatch)
        button = app.screens["language"].button_for("en")
        x, y = button.to_window(*button.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        EventLoop.idle()
        rendered.clear()
        touch.touch_up()
        EventLoop.idle()  # the frame that shows home
        assert app.manager.current == "home"
        cards = home.shown_cards
        assert 2 <= len(cards) < len(topics)
        # the cards reach below the bottom of the list's window: the screen is full
        scroller = home.ids.scroller
        last = cards[-1]
        assert last.to_window(last.x, last.y)[1] < scroller.to_window(scroller.x, scroller.y)[1]
        card_labels = [label for label in rendered
                       if any(label in card.walk(restrict=True) for card in cards)]
        assert len(card_labels) <= 3 * len(cards)  # heading, details, icon: once each
        # read aloud reads every card, also those not scrolled to
        spoken: list[str] = []
        monkeypatch.setattr(app.speaker, "speak", lambda text, lang: spoken.append(text) or False)
        app.read_aloud()
        assert spoken and spoken[-1].count(topics[-1].title) == 4  # each guide and its 3 clones
        assert list(home.listed_guides) == [t.guide_id for t in topics]
        # scrolled from top to bottom, every guide's card shows, on the few card widgets
        # of about a screen (the rest of the list is data, not widgets)
        seen_guides: set[str] = set()
        card_widgets: set[int] = set()
        most_at_once = 0
        for step in range(41):
            scroller.scroll_y = 1 - step / 40
            advance_frames(2)
            shown = home.shown_cards
            most_at_once = max(most_at_once, len(shown))
            for card in shown:
                seen_guides.add(card.guide_id)
                card_widgets.add(id(card))
        assert seen_guides == {t.guide_id for t in topics}
        assert len(card_widgets) <= most_at_once + 1 < len(topics) / 3
        assert scroller.view_adapter.widgets_made <= most_at_once + 3  # and the two rows above
    finally:
        monkeypatch.undo()
        stop_app(app)


def test_a_relayout_of_home_gives_each_row_its_widget_back_and_renders_nothing(
    app: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row changing height re-lays out the whole list. Kivy's own adapter then handed
    the rows their widgets back in reverse, so every card re-rendered another card's
    texts, changed height again, and home in Greek never settled (the clock ran out of
    iterations every frame)."""
    tap(app.screens["attract"])
    tap(app.screens["language"].button_for("el"))
    home = app.screens["home"]
    scroller = home.ids.scroller
    advance_frames(5)
    before = {card.guide_id: card for card in home.shown_cards}
    assert len(before) >= 2
    rendered = record_label_renders(monkeypatch)
    for _ in range(3):
        scroller.refresh_from_layout()  # what a row's change of height asks for
        advance_frames(2)
    assert {card.guide_id: card for card in home.shown_cards} == before
    in_rows = [label for label in rendered
               if any(label in row.walk(restrict=True) for row in home.shown_rows)]
    assert in_rows == [], [label.text for label in in_rows]
