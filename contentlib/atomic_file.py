"""Replace a file's content atomically: readers see the old bytes or the new, never half.

The one helper every writer of state uses (sync state, manifests, the cache pointer, the
test probe): a unique temporary file in the same folder, flushed and fsynced, renamed over
the target, then the folder fsynced so the rename itself survives a power cut.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename in it) to disk; a no-op where folders cannot be opened."""
    if os.name == "posix":
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(path: Path, data: bytes, durable: bool = True) -> None:
    """Make ``data`` the content of ``path`` in one step; ``durable`` adds the fsyncs.

    The temporary name is unique, so two writers (two threads, two processes) never share
    one; a failure removes it and leaves ``path`` as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)
