"""The end of a visit by idling: the "Are you still there?" warning and its countdown.

:class:`IdleWatch` consults the idle policy (:mod:`kiosk.core.session`) four times a
second. It shows the warning over the whole window and counts down while the policy says
so, hides it again after a touch on "Continue", and ends the visit when time runs out.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

import kiosk.widgets.common  # noqa: F401  (the labels and button in idle_warning.kv)
from kiosk.core.session import IdlePolicy, IdleState
from kiosk.ui.i18n import tr

Builder.load_file(str(Path(__file__).with_suffix(".kv")), encoding="utf-8")

CHECK_SECONDS = 0.25


class IdleWarning(FloatLayout):
    """A modal card over a dimmed window, with the countdown and a "Continue" button."""

    countdown_text = StringProperty("")

    def __init__(self, continue_visit: Callable[[], None], **kwargs: Any) -> None:
        self.continue_visit = continue_visit
        """What the "Continue" button does."""
        super().__init__(**kwargs)

    def on_touch_down(self, touch: Any) -> bool:
        # Modal: touches never reach the screen below while the warning shows.
        super().on_touch_down(touch)
        return True


class IdleWatch:
    """Shows, counts down and hides the warning over ``root``, or ends the visit."""

    def __init__(self, policy: IdlePolicy, root: Widget, end_visit: Callable[[], None]) -> None:
        self.policy = policy
        self.root = root
        self.end_visit = end_visit
        self.warning = IdleWarning(continue_visit=self.keep_visit)
        self.checks = 0
        """How many times the policy has been consulted (tests wait on it)."""
        self._event: Any = None

    def install(self) -> None:
        Window.bind(on_touch_down=self._on_any_touch)
        self._event = Clock.schedule_interval(lambda _dt: self.check(), CHECK_SECONDS)

    def remove(self) -> None:
        Window.unbind(on_touch_down=self._on_any_touch)
        if self._event is not None:
            self._event.cancel()

    def _on_any_touch(self, _window: Any, _touch: Any) -> None:
        self.policy.activity()

    @property
    def visible(self) -> bool:
        return self.warning.parent is not None

    def start_visit(self) -> None:
        self.policy.start_visit()

    def keep_visit(self) -> None:
        """The visitor is still there: the idle time starts again and the warning goes."""
        self.policy.activity()
        self.hide()

    def stop(self) -> None:
        """The visit has ended: nothing more to watch until the next one starts."""
        self.policy.end_visit()
        self.hide()

    def check(self) -> None:
        """Consult the policy once: show or update the warning, or end the visit."""
        self.checks += 1
        status = self.policy.status()
        if status.state is IdleState.WARNING:
            self._show(status.seconds_left)
        elif status.state is IdleState.EXPIRED:
            self.end_visit()
        else:
            self.hide()

    def _show(self, seconds_left: float) -> None:
        left = math.ceil(seconds_left)
        self.warning.countdown_text = tr.ngettext(
            "The kiosk will start again for the next person in {n} second.",
            "The kiosk will start again for the next person in {n} seconds.",
            left,
        ).format(n=left)
        if self.warning.parent is None:
            self.root.add_widget(self.warning)

    def hide(self) -> None:
        if self.warning.parent is not None:
            self.warning.parent.remove_widget(self.warning)
