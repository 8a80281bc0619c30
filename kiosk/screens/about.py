"""About screen: the project, its partners and the municipality from the config."""
from __future__ import annotations

from kiosk.ui.i18n import tr
from kiosk.screens.base import KioskScreen, load_kv
from contentlib.store import ABOUT_ID
from kiosk.core.viewmodels import guide_view
from kiosk.widgets.common import KioskLabel
from kiosk.widgets.document import render_document

load_kv(__file__)


class AboutScreen(KioskScreen):
    def refresh(self) -> None:
        app = self.app
        view = guide_view(app.store, ABOUT_ID, app.visit.language)
        self.title = view.title
        render_document(self.ids.document, view, app.store)
        if app.settings.municipality:
            line = tr._("This kiosk is provided by: {municipality}").format(
                municipality=app.settings.municipality
            )
            label = KioskLabel(text=line, bold=True)  # plain text: the config's value as written
            label.probe_id = "municipality"
            self.ids.document.add_widget(label, index=len(self.ids.document.children) - 1)
        version = tr._("Content version: {version}").format(version=app.store.content_version)
        self.ids.document.add_widget(KioskLabel(text=version, text_style="small"))

    def reset_visit_state(self) -> None:
        super().reset_visit_state()


SCREEN = AboutScreen
