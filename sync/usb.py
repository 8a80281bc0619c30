"""Finding a published bundle on a USB stick (or any mounted folder) for an offline import."""
from __future__ import annotations

from pathlib import Path

MOUNT_ROOTS = (Path("/media"), Path("/run/media"), Path("/mnt"))


def find_bundles(roots: tuple[Path, ...] | None = None, depth: int = 4) -> list[Path]:
    """Folders holding ``manifest.signed`` up to ``depth`` levels below the mount roots."""
    found: list[Path] = []
    for root in MOUNT_ROOTS if roots is None else roots:
        frontier = [root]
        for _ in range(depth):
            next_level = []
            for folder in frontier:
                try:
                    children = sorted(p for p in folder.iterdir() if p.is_dir())
                except OSError:
                    continue
                if (folder / "manifest.signed").is_file():
                    found.append(folder)
                next_level += children
            frontier = next_level
    return found


def find_export_folder(roots: tuple[Path, ...] | None = None, need_mount: bool = True) -> Path | None:
    """A writable USB stick: a mount point one or two levels below the mount roots
    (``/media/<label>``, ``/media/<user>/<label>``). ``need_mount=False`` accepts any
    writable folder there (for tests, whose folders are not mount points)."""
    import os

    for root in MOUNT_ROOTS if roots is None else roots:
        try:
            level1 = sorted(p for p in root.iterdir() if p.is_dir())
        except OSError:
            continue
        candidates = []
        for folder in level1:
            candidates.append(folder)
            try:
                candidates += sorted(p for p in folder.iterdir() if p.is_dir())
            except OSError:
                continue
        for folder in candidates:
            if (os.path.ismount(folder) or not need_mount) and os.access(folder, os.W_OK):
                return folder
    return None
