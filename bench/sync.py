"""Content update figures: bytes over the wire and the time to apply a full bundle.

Builds a signed bundle from the bundled content (all languages), serves it with a real
nginx on loopback, and measures from nginx's access log the bytes of a first sync, a
poll with nothing new, and a change to one guide in one language; then times applying
the full bundle to an empty kiosk from a folder (median of 5). Prints a table, writes JSON.

    .venv/bin/python bench/sync.py [--json bench/sync.json]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sync.build import build  # noqa: E402
from sync.fetch import FolderSource, HttpSource  # noqa: E402
from sync.keys import generate_key_file, parse_public_key  # noqa: E402
from sync.updater import sync_once  # noqa: E402
from sync_support import Nginx  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "sync.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        content = tmp / "content"
        shutil.copytree(ROOT / "content", content)
        keys = [parse_public_key(generate_key_file(tmp / "key"))]
        publish = tmp / "publish"
        build(content, publish, tmp / "key")
        objects = len(list((publish / "objects").iterdir()))
        bundle_bytes = sum(p.stat().st_size for p in publish.rglob("*") if p.is_file())
        server = Nginx(publish, tmp / "nginx")
        try:
            data = tmp / "kiosk"
            sync_once(HttpSource(server.url), keys, data)
            first = sum(r[4] for r in server.log())
            mark = len(server.log())
            sync_once(HttpSource(server.url), keys, data)
            poll = sum(r[4] for r in server.log()[mark:])
            mark = len(server.log())
            guide = content / "fr" / "guides" / "ep-voting.md"
            guide.write_text(guide.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            build(content, publish, tmp / "key")
            sync_once(HttpSource(server.url), keys, data)
            change_rows = server.log()[mark:]
            change = sum(r[4] for r in change_rows)
        finally:
            server.stop()
        timings = []
        for run in range(5):
            target = tmp / f"apply-{run}"
            started = time.perf_counter()
            sync_once(FolderSource(publish), keys, target)
            timings.append(time.perf_counter() - started)
    table = {
        "objects in the bundle": objects,
        "bundle size on the server (bytes)": bundle_bytes,
        "first sync (bytes from nginx)": first,
        "poll with nothing new (bytes)": poll,
        "one guide changed in one language (bytes)": change,
        "requests for that change": len(change_rows),
        "apply full bundle, median of 5 (s)": round(statistics.median(timings), 3),
    }
    for name, value in table.items():
        print(f"{name:<46}{value:>12}")
    args.json.write_text(json.dumps(table, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
