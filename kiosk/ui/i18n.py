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

from contentlib import catalogs
from kiosk import paths
class Translator(Observable):
    def __init__(self) -> None:
        super().__init__()
        self.lang = "en"
        # kv rules that use tr._(...), by the uid handed to Kivy's builder: it passes the
        # uid back to unbind_uid when the rule's widget is freed.
        self._observers: dict[int, tuple[Callable[..., Any], Any, Any]] = {}
        self._next_uid = 1
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

    @property
    def observer_count(self) -> int:
        """How many kv rules follow the language (they go when their widgets are freed)."""
        return len(self._observers)

    # kv's compiler calls fbind(name, func, args) with one positional ``args`` and keeps
    # the returned uid (a false uid would make it forget the binding: it would never be
    # unbound and the rule of every freed widget would stay here).
    def fbind(self, name: str, func: Callable[..., Any], args: Any = None, **kwargs: Any) -> Any:
        if name == "_":
            uid = self._next_uid
            self._next_uid += 1
            self._observers[uid] = (func, args, kwargs)
            return uid
        return super().fbind(name, func, args, **kwargs)

    def funbind(self, name: str, func: Callable[..., Any], args: Any = None, **kwargs: Any) -> Any:
        if name == "_":
            for uid, entry in list(self._observers.items()):
                if entry == (func, args, kwargs):
                    del self._observers[uid]
                    break
            return None
        return super().funbind(name, func, args, **kwargs)

    def unbind_uid(self, name: str, uid: int) -> None:
        if name == "_":
            self._observers.pop(uid, None)
            return
        super().unbind_uid(name, uid)

    def switch_lang(self, lang: str) -> None:
        if lang == self.lang and self._observers:
            return
        self.lang = lang
        self._current = self._translations(lang)
        # A copy made in one step: building a list item by item allocates, an allocation can
        # start a garbage collection, and a widget freed by it unbinds its rule from this
        # dict (unbind_uid) in the middle of the iteration.
        for uid, (func, args, _kwargs) in self._observers.copy().items():
            if uid not in self._observers:  # unbound by an earlier rule in this loop
                continue
            try:
                func(args, None, None)
            except ReferenceError:  # the widget behind this kv rule is gone
                self._observers.pop(uid, None)


tr = Translator()
