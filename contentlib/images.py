"""Every picture the kiosk shows is decoded with Pillow before it is published or applied.

A content image must be a PNG, JPEG, WebP or GIF that Pillow decodes completely, in the
format its name says, and small enough for a kiosk screen:

* at most :data:`MAX_PIXELS` pixels (4096 x 4096 = 16.8 megapixels), and
* at most :data:`MAX_SIDE` pixels on either side (8192), and
* for an animated GIF or WebP, at most :data:`MAX_PIXELS` pixels over all its frames.

The size is read from the file's header before anything is decoded, so a small file that
claims 30000 x 30000 pixels (a "decompression bomb") is refused without allocating its
pixels: Pillow's own guard is set to the same limit, and its warning is turned into an
error while checking. ``kiosk-content check``, ``kiosk-content build`` and the kiosk's
update step use :func:`content_image_problems`; the guide reader uses
:func:`check_image_header` before handing bytes to Kivy. No Kivy here.
"""
from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from contentlib.model import Problem

MAX_PIXELS = 4096 * 4096
"""Most pixels one image (or all frames of an animation together) may have."""
MAX_SIDE = 8192
"""Most pixels on either side of an image (a 8192 x 2048 panorama is the widest allowed)."""
FORMAT_OF_SUFFIX = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
"""The file name ending each accepted format must have (the keys are the image suffixes)."""
ALLOWED_FORMATS = sorted(set(FORMAT_OF_SUFFIX.values()))
SAME_AS = {"MPO": "JPEG"}
"""Pillow's name for a phone camera's JPEG with extra pictures appended: a JPEG whose first
picture is the one shown (and the only one checked)."""
LIMIT_TEXT = f"{MAX_PIXELS:,} pixels (4096 x 4096) and {MAX_SIDE} pixels a side"

# The process-wide guard: Pillow warns above this many pixels and refuses twice as many.
# No picture the kiosk (or the editors' tool) handles may be larger than the content limit.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageRejected(ValueError):
    """An image the kiosk must not show; ``str()`` says why, without the file name."""


@contextmanager
def _bomb_guard() -> Iterator[None]:
    """Pillow's decompression-bomb warning raised as an error, for the duration."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _open(data: bytes, name: str) -> Image.Image:
    """Open ``data`` (header only) as one of the allowed formats named by ``name``'s suffix."""
    suffix = Path(name).suffix.lower()
    expected = FORMAT_OF_SUFFIX.get(suffix)
    if expected is None:
        raise ImageRejected(
            "not a picture the kiosk shows: only .png, .jpg, .jpeg, .webp and .gif files"
        )
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses before the size is known to us; its message has the pixel count.
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        amount = f"{int(claimed.group(1)):,}" if claimed else f"more than {MAX_PIXELS:,}"
        raise ImageRejected(
            f"image too large: {amount} pixels; the limit is {LIMIT_TEXT}"
        ) from None
    except UnidentifiedImageError:
        raise ImageRejected("not a PNG, JPEG, WebP or GIF image that can be decoded") from None
    except Exception as exc:  # Pillow raises many kinds on malformed headers
        raise ImageRejected(f"not a readable image ({type(exc).__name__}: {exc})") from None
    found = _format(image)
    if found != expected:
        image.close()
        right = next((s for s, f in FORMAT_OF_SUFFIX.items() if f == found), None)
        if right is None:  # not reached while Image.open is limited to ALLOWED_FORMATS
            raise ImageRejected(f"a {found} image: save it as a PNG, JPEG, WebP or GIF")
        raise ImageRejected(f"a {found} image named '{suffix}': its name must end in '{right}'")
    width, height = image.size
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE and width * height <= MAX_PIXELS):
        image.close()
        raise ImageRejected(
            f"image too large: {width} x {height} pixels; the limit is {LIMIT_TEXT}"
        )
    return image


def _format(image: Image.Image) -> str | None:
    return SAME_AS.get(image.format or "", image.format)


def _frames(image: Image.Image) -> int:
    """How many frames the kiosk would load: all of an animation's, one of an MPO's."""
    return 1 if image.format in SAME_AS else int(getattr(image, "n_frames", 1))


def check_image_header(data: bytes, name: str) -> tuple[int, int]:
    """Cheap check from the header only: raise :class:`ImageRejected` unless ``data`` is an
    allowed format matching ``name``'s suffix and within the size limits; return its size."""
    with _bomb_guard():
        image = _open(data, name)
        image.close()
    return image.size


def check_image(data: bytes, name: str) -> tuple[int, int]:
    """Decode ``data`` completely (every frame); raise :class:`ImageRejected` unless it is a
    PNG/JPEG/WebP/GIF matching ``name``'s suffix, within the limits; return its size."""
    with _bomb_guard():
        image = _open(data, name)
        width, height = image.size
        try:
            frames = _frames(image)
            if frames * width * height > MAX_PIXELS:
                raise ImageRejected(
                    f"animation too large: {frames} frames of {width} x {height} pixels; "
                    f"all frames together may have at most {MAX_PIXELS:,} pixels"
                )
            image.verify()  # checksums and structure; the image must be reopened after it
        except ImageRejected:
            raise
        except Exception as exc:
            raise ImageRejected(f"image damaged ({type(exc).__name__}: {exc})") from None
        finally:
            image.close()
        image = _open(data, name)
        try:
            for frame in range(frames):
                image.seek(frame)
                if image.size != (width, height):
                    raise ImageRejected(f"frame {frame + 1} is not {width} x {height} pixels")
                image.load()  # the real decode: truncated or corrupt data fails here
        except ImageRejected:
            raise
        except Exception as exc:
            raise ImageRejected(f"image cannot be decoded ({type(exc).__name__}: {exc})") from None
        finally:
            image.close()
    return width, height


def _content_images(root: Path) -> list[Path]:
    """Every file under ``media/`` and every file named like an image anywhere in ``root``."""
    found = set()
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        inside = path.relative_to(root).parts
        if inside[0] == "media" or path.suffix.lower() in FORMAT_OF_SUFFIX:
            found.add(path)
    return sorted(found)


def content_image_problems(
    root: str | Path, replaced: dict[str, bytes] | None = None
) -> list[Problem]:
    """Decode every image of the content folder ``root``; one error per refused file, named
    like the other content problems (relative to the folder's parent: ``content/media/x.png``).

    ``replaced`` maps paths relative to ``root`` (``media/x.jpg``) to the bytes that will be
    published instead of the file's own (``build --scale-images``); those bytes are checked.
    """
    root = Path(root)
    problems = []
    for path in _content_images(root):
        try:
            rel = str(path.relative_to(root.parent))
        except ValueError:
            rel = str(path)
        inside = path.relative_to(root).as_posix()
        try:
            data = (replaced or {}).get(inside)
            check_image(path.read_bytes() if data is None else data, path.name)
        except ImageRejected as exc:
            problems.append(Problem(rel, None, str(exc)))
        except OSError as exc:
            problems.append(Problem(rel, None, f"cannot read: {exc.strerror or exc}"))
    return problems


SCALE_MAX_SOURCE_PIXELS = 100_000_000
"""Largest picture ``build --scale-images`` will decode to scale it (a 100-megapixel photo)."""
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "PNG": {"optimize": True},
    "JPEG": {"quality": 90, "optimize": True},
    "WEBP": {"quality": 90},
    "GIF": {},
}


def scale_to_limits(
    data: bytes, name: str
) -> tuple[bytes, tuple[int, int], tuple[int, int]] | None:
    """For ``build --scale-images``: a still picture over the size limits, scaled down to fit
    4096 x 4096 and saved again in its own format, as (bytes, old size, new size); None when
    it is within the limits or is not a picture at all (:func:`check_image` says why).

    Raises :class:`ImageRejected` for an animation or a picture over
    :data:`SCALE_MAX_SOURCE_PIXELS`. Meant for the editors' build tool, a single-threaded
    process: Pillow's process-wide guard is raised to that limit while the picture is read.
    """
    expected = FORMAT_OF_SUFFIX.get(Path(name).suffix.lower())
    guard = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = SCALE_MAX_SOURCE_PIXELS
    try:
        with _bomb_guard():
            try:
                image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise ImageRejected(
                    f"too large to scale: the limit is {SCALE_MAX_SOURCE_PIXELS:,} pixels"
                ) from None
            except Exception:
                return None
            with image:
                old = image.size
                if _format(image) != expected or (
                    old[0] <= MAX_SIDE and old[1] <= MAX_SIDE and old[0] * old[1] <= MAX_PIXELS
                ):
                    return None
                if _frames(image) > 1:
                    raise ImageRejected("an animation cannot be scaled: make it smaller by hand")
                box = (4096, 4096)
                image.draft(image.mode, box)  # JPEG: decode at 1/2, 1/4 or 1/8 size directly
                try:
                    scaled = ImageOps.exif_transpose(image)  # bake a camera's rotation in
                    scaled.thumbnail(box, Image.Resampling.LANCZOS)
                    out = io.BytesIO()
                    options = dict(_SAVE_OPTIONS[expected])
                    if image.info.get("icc_profile"):
                        options["icc_profile"] = image.info["icc_profile"]
                    scaled.save(out, expected, **options)
                except Exception as exc:
                    raise ImageRejected(f"cannot be scaled ({type(exc).__name__}: {exc})") from None
                return out.getvalue(), old, scaled.size
    finally:
        Image.MAX_IMAGE_PIXELS = guard
