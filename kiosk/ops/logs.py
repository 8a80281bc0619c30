"""Logging: a rotating file in the data folder, and stderr for the journal.

Under systemd (``JOURNAL_STREAM`` is set) each stderr line starts with its syslog
priority (``<3>`` ...), which journald turns into the entry's priority, so
``journalctl -p warning`` works. Visits are never logged: a log line with a time would
be a per-visit record, which the kiosk must not keep.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

LOG_FILE_BYTES = 1_000_000
LOG_FILE_BACKUPS = 5
_PRIORITY = {"CRITICAL": 2, "ERROR": 3, "WARNING": 4, "INFO": 6, "DEBUG": 7}


class JournalPrefixFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        priority = _PRIORITY.get(record.levelname, 6)
        return "\n".join(f"<{priority}>{line}" for line in super().format(record).splitlines())


def log_file(data_dir: Path) -> Path:
    return data_dir / "logs" / "kiosk.log"


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send the root logger (Kivy's too, with ``KIVY_LOG_MODE=PYTHON``) to file and stderr."""
    path = log_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "kiosk_handler", False):
            root.removeHandler(handler)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    stderr_handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        stderr_handler.setFormatter(JournalPrefixFormatter("%(name)s: %(message)s"))
    else:
        stderr_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    for handler in (file_handler, stderr_handler):
        handler.kiosk_handler = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    return path
