"""Attract screen: shown when nobody uses the kiosk; any touch starts a visit.

It cycles "Touch to start" through every language the kiosk offers.
"""
from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import ColorProperty, NumericProperty, StringProperty

from kiosk.ui.i18n import tr
from kiosk.screens.base import KioskScreen, load_kv

load_kv(__file__)

PROMPT = "Touch to start"
TAGLINE = "Your rights to vote and stand in elections where you live in the EU"


class AttractScreen(KioskScreen):
    prompt = StringProperty("")
    tagline = StringProperty("")
    language_index = NumericProperty(0)
    fill_color = ColorProperty((0, 0, 0, 0))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cycle_event = None

    def on_enter(self, *_args: Any) -> None:
        self.language_index = 0
        self.show_language(0)
        self._cycle_event = Clock.schedule_interval(
            lambda _dt: self.next_language(), self.context.settings.attract_cycle_seconds
        )

    def on_leave(self, *_args: Any) -> None:
        if self._cycle_event is not None:
            self._cycle_event.cancel()
            self._cycle_event = None

    def show_language(self, index: int) -> None:
        languages = self.context.settings.languages
        lang = languages[index % len(languages)]
        self.prompt = tr.text_in(lang, PROMPT)
        self.tagline = tr.text_in(lang, TAGLINE)

    def next_language(self) -> None:
        self.language_index = (self.language_index + 1) % len(self.context.settings.languages)
        self.show_language(self.language_index)

    def on_touch_down(self, touch: Any) -> bool:
        if self.collide_point(*touch.pos):
            self.context.intents.start_visit()
            return True
        return super().on_touch_down(touch)


# The attract strings are looked up per language at run time; these calls let babel's
# extractor find them.
def _extractable() -> tuple[str, str]:
    return tr._("Touch to start"), tr._(
        "Your rights to vote and stand in elections where you live in the EU"
    )


SCREEN = AttractScreen
