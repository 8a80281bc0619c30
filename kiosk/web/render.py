"""How the online edition's pages are made from templates: a Jinja2 environment that
escapes everything by default, the QR codes as inline SVG, and which link targets may
become links."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from kiosk.core.qr import qr_matrix

TEMPLATES = Path(__file__).resolve().parent / "templates"
SAFE_LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:")
"""Link targets that become links; any other text in a link's place is shown as text."""


def qr_svg(url: str, label: str) -> Markup:
    """A QR code for ``url`` as inline SVG, labelled for screen readers."""
    return Markup(_qr_svg(url)).replace("@LABEL@", Markup.escape(label))


@lru_cache(maxsize=512)
def _qr_svg(url: str) -> str:
    matrix = qr_matrix(url)
    size = len(matrix)
    runs = []  # one rectangle per horizontal run of dark modules: a third of the bytes
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    path = "".join(runs)
    return (
        f'<svg class="qr-code" viewBox="0 0 {size} {size}" shape-rendering="crispEdges" '
        f'role="img" aria-label="@LABEL@"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )


def link_target(href: str | None) -> str | None:
    """``href`` if it may be a link on the site, else None (the span stays text)."""
    if href and href.lower().startswith(SAFE_LINK_SCHEMES):
        return href
    return None


def environment() -> Environment:
    """The templates' environment: autoescaping on for every template and every string."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["link_target"] = link_target
    env.globals["qr_svg"] = qr_svg
    return env
