"""Guide reader: structured text with images, QR codes for links and the sources."""
from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import guide_view, matching_section
from kiosk.widgets.document import render_document

load_kv(__file__)


class GuideScreen(KioskScreen):
    guide_id = StringProperty("")

    def show(self, **params: Any) -> None:
        self.guide_id = params.get("guide_id", self.guide_id)
        self.focus = params.get("focus")
        self.refresh()

    def refresh(self) -> None:
        if not self.guide_id:
            return
        view = guide_view(self.app.store, self.guide_id, self.app.visit.language)
        self.view = view
        self.title = view.title
        placed = render_document(self.ids.document, view, self.app.store)
        section = matching_section(view, self.focus) if getattr(self, "focus", None) else None
        self.focused_block = section
        if section is not None and section in placed:
            target = placed[section]
            # after layout has settled: bring the matching section to the top
            Clock.schedule_once(lambda _dt: self.ids.scroller.scroll_to(target, padding=10, animate=False), 0.05)
            return
        position = self.app.visit.scroll.get(self.guide_id, 1.0)
        # Layout settles over the next frames; restore the position after it has.
        Clock.schedule_once(lambda _dt: setattr(self.ids.scroller, "scroll_y", position), 0)

    def on_leave(self, *_args: Any) -> None:
        if self.guide_id:
            self.app.visit.scroll[self.guide_id] = self.ids.scroller.scroll_y

    def reset_visit_state(self) -> None:
        self.ids.document.clear_widgets()
        self.guide_id = ""
        super().reset_visit_state()


SCREEN = GuideScreen
