"""Guide reader: structured text with images, QR codes for links and the sources.

Each guide's widgets are built once and kept (:mod:`kiosk.widgets.guide_layouts`): showing
a guide puts its kept layout into the scroller. After every change of screen the guides
listed on home are built ahead, a little per idle frame, so a touch on a card finds its
guide ready.

Fonts follow the text size step through the widgets' kv rules, and colours are baked in
per theme; kept layouts that are not on screen are let go of when either changes, before
the app changes its fonts and theme (the app calls :meth:`GuideScreen.before_look_change`
first), so that they never render their text again all at once.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.core.desk import desk_requests
from kiosk.core.viewmodels import matching_section, order_guides
from kiosk.screens.base import LayoutScreen, load_kv
from kiosk.ui.screen_context import ScreenContext
from kiosk.widgets.common import set_shown
from kiosk.widgets.document import DocumentLook, look_from_theme
from kiosk.widgets.guide_layouts import GuideLayouts

load_kv(__file__)


class GuideScreen(LayoutScreen):
    guide_id = StringProperty("")
    high_contrast = BooleanProperty(False)
    """The app's contrast setting (bound in guide.kv)."""

    def __init__(self, context: ScreenContext, **kwargs: Any) -> None:
        # Made before the kv rule is applied: the rule sets high_contrast, whose handler uses it.
        # Off screen, a layout is built at the width of this screen (kept at the manager's).
        self.layouts = GuideLayouts(lambda: context.store, lambda: self.width,
                                    height=lambda: self.ids.scroller.height,
                                    web_base_url=lambda: context.settings.web_base_url)
        self._home_guides: tuple[tuple[str, str], list[str]] = (("", ""), [])
        """The guides home lists, for (content store path, country)."""
        super().__init__(context, **kwargs)

    def on_kv_post(self, base_widget: Any) -> None:
        # A strong reference (ids only hold weak proxies): it leaves the tree when unused.
        self.desk_bar = self.ids.desk_bar.__self__

    def look(self) -> DocumentLook:
        return look_from_theme(self.context.theme)

    def show_at_desk(self) -> None:
        """Open the "Show this at the desk" card for this guide's requests."""
        self.context.intents.open_screen("desk", guide_id=self.guide_id)

    # ------------------------------------------------------------------ showing a guide

    def show(self, **params: Any) -> None:
        self.guide_id = params.get("guide_id", self.guide_id)
        self.focus = params.get("focus")
        self.refresh()

    def refresh(self) -> None:
        if not self.guide_id:
            return
        focus = getattr(self, "focus", None)
        position = self.context.visit.scroll.get(self.guide_id, 1.0)
        # A section to scroll to, or a place to return to, needs the layout below it.
        whole = bool(focus) or position != 1.0
        layout = self.layouts.show(self.guide_id, self.context.language, self.look(), whole)
        self.view = layout.view
        self.title = layout.view.title
        offers_desk = bool(desk_requests(self.context.store, self.guide_id,
                                         self.context.settings.host_country))
        set_shown(self.ids.column, self.desk_bar, offers_desk)
        holder = self.ids.document
        if layout.root not in holder.children:
            holder.clear_widgets()  # the layout shown before stays kept
            holder.add_widget(layout.root)
        scroller = self.ids.scroller
        section = matching_section(layout.view, focus) if focus else None
        self.focused_block = section
        if section is not None and section in layout.placed:
            target = layout.placed[section]
            # after layout has settled: bring the matching section to the top
            Clock.schedule_once(
                lambda _dt: scroller.scroll_to(target, padding=10, animate=False), 0.05)
            return
        # The scroller learns the layout's height in the next frame; restore the position after.
        Clock.schedule_once(lambda _dt: setattr(scroller, "scroll_y", position), 0)

    def on_leave(self, *_args: Any) -> None:
        if self.guide_id:
            self.context.visit.scroll[self.guide_id] = self.ids.scroller.scroll_y

    def reset_visit_state(self) -> None:
        self.layouts.hide()
        self.guide_id = ""
        super().reset_visit_state()

    # ------------------------------------------------------------------ building ahead

    def prepare(self, guide_ids: Sequence[str], language: str) -> None:
        """Build these guides' layouts in idle frames (in this order, into free room only)."""
        self.layouts.prepare(guide_ids, language, self.look())

    def prepare_home_guides(self) -> None:
        """Build ahead the guides home lists for the visitor's language and country."""
        store, visit = self.context.store, self.context.visit
        listed_for = (str(store.path), visit.country)
        if listed_for != self._home_guides[0]:
            listed = order_guides(store.guide_defs(), visit.country)
            self._home_guides = (listed_for, [guide.id for guide in listed])
        self.prepare(self._home_guides[1], visit.language)

    def after_screen_change(self) -> None:
        self.prepare_home_guides()

    # ------------------------------------------------------------------ fonts and colours

    def before_look_change(self) -> None:
        # The layout on screen follows the new fonts; kept ones would all re-render, or
        # keep colours that are baked in.
        self.layouts.release_hidden()

    def on_high_contrast(self, *_args: Any) -> None:
        # Colours are baked in: the layout on screen is replaced by refresh() when the guide
        # is the current screen (the app refreshes it); otherwise it goes too.
        self.layouts.release_hidden()
        if self.manager is None or self.manager.current != self.name:
            self.layouts.release_all()


SCREEN = GuideScreen
