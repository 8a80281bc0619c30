"""Soak: a seedable random-touch monkey drives the real kiosk app and watches its memory.

Starts the real app in-process in a real Kivy window (its own Xvfb when DISPLAY is not
set), then the monkey in ``tests/monkey.py`` touches it ``--touches`` times: mostly a
random visible touch target, sometimes anywhere, sometimes the language buttons, now and
then a drag or the hidden admin gesture (the PIN pad cannot be unlocked: no PIN is
configured), and every 30-200 touches the visit runs out through the app's idle tick.
Resident memory (VmRSS after gc.collect() and malloc_trim) is read every
``--sample-every`` touches. Fails (exit 1) on any exception, any ERROR/CRITICAL log
record, a broken invariant, or when the memory floor (the lowest sample) of the last
third of the soak is more than ``--max-growth`` MiB above that of the first third
(default ``monkey.MAX_GROWTH_MIB``, justified there). A crash kills the process (faulthandler
prints every thread's stack). Prints the memory curve and writes it as JSON.

    .venv/bin/python bench/soak.py --touches 20000 --seed 1 [--json bench/soak.json]

The CI test (tests/test_soak.py) runs this script with --touches 2000.
"""
from __future__ import annotations

import argparse
import faulthandler
import json
import os
import platform
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--touches", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="write the result here")
    parser.add_argument("--sample-every", type=int, default=1000, help="touches between RSS readings")
    parser.add_argument("--max-growth", type=float, default=None,
                        help="MiB the memory floor may rise from the first to the last third of "
                             "the samples (default: monkey.MAX_GROWTH_MIB)")
    parser.add_argument("--hold-frames", type=int, default=1, help="frames between touch down and up")
    parser.add_argument("--settle-frames", type=int, default=1, help="frames after each release")
    parser.add_argument("--slow-scroll-release", action="store_true",
                        help="wait out ScrollView's 0.2 s tap delay in frames instead of making it due")
    parser.add_argument("--multisamples", type=int, default=0,
                        help="the window's MSAA samples; 0 (default) halves software (llvmpipe) "
                             "drawing time, Kivy's default is 2")
    args = parser.parse_args()

    faulthandler.enable()
    xvfb = None
    if not os.environ.get("DISPLAY"):
        from driver import Xvfb

        xvfb = Xvfb()
        os.environ["DISPLAY"] = xvfb.display
    # Kivy reads these at import (as tests/conftest.py sets them for the test suite).
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ["KCFG_GRAPHICS_MULTISAMPLES"] = str(args.multisamples)
    try:
        import monkey  # noqa: E402  (imports Kivy: only now that DISPLAY is set)

        def interrupted(signum: int, _frame: object) -> None:
            raise KeyboardInterrupt(f"signal {signum}")  # so that our Xvfb is stopped

        signal.signal(signal.SIGINT, interrupted)
        signal.signal(signal.SIGTERM, interrupted)

        def progress(sample: monkey.MemorySample, seconds: float) -> None:
            trimmed = "" if sample.trimmed_mib is None else f" ({sample.trimmed_mib:.1f} trimmed)"
            print(f"  {sample.touches:>7} touches  {sample.rss_mib:8.1f} MiB{trimmed}  "
                  f"{sample.objects:>9} objects  {seconds:7.0f} s", flush=True)

        print(f"soak: {args.touches} touches, seed {args.seed}", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            result = monkey.run_soak(
                args.touches, args.seed, Path(tmp) / "data", sample_every=args.sample_every,
                progress=progress, hold_frames=args.hold_frames, settle_frames=args.settle_frames,
                fast_scroll_release=not args.slow_scroll_release,
            )
    finally:
        if xvfb is not None:
            xvfb.stop()
    if args.max_growth is not None:
        result.max_growth_mib = args.max_growth

    print()
    print(f"{'touches':>8}  {'RSS MiB':>8}  {'after malloc_trim':>17}  {'vs first mark':>13}  {'objects':>9}")
    first = result.memory[1] if len(result.memory) > 1 else None
    for sample in result.memory:
        trimmed = "-" if sample.trimmed_mib is None else f"{sample.trimmed_mib:.1f}"
        delta = ""
        if first is not None and sample.touches >= first.touches:
            if sample.trimmed_mib is not None and first.trimmed_mib is not None:
                delta = f"{sample.trimmed_mib - first.trimmed_mib:+.1f}"
            else:
                delta = f"{sample.rss_mib - first.rss_mib:+.1f}"
        print(f"{sample.touches:>8}  {sample.rss_mib:8.1f}  {trimmed:>17}  {delta:>13}  {sample.objects:>9}")
    per_touch = result.seconds / max(1, result.touches)
    print(f"{result.touches} touches in {result.seconds:.0f} s ({per_touch * 1000:.0f} ms a touch); "
          f"{result.idle_resets} idle resets, {result.idle_warnings_continued} warnings continued, "
          f"{result.language_switches} language switches, admin PIN pad opened {result.admin_opened}x")
    if result.growth_mib is not None:
        print(f"memory floor, last third minus first third of the samples: {result.growth_mib:+.1f} MiB "
              f"(limit {result.max_growth_mib:.0f} MiB); last sample minus first mark: "
              f"{result.extra['last_minus_first_sample_mib']:+.1f} MiB")
    problems = result.problems()
    if result.touches < args.touches and not problems:
        problems.append(f"stopped after {result.touches} of {args.touches} touches")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    print("OK" if not problems else f"FAILED ({len(problems)} problem(s))")
    if args.json:
        machine = (f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
                   f"{platform.python_version()}, Xvfb + Mesa llvmpipe, multisamples {args.multisamples}")
        data = {"machine": machine, "settings": {k: v for k, v in vars(args).items() if k != "json"},
                **result.as_dict(), "ok": not problems, "problems": problems}
        args.json.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
