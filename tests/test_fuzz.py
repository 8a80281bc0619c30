"""Fuzz tests (Hypothesis) for the code that reads untrusted input.

- the signed manifest (``sync.manifest``): any bytes give a manifest or one of our
  :class:`SyncError` types; a signed manifest that was changed in any way is rejected or
  yields exactly what was signed; hostile field values signed with the right key give our
  error or a manifest whose every field is valid;
- object verification (``sync.fetch``): a fetched object is accepted only with exactly the
  signed bytes, whatever the folder or the web server delivers;
- the content loader (``contentlib.source``): hostile YAML, Markdown, bytes and folder
  layouts give problems naming a file in the content folder, never an exception; content
  it accepts is well-typed, builds a cache, and holds exactly the texts that were written;
- the text-to-markup renderer (``kiosk.core.markup``): content text is shown literally; the
  markup, parsed the way Kivy parses it, gives back exactly the text and its emphasis.

Profiles: ``ci`` (default, bounded, no example database written to the checkout) and
``long`` (many more examples): ``HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py``.
A long-running coverage-guided target for the manifest verifier is ``bench/fuzz_atheris.py``.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import string
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from contentlib.dates import find_dates
from contentlib.model import Block, ContentSet, Span
from contentlib.reader import IMAGE_SUFFIXES, KIVY_MARKUP
from contentlib.source import load_content
from contentlib.structure import ID_PATTERN
from kiosk.core.markup import escape_markup, spans_text, spans_to_markup
from contentlib.cache import build_cache_file
from sync.errors import HashMismatchError, SignatureError, SyncError
from sync.fetch import FetchLimits, FolderSource, HttpSource, finish_object
from sync.manifest import (
    MAGIC,
    MAX_MANIFEST_BYTES,
    MAX_OBJECT_BYTES,
    Manifest,
    ObjectEntry,
    encode_payload,
    parse_payload,
    role_of,
    sign,
    verify_and_parse,
)

# Hypothesis also caches Unicode tables and constants under ./.hypothesis: keep them out of
# the checkout, as database=None keeps the example database out.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "eu-kiosk-hypothesis")
)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    database=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],  # no explain
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=20_000,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
"""Applied to each test, so loading this file changes no other test's settings."""
SLOW_FUZZ = settings(FUZZ, max_examples=max(FUZZ.max_examples // 4, 1))
"""For examples that write a content folder and build a cache."""

KEY = Ed25519PrivateKey.generate()
PINNED = [KEY.public_key()]
STRANGER = Ed25519PrivateKey.generate()
"""Not pinned: its signatures must never be accepted."""


def one_line_reason(exc: BaseException) -> None:
    """SyncError's contract: ``str()`` is a one-line reason (it goes to the admin screen)."""
    text = str(exc)
    assert text and "\n" not in text and len(text) < 500, text


# --------------------------------------------------------------------------- manifests

hex_digests = st.binary(max_size=16).map(lambda b: hashlib.sha256(b).hexdigest())
lang_codes = st.from_regex(r"[a-z]{2,3}", fullmatch=True)
ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
content_paths = st.one_of(
    st.builds(lambda lang, i: f"{lang}/guides/{i}.md", lang_codes, ids),
    st.builds(lambda lang: f"{lang}/about.md", lang_codes),
    st.builds(lambda lang: f"{lang}/quiz.yaml", lang_codes),
    st.builds(lambda lang: f"{lang}/links.yaml", lang_codes),
    st.builds(
        lambda name, ext: f"media/{name}.{ext}",
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True),
        st.sampled_from(["png", "jpg", "jpeg", "gif", "webp"]),
    ),
)
offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
aware_datetimes = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
)


@st.composite
def signed_manifests(draw: st.DrawFn) -> tuple[bytes, bytes, Manifest]:
    """(signed file, payload, manifest) for a valid manifest built with the real encoder."""
    paths = ["structure.yaml", *draw(st.sets(content_paths, max_size=8))]
    objects = [
        ObjectEntry(p, draw(hex_digests), draw(st.integers(0, MAX_OBJECT_BYTES)), role_of(p))
        for p in paths
    ]
    version = draw(st.integers(1, 2**63))
    created, expires = draw(aware_datetimes), draw(aware_datetimes)
    payload = encode_payload(version, created, expires, objects)
    manifest = Manifest(
        version,
        created.isoformat(timespec="seconds"),
        expires.isoformat(timespec="seconds"),
        tuple(sorted(objects, key=lambda o: o.path)),
        payload,
    )
    return sign(payload, KEY), payload, manifest


def check_valid_manifest(manifest: Manifest, payload: bytes) -> None:
    """Every field of an accepted manifest is what the format allows, and it is exactly
    what ``payload`` (the signed bytes) says."""
    assert manifest.payload == payload
    assert parse_payload(payload) == manifest
    assert type(manifest.version) is int and manifest.version >= 1
    for text in (manifest.created, manifest.expires):
        assert datetime.fromisoformat(text).tzinfo is not None
    manifest.is_expired()
    paths = [o.path for o in manifest.objects]
    assert "structure.yaml" in paths and len(set(paths)) == len(paths) <= 5000
    for obj in manifest.objects:
        assert role_of(obj.path) == obj.role
        assert not obj.path.startswith("/") and ".." not in obj.path.split("/")
        assert obj.path.isprintable() and "\\" not in obj.path
        assert re.fullmatch(r"[0-9a-f]{64}", obj.sha256)
        assert type(obj.length) is int and 0 <= obj.length <= MAX_OBJECT_BYTES


@FUZZ
@given(signed_manifests())
def test_signed_manifest_round_trips(case: tuple[bytes, bytes, Manifest]) -> None:
    data, payload, expected = case
    manifest = verify_and_parse(data, PINNED)
    assert manifest == expected
    check_valid_manifest(manifest, payload)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=4096),
        st.binary(max_size=4096).map(lambda b: MAGIC + b),
        st.tuples(st.binary(min_size=64, max_size=64), st.binary(max_size=4096)).map(
            lambda t: MAGIC + base64.b64encode(t[0]) + b"\n" + t[1]
        ),
    )
)
@example(b"")
@example(MAGIC + b"\n")
@example(MAGIC + b"A" * 86 + b"==\n{}")
@example(MAGIC + b"\xff\n{}")
@example(b"x" * (MAX_MANIFEST_BYTES + 1))
def test_arbitrary_bytes_are_a_manifest_or_our_error(data: bytes) -> None:
    """Without our key's signature nothing is accepted, and only SyncErrors escape."""
    for keys in (PINNED, [], [STRANGER.public_key(), KEY.public_key()]):
        try:
            verify_and_parse(data, keys)
        except SyncError as exc:
            one_line_reason(exc)
        else:
            raise AssertionError("an unsigned manifest was accepted")
    try:  # the publisher reads its own last manifest without the signature
        check_valid_manifest(parse_payload(data), data)
    except SyncError as exc:
        one_line_reason(exc)


@dataclass(frozen=True)
class Mutation:
    kind: str
    at: int
    data: bytes
    number: int

    def apply(self, signed: bytes, payload: bytes) -> bytes:
        at = self.at % (len(signed) + 1)
        header = signed[: len(signed) - len(payload)]
        if self.kind == "flip" and signed:
            at %= len(signed)
            return signed[:at] + bytes([signed[at] ^ (self.number % 255 + 1)]) + signed[at + 1 :]
        if self.kind in ("truncate", "flip"):  # an empty file has nothing to flip
            return signed[:at]
        if self.kind == "insert":
            return signed[:at] + self.data + signed[at:]
        if self.kind == "append":
            return signed + self.data
        if self.kind == "delete":
            return signed[:at] + signed[at + 1 + self.number % 64 :]
        if self.kind == "stranger":  # the same payload signed by a key nobody pinned
            return sign(payload, STRANGER)
        if self.kind == "crlf":  # edited or copied on Windows
            return signed.replace(b"\n", b"\r\n")
        if self.kind == "reencode":  # same meaning, other bytes, the old signature
            body = json.loads(payload)
            styles = [
                {},
                {"indent": 2},
                {"separators": (",", ":")},
                {"sort_keys": True, "ensure_ascii": True},
                {"indent": 1, "sort_keys": True},
            ]
            again = json.dumps(body, **styles[self.number % len(styles)]).encode()
            if self.number % 2:
                again = again + b"\n"
            return header + again
        if self.kind == "resign-other":  # a signature copied from another signed payload
            return sign(payload + self.data, KEY)[: len(header)] + payload
        raise AssertionError(self.kind)


mutations = st.builds(
    Mutation,
    st.sampled_from(
        ["flip", "truncate", "insert", "append", "delete", "stranger", "crlf", "reencode",
         "resign-other"]
    ),
    st.integers(0, 10**6),
    st.binary(min_size=1, max_size=16),
    st.integers(0, 10**6),
)


@FUZZ
@given(signed_manifests(), st.lists(mutations, min_size=1, max_size=3))
def test_changed_manifest_is_rejected_or_yields_what_was_signed(
    case: tuple[bytes, bytes, Manifest], changes: list[Mutation]
) -> None:
    data, payload, expected = case
    changed = data
    for change in changes:
        changed = change.apply(changed, payload)
    try:
        manifest = verify_and_parse(changed, PINNED)
    except SyncError as exc:
        one_line_reason(exc)
        if [c.kind for c in changes] == ["stranger"]:
            assert isinstance(exc, SignatureError)
        return
    # Accepted: only the base64 spelling of the signature may have changed (unused bits).
    assert manifest == expected
    assert manifest.payload == payload
    assert changed.endswith(b"\n" + payload)


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(10**300), 10**300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "../structure.yaml", "/etc/passwd", "structure.yaml\n", "structure.yaml\x00",
            "en/guides/../../../x.md", "en/guides/x.md/", "media/.png", "media/a.png\n",
            "./structure.yaml", "en\\guides\\x.md", "EN/about.md", "media/a.svg",
            "A" * 64, "a" * 64 + "\n", "0" * 63, "2026-01-01",
            "2026-01-01T00:00:00", "2026-01-01T00:00:00+00:00", "9999-12-31T23:59:59-23:59",
            "structure", "guide", "media",
        ]
    ),
    st.integers(1000, 200_000).map(lambda n: "x" * n),  # very long text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
MANIFEST_KEYS = ["schema", "version", "created", "expires", "objects"]
ENTRY_KEYS = ["path", "sha256", "length", "role"]


@st.composite
def hostile_payloads(draw: st.DrawFn) -> bytes:
    """A payload like the real encoder's, with some fields replaced, added or removed."""
    _data, payload, _manifest = draw(signed_manifests())
    body = json.loads(payload)
    for _ in range(draw(st.integers(1, 4))):
        entries = body.get("objects") if isinstance(body, dict) else None
        if isinstance(entries, list) and entries and draw(st.booleans()):
            index = draw(st.integers(0, len(entries) - 1))
            target = entries[index]
            keys = ENTRY_KEYS
            if not isinstance(target, dict) or draw(st.integers(0, 9)) == 0:
                entries[index] = draw(json_values)
                continue
        else:
            target, keys = body, MANIFEST_KEYS
        action = draw(st.sampled_from(["set", "set", "delete", "add"]))
        key = draw(st.sampled_from(keys))
        if action == "set":
            target[key] = draw(json_values)
        elif action == "delete":
            target.pop(key, None)
        else:
            target[draw(st.text(max_size=8))] = draw(json_values)
    if draw(st.integers(0, 19)) == 0:
        body = draw(json_values)
    return json.dumps(body, allow_nan=True, ensure_ascii=draw(st.booleans())).encode()


def _payload(objects: list[dict[str, Any]], **fields: Any) -> bytes:
    body = {
        "schema": 1, "version": 1, "created": "2026-01-01T00:00:00+00:00",
        "expires": "2027-01-01T00:00:00+00:00", "objects": objects,
    }
    body.update(fields)
    return json.dumps(body).encode()


def _entry(path: str, digest: str = "a" * 64, length: int = 1, role: str = "structure") -> dict[str, Any]:
    return {"path": path, "sha256": digest, "length": length, "role": role}


@FUZZ
@given(hostile_payloads())
@example(b"[" * 100_000)  # was RecursionError
@example(_payload([_entry("structure.yaml", "[" * 5000 + "]" * 5000)]))
@example(_payload([_entry("structure.yaml\n")]))  # was accepted: "$" matched before "\n"
@example(_payload([_entry("structure.yaml"), _entry("structure.yaml", "a" * 64 + "\n")]))
@example(_payload([_entry("structure.yaml")], schema=True))  # was accepted: True == 1
@example(_payload([_entry("x" * 100_000)]))  # the reason must stay one short line
@example(_payload([_entry("structure.yaml", length=float("nan"))]))
@example(_payload([_entry("structure.yaml")], version=10**4000))
def test_hostile_fields_signed_with_our_key(payload: bytes) -> None:
    """A signature only says who wrote it: a signed payload with wrong types, huge numbers,
    paths leaving the folder or deep nesting is refused with our error, never a crash."""
    try:
        manifest = verify_and_parse(sign(payload, KEY), PINNED)
    except SyncError as exc:
        one_line_reason(exc)
        return
    check_valid_manifest(manifest, payload)


# --------------------------------------------------------------------------- objects


@st.composite
def delivered_objects(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """(the signed bytes, what the source actually delivers)."""
    signed = draw(st.binary(max_size=2048))
    kind = draw(st.sampled_from(["same", "flip", "truncate", "append", "other", "swap"]))
    delivered = signed
    if kind == "flip" and signed:
        at = draw(st.integers(0, len(signed) - 1))
        delivered = signed[:at] + bytes([signed[at] ^ draw(st.integers(1, 255))]) + signed[at + 1 :]
    elif kind == "truncate":
        delivered = signed[: draw(st.integers(0, len(signed)))]
    elif kind == "append":
        delivered = signed + draw(st.binary(min_size=1, max_size=64))
    elif kind == "other":
        delivered = draw(st.binary(max_size=2048))
    elif kind == "swap" and len(signed) > 1:
        delivered = signed[len(signed) // 2 :] + signed[: len(signed) // 2]
    return signed, delivered


@FUZZ
@given(delivered_objects(), st.binary(max_size=64))
def test_folder_object_is_accepted_only_with_the_signed_bytes(
    case: tuple[bytes, bytes], leftover: bytes
) -> None:
    signed, delivered = case
    digest = hashlib.sha256(signed).hexdigest()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "objects").mkdir()
        (root / "objects" / digest).write_bytes(delivered)
        partial = root / "partial"
        partial.write_bytes(leftover)  # an earlier interrupted download
        try:
            FolderSource(root).fetch_object(digest, len(signed), partial)
        except SyncError as exc:
            one_line_reason(exc)
            assert delivered != signed
            if isinstance(exc, HashMismatchError):
                assert not partial.exists()
        else:
            assert delivered == signed
            assert partial.read_bytes() == signed


@FUZZ
@given(delivered_objects())
def test_finish_object_checks_length_and_hash(case: tuple[bytes, bytes]) -> None:
    signed, delivered = case
    digest = hashlib.sha256(signed).hexdigest()
    with tempfile.TemporaryDirectory() as tmp:
        partial = Path(tmp) / "partial"
        partial.write_bytes(delivered)
        try:
            finish_object(partial, digest, len(signed))
        except HashMismatchError as exc:
            one_line_reason(exc)
            assert delivered != signed and not partial.exists()
        else:
            assert delivered == signed == partial.read_bytes()


class _FakeRaw:
    def __init__(self, chunks: list[bytes | BaseException]) -> None:
        self.chunks = list(chunks)
        self.delivered = b""

    def read1(self, size: int) -> bytes:
        if not self.chunks:
            return b""
        chunk = self.chunks.pop(0)
        if isinstance(chunk, BaseException):
            raise chunk
        if len(chunk) > size:
            self.chunks.insert(0, chunk[size:])
        self.delivered += chunk[:size]
        return chunk[:size]


class _FakeResponse:
    """What ``requests`` returns with ``stream=True``, as far as HttpSource uses it."""

    def __init__(self, status: int, headers: dict[str, str], chunks: list[bytes | BaseException]) -> None:
        self.status_code = status
        self.headers = CaseInsensitiveDict(headers)
        self.raw = _FakeRaw(chunks)
        self.closed = False

    def close(self) -> None:
        self.closed = True


def _http_source(answer: _FakeResponse | BaseException, seen: list[tuple[str, dict[str, str]]]) -> HttpSource:
    source = HttpSource("http://kiosk.invalid/bundle/", FetchLimits(retries=0))

    def get(url: str, headers: dict[str, str], **_kwargs: Any) -> _FakeResponse:
        seen.append((url, headers))
        if isinstance(answer, BaseException):
            raise answer
        return answer

    source.session.get = get  # type: ignore[method-assign]
    return source


request_errors = st.sampled_from(
    [
        requests.exceptions.ConnectionError("refused"),
        requests.exceptions.ReadTimeout("timed out"),
        requests.exceptions.SSLError("bad certificate"),
        requests.exceptions.RetryError("too many 503"),
        requests.exceptions.TooManyRedirects("loop"),
        requests.exceptions.InvalidURL("bad url"),
    ]
)
"""What ``Session.get`` raises (requests wraps urllib3's errors while reading the headers)."""
body_errors = st.sampled_from(
    [
        urllib3.exceptions.ProtocolError("Connection broken: IncompleteRead"),
        urllib3.exceptions.ReadTimeoutError(None, "/", "read timed out"),
        urllib3.exceptions.SSLError("bad record mac"),
        requests.exceptions.ChunkedEncodingError("broken chunk"),
        requests.exceptions.ConnectionError("reset"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("timed out"),
    ]
)
"""What reading a streamed body raises: urllib3's own errors are not wrapped by requests."""
content_lengths = st.one_of(
    st.none(),
    st.integers(0, 5000).map(str),
    st.sampled_from(["", " 12 ", "-1", "+5", "1_0", "0x10", "abc", "1e3", "١٢", "²", "9" * 5000, "9" * 19]),
)


@st.composite
def http_answers(draw: st.DrawFn, body: bytes) -> _FakeResponse | BaseException:
    """What a web server might answer for ``body``: right, wrong, broken or hostile."""
    if draw(st.integers(0, 15)) == 0:
        return draw(request_errors)
    status = draw(st.sampled_from([200, 200, 200, 206, 206, 304, 404, 416, 500, 302]))
    sent = body
    kind = draw(st.sampled_from(["same", "same", "mutated", "other", "tail"]))
    if kind == "mutated" and body:
        at = draw(st.integers(0, len(body) - 1))
        sent = body[:at] + bytes([body[at] ^ draw(st.integers(1, 255))]) + body[at + 1 :]
    elif kind == "other":
        sent = draw(st.binary(max_size=1024))
    elif kind == "tail":
        sent = body[draw(st.integers(0, len(body))) :]
    headers: dict[str, str] = {}
    length = draw(content_lengths)
    if length is not None:
        headers["Content-Length"] = str(len(sent)) if draw(st.booleans()) else length
    if draw(st.booleans()):
        headers["Content-Range"] = draw(
            st.one_of(st.builds(lambda a: f"bytes {a}-", st.integers(0, 2048)), st.text(max_size=12))
        )
    if draw(st.booleans()):
        headers["ETag"] = draw(st.text(max_size=12))
    cut = draw(st.integers(0, 4))
    sizes = sorted(draw(st.lists(st.integers(0, len(sent)), max_size=cut)))
    chunks: list[bytes | BaseException] = [sent[a:b] for a, b in zip([0, *sizes], [*sizes, len(sent)])]
    if draw(st.integers(0, 5)) == 0:
        chunks.insert(draw(st.integers(0, len(chunks))), draw(body_errors))
    return _FakeResponse(status, headers, chunks)


@FUZZ
@given(st.data(), st.binary(max_size=1024), st.binary(max_size=64), st.booleans())
def test_http_object_is_accepted_only_with_the_signed_bytes(
    data: st.DataObject, signed: bytes, leftover: bytes, prefix: bool
) -> None:
    """Whatever the server answers (status, Content-Length, Content-Range, a body cut
    short, changed bytes), the object is accepted only with exactly the signed bytes."""
    digest = hashlib.sha256(signed).hexdigest()
    answer = data.draw(http_answers(signed))
    _check_http_object(signed, digest, answer, signed[: len(signed) // 2] if prefix else leftover)


def _check_http_object(signed: bytes, digest: str, answer: _FakeResponse | BaseException,
                       leftover: bytes) -> None:
    seen: list[tuple[str, dict[str, str]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        partial = Path(tmp) / digest
        if leftover:
            partial.write_bytes(leftover)
        source = _http_source(answer, seen)
        try:
            source.fetch_object(digest, len(signed), partial)
        except SyncError as exc:
            one_line_reason(exc)
        else:
            assert partial.read_bytes() == signed
        for url, _headers in seen:
            assert url == f"http://kiosk.invalid/bundle/objects/{digest}"
        if isinstance(answer, _FakeResponse) and seen:
            assert answer.closed


@pytest.mark.parametrize(
    "answer",
    [
        _FakeResponse(200, {"Content-Length": "100"}, [b"x" * 10, urllib3.exceptions.ProtocolError("broken")]),
        _FakeResponse(200, {}, [urllib3.exceptions.ReadTimeoutError(None, "/", "timed out")]),
        _FakeResponse(200, {"Content-Length": "abc"}, [b"x" * 100]),
        _FakeResponse(200, {"Content-Length": "9" * 5000}, [b"x" * 100]),
    ],
    ids=["body-cut-short", "read-timeout", "bad-content-length", "huge-content-length"],
)
def test_http_object_found_by_fuzzing(answer: _FakeResponse) -> None:
    """Minimal cases found by the fuzzer: each leaked a non-SyncError before the fix."""
    signed = b"x" * 100
    _check_http_object(signed, hashlib.sha256(signed).hexdigest(), answer, b"")


@FUZZ
@given(st.data(), st.binary(max_size=2048), st.one_of(st.none(), st.text(max_size=12)))
def test_http_manifest_answer_is_data_or_our_error(
    data: st.DataObject, body: bytes, etag: str | None
) -> None:
    answer = data.draw(http_answers(body))
    seen: list[tuple[str, dict[str, str]]] = []
    try:
        response = _http_source(answer, seen).get_manifest(etag)
    except SyncError as exc:
        one_line_reason(exc)
        return
    assert isinstance(answer, _FakeResponse)
    if response.data is None:
        assert answer.status_code == 304 and response.etag == etag
    else:
        assert answer.status_code == 200
        assert len(response.data) <= MAX_MANIFEST_BYTES
        assert response.data == answer.raw.delivered
    if seen and etag:
        assert seen[0][1].get("If-None-Match") == etag


# --------------------------------------------------------------------------- content loader

BASE_STRUCTURE = """\
schema: 1
source_language: en
version_label: "fuzz.1"
guides:
  - id: first
    image: media/pic.png
    country: IT
    sources:
      - title: A source
        url: https://example.org/source
      - title: A second source (a country guide needs two)
        url: https://example.org/source-2
  - id: second
    sources:
      - title: Another source
        url: https://example.org/other
about:
  sources:
    - title: About source
      url: https://example.org/about
quiz:
  - id: q1
    guide: first
    options: [right, wrong]
    answer: right
links:
  - id: course
    kind: course
    url: https://example.org/course
    country: IT
"""
BASE_GUIDE = """\
---
title: First guide
summary: What it is about
last_reviewed: "2026-01-01"
---

## A heading

A paragraph with **bold**, *italic* and a [link](https://example.org/x).

- one
- two

1. first
2. second

![A picture](media/pic.png)
"""
BASE_ABOUT = """\
---
title: About
summary: The project
last_reviewed: "2026-01-01"
---

Who made this kiosk.
"""
BASE_QUIZ = """\
q1:
  question: Is it right?
  options:
    right: Right
    wrong: Wrong
  explanation: Because it is.
"""
BASE_LINKS = """\
course:
  label: Course
  description: A free online course
"""
BASE_FILES: dict[str, str | bytes] = {
    "structure.yaml": BASE_STRUCTURE,
    "en/guides/first.md": BASE_GUIDE,
    "en/guides/second.md": BASE_GUIDE.replace("First guide", "Second guide"),
    "en/about.md": BASE_ABOUT,
    "en/quiz.yaml": BASE_QUIZ,
    "en/links.yaml": BASE_LINKS,
    "media/pic.png": b"\x89PNG\r\n\x1a\n fuzz",
}
TEXT_FILES = [name for name, data in BASE_FILES.items() if isinstance(data, str)]
DIRECTORY = object()
"""A file replaced by a folder of the same name."""


def write_tree(root: Path, files: dict[str, Any]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is DIRECTORY:
            path.mkdir(exist_ok=True)
        elif isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")


def check_problems(root: Path, problems: list[Any]) -> None:
    """Every problem names a file (or folder) inside the content folder, on one line."""
    for problem in problems:
        assert problem.file == root.name or problem.file.startswith(root.name + "/"), problem
        text = str(problem)
        assert text.startswith(problem.file) and "\n" not in text, text
        assert problem.line is None or (type(problem.line) is int and problem.line >= 1), problem
        assert len(problem.message) < 1000, problem


def check_accepted(root: Path, content: ContentSet) -> None:
    """Content with no errors is well-typed, within the folder, and builds a cache."""
    idents = lambda values: all(isinstance(v, str) and ID_PATTERN.fullmatch(v) for v in values)  # noqa: E731
    assert isinstance(content.version_label, str)
    assert re.fullmatch(r"[a-z]{2,3}", content.source_language)
    guide_ids = [g.id for g in content.guides]
    assert guide_ids and idents(guide_ids) and len(set(guide_ids)) == len(guide_ids)
    for guide in content.guides:
        assert guide.country is None or re.fullmatch(r"[A-Z]{2}", guide.country)
        if guide.image is not None:
            image = (root / guide.image).resolve()
            assert root.resolve() in image.parents and image.suffix.lower() in IMAGE_SUFFIXES
        assert all(s.url.startswith(("https://", "http://")) for s in guide.sources)
    for question in content.questions:
        assert idents([question.id, *question.options]) and question.guide in guide_ids
        assert question.answer in question.options
    for link in content.links:
        assert idents([link.id]) and link.kind in ("course", "resource")
        assert link.url.startswith("https://")
        assert link.country is None or re.fullmatch(r"[A-Z]{2}", link.country)
    for lang in content.translations.values():
        texts = [t.question for t in lang.quiz.values()] + [t.label for t in lang.links.values()]
        for doc in [*lang.guides.values(), *([lang.about] if lang.about else [])]:
            texts += [doc.title, doc.summary, doc.plain_text()]
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.last_reviewed)
        assert all(isinstance(t, str) and not KIVY_MARKUP.search(t) for t in texts)
    with tempfile.TemporaryDirectory() as cache:
        build_cache_file(content, Path(cache), {"origin": "fuzz"})


def load_tree(files: dict[str, Any]) -> tuple[Path, ContentSet | None, list[Any]]:
    """Write ``files`` as a content folder, load it and check the problems it reports."""
    tmp = tempfile.mkdtemp(prefix="fuzz-content-")
    root = Path(tmp) / "content"
    write_tree(root, files)
    content, problems = load_content(root)
    check_problems(root, problems)
    errors = [p for p in problems if p.severity == "error"]
    if content is None:
        assert errors, "content refused without saying why"
    elif not errors:
        check_accepted(root, content)
    return root, content, problems


@pytest.fixture(autouse=True)
def _no_leftover_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the content folders written by the fuzzer under this test's tmp_path."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def test_base_fixture_is_valid() -> None:
    root, content, problems = load_tree(BASE_FILES)
    assert problems == [] and content is not None
    assert [g.id for g in content.guides] == ["first", "second"]


NASTY_YAML = [
    "\x07", "a: \x00", "\ufeff\ufeffa: 1", "&a [*a]", "a: &a [*a]", "&a {x: *a}",
    "? [a, b]\n: c", "? {a: 1}\n: c", "a: !!python/object/apply:os.system [true]",
    "a: !!int abc", "a: !!bool maybe", "a: !!timestamp never", "a: !!float x", "a: !!binary '!'",
    "a: " + "9" * 5000, "a: !!set [1]", "<<: 5", "a: *undefined", "%YAML 9.9\n--- a",
    "--- a\n--- b", "[" * 5000, "a: " + "[" * 900 + "]" * 900, "{" * 100 + "}" * 100,
    "a:\n\t- b", "'unclosed", '"\\x"', "a: b: c", "- a\nb: c", ":", "---\n...\n", "a: 1\na: 2",
    "guides: 5", "guides: abc", "guides: {id: x}", "quiz: [[1]]", "links: [{id: x, kind: [1]}]",
    "schema: true", "source_language: 'en\\n'", "version_label: [1, [2]]",
    "l0: &l0 [x, x, x, x, x, x, x, x, x]\nl1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]\n"
    "l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n"
    "l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\n"
    "l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]\n"
    "l5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]\n"
    "l6: &l6 [*l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5]\n"
    "l7: &l7 [*l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6]\n"
    "l8: &l8 [*l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7]\n"
    "version_label: *l8\nguides: [{id: first, image: *l8}]\nquiz: [{id: q, guide: *l8, answer: *l8}]\n",
]
NASTY_MARKDOWN = [
    "# Title", "## ", "##", "###### deep", "Setext\n===", "> quote", "> > > > > > > > deep",
    "    code", "```\nfence\n```", "<div>html</div>", "<b>x</b>", "---", "***", "- a\n  - nested",
    "1. a\n   1. b", "- ", "1.", "[text](javascript:alert(1))", "[text](/relative)", "<https://auto.link>",
    "![](media/pic.png)", "![alt](../outside.png)", "![alt](/etc/passwd)", "![alt](media/" + "a" * 300 + ".png)",
    "![alt](media/missing.png)", "![alt](media/pic.png) and text", "text ![alt](media/pic.png)",
    "**unclosed", "*a", "a*", "__x__", "_x_", "`code`", "``", "[b]bold[/b]", "&bl;b&br;", "&amp;",
    "&#0;", "&#x110000;", "\x00", "\u202e", "a  \nb", "a\\\nb", "[ref]: https://x", "[ref]",
    "| a | b |\n|---|---|", "- [ ] task", "~~strike~~", "\\", "*" * 500, "[" * 500, ">" * 500,
    "- " * 200 + "x", "1. " * 100 + "x", "\t\tx", "\r\n", "\r",
]


def _mutate_text(draw: st.DrawFn, text: str) -> str:
    """Small edits of a real file: characters inserted, deleted or replaced."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(st.text(max_size=6), st.sampled_from(list(":-[]{}&*!|>'\"#\n\t ---"))))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


@st.composite
def hostile_trees(draw: st.DrawFn) -> tuple[dict[str, Any], set[str]]:
    """The base content with 1-3 files broken; also returns the files given as raw bytes."""
    files: dict[str, Any] = dict(BASE_FILES)
    binary: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from([*TEXT_FILES, "en/guides/third.md", "xx/quiz.yaml",
                                     "en/guides/notes.txt", "en/guides/UPPER.md", "de/about.md"]))
        original = files.get(name) if isinstance(files.get(name), str) else BASE_GUIDE
        markdown = name.endswith(".md")
        kind = draw(st.sampled_from(["mutate", "mutate", "text", "bytes", "nasty", "delete", "folder"]
                                    + (["markdown", "front"] if markdown else [])))
        binary.discard(name)
        if kind == "mutate":
            files[name] = _mutate_text(draw, original)
        elif kind == "text":
            files[name] = draw(st.text(max_size=300))
        elif kind == "bytes":
            files[name] = draw(st.binary(min_size=1, max_size=300)).replace(b"\n", b"\xff")
            binary.add(name)
        elif kind == "nasty":
            snippet = draw(st.sampled_from(NASTY_YAML))
            files[name] = f"---\n{snippet}\n---\n\nText.\n" if markdown else snippet
        elif kind == "delete":
            files.pop(name, None)
        elif kind == "folder":
            files[name] = DIRECTORY
        elif kind == "markdown":
            head, _sep, _body = original.partition("---\n\n")
            parts = draw(st.lists(st.one_of(st.sampled_from(NASTY_MARKDOWN), st.text(max_size=40)),
                                  min_size=1, max_size=6))
            files[name] = head + "---\n\n" + "\n\n".join(parts) + "\n"
        else:  # front matter
            _front, _sep, body = original.partition("---\n\n")
            snippet = draw(st.sampled_from(NASTY_YAML))
            files[name] = f"---\n{snippet}\n---\n\n{body}"
    return files, binary


@FUZZ
@given(hostile_trees())
def test_hostile_content_gives_problems_not_exceptions(case: tuple[dict[str, Any], set[str]]) -> None:
    files, binary = case
    root, _content, problems = load_tree(files)
    read = {"structure.yaml", "en/about.md", "en/quiz.yaml", "en/links.yaml", "de/about.md",
            "en/guides/first.md", "en/guides/second.md"}
    structure_ok = not any(p.file == "content/structure.yaml" and p.severity == "error" for p in problems)
    for name in binary & read:
        if name == "structure.yaml" or structure_ok:
            assert any(p.file == f"content/{name}" for p in problems), (name, problems)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("structure.yaml", "a: \x07", "unacceptable character"),
        ("structure.yaml", BASE_STRUCTURE.replace("guides:\n", "guides: 5\nx:\n"), "must be a list"),
        ("structure.yaml", BASE_STRUCTURE.replace("guide: first", "guide: [first]"), "is not defined"),
        ("structure.yaml", BASE_STRUCTURE.replace("media/pic.png", "media/" + "a" * 300 + ".png"), "not found"),
        ("structure.yaml", BASE_STRUCTURE.replace("media/pic.png", "/etc/passwd"), "not found"),
        ("structure.yaml", BASE_STRUCTURE.replace("- id: second", "- id: \"second\\n\""), "'id' must be"),
        ("structure.yaml", BASE_STRUCTURE.replace("country: IT\n\"\"\"", ""), None),
        ("structure.yaml", BASE_STRUCTURE.replace("course\n    country: IT", "course\n    country: [1]"),
         "country must"),
        ("structure.yaml", "x: " + "[" * 5000, "nested too deeply"),
        ("structure.yaml", BASE_STRUCTURE.replace("\"fuzz.1\"", "!!int x1"), "is not a valid int"),
        ("structure.yaml", NASTY_YAML[-1], "version_label"),
        ("en/guides/first.md", DIRECTORY, "cannot read"),
        ("en/guides/first.md", BASE_GUIDE.replace("media/pic.png", "media/" + "a" * 300 + ".png"), "not found"),
        ("en/guides/first.md", BASE_GUIDE.replace("title: First", "title: \x01First"), "unacceptable character"),
        ("en/quiz.yaml", BASE_QUIZ + "\x00", "unacceptable character"),
        ("structure.yaml", "# nothing yet\n", "is empty"),
        ("en/guides/second.md", "---\n---\n\nText.\n", "front matter is empty"),
    ],
    ids=["control-char", "guides-not-a-list", "unhashable-guide", "long-image-name", "absolute-image",
         "id-with-newline", "unchanged", "link-country-type", "deep-yaml", "bad-int-tag", "billion-laughs",
         "guide-is-a-folder", "long-markdown-image", "front-matter-control-char", "quiz-nul",
         "empty-structure", "empty-front-matter"],
)
def test_content_problems_found_by_fuzzing(name: str, data: Any, message: str | None) -> None:
    """Minimal cases found by the fuzzer: before the fix each raised (TypeError, OSError,
    RecursionError, yaml.ReaderError, ValueError...), hung, was accepted, or was refused
    without a problem saying why."""
    files = dict(BASE_FILES)
    files[name] = data
    root, _content, problems = load_tree(files)
    errors = [p for p in problems if p.severity == "error"]
    if message is None:
        assert errors == []
    else:
        assert any(p.file == f"content/{name}" and message in p.message for p in errors), problems


STRUCTURE_FIELDS: list[tuple[Any, ...]] = [
    ("schema",), ("source_language",), ("version_label",), ("guides",), ("quiz",), ("links",), ("about",),
    ("guides", 0), ("guides", 0, "id"), ("guides", 0, "image"), ("guides", 0, "country"),
    ("guides", 0, "sources"), ("guides", 0, "sources", 0), ("guides", 0, "sources", 0, "url"),
    ("guides", 0, "sources", 0, "title"), ("guides", 1, "id"), ("about", "sources"),
    ("quiz", 0), ("quiz", 0, "id"), ("quiz", 0, "guide"), ("quiz", 0, "options"), ("quiz", 0, "options", 0),
    ("quiz", 0, "answer"), ("links", 0, "id"), ("links", 0, "kind"), ("links", 0, "url"),
    ("links", 0, "country"),
]
TRANSLATION_FIELDS: dict[str, list[tuple[Any, ...]]] = {
    "en/quiz.yaml": [("q1",), ("q1", "question"), ("q1", "options"), ("q1", "options", "right"),
                     ("q1", "explanation"), ("q1", "extra"), ("q2",), (7,)],
    "en/links.yaml": [("course",), ("course", "label"), ("course", "description"), ("course", "x"), ("nope",)],
}
FRONT_FIELDS = [("title",), ("summary",), ("last_reviewed",), ("extra",)]
yaml_scalars = st.one_of(
    json_scalars.filter(lambda v: not isinstance(v, str) or len(v) < 1000),
    st.sampled_from(["first", "second", "right", "wrong", "q1", "course", "IT", "it", "en", "xx",
                     "https://example.org/x", "http://example.org/x", "javascript:alert(1)",
                     "media/pic.png", "media/../media/pic.png", "../content/media/pic.png",
                     "media/missing.png", "[b]x[/b]", "", " ", "2026-01-01", "2026-13-45", "*"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(yaml_scalars.filter(
        lambda k: not isinstance(k, float) or k == k), inner, max_size=4),
    max_leaves=10,
)


def _set_field(data: Any, field: tuple[Any, ...], value: Any, delete: bool) -> None:
    """Set or delete the value at ``field`` (keys and list indexes), when its parent exists."""
    *parents, last = field
    for key in parents:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(data, list) and not (isinstance(last, int) and last < len(data)):
        return
    if not isinstance(data, (dict, list)):
        return
    if delete:
        if isinstance(data, dict):
            data.pop(last, None)
        else:
            del data[last]
    else:
        data[last] = value


def _dump(data: Any, exact: bool = False) -> str:
    """YAML for ``data``; ``exact`` double-quotes every string, escaping what YAML would
    otherwise fold (PyYAML writes NEL and LINE SEPARATOR raw in other styles)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6,
                          default_style='"' if exact else None)


@st.composite
def mutated_fields(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, tuple[Any, ...]]]]:
    """Valid-looking content with 1-4 fields set to hostile values or removed."""
    structure = yaml.safe_load(BASE_STRUCTURE)
    translations = {name: yaml.safe_load(BASE_FILES[name]) for name in TRANSLATION_FIELDS}
    front = {"title": "First guide", "summary": "What it is about", "last_reviewed": "2026-01-01"}
    changed = []
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(["structure", "structure", "translation", "front"]))
        value, delete = draw(yaml_values), draw(st.integers(0, 5)) == 0
        if where == "structure":
            field = draw(st.sampled_from(STRUCTURE_FIELDS))
            _set_field(structure, field, value, delete)
            changed.append(("structure.yaml", field))
        elif where == "translation":
            name = draw(st.sampled_from(sorted(TRANSLATION_FIELDS)))
            field = draw(st.sampled_from(TRANSLATION_FIELDS[name]))
            _set_field(translations[name], field, value, delete)
            changed.append((name, field))
        else:
            field = draw(st.sampled_from(FRONT_FIELDS))
            _set_field(front, field, value, delete)
            changed.append(("en/guides/first.md", field))
    files: dict[str, Any] = dict(BASE_FILES)
    files["structure.yaml"] = _dump(structure)
    for name, data in translations.items():
        files[name] = _dump(data)
    files["en/guides/first.md"] = "---\n" + _dump(front) + "---\n" + BASE_GUIDE.partition("---\n\n")[2]
    return files, changed


@SLOW_FUZZ
@given(mutated_fields())
def test_mutated_fields_give_problems_or_valid_content(
    case: tuple[dict[str, Any], list[tuple[str, tuple[Any, ...]]]]
) -> None:
    """Wrong types, huge numbers, paths leaving the folder, NUL, long text, markup: a
    problem naming the file, or (when accepted) well-typed content that builds a cache."""
    files, _changed = case
    load_tree(files)


# --------------------------------------------------------------------------- markup

OUR_TAGS = {"[b]": "b", "[/b]": "b", "[i]": "i", "[/i]": "i", "[u]": "u", "[/u]": "u", "[/color]": "color"}
MARKUP_PIECES = ["[", "]", "&", ";", "/", "=", "b", "i", "u", "[b]", "[/b]", "[i]", "[/u]", "[ref=x]",
                 "[/ref]", "[color=ff0000]", "[/color]", "[size=40]", "[anchor=a]", "[font=x]", "&bl;",
                 "&br;", "&amp;", "&amp;bl;", "&&", "[[", "]]", "\n", " ", "\\", "\x00", "\u202e"]
markup_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(MARKUP_PIECES), st.text(max_size=3)), max_size=12).map("".join),
)
link_colors = st.sampled_from(["", "#1a73e8", "8ab4f8ff", "#FFFFFF"])


def kivy_unescape(text: str) -> str:
    """Kivy's own decoding of a text item, in Kivy's order (kivy/core/text/markup.py)."""
    return text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&")


def read_markup(markup: str, link_color: str = "") -> list[tuple[str, bool, bool, bool]]:
    """Split ``markup`` with Kivy's own parser and return, per visible character, whether it
    is bold, italic and underlined (a link). Only our own tags may appear, properly nested."""
    from kivy.core.text.markup import MarkupLabel

    stack: list[str] = []
    shown: list[tuple[str, bool, bool, bool]] = []
    for item in MarkupLabel(text=markup).markup:
        if item.startswith("[") and item.endswith("]"):  # Kivy's tag pattern: \[.*?\]
            if item == f"[color={link_color}]" and link_color:
                stack.append("color")
            elif item in OUR_TAGS and item.startswith("[/"):
                assert stack and stack.pop() == OUR_TAGS[item], (item, stack, markup)
            else:
                assert item in OUR_TAGS, f"content produced the tag {item!r}: {markup!r}"
                stack.append(OUR_TAGS[item])
            continue
        assert "[" not in item and "]" not in item, (item, markup)
        for char in kivy_unescape(item):
            if "u" in stack:
                assert ("color" in stack) == bool(link_color), markup
            shown.append((char, "b" in stack, "i" in stack, "u" in stack))
    assert stack == [], markup
    return shown


def expected_chars(spans: list[Span]) -> list[tuple[str, bool, bool, bool]]:
    return [(c, s.bold, s.italic, bool(s.href)) for s in spans for c in s.text]  # as Block.links()


@FUZZ
@given(markup_text)
@example("[b]bold[/b]")
@example("&bl;b&br;")
@example("&amp;bl;")
def test_escaped_text_is_shown_literally(text: str) -> None:
    escaped = escape_markup(text)
    assert "[" not in escaped and "]" not in escaped
    assert kivy_unescape(escaped) == text
    assert "".join(c for c, *_style in read_markup(escaped)) == text
    assert not any(bold or italic or link for _c, bold, italic, link in read_markup(escaped))


spans = st.builds(
    Span, markup_text, st.booleans(), st.booleans(), st.one_of(st.none(), st.text(max_size=20))
)


@FUZZ
@given(st.lists(spans, max_size=6), link_colors)
def test_spans_markup_round_trips(runs: list[Span], link_color: str) -> None:
    """Parsed as Kivy parses it, the markup shows exactly the spans' text, each character
    with its own emphasis; no tag comes from the content."""
    markup = spans_to_markup(runs, link_color)
    shown = read_markup(markup, link_color)
    assert "".join(c for c, *_style in shown) == spans_text(runs)
    assert shown == expected_chars(runs)


# --------------------------------------------------------------------------- content round trip

URLS = ["https://example.org/a", "https://europa.eu/youreurope/x?y=1", "http://example.com/"]
STYLES = {"plain": "{}", "bold": "**{}**", "italic": "*{}*", "both": "***{}***"}
strict_chars = st.characters(categories=["Lu", "Ll", "Lt", "Lo", "Nd"])
broad_chars = st.one_of(
    st.characters(exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]),
    st.sampled_from(string.punctuation),
)
# "[" opens Kivy markup and "{" a date marker, and a calendar date must stand in a marker:
# the content check refuses all three, so texts that load exactly leave them out.
strict_texts = st.text(
    st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"], exclude_characters="[{"), min_size=1,
    max_size=30,
).filter(lambda t: t.strip() and not find_dates(t, "en"))
broad_texts = st.text(max_size=30)


def md_escape(word: str) -> str:
    """Markdown for literal text: every ASCII punctuation character backslash-escaped."""
    return "".join("\\" + c if c in string.punctuation else c for c in word)


@st.composite
def inlines(draw: st.DrawFn, chars: st.SearchStrategy[str]) -> tuple[str, tuple[Span, ...]]:
    """(Markdown, the spans the loader must read from it)."""
    words = st.lists(st.text(chars, min_size=1, max_size=8), min_size=1, max_size=3)
    pieces, runs = [], []
    for number in range(draw(st.integers(1, 4))):
        if number:
            pieces.append(" ")
            runs.append(Span(" "))
        style = draw(st.sampled_from([*STYLES, "link", "bold-link"]))
        text_words = draw(words)
        text, source = " ".join(text_words), " ".join(md_escape(w) for w in text_words)
        if style in STYLES:
            pieces.append(STYLES[style].format(source))
            runs.append(Span(text, style in ("bold", "both"), style in ("italic", "both")))
        else:
            url = draw(st.sampled_from(URLS))
            link = f"[{source}]({url})"
            pieces.append(f"**{link}**" if style == "bold-link" else link)
            runs.append(Span(text, style == "bold-link", False, url))
    merged: list[Span] = []
    for run in runs:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (run.bold, run.italic, run.href):
            merged[-1] = Span(merged[-1].text + run.text, run.bold, run.italic, run.href)
        else:
            merged.append(run)
    return "".join(pieces), tuple(merged)


@st.composite
def guide_bodies(draw: st.DrawFn, chars: st.SearchStrategy[str]) -> tuple[str, list[tuple[Any, ...]]]:
    """(Markdown body, the blocks as (kind, spans or items)): sections of a heading and
    paragraphs, bullet and numbered lists."""
    parts: list[str] = []
    blocks: list[tuple[Any, ...]] = []
    lists_made = 0
    for _section in range(draw(st.integers(1, 3))):
        source, runs = draw(inlines(chars))
        parts.append("#" * draw(st.sampled_from([2, 3])) + " " + source)
        blocks.append(("heading", runs))
        for _block in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(["paragraph", "paragraph", "bullets", "numbers"]))
            if kind == "paragraph":
                source, runs = draw(inlines(chars))
                parts.append(source)
                blocks.append(("paragraph", runs))
                continue
            items = draw(st.lists(inlines(chars), min_size=1, max_size=3))
            lists_made += 1  # another marker starts a new list even right after a list
            marker = ["-", "+"][lists_made % 2] if kind == "bullets" else [".", ")"][lists_made % 2]
            lines = [
                f"{marker} {source}" if kind == "bullets" else f"{n}{marker} {source}"
                for n, (source, _runs) in enumerate(items, start=1)
            ]
            parts.append("\n".join(lines))
            blocks.append((kind, tuple(runs for _source, runs in items)))
    return "\n\n".join(parts) + "\n", blocks


def _front(title: str, summary: str) -> str:
    front = {"title": title, "summary": summary, "last_reviewed": "2026-01-01"}
    return "---\n" + _dump(front, exact=True) + "---\n\n"


def _block_shape(block: Block) -> tuple[Any, ...]:
    return (block.kind, block.items) if block.kind in ("bullets", "numbers") else (block.kind, block.spans)


def check_round_trip(texts: st.SearchStrategy[str], chars: st.SearchStrategy[str], data: st.DataObject,
                     must_accept: bool) -> None:
    title, summary, question, explanation, right, wrong, label, description = (
        data.draw(texts, label=name) for name in
        ("title", "summary", "question", "explanation", "right", "wrong", "label", "description")
    )
    body, blocks = data.draw(guide_bodies(chars), label="body")
    files: dict[str, Any] = dict(BASE_FILES)
    files["en/guides/first.md"] = _front(title, summary) + body
    files["en/quiz.yaml"] = _dump(
        {"q1": {"question": question, "options": {"right": right, "wrong": wrong}, "explanation": explanation}},
        exact=True,
    )
    files["en/links.yaml"] = _dump({"course": {"label": label, "description": description}}, exact=True)
    _root, content, problems = load_tree(files)
    errors = [p for p in problems if p.severity == "error"]
    if must_accept:
        assert errors == [], errors
    if errors:
        return
    assert content is not None
    en = content.translations["en"]
    doc = en.guides["first"]
    assert (doc.title, doc.summary) == (title.strip(), summary.strip())
    assert [_block_shape(b) for b in doc.blocks] == blocks
    quiz = en.quiz["q1"]
    assert (quiz.question, quiz.explanation) == (question.strip(), explanation.strip())
    assert quiz.options == {"right": right.strip(), "wrong": wrong.strip()}
    assert (en.links["course"].label, en.links["course"].description) == (label.strip(), description.strip())
    for block in doc.blocks:  # and the renderer shows exactly what was loaded
        for runs in (block.spans, *block.items):
            assert read_markup(spans_to_markup(runs, "#1a73e8"), "#1a73e8") == expected_chars(list(runs))


@SLOW_FUZZ
@given(st.data())
def test_written_content_is_loaded_exactly(data: st.DataObject) -> None:
    """Texts and Markdown (headings, paragraphs, lists, bold, italic, links) in letters of
    any script are accepted, and load as exactly the text and structure written."""
    check_round_trip(strict_texts, strict_chars, data, must_accept=True)


@SLOW_FUZZ
@given(st.data())
def test_accepted_content_is_exactly_what_was_written(data: st.DataObject) -> None:
    """Any text, punctuation and Kivy markup included: the loader may refuse it (markup,
    stray emphasis), but what it accepts is exactly what was written."""
    check_round_trip(broad_texts, broad_chars, data, must_accept=False)
