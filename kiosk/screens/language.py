"""Language screen: every offered language in its own name, as big buttons (made once)."""
from __future__ import annotations

from typing import Any

from kiosk.ui.i18n import tr
from kiosk.core.languages import native_name
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.common import KioskButton

load_kv(__file__)


class LanguageScreen(KioskScreen):
    def on_kv_post(self, base_widget: Any) -> None:
        for code in self.context.settings.languages:
            button = KioskButton(text=native_name(code), probe_id=f"lang-{code}")
            button.language_code = code
            button.bind(on_release=lambda _b, c=code: self.context.intents.choose_language(c))
            self.ids.choices.add_widget(button)

    def refresh(self) -> None:
        self.title = tr._("Choose your language")
        for button in self.ids.choices.children:
            button.emphasis = button.language_code == self.context.visit.language

    def button_for(self, code: str) -> Any:
        return next(b for b in self.ids.choices.children if b.language_code == code)


SCREEN = LanguageScreen
