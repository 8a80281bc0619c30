"""Home screen: the chosen country's guide (the kiosk's host country until the visitor
picks another), the general guides, the quiz, links, search and about.

Everything below the top bar is one scrolling list (a Kivy ``RecycleView``): a row of
action buttons, the country button, then a card per guide. The list is plain data, one
dict a row; only the rows on screen have widgets, and scrolling hands a row's widget to
the next row that comes into view. So a change of language, country or content re-renders
the texts of the few cards on screen, not of every guide: with the 36 guides of four times
today's content, the cards' textures alone took 17 MiB when every card had its widget.
Rows get their widgets back through :class:`~kiosk.widgets.row_keeping.RowKeepingAdapter`
(Kivy's own adapter shuffles them on every re-layout).

The rows are handed in one a frame, in idle frames after the screen is made (in the
host country's language), so the first visit finds the widgets of the first screen made.
"""
from __future__ import annotations

from typing import Any

from kivy.properties import (BooleanProperty, ListProperty, NumericProperty, ObjectProperty,
                             StringProperty)
from kivy.uix.recycleview import RecycleView
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.uix.widget import Widget

from kiosk.core.languages import country_name
from kiosk.core.markup import escape_markup
from kiosk.core.viewmodels import Topic, home_topics, selectable_countries
from kiosk.screens.base import BuildsAheadScreen, load_kv
from kiosk.ui.i18n import tr
from kiosk.widgets.button_grid import ButtonGrid
from kiosk.widgets.common import KioskButton
from kiosk.widgets.idle_filling import IdleFilling
from kiosk.widgets.row_keeping import RowKeepingAdapter
from kiosk.widgets.surface import TappableSurface

ACTIONS = (("quiz", True), ("links", True), ("search", True), ("about", False))
"""The home row's buttons: the screen each opens (also its probe id) and whether it is
emphasised; their labels come with the row's data (:func:`action_labels`)."""


def action_labels() -> list[str]:
    """The home row's button labels in the visitor's language, in the order of ACTIONS."""
    return [tr._("Test yourself: quiz"), tr._("Online course and links"), tr._("Search"),
            tr._("About this kiosk")]


class HomeList(RecycleView):
    """The scrolling list of home rows; its rows send touches to ``intents``."""

    intents = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("view_adapter", RowKeepingAdapter())
        super().__init__(**kwargs)


class HomeRow(RecycleDataViewBehavior):
    """A widget that shows one row of the home list (whichever row it is given)."""

    home_list: HomeList | None = None

    def refresh_view_attrs(self, rv: HomeList, index: int, data: dict[str, Any]) -> None:
        self.home_list = rv
        super().refresh_view_attrs(rv, index, data)


class HomeActions(HomeRow, ButtonGrid):
    """The row of the quiz, links, search and about buttons, made once (laid out in
    home.kv)."""

    labels = ListProperty()
    """The buttons' texts, in the order of ACTIONS."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._buttons = [KioskButton(probe_id=screen, emphasis=emphasis)
                         for screen, emphasis in ACTIONS]
        for button in self._buttons:
            button.bind(on_release=self._open)
            self.add_widget(button)

    def on_labels(self, _row: Any, labels: list[str]) -> None:
        for button, label in zip(self._buttons, labels):
            button.text = label

    def _open(self, button: KioskButton) -> None:
        if self.home_list is not None:
            self.home_list.intents.open_screen(button.probe_id)

    def button(self, probe_id: str) -> KioskButton:
        return next(b for b in self._buttons if b.probe_id == probe_id)


class CountryRow(HomeRow, KioskButton):
    """The button that shows the chosen country and opens the country chooser."""


class TopicCard(HomeRow, TappableSurface):
    heading = StringProperty("")
    """The guide title, plain text."""
    details = StringProperty("")
    """Markup: the escaped summary, then the country and the not-translated note if any."""
    fallback = BooleanProperty(False)
    probe_id = StringProperty("")
    guide_id = StringProperty("")
    icon = StringProperty("")
    """Material Design icon name for the guide's topic; empty: the card shows none."""
    text_width = NumericProperty(1)
    """The width its texts wrap at (home.kv)."""


load_kv(__file__)


def topic_details(topic: Topic, lang: str) -> str:
    """The card's markup: the summary, the country in bold, the fallback note in italics."""
    details = escape_markup(topic.summary)
    if topic.country:
        details += f"\n[b]{escape_markup(country_name(topic.country, lang))}[/b]"
    if topic.fallback:
        note = tr._("Not yet translated: shown in English.")
        details += f"\n[i]{escape_markup(note)}[/i]"
    return details


def card_row(topic: Topic, lang: str) -> dict[str, Any]:
    """The list row of one guide's card."""
    return {
        "viewclass": "TopicCard",
        "heading": topic.title,
        "details": topic_details(topic, lang),
        "fallback": topic.fallback,
        "probe_id": f"guide-{topic.guide_id}",
        "guide_id": topic.guide_id,
        "icon": topic.icon or "",
    }


class HomeScreen(BuildsAheadScreen):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown_for: tuple[str, str, str] | None = None
        self._ahead: list[dict[str, Any]] | None = None

    def on_kv_post(self, base_widget: Any) -> None:
        # Runs inside __init__, after the kv rule
        self.ids.scroller.intents = self.context.intents
        self._filling = IdleFilling(self._hand_in_one_row)

    def _rows(self, language: str, country: str) -> list[dict[str, Any]]:
        """Home's list as data: the action row, the country button, a card per guide."""
        store = self.context.store
        host = self.context.settings.host_country
        label = tr._("Guides for: {country}").format(country=country_name(country, language))
        country_row = {"viewclass": "CountryRow", "probe_id": "country",
                       "text": label + "  ›  " + tr._("Other country"),
                       "disabled": len(selectable_countries(store, host)) <= 1}
        topics = home_topics(store, language, country)
        return [{"viewclass": "HomeActions", "labels": action_labels()}, country_row,
                *(card_row(topic, language) for topic in topics)]

    def _hand_in_one_row(self) -> bool:
        """Before the screen is first shown: one more row of the host country's home."""
        if self._shown_for is not None:
            return False
        if self._ahead is None:  # asked once, not in every idle frame
            visit = self.context.visit
            self._ahead = self._rows(visit.language, self.context.settings.host_country)
        data = self.ids.scroller.data
        if len(data) >= len(self._ahead):
            return False
        data.append(self._ahead[len(data)])
        return True

    def refresh(self) -> None:
        store, visit = self.context.store, self.context.visit
        self.title = tr._("Your rights as an EU citizen")
        key = (visit.language, visit.country, str(store.path))
        if key == self._shown_for:
            return
        self._shown_for = key
        self._filling.cancel()
        rows = self._rows(visit.language, visit.country)
        if rows != self.ids.scroller.data:
            self.ids.scroller.data = rows

    @property
    def listed_guides(self) -> tuple[str, ...]:
        """The guides listed, in order (also those not scrolled to)."""
        return tuple(row["guide_id"] for row in self.ids.scroller.data if "guide_id" in row)

    @property
    def shown_rows(self) -> list[Widget]:
        """The widgets of the rows on screen now, top to bottom."""
        adapter = self.ids.scroller.view_adapter
        return [view for _index, view in sorted(adapter.views.items(), key=lambda v: v[0])]

    @property
    def shown_cards(self) -> list[TopicCard]:
        return [row for row in self.shown_rows if isinstance(row, TopicCard)]

    def row_widget(self, index: int) -> Widget:
        """The widget of the ``index``-th row, scrolled onto the screen if it was not."""
        scroller = self.ids.scroller
        scroller.refresh_views()
        view = scroller.view_adapter.get_visible_view(index)
        layout = scroller.layout_manager
        room = layout.height - scroller.height  # how far the list scrolls
        if view is None and room > 0:
            # its top at the window's top (positions count from the list's bottom)
            opt = layout.view_opts[index]
            top = opt["pos"][1] + opt["size"][1] - layout.y
            scroller.scroll_y = min(1.0, max(0.0, (top - scroller.height) / room))
            scroller.refresh_from_viewport()
            scroller.refresh_views()
            view = scroller.view_adapter.get_visible_view(index)
        if view is None:
            raise LookupError(f"home row {index} is not on screen after scrolling to it")
        return view

    def topic_card(self, guide_id: str) -> TopicCard:
        """The card of ``guide_id``, scrolled onto the screen if it was not."""
        index = next(i for i, row in enumerate(self.ids.scroller.data)
                     if row.get("guide_id") == guide_id)
        card = self.row_widget(index)
        assert isinstance(card, TopicCard)
        return card

    def action_button(self, probe_id: str) -> KioskButton:
        """One of the home row's buttons (``ACTIONS``), scrolled onto the screen."""
        actions = self.row_widget(0)
        assert isinstance(actions, HomeActions)
        return actions.button(probe_id)

    @property
    def country_button(self) -> KioskButton:
        button = self.row_widget(1)
        assert isinstance(button, CountryRow)
        return button

    def reading(self) -> tuple[list[tuple[str, bool]], list[str]]:
        """Every card (not only those on screen) and the buttons, as read aloud."""
        rows = self.ids.scroller.data
        body: list[tuple[str, bool]] = []
        for row in rows:
            if row["viewclass"] == "TopicCard":
                body += [(row["heading"], False), (row["details"], True)]
        choices = [label for row in rows for label in row.get("labels", ())]
        choices += [row["text"] for row in rows if row["viewclass"] == "CountryRow"]
        return body, choices


SCREEN = HomeScreen
