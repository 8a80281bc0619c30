"""QR codes for links: the module matrix from ``qrcode``; only the UI turns it into pixels.

``qrcode`` is imported when the first code is made (22 ms at start-up, before the attract
screen, for codes that are made in idle frames afterwards)."""
from __future__ import annotations


def qr_matrix(payload: str, border: int = 2) -> list[list[bool]]:
    """Rows of modules (True = dark) for ``payload``, with a quiet zone of ``border``."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border, box_size=1)
    code.add_data(payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_pixels(payload: str, border: int = 2) -> tuple[int, bytes]:
    """Side length and 8-bit luminance pixels (black on white), top row first."""
    matrix = qr_matrix(payload, border)
    size = len(matrix)
    data = bytes(0 if dark else 255 for row in matrix for dark in row)
    return size, data
