"""The kiosk gives freed heap memory back to the system (kiosk/ops/memory.py)."""
from __future__ import annotations

from kiosk.ops.memory import give_back_free_memory

BLOCK = 64 * 1024
"""Under glibc's threshold for memory of its own (128 KiB): these come from the heap."""


def resident_kib() -> int:
    with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
        return next(int(line.split()[1]) for line in rollup if line.startswith("Rss:"))


def test_freed_heap_memory_goes_back_to_the_system() -> None:
    blocks, kept = [], []
    for n in range(800):  # 50 MiB, written, so resident
        blocks.append(bytes([n % 251]) * BLOCK)
        # a small block kept after each: the freed ones cannot merge into the heap's top,
        # which glibc would hand back by itself
        kept.append(bytes([n % 251]) * 1024)
    del blocks
    before = resident_kib()
    assert give_back_free_memory()  # glibc (Debian, as the kiosk ships)
    given_back = before - resident_kib()
    assert given_back > 40 * 1024, f"only {given_back} KiB went back"
    del kept
