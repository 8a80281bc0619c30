"""The editors' bundle builder: content folder -> content-addressed objects + signed manifest.

Output (servable as-is by any static web server, or copied to a USB stick)::

    PUBLISH_DIR/objects/<sha256>          one per content file (guide per language, media...)
    PUBLISH_DIR/manifests/<version>.signed  every published version
    PUBLISH_DIR/manifest.signed           the current version, written last

A published object is never overwritten; the manifest is written last and atomically, so
a build interrupted at any point leaves the previous version fully intact.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from contentlib.atomic_file import write_atomically
from contentlib.source import load_content
from contentlib.images import ImageRejected, content_image_problems, scale_to_limits
from sync.errors import ManifestError
from sync.keys import load_private_key
from sync.manifest import ObjectEntry, encode_payload, parse_payload, role_of, sign
MANIFEST_NAME = "manifest.signed"


class BuildError(Exception):
    """The content cannot be published; the message lists why."""


def replace_manifest(path: Path, data: bytes) -> None:
    """Write the live manifest so that its modification time is later than the old one's.

    Static servers derive ETag and Last-Modified from size and mtime (nginx uses
    mtime-length); two versions of equal size written within the same second would
    otherwise look unchanged to a kiosk polling with If-None-Match.
    """
    old = path.stat().st_mtime if path.exists() else None
    write_atomically(path, data)
    if old is not None and int(path.stat().st_mtime) <= int(old):
        os.utime(path, (int(old) + 1, int(old) + 1))


def content_files(content_dir: Path) -> list[tuple[str, bytes]]:
    files = []
    for path in sorted(p for p in content_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(content_dir).as_posix()
        role_of(rel)  # refuses anything that is not a content file
        files.append((rel, path.read_bytes()))
    return files


def scaled_media(content_dir: Path, progress: Callable[[str], None]) -> dict[str, bytes]:
    """Scaled-down copies of the pictures in ``media/`` that are over the size limits, by
    path relative to ``content_dir``; one that cannot be scaled is reported by ``progress``
    (and then refused by the image check)."""
    scaled = {}
    media = content_dir / "media"
    for path in sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []:
        rel = path.relative_to(content_dir).as_posix()
        try:
            result = scale_to_limits(path.read_bytes(), path.name)
        except ImageRejected as exc:
            progress(f"not scaled {rel}: {exc}")
            continue
        if result is not None:
            scaled[rel], (old_w, old_h), (new_w, new_h) = result
            progress(f"scaled {rel}: {old_w} x {old_h} -> {new_w} x {new_h} pixels")
    return scaled


def published_version(out: Path) -> int:
    manifest = out / MANIFEST_NAME
    if not manifest.is_file():
        return 0
    _header, payload = manifest.read_bytes().split(b"\n", 1)
    try:
        return parse_payload(payload).version
    except ManifestError as exc:
        raise BuildError(f"{manifest}: the published manifest is unreadable: {exc}") from None


def build(
    content_dir: Path,
    out: Path,
    key_file: Path,
    version: int | None = None,
    expires_days: int = 365,
    now: datetime | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
    scale_images: bool = False,
) -> int:
    """Build a signed bundle; return its version. Nothing is written if the content fails
    its checks, which include decoding every image (:mod:`contentlib.images`).

    With ``scale_images``, a still picture over the size limits is published as a copy
    scaled down to fit 4096 x 4096; the file in the content folder is not changed.
    """
    content, problems = load_content(content_dir)
    scaled = scaled_media(content_dir, progress) if scale_images else {}
    problems = problems + content_image_problems(content_dir, scaled)
    errors = [p for p in problems if p.severity == "error"]
    if errors or content is None:
        raise BuildError("the content has errors; nothing was published:\n" + "\n".join(map(str, errors)))
    try:
        files = [(rel, scaled.get(rel, data)) for rel, data in content_files(content_dir)]
    except ManifestError as exc:
        raise BuildError(f"{content_dir}: {exc}") from None
    key = load_private_key(key_file)
    previous = published_version(out)
    if version is None:
        version = previous + 1
    elif version <= previous:
        raise BuildError(f"--version {version} must be higher than the published version {previous}")

    objects_dir = out / "objects"
    objects_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, (rel, data) in enumerate(files, start=1):
        digest = hashlib.sha256(data).hexdigest()
        target = objects_dir / digest
        if target.exists():
            if hashlib.sha256(target.read_bytes()).hexdigest() != digest:
                raise BuildError(f"{target}: a published object does not match its name")
            state = "kept"
        else:
            write_atomically(target, data)
            state = "new"
        progress(f"[{number}/{len(files)}] {state:4} {rel}")
        entries.append(ObjectEntry(rel, digest, len(data), role_of(rel)))

    created = now or datetime.now(timezone.utc).replace(microsecond=0)
    payload = encode_payload(version, created, created + timedelta(days=expires_days), entries)
    signed = sign(payload, key)
    write_atomically(out / "manifests" / f"{version}.signed", signed)
    replace_manifest(out / MANIFEST_NAME, signed)  # last: this makes the version live
    progress(f"published version {version}: {len(entries)} objects")
    return version
