"""Search screen: full-text search over the guides in the visitor's language, typed on an
on-screen keyboard whose letters fit the language; a result opens the guide at the
matching section. Each result shows a snippet of the guide's own text with the matched
words in bold; the result widgets are made once and reused as the query changes."""
from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import StringProperty
from kivymd.uix.boxlayout import MDBoxLayout
from kivymd.uix.gridlayout import MDGridLayout

from kiosk.ui.i18n import tr
from kiosk.core.keyboards import layout_for
from kiosk.core.markup import marked_text_to_markup
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import search_view
from kiosk.widgets.common import KioskButton, MarkupLabel

load_kv(__file__)


class SearchScreen(KioskScreen):
    query = StringProperty("")
    result_count = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._layout_lang = ""
        self._actions: MDGridLayout | None = None
        self._rows: list[tuple[KioskButton, MarkupLabel]] = []
        self.app.bind(text_step=self._restack_actions)

    def _restack_actions(self, _app: Any, step: int) -> None:
        if self._actions is not None:
            self._actions.cols = 3 if step == 0 else 1

    def refresh(self) -> None:
        self.title = tr._("Search the guides")
        lang = self.app.visit.language
        if self._layout_lang != lang:
            self._build_keyboard(lang)
        self._update_results()

    def _build_keyboard(self, lang: str) -> None:
        keyboard = self.ids.keyboard
        keyboard.clear_widgets()
        self.keys: dict[str, KioskButton] = {}
        rows = [row[i:i + 10] for row in layout_for(lang) for i in range(0, len(row), 10)]
        for row in rows:  # at most 10 keys a row, so each key stays wide enough to touch
            line = MDBoxLayout(spacing=dp(8), adaptive_height=True)
            for letter in row:
                key = KioskButton(text=letter, probe_id=f"key-{letter}")
                key.padding = (dp(4), dp(14))  # narrow keys: leave the room to the letter
                key.bind(on_release=lambda _b, ch=letter: self.type(ch))
                self.keys[letter] = key
                line.add_widget(key)
            keyboard.add_widget(line)
        # one row of three at normal text, stacked when the text is larger
        actions = MDGridLayout(cols=3 if self.app.text_step == 0 else 1, spacing=dp(8),
                               adaptive_height=True)
        self._actions = actions
        for name, label, action in (
            ("space", tr._("Space"), lambda: self.type(" ")),
            ("delete", tr._("Delete"), self.delete),
            ("clear", tr._("Clear"), self.clear),
        ):
            key = KioskButton(text=label, probe_id=f"key-{name}")
            key.bind(on_release=lambda _b, act=action: act())
            self.keys[name] = key
            actions.add_widget(key)
        keyboard.add_widget(actions)
        self._layout_lang = self.app.visit.language

    def type(self, text: str) -> None:
        if len(self.query) < 60:
            self.query += text
            self._update_results()

    def delete(self) -> None:
        self.query = self.query[:-1]
        self._update_results()

    def clear(self) -> None:
        self.query = ""
        self._update_results()

    def _update_results(self) -> None:
        """Search for the query and show the results, reusing the result widgets."""
        box = self.ids.results
        self.results = search_view(self.app.store, self.query, self.app.visit.language) if self.query.strip() else []
        if self.query.strip():
            self.result_count = tr.ngettext("{n} guide found", "{n} guides found", len(self.results)).format(
                n=len(self.results))
        else:
            self.result_count = tr._("Type a word to search the guides.")
        # Shown rows are always the first ones, in order: drop those past the results ...
        for button, label in self._rows[len(self.results):]:
            if button.parent is not None:
                box.remove_widget(button)
                box.remove_widget(label)
        # ... then fill the rest, adding a row below the others when it was not shown.
        for index, result in enumerate(self.results):
            button, label = self._result_row(index)
            button.text = result.title
            button.guide_id = result.guide_id
            button.probe_id = f"result-{result.guide_id}"
            label.text = marked_text_to_markup(result.snippet)
            if button.parent is None:
                box.add_widget(button)
                box.add_widget(label)

    def _result_row(self, index: int) -> tuple[KioskButton, MarkupLabel]:
        """The ``index``-th result's button and snippet label, made the first time only."""
        while len(self._rows) <= index:
            button = KioskButton()
            button.guide_id = ""
            button.bind(on_release=self._open_result)
            snippet = MarkupLabel(markup_role="search-snippet", text_style="small")
            self._rows.append((button, snippet))
        return self._rows[index]

    def _open_result(self, button: KioskButton) -> None:
        """Open the guide of a tapped result at the section matching the query."""
        self.app.open_screen("guide", guide_id=button.guide_id, focus=self.query.strip())

    def result_snippet(self, guide_id: str) -> MarkupLabel:
        """The snippet label shown under the result for ``guide_id``."""
        return next(label for button, label in self._rows
                    if button.parent is not None and button.guide_id == guide_id)

    def result_button(self, guide_id: str) -> Any:
        return next(w for w in self.ids.results.children if getattr(w, "guide_id", None) == guide_id)

    def reset_visit_state(self) -> None:
        super().reset_visit_state()
        self.query = ""
        self.ids.results.clear_widgets()


SCREEN = SearchScreen
