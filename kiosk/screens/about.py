"""About screen: the project, its partners and the municipality from the config.

The about text is drawn like a guide and kept like one (:mod:`kiosk.widgets.guide_layouts`):
showing the screen again puts the kept layout back, and after every change of screen the
layout for the visitor's language is built ahead in idle frames. The municipality line and
the content version are labels made once (kv) and updated in place.
"""
from __future__ import annotations

from typing import Any

from kivy.metrics import dp

from contentlib.model import ABOUT_ID
from kiosk.screens.base import LayoutScreen, load_kv
from kiosk.ui.i18n import tr
from kiosk.ui.screen_context import ScreenContext
from kiosk.widgets.common import set_shown
from kiosk.widgets.document import DocumentLook, look_from_theme
from kiosk.widgets.guide_layouts import GuideLayouts

load_kv(__file__)

TEXT_INSET = dp(96)
"""The document's padding left and right (about.kv): the text is this much narrower."""


class AboutScreen(LayoutScreen):
    def __init__(self, context: ScreenContext, **kwargs: Any) -> None:
        # Off screen, the layout is built at the width it will have (BuildsAheadScreen
        # keeps the manager's size).
        self.layouts = GuideLayouts(lambda: context.store, lambda: self.width - TEXT_INSET,
                                    capacity=2, height=lambda: self.ids.scroller.height,
                                    web_base_url=lambda: context.settings.web_base_url)
        super().__init__(context, **kwargs)

    def on_kv_post(self, base_widget: Any) -> None:
        # A strong reference (ids only hold weak proxies): it leaves the tree when unused.
        self.municipality = self.ids.municipality.__self__

    def look(self) -> DocumentLook:
        return look_from_theme(self.context.theme)

    def refresh(self) -> None:
        store, settings = self.context.store, self.context.settings
        layout = self.layouts.show(ABOUT_ID, self.context.visit.language, self.look())
        self.title = layout.view.title
        holder = self.ids.about_text
        if layout.root not in holder.children:
            holder.clear_widgets()  # the layout shown before stays kept
            holder.add_widget(layout.root)
        # plain text (markup off): the config's value as written
        self.municipality.text = tr._("This kiosk is provided by: {municipality}").format(
            municipality=settings.municipality
        )
        set_shown(self.ids.document, self.municipality, bool(settings.municipality), at_top=True)
        self.ids.version.text = tr._("Content version: {version}").format(
            version=store.content_version
        )

    # ------------------------------------------------------------------ building ahead

    def after_screen_change(self) -> None:
        self.layouts.prepare([ABOUT_ID], self.context.visit.language, self.look())

    def before_look_change(self) -> None:
        # Kept layouts would all re-render for new fonts, or keep colours that are baked in.
        self.layouts.release_hidden()


SCREEN = AboutScreen
