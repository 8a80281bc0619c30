"""The kiosk's screens: one module and one .kv file each, listed once in :data:`SCREENS`."""
from __future__ import annotations

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
