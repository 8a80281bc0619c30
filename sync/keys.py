"""Ed25519 signing keys for content bundles (the ``cryptography`` package).

A public key is written as one line, ``ed25519:<base64 of the 32 raw bytes>``: exactly the
string that goes into the config's ``[sync] public_keys``. The private key file holds the
PKCS#8 PEM and is created readable by its owner only.
"""
from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.errors import SignatureError

PREFIX = "ed25519:"


def public_key_string(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PREFIX + base64.b64encode(raw).decode()


def parse_public_key(text: str) -> Ed25519PublicKey:
    if not text.startswith(PREFIX):
        raise ValueError(f"public key must start with '{PREFIX}': {text!r}")
    try:
        raw = base64.b64decode(text[len(PREFIX):], validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise ValueError(f"not an Ed25519 public key: {text!r} ({exc})") from None


def read_key_lines(path: Path) -> list[str]:
    """The public keys in a pinned-keys file; a missing file pins none.

    Raises ValueError naming the file and line for a line that is not a valid key."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    keys = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parse_public_key(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from None
        keys.append(line)
    return keys


def trusted_keys(pinned_file: Path, configured: tuple[str, ...] | list[str]) -> list[str]:
    """Pinned keys first, then the config's ``[sync] public_keys``, without repeats."""
    return list(dict.fromkeys([*read_key_lines(pinned_file), *configured]))


def generate_key_file(path: Path) -> str:
    """Create a new private key file (mode 0600, never overwritten); return the public key."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return public_key_string(key.public_key())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def verify_any(signature: bytes, payload: bytes, public_keys: list[Ed25519PublicKey]) -> None:
    """Pass when any pinned key verifies ``signature`` over the exact ``payload`` bytes."""
    for key in public_keys:
        try:
            key.verify(signature, payload)
            return
        except InvalidSignature:
            continue
    raise SignatureError("the manifest is not signed by any pinned public key")
