"""The kiosk's screens: one module and one .kv file each, listed once in :data:`SCREENS`."""
from __future__ import annotations

SCREENS: tuple[str, ...] = (
    "attract",
    "language",
    "home",
    "guide",
    "countries",
    "quiz",
    "links",
    "about",
    "search",
    "desk",
    "admin",
)
"""Screen names, in the order a visit first needs them; ``kiosk.screens.<name>`` defines
the screen class named in its ``SCREEN`` (kiosk.ui.screen_set builds them)."""

FULL_WINDOW_SCREENS: frozenset[str] = frozenset({"desk"})
"""Screens shown without the top and bottom bars (the "Show this at the desk" card is held
up to a clerk: it has the whole window and its own Back and Read aloud buttons)."""
