"""A screen change whose first frame draws the new screen only.

Kivy's ``NoTransition`` keeps the old screen in the manager until its zero-length
animation ends on the next clock tick, so the first frame after a change draws both
screens, the new one on top of the old. With software GL (Mesa llvmpipe) a full screen
costs 40-85 ms to draw at 1280x800, so every touch that changed the screen waited for
two screens' drawing before the new one showed (bench/PERFORMANCE.md has the trace).
"""
from __future__ import annotations

from kivy.uix.screenmanager import NoTransition


class InstantTransition(NoTransition):
    """``NoTransition`` that takes the old screen off as the change starts.

    Everything else stays Kivy's: the manager refuses touches until the change ends on the
    next tick, and the screens' ``on_enter``/``on_leave`` follow then, as before.
    """

    def on_progress(self, progression: float) -> None:
        if progression == 0 and self.screen_out is not None:
            # Kivy's on_complete removes it again later; removing a widget that is not a
            # child does nothing.
            self.remove_screen(self.screen_out)
