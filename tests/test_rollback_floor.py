"""Rollback protection fails closed: losing or damaging the sync state never lets an older
signed bundle back in (issue 12, point 4)."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from sync.build import build
from sync.errors import RollbackError, StateUnreadableError
from sync.fetch import FolderSource
from sync.keys import generate_key_file, parse_public_key
from sync.updater import status, sync_once
from sync_support import english_content, tree_bytes


@pytest.fixture
def two_versions(tmp_path: Path):
    """A kiosk that applied version 2, and the signed manifest of version 1 kept for a replay."""
    content = english_content(tmp_path / "content")
    key_file = tmp_path / "editor.key"
    keys = [parse_public_key(generate_key_file(key_file))]
    published = tmp_path / "publish"
    build(content, published, key_file)
    data = tmp_path / "kiosk"
    assert sync_once(FolderSource(published), keys, data).version == 1
    old_manifest = (published / "manifest.signed").read_bytes()
    guide = content / "en" / "guides" / "ep-voting.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("One vote only", "Only one vote"),
                     encoding="utf-8")
    build(content, published, key_file)
    assert sync_once(FolderSource(published), keys, data).version == 2
    return data, published, keys, old_manifest, content, key_file


def in_use(data: Path) -> dict[str, bytes]:
    files = tree_bytes(data / "cache")
    files["current"] = (data / "current").read_bytes()
    return files


def replay(published: Path, manifest: bytes) -> None:
    (published / "manifest.signed").write_bytes(manifest)


def test_a_deleted_state_file_does_not_let_the_older_bundle_in(two_versions) -> None:
    data, published, keys, old_manifest, _content, _key = two_versions
    before = in_use(data)
    (data / "sync" / "state.json").unlink()
    replay(published, old_manifest)
    with pytest.raises(RollbackError, match="older than the applied version 2"):
        sync_once(FolderSource(published), keys, data)
    assert in_use(data) == before


def test_the_whole_sync_folder_lost_still_keeps_the_floor_from_the_content_in_use(two_versions) -> None:
    data, published, keys, old_manifest, _content, _key = two_versions
    before = in_use(data)
    shutil.rmtree(data / "sync")
    replay(published, old_manifest)
    with pytest.raises(RollbackError, match="older than the applied version 2"):
        sync_once(FolderSource(published), keys, data)
    assert in_use(data) == before


def test_after_a_lost_state_file_the_same_version_is_unchanged_and_a_newer_one_applies(two_versions) -> None:
    data, published, keys, _old, content, key_file = two_versions
    current = (published / "manifest.signed").read_bytes()
    (data / "sync" / "state.json").unlink()
    assert sync_once(FolderSource(published), keys, data).outcome == "unchanged"
    assert (published / "manifest.signed").read_bytes() == current
    guide = content / "en" / "guides" / "ep-voting.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("Only one vote", "One single vote"),
                     encoding="utf-8")
    build(content, published, key_file)
    result = sync_once(FolderSource(published), keys, data)
    assert (result.outcome, result.version) == ("applied", 3)


@pytest.mark.parametrize("damage", [b"{\"last_version\": 2, \"etag\"", b"[]", b"\xff\xfe\x00",
                                    b"{\"last_version\": \"two\"}"])
def test_a_damaged_state_file_stops_every_update_and_is_kept_for_it_staff(two_versions, damage: bytes) -> None:
    data, published, keys, old_manifest, content, key_file = two_versions
    before = in_use(data)
    state_file = data / "sync" / "state.json"
    state_file.write_bytes(damage)
    # Neither the older bundle nor a newer one is applied while the floor is unknown.
    replay(published, old_manifest)
    with pytest.raises(StateUnreadableError, match="state.json"):
        sync_once(FolderSource(published), keys, data)
    guide = content / "en" / "guides" / "ep-voting.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(content, published, key_file)
    with pytest.raises(StateUnreadableError, match="repaired or removed"):
        sync_once(FolderSource(published), keys, data)
    assert in_use(data) == before
    assert state_file.read_bytes() == damage
    assert "state.json" in status(data)["state_error"]


def test_kiosk_status_and_sync_name_the_damaged_state_file(two_versions, tmp_path: Path) -> None:
    data, published, keys, _old, _content, _key = two_versions
    (data / "sync" / "state.json").write_text("not json", encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    public = json.dumps([f"ed25519:{base64.b64encode(keys[0].public_bytes_raw()).decode()}"])
    config.write_text(f'[sync]\nsource = "{published}"\npublic_keys = {public}\n', encoding="utf-8")

    def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kiosk.cli", *args, "--config", str(config),
                               "--data-dir", str(data)], cwd=ROOT, capture_output=True, text=True)

    shown = json.loads(kiosk("status", "--json").stdout)
    assert "state.json" in shown["state_error"] and "not JSON" in shown["state_error"]
    result = kiosk("sync", "--once")
    assert result.returncode == 1 and "repaired or removed" in result.stderr
    assert "Traceback" not in result.stderr
