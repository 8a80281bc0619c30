"""Background sync behind an HTTP proxy: the worker uses the standard proxy variables and
records every attempt that cannot reach the source.

A real forward proxy runs on loopback. It knows one made-up host name, which resolves
nowhere else, and sends requests for it to a local static file server holding a signed
bundle; any other host gets 404. So the kiosk can only sync from that host through the
proxy, exactly as behind a municipal proxy with no direct way out.
"""
from __future__ import annotations

import functools
import http.client
import http.server
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT
from contentlib.cache import current_cache_path
from sync.build import build
from sync.errors import DownloadError
from sync.fetch import FetchLimits, HttpSource
from sync.updater import SyncResult, status, sync_once
from sync.worker import SyncWorker
from sync_support import editor_key, english_content, free_port

HOST = "kiosk-content.example.invalid"
SECRET = "pr0xy-s3cret"
FAST = FetchLimits(connect_timeout=2, read_timeout=3, manifest_deadline=5, object_deadline=5,
                   retries=1, backoff=0.01)
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass


class StaticServer:
    """A static file server for ``root`` on a loopback port, noting each path asked for."""

    def __init__(self, root: Path) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append(self.path)
                super().do_GET()

        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
        )
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class ForwardProxy:
    """An HTTP forward proxy on loopback: absolute-URI GETs for ``http://HOST:port/...`` go to
    127.0.0.1:port; any other host, or a request not in proxy form, gets 404."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append(self.path)
                target = urlsplit(self.path)
                if target.scheme != "http" or target.hostname != HOST or target.port is None:
                    self._answer(404, {}, b"this proxy knows no such host")
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", target.port, timeout=10)
                forward = {"Host": target.netloc}
                for name in ("Range", "If-None-Match", "Accept-Encoding", "User-Agent"):
                    if self.headers.get(name):
                        forward[name] = self.headers[name]
                try:
                    upstream.request("GET", target.path or "/", headers=forward)
                    answer = upstream.getresponse()
                    body = answer.read()
                except OSError:
                    self._answer(502, {}, b"the origin server cannot be reached")
                    return
                finally:
                    upstream.close()
                kept = {name: answer.getheader(name) or ""
                        for name in ("ETag", "Content-Range", "Content-Type")}
                self._answer(answer.status, {k: v for k, v in kept.items() if v}, body)

            def _answer(self, code: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(code)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable of the machine running the tests (upper or lower case) applies."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.fixture
def key(tmp_path: Path) -> tuple[Path, list]:
    return editor_key(tmp_path)


@pytest.fixture
def origin(tmp_path: Path, key) -> Iterator[StaticServer]:
    """The static server holding a signed bundle built from the English content."""
    content = english_content(tmp_path / "content")
    build(content, tmp_path / "publish", key[0])
    server = StaticServer(tmp_path / "publish")
    yield server
    server.stop()


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    server = ForwardProxy()
    yield server
    server.stop()


def run_worker(source: str, keys: list, data: Path,
               attempts: int = 1) -> list[tuple[SyncResult | None, str | None]]:
    """Start a real SyncWorker, wake it ``attempts`` times, and return what it reported."""
    reported: list[tuple[SyncResult | None, str | None]] = []
    done = threading.Event()

    def on_result(result: SyncResult | None, error: str | None) -> None:
        reported.append((result, error))
        done.set()

    worker = SyncWorker(source, keys, data, 3600, on_result, random.Random(7), FAST)
    worker.start()
    try:
        for attempt in range(attempts):
            done.clear()
            worker.poll_now()
            assert done.wait(60), f"attempt {attempt + 1}: the worker reported nothing"
    finally:
        worker.stop()
        worker.thread.join(30)
    assert not worker.thread.is_alive()
    return reported


def test_the_worker_syncs_through_the_proxy_named_by_http_proxy(
        tmp_path: Path, key, origin: StaticServer, proxy: ForwardProxy,
        no_proxy_env: pytest.MonkeyPatch) -> None:
    no_proxy_env.setenv("HTTP_PROXY", proxy.url)
    source = f"http://{HOST}:{origin.port}/"
    data = tmp_path / "kiosk"
    [(result, error)] = run_worker(source, key[1], data)
    assert error is None and result is not None
    assert (result.outcome, result.version) == ("applied", 1)
    assert current_cache_path(data) is not None
    # every request went through the proxy, in proxy form, to the made-up host
    assert proxy.requests[0] == f"{source}manifest.signed"
    assert any(r.startswith(f"{source}objects/") for r in proxy.requests)
    assert all(r.startswith(source) for r in proxy.requests)
    assert len(origin.requests) == len(proxy.requests)
    report = status(data)
    assert report["error_count"] == 0 and report["last_error"] is None
    assert report["last_success"] is not None and report["sync_version"] == 1


def test_without_the_proxy_each_attempt_is_reported_and_counted(
        tmp_path: Path, key, origin: StaticServer, proxy: ForwardProxy,
        no_proxy_env: pytest.MonkeyPatch) -> None:
    source = f"http://{HOST}:{origin.port}/"
    data = tmp_path / "kiosk"
    reported = run_worker(source, key[1], data, attempts=2)
    assert [result for result, _error in reported] == [None, None]
    for _result, error in reported:
        assert error == (f"cannot reach {source} (direct, no proxy): "
                         "the host name could not be resolved")
    report = status(data)
    assert report["error_count"] == 2 and report["last_error"] == reported[-1][1]
    assert report["last_check"] is not None and report["last_success"] is None
    assert proxy.requests == [] and origin.requests == []
    assert current_cache_path(data) is None


def test_a_proxy_that_cannot_be_reached_is_named_without_its_password(
        tmp_path: Path, key, origin: StaticServer, no_proxy_env: pytest.MonkeyPatch) -> None:
    closed = free_port()
    no_proxy_env.setenv("HTTP_PROXY", f"http://kiosk:{SECRET}@127.0.0.1:{closed}")
    source = f"http://{HOST}:{origin.port}/"
    data = tmp_path / "kiosk"
    [(result, error)] = run_worker(source, key[1], data)
    assert result is None
    assert error == (f"cannot reach {source} through proxy http://127.0.0.1:{closed}: "
                     "the proxy failed: connection refused")
    report = status(data)
    assert report["error_count"] == 1 and report["last_error"] == error
    assert SECRET not in (data / "sync" / "state.json").read_text(encoding="utf-8")
    assert origin.requests == []


@pytest.mark.parametrize("case", ["https-tunnel-refused", "no-proxy-bypass"])
def test_a_failure_names_the_route_the_proxy_variables_chose(
        tmp_path: Path, key, origin: StaticServer, proxy: ForwardProxy,
        no_proxy_env: pytest.MonkeyPatch, case: str) -> None:
    with_password = proxy.url.replace("http://", f"http://kiosk:{SECRET}@")
    if case == "https-tunnel-refused":  # the test proxy answers CONNECT with 501
        no_proxy_env.setenv("HTTPS_PROXY", with_password)
        source = f"https://{HOST}:{origin.port}/"
        expected = (f"cannot reach {source} through proxy {proxy.url}: the proxy failed: "
                    "it refused the HTTPS tunnel: 501 Unsupported method ('CONNECT')")
    else:  # NO_PROXY names the host: requests goes direct, and the message says so
        no_proxy_env.setenv("HTTP_PROXY", with_password)
        no_proxy_env.setenv("NO_PROXY", f"localhost,{HOST}")
        source = f"http://{HOST}:{origin.port}/"
        expected = f"cannot reach {source} (direct, no proxy): the host name could not be resolved"
    data = tmp_path / "kiosk"
    with pytest.raises(DownloadError) as caught:
        sync_once(HttpSource(source, FAST), key[1], data)
    assert str(caught.value) == expected
    report = status(data)
    assert report["error_count"] == 1 and report["last_error"] == expected
    assert SECRET not in (data / "sync" / "state.json").read_text(encoding="utf-8")
    assert proxy.requests == []  # no GET went through it (CONNECT is refused, not logged)
    assert origin.requests == []


def test_kiosk_sync_once_uses_the_proxy_and_reports_its_refusal_without_the_password(
        tmp_path: Path, key, origin: StaticServer, proxy: ForwardProxy,
        no_proxy_env: pytest.MonkeyPatch) -> None:
    from sync.keys import public_key_string

    source = f"http://other-host.example.invalid:{origin.port}/"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[sync]\nsource = "{source}"\n'
                      f'public_keys = ["{public_key_string(key[1][0])}"]\n', encoding="utf-8")
    data = tmp_path / "kiosk"
    proxy_url = proxy.url.replace("http://", f"http://kiosk:{SECRET}@")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "sync", "--once", "--config", str(config),
         "--data-dir", str(data)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "HTTP_PROXY": proxy_url},
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (f"kiosk sync: failed: manifest from {source} through proxy "
                                     f"{proxy.url}: the answer was HTTP 404")
    assert proxy.requests == [f"{source}manifest.signed"] and origin.requests == []
    report = status(data)
    assert report["error_count"] == 1 and SECRET not in report["last_error"]
