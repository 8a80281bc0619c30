"""The guide reader keeps each guide's widgets and builds the next ones ahead (issue 13).

A guide shown again is the same widget tree; the guides home lists are built in idle
frames and a touch finds them ready; a layout that is let go of (pushed out of the cache,
another language, new fonts or colours) has no kv rule left bound and is freed. Real
touches through the window, frames instead of sleeps, assertions on state.
"""
from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui_support import advance_frames, idle_until, start_app, stop_app, tap, tap_card, start_visit  # noqa: I001
from kivy.base import EventLoop
from kivy.tests.common import UnitTestTouch
from kivy.uix.widget import Widget

from conftest import CONTENT
from kiosk.config import parse_config
from kiosk.ui.app import KioskApp
from kiosk.ui.collector import collect_and_freeze
from kiosk.widgets.common import KioskLabel, MarkupLabel
from kiosk.widgets.document import SourceLabel
from kiosk.widgets.guide_layouts import DEFAULT_CAPACITY, TEXTURE_BUDGET_BYTES

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
FONT_OF_STYLE = {"display": "font_display", "title": "font_title", "heading": "font_heading",
                 "body": "font_body", "small": "font_small"}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[KioskApp]:
    app, _clock = start_app(CONFIG, tmp_path / "data", content_dir=CONTENT)
    yield app
    stop_app(app)


def open_from_home(app: KioskApp, guide_id: str) -> None:
    if app.manager.current != "home":
        tap(app.root.ids.home_button)
    tap_card(app, guide_id)
    assert app.manager.current == "guide" and app.screens["guide"].guide_id == guide_id


def shown_widgets(app: KioskApp) -> list[Widget]:
    """Every widget of the guide on screen (inside the reader's scroller)."""
    return list(app.screens["guide"].ids.document.walk(restrict=True))[1:]


def labels(widgets: list[Widget]) -> list[KioskLabel]:
    return [w for w in widgets if isinstance(w, KioskLabel)]


def live_widgets() -> list[Widget]:
    collect_and_freeze()
    return [o for o in gc.get_objects() if issubclass(type(o), Widget)]  # not weak proxies


def wait_until_built_ahead(app: KioskApp) -> None:
    layouts = app.screens["guide"].layouts
    idle_until(lambda: not layouts.building_ahead, frames=3000, what="guides built ahead")


def test_a_guide_shown_again_is_the_same_widget_tree_scrolled_where_it_was_left(app) -> None:
    layouts = app.screens["guide"].layouts
    # room for every guide home lists: once built ahead, nothing is left to build when the
    # card is touched, so any widget made then would have been made for the guide shown
    layouts.capacity, layouts.texture_budget = 16, 2**40
    start_visit(app)
    scroller = app.screens["guide"].ids.scroller
    open_from_home(app, "ep-voting")
    first = shown_widgets(app)
    assert any(w.text == "[b]One vote only[/b]" for w in labels(first))
    scroller.scroll_y = 0.3
    advance_frames(2)
    open_from_home(app, "municipal-voting")
    assert scroller.scroll_y == 1.0  # another guide starts at its top
    scroller.scroll_y = 0.6
    advance_frames(2)
    tap(app.root.ids.home_button)
    wait_until_built_ahead(app)
    alive_before = live_widgets()  # held, so no new widget can take one's id
    tap_card(app, "ep-voting")
    assert app.screens["guide"].guide_id == "ep-voting"
    again = shown_widgets(app)
    assert len(again) == len(first) and all(a is b for a, b in zip(again, first))
    known = {id(w) for w in alive_before}
    assert [w for w in live_widgets() if id(w) not in known] == []  # nothing was built for it
    del alive_before
    advance_frames(2)
    assert scroller.scroll_y == pytest.approx(0.3)
    open_from_home(app, "municipal-voting")
    advance_frames(2)
    assert scroller.scroll_y == pytest.approx(0.6)


def test_the_guide_built_ahead_in_idle_frames_is_the_one_a_touch_shows(app) -> None:
    start_visit(app)
    reader = app.screens["guide"]
    home = app.screens["home"]
    first_listed = home.listed_guides[0]
    assert first_listed == "register-italy"  # the host country's guide comes first
    look = reader.look()
    idle_until(lambda: (built := reader.layouts.cached(first_listed, "en", look)) is not None
               and built.complete, frames=3000, what="the first guide on home built ahead")
    prepared = reader.layouts.cached(first_listed, "en", look).root
    tap_card(app, first_listed)
    assert reader.ids.document.children == [prepared]
    title = app.store.document(first_listed, "en").title
    assert any(w.text == title for w in labels(shown_widgets(app)))


def test_nothing_is_built_ahead_while_a_finger_is_on_the_screen(app) -> None:
    start_visit(app)
    reader = app.screens["guide"]
    layouts = reader.layouts
    layouts.release_hidden()  # start again from nothing
    reader.prepare(["ep-voting"], "en")
    title = app.root.ids.title  # nothing happens on a touch there
    touch = UnitTestTouch(*title.to_window(*title.center))
    touch.touch_down()
    try:
        advance_frames(10)
        assert layouts.cached("ep-voting", "en", reader.look()) is None
    finally:
        touch.touch_up()
    idle_until(lambda: (built := layouts.cached("ep-voting", "en", reader.look())) is not None
               and built.complete, frames=3000, what="ep-voting built once the finger lifted")


def test_a_guide_not_built_ahead_fills_the_screen_in_the_touch_frame_and_the_rest_follows(
    app, monkeypatch: pytest.MonkeyPatch
) -> None:
    given_back: list[int] = []
    monkeypatch.setattr("kiosk.widgets.guide_layouts.give_back_free_memory",
                        lambda: given_back.append(len(given_back)) or True)
    reader = app.screens["guide"]
    layouts = reader.layouts
    layouts.texture_budget = 0  # nothing is built ahead: the touch builds the guide
    start_visit(app)
    layouts.release_all()
    store = app.store
    listed = list(app.screens["home"].listed_guides)
    longest = max(listed, key=lambda guide_id: len(store.document(guide_id, "en").blocks))
    card = app.screens["home"].topic_card(longest)
    x, y = card.to_window(*card.center)
    advance_frames(3)
    given_back.clear()  # (what start_visit and release_all let go of went back by now)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    EventLoop.idle()
    touch.touch_up()
    EventLoop.idle()  # the frame that shows the guide
    assert app.manager.current == "guide" and reader.guide_id == longest
    shown = layouts.shown
    assert shown is not None and not shown.complete  # the rest comes in the next frames
    assert given_back == []  # not in the frames a visitor waits for
    scroller = reader.ids.scroller
    assert shown.root.height >= scroller.height  # but the screen is full
    assert reader.ids.document.children == [shown.root]
    # read aloud right away, it reads all of the guide, the part still to come included
    spoken: list[str] = []
    monkeypatch.setattr(app.speaker, "speak", lambda text, lang: spoken.append(text) or False)
    app.read_aloud()
    sources = store.guide_def(longest).sources
    assert spoken and sources[-1].title in spoken[-1]
    assert layouts.shown_complete
    idle_until(lambda: layouts.shown_complete, frames=600, what="the rest of the guide")
    # once the guide is complete, what rendering its text freed goes back to the system
    idle_until(lambda: given_back, frames=10, what="memory given back")
    widgets = shown_widgets(app)
    assert sum(isinstance(w, SourceLabel) for w in widgets) == len(store.guide_def(longest).sources)
    advance_frames(3)
    # the estimate that decided how much to build at once is near the height laid out
    assert 0.75 * shown.root.height <= shown.estimated_height <= 1.33 * shown.root.height


def test_a_layout_pushed_out_of_the_cache_is_unbound_and_freed(app) -> None:
    reader = app.screens["guide"]
    # kept by count here (the texture budget is another test's)
    reader.layouts.capacity, reader.layouts.texture_budget = 2, 2**40
    reader.layouts.release_hidden()  # what was built ahead at start-up, in a bigger cache
    start_visit(app)
    open_from_home(app, "register-italy")
    evicted = labels(shown_widgets(app))
    refs = [weakref.ref(w) for w in shown_widgets(app)]
    open_from_home(app, "rights-overview")
    open_from_home(app, "ep-voting")  # a third guide: the least recently shown goes
    assert reader.layouts.cached("register-italy", "en", reader.look()) is None
    assert len(reader.layouts) == 2
    sizes = [w.font_size for w in evicted]
    app.font_body += 11
    app.font_heading += 11
    app.font_title += 11
    advance_frames(2)
    assert [w.font_size for w in evicted] == sizes  # no kv rule of it ran
    shown = labels(shown_widgets(app))
    body = [w for w in shown if w.text_style == "body"]
    assert body and all(w.font_size == app.font_body for w in body)  # the shown guide follows
    del evicted, shown, body
    collect_and_freeze()  # the kiosk's own full collection (between visits)
    assert [r for r in refs if r() is not None] == []


def test_another_language_shows_its_text_and_lets_go_of_the_first(app) -> None:
    start_visit(app, "en")
    open_from_home(app, "register-italy")
    english = labels(shown_widgets(app))
    assert english[0].text == app.store.document("register-italy", "en").title
    tap(app.root.ids.language_button)
    tap(app.screens["language"].button_for("el"))
    assert app.manager.current == "guide"  # back where the visitor was, in Greek
    greek = labels(shown_widgets(app))
    assert greek[0].text == app.store.document("register-italy", "el").title
    assert any(w.text == "Πηγές" for w in greek)  # the kiosk's own heading too
    assert not {id(w) for w in greek} & {id(w) for w in english}
    reader = app.screens["guide"]
    assert reader.layouts.cached("register-italy", "en", reader.look()) is None
    sizes = [w.font_size for w in english]
    app.font_body += 9
    advance_frames(2)
    assert [w.font_size for w in english] == sizes  # the English tree follows nothing now
    refs = [weakref.ref(w) for w in english]
    del english
    collect_and_freeze()  # the kiosk's own full collection (between visits)
    assert [r for r in refs if r() is not None] == []


def test_a_text_step_resizes_the_guide_shown_and_lets_go_of_the_others(app) -> None:
    start_visit(app)
    reader = app.screens["guide"]
    reader.layouts.texture_budget = 2**40  # room to keep a guide besides the one shown
    open_from_home(app, "ep-voting")
    kept = labels(shown_widgets(app))
    open_from_home(app, "register-italy")
    kept_sizes = [w.font_size for w in kept]
    kept_layout = reader.layouts.cached("ep-voting", "en", reader.look())
    assert kept_layout is not None
    tap(app.root.ids.text_size_button)
    assert int(app.text_step) == 1
    advance_frames(3)
    for label in labels(shown_widgets(app)):
        assert label.font_size == getattr(app, FONT_OF_STYLE[label.text_style]), label.text[:40]
    sources = [w for w in shown_widgets(app) if isinstance(w, SourceLabel)]
    assert sources and all(f"[size={int(app.font_small)}]" in w.text for w in sources)
    # the hidden guide was let go of before the fonts changed: it did not re-render
    assert [w.font_size for w in kept] == kept_sizes
    # (building ahead may have begun a new one at the new size since)
    assert reader.layouts.cached("ep-voting", "en", reader.look()) is not kept_layout
    open_from_home(app, "ep-voting")
    shown = labels(shown_widgets(app))
    assert not {id(w) for w in shown} & {id(w) for w in kept}
    assert all(w.font_size == getattr(app, FONT_OF_STYLE[w.text_style]) for w in shown)


def test_a_contrast_switch_recolours_the_links_and_lets_go_of_the_old_colours(app) -> None:
    start_visit(app)
    reader = app.screens["guide"]
    open_from_home(app, "ep-voting")
    kept = labels(shown_widgets(app))
    open_from_home(app, "register-italy")
    normal_link = reader.look().link_color
    normal_colors = [list(w.color) for w in kept]
    tap(app.root.ids.contrast_button)
    assert app.high_contrast
    high_link = reader.look().link_color
    assert high_link != normal_link
    paragraphs = [w for w in shown_widgets(app)
                  if isinstance(w, MarkupLabel) and "[color=" in w.text]
    assert paragraphs and all(f"[color={high_link}]" in w.text for w in paragraphs)
    assert not any(f"[color={normal_link}]" in w.text for w in labels(shown_widgets(app)))
    text_color = list(app.theme_cls.onSurfaceColor)
    body = [w for w in labels(shown_widgets(app)) if w.text_color is None]
    assert body and all(list(w.color) == text_color for w in body)
    # the kept guide was let go of before the theme changed: its colours stayed
    assert [list(w.color) for w in kept] == normal_colors
    assert reader.layouts.cached("ep-voting", "en", reader.look()) is None
    tap(app.root.ids.contrast_button)
    assert not app.high_contrast
    paragraphs = [w for w in shown_widgets(app)
                  if isinstance(w, MarkupLabel) and "[color=" in w.text]
    assert paragraphs and all(f"[color={normal_link}]" in w.text for w in paragraphs)


def test_kept_layouts_hold_at_most_their_texture_budget_even_at_the_largest_text(app) -> None:
    """Kept by count alone, eight guides at the largest text held some 150 MiB of textures
    (twice that in the process); the budget bounds them whatever the text size."""
    start_visit(app)
    tap(app.root.ids.text_size_button)
    tap(app.root.ids.text_size_button)
    assert int(app.text_step) == 2
    layouts = app.screens["guide"].layouts
    budget = 8 * 2**20  # the documented budget (TEXTURE_BUDGET_BYTES)
    assert layouts.texture_budget == TEXTURE_BUDGET_BYTES == budget
    listed = list(app.screens["home"].listed_guides)
    largest = 0
    for guide_id in listed:
        open_from_home(app, guide_id)
        shown = layouts.shown.texture_bytes()
        largest = max(largest, shown)
        # at most the budget, or the guide on screen alone; building ahead may start one
        # more layout while there is room
        assert layouts.texture_bytes() <= max(budget, shown) + largest
    wait_until_built_ahead(app)
    assert layouts.texture_bytes() <= budget + largest
    # at this size one guide fills the budget: only the one on screen stays
    assert len(layouts) == 1 and layouts.shown is not None
    assert DEFAULT_CAPACITY < len(listed)
    assert largest > 8 * 2**20  # the largest text really makes big textures


def test_a_mouse_pointer_over_the_window_is_no_finger_and_holds_nothing_back(app) -> None:
    """Kivy lists the mouse pointer's hover event among the current touches; counted as a
    finger, it stopped every idle-frame build (screens, guides) on a kiosk with a mouse."""
    from kivy.base import EventLoop
    from kivy.input.providers.mouse import MouseMotionEvent

    hover = MouseMotionEvent("mouse", "hover", [0.5, 0.5], is_touch=False, type_id="hover")
    EventLoop.post_dispatch_input("begin", hover)
    try:
        assert hover in EventLoop.touches
        start_visit(app)
        reader = app.screens["guide"]
        reader.layouts.release_hidden()
        reader.prepare(["ep-voting"], "en")
        idle_until(lambda: (built := reader.layouts.cached("ep-voting", "en", reader.look()))
                   is not None and built.complete, frames=3000, what="ep-voting built ahead")
        assert app.screens.complete  # every screen was built in idle frames as well
    finally:
        EventLoop.post_dispatch_input("end", hover)
