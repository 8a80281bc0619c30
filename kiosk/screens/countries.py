"""Country picker: every country with a guide, named and sorted in the visitor's language.

The buttons are built once; a language switch renames and re-sorts the same widgets.
"""
from __future__ import annotations

from typing import Any

from kiosk.core.countries import country_choices
from kiosk.ui.i18n import tr
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import selectable_countries
from kiosk.widgets.common import KioskButton

load_kv(__file__)


class CountriesScreen(KioskScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._buttons: dict[str, KioskButton] = {}
        self._shown: tuple[str, str] | None = None

    def refresh(self) -> None:
        self.title = tr._("Choose a country")
        lang = self.app.visit.language
        codes = selectable_countries(self.app.store, self.app.settings.host_country)
        grid = self.ids.choices
        for code in set(self._buttons) - set(codes):  # a content update removed a country
            grid.remove_widget(self._buttons.pop(code))
        for code in codes:
            if code not in self._buttons:
                button = KioskButton(probe_id=f"country-{code}")
                button.country_code = code
                button.bind(on_release=lambda b: self.app.choose_country(b.country_code))
                self._buttons[code] = button
        key = (lang, ",".join(codes))
        if key != self._shown:
            self._shown = key
            grid.clear_widgets()
            for choice in country_choices(codes, lang):
                button = self._buttons[choice.code]
                button.text = choice.name
                grid.add_widget(button)
        for code, button in self._buttons.items():
            button.emphasis = code == self.app.visit.country

    def shown_names(self) -> list[str]:
        """The country names as they stand on screen, top to bottom, left to right."""
        return [b.text for b in reversed(self.ids.choices.children)]

    def button_for(self, code: str) -> Any:
        return self._buttons[code]


SCREEN = CountriesScreen
