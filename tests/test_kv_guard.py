"""A kv rule of a widget freed while the rule runs must not break the property change.

The soak found it: a contrast switch re-colours the theme, every kv rule watching a theme
colour runs, and a garbage widget's rule lost its ``self`` to a cycle collection in the
middle of its own expression. These tests force that collection inside the expression.
"""
from __future__ import annotations

from typing import Any

import gc
import weakref
from collections.abc import Iterator

import pytest
from gui_support import advance_frames  # noqa: F401  (makes the Kivy window, as the app has)
from kivy.event import EventDispatcher
from kivy.factory import Factory
from kivy.lang import Builder, global_idmap
from kivy.properties import NumericProperty

import kiosk.ui.app  # noqa: F401  (installs the guard, as running the kiosk does)
from kiosk.widgets import kv_guard


class Source(EventDispatcher):
    value = NumericProperty(0)


def _fail_on_seven(value: float) -> float:
    if value == 7:
        raise ReferenceError("a real bug in a rule whose widgets are all alive")
    return value


RULES = """
#:import collect gc.collect
<GuardRuleProbe@Widget>:
    Widget:
        id: inner
        # collect() in the middle of the expression frees this widget if it is garbage
        x: (root.y, collect(), root.y + guard_source.value)[2]
        y: guard_check(guard_source.value)
<GuardHandlerProbe@Widget>:
    Widget:
        id: sibling
    Widget:
        id: watcher
        on_opacity: root.seen.append(sibling.y)
"""


@pytest.fixture(scope="module")
def source() -> Iterator[Source]:
    src = Source()
    global_idmap["guard_source"] = src
    global_idmap["guard_check"] = _fail_on_seven
    Builder.load_string(RULES, filename="kv_guard_test_rules")
    yield src
    Builder.unload_file("kv_guard_test_rules")
    del global_idmap["guard_source"], global_idmap["guard_check"]


def test_the_app_installs_the_guard() -> None:
    assert kv_guard.installed()


def test_a_rule_of_a_widget_freed_mid_expression_is_dropped_and_the_others_still_update(
    source: Source,
) -> None:
    doomed = Factory.GuardRuleProbe(y=100)
    survivor = Factory.GuardRuleProbe(y=10)
    gone = weakref.ref(doomed)
    del doomed  # now only its parent<->child cycle keeps it: the next collection frees it
    assert gone() is not None
    source.value = 5  # without the guard: ReferenceError out of this assignment
    assert gone() is None
    assert survivor.ids.inner.x == 10 + 5
    source.value = 6
    assert survivor.ids.inner.x == 10 + 6


def test_a_reference_error_in_a_rule_of_living_widgets_still_propagates(source: Source) -> None:
    survivor = Factory.GuardRuleProbe(y=10)
    with pytest.raises(ReferenceError, match="real bug"):
        source.value = 7
    source.value = 1
    assert survivor.ids.inner.x == 11


def test_an_event_handler_that_refers_to_a_freed_widget_is_dropped(source: Source) -> None:
    probe = Factory.GuardHandlerProbe()
    probe.seen = []
    probe.ids.watcher.opacity = 0.5
    assert probe.seen == [probe.ids.sibling.y]
    sibling = weakref.ref(probe.ids.sibling.__ref__())
    probe.remove_widget(probe.ids.sibling.__ref__())
    gc.collect()
    assert sibling() is None
    probe.ids.watcher.opacity = 0.25  # without the guard: ReferenceError (sibling is gone)
    assert len(probe.seen) == 1


def settled_observer_count(translator: Any) -> int:
    """The translator's observer count once collections free nothing more: widgets left
    by earlier tests in this process (cached guide layouts, stopped apps) may take more
    than one collection to go, and must not be counted as this test's."""
    count = -1
    for _ in range(20):
        gc.collect()
        if translator.observer_count == count:
            return count
        count = translator.observer_count
    return count


def test_freed_widgets_leave_the_translator_and_live_ones_follow_it() -> None:
    """Kivy unbinds a freed widget's ``tr._(...)`` rules through the uid ``tr`` gave it."""
    from kivy.uix.label import Label

    from kiosk.ui.i18n import tr

    Builder.load_string(
        "#:import tr kiosk.ui.i18n.tr\n<GuardTranslatedProbe@Label>:\n    text: tr._('Home')\n",
        filename="kv_guard_tr_rules",
    )
    try:
        previous = tr.lang
        before = settled_observer_count(tr)
        kept = Factory.GuardTranslatedProbe()
        for _ in range(50):
            Factory.GuardTranslatedProbe()
        gc.collect()
        assert tr.observer_count == before + 1  # only the widget still alive
        tr.switch_lang("el")
        assert kept.text == "Αρχική" and isinstance(kept, Label)
        tr.switch_lang("en")
        assert kept.text == "Home"
        del kept
        gc.collect()
        assert tr.observer_count == before
    finally:
        tr.switch_lang(previous)
        Builder.unload_file("kv_guard_tr_rules")
