"""The benchmark: the kiosk against the same content as static HTML in Chromium, plus the
content and sync figures. Prints a Markdown table and writes it as JSON.

    .venv/bin/python bench/run.py [--runs 5] [--json bench/results.json]   (or ./dev.sh bench)

Each timed run starts a fresh Xvfb (1280x800, Mesa llvmpipe), starts the program on it
and drives the same walkthrough with real xdotool clicks:
attract -> "English" -> home -> the first guide (register-italy), pausing PAUSE seconds
on each screen before touching it, as a person would.

- kiosk: ``main.py --fullscreen``, its packages byte-compiled first as a release ships
  them (:func:`compile_kiosk`); screens and target positions come from its probe
  file, the first frame from ``first_frame_at`` (stamped on Kivy's first ``on_flip``).
  "cache ready" is the normal start; "first start" builds the cache of ten languages.
- Chromium: the online edition (``kiosk-content export-web``, :mod:`kiosk.web.site`) of
  the same content, served from a loopback HTTP server started here, shown with
  ``chromium --kiosk`` and a fresh profile; the walk goes attract stand-in -> the site's
  language chooser -> its English home -> the guide. The server adds a probe script to each
  page (``bench/site_probe.py``) that posts a beacon two animation frames after the load
  event and fonts are ready; the arrival time is "screen shown", and the beacon carries
  the target positions.
- memory: PSS (``/proc/PID/smaps_rollup``) summed over the whole process tree, one
  second after the guide is shown.

One untimed warm-up run of each program comes first, so both start with the same warm
OS file cache. Timings are medians over ``--runs`` runs (min-max in brackets).
Also: search latency over every prefix a visitor types on the way to every word of every
guide in every language (in-process, no UI), ``bench/sync.py`` (bytes, apply time), and
``bench/inprocess.py`` when present (touch-to-frame latency, frames during a sync).
"""
from __future__ import annotations

import argparse
import atexit
import compileall
import http.server
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from driver import SCREEN_SIZE, KioskProcess, Xvfb, process_tree, tree_pss_kib  # noqa: E402
from site_probe import PROBE_SCRIPT, attract_page  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
GUIDE = "register-italy"
LANGUAGE = "en"
PAUSE = 0.5
"""Seconds a screen is shown before the script touches it (the same on both sides)."""
MEMORY_SETTLE = 1.0
FIRST_FRAME_TIMEOUT = 60.0
SCREEN_TIMEOUT = 30.0
CHILD_TIMEOUT = 900.0
POLL = 0.01
CONTENT_DIR: Path | None = None
"""The content both programs show: None for the bundled content, else a scaled copy
(``--content-scale``, made by bench/scaled_content.py)."""


class BenchError(RuntimeError):
    """A measurement could not be taken; the message says which and why."""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the machine

def _run_text(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_info() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mem = re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.M)
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]+)', Path("/etc/os-release").read_text(), re.M)
    mesa = _run_text(["dpkg-query", "-W", "-f=${Version}", "libgl1-mesa-dri"])
    return {
        "cpu": model.group(1).strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "ram_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "os": f"{os_name.group(1) if os_name else platform.system()}, Linux {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "chromium": _run_text([CHROMIUM, "--version"]) or "not found",
        "mesa": f"Mesa {mesa} (libgl1-mesa-dri)" if mesa else "unknown",
        "xvfb": _run_text(["dpkg-query", "-W", "-f=${Version}", "xvfb"]),
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
    }


# --------------------------------------------------------------------------- shared driving

def click(display: str, x: int, y: int) -> tuple[float, float]:
    """The driver's click (move, wait 50 ms, press, hold 80 ms, release, as
    KioskProcess.click_at), in separate xdotool calls so that the press and the release
    are timed: each time is taken just before the xdotool that sends it starts, so a
    latency measured from it includes that xdotool's start-up (a few ms, on both sides)
    and is never flattered by a slow exit of the process."""
    env = {**os.environ, "DISPLAY": display}

    def xdotool(*args: str) -> None:
        subprocess.run(["xdotool", *args], env=env, check=True, timeout=10)

    xdotool("mousemove", str(x), str(y))
    time.sleep(0.05)
    pressed = time.time()
    xdotool("mousedown", "1")
    time.sleep(0.08)
    released = time.time()
    xdotool("mouseup", "1")
    return pressed, released


def walkthrough(app: Any) -> dict[str, Any]:
    """The scripted visit, identical for both programs. ``app`` provides started_at,
    display, wait_first_frame(), wait_screen(name) -> (seen_at, state), pids(), stop()."""
    first_frame = app.wait_first_frame()
    steps = []
    state: dict[str, Any] = {}
    for target, screen in ((None, "language"), (f"lang-{LANGUAGE}", "home"), (f"guide-{GUIDE}", "guide")):
        time.sleep(PAUSE)
        if target is None:
            x, y = 640, 400  # anywhere on the attract screen
        else:
            state = app.current_state()
            if target not in state.get("targets", {}):
                raise BenchError(f"{app.name}: no target {target!r} on screen {state.get('screen')!r}: "
                                 f"{sorted(state.get('targets', {}))}")
            x, y = state["targets"][target]
        pressed, released = click(app.display, x, y)
        # the attract screen reacts to the press (both programs), buttons to the release
        touched = pressed if target is None else released
        seen, state = app.wait_screen(screen)
        steps.append({"touch": target or "attract", "screen": screen,
                      "touch_to_screen_s": round(seen - touched, 4)})
    guide_at = seen
    time.sleep(MEMORY_SETTLE)
    pids = app.pids()
    pss = tree_pss_kib(pids)
    return {
        "first_frame_s": round(first_frame - app.started_at, 4),
        "first_guide_s": round(guide_at - app.started_at, 4),
        "touch_to_guide_s": steps[-1]["touch_to_screen_s"],
        "steps": steps,
        "pss_mib": round(pss / 1024, 1),
        "processes": len(pids),
        "title": state.get("title"),
        "load_1min": round(os.getloadavg()[0], 2),
    }


class Kiosk:
    """``main.py --fullscreen`` on ``display``, watched through its probe file."""

    name = "kiosk"

    def __init__(self, display: str, data_dir: Path) -> None:
        self.display = display
        extra = ["--content-dir", str(CONTENT_DIR)] if CONTENT_DIR is not None else None
        self.process = KioskProcess(display, data_dir, extra_args=extra)
        self.started_at = self.process.started_at

    def _read(self) -> tuple[dict[str, Any], float]:
        """The probe and when the app wrote it (its mtime; read until stable)."""
        for _ in range(20):
            try:
                before = self.process.probe.stat().st_mtime
            except OSError:
                return {}, 0.0
            state = self.process.state()
            try:
                after = self.process.probe.stat().st_mtime
            except OSError:
                continue
            if before == after:
                return state, after
        return self.process.state(), time.time()

    def _wait(self, check: Callable[[dict[str, Any]], bool], timeout: float,
              what: str) -> tuple[dict[str, Any], float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.proc.poll() is not None:
                raise BenchError(f"kiosk exited with {self.process.proc.returncode} while waiting for "
                                 f"{what}:\n{self.process.log_text()[-2000:]}")
            state, written = self._read()
            if state and check(state):
                return state, min(written, time.time())
            time.sleep(POLL)
        raise BenchError(f"kiosk: no {what} within {timeout:.0f} s (last probe: {self.process.state()})")

    def wait_first_frame(self) -> float:
        state, _ = self._wait(lambda s: s.get("first_frame_at") and s.get("screen") == "attract",
                              FIRST_FRAME_TIMEOUT, "first frame of the attract screen")
        first = state["first_frame_at"]
        # clicks need the window mapped (it is, once it has drawn; this checks it)
        env = {**os.environ, "DISPLAY": self.display}
        deadline = time.monotonic() + SCREEN_TIMEOUT
        search = ["xdotool", "search", "--onlyvisible", "--pid", str(self.process.proc.pid)]
        while not subprocess.run(search, env=env, capture_output=True, text=True).stdout.strip():
            if time.monotonic() > deadline:
                raise BenchError("kiosk: its window never became visible on the display")
            time.sleep(0.05)
        return first

    def current_state(self) -> dict[str, Any]:
        return self.process.state()

    def wait_screen(self, name: str) -> tuple[float, dict[str, Any]]:
        """When the first frame showing screen ``name`` reached the display: the probe's
        ``shown`` time (stamped on the window flip, as Chromium's page reports its first
        frame), so neither the probe's 0.1 s tick nor this poll counts."""
        state, _written = self._wait(
            lambda s: s.get("screen") == name and s.get("targets")
            and (s.get("shown") or {}).get("screen") == name,
            SCREEN_TIMEOUT, f"screen {name!r}")
        return state["shown"]["at"], state

    def pids(self) -> list[int]:
        return process_tree(self.process.proc.pid)

    def gl_info(self) -> str:
        text = self.process.log_text()
        found = [m.group(1).strip() for m in re.finditer(r"GL: OpenGL (?:renderer|version)\s*<?b?'?([^'>\n]+)", text)]
        return ", ".join(found)

    def stop(self) -> None:
        self.process.stop()


class PageServer:
    """Serves the exported site on loopback and records the pages' beacons with their
    arrival times."""

    def __init__(self, root: Path) -> None:
        self.beacons: list[tuple[float, dict[str, Any]]] = []
        self.changed = threading.Condition()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self) -> None:  # noqa: N802
                """Pages with the bench's probe script added; other files as they are."""
                path = Path(self.translate_path(self.path))
                if path.is_dir():
                    path = path / "index.html"
                if path.suffix != ".html" or not path.is_file():
                    super().do_GET()
                    return
                body = path.read_bytes().replace(b"</body>", PROBE_SCRIPT.encode() + b"</body>", 1)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                arrived = time.time()
                if self.path != "/__beacon":
                    self.send_error(404)
                    return
                self.send_response(204)
                self.end_headers()
                try:
                    data = json.loads(body)
                except ValueError:
                    data = {"error": body[:200].decode(errors="replace")}
                with server.changed:
                    server.beacons.append((arrived, data))
                    server.changed.notify_all()

            def log_message(self, *_args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def mark(self) -> int:
        with self.changed:
            return len(self.beacons)

    def wait(self, since: int, check: Callable[[dict[str, Any]], bool], timeout: float,
             alive: Callable[[], None]) -> tuple[float, dict[str, Any], int]:
        """The first beacon from index ``since`` on that passes ``check``, with its index."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for index in range(since, len(self.beacons)):
                    arrived, data = self.beacons[index]
                    if check(data):
                        return arrived, data, index
                left = deadline - time.monotonic()
                if left <= 0:
                    last = self.beacons[-1][1] if self.beacons else None
                    raise BenchError(f"no beacon within {timeout:.0f} s (last: {last})")
                self.changed.wait(min(left, 0.2))
                alive()

    def last(self) -> dict[str, Any]:
        with self.changed:
            return self.beacons[-1][1] if self.beacons else {}

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def export_for_chromium(out: Path) -> dict[str, Any]:
    """The online edition of the benchmark's content for the kiosk's host country, plus
    the attract stand-in (bench/site_probe.py)."""
    from contentlib.catalogs import translations
    from kiosk import paths
    from kiosk.config import KioskSettings
    from kiosk.web.site import SiteOptions, export_site

    settings = KioskSettings()
    report = export_site(CONTENT_DIR or paths.bundled_content_dir(), out, SiteOptions(country=settings.host_country))
    english = translations(paths.locales_dir(), "en")
    (out / "attract.html").write_text(attract_page(
        english.gettext("Touch to start"),
        english.gettext("Your rights to vote and stand in elections where you live in the EU")), encoding="utf-8")
    return {"pages": report.pages, "bytes": report.total_bytes, "seconds": round(report.seconds, 2)}


def chromium_args(profile: Path, url: str) -> list[str]:
    args = [CHROMIUM, "--kiosk", f"--user-data-dir={profile}", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-quic",
            # Without a window manager (a bare X session, like Xvfb here) --kiosk cannot ask
            # for full screen; place the window over the screen as the kiosk does its own.
            "--window-position=0,0", f"--window-size={SCREEN_SIZE[0]},{SCREEN_SIZE[1]}"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    return args + [url]


class Chromium:
    """``chromium --kiosk`` on ``display`` with a fresh profile, showing the export."""

    name = "Chromium"

    def __init__(self, display: str, server: PageServer, workdir: Path) -> None:
        self.display = display
        self.server = server
        self.profile = workdir / "profile"
        self.log_path = workdir / "chromium.log"
        self._log = open(self.log_path, "wb")
        self.cursor = server.mark()
        """Beacons before this index belong to screens already seen."""
        self.args = chromium_args(self.profile, f"{server.url}/attract.html")
        self.started_at = time.time()
        # its own session, so that stop() can signal the whole group
        self.proc = subprocess.Popen(self.args, env={**os.environ, "DISPLAY": display},
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def _alive(self) -> None:
        if self.proc.poll() is not None:
            raise BenchError(f"Chromium exited with {self.proc.returncode}:\n{self.log_text()[-2000:]}")

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_first_frame(self) -> float:
        try:
            arrived, _, index = self.server.wait(self.cursor, lambda d: d.get("screen") == "attract",
                                                 FIRST_FRAME_TIMEOUT, self._alive)
            self.cursor = index + 1
        except BenchError as error:
            raise BenchError(f"Chromium: no first frame of the attract page: {error}\n"
                             f"{self.log_text()[-2000:]}") from None
        return arrived

    def current_state(self) -> dict[str, Any]:
        return self.server.last()

    def wait_screen(self, name: str) -> tuple[float, dict[str, Any]]:
        try:
            arrived, data, index = self.server.wait(self.cursor, lambda d: d.get("screen") == name,
                                                    SCREEN_TIMEOUT, self._alive)
            self.cursor = index + 1
            return arrived, data
        except BenchError as error:
            raise BenchError(f"Chromium: page {name!r} not shown: {error}") from None

    def pids(self) -> list[int]:
        """The browser's process tree, plus any helper it detached (by our profile path)."""
        found = set(process_tree(self.proc.pid))
        marker = str(self.profile).encode()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if marker in (entry / "cmdline").read_bytes():
                        found.add(int(entry.name))
                except OSError:
                    continue
        return sorted(found)

    def gpu_info(self) -> str:
        """How the GPU process draws: its GL flags and the GL libraries it has mapped."""
        for pid in self.pids():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                maps = Path(f"/proc/{pid}/maps").read_text(errors="replace")
            except OSError:
                continue
            if "--type=gpu-process" not in cmd:
                continue
            flags = re.findall(r"--(?:use-gl|use-angle|enable-gpu-rasterization|disable-gpu\S*|ozone-platform)\S*", cmd)
            libs = sorted({Path(line.split()[-1]).name for line in maps.splitlines()
                           if re.search(r"swiftshader|_dri\.so|libgallium|libGLESv2|libEGL|libvulkan|libGLX_mesa",
                                        line)})
            return f"{' '.join(flags)}; GL libraries mapped: {', '.join(libs) or 'none'}"
        return "no gpu process"

    def stop(self) -> None:
        pids = self.pids()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
            time.sleep(0.1)
        for pid in pids + self.pids():  # whatever is left, by id
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.proc.poll() is None:
            self.proc.wait(10)
        self._log.close()


# --------------------------------------------------------------------------- one run each

def kiosk_run(cache_ready: bool, info: dict[str, Any]) -> dict[str, Any]:
    display = Xvfb()
    app = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-kiosk-") as tmp:
            data_dir = Path(tmp)
            if cache_ready:  # built by an earlier start, as on every start but the first
                primer = Kiosk(display.display, data_dir)
                try:
                    primer.wait_first_frame()
                finally:
                    primer.stop()
                (data_dir / "probe.json").unlink(missing_ok=True)
            app = Kiosk(display.display, data_dir)
            result = walkthrough(app)
            info.setdefault("kiosk_gl", app.gl_info())
            return result
    finally:
        if app is not None:
            app.stop()
        display.stop()


def chromium_run(server: PageServer, info: dict[str, Any]) -> dict[str, Any]:
    display = Xvfb()
    app = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-chromium-") as tmp:
            try:
                app = Chromium(display.display, server, Path(tmp))
                result = walkthrough(app)
                info.setdefault("chromium_gpu", app.gpu_info())
                info.setdefault("chromium_args", app.args[1:-1])
                return result
            finally:
                if app is not None:
                    app.stop()
    finally:
        display.stop()


# --------------------------------------------------------------------------- in-process figures

def search_latency() -> dict[str, Any]:
    """Every prefix a visitor types on the way to every word (3+ letters) of every guide,
    in every language, through ContentStore.search as the search screen calls it."""
    from kiosk.config import KioskSettings
    from kiosk.paths import bundled_content_dir
    from contentlib.cache import ensure_cache
    from contentlib.store import ContentStore

    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        store = ContentStore(ensure_cache(Path(tmp), CONTENT_DIR or bundled_content_dir()))
        try:
            queries: list[tuple[str, str]] = []
            for lang in KioskSettings().languages:
                words: set[str] = set()
                for guide in store.guide_defs():
                    doc = store.document(guide.id, lang)
                    if doc is not None:
                        words.update(w for w in re.findall(r"\w+", f"{doc.title}\n{doc.plain_text()}")
                                     if len(w) >= 3 and not w.isdigit())
                prefixes = {w[:n] for w in words for n in range(1, len(w) + 1)}
                queries += [(q, lang) for q in sorted(prefixes)]
            for q, lang in queries[:200]:  # warm the page cache and SQLite's
                list(store.search(q, lang, 12))
            timings = []
            hits = 0
            for q, lang in queries:
                started = time.perf_counter()
                found = list(store.search(q, lang, 12))
                timings.append(time.perf_counter() - started)
                hits += bool(found)
        finally:
            store.close()
    timings.sort()

    def pct(p: float) -> float:
        return timings[min(len(timings) - 1, int(round(p / 100 * (len(timings) - 1))))]

    return {"queries": len(timings), "with_hits": hits, "p50_ms": round(pct(50) * 1000, 3),
            "p95_ms": round(pct(95) * 1000, 3), "max_ms": round(timings[-1] * 1000, 3)}


def run_child(name: str, args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run another bench script with ``--json FILE`` and return what it wrote."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        out = Path(tmp) / "result.json"
        proc = subprocess.Popen([sys.executable, *args, "--json", str(out)], cwd=ROOT,
                                env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            output, _ = proc.communicate(timeout=CHILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise BenchError(f"{args[0]} did not finish within {CHILD_TIMEOUT:.0f} s") from None
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        finally:
            try:  # anything it left behind in its session
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if proc.returncode != 0 or not out.is_file():
            text = output.decode(errors="replace")
            last = next((line for line in reversed(text.splitlines()) if line.strip()), "no output")
            name = Path(args[0]).relative_to(ROOT) if Path(args[0]).is_relative_to(ROOT) else args[0]
            raise BenchError(f"{name} failed (exit status {proc.returncode}): {last.strip()}\n{text[-3000:]}")
        return json.loads(out.read_text())


# --------------------------------------------------------------------------- the table

def summary(values: list[float]) -> dict[str, Any]:
    return {"median": round(statistics.median(values), 4), "min": min(values), "max": max(values),
            "runs": values}


def fmt(stat: dict[str, Any] | None, unit: str, digits: int = 2) -> str:
    if not stat:
        return "failed"
    spread = f" ({stat['min']:.{digits}f}-{stat['max']:.{digits}f})" if len(stat["runs"]) > 1 else ""
    return f"{stat['median']:.{digits}f} {unit}{spread}"


def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
    if not a or not b or not b["median"]:
        return "-"
    return f"{a['median'] / b['median']:.2f}"


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        rows = []
        for key, value in data.items():
            rows += flatten(value, f"{prefix}{key}" if not prefix else f"{prefix} / {key}")
        return rows
    return [(prefix, data)]


INPROCESS_ROWS = ("touch -> frame latency p50", "touch -> frame latency p95",
                  "touch -> frame latency max", "longest UI frame during a background sync")


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; {m['os']}; {m['python']}; "
        f"{m['chromium']} (GPU process: {m.get('chromium_gpu', '?')}); {m['mesa']}, "
        f"{m.get('kiosk_gl') or 'llvmpipe'}; Xvfb {m['xvfb']} at 1280x800. "
        f"Load average {m['load_average_at_start']} at start, {m.get('load_average_at_end')} at end.",
        "",
        f"Medians of {results['runs']} runs (min-max); each run on a fresh Xvfb. Content: "
        + ("the bundled content." if results.get("content_scale", 1) == 1 else
           f"{results['content_scale']} times the bundled content (every guide cloned, bench/scaled_content.py)."),
        "",
    ]
    loads = [v for row in results["compare"].values() for v in row.get("load_1min", [])]
    if loads and max(loads) > (m["cores"] or 1) * 0.75:
        lines += [f"WARNING: the machine was busy during the runs (1-minute load average up to "
                  f"{max(loads)} on {m['cores']} cores); timings are noisier and slower than on an idle machine.",
                  ""]
    lines += [
        "| measure | kiosk (Kivy) | Chromium --kiosk, static HTML | kiosk / Chromium |",
        "| --- | --- | --- | --- |",
    ]
    k, kf, c = (results["compare"].get(n, {}) for n in ("kiosk", "kiosk_first_start", "chromium"))
    rows = [
        ("process start -> attract screen drawn", "first_frame_s", "s", 2),
        (f"process start -> first guide shown (3 touches, {PAUSE} s pause before each)", "first_guide_s", "s", 2),
        ("touch on the guide's card -> guide shown", "touch_to_guide_s", "s", 3),
        ("memory after the walkthrough (PSS, whole process tree)", "pss_mib", "MiB", 0),
    ]
    for label, key, unit, digits in rows:
        lines.append(f"| {label} | {fmt(k.get(key), unit, digits)} | {fmt(c.get(key), unit, digits)} "
                     f"| {ratio(k.get(key), c.get(key))} |")
    lines.append(f"| processes | {k.get('processes', '-')} | {c.get('processes', '-')} | |")
    if kf:
        lines.append(f"| kiosk's very first start (builds its cache, ten languages) -> attract drawn "
                     f"| {fmt(kf.get('first_frame_s'), 's')} | | |")
        lines.append(f"| same, -> first guide shown | {fmt(kf.get('first_guide_s'), 's')} | | |")
    for name, error in results.get("errors", {}).items():
        if name in ("kiosk", "kiosk_first_start", "chromium"):
            lines.append(f"| {name}: FAILED | {error.splitlines()[0][:160]} | | |")
    lines += ["", "| measure (kiosk only) | value |", "| --- | --- |"]
    s = results.get("search")
    if s:
        lines.append(f"| search latency p50 / p95 / max ({s['queries']:,} queries: every typed prefix of "
                     f"every word of every guide, 10 languages) | {s['p50_ms']:.2f} / {s['p95_ms']:.2f} / "
                     f"{s['max_ms']:.2f} ms |")
    else:
        lines.append(f"| search latency | failed: {results['errors'].get('search', '')[:160]} |")
    sync = results.get("sync")
    if sync:
        lines += [
            f"| apply a full bundle to an empty kiosk, from a folder (median of 5) | "
            f"{sync['apply full bundle, median of 5 (s)']:.2f} s |",
            f"| first sync (bytes sent by nginx, {sync['objects in the bundle']} objects) | "
            f"{sync['first sync (bytes from nginx)']:,} |",
            f"| poll with nothing new | {sync['poll with nothing new (bytes)']:,} |",
            f"| one guide changed in one language | {sync['one guide changed in one language (bytes)']:,} "
            f"in {sync['requests for that change']} requests |",
        ]
    else:
        lines.append(f"| sync figures (bench/sync.py) | failed: "
                     f"{results['errors'].get('sync', '').splitlines()[0][:160]} |")
    inproc = results.get("inprocess")
    if inproc is None:
        why = results["errors"].get("inprocess")
        why = f"failed: {why.splitlines()[0][:160]}" if why else "not run: bench/inprocess.py not present"
        lines += [f"| {row} | {why} |" for row in INPROCESS_ROWS]
    else:
        lines += inprocess_rows(inproc)
    return "\n".join(lines)


def inprocess_rows(data: dict[str, Any]) -> list[str]:
    """bench/inprocess.py's figures; keys it does not (or no longer) write fall back to a
    plain listing, so a change there never breaks this table."""
    rows = []
    try:
        lat = data["latency"]["all"]
        rows.append(f"| touch-up -> first frame showing the change, p50 / p95 / max ({lat['n']} screen "
                    f"changes, {data['latency']['walks']} walks; bench/inprocess.py) | "
                    f"{lat['p50_ms']:.0f} / {lat['p95_ms']:.0f} / {lat['max_ms']:.0f} ms |")
        for step in ("language -> home", "home -> guide"):
            row = data["latency"]["by_step"][step]
            rows.append(f"| {step}, touch-up -> first frame, p50 / p95 / max ({row['n']} touches, "
                        f"{data['latency'].get('dwell_s', 0)} s on each screen first) | "
                        f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f} / {row['max_ms']:.0f} ms |")
        for label in ("attract idle", "redraw every frame"):
            row = data["sync"][label]
            rows.append(f"| longest UI frame ({label}), without a sync / while a full bundle is applied "
                        f"in the background (worst of all runs) | {row['median_max_frame_baseline_ms']:.0f} / "
                        f"{row['median_max_frame_during_ms']:.0f} ms ({row['worst_frame_during_ms']:.0f} ms) |")
        return rows
    except (KeyError, TypeError):
        return [f"| {key} (bench/inprocess.py) | {value} |" for key, value in flatten(data)
                if key != "machine" and "raw" not in key]


# --------------------------------------------------------------------------- main

RUN_ERRORS = (RuntimeError, subprocess.SubprocessError, OSError, ValueError)
"""What a failed run raises (BenchError is a RuntimeError; Xvfb raises RuntimeError; a hung
xdotool raises TimeoutExpired): the run is recorded as failed and the bench goes on."""


def describe(error: BaseException) -> str:
    if isinstance(error, BenchError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _stop_on_signal(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def compile_kiosk() -> None:
    """Byte-compile the kiosk's own packages before timing its start, as it is deployed:
    the frozen release (packaging/) and a pip install ship compiled modules. A source tree
    whose ``__pycache__`` is stale or missing (a fresh checkout; PYTHONDONTWRITEBYTECODE
    set, as on this machine) compiles every module it imports at every start instead,
    about 0.1 s of the kiosk's start."""
    for package in ("kiosk", "contentlib", "sync"):
        if not compileall.compile_dir(str(ROOT / package), quiet=1):
            raise BenchError(f"{package}: byte-compiling failed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per program (default 5)")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json")
    parser.add_argument("--skip-first-start", action="store_true",
                        help="leave out the kiosk's first start (cache build)")
    parser.add_argument("--content-scale", type=int, default=1, metavar="N",
                        help="show N times the bundled content (every guide cloned; default 1)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    for tool in ("Xvfb", "xdotool", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            parser.error(f"{tool} is missing: run ./dev.sh bench, which installs it")
    if not Path(CHROMIUM).exists():
        parser.error("chromium is missing: apt-get install -y chromium (./dev.sh bench does)")
    signal.signal(signal.SIGTERM, _stop_on_signal)
    began = time.monotonic()
    compile_kiosk()
    machine = machine_info()
    results: dict[str, Any] = {"runs": args.runs, "machine": machine, "compare": {}, "errors": {},
                               "pause_before_each_touch_s": PAUSE, "guide": GUIDE}
    raw: dict[str, list[dict[str, Any]]] = {"kiosk": [], "kiosk_first_start": [], "chromium": []}
    failures: dict[str, list[str]] = {name: [] for name in raw}
    results["content_scale"] = args.content_scale
    global CONTENT_DIR
    if args.content_scale > 1:
        from scaled_content import scaled_content

        # lives until the bench ends: search, sync and the in-process walk read it too
        content_tmp = tempfile.TemporaryDirectory(prefix="bench-content-")
        atexit.register(content_tmp.cleanup)
        CONTENT_DIR = scaled_content(ROOT / "content", Path(content_tmp.name) / "content",
                                     args.content_scale)
        log(f"content: every guide {args.content_scale} times ({CONTENT_DIR})")
    with tempfile.TemporaryDirectory(prefix="bench-site-") as site_tmp:
        site = export_for_chromium(Path(site_tmp) / "site")
        results["web_export"] = site
        server = PageServer(Path(site_tmp) / "site")
        try:
            cases: list[tuple[str, Callable[[], dict[str, Any]]]] = [
                ("kiosk", lambda: kiosk_run(True, machine)),
                ("chromium", lambda: chromium_run(server, machine)),
            ]
            if not args.skip_first_start:
                cases.append(("kiosk_first_start", lambda: kiosk_run(False, machine)))
            log("warm-up: one untimed run of the kiosk and of Chromium")
            for name, run in cases[:2]:
                try:
                    run()
                except RUN_ERRORS as error:
                    log(f"warm-up {name} failed: {describe(error)}")
            for number in range(1, args.runs + 1):
                for name, run in cases:  # interleaved, so background load hits all alike
                    log(f"run {number}/{args.runs}: {name}")
                    try:
                        raw[name].append(run())
                    except RUN_ERRORS as error:
                        log(f"{name} run {number} FAILED: {describe(error)}")
                        failures[name].append(describe(error))
        finally:
            server.stop()
    for name, runs in raw.items():
        if runs:
            keys = ("first_frame_s", "first_guide_s", "touch_to_guide_s", "pss_mib")
            results["compare"][name] = {key: summary([r[key] for r in runs]) for key in keys}
            results["compare"][name]["processes"] = max(r["processes"] for r in runs)
            results["compare"][name]["load_1min"] = [r["load_1min"] for r in runs]
            results["compare"][name]["per_run"] = runs
        if failures[name]:
            results["errors"][name] = f"{len(failures[name])} of {args.runs} runs failed: {failures[name][0]}"
    log("search latency (in-process)")
    try:
        results["search"] = search_latency()
    except Exception as error:  # noqa: BLE001 - reported in the table
        results["errors"]["search"] = f"{type(error).__name__}: {error}"
        traceback.print_exc()
    log("bench/sync.py")
    try:
        results["sync"] = run_child("sync", [str(BENCH / "sync.py")])
    except BenchError as error:
        results["errors"]["sync"] = str(error)
    inprocess = BENCH / "inprocess.py"
    if inprocess.is_file():
        log("bench/inprocess.py")
        display = Xvfb()
        try:
            env = {"DISPLAY": display.display}
            if CONTENT_DIR is not None:
                env["KIOSK_BENCH_CONTENT"] = str(CONTENT_DIR)
            # the same half second on each screen before its touch as the walkthrough's
            # pause: a visitor reads before touching, and the kiosk uses those idle frames
            results["inprocess"] = run_child("inprocess", [str(inprocess), "--dwell", str(PAUSE)], env)
        except BenchError as error:
            results["errors"]["inprocess"] = str(error)
        finally:
            display.stop()
    machine["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    results["bench_seconds"] = round(time.monotonic() - began, 1)
    table = render(results)
    results["table_markdown"] = table
    print(table)
    print(f"\n(bench took {results['bench_seconds']:.0f} s; JSON in {args.json})")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, error in results["errors"].items():
        log(f"{name}: {error.splitlines()[0]}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
