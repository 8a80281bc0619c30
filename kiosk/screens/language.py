"""Language screen: every offered language in its own name, as big buttons."""
from __future__ import annotations

from typing import Any

from kiosk.ui.i18n import tr
from kiosk.core.languages import native_name
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.common import KioskButton

load_kv(__file__)


class LanguageScreen(KioskScreen):
    def refresh(self) -> None:
        self.title = tr._("Choose your language")
        grid = self.ids.choices
        if grid.children:
            self._mark_current()
            return
        for code in self.app.settings.languages:
            button = KioskButton(text=native_name(code))
            button.probe_id = f"lang-{code}"
            button.language_code = code
            button.bind(on_release=lambda _b, c=code: self.app.choose_language(c))
            grid.add_widget(button)
        self._mark_current()

    def _mark_current(self) -> None:
        for button in self.ids.choices.children:
            button.emphasis = button.language_code == self.app.visit.language

    def button_for(self, code: str) -> Any:
        return next(b for b in self.ids.choices.children if b.language_code == code)


SCREEN = LanguageScreen
