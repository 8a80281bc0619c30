"""The ``kiosk-content`` command for content editors.

``check CONTENT_DIR`` validates the content folder (decoding every image, see
:mod:`contentlib.images`), prints every problem with its file and line (a guide
reviewed longer ago than ``--max-review-age`` months is a warning), then a per-language
completeness table with each language's oldest review; it exits 1 when there is any error.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from datetime import date

from contentlib.completeness import (
    DEFAULT_MAX_REVIEW_AGE_MONTHS,
    format_table,
    language_report,
    review_age_warnings,
)
from contentlib.source import load_content
from contentlib.images import content_image_problems


def _languages(content_langs: list[str], locales: Path | None) -> list[str]:
    langs = set(content_langs)
    if locales is not None and locales.is_dir():
        langs |= {p.name for p in locales.iterdir() if (p / "LC_MESSAGES" / "kiosk.po").is_file()}
    return sorted(langs, key=lambda code: (code != "en", code))


def cmd_check(content_dir: Path, locales: Path | None,
              max_review_age: int = DEFAULT_MAX_REVIEW_AGE_MONTHS, today: date | None = None) -> int:
    content, problems = load_content(content_dir)
    problems = problems + content_image_problems(content_dir)
    if content is not None:
        problems = problems + review_age_warnings(content, max_review_age, today or date.today())
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
    check.add_argument("--max-review-age", type=int, default=DEFAULT_MAX_REVIEW_AGE_MONTHS,
                       metavar="MONTHS",
                       help="warn about guides last reviewed longer ago than this (default: 12)")
    keygen = sub.add_parser("keygen", help="create an Ed25519 signing key; prints the public key")
    keygen.add_argument("--out", type=Path, required=True, help="private key file (created 0600)")
    build = sub.add_parser("build", help="build a signed bundle from a content folder")
    build.add_argument("content_dir", type=Path)
    build.add_argument("--out", type=Path, required=True, help="publish folder")
    build.add_argument("--key", type=Path, required=True, help="private key file")
    build.add_argument("--version", type=int, help="version number (default: published + 1)")
    build.add_argument("--expires-days", type=int, default=365)
    build.add_argument("--scale-images", action="store_true",
                       help="publish pictures over the size limit as scaled-down copies "
                            "(the content folder is not changed)")
    publish = sub.add_parser("publish", help="copy a publish folder to a folder or rclone remote")
    publish.add_argument("publish_dir", type=Path)
    publish.add_argument("dest")
    args = parser.parse_args(argv)
    if args.command == "check":
        if args.max_review_age < 1:
            parser.error("--max-review-age must be at least 1 month")
        return cmd_check(args.content_dir, args.locales, args.max_review_age)
    if args.command == "keygen":
        from sync.keys import generate_key_file

        try:
            print(generate_key_file(args.out))
        except FileExistsError:
            print(f"kiosk-content: {args.out} exists; refusing to overwrite a key", file=sys.stderr)
            return 1
        return 0
    if args.command == "build":
        from sync.build import BuildError, build as build_bundle

        try:
            version = build_bundle(args.content_dir, args.out, args.key, args.version,
                                   args.expires_days, progress=lambda m: print(m, file=sys.stderr),
                                   scale_images=args.scale_images)
        except (BuildError, OSError, ValueError) as exc:
            print(f"kiosk-content build: {exc}", file=sys.stderr)
            return 1
        print(version)
        return 0
    from sync.publish import PublishError, publish as publish_bundle

    try:
        publish_bundle(args.publish_dir, args.dest)
    except (PublishError, OSError) as exc:
        print(f"kiosk-content publish: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
