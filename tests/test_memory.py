"""The kiosk gives freed heap memory back to the system (kiosk/ops/memory.py)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In a process of its own: a test process's heap (threads' arenas, what earlier tests left)
# decides where new blocks land and how much of them glibc hands back by itself.
PROGRAM = """
import json
from kiosk.ops.memory import give_back_free_memory

BLOCK = 64 * 1024  # under glibc's threshold for memory of its own (128 KiB): from the heap


def resident_kib():
    with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
        return next(int(line.split()[1]) for line in rollup if line.startswith("Rss:"))


blocks, kept = [], []
for n in range(800):  # 50 MiB, written, so resident
    blocks.append(bytes([n % 251]) * BLOCK)
    # a small block kept after each: the freed ones cannot merge into the heap's top, which
    # glibc would hand back by itself
    kept.append(bytes([n % 251]) * 1024)
del blocks
before = resident_kib()
trimmed = give_back_free_memory()
print(json.dumps({"trimmed": trimmed, "given_back_kib": before - resident_kib()}))
"""


def test_freed_heap_memory_goes_back_to_the_system() -> None:
    result = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True,
                            text=True, check=True, timeout=60)
    measured = json.loads(result.stdout)
    assert measured["trimmed"]  # glibc (Debian, as the kiosk ships)
    assert measured["given_back_kib"] > 40 * 1024, measured
