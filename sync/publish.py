"""Copies a built bundle to where kiosks poll: a folder, or any rclone remote.

Order: objects first, then per-version manifests, the live manifest last, so kiosks never
see a manifest whose objects are missing. Nothing is ever deleted at the destination, so
objects of the live and the previous manifest always stay available.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from contentlib.atomic_file import write_atomically
from sync.build import MANIFEST_NAME, replace_manifest


class PublishError(Exception):
    pass


def is_remote(dest: str) -> bool:
    """``name:path`` is an rclone remote; a path (also ``C:\\...``) is a folder."""
    head = dest.split("/", 1)[0]
    return ":" in head and not (len(head) == 2 and head[1] == ":") and not Path(dest).exists()


def publish(publish_dir: Path, dest: str, rclone: str = "rclone") -> None:
    if not (publish_dir / MANIFEST_NAME).is_file():
        raise PublishError(f"{publish_dir}: no {MANIFEST_NAME}; run 'kiosk-content build' first")
    if is_remote(dest):
        _publish_rclone(publish_dir, dest.rstrip("/"), rclone)
    else:
        _publish_folder(publish_dir, Path(dest))


def _publish_folder(src: Path, dest: Path) -> None:
    for sub in ("objects", "manifests"):
        (dest / sub).mkdir(parents=True, exist_ok=True)
        for path in sorted((src / sub).iterdir()):
            target = dest / sub / path.name
            if sub == "objects" and target.exists():
                continue  # content-addressed: same name, same bytes
            write_atomically(target, path.read_bytes())
    replace_manifest(dest / MANIFEST_NAME, (src / MANIFEST_NAME).read_bytes())


def _run(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise PublishError(f"{' '.join(args[:3])}... failed: {result.stderr.strip()[-500:]}")


def _publish_rclone(src: Path, dest: str, rclone: str) -> None:
    if shutil.which(rclone) is None:
        raise PublishError("rclone is not installed (Debian/Ubuntu: apt-get install rclone)")
    _run([rclone, "copy", "--ignore-existing", str(src / "objects"), f"{dest}/objects"])
    _run([rclone, "copy", str(src / "manifests"), f"{dest}/manifests"])
    _run([rclone, "copyto", str(src / MANIFEST_NAME), f"{dest}/{MANIFEST_NAME}"])
