"""The ``kiosk`` command: run the kiosk, print its status, hash an admin PIN.

Plain Python: Kivy is imported only when ``kiosk run`` actually starts the window.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from kiosk import paths
from kiosk.core.admin import MAX_PIN_DIGITS, MIN_PIN_DIGITS, check_new_pin, hash_pin
from kiosk.config import ConfigError, KioskConfig, load_config
from contentlib.model import ContentError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML config file (default: every key at its default)")
    parser.add_argument("--data-dir", help="data folder (default: $KIOSK_DATA_DIR or the user data folder)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="EU citizens' information kiosk")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the kiosk")
    _common(run)
    mode = run.add_mutually_exclusive_group()
    mode.add_argument("--windowed", action="store_true", help="a normal 1280x800 window")
    mode.add_argument("--fullscreen", action="store_true", help="borderless full screen, no cursor")
    run.add_argument("--lang", help="language a visit starts in (overrides default_language)")
    run.add_argument("--content-dir", help=argparse.SUPPRESS)
    sync = sub.add_parser("sync", help="fetch and apply a signed content update")
    _common(sync)
    sync.add_argument("--once", action="store_true", required=True, help="one update, then exit")
    sync.add_argument("--source", help="URL or folder of a published bundle (default: [sync] source)")
    status = sub.add_parser("status", help="print the kiosk's content status")
    _common(status)
    status.add_argument("--json", action="store_true", required=True, help="print JSON")
    sub.add_parser(
        "hash-pin",
        help=f"read a PIN ({MIN_PIN_DIGITS}-{MAX_PIN_DIGITS} digits) and print the "
        "admin_pin_hash value for the config",
    )
    stats = sub.add_parser("stats", help="print the per-day usage counters")
    _common(stats)
    stats.add_argument("--csv", action="store_true", required=True, help="print CSV")
    stats.add_argument("--since", help="first day to include, YYYY-MM-DD")
    stats.add_argument("--out", help="write to this file instead of standard output")
    selftest = sub.add_parser("selftest", help="check content, catalogs, cache and every screen")
    _common(selftest)
    return parser


def _load(args: argparse.Namespace) -> tuple[KioskConfig, Path]:
    return load_config(args.config), paths.data_dir(args.data_dir)


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.ui.launcher import run_kiosk
    from contentlib.cache import ensure_cache

    config, data_dir = _load(args)
    fullscreen = config.kiosk.fullscreen
    if args.windowed:
        fullscreen = False
    elif args.fullscreen:
        fullscreen = True
    if args.lang and args.lang not in config.kiosk.languages:
        raise ConfigError(f"--lang {args.lang!r} is not one of the offered languages {config.kiosk.languages}")
    content_dir = Path(args.content_dir) if args.content_dir else None
    # Build or check the cache before any window opens, so bad content gives a clear
    # message on the terminal or in the journal rather than a Kivy traceback.
    ensure_cache(data_dir, content_dir or paths.bundled_content_dir())
    return run_kiosk(config, data_dir, fullscreen, args.lang, content_dir)


def cmd_sync(args: argparse.Namespace) -> int:
    """One update from --source or [sync] source; a web source honours HTTP(S)_PROXY/NO_PROXY."""
    from sync.errors import DownloadError, SyncError
    from sync.fetch import open_source
    from sync.keys import parse_public_key, trusted_keys
    from sync.updater import sync_once

    config, data_dir = _load(args)
    source = args.source or config.sync.source
    if not source:
        raise ConfigError("no source: give --source or set [sync] source in the config")
    keys = [parse_public_key(k) for k in trusted_keys(paths.pinned_keys_file(), config.sync.public_keys)]
    try:
        result = sync_once(open_source(source), keys, data_dir)
    except DownloadError as exc:  # the source was not reached or answered wrongly
        print(f"kiosk sync: failed: {exc}", file=sys.stderr)
        return 1
    except SyncError as exc:
        print(f"kiosk sync: rejected: {exc}", file=sys.stderr)
        return 1
    print(f"kiosk sync: {result.outcome} (version {result.version})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from contentlib.cache import current_cache_path
    from contentlib.store import ContentStore
    from sync.keys import trusted_keys

    config, data_dir = _load(args)
    cache = current_cache_path(data_dir)
    status: dict[str, object] = {
        "content_version": None,
        "content_fingerprint": None,
        "content_origin": None,
        "languages": [],
        "offered_languages": list(config.kiosk.languages),
        "data_dir": str(data_dir),
        "cache_file": str(cache) if cache else None,
        "trusted_keys": trusted_keys(paths.pinned_keys_file(), config.sync.public_keys),
    }
    from sync.updater import status as sync_status

    status.update(sync_status(data_dir))
    if cache is None and not status["last_error"]:
        status["last_error"] = "no content cache yet: start the kiosk once"
    if cache is not None:
        store = ContentStore(cache)
        try:
            status["content_version"] = store.content_version
            status["content_fingerprint"] = store.meta("fingerprint")
            status["content_origin"] = store.meta("origin")
            status["languages"] = store.languages()
        finally:
            store.close()
    print(json.dumps(status, indent=2, ensure_ascii=False))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from datetime import date

    from kiosk.ops.usage import UsageStore, counts_to_csv

    _config, data_dir = _load(args)
    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            raise ConfigError(f"--since {args.since!r} is not a date like 2026-11-26") from None
    store = UsageStore(data_dir)
    try:
        text = counts_to_csv(store.counts(since))
    finally:
        store.close()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from kiosk.ops.selftest import run_selftest

    config = load_config(args.config)
    return run_selftest(config, args.data_dir)


def cmd_hash_pin() -> int:
    """Read a new admin PIN (twice on a terminal, once from a pipe) and print its hash.

    A PIN that is not 6 to 12 digits is refused on stderr with exit code 2, printing nothing."""
    if sys.stdin.isatty():
        pin = getpass.getpass(f"New admin PIN ({MIN_PIN_DIGITS}-{MAX_PIN_DIGITS} digits): ")
        if getpass.getpass("Repeat it: ") != pin:
            print("kiosk hash-pin: the two PINs differ", file=sys.stderr)
            return 2
    else:
        pin = sys.stdin.readline().strip()
    try:
        check_new_pin(pin)
    except ValueError as exc:
        print(f"kiosk hash-pin: refused: {exc}", file=sys.stderr)
        return 2
    print(hash_pin(pin))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--selftest"]:  # the form IT staff and the installer use
        argv[0] = "selftest"
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "status":
            return cmd_status(args)
        if args.command == "sync":
            return cmd_sync(args)
        if args.command == "stats":
            return cmd_stats(args)
        if args.command == "selftest":
            return cmd_selftest(args)
        return cmd_hash_pin()
    except (ConfigError, ValueError) as exc:
        if isinstance(exc, ContentError):
            print(f"kiosk: the content cannot be used:\n{exc}", file=sys.stderr)
        else:
            print(f"kiosk: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
