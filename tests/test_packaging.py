"""The release: a frozen one-folder app that runs with no Python, and its Linux installer.

Builds the app once per run with ``packaging/build-linux.sh`` (PyInstaller), pinning a key
made for the test, then runs the frozen program itself: its self-test, its start to the
attract screen under Xvfb (with a screenshot), and a signed update with the pinned key.
The installer is run into a temporary root folder and every file it lays down is checked.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from conftest import CONTENT, CONTENT_VERSION, ROOT, bundled_content
from driver import KioskProcess, Xvfb, have_e2e_tools
from kiosk.config import KioskSettings, parse_config

# One test worker builds the release once (module fixture) and runs every test here.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("release"),
              pytest.mark.skipif(not have_e2e_tools(), reason="needs Xvfb, xdotool, ImageMagick")]

ARTIFACTS = ROOT / "artifacts" / "frozen"
# What a machine without our venv has: no Python of ours on PATH, no PYTHONPATH.
BARE_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}


def kiosk_content(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk.content_cli", *args],
                          capture_output=True, text=True, cwd=ROOT, check=True)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("release")
    key = work / "signing.key"
    public = kiosk_content("keygen", "--out", str(key)).stdout.strip().splitlines()[-1]
    pinned = work / "pinned.txt"
    pinned.write_text(f"# test signing key\n{public}\n")
    started = time.monotonic()
    build = subprocess.run([str(ROOT / "packaging" / "build-linux.sh"), "--pin-keys", str(pinned),
                            "--out", str(work / "dist"), "--python", sys.executable],
                           capture_output=True, text=True, cwd=ROOT)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    folders = [p for p in (work / "dist").iterdir() if p.is_dir()]
    assert len(folders) == 1
    folder = folders[0]
    app = folder / "app"
    size = sum(p.stat().st_size for p in app.rglob("*") if p.is_file() and not p.is_symlink())
    archive = folder.with_name(folder.name + ".tar.gz")
    print(f"\nfrozen build: {time.monotonic() - started:.0f} s; app folder {size / 2**20:.0f} MiB; "
          f"archive {archive.stat().st_size / 2**20:.0f} MiB")
    return {"folder": folder, "app": app, "exe": app / "eu-citizens-kiosk", "key": key,
            "public": public, "archive": archive, "work": work}


def test_archive_holds_the_app_installer_unit_config_and_guide(release) -> None:
    listing = subprocess.run(["tar", "-tzf", str(release["archive"])], capture_output=True,
                             text=True, check=True).stdout.split()
    top = release["folder"].name
    for name in ("install.sh", "uninstall.sh", "eu-citizens-kiosk.service", "kiosk.toml",
                 "eu-citizens-kiosk.sysusers", "xorg-eu-citizens-kiosk.conf",
                 "sysctl-eu-citizens-kiosk.conf", "README.md", "VERSION", "app/eu-citizens-kiosk",
                 "app/_internal/content/structure.yaml", "app/_internal/keys/pinned-public-keys.txt",
                 "app/_internal/kiosk/ui/app.kv", "app/_internal/kivymd/data/glsl/ripple/ripple.glsl"):
        assert f"{top}/{name}" in listing, name
    assert any(n.startswith(f"{top}/app/_internal/locales/el/") for n in listing)


FROZEN_WALK_LANGUAGES = ("el",)
"""A translated language in a script other than Latin: the frozen app draws every page
with its fonts, kv files, catalog and content, as bundled. Every language uses the one
bundled font (Roboto: Latin, Greek, Cyrillic), and every page in all ten languages is
drawn in-process (tests/test_gui.py::test_every_guide_renders_in_every_language,
tests/test_selftest_pages.py); the catalogs of the others are checked by
test_frozen_selftest_names_what_is_missing. One language's walk takes 20-30 s here;
each further language about as much again."""


@pytest.mark.timeout(600)  # draws some 140 pages with software GL, every frame painted
def test_frozen_app_passes_its_selftest_without_our_python(release, tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("[kiosk]\nlanguages = [" + ", ".join(f'"{code}"' for code in FROZEN_WALK_LANGUAGES)
                      + f']\ndefault_language = "{FROZEN_WALK_LANGUAGES[0]}"\n', encoding="utf-8")
    server = Xvfb()
    try:
        # Mesa draws on this one thread (tests/conftest.py says why): not a Python setting
        result = subprocess.run([str(release["exe"]), "--selftest", "--config", str(config),
                                 "--data-dir", str(tmp_path / "data")],
                                env={**BARE_ENV, "DISPLAY": server.display, "HOME": str(tmp_path),
                                     "LP_NUM_THREADS": os.environ.get("LP_NUM_THREADS", "0")},
                                capture_output=True, text=True, timeout=500)
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "selftest: passed" in result.stdout
    assert "ok    pinned public keys: 1" in result.stdout
    # every screen, guide and quiz question
    drawn = re.search(r"ok    pages: (\d+) drawn from the bundled content: every screen, guide "
                      r"and quiz question in 1 language\n", result.stdout)
    content = bundled_content()
    assert drawn and int(drawn[1]) > len(content.guides) + len(content.questions), result.stdout
    assert "ok    catalog el: 'Touch to start' -> " in result.stdout
    assert "/app/_internal" in result.stdout  # resources came from the bundle, not the tree


def test_frozen_selftest_names_what_is_missing(release, tmp_path: Path) -> None:
    broken = tmp_path / "app"
    shutil.copytree(release["app"], broken, symlinks=True)
    (broken / "_internal" / "locales" / "el" / "LC_MESSAGES" / "kiosk.po").unlink()
    result = subprocess.run([str(broken / "eu-citizens-kiosk"), "--selftest", "--data-dir", str(tmp_path / "d")],
                            env={**BARE_ENV, "HOME": str(tmp_path)}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert f"FAIL  missing catalog: {broken}/_internal/locales/el/LC_MESSAGES/kiosk.po" in result.stdout
    assert "selftest: 2 failed" in result.stdout  # the catalog, then the screens not tried


def test_frozen_app_starts_to_the_attract_screen(release, tmp_path: Path) -> None:
    server = Xvfb()
    kiosk = KioskProcess(server.display, tmp_path, command=[str(release["exe"])],
                         env={**BARE_ENV, "HOME": str(tmp_path)})
    try:
        state = kiosk.wait_ready(timeout=120)
        start_seconds = state["first_frame_at"] - kiosk.started_at
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = kiosk.screenshot(ARTIFACTS / "frozen-attract.png")
        kiosk.click_at(640, 400)
        kiosk.wait_screen("language")
        kiosk.tap("lang-en")
        kiosk.wait_screen("home")
        kiosk.screenshot(ARTIFACTS / "frozen-home.png")
    finally:
        code = kiosk.stop()
        server.stop()
    print(f"\nfrozen app: process start to first frame of the attract screen {start_seconds:.2f} s")
    assert state["screen"] == "attract" and state["window"] == [1280, 800]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 800)
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50  # drawn text and art, not a blank
    assert code == 0  # SIGTERM, as from systemd, stops it cleanly
    log = (tmp_path / "logs" / "kiosk.log").read_text()
    assert "starting; data folder" in log and "Traceback" not in log


def test_frozen_app_applies_a_bundle_signed_with_the_pinned_key_only(release, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    kiosk_content("build", str(CONTENT), "--out", str(bundle), "--key", str(release["key"]), "--version", "7")
    data = tmp_path / "data"
    env = {**BARE_ENV, "HOME": str(tmp_path)}
    status = json.loads(subprocess.run([str(release["exe"]), "status", "--json", "--data-dir", str(data)],
                                       env=env, capture_output=True, text=True, check=True).stdout)
    assert status["trusted_keys"] == [str(release["public"])]
    synced = subprocess.run([str(release["exe"]), "sync", "--once", "--source", str(bundle), "--data-dir", str(data)],
                            env=env, capture_output=True, text=True)
    assert synced.returncode == 0, synced.stderr
    assert "applied (version 7)" in synced.stdout
    status = json.loads(subprocess.run([str(release["exe"]), "status", "--json", "--data-dir", str(data)],
                                       env=env, capture_output=True, text=True, check=True).stdout)
    assert status["sync_version"] == 7 and status["content_version"] == CONTENT_VERSION
    # The same content signed with a key the app does not pin is refused.
    other_key = tmp_path / "other.key"
    kiosk_content("keygen", "--out", str(other_key))
    forged = tmp_path / "forged"
    kiosk_content("build", str(CONTENT), "--out", str(forged), "--key", str(other_key), "--version", "8")
    refused = subprocess.run([str(release["exe"]), "sync", "--once", "--source", str(forged), "--data-dir", str(data)],
                             env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and "rejected" in refused.stderr


def installed_files(root: Path) -> dict[str, str]:
    """Every path under ``root`` (app internals summarised) with its kind and mode."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if rel.startswith("opt/eu-citizens-kiosk/_internal/"):
            continue
        if path.is_symlink():
            found[rel] = f"link -> {os.readlink(path)}"
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = f"file {stat.S_IMODE(path.stat().st_mode):o}"
    return found


XORG_SNIPPET = "etc/X11/xorg.conf.d/50-eu-citizens-kiosk.conf"
SYSCTL_SNIPPET = "etc/sysctl.d/90-eu-citizens-kiosk.conf"
LOCKDOWN_SOURCES = {XORG_SNIPPET: ROOT / "packaging/linux/xorg-eu-citizens-kiosk.conf",
                    SYSCTL_SNIPPET: ROOT / "packaging/linux/sysctl-eu-citizens-kiosk.conf"}


def settings_lines(text: str) -> list[str]:
    """The lines of a config snippet that say something: no comments, no blank lines."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def run_script(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(script), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_install_into_a_root_folder_lays_down_exactly_these_files(release, tmp_path: Path) -> None:
    root = tmp_path / "root"
    run_script(release["folder"] / "install.sh", "--destdir", str(root))
    assert installed_files(root) == {
        "etc": "dir",
        "etc/X11": "dir",
        "etc/X11/xorg.conf.d": "dir",
        XORG_SNIPPET: "file 644",
        "etc/eu-citizens-kiosk": "dir",
        "etc/eu-citizens-kiosk/kiosk.toml": "file 644",
        "etc/eu-citizens-kiosk/kiosk.toml.default": "file 644",
        "etc/sysctl.d": "dir",
        SYSCTL_SNIPPET: "file 644",
        "etc/systemd": "dir",
        "etc/systemd/system": "dir",
        "etc/systemd/system/eu-citizens-kiosk.service": "file 644",
        "opt": "dir",
        "opt/eu-citizens-kiosk": "dir",
        "opt/eu-citizens-kiosk/README.md": "file 644",
        "opt/eu-citizens-kiosk/VERSION": "file 644",
        "opt/eu-citizens-kiosk/_internal": "dir",
        "opt/eu-citizens-kiosk/eu-citizens-kiosk": "file 755",
        "usr": "dir",
        "usr/lib": "dir",
        "usr/lib/sysusers.d": "dir",
        "usr/lib/sysusers.d/eu-citizens-kiosk.conf": "file 644",
        "usr/local": "dir",
        "usr/local/bin": "dir",
        "usr/local/bin/eu-citizens-kiosk": "link -> /opt/eu-citizens-kiosk/eu-citizens-kiosk",
    }
    # The app's internals are the built ones, file for file.
    built = {str(p.relative_to(release["app"])) for p in release["app"].rglob("*")}
    laid = {str(p.relative_to(root / "opt/eu-citizens-kiosk")) for p in (root / "opt/eu-citizens-kiosk").rglob("*")}
    assert laid - {"README.md", "VERSION"} == built
    # The documented default config is a valid config that names every key.
    text = (root / "etc/eu-citizens-kiosk/kiosk.toml").read_text()
    config = parse_config(text)
    assert config.kiosk == KioskSettings()
    assert config.health.metrics_file == "/var/lib/eu-citizens-kiosk/metrics/kiosk.prom"
    for section in (config.kiosk, config.sync, config.health):
        for name in vars(section):
            assert f"\n{name} = " in text, name
    unit = (root / "etc/systemd/system/eu-citizens-kiosk.service").read_text()
    for line in ("Type=notify", "NotifyAccess=all", "WatchdogSec=30", "Restart=always",
                 "User=eu-kiosk", "StateDirectory=eu-citizens-kiosk", "WantedBy=graphical.target",
                 "Environment=KIOSK_DATA_DIR=/var/lib/eu-citizens-kiosk"):
        assert f"\n{line}\n" in unit, line
    assert "u eu-kiosk - " in (root / "usr/lib/sysusers.d/eu-citizens-kiosk.conf").read_text()
    # The keyboard lockdown outside the app: Xorg cannot switch to a text console
    # (Ctrl+Alt+Fn), be killed (Ctrl+Alt+Backspace) or change resolution from the keyboard,
    # and the kernel's magic SysRq keys (Alt+SysRq+B reboots) are off; exactly these settings.
    for installed, source in LOCKDOWN_SOURCES.items():
        assert (root / installed).read_bytes() == source.read_bytes(), installed
    assert settings_lines((root / XORG_SNIPPET).read_text()) == [
        'Section "ServerFlags"',
        'Option "DontVTSwitch" "true"',
        'Option "DontZap" "true"',
        'Option "DontZoom" "true"',
        "EndSection",
    ]
    assert settings_lines((root / SYSCTL_SNIPPET).read_text()) == ["kernel.sysrq = 0"]


def test_reinstall_keeps_the_config_and_uninstall_keeps_config_and_data_unless_purged(
    release, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    run_script(release["folder"] / "install.sh", "--destdir", str(root))
    config = root / "etc/eu-citizens-kiosk/kiosk.toml"
    config.write_text('[kiosk]\nmunicipality = "Empoli"\n')
    data = root / "var/lib/eu-citizens-kiosk"
    data.mkdir(parents=True)
    (data / "usage.db").write_bytes(b"counts")
    upgraded = run_script(release["folder"] / "install.sh", "--destdir", str(root))
    assert "keeping the existing config" in upgraded.stdout
    assert config.read_text() == '[kiosk]\nmunicipality = "Empoli"\n'
    run_script(release["folder"] / "uninstall.sh", "--destdir", str(root))
    assert not (root / "opt/eu-citizens-kiosk").exists()
    assert not (root / "usr/local/bin/eu-citizens-kiosk").is_symlink()
    assert not (root / "etc/systemd/system/eu-citizens-kiosk.service").exists()
    assert not (root / XORG_SNIPPET).exists() and not (root / SYSCTL_SNIPPET).exists()
    assert config.read_text() == '[kiosk]\nmunicipality = "Empoli"\n'
    assert (data / "usage.db").read_bytes() == b"counts"
    run_script(release["folder"] / "uninstall.sh", "--destdir", str(root), "--purge")
    assert not (root / "etc/eu-citizens-kiosk").exists() and not data.exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_installed_unit_passes_systemd_analyze_verify(release, tmp_path: Path) -> None:
    root = tmp_path / "root"
    run_script(release["folder"] / "install.sh", "--destdir", str(root))
    # The root needs what a real system has: systemd's own units and xinit, which
    # install.sh installs as an OS package (dev.sh installs it on this machine).
    shutil.copytree("/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    xinit = shutil.which("xinit")
    assert xinit, "xinit is missing: ./dev.sh installs it"
    (root / "usr/bin").mkdir(parents=True)
    shutil.copy2(xinit, root / "usr/bin/xinit")
    result = subprocess.run(["systemd-analyze", "verify", f"--root={root}",
                             str(root / "etc/systemd/system/eu-citizens-kiosk.service")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
