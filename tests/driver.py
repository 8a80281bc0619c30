"""Drives the real kiosk program from outside: Xvfb, xdotool clicks, screenshots.

Used by the end-to-end test and by ``bench/``. The program under test writes its current
screen and touch-target positions to ``KIOSK_PROBE_FILE``; this driver reads that file
to know where to click and when a screen has appeared.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCREEN_SIZE = (1280, 800)
SETTLE_SECONDS = 0.5


class Xvfb:
    """An Xvfb server of its own; Xvfb picks a free display number itself (``-displayfd``),
    so servers started at the same moment (parallel test workers) never pick the same."""

    def __init__(self, size: tuple[int, int] = SCREEN_SIZE) -> None:
        import select

        read_end, write_end = os.pipe()
        try:
            self.proc = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{size[0]}x{size[1]}x24",
                 "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,),
            )
            os.close(write_end)
            write_end = -1
            answer = b""
            deadline = time.monotonic() + 10
            while not answer.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([read_end], [], [], left)[0]:
                    self.proc.kill()
                    raise RuntimeError("Xvfb did not start")
                chunk = os.read(read_end, 64)
                if not chunk:
                    raise RuntimeError(f"Xvfb did not start (exit {self.proc.wait(10)})")
                answer += chunk
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)
        self.number = int(answer)
        self.display = f":{self.number}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class KioskProcess:
    """``main.py`` running under an Xvfb display, observed through its probe file."""

    def __init__(self, display: str, data_dir: Path, config: Path | None = None,
                 extra_args: list[str] | None = None, mode: str = "--fullscreen",
                 command: list[str] | None = None, env: dict[str, str] | None = None) -> None:
        self.display = display
        self.probe = data_dir / "probe.json"
        self.log = data_dir / "kiosk.log"
        # ``command``: another build of the kiosk command (the frozen app), run as ``run``.
        env = {**(os.environ if env is None else env), "DISPLAY": display,
               "KIOSK_PROBE_FILE": str(self.probe)}
        start = command + ["run"] if command else [sys.executable, str(ROOT / "main.py")]
        args = [*start, mode, "--data-dir", str(data_dir)]
        if config:
            args += ["--config", str(config)]
        args += extra_args or []
        self.started_at = time.time()
        self._log_fh = open(self.log, "wb")
        self.proc = subprocess.Popen(args, env=env, stdout=self._log_fh, stderr=subprocess.STDOUT)

    def state(self) -> dict[str, Any]:
        try:
            return json.loads(self.probe.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def wait_for(self, check: Callable[[dict[str, Any]], bool], timeout: float = 30.0,
                 what: str = "") -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kiosk exited with {self.proc.returncode}:\n{self.log_text()[-3000:]}")
            state = self.state()
            if state and check(state):
                return state
            time.sleep(0.05)
        raise TimeoutError(f"waiting for {what or check}: last state {self.state()}")

    def wait_screen(self, name: str, timeout: float = 30.0) -> dict[str, Any]:
        self.wait_for(lambda s: s.get("screen") == name and s.get("targets") is not None,
                      timeout, f"screen {name!r}")
        return self.wait_settled()

    def wait_settled(self, quiet: float = SETTLE_SECONDS, timeout: float = 30.0) -> dict[str, Any]:
        """Wait until the screen has stopped changing for ``quiet`` seconds, as a person
        waits to see a screen before touching it (a touch in the same instant as a screen
        change can land on the screen that is going away)."""
        deadline = time.monotonic() + timeout
        last, since = self.probe_text(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            text = self.probe_text()
            if text != last:
                last, since = text, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return self.state()
        raise TimeoutError("the screen kept changing")

    def probe_text(self) -> str:
        try:
            return self.probe.read_text(encoding="utf-8")
        except OSError:
            return ""

    def wait_ready(self, timeout: float = 60.0) -> dict[str, Any]:
        """Wait for the attract screen and for the window to be mapped on the display."""
        self.wait_for(lambda s: s.get("screen") == "attract" and s.get("first_frame_at"),
                      timeout, "first frame")
        env = {**os.environ, "DISPLAY": self.display}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(self.proc.pid)],
                                   env=env, capture_output=True, text=True)
            if found.stdout.strip():
                break
            time.sleep(0.05)
        return self.wait_settled(quiet=1.0)

    def wait_target(self, target: str, timeout: float = 30.0) -> dict[str, Any]:
        return self.wait_for(lambda s: target in s.get("targets", {}), timeout, f"target {target!r}")

    def click_at(self, x: int, y: int) -> None:
        env = {**os.environ, "DISPLAY": self.display}
        subprocess.run(
            ["xdotool", "mousemove", str(x), str(y), "sleep", "0.05", "mousedown", "1",
             "sleep", "0.08", "mouseup", "1"],
            env=env, check=True,
        )

    def scroll(self, down: bool = True, at: tuple[int, int] = (640, 400)) -> None:
        """One turn of the mouse wheel over ``at`` (button 5 scrolls down, 4 up)."""
        env = {**os.environ, "DISPLAY": self.display}
        subprocess.run(["xdotool", "mousemove", str(at[0]), str(at[1]),
                        "click", "5" if down else "4"], env=env, check=True)

    def tap(self, target: str, timeout: float = 30.0, max_scrolls: int = 12) -> None:
        """Click a target; if it is scrolled out of view, scroll down until it shows."""
        state = self.wait_settled()
        for _ in range(max_scrolls):
            if target in state.get("targets", {}):
                break
            self.scroll()
            state = self.wait_settled(quiet=0.3)
        state = self.wait_target(target, timeout)
        x, y = state["targets"][target]
        self.click_at(x, y)

    def screenshot(self, path: Path) -> Path:
        env = {**os.environ, "DISPLAY": self.display}
        subprocess.run(["import", "-window", "root", str(path)], env=env, check=True)
        return path

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def log_text(self) -> str:
        if not self._log_fh.closed:
            self._log_fh.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log_fh.close()
        return self.proc.returncode


def have_e2e_tools() -> bool:
    return all(shutil.which(t) for t in ("Xvfb", "xdotool", "import"))


def pss_kib(pid: int) -> int:
    """Proportional set size of one process (``Pss:`` in ``/proc/PID/smaps_rollup``), in KiB:
    shared pages are split among the processes that map them, so the PSS of a process tree
    adds up to the memory it really occupies."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    raise RuntimeError(f"no Pss for process {pid}")


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its living descendants (from each process's parent in /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name in parentheses may hold spaces: the fields after the last ')'
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        if Path(f"/proc/{current}").exists():
            found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_pss_kib(pids: list[int]) -> int:
    """Sum of the PSS of ``pids``; processes that exit meanwhile are skipped."""
    total = 0
    for pid in pids:
        try:
            total += pss_kib(pid)
        except (OSError, RuntimeError):
            continue
    return total
