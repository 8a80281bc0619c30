"""Whether someone is touching the screen right now (work that can wait, waits)."""
from __future__ import annotations

from kivy.base import EventLoop


def finger_on_screen() -> bool:
    """True while a finger (or a pressed mouse button) is on the screen.

    Kivy's list of current touches also holds the mouse pointer's hover event whenever a
    mouse is over the window; that is no touch, and counting it would hold back work
    meant for idle frames for as long as a mouse is plugged in.
    """
    return any(event.is_touch for event in EventLoop.touches)
