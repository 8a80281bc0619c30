"""The kiosk's colours: KivyMD's Material scheme, looked up in a table instead of computed.

KivyMD computes its Material colour scheme in Python (materialyoucolor's HCT solver) each
time the app starts and at each contrast switch, for the scheme's 60-odd colour roles:
about 0.16 s a time on the reference machine, before the attract screen can be drawn.
The kiosk uses four looks (light and dark, at normal and full contrast, in its one
palette), so :class:`KioskTheme` takes their colours from ``theme_colors.json``, which
``python -m kiosk.ui.theme`` writes from KivyMD's own computation. A test recomputes the
table and fails when KivyMD's colours no longer match it; a look not in the table (another
palette set in code) is computed as KivyMD always does.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kivymd.theming import ThemeManager
from materialyoucolor.dynamiccolor.color_spec import COLOR_NAMES

TABLE_PATH = Path(__file__).with_name("theme_colors.json")
PALETTE = "Darkblue"
"""The kiosk's primary palette (a KivyMD palette name)."""
LOOKS = tuple((style, contrast) for style in ("Light", "Dark") for contrast in (0.0, 1.0))
"""Every (theme style, scheme contrast) the kiosk shows, including the step in between
that a contrast switch passes through (contrast first, then style)."""

Look = tuple[str, str, str, float]
"""(primary palette, theme style, dynamic scheme name, scheme contrast)."""


def colour_roles() -> Iterator[str]:
    """The theme's colour properties that a scheme sets, e.g. ``primaryContainerColor``."""
    yield from (f"{name}Color" for name in COLOR_NAMES)
    yield "disabledTextColor"


def look_key(look: Look) -> str:
    palette, style, scheme, contrast = look
    return f"{palette}/{style}/{scheme}/{contrast:g}"


def load_table(path: Path = TABLE_PATH) -> dict[str, dict[str, list[float]]]:
    with path.open(encoding="utf-8") as file:
        table: dict[str, dict[str, list[float]]] = json.load(file)
    return table


class KioskTheme(ThemeManager):
    """KivyMD's theme manager, with the colours of the looks in the table looked up."""

    def __init__(self, table: dict[str, dict[str, list[float]]] | None = None, **kwargs: Any) -> None:
        self._table = load_table() if table is None else table
        super().__init__(**kwargs)

    def current_look(self) -> Look:
        return (str(self.primary_palette), str(self.theme_style), str(self.dynamic_scheme_name),
                float(self.dynamic_scheme_contrast))

    def set_colors(self, *args: Any) -> None:
        colours = None if self.dynamic_color else self._table.get(look_key(self.current_look()))
        if colours is None:
            super().set_colors(*args)
            return
        for role, value in colours.items():
            setattr(self, role, value)
        if self.on_colors:
            self.on_colors()


def computed_colours(look: Look) -> dict[str, list[float]]:
    """Every colour role of ``look`` as KivyMD computes it."""
    palette, style, scheme, contrast = look
    theme = ThemeManager(primary_palette=palette, theme_style=style, dynamic_scheme_name=scheme,
                         dynamic_scheme_contrast=contrast)
    theme.set_colors()
    return {role: [float(c) for c in getattr(theme, role)] for role in colour_roles()}


def kiosk_looks() -> list[Look]:
    scheme = str(ThemeManager().dynamic_scheme_name)
    return [(PALETTE, style, scheme, contrast) for style, contrast in LOOKS]


def write_table(path: Path = TABLE_PATH) -> None:
    """Compute the kiosk's looks with KivyMD and write them as the table (one role a line)."""
    looks = {look_key(look): computed_colours(look) for look in kiosk_looks()}
    blocks = []
    for key, colours in sorted(looks.items()):
        roles = ",\n".join(f"  {json.dumps(role)}: {json.dumps(value)}" for role, value in sorted(colours.items()))
        blocks.append(f" {json.dumps(key)}: {{\n{roles}\n }}")
    path.write_text("{\n" + ",\n".join(blocks) + "\n}\n", encoding="utf-8")


if __name__ == "__main__":
    write_table(Path(sys.argv[1]) if len(sys.argv) > 1 else TABLE_PATH)
    print(f"wrote {len(LOOKS)} looks to {TABLE_PATH if len(sys.argv) < 2 else sys.argv[1]}")
