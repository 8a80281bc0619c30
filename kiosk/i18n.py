"""Live UI translation for Kivy: ``tr._("text")`` in kv rules re-evaluates on a switch.

Follows the gettext Observable pattern (tito/kivy-gettext-example): kv's compiler binds
every ``tr._(...)`` expression to this object; ``switch_lang`` re-fires those bindings so
all visible strings change at once, without a restart.
"""
from __future__ import annotations

import gettext
from collections.abc import Callable
from typing import Any

from kivy.lang import Observable

from kiosk import catalogs, paths


class Translator(Observable):
    def __init__(self) -> None:
        super().__init__()
        self.lang = "en"
        self._observers: list[tuple[Callable[..., Any], Any, Any]] = []
        self._cache: dict[str, gettext.NullTranslations] = {}
        self._current = gettext.NullTranslations()

    def _translations(self, lang: str) -> gettext.NullTranslations:
        if lang not in self._cache:
            self._cache[lang] = catalogs.translations(paths.locales_dir(), lang)
        return self._cache[lang]

    def _(self, text: str) -> str:
        return self._current.gettext(text)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._current.ngettext(singular, plural, n)

    def text_in(self, lang: str, text: str) -> str:
        """``text`` translated into ``lang`` without switching (attract screen)."""
        return self._translations(lang).gettext(text)

    # kv's compiler calls fbind(name, func, args) with one positional ``args``.
    def fbind(self, name: str, func: Callable[..., Any], args: Any = None, **kwargs: Any) -> Any:
        if name == "_":
            self._observers.append((func, args, kwargs))
            return None
        return super().fbind(name, func, args, **kwargs)

    def funbind(self, name: str, func: Callable[..., Any], args: Any = None, **kwargs: Any) -> Any:
        if name == "_":
            key = (func, args, kwargs)
            if key in self._observers:
                self._observers.remove(key)
            return None
        return super().funbind(name, func, args, **kwargs)

    def switch_lang(self, lang: str) -> None:
        if lang == self.lang and self._observers:
            return
        self.lang = lang
        self._current = self._translations(lang)
        alive = []
        for entry in self._observers:
            func, args, _kwargs = entry
            try:
                func(args, None, None)
            except ReferenceError:  # the widget behind a kv rule is gone
                continue
            alive.append(entry)
        self._observers = alive


tr = Translator()
