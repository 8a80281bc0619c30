"""Shared fixtures. Kivy reads its environment at import, so it is set here first."""
from __future__ import annotations

import os

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
_STRUCTURE = yaml.safe_load((CONTENT / "structure.yaml").read_text(encoding="utf-8"))
CONTENT_VERSION: str = _STRUCTURE["version_label"]
GUIDE_IDS: list[str] = [g["id"] for g in _STRUCTURE["guides"]]
GUIDE_COUNTRIES: dict[str, str | None] = {g["id"]: g.get("country") for g in _STRUCTURE["guides"]}
CONTENT_LANGUAGES: list[str] = sorted(
    p.name for p in CONTENT.iterdir() if p.is_dir() and p.name != "media"
)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled content folder, for tests that break it."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target

