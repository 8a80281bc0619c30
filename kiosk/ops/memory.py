"""Gives the memory the kiosk has freed back to the system (glibc's ``malloc_trim``).

Rendering text leaves freed buffers behind: each label is drawn into a surface, copied
into bytes and uploaded as a texture, and the copies are freed once it is on screen.
glibc keeps freed memory inside the process for reuse, and after a guide was built its
freed buffers are a third of what the process holds above its start-up (a 12 MiB guide
left about 20 MiB behind). ``malloc_trim`` hands the free pages back; it takes about a
millisecond, so the kiosk calls it in an idle frame once work that freed memory is done.
Where the C library has no ``malloc_trim`` (musl, macOS, Windows), nothing happens.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def give_back_free_memory() -> bool:
    """Return the heap's free pages to the system; True when the C library could do it."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
