"""The fingerprint of a content folder: equal folders, equal fingerprints.

Kept apart from the loader so that a start with an up-to-date cache hashes the bundled
folder without importing the YAML and Markdown readers.
"""
from __future__ import annotations

import hashlib
from pathlib import Path


def content_fingerprint(root: Path) -> str:
    """SHA-256 over every file's path and bytes under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
