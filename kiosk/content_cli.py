"""The ``kiosk-content`` command for content editors.

``check CONTENT_DIR`` validates the content folder, prints every problem with its file
and line, then a per-language completeness table; it exits 1 when there is any error.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.completeness import format_table, language_report
from kiosk.content_source import load_content


def _languages(content_langs: list[str], locales: Path | None) -> list[str]:
    langs = set(content_langs)
    if locales is not None and locales.is_dir():
        langs |= {p.name for p in locales.iterdir() if (p / "LC_MESSAGES" / "kiosk.po").is_file()}
    return sorted(langs, key=lambda code: (code != "en", code))


def cmd_check(content_dir: Path, locales: Path | None) -> int:
    content, problems = load_content(content_dir)
    if locales is None:
        sibling = content_dir.resolve().parent / "locales"
        locales = sibling if sibling.is_dir() else None
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        print(problem, file=sys.stderr)
    if content is not None:
        langs = _languages(list(content.translations), locales)
        print(format_table([language_report(content, lang, locales) for lang in langs]))
    if errors:
        print(f"\n{len(errors)} error(s): the content cannot be published.", file=sys.stderr)
        return 1
    print("\nNo errors.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk-content", description="Content tools for editors")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate a content folder and show completeness")
    check.add_argument("content_dir", type=Path)
    check.add_argument("--locales", type=Path, help="UI catalogs (default: ../locales next to it)")
    args = parser.parse_args(argv)
    return cmd_check(args.content_dir, args.locales)


if __name__ == "__main__":
    sys.exit(main())
