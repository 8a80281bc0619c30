"""The ``kiosk-content`` command for content editors.

``check CONTENT_DIR`` validates the content folder (decoding every image, see
:mod:`contentlib.images`), prints every problem with its file and line (a guide
reviewed longer ago than ``--max-review-age`` months is a warning), then a per-language
completeness table with each language's oldest review, and for every host country whether
its desk languages have the whole "Show this at the desk" card and staff page; it exits 1
when there is any error.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from datetime import date

from contentlib.completeness import (
    DEFAULT_MAX_REVIEW_AGE_MONTHS,
    desk_table,
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
        if content.desk_requests:
            print()
            print(desk_table(content))
    if errors:
        print(f"\n{len(errors)} error(s): the content cannot be published.", file=sys.stderr)
        return 1
    print("\nNo errors.")
    return 0


def cmd_export_web(parser: argparse.ArgumentParser, content_dir: Path, out: Path, base_url: str,
                   country: str, municipality: str, desk_language: str = "") -> int:
    from contentlib.countries import EU_MEMBER_STATES, OFFICIAL_LANGUAGES
    from kiosk.web.site import ExportError, SiteOptions, export_site

    if base_url and not base_url.startswith(("https://", "http://")):
        parser.error(f"--base-url must start with https:// or http://, not {base_url!r}")
    country = country.upper()
    if country and country not in EU_MEMBER_STATES:
        parser.error(f"--country must be the ISO code of an EU member state, not {country!r}")
    if desk_language and (not country or desk_language not in OFFICIAL_LANGUAGES[country]):
        official = ", ".join(OFFICIAL_LANGUAGES[country]) if country else "needs --country"
        parser.error(f"--desk-language must be an official language of --country "
                     f"({official}), not {desk_language!r}")
    try:
        report = export_site(content_dir, out, SiteOptions(base_url, country or None, municipality,
                                                           desk_language))
    except (ExportError, OSError) as exc:
        print(f"kiosk-content export-web: {exc}", file=sys.stderr)
        return 1
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    name, size = report.largest_page
    print(f"{report.pages} pages in {len(report.languages)} languages, {report.files} files, "
          f"{report.total_bytes / 1e6:.1f} MB, largest page {name} ({size / 1e3:.0f} kB), "
          f"in {report.seconds:.1f} s: {out}")
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
    web = sub.add_parser("export-web", help="write the content as a static website (the online edition)")
    web.add_argument("content_dir", type=Path)
    web.add_argument("--out", type=Path, required=True, help="site folder (replaced when the export succeeds)")
    web.add_argument("--base-url", default="",
                     help="address the site will be published at (https://...): canonical addresses, "
                          "sitemap.xml and the posters' QR codes need it")
    web.add_argument("--country", default="",
                     help="host country (ISO code, e.g. DE): its guides first, its questions in the quiz")
    web.add_argument("--municipality", default="", help="named on the posters and on every page")
    web.add_argument("--desk-language", default="",
                     help="the town hall desk's language, for the staff page (an official "
                          "language of --country; default: its first)")
    publish = sub.add_parser("publish", help="copy a publish folder (a bundle) or an exported site "
                                             "to a folder or rclone remote; a site is mirrored")
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
    if args.command == "export-web":
        return cmd_export_web(parser, args.content_dir, args.out, args.base_url, args.country,
                              args.municipality, args.desk_language)
    from kiosk.web.publish import SitePublishError, is_site, publish_site

    if is_site(args.publish_dir):
        try:
            publish_site(args.publish_dir, args.dest)
        except SitePublishError as exc:
            print(f"kiosk-content publish: {exc}", file=sys.stderr)
            return 1
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
