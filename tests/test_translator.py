"""Kv rules that use ``tr._(...)`` follow the language while their widgets live, and leave
the translator when their widgets are freed (no observer list that grows with every
screen ever built).

The check runs in a fresh interpreter: widgets left alive by other tests in the same
worker (their rules refer to an app that has stopped) would otherwise be re-run by the
language switch and counted as observers.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = textwrap.dedent("""
    import gc
    from kivy.factory import Factory
    from kivy.lang import Builder
    from kivy.uix.label import Label
    from kiosk.ui.i18n import tr

    Builder.load_string(
        "#:import tr kiosk.ui.i18n.tr\\n<TranslatedProbe@Label>:\\n    text: tr._('Home')\\n")
    gc.collect()
    before = tr.observer_count
    kept = Factory.TranslatedProbe()
    for _ in range(50):
        Factory.TranslatedProbe()
    gc.collect()
    assert tr.observer_count == before + 1, (before, tr.observer_count)
    tr.switch_lang("el")
    assert kept.text == "Αρχική" and isinstance(kept, Label), kept.text
    tr.switch_lang("en")
    assert kept.text == "Home", kept.text
    del kept
    gc.collect()
    assert tr.observer_count == before, (before, tr.observer_count)
    print("translator ok")
""")


def test_freed_widgets_leave_the_translator_and_live_ones_follow_it() -> None:
    env = {**os.environ, "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1"}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "translator ok" in result.stdout


GC_PROBE = textwrap.dedent("""
    import gc
    from kiosk.ui.i18n import tr

    calls = []
    for _ in range(300):  # kv rules of widgets that a collection may free at any moment
        tr.fbind("_", lambda *args: calls.append(1), None)
    uids = iter(sorted(tr._observers))
    tr.switch_lang("el")  # the catalogs are loaded now, not inside the switch measured
    tr.switch_lang("en")
    calls.clear()

    def a_widget_is_freed(phase, _info):
        if phase == "start":
            tr.unbind_uid("_", next(uids, 0))

    gc.callbacks.append(a_widget_is_freed)
    gc.set_threshold(1, 1, 1)  # a collection at nearly every allocation
    tr.switch_lang("el")
    gc.set_threshold(700, 10, 10)
    gc.callbacks.remove(a_widget_is_freed)
    assert calls, "no rule ran"
    print("switch ok", len(calls), tr.observer_count)
""")


def test_a_collection_during_a_language_switch_may_unbind_rules(tmp_path) -> None:
    """A widget freed by a garbage collection in the middle of a switch unbinds its rule;
    the switch goes on (it raised "dictionary changed size during iteration" in CI)."""
    env = {**os.environ, "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1"}
    result = subprocess.run([sys.executable, "-c", GC_PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "switch ok" in result.stdout
