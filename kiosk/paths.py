"""Where the kiosk finds its bundled resources and keeps its data.

Resources (content/, locales/, kv files) are found next to the source tree, or inside the
PyInstaller bundle when frozen. Data (the SQLite cache, state) lives in the platform's
user data folder unless ``--data-dir`` or ``KIOSK_DATA_DIR`` says otherwise.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "eu-citizens-kiosk"
DATA_DIR_ENV = "KIOSK_DATA_DIR"


def project_root() -> Path:
    """The folder holding ``content/`` and ``locales/`` (the bundle root when frozen)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def bundled_content_dir() -> Path:
    return project_root() / "content"


def assets_dir() -> Path:
    """Pictures the app itself shows (the logo), inside the ``kiosk`` package."""
    return Path(__file__).resolve().parent / "assets"


def locales_dir() -> Path:
    return project_root() / "locales"


def pinned_keys_file() -> Path:
    """Public keys shipped with the app (one ``ed25519:...`` per line, ``#`` comments)."""
    return project_root() / "keys" / "pinned-public-keys.txt"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``explicit`` if given, else ``$KIOSK_DATA_DIR``, else platformdirs."""
    if explicit:
        chosen = Path(explicit)
    elif os.environ.get(DATA_DIR_ENV):
        chosen = Path(os.environ[DATA_DIR_ENV])
    else:
        chosen = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen.resolve()
