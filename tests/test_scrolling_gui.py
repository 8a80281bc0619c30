"""Every list on every screen stays within its ends, even across slow frames (the second
visit's language list once arrived flying in from 3000 px off screen: see common.kv)."""
from __future__ import annotations

import pytest
from gui_support import advance_frames, start_app, stop_app  # noqa: I001
from kivy.uix.scrollview import ScrollView

from conftest import CONTENT
from kiosk.config import parse_config

pytestmark = pytest.mark.gui


def test_no_list_overshoots_its_ends_when_frames_are_slow(tmp_path) -> None:
    app, _clock = start_app(parse_config('[kiosk]\nlanguages = ["en", "el"]\n'), tmp_path / "data",
                            content_dir=CONTENT)
    try:
        app.start_visit()
        checked = []
        for name in app.screens:
            if name in ("attract", "admin"):
                continue
            params = {"guide_id": "ep-voting"} if name == "guide" else {}
            app.open_screen(name, **params)
            advance_frames(5)
            for view in (w for w in app.screens[name].walk() if isinstance(w, ScrollView)):
                effect = view.effect_y
                # A layout change leaves the list 25 px past its end; then three 0.8 s frames.
                effect.value = effect.min - 25
                effect.velocity = 0
                for _ in range(3):
                    effect.update_velocity(0.8)
                low, high = sorted((effect.min, effect.max))
                assert low - 1 <= effect.value <= high + 1, (name, effect.value, low, high)
                checked.append(name)
        assert {"language", "home", "guide", "quiz", "links", "about"} <= set(checked)
    finally:
        stop_app(app)
