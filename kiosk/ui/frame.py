"""The window's one layer: the top bar, the screens, the notice and the bottom bar.

Its layout is the ``<KioskRoot>`` rule in app.kv. The bars exist only during a visit (the
attract screen has the whole window) and the notice only while there is one; hidden
parts leave the tree, so nothing invisible can catch a touch.
"""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk.widgets.common import set_shown


class SecretCorner(ButtonBehavior, Widget):
    """The top bar's left corner, where the hidden staff gesture is tapped."""


class KioskRoot(FloatLayout):
    bars_shown = BooleanProperty(False)
    """True during a visit, except on the screens that have the whole window (app.kv binds
    it to ``app.in_visit`` and the current screen)."""
    notice_shown = BooleanProperty(False)
    """True while ``app.notice`` has a message."""
    frame: Widget | None = None

    def on_kv_post(self, base_widget: Any) -> None:
        # Strong references (ids only hold weak proxies): these parts leave the tree.
        self.frame, self.top_bar, self.bottom_bar, self.notice = (
            self.ids[name].__self__ for name in ("frame", "top_bar", "bottom_bar", "notice"))
        self.on_bars_shown()
        self.on_notice_shown()

    def on_bars_shown(self, *_args: Any) -> None:
        if self.frame is None:  # the rule is still being applied
            return
        set_shown(self.frame, self.top_bar, self.bars_shown, at_top=True)
        set_shown(self.frame, self.bottom_bar, self.bars_shown)
        self.on_notice_shown()

    def on_notice_shown(self, *_args: Any) -> None:
        if self.frame is None:
            return
        set_shown(self.frame, self.notice, self.notice_shown)
        if self.notice.parent is not None and self.bottom_bar.parent is not None:
            # keep the notice directly above the bottom bar
            self.frame.remove_widget(self.notice)
            self.frame.add_widget(self.notice, index=1)
