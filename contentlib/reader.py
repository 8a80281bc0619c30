"""The state shared while reading one content folder: its problems, and the checks every
file's text goes through (file reading, required text, Kivy markup, date markers, media).

Loading never stops at the first problem, so an editor sees the whole list at once; the
readers of each kind of file add to one :class:`ContentReader`.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from contentlib.dates import resolve_markers
from contentlib.model import Problem
from contentlib.yaml_lines import LocatedYamlError, line_of, load_yaml_text

# Kivy markup tags. Content is escaped before display anyway; these are refused so an
# editor learns that formatting belongs in Markdown, not in Kivy's own syntax.
KIVY_MARKUP = re.compile(
    r"\[/?(b|i|u|s|sub|sup|ref|anchor|color|size|font|font_context|font_family|"
    r"font_features|text_language)(=[^\]]*)?\]"
)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


class ContentReader:
    """Collects problems while reading one content folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.lang = "en"
        """Language of the file being read, for finding dates in its text."""

    def rel(self, path: Path) -> str:
        """``path`` as messages show it: relative to the content folder's parent."""
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def error(self, path: Path, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

    def read_text(self, path: Path) -> str | None:
        """The UTF-8 text of ``path``; None (and a problem) when it cannot be read."""
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.error(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        except OSError as exc:  # a folder named like a file, an unreadable file
            self.error(path, None, f"cannot read: {exc.strerror}")
        return None

    def load_yaml(self, path: Path, text: str | None = None, line_offset: int = 0) -> Any:
        """The YAML in ``path`` (or ``text`` read from it); None when unreadable or empty."""
        if text is None:
            text = self.read_text(path)
            if text is None:
                return None
        try:
            return load_yaml_text(text, line_offset)
        except LocatedYamlError as exc:
            self.error(path, exc.line, exc.message)
        return None

    def check_text(self, path: Path, line: int | None, where: str, text: str) -> None:
        found = KIVY_MARKUP.search(text)
        if found:
            self.error(
                path,
                line,
                f"{where}: contains Kivy markup {found.group(0)!r}; "
                "use Markdown (**bold**, *italic*) instead",
            )

    def shown_text(self, path: Path, line: int | None, where: str, text: str) -> str:
        """``text`` with its date markers resolved; an unmarked date is an error."""
        marked = resolve_markers(text, self.lang)
        for message in marked.problems:
            self.error(path, line, f"{where}: {message}")
        return marked.shown

    def require_str(self, path: Path, mapping: Any, key: str, where: str) -> str:
        """The non-empty text under ``key``, stripped; "" (and a problem) otherwise."""
        value = mapping.get(key) if isinstance(mapping, dict) else None
        if not isinstance(value, str) or not value.strip():
            self.error(path, line_of(mapping, key), f"{where}: '{key}' must be non-empty text")
            return ""
        self.check_text(path, line_of(mapping, key), f"{where}.{key}", value)
        return value.strip()

    def require_shown(self, path: Path, mapping: Any, key: str, where: str) -> str:
        """Like :meth:`require_str` for text a visitor reads: date markers resolved."""
        value = self.require_str(path, mapping, key, where)
        if not value:
            return ""
        return self.shown_text(path, line_of(mapping, key), f"{where}.{key}", value)

    def is_media_file(self, src: str) -> bool:
        """Whether ``src`` names an image file inside the content folder."""
        try:
            resolved = (self.root / src).resolve()
            return (
                self.root.resolve() in resolved.parents
                and resolved.suffix.lower() in IMAGE_SUFFIXES
                and resolved.is_file()
            )
        except (OSError, ValueError):  # a name too long, a NUL byte
            return False
