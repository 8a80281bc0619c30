"""The "Show this at the desk" card: what the visitor wants, for the town hall's clerk.

Opened from a registration or candidacy guide (and from the quiz's guide link). The upper
part is in the desk's language in large type, with the visitor's language named and a QR
code to the official page; below it the same request in the visitor's language, and, where
the guide offers several, the other requests to choose from. Its widgets are made once
(desk.kv) and only their texts change. Nothing is kept: the end of the visit empties it.
"""
from __future__ import annotations

from typing import Any

from kivy.core.window import Window
from kivy.properties import StringProperty

from contentlib.countries import desk_language
from kiosk.core.desk import DeskCard, desk_card, desk_requests, language_name
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.ui.i18n import tr
from kiosk.widgets.common import KioskButton, set_shown
from kiosk.widgets.reach import REACH

load_kv(__file__)

MAX_CHOICES = 4
"""Buttons made once for the requests a guide offers (structure.yaml has four)."""


class DeskScreen(KioskScreen):
    desk_text = StringProperty("")
    person_language = StringProperty("")
    link_url = StringProperty("")
    link_caption = StringProperty("")
    visitor_text = StringProperty("")
    desk_fallback_note = StringProperty("")
    request_id = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        # Strong references (ids only hold weak proxies): these leave the tree when unused.
        ids = self.ids
        self.body = ids.body.__self__
        self.official = ids.official.__self__
        self.visitor_row = ids.visitor_row.__self__
        self.visitor_part = ids.visitor_part.__self__
        self.desk_fallback_label = ids.desk_fallback_note.__self__
        self.column = ids.column.__self__
        self.hideable = {name: ids[name].__self__ for name in (
            "visitor_caption", "visitor_fallback_note", "visitor_text")}
        self.choices_caption = ids.choices_caption.__self__
        self.choices = ids.choices.__self__
        self.choice_buttons = []
        for _ in range(MAX_CHOICES):
            button = KioskButton()
            button.bind(on_release=self._choose)
            self.choice_buttons.append(button)
        self._guide_id = ""
        self._choices_shown = False
        self.card: DeskCard | None = None

    def show(self, **params: Any) -> None:
        self._guide_id = params.get("guide_id", "")
        self.request_id = params.get("request", "")
        self.refresh()
        self.ids.scroller.scroll_y = 1.0

    def refresh(self) -> None:
        self.title = tr._("Show this at the desk")
        context = self.context
        settings = context.settings
        requests = desk_requests(context.store, self._guide_id, settings.host_country)
        if not requests:
            return
        if self.request_id not in requests:
            self.request_id = requests[0]
        card = desk_card(context.store, self.request_id, requests, context.language,
                         settings.host_country,
                         desk_language(settings.host_country, settings.desk_language))
        self.card = card
        self.desk_text = card.desk_text
        self.person_language = card.person_language
        self.link_url = card.link_url
        self.link_caption = card.link_caption
        set_shown(self.visitor_row, self.official, bool(card.link_url))
        self.visitor_text = card.visitor_text
        self.desk_fallback_note = tr._(
            "The staff here work in {language}. This card is not yet written in it, so it "
            "is in English."
        ).format(language=language_name(card.missing_desk_lang, context.language)) \
            if card.missing_desk_lang else ""
        set_shown(self.body, self.desk_fallback_label, bool(card.missing_desk_lang), at_top=True)
        self._show_parts(bool(card.visitor_text), card.visitor_fallback and bool(card.visitor_text))
        self._show_choices(bool(card.choices))
        for button, choice in zip(self.choice_buttons, card.choices):
            button.text = choice.label
            button.request_id = choice.request_id
            button.emphasis = choice.request_id == card.request_id
            button.probe_id = f"desk-choice-{choice.request_id}"
        for index, button in enumerate(self.choice_buttons):
            set_shown(self.choices, button, index < len(card.choices))

    def _show_parts(self, visitor: bool, visitor_fallback: bool) -> None:
        """The parts below the clerk's, removed rather than shrunk, put back in kv order."""
        wanted = {"visitor_caption": visitor,
                  "visitor_fallback_note": visitor_fallback, "visitor_text": visitor}
        for widget in self.hideable.values():
            if widget.parent is not None:
                self.visitor_part.remove_widget(widget)
        for name, widget in self.hideable.items():
            if wanted[name]:
                self.visitor_part.add_widget(widget, index=0)

    def _show_choices(self, shown: bool) -> None:
        """The other requests' caption and buttons: after the visitor's part where the
        whole screen is within reach (the texts come first), else between the card and
        Back, in the reach band at the bottom (a tall pedestal's top is out of reach)."""
        self._choices_shown = shown
        at_bottom = REACH.high < Window.height - 1
        for widget in (self.choices_caption, self.choices):
            if widget.parent is not None:
                widget.parent.remove_widget(widget)
        if not shown:
            return
        if at_bottom:  # index counts from the end: after them comes only the Back row
            self.column.add_widget(self.choices_caption, index=1)
            self.column.add_widget(self.choices, index=1)
        else:
            self.body.add_widget(self.choices_caption)
            self.body.add_widget(self.choices)

    def on_size(self, *_args: Any) -> None:
        # the reach band moves with the window's size (REACH follows it)
        if getattr(self, "_choices_shown", False):
            self._show_choices(True)

    def _choose(self, button: Any) -> None:
        self.request_id = button.request_id
        self.refresh()
        self.ids.scroller.scroll_y = 1.0  # the clerk's new text, from its start

    def reading(self) -> tuple[list[tuple[str, bool]], list[str]]:
        """The visitor's part (the clerk's part when both are in one language), then the
        choices and Back."""
        if self.card is None:
            return [], []
        shown_text = self.visitor_text or self.desk_text
        body = [(text, False) for text in (self.desk_fallback_note, shown_text) if text]
        choices = [b.text for b in self.choice_buttons if b.parent is not None]
        return body, choices + [self.ids.desk_back.text]

    def reset_visit_state(self) -> None:
        self.card = None
        self._guide_id = self.request_id = ""
        self.desk_text = self.person_language = self.link_url = self.link_caption = ""
        self.visitor_text = self.desk_fallback_note = ""
        for button in self.choice_buttons:
            button.text = ""
        super().reset_visit_state()


SCREEN = DeskScreen
