"""About screen: the project, its partners and the municipality from the config.

The about text is drawn like a guide; the municipality line and the content version are
labels made once (kv) and updated in place.
"""
from __future__ import annotations

from typing import Any

from kiosk.ui.i18n import tr
from kiosk.screens.base import KioskScreen, load_kv
from contentlib.model import ABOUT_ID
from kiosk.core.viewmodels import guide_view
from kiosk.widgets.common import set_shown
from kiosk.widgets.document import look_from_theme, render_document

load_kv(__file__)


class AboutScreen(KioskScreen):
    def on_kv_post(self, base_widget: Any) -> None:
        # A strong reference (ids only hold weak proxies): it leaves the tree when unused.
        self.municipality = self.ids.municipality.__self__

    def refresh(self) -> None:
        store, settings = self.context.store, self.context.settings
        view = guide_view(store, ABOUT_ID, self.context.visit.language)
        self.title = view.title
        render_document(self.ids.about_text, view, store.media, look_from_theme(self.context.theme),
                        self.context.visit.language)
        # plain text (markup off): the config's value as written
        self.municipality.text = tr._("This kiosk is provided by: {municipality}").format(
            municipality=settings.municipality
        )
        set_shown(self.ids.document, self.municipality, bool(settings.municipality), at_top=True)
        self.ids.version.text = tr._("Content version: {version}").format(
            version=store.content_version
        )


SCREEN = AboutScreen
