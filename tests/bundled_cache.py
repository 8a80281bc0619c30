"""The content cache built from the bundled content, once per test process.

Building it takes 4-5 s. The GUI tests copy it into each new app's data folder
(gui_support.seed_data_dir) and read-only tests open it (conftest.bundled_store). No
side effects at import: the soak's child process imports it through gui_support.
"""
from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path


@functools.cache
def bundled_data_dir(content_dir: Path) -> Path:
    """A data folder holding the cache built from ``content_dir`` (built on first use)."""
    from contentlib.cache import ensure_cache

    folder = Path(tempfile.mkdtemp(prefix="kiosk-test-cache-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    ensure_cache(folder, content_dir)
    return folder
