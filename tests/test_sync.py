"""Signed content bundles: build, publish, and the kiosk's verified, crash-safe update."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT
from contentlib.cache import current_cache_path
from contentlib.store import ContentStore
from sync.build import BuildError, build
from sync.errors import (
    DeadlineError,
    DiskFullError,
    DownloadError,
    HashMismatchError,
    ManifestError,
    RollbackError,
    SignatureError,
    TooLargeError,
    UnsafePathError,
)
from sync.fetch import FetchLimits, FolderSource, HttpSource
from sync.keys import generate_key_file, load_private_key, parse_public_key
from sync.manifest import ObjectEntry, encode_payload, sign
from sync.publish import publish
from sync.updater import SyncState, status, sync_once
from sync_support import (
    FaultServer,
    Nginx,
    editor_key,
    english_content,
    free_port,
    reset_connection,
    serve_file,
    tree_bytes,
)

FAST = FetchLimits(connect_timeout=2, read_timeout=3, manifest_deadline=3, object_deadline=3,
                   retries=2, backoff=0.01)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content folder with the structure, media and the English texts."""
    return english_content(tmp_path / "content")


@pytest.fixture
def key(tmp_path: Path) -> tuple[Path, list]:
    return editor_key(tmp_path)


@pytest.fixture
def published(tmp_path: Path, content: Path, key) -> Path:
    out = tmp_path / "publish"
    build(content, out, key[0])
    return out


def in_use(data_dir: Path) -> dict[str, bytes]:
    """The content in use: the pointer file and every cache file, byte for byte."""
    files = tree_bytes(data_dir / "cache")
    pointer = data_dir / "current"
    files["current"] = pointer.read_bytes() if pointer.exists() else b""
    return files


def edit_guide(content: Path, lang: str = "en", guide: str = "ep-voting") -> None:
    path = content / lang / "guides" / f"{guide}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("One vote only", "Only one vote"), encoding="utf-8")


# ------------------------------------------------------------------ editors' tool


def test_keygen_writes_an_owner_only_key_and_prints_the_config_string(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "kiosk.content_cli", "keygen", "--out", str(tmp_path / "k")],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    public = result.stdout.strip()
    assert public.startswith("ed25519:") and len(public.splitlines()) == 1
    parse_public_key(public)
    assert (tmp_path / "k").stat().st_mode & 0o777 == 0o600
    again = subprocess.run([sys.executable, "-m", "kiosk.content_cli", "keygen", "--out", str(tmp_path / "k")],
                           cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 1 and "refusing to overwrite" in again.stderr


def test_build_writes_objects_per_file_then_the_manifest(published: Path, content: Path) -> None:
    files = [p for p in content.rglob("*") if p.is_file()]
    objects = list((published / "objects").iterdir())
    assert len(objects) == len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
    for obj in objects:
        assert hashlib.sha256(obj.read_bytes()).hexdigest() == obj.name
    assert (published / "manifests" / "1.signed").read_bytes() == (published / "manifest.signed").read_bytes()
    payload = json.loads((published / "manifest.signed").read_bytes().split(b"\n", 1)[1])
    assert payload["version"] == 1 and payload["schema"] == 1 and payload["expires"] > payload["created"]
    roles = {o["path"]: o["role"] for o in payload["objects"]}
    assert roles["en/guides/ep-voting.md"] == "guide" and roles["media/ballot-box.png"] == "media"


def test_a_second_build_adds_only_changed_objects_and_never_overwrites(published: Path, content: Path, key) -> None:
    before = tree_bytes(published / "objects")
    edit_guide(content)
    assert build(content, published, key[0]) == 2
    after = tree_bytes(published / "objects")
    assert {k: v for k, v in after.items() if k in before} == before
    assert len(after) == len(before) + 1
    with pytest.raises(BuildError, match="must be higher"):
        build(content, published, key[0], version=2)


def test_building_from_bad_content_publishes_nothing(tmp_path: Path, content: Path, key) -> None:
    structure = content / "structure.yaml"
    structure.write_text(structure.read_text(encoding="utf-8").replace("answer: one-only", "answer: none"), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.content_cli", "build", str(content), "--out", str(out), "--key", str(key[0])],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "structure.yaml:" in result.stderr and "answer 'none'" in result.stderr
    assert not out.exists()


# ------------------------------------------------------------------ the kiosk's sync


@pytest.fixture
def nginx(tmp_path: Path, published: Path):
    server = Nginx(published, tmp_path / "nginx")
    yield server
    server.stop()


def test_fresh_sync_then_304_then_only_the_changed_object(tmp_path: Path, nginx: Nginx, content: Path,
                                                          published: Path, key) -> None:
    data = tmp_path / "kiosk"
    result = sync_once(HttpSource(nginx.url, FAST), key[1], data)
    assert (result.outcome, result.version) == ("applied", 1)
    store = ContentStore(current_cache_path(data))
    assert store.meta("origin") == "sync" and store.document("ep-voting", "en").title.startswith("Voting")
    first = nginx.log()
    first_bytes = sum(row[4] for row in first)
    assert first[0][1] == "/manifest.signed" and all(r[2] == 200 for r in first)

    assert sync_once(HttpSource(nginx.url, FAST), key[1], data).outcome == "unchanged"
    second = nginx.log()[len(first):]
    assert [(r[1], r[2]) for r in second] == [("/manifest.signed", 304)]

    edit_guide(content)
    build(content, published, key[0])
    assert sync_once(HttpSource(nginx.url, FAST), key[1], data).version == 2
    third = nginx.log()[len(first) + 1:]
    changed = hashlib.sha256((content / "en/guides/ep-voting.md").read_bytes()).hexdigest()
    assert [(r[1], r[2]) for r in third] == [("/manifest.signed", 200), (f"/objects/{changed}", 200)]
    blocks = ContentStore(current_cache_path(data)).document("ep-voting", "en").blocks
    assert any(b.plain_text() == "Only one vote" for b in blocks)
    print(f"\nbytes from nginx: first sync {first_bytes}, no-change poll {second[0][4]}, "
          f"one-guide change {sum(r[4] for r in third)}")


def synced(tmp_path: Path, published: Path, key) -> Path:
    data = tmp_path / "kiosk"
    sync_once(FolderSource(published), key[1], data)
    return data


@pytest.mark.parametrize("where", ["payload", "signature", "header"])
def test_a_flipped_byte_in_the_manifest_is_rejected(tmp_path: Path, published: Path, content: Path,
                                                    key, where: str) -> None:
    data = synced(tmp_path, published, key)
    before = in_use(data)
    edit_guide(content)
    build(content, published, key[0])
    manifest = bytearray((published / "manifest.signed").read_bytes())
    index = {"payload": len(manifest) - 20, "signature": 30, "header": 3}[where]
    manifest[index] ^= 0x01
    (published / "manifest.signed").write_bytes(bytes(manifest))
    with pytest.raises((SignatureError, ManifestError)):
        sync_once(FolderSource(published), key[1], data)
    assert in_use(data) == before
    assert "manifest" in status(data)["last_error"]


def test_a_flipped_byte_in_an_object_is_rejected(tmp_path: Path, published: Path, content: Path, key) -> None:
    data = synced(tmp_path, published, key)
    before = in_use(data)
    edit_guide(content)
    build(content, published, key[0])
    changed = published / "objects" / hashlib.sha256((content / "en/guides/ep-voting.md").read_bytes()).hexdigest()
    raw = bytearray(changed.read_bytes())
    raw[10] ^= 0x20
    changed.write_bytes(bytes(raw))
    with pytest.raises(HashMismatchError):
        sync_once(FolderSource(published), key[1], data)
    assert in_use(data) == before
    assert not any((data / "sync" / "objects").glob(changed.name))


def test_a_bundle_signed_by_another_key_is_rejected(tmp_path: Path, published: Path, content: Path) -> None:
    other = tmp_path / "other.key"
    generate_key_file(other)
    data = tmp_path / "kiosk"
    (tmp_path / "pinned.key").unlink(missing_ok=True)
    pinned = [parse_public_key(generate_key_file(tmp_path / "pinned.key"))]
    build(content, tmp_path / "evil", other)
    with pytest.raises(SignatureError, match="not signed by any pinned public key"):
        sync_once(FolderSource(tmp_path / "evil"), pinned, data)
    assert current_cache_path(data) is None


def test_an_older_version_is_rejected_also_after_a_restart(tmp_path: Path, published: Path, content: Path,
                                                          key) -> None:
    data = synced(tmp_path, published, key)
    old_manifest = (published / "manifest.signed").read_bytes()
    edit_guide(content)
    build(content, published, key[0])
    assert sync_once(FolderSource(published), key[1], data).version == 2
    before = in_use(data)
    (published / "manifest.signed").write_bytes(old_manifest)  # replay v1
    with pytest.raises(RollbackError, match="older"):
        sync_once(FolderSource(published), key[1], data)
    # a new process (a restart) remembers the applied version too
    config = tmp_path / "kiosk.toml"
    public = json.dumps([f"ed25519:{__import__('base64').b64encode(key[1][0].public_bytes_raw()).decode()}"])
    config.write_text(f'[sync]\nsource = "{published}"\npublic_keys = {public}\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "sync", "--once", "--config", str(config), "--data-dir", str(data)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 1 and "older than the applied version 2" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert in_use(data) == before


def test_a_manifest_over_the_size_cap_is_rejected(tmp_path: Path, published: Path, key) -> None:
    data = synced(tmp_path, published, key)
    before = in_use(data)
    manifest = published / "manifest.signed"
    manifest.write_bytes(manifest.read_bytes() + b" " * (300 * 1024))
    with pytest.raises(TooLargeError):
        sync_once(FolderSource(published), key[1], data)
    server = FaultServer(lambda path, h: serve_file(h, manifest.read_bytes()))
    try:
        with pytest.raises(TooLargeError):
            sync_once(HttpSource(server.url, FAST), key[1], data)
    finally:
        server.stop()
    assert in_use(data) == before


def test_an_object_path_escaping_the_data_folder_is_rejected(tmp_path: Path, published: Path, key) -> None:
    data = synced(tmp_path, published, key)
    before = in_use(data)
    payload = json.loads((published / "manifest.signed").read_bytes().split(b"\n", 1)[1])
    evil = [ObjectEntry(o["path"], o["sha256"], o["length"], o["role"]) for o in payload["objects"]]
    evil.append(ObjectEntry("../../escaped.md", evil[0].sha256, evil[0].length, "guide"))
    from datetime import datetime, timedelta, timezone
    now = datetime.now(timezone.utc)
    signed = sign(encode_payload(5, now, now + timedelta(days=1), evil), load_private_key(key[0]))
    (published / "manifest.signed").write_bytes(signed)
    with pytest.raises(UnsafePathError):
        sync_once(FolderSource(published), key[1], data)
    assert in_use(data) == before
    assert not list(tmp_path.rglob("escaped.md"))


def test_a_full_disk_gives_one_clear_error_and_no_downloads(tmp_path: Path, published: Path, content: Path,
                                                            key) -> None:
    data = synced(tmp_path, published, key)
    before = in_use(data)
    edit_guide(content)
    build(content, published, key[0])
    requests_seen: list[str] = []
    source = FolderSource(published)
    original = source.fetch_object
    source.fetch_object = lambda *a: (requests_seen.append(a[0]), original(*a))  # type: ignore[method-assign]
    with pytest.raises(DiskFullError, match="not enough free space"):
        sync_once(source, key[1], data, free_space=lambda _p: 1024)
    assert requests_seen == [] and in_use(data) == before
    assert status(data)["last_error"].startswith("not enough free space")


# ------------------------------------------------------------------ hostile servers


def object_name(content: Path) -> str:
    return hashlib.sha256((content / "en/guides/ep-voting.md").read_bytes()).hexdigest()


def faulty(published: Path, target: str, behaviour):
    def handler(path: str, h) -> None:
        name = path.lstrip("/")
        if name == target:
            behaviour(h, (published / name).read_bytes())
        else:
            serve_file(h, (published / name).read_bytes())
    return FaultServer(handler)


def endless(h, data: bytes) -> None:
    h.send_response(200)
    h.end_headers()  # no Content-Length: the body goes on and on
    h.close_connection = True
    for _ in range(10_000):
        h.wfile.write(b"x" * 4096)


def trickle(h, data: bytes) -> None:
    h.send_response(200)
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    for byte in data[:50]:
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(1)


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [(endless, TooLargeError), (trickle, DeadlineError),
     (lambda h, d: serve_file(h, b"server error", 500), DownloadError),
     (lambda h, d: reset_connection(h), DownloadError)],
    ids=["endless-body", "trickle-1-byte-per-s", "http-500", "connection-reset"],
)
def test_hostile_object_downloads_are_cut_off(tmp_path: Path, published: Path, content: Path, key,
                                               behaviour, error) -> None:
    data = synced(tmp_path, published, key)
    before = in_use(data)
    edit_guide(content)
    build(content, published, key[0])
    server = faulty(published, f"objects/{object_name(content)}", behaviour)
    try:
        started = time.monotonic()
        with pytest.raises(error):
            sync_once(HttpSource(server.url, FAST), key[1], data)
        assert time.monotonic() - started < 30
    finally:
        server.stop()
    assert in_use(data) == before
    hits = [p for p in server.requests if p.startswith("/objects/")]
    if error is DownloadError:
        assert len(hits) == 1 + FAST.retries  # retried, then gave up
    assert sync_once(FolderSource(published), key[1], data).version == 2  # and a later sync works


def test_a_resumed_download_completes_the_partial_file(tmp_path: Path, published: Path, content: Path, key,
                                                        nginx: Nginx) -> None:
    data = synced(tmp_path, published, key)
    edit_guide(content)
    build(content, published, key[0])
    name = object_name(content)
    partial = data / "sync" / "tmp" / name
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes((published / "objects" / name).read_bytes()[:100])
    assert sync_once(HttpSource(nginx.url, FAST), key[1], data).version == 2
    ranged = [r for r in nginx.log() if r[1] == f"/objects/{name}"]
    assert ranged and ranged[-1][2] == 206


# ------------------------------------------------------------------ crash safety


def run_sync_cli(config: Path, data: Path, crash_at: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if crash_at is not None:
        env["KIOSK_SYNC_CRASH_AT"] = str(crash_at)
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "sync", "--once", "--config", str(config), "--data-dir", str(data)],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )


@pytest.mark.slow
def test_sigkill_at_every_moment_of_a_sync_leaves_old_or_new(tmp_path: Path, published: Path, content: Path,
                                                             key) -> None:
    from sync.keys import public_key_string

    config = tmp_path / "kiosk.toml"
    config.write_text(f'[sync]\nsource = "{published}"\npublic_keys = ["{public_key_string(key[1][0])}"]\n',
                      encoding="utf-8")
    template = tmp_path / "template"
    assert run_sync_cli(config, template).returncode == 0
    # Version 2 changes three guides: three new objects to download. Every checkpoint of the
    # updater is then reached: before and after the first, a middle and the last download,
    # and each step after the downloads. (Changing every guide gave 76 moments and 200 s,
    # the same checkpoints again for each further download.)
    changed = sorted((content / "en" / "guides").glob("*.md"))[:3]
    for path in changed:
        path.write_text(path.read_text(encoding="utf-8") + "\nUpdated.\n", encoding="utf-8")
    build(content, published, key[0])
    moments = 0
    for crash_at in range(1, 200):
        data = tmp_path / f"run-{crash_at}"
        shutil.copytree(template, data)
        result = run_sync_cli(config, data, crash_at)
        if result.returncode == 0:
            break  # the sync finished before reaching this checkpoint: all moments covered
        assert result.returncode == -signal.SIGKILL, result.stderr
        moments += 1
        cache = current_cache_path(data)
        assert cache is not None
        assert sqlite3.connect(cache).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version = ContentStore(cache).meta("sync_version")
        assert version in ("1", "2")
        again = run_sync_cli(config, data)
        assert again.returncode == 0, again.stderr
        assert ContentStore(current_cache_path(data)).meta("sync_version") == "2"
        assert SyncState(data).get("last_version") == 2
        shutil.rmtree(data)
    # two around each download, one after them all, one once the staging folder is filled,
    # one after the cache is built, one after the switch, one after the state is saved
    expected = 2 * len(changed) + 5
    assert moments >= expected, f"only {moments} of at least {expected} crash points were reached"


# ------------------------------------------------------------------ publishing


def test_publish_to_a_folder_then_an_interrupted_publish_keeps_the_old_manifest(tmp_path: Path, published: Path,
                                                                                content: Path, key) -> None:
    dest = tmp_path / "site"
    publish(published, str(dest))
    data = tmp_path / "kiosk"
    assert sync_once(FolderSource(dest), key[1], data).version == 1
    edit_guide(content)
    build(content, published, key[0])
    # an interruption after the objects: copy only those
    for obj in (published / "objects").iterdir():
        if not (dest / "objects" / obj.name).exists():
            shutil.copy(obj, dest / "objects")
    assert sync_once(FolderSource(dest), key[1], data).outcome == "unchanged"
    publish(published, str(dest))
    assert sync_once(FolderSource(dest), key[1], data).version == 2


@pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone is installed by dev.sh")
def test_publish_to_webdav_with_rclone_then_a_kiosk_syncs_from_it(tmp_path: Path, published: Path, key) -> None:
    served = tmp_path / "webdav-root"
    served.mkdir()
    port = free_port()
    server = subprocess.Popen(
        ["rclone", "serve", "webdav", str(served), "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        from sync_support import wait_port

        wait_port(port)
        remote = f":webdav,url='http://127.0.0.1:{port}':"
        publish(published, remote)
        assert (served / "manifest.signed").read_bytes() == (published / "manifest.signed").read_bytes()
        data = tmp_path / "kiosk"
        result = sync_once(HttpSource(f"http://127.0.0.1:{port}/", FAST), key[1], data)
        assert result.version == 1
    finally:
        server.terminate()
        server.wait(10)


def test_an_expired_bundle_is_applied_and_reported_stale(tmp_path: Path, content: Path, key) -> None:
    out = tmp_path / "expired"
    build(content, out, key[0], expires_days=-1)
    data = tmp_path / "kiosk"
    assert sync_once(FolderSource(out), key[1], data).outcome == "applied"
    report = status(data)
    assert report["stale"] is True and report["last_error"] is None
    assert ContentStore(current_cache_path(data)).document("ep-voting", "en") is not None


def test_stray_temporary_files_are_cleaned_up(tmp_path: Path, published: Path, content: Path, key) -> None:
    data = synced(tmp_path, published, key)
    stray = data / "sync" / "tmp" / ("0" * 64)
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"left over from an interrupted download of another version")
    (data / "sync" / "tmp-staging").mkdir()
    edit_guide(content)
    build(content, published, key[0])
    assert sync_once(FolderSource(published), key[1], data).version == 2
    assert not stray.exists() and not (data / "sync" / "tmp-staging").exists()
    # objects of the current and the previous version are kept, nothing else
    referenced = set()
    for version in (1, 2):
        payload = (published / "manifests" / f"{version}.signed").read_bytes().split(b"\n", 1)[1]
        referenced |= {o["sha256"] for o in json.loads(payload)["objects"]}
    assert {p.name for p in (data / "sync" / "objects").iterdir()} == referenced
    assert len(list((data / "cache").glob("*.db"))) == 2


def test_find_bundles_on_mounted_sticks(tmp_path: Path, published: Path) -> None:
    from sync.usb import find_bundles

    stick = tmp_path / "media" / "kiosk" / "USB-STICK" / "bundle"
    shutil.copytree(published, stick)
    assert find_bundles((tmp_path / "media",)) == [stick]
    assert find_bundles((tmp_path / "nothing-here",)) == []


def test_a_missing_source_folder_is_reported_and_counted_not_skipped(tmp_path: Path, key) -> None:
    from sync.worker import SyncWorker

    data = tmp_path / "kiosk"
    share = tmp_path / "mnt" / "content-share"  # a configured folder source, not mounted
    stick = tmp_path / "media" / "kiosk" / "USB-STICK" / "bundle"  # pulled out mid-import
    worker = SyncWorker(str(share), key[1], data, 900, lambda _result, _error: None)
    for folder, attempt in ((share, worker.run_once()), (stick, worker.run_once(str(stick)))):
        assert attempt == (None, f"content source folder {folder} does not exist or is not a "
                                 "folder (is the USB stick or network share mounted?)")
    report = status(data)
    assert report["error_count"] == 2 and str(stick) in report["last_error"]
    assert current_cache_path(data) is None
