"""Reading the current screen aloud: its title, its text, then the choices on it.

:class:`ReadAloud` asks the screen what it shows (``reading``: each text, noting whether it
is markup, so only then are tags and escapes undone), hands it to the speaker in the
visitor's language, and watches the speaker so the "Stop reading" button turns back by
itself when the speech ends. A language without a voice gets a visible notice instead.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kivy.clock import Clock

from kiosk.core.speech import Speaker, screen_text
from kiosk.ui.i18n import tr

if TYPE_CHECKING:
    from kiosk.screens.base import KioskScreen

WATCH_SECONDS = 0.5


class ReadingStatus(Protocol):
    """Where the reading state shows: the bottom bar's button and the notice above it."""

    speaking: bool
    notice: str


class ReadAloud:
    """Starts and stops reading a screen, and keeps ``status.speaking`` true to the speaker."""

    def __init__(self, speaker: Speaker, status: ReadingStatus) -> None:
        self.speaker = speaker
        self.status = status

    def toggle(self, screen: KioskScreen, title: str, language: str) -> None:
        """Read ``screen`` (title, content, choices), or stop when it is being read."""
        if self.speaker.speaking:
            self.stop()
            return
        body, choices = screen.reading()
        if self.speaker.speak(screen_text(title, body, choices), language):
            self.status.notice = ""
            self.status.speaking = True
            Clock.schedule_interval(self._watch, WATCH_SECONDS)
        else:
            self.status.notice = tr._("Reading aloud is not available in this language.")

    def stop(self) -> None:
        self.speaker.stop()
        self.status.speaking = False

    def _watch(self, _dt: float) -> bool:
        if not self.speaker.speaking:
            self.status.speaking = False
            return False
        return True
