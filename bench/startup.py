"""Start-up time and memory of the real kiosk program, measured from outside.

Runs ``main.py --fullscreen`` under a fresh Xvfb N times (default 5) and reports, per
run, the wall time from process start to the first frame of the attract screen on the
display (the app stamps it on Kivy's first ``on_flip``), then walks attract -> language
-> home -> guide -> quiz -> course with real clicks and reads the resident set size.
Prints a table and writes it as JSON.

    .venv/bin/python bench/startup.py [--runs 5] [--json bench/startup.json]
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from driver import KioskProcess, Xvfb  # noqa: E402


def one_run(warm_cache: bool) -> dict[str, float]:
    server = Xvfb()
    with tempfile.TemporaryDirectory() as data:
        data_dir = Path(data)
        if warm_cache:  # the common case: the cache was built on an earlier start
            first = KioskProcess(server.display, data_dir)
            first.wait_ready()
            first.stop()
            (data_dir / "probe.json").unlink()
        kiosk = KioskProcess(server.display, data_dir)
        try:
            state = kiosk.wait_for(lambda s: s.get("first_frame_at"), 60, "first frame")
            startup = state["first_frame_at"] - kiosk.started_at
            kiosk.wait_ready()
            kiosk.click_at(640, 400)
            kiosk.wait_screen("language")
            kiosk.tap("lang-en")
            kiosk.wait_screen("home")
            kiosk.tap("guide-register-italy")
            kiosk.wait_screen("guide")
            kiosk.tap("home")
            kiosk.wait_screen("home")
            kiosk.tap("quiz")
            kiosk.wait_screen("quiz")
            kiosk.tap("home")
            kiosk.wait_screen("home")
            kiosk.tap("links")
            kiosk.wait_screen("links")
            rss = kiosk.rss_kib() / 1024
        finally:
            kiosk.stop()
            server.stop()
    return {"startup_s": startup, "rss_mib": rss}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=Path("bench/startup.json"))
    args = parser.parse_args()
    table = {}
    for label, warm in (("first start (builds the cache)", False), ("later start (cache ready)", True)):
        runs = [one_run(warm) for _ in range(args.runs)]
        table[label] = {
            "startup_s": [round(r["startup_s"], 3) for r in runs],
            "startup_median_s": round(statistics.median(r["startup_s"] for r in runs), 3),
            "rss_median_mib": round(statistics.median(r["rss_mib"] for r in runs), 1),
        }
    print(f"{'case':<34}{'start->attract median':>24}{'runs (s)':>40}{'RSS after walk':>18}")
    for label, row in table.items():
        runs = ", ".join(f"{v:.2f}" for v in row["startup_s"])
        print(f"{label:<34}{row['startup_median_s']:>22.2f} s{runs:>40}{row['rss_median_mib']:>14.1f} MiB")
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, Xvfb + Mesa llvmpipe"
    print(f"machine: {machine}")
    args.json.write_text(json.dumps({"machine": machine, "results": table}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
