"""Sizes that follow from the screen and the reader, not from guesses (EN 301 549, WCAG).

- Text enlargement (EN 301 549 5.1.4): at the largest step a capital H must subtend at
  least 0.7 degrees at the viewing distance, so its height in millimetres follows from
  the distance; pixels per millimetre follow from the screen's resolution and diagonal.
- Touch targets: at least 9 mm and at least 44 px (WCAG 2.5.5).
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

CAP_DEGREES = 0.7
TARGET_MM = 9.0
TARGET_MIN_PX = 44
TEXT_STEPS = (1.0, 1.3, 1.6)
"""Relative text sizes of the three steps; the last grows further if 0.7 degrees needs it."""


def px_per_mm(width_px: int, height_px: int, diagonal_inches: float) -> float:
    return math.hypot(width_px, height_px) / (diagonal_inches * 25.4)


def required_cap_height_mm(distance_mm: float, degrees: float = CAP_DEGREES) -> float:
    return 2 * distance_mm * math.tan(math.radians(degrees) / 2)


@lru_cache(maxsize=8)
def cap_height_ratio(font_path: str) -> float:
    """Height of a capital H as a fraction of the font size, measured from the font."""
    from PIL import ImageFont

    font = ImageFont.truetype(font_path, 1000)
    _left, top, _right, bottom = font.getbbox("H")
    return (bottom - top) / 1000


def text_scales(body_px: float, ppmm: float, distance_mm: float, cap_ratio: float) -> tuple[float, ...]:
    """The three text steps as factors on the base sizes; the last meets 0.7 degrees."""
    needed_font_px = required_cap_height_mm(distance_mm) * ppmm / cap_ratio
    return (*TEXT_STEPS[:-1], max(TEXT_STEPS[-1], needed_font_px / body_px))


def min_target_px(ppmm: float) -> int:
    return max(TARGET_MIN_PX, math.ceil(TARGET_MM * ppmm))


def default_font() -> str:
    import kivymd

    return str(Path(kivymd.__file__).parent / "fonts" / "Roboto-Regular.ttf")


def relative_luminance(rgba: list[float] | tuple[float, ...]) -> float:
    """WCAG 2 relative luminance of an sRGB colour with channels in 0..1."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgba[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: list[float] | tuple[float, ...], background: list[float] | tuple[float, ...]) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


TEXT_COLOUR_PAIRS = [
    # (text colour, background colour, where) - every pair the kiosk's UI draws text with
    ("onSurfaceColor", "surfaceColor", "screen text"),
    ("onSurfaceColor", "surfaceContainerHighColor", "buttons"),
    ("onSurfaceColor", "surfaceContainerLowColor", "topic cards"),
    ("onSecondaryContainerColor", "secondaryContainerColor", "quiz feedback, right"),
    ("onErrorContainerColor", "errorContainerColor", "quiz feedback, wrong; wrong answer"),
    ("onPrimaryColor", "primaryColor", "main buttons, top bar"),
    ("onPrimaryContainerColor", "primaryContainerColor", "attract screen"),
    ("onTertiaryContainerColor", "tertiaryContainerColor", "notices"),
    ("primaryColor", "surfaceColor", "links and country names"),
    ("tertiaryColor", "surfaceColor", "not-yet-translated notes"),
    ("errorColor", "surfaceColor", "admin messages"),
]
