"""The plain-Python core must import and work without Kivy (DESIGN.md's architecture rule)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import GUIDE_COUNTRIES, ROOT

UI_PACKAGES = ("kiosk.ui", "kiosk.screens", "kiosk.widgets")
"""The only packages that may import Kivy (DESIGN.md); every other module is the core."""
TOP_PACKAGES = ("contentlib", "kiosk", "sync")


def all_modules() -> list[str]:
    """Every module of the product, found in the package tree (no hand-kept list)."""
    found = []
    for top in TOP_PACKAGES:
        found.append(top)
        folder = ROOT / top
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts and "__pycache__" not in parts and len(parts) > 1:
                found.append(".".join(parts))
    return sorted(set(found))


PLAIN_MODULES = [m for m in all_modules() if not m.startswith(UI_PACKAGES)]


def test_the_core_list_comes_from_the_tree_and_leaves_out_only_the_ui() -> None:
    assert {"contentlib.store", "kiosk.core.visit", "kiosk.ops.health", "kiosk.cli",
            "sync.updater"} <= set(PLAIN_MODULES)
    assert "kiosk.ui.app" not in PLAIN_MODULES and "kiosk.screens.home" not in PLAIN_MODULES
    ui = [m for m in all_modules() if m.startswith(UI_PACKAGES)]
    assert "kiosk.ui.app" in ui and "kiosk.widgets.common" in ui


def imported_top_packages(module_file: Path) -> set[str]:
    """The top-level packages ``module_file`` imports (at any depth in its code)."""
    tree = ast.parse(module_file.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_sync_and_the_content_package_never_import_the_kiosk() -> None:
    """The kiosk uses sync and contentlib; neither reaches back into the kiosk, and
    contentlib does not need sync: the dependencies run one way."""
    for top, forbidden in (("sync", {"kiosk"}), ("contentlib", {"kiosk", "sync"})):
        for path in (ROOT / top).rglob("*.py"):
            reached = imported_top_packages(path) & forbidden
            assert not reached, f"{path.relative_to(ROOT)} imports {sorted(reached)}"


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for top in ("kiosk", "sync", "contentlib")
        for path in (ROOT / top).rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_screens_take_what_they_need_from_their_context_not_from_the_running_app() -> None:
    callers = [str(path.relative_to(ROOT)) for path in (ROOT / "kiosk" / "screens").rglob("*.py")
               if "get_running_app" in path.read_text(encoding="utf-8")]
    assert callers == []


def kivy_module_aliases(tree: ast.Module) -> set[str]:
    """Names a module binds to Kivy or KivyMD modules (``from kivy.lang import builder``)."""
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {(a.asname or a.name).split(".")[0] for a in node.names
                        if a.name.split(".")[0] in {"kivy", "kivymd"}}
        elif isinstance(node, ast.ImportFrom) and node.module and \
                node.module.split(".")[0] in {"kivy", "kivymd"}:
            aliases |= {a.asname or a.name for a in node.names if a.name[:1].islower()}
    return aliases


def test_no_module_replaces_a_function_inside_kivy() -> None:
    """We never patch a library's internals (the old kv_guard replaced builder.call_fn)."""
    patches = []
    for top in TOP_PACKAGES:
        for path in (ROOT / top).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            aliases = kivy_module_aliases(tree)
            for node in ast.walk(tree):
                targets = node.targets if isinstance(node, ast.Assign) else \
                    [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
                for target in targets:
                    if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                            and target.value.id in aliases):
                        patches.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert patches == []
    assert not (ROOT / "kiosk" / "widgets" / "kv_guard.py").exists()


def test_the_app_class_is_under_250_lines() -> None:
    tree = ast.parse((ROOT / "kiosk" / "ui" / "app.py").read_text(encoding="utf-8"))
    app = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "KioskApp")
    assert app.end_lineno - app.lineno + 1 < 250


def test_plain_modules_do_not_import_kivy() -> None:
    code = (
        "import sys, importlib\n"
        f"for name in {PLAIN_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'kivy' or m.startswith(('kivy.', 'kivymd')))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"Kivy imported by the core: {result.stdout}"


def test_core_works_without_a_window(tmp_path) -> None:
    """Build the cache and compute every screen's view model with no Kivy at all."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from contentlib.cache import ensure_cache\n"
        "from contentlib.store import ContentStore\n"
        "from kiosk.core import viewmodels as vm\n"
        f"store = ContentStore(ensure_cache(Path({str(tmp_path)!r}), Path('content')))\n"
        "topics = vm.home_topics(store, 'bg', 'IT')\n"
        "guide = vm.guide_view(store, topics[0].guide_id, 'el')\n"
        "links = vm.links_view(store, 'en', 'IT')\n"
        "q = vm.question_view(store, store.question_defs()[0], 'bg')\n"
        "assert 'kivy' not in sys.modules\n"
        "print(len(topics), guide.title, len(links), q.question_id)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # home shows the general guides and the one for the chosen country (Italy here)
    home_guides = [g for g, country in GUIDE_COUNTRIES.items() if country in (None, "IT")]
    assert result.stdout.split()[0] == str(len(home_guides))
