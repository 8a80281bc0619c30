"""Course and links screen: the online course and official pages, each with a QR code."""
from __future__ import annotations

from kiosk.ui.i18n import tr
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import links_view
from kiosk.widgets.common import KioskLabel
from kiosk.widgets.document import fallback_note, link_card

load_kv(__file__)


class LinksScreen(KioskScreen):
    def refresh(self) -> None:
        app = self.app
        self.title = tr._("Online course and links")
        box = self.ids.links
        box.clear_widgets()
        box.add_widget(
            KioskLabel(
                text=tr._("Scan a code with your phone's camera to open the page."),
            )
        )
        for view in links_view(app.store, app.visit.language, app.visit.country):
            if view.fallback:
                box.add_widget(fallback_note())
            card = link_card(view.url, view.label)
            card.link_id = view.link_id
            box.add_widget(card)
            box.add_widget(KioskLabel(text=view.description))

    def reset_visit_state(self) -> None:
        super().reset_visit_state()


SCREEN = LinksScreen
