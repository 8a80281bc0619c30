"""The signed manifest: what a published content version consists of.

File ``manifest.signed`` (and its per-version copy ``manifests/<version>.signed``)::

    KIOSK-MANIFEST-1 <base64 Ed25519 signature over the payload bytes>\\n
    <payload: UTF-8 JSON>

The signature is checked over the exact payload bytes before the JSON is parsed. The
payload names the schema, a version that only ever increases, when it was created and
when it expires, and every object: its path in the content folder, SHA-256, length and
role. Objects are published as ``objects/<sha256>``.
"""
from __future__ import annotations

import base64
import json
import re
import reprlib
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.errors import ManifestError, UnsafePathError
from sync.keys import verify_any

MAGIC = b"KIOSK-MANIFEST-1 "
SCHEMA = 1
MAX_MANIFEST_BYTES = 256 * 1024
MAX_OBJECT_BYTES = 20 * 1024 * 1024
MAX_OBJECTS = 5000
HASH_PATTERN = re.compile(r"[0-9a-f]{64}")
"""Matched with ``fullmatch``: ``$`` would also accept a trailing newline."""

# The only files a bundle may carry, relative to the content folder (whole-string matches).
PATH_ROLES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"structure\.yaml"), "structure"),
    (re.compile(r"[a-z]{2,3}/guides/[a-z0-9][a-z0-9-]{0,63}\.md"), "guide"),
    (re.compile(r"[a-z]{2,3}/about\.md"), "about"),
    (re.compile(r"[a-z]{2,3}/quiz\.yaml"), "quiz"),
    (re.compile(r"[a-z]{2,3}/links\.yaml"), "links"),
    (re.compile(r"[a-z]{2,3}/desk\.yaml"), "desk"),
    (re.compile(r"media/[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.(png|jpg|jpeg|gif|webp)"), "media"),
]

_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 80
_SHOW.maxlevel, _SHOW.maxlist, _SHOW.maxdict = 2, 4, 4


def show(value: object) -> str:
    """A short one-line ``repr`` of an untrusted value, for error messages."""
    text = _SHOW.repr(value)
    return text if len(text) <= 100 else text[:97] + "..."


def role_of(path: str) -> str:
    """The role of a content path; :class:`UnsafePathError` for anything else."""
    for pattern, role in PATH_ROLES:
        if pattern.fullmatch(path):
            return role
    raise UnsafePathError(f"object path {show(path)} is not an allowed content file")


@dataclass(frozen=True)
class ObjectEntry:
    path: str
    sha256: str
    length: int
    role: str


@dataclass(frozen=True)
class Manifest:
    version: int
    created: str
    expires: str
    objects: tuple[ObjectEntry, ...]
    payload: bytes = b""
    """The exact signed bytes this manifest was parsed from."""

    def expires_at(self) -> datetime:
        return datetime.fromisoformat(self.expires)

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(timezone.utc)) >= self.expires_at()


def encode_payload(version: int, created: datetime, expires: datetime,
                   objects: list[ObjectEntry]) -> bytes:
    body = {
        "schema": SCHEMA,
        "version": version,
        "created": created.isoformat(timespec="seconds"),
        "expires": expires.isoformat(timespec="seconds"),
        "objects": [o.__dict__ for o in sorted(objects, key=lambda o: o.path)],
    }
    return json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")


def sign(payload: bytes, key: Ed25519PrivateKey) -> bytes:
    return MAGIC + base64.b64encode(key.sign(payload)) + b"\n" + payload


def verify_and_parse(data: bytes, public_keys: list[Ed25519PublicKey]) -> Manifest:
    """Check the signature over the exact payload, then parse and validate the payload."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise ManifestError(f"manifest is {len(data)} bytes, over the {MAX_MANIFEST_BYTES} cap")
    if not data.startswith(MAGIC) or b"\n" not in data:
        raise ManifestError("not a signed kiosk manifest (bad header)")
    header, payload = data.split(b"\n", 1)
    try:
        signature = base64.b64decode(header[len(MAGIC):], validate=True)
    except ValueError:
        raise ManifestError("manifest signature is not valid base64") from None
    if len(signature) != 64:
        raise ManifestError("manifest signature has the wrong length")
    if not public_keys:
        raise ManifestError("no public keys are pinned in the config ([sync] public_keys)")
    verify_any(signature, payload, public_keys)
    return parse_payload(payload)


def parse_payload(payload: bytes) -> Manifest:
    try:
        body = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ManifestError(f"manifest payload is not JSON: {exc}") from None
    except RecursionError:
        raise ManifestError("manifest payload is not JSON: nested too deeply") from None
    schema = body.get("schema") if isinstance(body, dict) else None
    if type(schema) is not int or schema != SCHEMA:
        raise ManifestError(f"manifest schema must be {SCHEMA}")
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ManifestError("manifest version must be a positive integer")
    try:
        created = datetime.fromisoformat(body["created"])
        expires = datetime.fromisoformat(body["expires"])
    except (KeyError, TypeError, ValueError):
        raise ManifestError("manifest 'created' and 'expires' must be ISO dates") from None
    if created.tzinfo is None or expires.tzinfo is None:
        raise ManifestError("manifest dates must carry a time zone")
    raw_objects = body.get("objects")
    if not isinstance(raw_objects, list) or not raw_objects or len(raw_objects) > MAX_OBJECTS:
        raise ManifestError("manifest must list between 1 and 5000 objects")
    objects, seen = [], set()
    for entry in raw_objects:
        if not isinstance(entry, dict):
            raise ManifestError("manifest object entries must be mappings")
        path, digest, length, role = (entry.get(k) for k in ("path", "sha256", "length", "role"))
        if not isinstance(path, str) or path in seen:
            raise ManifestError(f"bad or duplicate object path {show(path)}")
        if role != role_of(path):
            raise ManifestError(f"object {path!r} has role {show(role)}, expected {role_of(path)!r}")
        if not isinstance(digest, str) or not HASH_PATTERN.fullmatch(digest):
            raise ManifestError(f"object {path!r} has a malformed sha256")
        if not isinstance(length, int) or isinstance(length, bool) or not 0 <= length <= MAX_OBJECT_BYTES:
            raise ManifestError(f"object {path!r} has a bad length {show(length)}")
        seen.add(path)
        objects.append(ObjectEntry(path, digest, length, role))
    if "structure.yaml" not in seen:
        raise ManifestError("manifest has no structure.yaml")
    return Manifest(version, created.isoformat(), expires.isoformat(), tuple(objects), payload)
