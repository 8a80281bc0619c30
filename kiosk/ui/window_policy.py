"""Kiosk mode for the window: keys do nothing but go back, and closing needs the staff exit.

Every key is consumed by :class:`WindowPolicy`, so no handler bound before it (Kivy's
debug modules) nor the window's own (Esc closes it) ever sees one; Esc (the Android back
key) goes back during a visit. A close request (Alt+F4 through a window manager) is
refused until the staff exit allows it. Kivy's own settings panel is refused by the app
class itself, where Kivy looks for it (:class:`NoSettingsPanel`, a base of ``KioskApp``).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.core.window import Window

ESCAPE_KEYS = {27}  # Esc on a keyboard, the back key on Android
"""The only keys the kiosk acts on (Back, within a visit); every other key is ignored."""


class NoSettingsPanel:
    """For the app class: Kivy calls these on the app (F1 in every Kivy app). Its settings
    panel would let anyone at the keyboard change and save Kivy's configuration (rotation,
    cursor, full screen, keyboard mode), which kiosk.ui.launcher.configure_kivy fixes and
    never writes."""

    use_kivy_settings = False
    """Kivy's own settings panel is never offered."""

    def open_settings(self, *_args: Any) -> bool:
        """Refuse to open Kivy's settings panel: a visitor may change their visit only."""
        return False

    def display_settings(self, _settings: Any) -> bool:
        """Refuse to show any settings panel (the kiosk never creates one)."""
        return False

    def close_settings(self, *_args: Any) -> bool:
        """There is never a settings panel to close."""
        return False


class WindowPolicy:
    """Binds the window's key and close handlers (in ``build``, before Kivy binds its F1
    handler, which is then called first and finds the settings panel refused)."""

    def __init__(self, go_back: Callable[[], None], in_visit: Callable[[], bool],
                 may_close: Callable[[], bool]) -> None:
        self.go_back = go_back
        self.in_visit = in_visit
        self.may_close = may_close

    def install(self) -> None:
        Window.bind(on_keyboard=self._on_keyboard, on_request_close=self._on_request_close)

    def remove(self) -> None:
        Window.unbind(on_keyboard=self._on_keyboard, on_request_close=self._on_request_close)

    def _on_keyboard(self, _window: Any, key: int, *_args: Any) -> bool:
        if key in ESCAPE_KEYS and self.in_visit():
            self.go_back()
        return True

    def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
        return not self.may_close()  # True blocks the close
