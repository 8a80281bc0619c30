"""Servers for the sync tests: a real nginx on loopback and a fault-injecting server."""
from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on port {port}")


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    types {{ application/octet-stream signed; }}
    default_type application/octet-stream;
    log_format bytes '$request_method $uri $status $body_bytes_sent $bytes_sent';
    access_log {prefix}/access.log bytes;
    client_body_temp_path {prefix}/tmp;
    proxy_temp_path {prefix}/tmp;
    fastcgi_temp_path {prefix}/tmp;
    uwsgi_temp_path {prefix}/tmp;
    scgi_temp_path {prefix}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        etag on;
        location = /manifest.signed {{ add_header Cache-Control "no-cache"; }}
        location /objects/ {{ add_header Cache-Control "max-age=31536000, immutable"; }}
    }}
}}
"""


class Nginx:
    """nginx serving ``root`` on a loopback port, logging method, path, status and bytes."""

    def __init__(self, root: Path, workdir: Path) -> None:
        self.prefix = workdir
        (workdir / "tmp").mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        conf = workdir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(prefix=workdir, port=self.port, root=root))
        self.proc = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        wait_port(self.port)
        self.url = f"http://127.0.0.1:{self.port}/"

    def log(self) -> list[tuple[str, str, int, int, int]]:
        """(method, path, status, body bytes, total bytes) per request so far."""
        path = self.prefix / "access.log"
        rows = []
        for line in path.read_text().splitlines() if path.exists() else []:
            method, uri, status, body, total = line.split()
            rows.append((method, uri, int(status), int(body), int(total)))
        return rows

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class FaultServer:
    """A tiny HTTP server whose answer per path is decided by a test-supplied function.

    ``handler(path, request_handler)`` writes the whole response itself, so it can send
    wrong bytes, too many bytes, bytes one per second, errors or a reset connection.
    """

    def __init__(self, handler: Callable[[str, http.server.BaseHTTPRequestHandler], None]) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append(self.path)
                try:
                    handler(self.path, self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *_args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_file(handler: http.server.BaseHTTPRequestHandler, data: bytes, status: int = 200) -> None:
    handler.send_response(status)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def reset_connection(handler: http.server.BaseHTTPRequestHandler) -> None:
    """Close the socket with RST instead of an answer."""
    sock = handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()
    handler.close_connection = True


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: to prove nothing changed."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


__all__ = ["FaultServer", "Nginx", "free_port", "reset_connection", "serve_file", "tree_bytes", "os"]


def english_content(folder: Path) -> Path:
    """Make ``folder`` a content folder with the structure, media and the English texts:
    the small signed bundle the sync, image, proxy and rollback tests publish."""
    from conftest import copy_content

    return copy_content(folder, languages=())


def editor_key(tmp_path: Path) -> tuple[Path, list]:
    """A new signing key file in ``tmp_path`` and the public key list a kiosk trusts."""
    from sync.keys import generate_key_file, parse_public_key

    path = tmp_path / "editor.key"
    return path, [parse_public_key(generate_key_file(path))]
