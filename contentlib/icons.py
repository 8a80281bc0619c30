"""Names of the icons in the Material Design icon font that the kiosk draws guide icons with.

KivyMD ships the font and the list of its names (``md_icons`` in
``kivymd/icon_definitions.py``). contentlib never imports Kivy or KivyMD (the content
checks and the updater run without a window), so the names are read from that module's
source text instead of importing it.
"""
from __future__ import annotations

import ast
import difflib
import importlib.util
from functools import lru_cache
from pathlib import Path


class IconListMissing(LookupError):
    """KivyMD, or the icon name list inside it, cannot be found."""


def _definitions_file() -> Path:
    spec = importlib.util.find_spec("kivymd")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise IconListMissing("KivyMD is not installed, so icon names cannot be checked")
    return Path(next(iter(spec.submodule_search_locations))) / "icon_definitions.py"


@lru_cache(maxsize=1)
def icon_names() -> frozenset[str]:
    """Every icon name the installed KivyMD's icon font has (``md_icons``' keys)."""
    path = _definitions_file()
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError) as exc:
        raise IconListMissing(f"cannot read the icon names in {path}: {exc}") from None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                and any(isinstance(t, ast.Name) and t.id == "md_icons" for t in node.targets)):
            return frozenset(key.value for key in node.value.keys
                             if isinstance(key, ast.Constant) and isinstance(key.value, str))
    raise IconListMissing(f"no 'md_icons' name list in {path}")


def unknown_icon_message(name: str) -> str:
    """Why ``name`` is not an icon, with the closest real names as suggestions."""
    close = difflib.get_close_matches(name, sorted(icon_names()), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return (f"unknown icon '{name}': use a name from the Material Design icons that KivyMD "
            f"ships (kivymd.icon_definitions.md_icons), such as 'vote' or 'help-circle'{hint}")
