"""Getting manifests and objects from a web server or a folder (USB stick), with limits.

Every download has a length cap and an overall deadline; web requests use one requests
Session with retries and back-off, send ``If-None-Match`` for the manifest, and resume a
partly downloaded object with a ``Range`` request.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util import Retry

from sync.errors import DeadlineError, DownloadError, HashMismatchError, TooLargeError
from sync.manifest import MAX_MANIFEST_BYTES

USER_AGENT = "eu-citizens-kiosk/0.1 (content sync)"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    manifest_deadline: float = 60.0
    object_deadline: float = 300.0
    """Seconds one object may take in all (a server trickling bytes is cut off)."""
    retries: int = 3
    backoff: float = 1.0


@dataclass(frozen=True)
class ManifestResponse:
    data: bytes | None
    """None when the server said nothing changed (304)."""
    etag: str | None


class Source(Protocol):
    def get_manifest(self, etag: str | None) -> ManifestResponse: ...

    def fetch_object(self, digest: str, length: int, partial: Path) -> None:
        """Complete ``partial`` to exactly ``length`` bytes of object ``digest``."""


def declared_length(response: requests.Response, what: str) -> int | None:
    """The response's ``Content-Length`` (None when absent or blank). When it is not a plain
    decimal number, as a broken or hostile server may send, the response is closed and
    :class:`DownloadError` raised."""
    text = (response.headers.get("Content-Length") or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 18:  # 18 digits: up to an exabyte
        response.close()
        raise DownloadError(f"{what}: the server sent a bad Content-Length {text[:40]!r}")
    return int(text)


def finish_object(partial: Path, digest: str, length: int) -> None:
    """Check a downloaded object's length and hash; remove it if they do not match."""
    size = partial.stat().st_size
    if size != length:
        partial.unlink(missing_ok=True)
        raise HashMismatchError(f"object {digest[:12]}: {size} bytes, the manifest says {length}")
    sha = hashlib.sha256()
    with open(partial, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            sha.update(block)
    if sha.hexdigest() != digest:
        partial.unlink(missing_ok=True)
        raise HashMismatchError(f"object {digest[:12]}: its bytes do not match the signed hash")


class HttpSource:
    def __init__(self, base_url: str, limits: FetchLimits = FetchLimits()) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.limits = limits
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        retry = Retry(
            total=limits.retries,
            connect=limits.retries,
            read=limits.retries,
            status=limits.retries,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            backoff_factor=limits.backoff,
            backoff_jitter=limits.backoff / 2,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _get(self, path: str, headers: dict[str, str]) -> requests.Response:
        try:
            response = self.session.get(
                self.base_url + path,
                headers=headers,
                stream=True,
                timeout=(self.limits.connect_timeout, self.limits.read_timeout),
            )
        except requests.RequestException as exc:
            raise DownloadError(f"cannot reach {self.base_url}: {type(exc).__name__}") from None
        return response

    def _stream(self, response: requests.Response, sink, cap: int, deadline: float, what: str) -> int:
        received = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise DeadlineError(f"{what}: not complete before its deadline (server too slow)")
                block = response.raw.read1(CHUNK)
                if not block:
                    return received
                received += len(block)
                if received > cap:
                    raise TooLargeError(f"{what}: longer than the {cap} bytes allowed")
                sink(block)
        except (requests.RequestException, Urllib3Error, OSError, ValueError) as exc:
            # urllib3 raises its own errors for a body cut short (ProtocolError) or too slow
            if isinstance(exc, DownloadError):
                raise
            raise DownloadError(f"{what}: connection failed ({type(exc).__name__})") from None
        finally:
            response.close()

    def get_manifest(self, etag: str | None) -> ManifestResponse:
        headers = {"Accept-Encoding": "identity", "Cache-Control": "no-cache"}
        if etag:
            headers["If-None-Match"] = etag
        response = self._get("manifest.signed", headers)
        if response.status_code == 304:
            response.close()
            return ManifestResponse(None, etag)
        if response.status_code != 200:
            response.close()
            raise DownloadError(f"manifest: the server answered HTTP {response.status_code}")
        declared = declared_length(response, "manifest") or 0
        if declared > MAX_MANIFEST_BYTES:
            response.close()
            raise TooLargeError(f"manifest: {declared} bytes declared, over the {MAX_MANIFEST_BYTES} cap")
        chunks: list[bytes] = []
        deadline = time.monotonic() + self.limits.manifest_deadline
        self._stream(response, chunks.append, MAX_MANIFEST_BYTES, deadline, "manifest")
        return ManifestResponse(b"".join(chunks), response.headers.get("ETag"))

    def fetch_object(self, digest: str, length: int, partial: Path) -> None:
        have = partial.stat().st_size if partial.exists() else 0
        if have > length:
            partial.unlink()
            have = 0
        headers = {"Accept-Encoding": "identity"}
        if 0 < have < length:
            headers["Range"] = f"bytes={have}-"
        if have < length or length == 0:
            response = self._get(f"objects/{digest}", headers)
            if response.status_code == 206 and response.headers.get("Content-Range", "").startswith(
                f"bytes {have}-"
            ):
                mode = "ab"
            elif response.status_code == 200:
                mode, have = "wb", 0
            else:
                response.close()
                raise DownloadError(f"object {digest[:12]}: the server answered HTTP {response.status_code}")
            declared = declared_length(response, f"object {digest[:12]}")
            if declared is not None and declared > length - have:
                response.close()
                raise TooLargeError(f"object {digest[:12]}: longer than the {length} bytes signed")
            deadline = time.monotonic() + self.limits.object_deadline
            with open(partial, mode) as fh:
                self._stream(response, fh.write, length - have, deadline, f"object {digest[:12]}")
                fh.flush()
                os.fsync(fh.fileno())
        finish_object(partial, digest, length)


class FolderSource:
    """A published bundle in a folder: a USB stick, a network share, a test fixture."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def get_manifest(self, etag: str | None) -> ManifestResponse:
        path = self.root / "manifest.signed"
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_MANIFEST_BYTES + 1)
        except OSError as exc:
            raise DownloadError(f"{path}: cannot read ({exc.strerror})") from None
        if len(data) > MAX_MANIFEST_BYTES:
            raise TooLargeError(f"{path}: over the {MAX_MANIFEST_BYTES}-byte cap")
        tag = hashlib.sha256(data).hexdigest()
        return ManifestResponse(None if tag == etag else data, tag)

    def fetch_object(self, digest: str, length: int, partial: Path) -> None:
        path = self.root / "objects" / digest
        try:
            with open(path, "rb") as src, open(partial, "wb") as dst:
                data = src.read(length + 1)
                if len(data) > length:
                    raise TooLargeError(f"{path}: longer than the {length} bytes signed")
                dst.write(data)
                dst.flush()
                os.fsync(dst.fileno())
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise DownloadError(f"{path}: cannot read ({exc.strerror})") from None
        finish_object(partial, digest, length)


def open_source(source: str, limits: FetchLimits = FetchLimits()) -> Source:
    if source.startswith(("http://", "https://")):
        return HttpSource(source, limits)
    return FolderSource(Path(source))
