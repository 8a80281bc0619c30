"""Which part of the screen a visitor in a wheelchair can touch (EN 301 549 8.3.3, ADA 308).

Reach is a height above the floor: EN 301 549 8.3.3.1 (and ADA 2010 308.2.1) put an
unobstructed forward reach between 380 mm and 1220 mm; over an obstruction 510-635 mm
deep the highest point is 1120 mm (8.3.3.1.3.3, ADA 308.2.2). The kiosk knows its screen's
diagonal and, from the window, its resolution, hence how tall the screen is; with the
height of the screen's lower edge above the floor, every row of pixels has a height. The
rows between the two reach heights are the reach band, where the screens keep every touch
target. On a tall portrait pedestal the band is the lower part of the screen; a landscape
screen at desk height usually lies in it whole.
"""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.accessibility import px_per_mm

REACH_LOW_MM = 380.0
"""Lowest height a seated visitor reaches forward (EN 301 549 8.3.3.1.2, ADA 308.2.1)."""
REACH_HIGH_MM = 1220.0
"""Highest unobstructed forward reach (EN 301 549 8.3.3.1.1, ADA 308.2.1)."""
SCREEN_BOTTOM_MM = 800.0
"""Default height of the screen's lower edge: the lowest height the EN 301 549 draft
revision (v012) gives for operable parts (800-1100 mm), so the bottom bar sits where
operable parts belong."""


@dataclass(frozen=True)
class ReachBand:
    """The reachable rows of a window, in pixels above its bottom edge."""

    low: float
    high: float

    @property
    def height(self) -> float:
        return self.high - self.low


def reach_band(width_px: float, height_px: float, diagonal_inches: float,
               screen_bottom_mm: float, reach_mm: tuple[float, float]) -> ReachBand:
    """The rows of a ``width_px`` x ``height_px`` screen a seated visitor can touch.

    ``screen_bottom_mm`` is the height of the screen's lower edge above the floor and
    ``reach_mm`` the lowest and highest heights the visitor reaches. The band is clipped
    to the screen; a screen wholly out of reach gives an empty band at the nearer edge.
    """
    ppmm = px_per_mm(int(width_px), int(height_px), diagonal_inches)
    low_mm, high_mm = reach_mm

    def row(height_mm: float) -> float:
        return min(max((height_mm - screen_bottom_mm) * ppmm, 0.0), float(height_px))

    return ReachBand(row(low_mm), row(high_mm))
