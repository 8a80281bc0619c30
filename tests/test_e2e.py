"""End to end: ``main.py`` as a real process under its own Xvfb, driven by xdotool clicks.

It walks attract -> language -> home -> guide -> quiz -> course and saves a PNG of each
screen in ``artifacts/e2e/`` (kept by CI); each PNG must not be blank and must differ
from the one before.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from driver import ROOT, KioskProcess, Xvfb, have_e2e_tools

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(os.environ.get("KIOSK_ARTIFACTS", ROOT / "artifacts")) / "e2e"


def assert_not_blank(path: Path) -> None:
    image = Image.open(path).convert("RGB")
    stat = ImageStat.Stat(image.convert("L"))
    assert stat.stddev[0] > 10, f"{path.name} looks blank (luminance stddev {stat.stddev[0]:.1f})"
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50, f"{path.name} has almost no colours"


def changed_fraction(a: Path, b: Path) -> float:
    diff = ImageChops.difference(Image.open(a).convert("L"), Image.open(b).convert("L"))
    changed = sum(1 for value in diff.getdata() if value > 16)
    return changed / (diff.width * diff.height)


@pytest.fixture
def display():
    server = Xvfb()
    yield server
    server.stop()


@pytest.mark.slow  # every kind of screen, two languages, every text step: 33 s of real clicks
def test_walkthrough_with_real_clicks(display: Xvfb, tmp_path: Path) -> None:
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    kiosk = KioskProcess(display.display, tmp_path)
    shots: list[Path] = []
    accessible: list[Path] = []

    def shoot(name: str) -> None:
        shots.append(kiosk.screenshot(ARTIFACTS / f"{len(shots) + 1:02d}-{name}.png"))

    try:
        state = kiosk.wait_ready()
        assert state["window"] == [1280, 800]  # full screen: the window covers the display
        shoot("attract")
        kiosk.click_at(640, 400)
        assert kiosk.wait_screen("language")["in_visit"]
        shoot("language")
        kiosk.tap("lang-bg")
        state = kiosk.wait_screen("home")
        assert state["language"] == "bg" and state["title"] == "Вашите права като гражданин на ЕС"
        shoot("home")
        kiosk.tap("guide-register-italy")
        state = kiosk.wait_screen("guide")
        assert state["title"] == "Гласуване в Италия"  # the Italy guide, in Bulgarian
        shoot("guide")
        kiosk.tap("home")
        kiosk.wait_screen("home")
        kiosk.tap("quiz")
        state = kiosk.wait_screen("quiz")
        options = sorted(t for t in state["targets"] if t.startswith("option-"))
        assert len(options) >= 3
        shoot("quiz")
        kiosk.tap(options[0])
        kiosk.wait_target("quiz-next")
        kiosk.wait_settled(quiet=1.0)
        shoot("quiz-feedback")
        kiosk.tap("home")
        kiosk.wait_screen("home")
        kiosk.tap("links")
        state = kiosk.wait_screen("links")
        assert "link-address" in state["targets"]
        shoot("course-and-links")
        rss_mib = kiosk.rss_kib() / 1024
        # accessibility: largest text and high contrast, home and a guide, in two languages
        kiosk.tap("text-size")
        kiosk.wait_settled()
        kiosk.tap("text-size")
        kiosk.wait_settled()
        kiosk.tap("contrast")
        kiosk.wait_settled()
        for lang in ("bg", "el"):
            if lang != "bg":
                kiosk.tap("language")
                kiosk.wait_screen("language")
                kiosk.tap(f"lang-{lang}")
            kiosk.tap("home")
            kiosk.wait_screen("home")
            accessible.append(kiosk.screenshot(ARTIFACTS / f"a11y-{lang}-home-largest-high-contrast.png"))
            kiosk.tap("guide-register-italy")
            kiosk.wait_screen("guide")
            accessible.append(kiosk.screenshot(ARTIFACTS / f"a11y-{lang}-guide-largest-high-contrast.png"))
        print(f"\nresident memory after the walkthrough: {rss_mib:.1f} MiB")
        assert kiosk.proc.poll() is None, "the kiosk must still be running"
    finally:
        code = kiosk.stop()
    log = kiosk.log_text()
    assert "Traceback" not in log, log[-3000:]
    assert code == 0, f"SIGTERM must stop the kiosk cleanly, got {code}"
    assert len(accessible) == 4
    for path in accessible:
        assert_not_blank(path)
        dark = sum(1 for v in Image.open(path).convert("L").getdata() if v < 40)
        assert dark / (1280 * 800) > 0.5, f"{path.name}: the high-contrast background is not dark"
    for previous, current in zip([None, *shots], shots):
        assert_not_blank(current)
        if previous is not None:
            assert changed_fraction(previous, current) > 0.01, f"{current.name} equals {previous.name}"
