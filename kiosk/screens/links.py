"""Course and links screen: the online course and official pages, each with a QR code.

Each link is a :class:`LinkEntry` from a pool: a change of language, country or content
updates the entries in place, adds one only when there are more links than ever before,
and takes surplus ones out of the tree (kept for later, not destroyed). The pool is made
in idle frames after the screen is built, QR codes included, an entry a frame.
"""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.i18n import tr
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import LinkView, links_view
from kiosk.widgets.common import set_shown
from kiosk.widgets.idle_filling import IdleFilling

load_kv(__file__)


class LinkEntry(BoxLayout):
    """One link: the not-translated note if needed, a card with the QR code, the link's
    name and its address, then what the page is about (layout in links.kv)."""

    link_id = StringProperty("")
    url = StringProperty("")
    label = StringProperty("")
    description = StringProperty("")
    fallback = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        # Strong references (ids only hold weak proxies): these leave the tree when unused.
        self.note = self.ids.note.__self__
        self.name_label = self.ids.name_label.__self__

    def show(self, view: LinkView) -> None:
        self.link_id = view.link_id
        self.url = view.url
        self.label = view.label
        self.description = view.description
        self.fallback = view.fallback
        set_shown(self, self.note, view.fallback, at_top=True)
        set_shown(self.ids.text_box, self.name_label, bool(view.label), at_top=True)


class LinksScreen(KioskScreen):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entries: list[LinkEntry] = []
        self._views_ahead: list[LinkView] | None = None
        self._filling = IdleFilling(self._make_one_entry)

    @property
    def entry_pool(self) -> tuple[LinkEntry, ...]:
        """Every entry made so far, shown or not."""
        return tuple(self._entries)

    def _make_one_entry(self) -> bool:
        """One more entry, filled in (its QR code made), while the pool cannot yet show
        the host country's links."""
        if self._views_ahead is None:  # asked once, not in every idle frame
            context = self.context
            self._views_ahead = links_view(context.store, context.visit.language,
                                           context.settings.host_country)
        views = self._views_ahead
        if len(self._entries) >= len(views):
            return False
        entry = LinkEntry()
        entry.show(views[len(self._entries)])
        self._entries.append(entry)
        return True

    def refresh(self) -> None:
        self.title = tr._("Online course and links")
        visit = self.context.visit
        views = links_view(self.context.store, visit.language, visit.country)
        box = self.ids.links
        # Shown entries are always the first ones of the pool, in order: take out the
        # surplus, then update the rest, adding an entry below the others where needed.
        for entry in self._entries[len(views):]:
            if entry.parent is not None:
                box.remove_widget(entry)
        while len(self._entries) < len(views):
            self._entries.append(LinkEntry())
        for entry, view in zip(self._entries, views):
            entry.show(view)
            if entry.parent is None:
                box.add_widget(entry)


SCREEN = LinksScreen
