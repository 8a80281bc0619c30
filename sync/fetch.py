"""Getting manifests and objects from a web server or a folder (USB stick), with limits.

Every download has a length cap and an overall deadline; web requests use one requests
Session with retries and back-off, send ``If-None-Match`` for the manifest, and resume a
partly downloaded object with a ``Range`` request. The Session trusts the environment, so
the standard proxy variables (``HTTP_PROXY``, ``HTTPS_PROXY``, ``NO_PROXY``) apply; every
failure message names the source and the proxy in use, never a user name or password.
"""
from __future__ import annotations

import hashlib
import os
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies, select_proxy
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError
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


def redact_url(url: str) -> str:
    """``url`` without the user name and password its authority may carry, for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    authority, slash, path = rest.partition("/")
    return f"{scheme}{sep}{authority.rpartition('@')[2]}{slash}{path}"


def proxy_for(session: requests.Session, url: str) -> str | None:
    """The proxy ``session`` uses for ``url``, without credentials; None when direct."""
    try:
        proxies: dict[str, str] = {}
        if session.trust_env:  # what requests itself does: the environment first, then the session
            proxies.update(get_environ_proxies(url, no_proxy=session.proxies.get("no_proxy")))
        for scheme, value in session.proxies.items():
            proxies.setdefault(scheme, value)
        proxy = select_proxy(url, proxies)
    except ValueError:
        return "(an unreadable proxy setting)"
    if not proxy:
        return None
    # A proxy URL has no path, so everything up to its last "@" is user name and password,
    # even when it is written without a scheme or with a "/" in the password.
    scheme, sep, rest = proxy.partition("://")
    if not sep:
        scheme, rest = "", proxy
    return f"{scheme}{sep}{rest.rpartition('@')[2]}"


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception it wraps (requests and urllib3 nest them several deep)."""
    found: list[BaseException] = []
    stack = [exc]
    while stack and len(found) < 50:
        current = stack.pop()
        if any(current is seen for seen in found):
            continue
        found.append(current)
        for inner in (getattr(current, "reason", None), current.__cause__, current.__context__,
                      *current.args):
            if isinstance(inner, BaseException):
                stack.append(inner)
    return found


def failure_reason(exc: BaseException) -> str:
    """A short reason for a failed request; it never quotes a URL, so no password can leak."""
    causes = _causes(exc)

    def has(*kinds: type[BaseException]) -> bool:
        return any(isinstance(c, kinds) for c in causes)

    if has(requests.exceptions.InvalidProxyURL):
        return "the proxy setting is not a valid URL"
    if any(isinstance(c, requests.exceptions.InvalidSchema) and "SOCKS" in str(c) for c in causes):
        return "SOCKS proxies are not supported (use an HTTP proxy)"
    if has(requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
           requests.exceptions.MissingSchema):
        return "the source URL or the proxy setting is not a valid URL"
    if has(socket.gaierror, NameResolutionError):
        reason = "the host name could not be resolved"
    elif has(ConnectionRefusedError):
        reason = "connection refused"
    elif has(ConnectionResetError):
        reason = "connection reset"
    elif has(requests.exceptions.SSLError, ssl.SSLError):
        reason = "TLS failed (certificate or handshake)"
    elif has(requests.exceptions.Timeout, ConnectTimeoutError, TimeoutError):
        reason = "no answer in time"
    else:
        tunnel = [str(c.args[0]) for c in causes if isinstance(c, OSError) and c.args
                  and str(c.args[0]).startswith("Tunnel connection failed: ")]
        errors = [c for c in causes if isinstance(c, OSError) and c.strerror]
        if tunnel:  # an HTTPS source: the proxy answered CONNECT with an error status
            reason = "it refused the HTTPS tunnel: " + tunnel[0].split(": ", 1)[1][:80]
        else:
            reason = errors[-1].strerror if errors else type(exc).__name__
    if has(requests.exceptions.ProxyError):
        return f"the proxy failed: {reason}"
    return reason


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
        self.session.trust_env = True  # the default, stated: HTTP(S)_PROXY and NO_PROXY apply
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

    def describe(self) -> str:
        """The source for messages: its URL and the proxy in use, without credentials."""
        proxy = proxy_for(self.session, self.base_url)
        route = f"through proxy {proxy}" if proxy else "(direct, no proxy)"
        return f"{redact_url(self.base_url)} {route}"

    def _get(self, path: str, headers: dict[str, str]) -> requests.Response:
        try:
            response = self.session.get(
                self.base_url + path,
                headers=headers,
                stream=True,
                timeout=(self.limits.connect_timeout, self.limits.read_timeout),
            )
        except (requests.RequestException, Urllib3Error, OSError, ValueError) as exc:
            raise DownloadError(f"cannot reach {self.describe()}: {failure_reason(exc)}") from None
        return response

    def _refused(self, response: requests.Response, what: str) -> DownloadError:
        """Close an unexpected answer; the error to raise names the source, proxy and status."""
        response.close()
        hint = " (the proxy wants a user name and password)" if response.status_code == 407 else ""
        return DownloadError(f"{what} from {self.describe()}: the answer was HTTP "
                             f"{response.status_code}{hint}")

    def _stream(self, response: requests.Response, sink, cap: int, deadline: float, what: str) -> int:
        where = f"{what} from {redact_url(self.base_url)}"
        received = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise DeadlineError(
                        f"{where}: not complete before its deadline (server too slow)"
                    )
                block = response.raw.read1(CHUNK)
                if not block:
                    return received
                received += len(block)
                if received > cap:
                    raise TooLargeError(f"{where}: longer than the {cap} bytes allowed")
                sink(block)
        except (requests.RequestException, Urllib3Error, OSError, ValueError) as exc:
            # urllib3 raises its own errors for a body cut short (ProtocolError) or too slow
            if isinstance(exc, DownloadError):
                raise
            raise DownloadError(f"{where}: connection failed ({failure_reason(exc)})") from None
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
            raise self._refused(response, "manifest")
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
                raise self._refused(response, f"object {digest[:12]}")
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
        if not self.root.is_dir():
            raise DownloadError(
                f"content source folder {self.root} does not exist or is not a folder "
                "(is the USB stick or network share mounted?)"
            )
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
    """The source named by ``source``: a web server for an http(s) URL, else a folder."""
    if source.startswith(("http://", "https://")):
        return HttpSource(source, limits)
    return FolderSource(Path(source))
