"""Read aloud: espeak-ng speaks in the visitor's language, or says clearly that it cannot."""
from __future__ import annotations

import array
import shutil
import wave
from pathlib import Path

import pytest

from kiosk.core.speech import Speaker, plain, screen_text, voice_for

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="dev.sh installs espeak-ng")


def loudness(path: Path) -> float:
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5


@pytest.mark.parametrize(
    ("lang", "text", "voice_file"),
    [("en", "Voting in European Parliament elections where you live", "gmw/en"),
     ("el", "Ψηφοφορία στις δημοτικές εκλογές εκεί όπου ζείτε", "grk/el"),
     ("bg", "Гласуване на общински избори там, където живеете", "zls/bg")],
)
def test_reads_in_the_voice_of_the_language(tmp_path: Path, lang: str, text: str, voice_file: str) -> None:
    wav = tmp_path / f"{lang}.wav"
    speaker = Speaker(volume=80, wav_output=wav)
    assert speaker.speak(text, lang)
    speaker.wait()
    assert speaker.last_command[:3] == ["espeak-ng", "-v", voice_file]
    assert "-a" in speaker.last_command and speaker.last_command[speaker.last_command.index("-a") + 1] == "160"
    assert loudness(wav) > 300, "the audio is silent"
    with wave.open(str(wav)) as audio:
        assert audio.getnframes() / audio.getframerate() > 1.0


def test_a_language_without_a_voice_is_not_read() -> None:
    assert voice_for("xx") is None
    speaker = Speaker()
    assert speaker.speak("text", "xx") is False and not speaker.speaking


def test_stop_ends_speech_at_once(tmp_path: Path) -> None:
    speaker = Speaker()
    speaker.wav_output = None
    assert speaker.speak("word " * 400, "en")
    speaker.stop()
    assert not speaker.speaking


def test_screen_text_reads_title_then_content_then_choices() -> None:
    text = screen_text("Quiz", [("[b]A &bl;b&br; question?[/b]", True)], ["Yes", "No"])
    assert text.splitlines() == ["Quiz", "A [b] question?", "Yes", "No"]
    assert plain("[color=0000ff][u]x[/u][/color] &amp; y") == "x & y"


def test_screen_text_reads_plain_labels_as_written_and_undoes_markup_only_where_it_is_on() -> None:
    """A label with markup off shows its text as written, so that is what is read: a
    municipality called "Rock &amp; [b]Roll[/b]" is not turned into "Rock & Roll". Titles
    and button texts are plain too."""
    shown = "Comune di [size=400][color=ff0000]X[/color][/size] &amp; Co [b]"
    text = screen_text(
        "Q&A [b]about[/b] &bl;",
        [(shown, False), ("Bring [b]your ID[/b] &amp; &bl;this&br;", True)],
        ["Yes &amp; no", "[i]Maybe[/i]"],
    )
    assert text.splitlines() == [
        "Q&A [b]about[/b] &bl;",
        shown,
        "Bring your ID & [this]",
        "Yes &amp; no",
        "[i]Maybe[/i]",
    ]
