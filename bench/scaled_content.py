"""Content N times the size of the bundled content, for measuring growth.

Every guide is cloned N-1 times under new ids (``<id>-copy2``, ``<id>-copy3``, ...) in
every language, with its sources, position after the originals. Country guides keep their
country, so the host country's home list and the country picker grow too. The quiz and
links are unchanged. The result passes ``kiosk-content check`` like the original.

    .venv/bin/python bench/scaled_content.py --factor 4 --out /tmp/content-x4
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def scaled_content(source: Path, dest: Path, factor: int) -> Path:
    """Write ``source`` with every guide ``factor`` times into ``dest`` (replaced)."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest)
    structure_file = dest / "structure.yaml"
    structure = yaml.safe_load(structure_file.read_text(encoding="utf-8"))
    originals = list(structure["guides"])
    clones = []
    for copy in range(2, factor + 1):
        for guide in originals:
            clone = dict(guide)
            clone["id"] = f"{guide['id']}-copy{copy}"
            clones.append(clone)
            for lang_dir in dest.iterdir():
                original = lang_dir / "guides" / f"{guide['id']}.md"
                if lang_dir.is_dir() and original.exists():
                    shutil.copyfile(original, lang_dir / "guides" / f"{clone['id']}.md")
    structure["guides"] = originals + clones
    structure["version_label"] = f"{structure['version_label']}-x{factor}"
    structure_file.write_text(
        yaml.safe_dump(structure, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=4)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--source", type=Path, default=ROOT / "content")
    args = parser.parse_args()
    scaled_content(args.source, args.out, args.factor)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
