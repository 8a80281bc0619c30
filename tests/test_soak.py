"""Short soak: the random-touch monkey (tests/monkey.py) drives the real app for a while.

It runs ``bench/soak.py`` (the same monkey as the long soak) in a child process on this
test's display: a crash then fails this test with the child's stack dump instead of
taking pytest down, and resident memory is that of a fresh kiosk process, not of a test
process that has already run every other GUI test. The child fails on any exception,
any ERROR/CRITICAL log record, a broken invariant or a rise of the memory floor over
``monkey.MAX_GROWTH_MIB`` (``monkey.floor_growth``); this test checks its report.

The long soak is a documented command: ``.venv/bin/python bench/soak.py --touches 20000``.
``KIOSK_SOAK_TOUCHES`` overrides the number of touches here.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

TOUCHES = int(os.environ.get("KIOSK_SOAK_TOUCHES", "1200"))
SEED = 1
# Memory is sampled every SAMPLE_EVERY touches from the end of the warm-up
# (monkey.WARM_UP_TOUCHES, 500) on, and only there: the leak measure leaves out the samples
# of the warm-up, so the 1,200 touches give 700 measured ones (20 samples, each third's
# floor from 7 of them, robust to the two-level step of native memory that a third of 3
# samples was not). A leak of 40 MiB over the ~470 touches between the first and the last
# third (~90 KiB a touch, a widget tree or a texture per screen change) fails it.
SAMPLE_EVERY = 35

pytestmark = pytest.mark.gui


@pytest.mark.slow
@pytest.mark.timeout(120 + TOUCHES)  # 0.3-0.5 s a touch on a 2-core machine, software GL
def test_random_touches_raise_nothing_and_do_not_leak(tmp_path: Path) -> None:
    from monkey import MAX_GROWTH_MIB

    report = tmp_path / "soak.json"
    # Its frames fill no pixels, as in the other GUI tests (tests/gui_support.py, "Pixels"):
    # alone on the machine it took 161 s that way and 362 s painting every frame.
    # The long soak (bench/soak.py by hand) paints every frame, as the kiosk does.
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--touches", str(TOUCHES),
         "--seed", str(SEED), "--sample-every", str(SAMPLE_EVERY),
         "--json", str(report)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60 + TOUCHES,
    )
    output = f"exit {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-8000:]}"
    print(proc.stdout)  # the memory curve, for the CI log
    assert proc.returncode in (0, 1), f"the soak process crashed: {output}"
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["failures"] == [], "\n\n".join(result["failures"])
    assert result["touches"] >= TOUCHES, output
    assert result["growth_mib"] is None or result["growth_mib"] <= MAX_GROWTH_MIB, (
        f"resident memory grew {result['growth_mib']} MiB: {result['memory']}"
    )
    assert result["ok"] and proc.returncode == 0, output
    # the monkey really went around: visits ended by the idle policy, languages switched,
    # and most screens were reached
    assert result["idle_resets"] >= 1 and result["language_switches"] >= 1, result
    assert {"language", "home", "guide", "quiz", "search"} <= set(result["screens"]), result["screens"]


def test_the_leak_measure_sees_a_steady_leak_but_not_a_step_that_comes_back() -> None:
    from monkey import MAX_GROWTH_MIB, MemorySample, floor_growth

    def samples(values: list[float]) -> list[MemorySample]:
        return [MemorySample(i * 250, v + 200, v, 1000) for i, v in enumerate(values)]

    # 3 MiB per sample: 80 samples of a 20,000-touch soak, ~200 MiB in all
    leak = samples([224.0] + [510 + 3 * i for i in range(80)])  # 250 touches apart
    assert floor_growth(leak) > MAX_GROWTH_MIB
    # a measured curve (2,000-touch soak, seed 1, every 100 touches): memory still rises
    # in the warm-up (464 MiB at 112 touches), then two levels ~80 MiB apart
    measured = [MemorySample(t, 0, v, 1000) for t, v in [
        (0, 223.5), (112, 464.1), (212, 479.4), (312, 483.2), (412, 582.6), (512, 516.8),
        (612, 515.9), (712, 519.3), (812, 582.2), (912, 592.4), (1012, 515.6), (1112, 599.2),
        (1212, 591.8), (1313, 586.8), (1412, 606.9), (1512, 522.6), (1612, 520.4),
        (1712, 515.7), (1812, 517.1), (1912, 518.4), (2012, 514.6)]]
    # the warm-up (the first 500 touches) is left out: 16 samples, thirds of 5
    assert floor_growth(measured) == pytest.approx(514.6 - 515.9)
    assert floor_growth(samples([224.0, 510])) is None


# The monkey's own alarm, checked quickly in this process: a fault injected into the app
# must end the soak with a report that names it.


def test_monkey_reports_an_exception_raised_by_a_touch_handler(tmp_path: Path, monkeypatch) -> None:
    import monkey
    from kiosk.ui.app import KioskApp

    def broken(self: KioskApp) -> None:
        raise RuntimeError("injected fault")

    monkeypatch.setattr(KioskApp, "start_visit", broken)
    result = monkey.run_soak(5, SEED, tmp_path / "data", sample_every=1000)
    # The app's UI error handler (issue 12) rides out one error, so the touch completes and
    # the kiosk goes on; the error it logged ends the soak right after that first touch.
    assert not result.ok and result.touches == 1
    assert any("injected fault" in f and "start_visit" in f for f in result.failures), result.failures


def test_monkey_reports_an_error_logged_by_the_app(tmp_path: Path, monkeypatch) -> None:
    import logging

    import monkey
    from kiosk.ui.app import KioskApp

    original = KioskApp.start_visit

    def logs_error(self: KioskApp) -> None:
        logging.getLogger("kiosk.ui.app").error("injected error record")
        original(self)

    monkeypatch.setattr(KioskApp, "start_visit", logs_error)
    result = monkey.run_soak(5, SEED, tmp_path / "data", sample_every=1000)
    assert not result.ok
    assert any("injected error record" in f for f in result.failures), result.failures
