"""Keeps a kv rule of a widget that is being freed from crashing the app (a Kivy 2.3.1 gap).

A widget that has been removed from the screen usually still sits in a reference cycle
(parent and children point at each other), so it lives on until Python's cycle collector
runs, and its kv rules still follow the properties they watch (``app.font_body``,
``app.theme_cls.primaryColor``, ...). When such a rule is being evaluated and an
allocation inside the expression starts a collection that frees the widget, Kivy clears
the rule's weak references mid-expression and the next ``self.``/``root.`` lookup raises
``ReferenceError``. Kivy lets that escape from the property change that triggered it
(a contrast switch, a text size step), which stops the change half-way for every other
widget too. The seeded random-touch soak hit it after about 1,900 touches.

:func:`install` wraps Kivy's two kv rule runners (property rules and ``on_...``
handlers) so that a ``ReferenceError`` is dropped only when a widget the rule refers to
(its ``self``, ``root`` or an ``id``) is gone: the rule belonged to a freed widget and has
nothing left to update. Any other ``ReferenceError`` still propagates.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kivy.lang import builder
from kivy.weakproxy import WeakProxy

_original_call_fn = builder.call_fn
_original_custom_callback = builder.custom_callback


def _is_dead(value: Any) -> bool:
    if not isinstance(value, WeakProxy):
        return False
    try:
        value.__ref__()
    except ReferenceError:
        return True
    return False


def refers_to_freed_widget(values: Iterable[Any]) -> bool:
    """True when any of ``values`` is a Kivy weak proxy whose widget no longer exists."""
    return any(_is_dead(value) for value in values)


def _call_fn(args: Any, instance: Any, value: Any) -> None:
    try:
        _original_call_fn(args, instance, value)
    except ReferenceError:
        element, _key, _code, _rule, idmap = args[:5]
        if not refers_to_freed_widget([element, *idmap.values()]):
            raise


def _custom_callback(__kvlang__: Any, idmap: dict[str, Any], *largs: Any, **kwargs: Any) -> None:
    try:
        _original_custom_callback(__kvlang__, idmap, *largs, **kwargs)
    except ReferenceError:
        if not refers_to_freed_widget(idmap.values()):
            raise


def install() -> None:
    """Use the guarded runners for every kv rule applied from now on (idempotent).

    Kivy looks the runners up when it binds a rule, so this must run before the first
    widget with a kv rule is created; :mod:`kiosk.ui.app` calls it on import.
    """
    builder.call_fn = _call_fn
    builder.custom_callback = _custom_callback


def installed() -> bool:
    return builder.call_fn is _call_fn and builder.custom_callback is _custom_callback
