"""The plain-Python core must import and work without Kivy (DESIGN.md's architecture rule)."""
from __future__ import annotations

import subprocess
import sys

from conftest import GUIDE_COUNTRIES, ROOT

PLAIN_MODULES = [
    "kiosk.core.accessibility",
    "kiosk.core.admin",
    "contentlib.atomic_file",
    "kiosk.core.catalogs",
    "kiosk.cli",
    "contentlib.completeness",
    "kiosk.config",
    "kiosk.content_cli",
    "contentlib.model",
    "contentlib.source",
    "kiosk.core.error_budget",
    "kiosk.ops.health",
    "contentlib.images",
    "kiosk.ops.logs",
    "kiosk.core.keyboards",
    "kiosk.core.languages",
    "kiosk.core.markup",
    "kiosk.paths",
    "kiosk.core.qr",
    "kiosk.core.quiz",
    "kiosk.ops.selftest",
    "kiosk.core.session",
    "kiosk.core.speech",
    "contentlib.store",
    "kiosk.ops.usage",
    "kiosk.core.viewmodels",
    "kiosk.core.visit",
    "kiosk.ops.watchdog",
    "sync",
    "sync.build",
    "sync.fetch",
    "sync.keys",
    "sync.manifest",
    "sync.publish",
    "sync.updater",
    "sync.usb",
    "sync.worker",
]


def test_plain_modules_do_not_import_kivy() -> None:
    code = (
        "import sys, importlib\n"
        f"for name in {PLAIN_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'kivy' or m.startswith(('kivy.', 'kivymd')))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"Kivy imported by the core: {result.stdout}"


def test_core_works_without_a_window(tmp_path) -> None:
    """Build the cache and compute every screen's view model with no Kivy at all."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from contentlib.store import ensure_cache, ContentStore\n"
        "from kiosk.core import viewmodels as vm\n"
        f"store = ContentStore(ensure_cache(Path({str(tmp_path)!r}), Path('content')))\n"
        "topics = vm.home_topics(store, 'bg', 'IT')\n"
        "guide = vm.guide_view(store, topics[0].guide_id, 'el')\n"
        "links = vm.links_view(store, 'en', 'IT')\n"
        "q = vm.question_view(store, store.question_defs()[0], 'bg')\n"
        "assert 'kivy' not in sys.modules\n"
        "print(len(topics), guide.title, len(links), q.question_id)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # home shows the general guides and the one for the chosen country (Italy here)
    home_guides = [g for g, country in GUIDE_COUNTRIES.items() if country in (None, "IT")]
    assert result.stdout.split()[0] == str(len(home_guides))
