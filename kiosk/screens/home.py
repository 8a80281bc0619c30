"""Home screen: the chosen country's guide (the kiosk's host country until the visitor
picks another), the general guides, the quiz, links, search and about."""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty
from kivymd.uix.card import MDCard

from kiosk.ui.i18n import tr
from kiosk.core.languages import country_name
from kiosk.core.markup import escape_markup
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import home_topics, selectable_countries
from kiosk.widgets.common import KioskButton

load_kv(__file__)


class TopicCard(MDCard):
    heading = StringProperty("")
    """The guide title, plain text."""
    details = StringProperty("")
    """Markup: the escaped summary, then the country and the not-translated note if any."""
    fallback = BooleanProperty(False)
    probe_id = StringProperty("")
    guide_id = StringProperty("")


class HomeScreen(KioskScreen):
    country_label = StringProperty("")
    can_switch_country = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._built_for: tuple[str, str, str] | None = None

    def on_kv_post(self, base_widget: Any) -> None:
        # Runs inside __init__ (after the kv rule): the one country button, built here once.
        self._country_button = KioskButton(probe_id="country")
        self._country_button.bind(on_release=lambda _b: self.app.open_screen("countries"))
        self.ids.country_slot.add_widget(self._country_button)

    def refresh(self) -> None:
        app = self.app
        lang = app.visit.language
        self.title = tr._("Your rights as an EU citizen")
        # Coming back home is frequent; the cards (each a KivyMD card with its own
        # framebuffer) are rebuilt only when the language, country or content changed.
        key = (lang, app.visit.country, str(app.store.path))
        if key == self._built_for:
            return
        self._built_for = key
        self.can_switch_country = len(selectable_countries(app.store, app.settings.host_country)) > 1
        self.country_label = tr._("Guides for: {country}").format(
            country=country_name(app.visit.country, lang)
        )
        self._country_button.text = self.country_label + "  ›  " + tr._("Other country")
        self._country_button.disabled = not self.can_switch_country
        box = self.ids.topics
        box.clear_widgets()
        for topic in home_topics(app.store, lang, app.visit.country):
            details = escape_markup(topic.summary)
            if topic.country:
                details += f"\n[b]{escape_markup(country_name(topic.country, lang))}[/b]"
            if topic.fallback:
                note = tr._("Not yet translated: shown in English.")
                details += f"\n[i]{escape_markup(note)}[/i]"
            card = TopicCard(
                heading=topic.title,
                details=details,
                fallback=topic.fallback,
                probe_id=f"guide-{topic.guide_id}",
                guide_id=topic.guide_id,
            )
            card.bind(on_release=lambda c: app.open_guide(c.guide_id))
            box.add_widget(card)

    @property
    def country_button(self) -> KioskButton:
        return self._country_button

    def topic_card(self, guide_id: str) -> Any:
        return next(c for c in self.ids.topics.children if c.guide_id == guide_id)


SCREEN = HomeScreen
