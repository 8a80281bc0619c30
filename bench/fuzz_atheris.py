"""Coverage-guided fuzzing of the signed-manifest verifier with atheris (libFuzzer).

A long-running companion to ``tests/test_fuzz.py`` (whose Hypothesis properties run in CI
with a bounded number of examples). It runs until stopped or until it finds a crash, so
it is not part of the test suite, and atheris is not a project dependency::

    .venv/bin/pip install atheris
    .venv/bin/python bench/fuzz_atheris.py -max_total_time=3600        # one hour
    .venv/bin/python bench/fuzz_atheris.py -runs=200000 /tmp/corpus    # keep the corpus

Arguments are libFuzzer's (``-help=1`` lists them). Without a corpus folder a temporary
one is used; an empty corpus folder is seeded with real manifests, signed with a fixed
test key that signs nothing else.

The first byte of an input picks how the rest is used:

0. as a ``manifest.signed`` file, verified against the pinned test key: anything it
   accepts must be exactly one of the payloads we signed (a mutation of a seed must be
   rejected, or differ only in the spelling of the signature);
1. as a payload signed with the test key: hostile JSON must give our error or a manifest
   whose every field is valid;
2. as a payload read without a signature, as the publisher reads its last manifest.

Only :class:`sync.errors.SyncError` may escape, with a one-line reason. libFuzzer writes a
failing input as ``crash-<sha1>`` in the working folder; replay it with
``.venv/bin/python bench/fuzz_atheris.py crash-<sha1>``.
"""
from __future__ import annotations

import re
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sync.errors import SyncError
    from sync.manifest import (
        MAX_OBJECT_BYTES,
        Manifest,
        ObjectEntry,
        encode_payload,
        parse_payload,
        role_of,
        sign,
        verify_and_parse,
    )

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # a test key, nothing real
PINNED = [KEY.public_key()]


def seed_payloads() -> list[bytes]:
    """A few real payloads: the smallest, a typical one, one with every kind of file."""
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    expires = created + timedelta(days=365)
    digest = "0123456789abcdef" * 4
    paths = [
        ["structure.yaml"],
        ["structure.yaml", "en/guides/ep-voting.md", "en/quiz.yaml", "media/ballot-box.png"],
        ["structure.yaml", "bg/about.md", "el/links.yaml", "en/guides/a-b-c.md", "de/quiz.yaml",
         "media/x.webp", "media/Y_1.jpeg"],
    ]
    return [
        encode_payload(version, created, expires,
                       [ObjectEntry(p, digest, 1000 * n, role_of(p)) for n, p in enumerate(names)])
        for version, names in enumerate(paths, start=1)
    ]


SIGNED = seed_payloads()


def check_manifest(manifest: Manifest, payload: bytes) -> None:
    """An accepted manifest is exactly what its payload says, and every field is valid."""
    assert manifest.payload == payload, "the manifest does not carry the signed payload"
    assert parse_payload(payload) == manifest, "parsing the same payload twice differs"
    assert type(manifest.version) is int and manifest.version >= 1
    assert datetime.fromisoformat(manifest.created).tzinfo is not None
    assert datetime.fromisoformat(manifest.expires).tzinfo is not None
    paths = [o.path for o in manifest.objects]
    assert "structure.yaml" in paths and len(set(paths)) == len(paths)
    for obj in manifest.objects:
        assert role_of(obj.path) == obj.role
        assert not obj.path.startswith("/") and ".." not in obj.path.split("/")
        assert obj.path.isprintable() and "\\" not in obj.path
        assert re.fullmatch(r"[0-9a-f]{64}", obj.sha256)
        assert type(obj.length) is int and 0 <= obj.length <= MAX_OBJECT_BYTES


def test_one_input(data: bytes) -> None:
    if not data:
        return
    mode, rest = data[0] % 3, data[1:]
    try:
        if mode == 0:
            manifest = verify_and_parse(rest, PINNED)
            assert manifest.payload in SIGNED, "accepted a payload that was never signed"
            check_manifest(manifest, manifest.payload)
        elif mode == 1:
            check_manifest(verify_and_parse(sign(rest, KEY), PINNED), rest)
        else:
            check_manifest(parse_payload(rest), rest)
    except SyncError as exc:
        reason = str(exc)
        assert reason and "\n" not in reason and len(reason) < 500, f"bad reason: {reason[:200]!r}"


def main() -> None:
    args = list(sys.argv)
    folders = [Path(a) for a in args[1:] if not a.startswith("-") and not Path(a).is_file()]
    if not folders and not any(Path(a).is_file() for a in args[1:]):
        folders = [Path(tempfile.mkdtemp(prefix="manifest-corpus-"))]
        args.append(str(folders[0]))
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            for n, payload in enumerate(SIGNED):
                (folder / f"seed-signed-{n}").write_bytes(b"\x00" + sign(payload, KEY))
                (folder / f"seed-payload-{n}").write_bytes(b"\x01" + payload)
                (folder / f"seed-unsigned-{n}").write_bytes(b"\x02" + payload)
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
