"""The kiosk's screens: one module and one .kv file each, listed once in :data:`SCREENS`."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.screens.base import KioskScreen
    from kiosk.ui.screen_context import ScreenContext

SCREENS: tuple[str, ...] = (
    "attract",
    "language",
    "home",
    "countries",
    "guide",
    "quiz",
    "links",
    "about",
    "search",
    "admin",
)
"""Screen names; ``kiosk.screens.<name>`` defines the screen class named in its ``SCREEN``."""


def build_screens(context: ScreenContext) -> dict[str, KioskScreen]:
    """Every screen, by name, each built once with ``context``."""
    return {
        name: importlib.import_module(f"kiosk.screens.{name}").SCREEN(context, name=name)
        for name in SCREENS
    }
