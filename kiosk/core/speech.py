"""Reading the screen aloud with an offline engine (espeak-ng) in the visitor's language.

EN 301 549 asks for speech in the language of the content: if espeak-ng has no voice for
the language, nothing is read and the caller shows a notice instead of reading in the
wrong language. Plain Python: the UI only passes text in and calls stop().
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ENGINE = "espeak-ng"
TAG = re.compile(r"\[/?(b|i|u|s)\]|\[color=[^\]]*\]|\[/color\]|\[size=[^\]]*\]|\[/size\]")


def plain(markup: str) -> str:
    """Kivy markup written by the kiosk back to the text a person reads."""
    text = TAG.sub("", markup)
    return text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&").strip()


def screen_text(title: str, body: Iterable[tuple[str, bool]], choices: Iterable[str]) -> str:
    """What is read: the title first, then the content, then the choices.

    ``title`` and ``choices`` are plain text, read as written. Each body item is
    ``(text, is_markup)``: only a label with markup on holds tags and escapes, which
    :func:`plain` turns back into the text shown; a plain label's text is read as it is
    (a literal ``[b]`` or ``&amp;`` in it is what the screen shows).
    """
    parts = [title] + [plain(t) if is_markup else t for t, is_markup in body] + list(choices)
    return "\n".join(p.strip() for p in parts if p and p.strip())


@lru_cache(maxsize=32)
def voice_for(lang: str) -> str | None:
    """The espeak-ng voice file for ``lang``, or None when there is none (or no engine)."""
    if shutil.which(ENGINE) is None:
        return None
    try:
        listing = subprocess.run([ENGINE, f"--voices={lang}"], capture_output=True, text=True,
                                 timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in listing.splitlines()[1:]:
        fields = line.split()
        # Pty Language Age/Gender VoiceName File ...; mbrola voices need extra data files
        if len(fields) < 5 or fields[4].startswith("mb/"):
            continue
        if fields[1] == lang or fields[1].startswith(f"{lang}-") or f"({lang} " in line:
            return fields[4]
    return None


def speech_command(voice: str, volume: int, wav: Path | None = None) -> list[str]:
    """espeak-ng arguments: text comes on stdin; volume 0-100 maps to amplitude 0-200."""
    amplitude = max(0, min(200, round(volume * 2)))
    command = [ENGINE, "-v", voice, "-a", str(amplitude), "-s", "150", "--stdin"]
    if wav is not None:
        command += ["-w", str(wav)]
    return command


@dataclass
class Speaker:
    volume: int = 80
    wav_output: Path | None = None
    """Write to this WAV file instead of the sound card (tests, recordings)."""

    def __post_init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self.last_command: list[str] = []

    @property
    def speaking(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def speak(self, text: str, lang: str) -> bool:
        """Start reading ``text`` in ``lang``; False (nothing started) when no voice exists."""
        self.stop()
        voice = voice_for(lang)
        if voice is None:
            return False
        self.last_command = speech_command(voice, self.volume, self.wav_output)
        self._process = subprocess.Popen(
            self.last_command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        assert self._process.stdin is not None
        self._process.stdin.write(text.encode("utf-8"))
        self._process.stdin.close()
        return True

    def wait(self, timeout: float = 60) -> None:
        if self._process is not None:
            self._process.wait(timeout)

    def stop(self) -> None:
        if self.speaking:
            assert self._process is not None
            self._process.terminate()
            self._process.wait(5)
        self._process = None
