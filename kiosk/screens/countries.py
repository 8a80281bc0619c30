"""Country picker: every country with a guide, named and sorted in the visitor's language.

The buttons are made once; a language switch renames and re-sorts the same widgets.
"""
from __future__ import annotations

from typing import Any

from contentlib.countries import country_choices
from kiosk.ui.i18n import tr
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import selectable_countries
from kiosk.widgets.common import KioskButton

load_kv(__file__)


class CountriesScreen(KioskScreen):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._buttons: dict[str, KioskButton] = {}
        self._shown: tuple[str, str] | None = None

    def refresh(self) -> None:
        self.title = tr._("Choose a country")
        visit = self.context.visit
        codes = selectable_countries(self.context.store, self.context.settings.host_country)
        grid = self.ids.choices
        for code in set(self._buttons) - set(codes):  # a content update removed a country
            grid.remove_widget(self._buttons.pop(code))
        for code in codes:
            if code not in self._buttons:
                button = KioskButton(probe_id=f"country-{code}")
                button.country_code = code
                button.bind(on_release=self._chosen)
                self._buttons[code] = button
        key = (visit.language, ",".join(codes))
        if key != self._shown:
            self._shown = key
            ordered = []
            for choice in country_choices(codes, visit.language):
                button = self._buttons[choice.code]
                button.text = choice.name
                ordered.append(button)
            self._arrange(ordered)
        for code, button in self._buttons.items():
            button.emphasis = code == visit.country

    def _chosen(self, button: KioskButton) -> None:
        self.context.intents.choose_country(button.country_code)

    def _arrange(self, ordered: list[KioskButton]) -> None:
        """Put the same buttons into the grid in ``ordered`` order, moving only those
        out of place."""
        grid = self.ids.choices
        for position, button in enumerate(ordered):
            shown = list(reversed(grid.children))
            if position < len(shown) and shown[position] is button:
                continue
            if button.parent is not None:
                grid.remove_widget(button)
            grid.add_widget(button, index=len(grid.children) - position)

    def shown_names(self) -> list[str]:
        """The country names as they stand on screen, top to bottom, left to right."""
        return [b.text for b in reversed(self.ids.choices.children)]

    def button_for(self, code: str) -> Any:
        return self._buttons[code]


SCREEN = CountriesScreen
