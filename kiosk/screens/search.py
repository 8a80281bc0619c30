"""Search screen: full-text search over the guides in the visitor's language, typed on an
on-screen keyboard whose letters fit the language; a result opens the guide at the
matching section. Each result shows a snippet of the guide's own text with the matched
words in bold. The result widgets and the keys are made once and reused: as the query
changes, and for another language's letters."""
from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import StringProperty

from kiosk.ui.i18n import tr
from kiosk.core.keyboards import layout_for
from kiosk.core.markup import marked_text_to_markup
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import search_view
from kiosk.widgets.common import KioskButton, MarkupLabel
from kiosk.widgets.idle_filling import IdleFilling
from kiosk.widgets.surface import FitHeightBox

load_kv(__file__)


class SearchScreen(KioskScreen):
    query = StringProperty("")
    result_count = StringProperty("")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._layout_lang = ""
        self._rows: list[tuple[KioskButton, MarkupLabel]] = []
        self._lines: list[tuple[FitHeightBox, list[KioskButton]]] = []
        """Rows of letter keys, each with every key it has ever held."""
        self.keys: dict[str, KioskButton] = {}
        """The keys shown now: each letter of the layout, and "space", "delete", "clear"."""
        self._filling = IdleFilling(self._make_one_key)

    @property
    def key_pool(self) -> tuple[KioskButton, ...]:
        """Every letter key made so far, shown or not."""
        return tuple(key for _line, keys in self._lines for key in keys)

    @property
    def keys_made_ahead(self) -> bool:
        """Whether the keys every offered language needs are all made."""
        return self._filling.done

    def _key_rows(self, lang: str) -> list[list[str]]:
        """``lang``'s letters in rows of at most 10 keys, so each stays wide enough to touch."""
        return [row[i:i + 10] for row in layout_for(lang) for i in range(0, len(row), 10)]

    def _make_one_key(self) -> bool:
        """One more key, while some offered language's keyboard needs more than are made."""
        for lang in self.context.settings.languages:
            for index, row in enumerate(self._key_rows(lang)):
                _line, keys = self._line(index)
                if len(keys) < len(row):
                    keys.append(self._new_key())
                    return True
        return False

    def _new_key(self) -> KioskButton:
        key = KioskButton()
        key.side_padding = dp(4)  # narrow keys: leave the room to the letter
        key.bind(on_release=lambda k: self.type(k.text))
        return key

    def refresh(self) -> None:
        self.title = tr._("Search the guides")
        lang = self.context.visit.language
        if self._layout_lang != lang:
            self._show_keyboard(lang)
        self._update_results()

    def _show_keyboard(self, lang: str) -> None:
        """Put ``lang``'s letters on the keys (made ahead by :meth:`_make_one_key`, or
        here); rows and keys beyond what the layout needs leave the tree."""
        rows = self._key_rows(lang)
        box = self.ids.letter_rows
        for line, _keys in self._lines[len(rows):]:
            if line.parent is not None:
                box.remove_widget(line)
        self.keys = {name: self.ids[f"{name}_key"].__self__
                     for name in ("space", "delete", "clear")}
        for index, row in enumerate(rows):
            line, keys = self._line(index)
            for key in keys[len(row):]:
                if key.parent is not None:
                    line.remove_widget(key)
            while len(keys) < len(row):
                keys.append(self._new_key())
            for key, letter in zip(keys, row):
                key.text = letter
                key.probe_id = f"key-{letter}"
                self.keys[letter] = key
                if key.parent is None:
                    line.add_widget(key)
            if line.parent is None:
                box.add_widget(line)
        self._layout_lang = lang

    def _line(self, index: int) -> tuple[FitHeightBox, list[KioskButton]]:
        """The ``index``-th row of keys, made the first time it is needed."""
        while len(self._lines) <= index:
            self._lines.append((FitHeightBox(spacing=dp(8)), []))
        return self._lines[index]

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
        store, lang = self.context.store, self.context.visit.language
        self.results = search_view(store, self.query, lang) if self.query.strip() else []
        if self.query.strip():
            self.result_count = tr.ngettext("{n} guide found", "{n} guides found", len(self.results)).format(
                n=len(self.results))
        else:
            self.result_count = tr._("Type a word to search the guides.")
        # Shown rows are always the first ones, in order: drop those past the results ...
        self._drop_rows(len(self.results))
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

    def _drop_rows(self, count: int) -> None:
        """Take the result rows after the first ``count`` out of the tree (kept for reuse)."""
        box = self.ids.results
        for button, label in self._rows[count:]:
            if button.parent is not None:
                box.remove_widget(button)
                box.remove_widget(label)

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
        self.context.intents.open_screen(
            "guide", guide_id=button.guide_id, focus=self.query.strip())

    def result_snippet(self, guide_id: str) -> MarkupLabel:
        """The snippet label shown under the result for ``guide_id``."""
        return next(label for button, label in self._rows
                    if button.parent is not None and button.guide_id == guide_id)

    def result_button(self, guide_id: str) -> Any:
        return next(w for w in self.ids.results.children if getattr(w, "guide_id", None) == guide_id)

    def reset_visit_state(self) -> None:
        super().reset_visit_state()
        self.query = ""
        self._drop_rows(0)


SCREEN = SearchScreen
