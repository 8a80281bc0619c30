"""Publishes an exported site to a folder or an rclone remote, mirroring it.

Unlike a content bundle (whose old objects kiosks may still need), a site's pages that no
longer exist must go, or search engines and bookmarks keep finding outdated rules. So the
destination is made equal to the site with ``rclone sync --checksum``: new and changed
files are copied first, files the site no longer has are deleted after that.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SITE_MARKER = "kiosk-site.json"
"""Written by the exporter at the site's root: a folder holding it is a site, not a bundle."""


class SitePublishError(Exception):
    pass


def is_site(folder: Path) -> bool:
    return (folder / SITE_MARKER).is_file()


def publish_site(site_dir: Path, dest: str, rclone: str = "rclone") -> None:
    """Make ``dest`` (a folder or ``remote:path``) an exact copy of ``site_dir``."""
    if not is_site(site_dir):
        raise SitePublishError(f"{site_dir}: no {SITE_MARKER}; run 'kiosk-content export-web' first")
    if shutil.which(rclone) is None:
        raise SitePublishError("rclone is not installed (Debian/Ubuntu: apt-get install rclone)")
    args = [rclone, "sync", "--checksum", str(site_dir), dest]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise SitePublishError(f"rclone sync to {dest} failed: {result.stderr.strip()[-500:]}")
