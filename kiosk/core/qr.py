"""QR codes for links: the module matrix from ``qrcode``; only the UI turns it into pixels.

``qrcode`` is imported when the first code is made (22 ms at start-up, before the attract
screen, for codes that are made in idle frames afterwards). Making a code tries eight
masks in pure Python, 10-80 ms; the kiosk and the web export show the same links again
and again (each visit to the links screen, each page of the export with the same code),
so each code is made once per process and kept as one byte a module (about 2 kB)."""
from __future__ import annotations

from functools import lru_cache

KEPT_CODES = 1024
"""Codes kept made: more than the bundled content's links and guide pages in all its
languages (227 distinct links, 360 guide pages), at most about 2 MB."""


def qr_pixels(payload: str, border: int = 2) -> tuple[int, bytes]:
    """Side length and 8-bit luminance pixels (black on white), top row first."""
    return _made(payload, border)  # (the same arguments the same way: one cache entry)


@lru_cache(maxsize=KEPT_CODES)
def _made(payload: str, border: int) -> tuple[int, bytes]:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border, box_size=1)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    return len(matrix), bytes(0 if dark else 255 for row in matrix for dark in row)


def qr_matrix(payload: str, border: int = 2) -> list[list[bool]]:
    """Rows of modules (True = dark) for ``payload``, with a quiet zone of ``border``."""
    size, pixels = _made(payload, border)
    return [[pixel == 0 for pixel in pixels[row * size:(row + 1) * size]] for row in range(size)]
