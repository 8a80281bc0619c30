"""Home screen: the chosen country's guide (the kiosk's host country until the visitor
picks another), the general guides, the quiz, links, search and about.

The topic cards are a pool: a change of language, country or content updates the cards
in place, adds cards only when there are more topics than ever before, and takes surplus
ones out of the tree (kept for later, not destroyed). The pool is filled in idle frames
after the screen is made, a card a frame, so the first visit finds its cards ready.

A change updates the cards that fill the screen about one and a half times at once, and
the ones below them in the next frames (taken out of the list until then, so no card
shows the old language): with the 36 guides of four times today's content, re-rendering
every card's text held the frame after choosing a language for 400 ms.
"""
from __future__ import annotations

from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.ui.i18n import tr
from kiosk.core.languages import country_name
from kiosk.core.markup import escape_markup
from kiosk.screens.base import BuildsAheadScreen, load_kv
from kiosk.core.viewmodels import Topic, home_topics, selectable_countries
from kiosk.widgets.common import KioskButton
from kiosk.widgets.document import estimated_height
from kiosk.widgets.guide_layouts import FIRST_SCREENS
from kiosk.widgets.surface import TappableSurface
from kiosk.widgets.idle_filling import IdleFilling

load_kv(__file__)

CARDS_PER_FRAME = 2
"""Cards below the first screen filled in per frame: rendering one card's text takes 2-4 ms
on the reference machine."""


class TopicCard(TappableSurface):
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


def topic_details(topic: Topic, lang: str) -> str:
    """The card's markup: the summary, the country in bold, the fallback note in italics."""
    details = escape_markup(topic.summary)
    if topic.country:
        details += f"\n[b]{escape_markup(country_name(topic.country, lang))}[/b]"
    if topic.fallback:
        note = tr._("Not yet translated: shown in English.")
        details += f"\n[i]{escape_markup(note)}[/i]"
    return details


class HomeScreen(BuildsAheadScreen):
    country_label = StringProperty("")
    can_switch_country = BooleanProperty(False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown_for: tuple[str, str, str] | None = None
        self._cards: list[TopicCard] = []
        self._later: list[tuple[int, Topic]] = []
        """Topics whose cards are filled in and put back in the next frames, in order."""
        self._later_language = ""
        self._later_event: ClockEvent | None = None

    def on_kv_post(self, base_widget: Any) -> None:
        # Runs inside __init__ (after the kv rule): the one country button, made here once.
        self._country_button = KioskButton(probe_id="country")
        self._country_button.bind(
            on_release=lambda _b: self.context.intents.open_screen("countries"))
        self.ids.country_slot.add_widget(self._country_button)
        self._cards_wanted: int | None = None
        self._filling = IdleFilling(self._make_one_card)

    def _make_one_card(self) -> bool:
        """One more card, while the pool cannot yet show the host country's home."""
        if self._cards_wanted is None:  # asked once, not in every idle frame
            context = self.context
            self._cards_wanted = len(home_topics(context.store, context.visit.language,
                                                 context.settings.host_country))
        if len(self._cards) >= self._cards_wanted:
            return False
        self._card(len(self._cards))
        return True

    def refresh(self) -> None:
        store, visit = self.context.store, self.context.visit
        lang = visit.language
        self.title = tr._("Your rights as an EU citizen")
        key = (lang, visit.country, str(store.path))
        if key == self._shown_for:
            return
        self._shown_for = key
        host = self.context.settings.host_country
        self.can_switch_country = len(selectable_countries(store, host)) > 1
        self.country_label = tr._("Guides for: {country}").format(
            country=country_name(visit.country, lang)
        )
        self._country_button.text = self.country_label + "  ›  " + tr._("Other country")
        self._country_button.disabled = not self.can_switch_country
        self._show_topics(home_topics(store, lang, visit.country), lang)

    def _show_topics(self, topics: list[Topic], lang: str) -> None:
        box = self.ids.topics
        # Shown cards are always the first ones of the pool, in order: take out the surplus
        # (and those filled in later) ...
        for card in self._cards[len(topics):]:
            if card.parent is not None:
                box.remove_widget(card)
        # ... then update the cards that fill the screen, about, and FIRST_SCREENS times over
        # (a screen not shown yet has no size of its own: the manager's is what it will get)
        shown_height = self.manager.height if self.manager is not None else self.height
        room = FIRST_SCREENS * shown_height
        filled = 0
        for index, topic in enumerate(topics):
            if room <= 0:
                break
            card = self._fill_card(index, topic, lang)
            room -= estimated_height(card, card.text_width) + box.spacing
            filled = index + 1
        for card in self._cards[filled:len(topics)]:
            if card.parent is not None:
                box.remove_widget(card)
        self._later = list(enumerate(topics))[filled:]
        self._later_language = lang
        if self._later and self._later_event is None:
            self._later_event = Clock.schedule_once(self._fill_later, 0)

    def _fill_card(self, index: int, topic: Topic, lang: str) -> TopicCard:
        """The ``index``-th card, showing ``topic``, in the list below those before it."""
        card = self._card(index)
        card.heading = topic.title
        card.details = topic_details(topic, lang)
        card.fallback = topic.fallback
        card.probe_id = f"guide-{topic.guide_id}"
        card.guide_id = topic.guide_id
        card.icon = topic.icon or ""
        if card.parent is None:
            self.ids.topics.add_widget(card)
        return card

    def _fill_later(self, _dt: float) -> None:
        """One frame's worth of the cards below the first screen (also under a finger: the
        visitor may be scrolling to them). Counted, not timed: a card's text is rendered
        later in the frame, after this has returned."""
        self._later_event = None
        self._fill_pending(CARDS_PER_FRAME)
        if self._later:
            self._later_event = Clock.schedule_once(self._fill_later, 0)

    def _fill_pending(self, count: int) -> None:
        """Fill in the next ``count`` cards waiting below the first screen."""
        for _ in range(min(count, len(self._later))):
            index, topic = self._later.pop(0)
            self._fill_card(index, topic, self._later_language)

    @property
    def still_filling(self) -> bool:
        """Whether cards below the first screen are still to be filled in."""
        return bool(self._later)

    def finish_filling(self) -> None:
        self._fill_pending(len(self._later))

    def _card(self, index: int) -> TopicCard:
        """The ``index``-th card of the pool, made the first time it is needed (as wide as
        the list, so that its text is wrapped right the first time)."""
        while len(self._cards) <= index:
            card = TopicCard(width=self.ids.topics.width)
            card.bind(on_release=lambda c: self.context.intents.open_guide(c.guide_id))
            self._cards.append(card)
        return self._cards[index]

    @property
    def card_pool(self) -> tuple[TopicCard, ...]:
        """Every topic card made so far, shown or not."""
        return tuple(self._cards)

    @property
    def country_button(self) -> KioskButton:
        return self._country_button

    def topic_card(self, guide_id: str) -> Any:
        return next(c for c in self.ids.topics.children if c.guide_id == guide_id)


SCREEN = HomeScreen
