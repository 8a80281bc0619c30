"""One content update: manifest -> verify -> fetch missing objects -> build cache -> switch.

Data layout under the kiosk's data folder::

    sync/state.json        last applied version and manifest hash, ETag, last check/success/
                           error, expiry (written atomically; survives restarts)
    sync/objects/<sha256>  verified objects (content-addressed, shared between versions)
    sync/tmp/              downloads in progress (resumed, then verified and renamed)
    sync/manifests/        the applied manifests (current and previous kept)
    cache/, current        the SQLite caches and the pointer file (contentlib.cache)

Whatever fails or is interrupted, the pointer still names the last good cache: it is only
replaced, atomically, after the new cache has been built and checked.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from contentlib.atomic_file import write_atomically
from contentlib.cache import (
    CACHE_DIR_NAME,
    build_cache_file,
    current_cache_path,
    read_cache_meta,
    set_current,
)
from contentlib.source import load_content
from sync.errors import (
    ContentRejectedError,
    DiskFullError,
    ManifestError,
    RollbackError,
    StateUnreadableError,
    SyncError,
)
from sync.fetch import Source
from sync.manifest import Manifest, verify_and_parse

CRASH_ENV = "KIOSK_SYNC_CRASH_AT"
SPACE_MARGIN = 5 * 1024 * 1024


@dataclass(frozen=True)
class SyncResult:
    outcome: str
    """"applied" (a new version is now current) or "unchanged"."""
    version: int


class _Checkpoints:
    """Fault injection for the crash-safety test: with $KIOSK_SYNC_CRASH_AT=N the process
    kills itself with SIGKILL at the N-th checkpoint, as a power cut would."""

    def __init__(self) -> None:
        value = os.environ.get(CRASH_ENV, "")
        self.crash_at = int(value) if value.isdigit() else None
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        if self.crash_at is not None and self.count == self.crash_at:
            os.kill(os.getpid(), signal.SIGKILL)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SyncState:
    """``sync/state.json``: what was applied and when. A missing file is a fresh start; a
    file that exists but cannot be read sets :attr:`unreadable` and is never overwritten,
    because writing over it would forget the applied version (rollback protection)."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "sync"
        self.path = self.dir / "state.json"
        self.values: dict[str, Any] = {}
        self.unreadable: str | None = None
        try:
            values = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except OSError as exc:
            self.unreadable = f"{self.path}: cannot be read ({exc.strerror or exc})"
            return
        except ValueError as exc:
            self.unreadable = f"{self.path}: damaged, not JSON ({exc})"
            return
        if not isinstance(values, dict):
            self.unreadable = f"{self.path}: damaged, not a JSON object"
        elif not _is_version(values.get("last_version", 0)):
            self.unreadable = f"{self.path}: last_version is not a version number"
        else:
            self.values = values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def save(self, **changes: Any) -> None:
        if self.unreadable:
            raise StateUnreadableError(self.unreadable)
        self.values.update(changes)
        write_atomically(self.path, json.dumps(self.values, indent=1, sort_keys=True).encode())


def _is_version(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def applied_floor(data_dir: Path, state: SyncState) -> tuple[int, str | None]:
    """The lowest version an update may have, and the applied manifest's SHA-256 if known.

    Taken as the highest of three records kept in different files (the state file, the
    version stamped into the content cache in use, the applied manifests kept on disk), so
    losing any one of them cannot lower it and let an older signed bundle back in.
    """
    versions: dict[int, str | None] = {int(state.get("last_version", 0)): state.get("manifest_sha256")}
    cache = current_cache_path(data_dir)
    if cache is not None:
        stamped = read_cache_meta(cache, "sync_version")
        if stamped is not None and stamped.isdigit():
            versions.setdefault(int(stamped), None)
    for path in (state.dir / "manifests").glob("*.signed"):
        if path.stem.isdigit():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if versions.get(int(path.stem)) is None:
                versions[int(path.stem)] = digest
    floor = max(versions)
    return floor, versions[floor]


def _free_space(path: Path) -> int:
    return shutil.disk_usage(path).free


def sync_once(
    source: Source,
    public_keys: list[Ed25519PublicKey],
    data_dir: Path,
    free_space: Callable[[Path], int] = _free_space,
) -> SyncResult:
    """Run one update from ``source``. Raises :class:`SyncError` with a one-line reason;
    in every case the content in use is exactly what it was, or the new verified version."""
    state = SyncState(data_dir)
    if state.unreadable:
        # Nothing is written: the damaged file stays for IT staff, and no update is applied.
        raise StateUnreadableError(
            f"{state.unreadable}; no update is applied until it is repaired or removed "
            "(once removed, the applied version is read from the content in use)"
        )
    state.dir.mkdir(parents=True, exist_ok=True)
    checkpoint = _Checkpoints()
    state.save(last_check=now_iso())
    try:
        result = _sync(source, public_keys, data_dir, state, free_space, checkpoint)
    except SyncError as exc:
        state.save(last_error=str(exc), error_count=int(state.get("error_count", 0)) + 1)
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            error: SyncError = DiskFullError("the disk is full; the update was not applied")
        else:
            error = SyncError(f"local file error: {exc.strerror or exc}")
        state.save(last_error=str(error), error_count=int(state.get("error_count", 0)) + 1)
        raise error from None
    except Exception as exc:
        # A failure no check foresaw still counts as a failed attempt; the caller reports it.
        state.save(last_error=f"unexpected error: {type(exc).__name__}",
                   error_count=int(state.get("error_count", 0)) + 1)
        raise
    finally:
        shutil.rmtree(state.dir / "tmp-staging", ignore_errors=True)
    state.save(last_success=now_iso(), last_error=None)
    return result


def _sync(source: Source, keys: list[Ed25519PublicKey], data_dir: Path, state: SyncState,
          free_space: Callable[[Path], int], checkpoint: Callable[[], None]) -> SyncResult:
    current_version, applied_digest = applied_floor(data_dir, state)
    response = source.get_manifest(state.get("etag"))
    if response.data is None:
        return SyncResult("unchanged", current_version)
    manifest = verify_and_parse(response.data, keys)
    digest = hashlib.sha256(response.data).hexdigest()
    if manifest.version < current_version:
        raise RollbackError(
            f"manifest version {manifest.version} is older than the applied version {current_version}"
        )
    # The same version with no recorded digest: the content in use was switched to it but
    # the process died before its manifest was recorded (a power cut). Apply it again.
    if manifest.version == current_version and (applied_digest is not None or current_version == 0):
        if digest != applied_digest:
            raise RollbackError(f"a different manifest claims the applied version {current_version}")
        state.save(etag=response.etag, expires=manifest.expires)
        return SyncResult("unchanged", current_version)

    objects_dir = state.dir / "objects"
    tmp_dir = state.dir / "tmp"
    objects_dir.mkdir(exist_ok=True)
    tmp_dir.mkdir(exist_ok=True)
    missing = [o for o in manifest.objects if not (objects_dir / o.sha256).is_file()]
    wanted = {o.sha256 for o in missing}
    for stray in tmp_dir.iterdir():  # partial downloads of other versions: not resumable
        if stray.name not in wanted:
            stray.unlink(missing_ok=True)
    needed = sum(o.length for o in missing) * 2 + sum(o.length for o in manifest.objects) * 4
    available = free_space(data_dir)
    if available < needed + SPACE_MARGIN:
        raise DiskFullError(
            f"not enough free space: the update needs {needed + SPACE_MARGIN} bytes, "
            f"{available} are free"
        )
    for entry in {o.sha256: o for o in missing}.values():
        partial = tmp_dir / entry.sha256
        checkpoint()
        source.fetch_object(entry.sha256, entry.length, partial)
        checkpoint()
        os.replace(partial, objects_dir / entry.sha256)
    checkpoint()

    cache_file = _build_cache(manifest, data_dir, state.dir, checkpoint)
    checkpoint()
    previous = current_cache_path(data_dir)
    set_current(data_dir, cache_file)
    checkpoint()
    write_atomically(state.dir / "manifests" / f"{manifest.version}.signed", response.data)
    state.save(
        previous_version=current_version,
        last_version=manifest.version,
        manifest_sha256=digest,
        etag=response.etag,
        expires=manifest.expires,
    )
    checkpoint()
    _collect_garbage(data_dir, state, keep_caches={cache_file, previous})
    return SyncResult("applied", manifest.version)


def _build_cache(manifest: Manifest, data_dir: Path, sync_dir: Path,
                 checkpoint: Callable[[], None]) -> Path:
    staging = sync_dir / "tmp-staging"
    shutil.rmtree(staging, ignore_errors=True)
    for entry in manifest.objects:
        target = (staging / entry.path).resolve()
        if staging.resolve() not in target.parents:
            raise ManifestError(f"object path {entry.path!r} leaves the content folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sync_dir / "objects" / entry.sha256, target)
    checkpoint()
    content, problems = load_content(staging)
    from contentlib.images import content_image_problems  # every image decoded, size-limited

    problems = problems + content_image_problems(staging)
    errors = [p for p in problems if p.severity == "error"]
    if errors or content is None:
        first = str(errors[0]) if errors else "unreadable"
        raise ContentRejectedError(f"the published content fails the kiosk's checks: {first}")
    return build_cache_file(
        content, data_dir / CACHE_DIR_NAME, {"origin": "sync", "sync_version": str(manifest.version)}
    )


def _collect_garbage(data_dir: Path, state: SyncState, keep_caches: set[Path | None]) -> None:
    """Keep the objects and caches of the current and the previous version; drop the rest."""
    manifests_dir = state.dir / "manifests"
    keep_versions = {state.get("last_version"), state.get("previous_version")}
    referenced: set[str] = set()
    for path in manifests_dir.glob("*.signed"):
        if path.stem.isdigit() and int(path.stem) in keep_versions:
            _header, payload = path.read_bytes().split(b"\n", 1)
            referenced |= {o["sha256"] for o in json.loads(payload)["objects"]}
        else:
            path.unlink(missing_ok=True)
    for path in (state.dir / "objects").iterdir():
        if path.name not in referenced:
            path.unlink(missing_ok=True)
    shutil.rmtree(state.dir / "tmp", ignore_errors=True)
    for path in (data_dir / CACHE_DIR_NAME).glob("*"):
        if path not in keep_caches:
            path.unlink(missing_ok=True)


def status(data_dir: Path, now: datetime | None = None) -> dict[str, Any]:
    """The sync part of ``kiosk status --json``."""
    state = SyncState(data_dir)
    expires = state.get("expires")
    stale = False
    if expires:
        stale = (now or datetime.now(timezone.utc)) >= datetime.fromisoformat(expires)
    return {
        "sync_version": state.get("last_version"),
        "last_check": state.get("last_check"),
        "last_success": state.get("last_success"),
        "last_error": state.get("last_error"),
        "expires": expires,
        "stale": stale,
        "error_count": int(state.get("error_count", 0)),
        "state_error": state.unreadable,
    }
