"""Errors of the content update path. Every one leaves the content in use unchanged."""
from __future__ import annotations


class SyncError(Exception):
    """Root of every content-update failure; ``str()`` is a one-line reason."""


class BundleError(SyncError):
    """The bundle itself is wrong: bad signature, bad manifest, bad object."""


class SignatureError(BundleError):
    """The manifest is not signed by any pinned public key."""


class ManifestError(BundleError):
    """The manifest is malformed, too large, expired in a forbidden way, or unsafe."""


class RollbackError(BundleError):
    """The manifest's version is older than (or conflicts with) one already applied."""


class HashMismatchError(BundleError):
    """An object's bytes do not match the hash or length the manifest signed."""


class UnsafePathError(ManifestError):
    """An object path tries to leave the content folder or is not a known kind of file."""


class DownloadError(SyncError):
    """The source could not be reached or answered wrongly (HTTP error, reset, timeout)."""


class TooLargeError(DownloadError):
    """A response was longer than allowed (manifest cap or signed object length)."""


class DeadlineError(DownloadError):
    """A download did not finish before its overall deadline (a trickling server)."""


class StateUnreadableError(RollbackError):
    """The sync state cannot be read, so the lowest acceptable version is unknown: refuse."""


class DiskFullError(SyncError):
    """There is not enough free space for the update; nothing was written."""


class ContentRejectedError(BundleError):
    """The verified content does not pass the kiosk's own content checks."""
