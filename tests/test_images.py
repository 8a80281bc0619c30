"""Images are decoded and size-checked before they are published or applied, and a picture
that still fails to load never takes the guide reader down (issue 12, point 1)."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import struct
import subprocess
import sys
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from conftest import CONTENT, ROOT
from kiosk.content_cli import main as content_cli
from contentlib.images import (
    MAX_PIXELS,
    ImageRejected,
    check_image,
    check_image_header,
    content_image_problems,
)
from contentlib.cache import current_cache_path
from sync.build import BuildError, build
from sync.errors import ContentRejectedError
from sync.fetch import FolderSource
from sync.keys import generate_key_file, load_private_key, parse_public_key
from sync.manifest import ObjectEntry, encode_payload, sign
from sync.updater import status, sync_once
from sync_support import editor_key, english_content, tree_bytes

PICTURE = "media/ballot-box.png"
"""The picture the bundled ep-voting guide shows, in every language."""


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A valid 1-bit black PNG of ``width`` x ``height`` pixels that is only ~110 KB.

    Written row by row through zlib rather than with ``Image.new("1", ...)``, which would
    hold 900 MB (Pillow keeps one byte per pixel) just to make the test file.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + (width + 7) // 8)  # filter byte "none", then the row's bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """30000 x 30000 pixels in ~110 KB. The same writer's small PNG decodes, so refusing
    this one is about its size, not a broken file."""
    small = Image.open(io.BytesIO(bomb_png(300, 200)))
    small.load()
    assert (small.format, small.size, small.getextrema()) == ("PNG", (300, 200), (0, 0))
    data = bomb_png()
    assert len(data) < 500_000
    return data


NOT_A_PICTURE = b"<html>this is not a picture</html>\n"


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content folder with the structure, media and the English texts (as test_sync's)."""
    return english_content(tmp_path / "content")


@pytest.fixture
def key(tmp_path: Path) -> tuple[Path, list]:
    return editor_key(tmp_path)


# ------------------------------------------------------------------ the checker itself


@pytest.mark.parametrize("name, fmt", [("a.png", "PNG"), ("a.jpg", "JPEG"), ("a.jpeg", "JPEG"),
                                        ("a.webp", "WEBP"), ("a.gif", "GIF"), ("A.PNG", "PNG")])
def test_each_allowed_format_passes(name: str, fmt: str) -> None:
    data = encoded(Image.new("RGB", (120, 90), "navy"), fmt)
    assert check_image(data, name) == (120, 90)
    assert check_image_header(data, name) == (120, 90)


def test_a_phone_jpeg_with_an_extra_picture_passes_as_a_jpeg() -> None:
    """Phones write JPEGs with appended pictures (Pillow: "MPO"); only the first is shown."""
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "red").save(out, "MPO", save_all=True,
                                             append_images=[Image.new("RGB", (100, 60))])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    assert check_image(out.getvalue(), "phone.jpg") == (300, 200)
    with pytest.raises(ImageRejected, match="a JPEG image named '.png'"):
        check_image(out.getvalue(), "phone.png")


def test_the_pixel_limits_are_exact() -> None:
    square = encoded(Image.new("1", (4096, 4096)), "PNG")
    assert check_image(square, "square.png") == (4096, 4096)
    panorama = encoded(Image.new("1", (8192, 2048)), "PNG")
    assert check_image(panorama, "panorama.png") == (8192, 2048)
    with pytest.raises(ImageRejected, match="image too large: 16,781,312 pixels; the limit is"):
        check_image(encoded(Image.new("1", (4097, 4096)), "PNG"), "big.png")
    for size in [(8193, 16), (16, 8193)]:
        with pytest.raises(ImageRejected, match=f"image too large: {size[0]} x {size[1]} pixels"):
            check_image(encoded(Image.new("1", size), "PNG"), "long.png")


def test_pillows_bomb_warning_is_an_error() -> None:
    """5000 x 5000 is between Pillow's warning (the limit) and its error (twice the limit):
    Pillow would only warn and decode it."""
    assert MAX_PIXELS < 5000 * 5000 < 2 * MAX_PIXELS
    with pytest.raises(ImageRejected, match="image too large: 25,000,000 pixels"):
        check_image(bomb_png(5000, 5000), "warned.png")


@pytest.mark.parametrize("name, data, reason", [
    ("bomb.png", None, "image too large: 900,000,000 pixels"),
    ("page.png", NOT_A_PICTURE, "not a PNG, JPEG, WebP or GIF image"),
    ("empty.png", b"", "not a PNG, JPEG, WebP or GIF image"),
    ("photo.png", "jpeg", "a JPEG image named '.png': its name must end in '.jpg'"),
    ("photo.gif", "png", "a PNG image named '.gif'"),
    ("icon.png", "bmp", "not a PNG, JPEG, WebP or GIF image"),
    ("cut.png", "truncated", "image damaged"),
    ("cut.jpg", "truncated-jpeg", "image cannot be decoded"),
    ("anim.gif", "animation", "animation too large: 20 frames of 1000 x 1000 pixels"),
    ("notes.txt", b"text", "not a picture the kiosk shows"),
])
def test_refusals_say_why(name: str, data: object, reason: str, bomb: bytes) -> None:
    picture = Image.new("RGB", (200, 150), "teal")
    if data is None:
        data = bomb
    elif data == "jpeg":
        data = encoded(picture, "JPEG")
    elif data == "png":
        data = encoded(picture, "PNG")
    elif data == "bmp":
        data = encoded(picture, "BMP")
    elif data == "truncated":
        full = encoded(Image.effect_noise((200, 150), 50).convert("RGB"), "PNG")
        data = full[: len(full) // 2]
    elif data == "truncated-jpeg":
        full = encoded(Image.effect_noise((200, 150), 50).convert("RGB"), "JPEG")
        data = full[: len(full) // 2]
    elif data == "animation":
        frames = [Image.new("P", (1000, 1000), colour) for colour in range(20)]
        out = io.BytesIO()
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
        data = out.getvalue()
    assert isinstance(data, bytes)
    with pytest.raises(ImageRejected, match=reason.replace("(", r"\(").replace(")", r"\)")):
        check_image(data, name)


def test_the_bundled_content_images_pass() -> None:
    assert content_image_problems(CONTENT) == []


def test_the_checker_does_not_import_kivy() -> None:
    code = "import sys, contentlib.images; print(any(m.startswith('kivy') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ------------------------------------------------------------------ kiosk-content check


def test_check_refuses_a_non_picture_and_a_small_file_30000_pixels_square(
    content: Path, bomb: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = content / "media" / "photo.jpg"
    photo.write_bytes(encoded(Image.new("RGB", (1600, 1200)), "JPEG"))
    assert content_cli(["check", str(content)]) == 0  # good pictures pass
    assert "No errors." in capsys.readouterr().out
    (content / PICTURE).write_bytes(bomb)
    (content / "media" / "poster.png").write_bytes(NOT_A_PICTURE)
    photo.rename(content / "media" / "renamed.png")
    assert content_cli(["check", str(content)]) == 1
    err = capsys.readouterr().err
    assert "content/media/ballot-box.png: error: image too large: 900,000,000 pixels" in err
    assert "content/media/poster.png: error: not a PNG, JPEG, WebP or GIF image" in err
    assert "content/media/renamed.png: error: a JPEG image named '.png'" in err
    assert "3 error(s)" in err


# ------------------------------------------------------------------ kiosk-content build


@pytest.mark.parametrize("picture, reason", [("bomb", "image too large: 900,000,000 pixels"),
                                             ("page", "not a PNG, JPEG, WebP or GIF image")])
@pytest.mark.parametrize("scale_images", [False, True])
def test_build_refuses_a_bad_picture_and_publishes_nothing(
    tmp_path: Path, content: Path, key, bomb: bytes, picture: str, reason: str, scale_images: bool
) -> None:
    (content / PICTURE).write_bytes(bomb if picture == "bomb" else NOT_A_PICTURE)
    out = tmp_path / "publish"
    with pytest.raises(BuildError) as refused:
        build(content, out, key[0], scale_images=scale_images)
    assert f"content/{PICTURE}: error: {reason}" in str(refused.value)
    assert not out.exists()


@pytest.mark.parametrize("options", [[], ["--scale-images"]])
def test_build_command_names_the_refused_picture(tmp_path: Path, content: Path, key, bomb: bytes,
                                                 options: list[str]) -> None:
    (content / PICTURE).write_bytes(bomb)
    out = tmp_path / "publish"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.content_cli", "build", str(content), "--out", str(out),
         "--key", str(key[0]), *options],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert f"content/{PICTURE}: error: image too large: 900,000,000 pixels" in result.stderr
    if options:  # 900 megapixels is far over what --scale-images will decode
        assert f"not scaled {PICTURE}: too large to scale: the limit is 100,000,000" in result.stderr
    assert not out.exists()


def test_build_scale_images_publishes_a_scaled_copy_and_leaves_the_source(
    tmp_path: Path, content: Path, key
) -> None:
    """An 8000 x 6000 camera photo: refused as it is, published scaled with --scale-images,
    and the kiosk applies that bundle."""
    photo = content / "media" / "photo.jpg"
    photo.write_bytes(encoded(Image.linear_gradient("L").resize((8000, 6000)), "JPEG", quality=80))
    original = photo.read_bytes()
    out = tmp_path / "publish"
    with pytest.raises(BuildError, match="content/media/photo.jpg: error: image too large"):
        build(content, out, key[0])
    messages: list[str] = []
    assert build(content, out, key[0], progress=messages.append, scale_images=True) == 1
    assert "scaled media/photo.jpg: 8000 x 6000 -> 4096 x 3072 pixels" in messages
    assert photo.read_bytes() == original
    payload = json.loads((out / "manifest.signed").read_bytes().split(b"\n", 1)[1])
    entry = next(o for o in payload["objects"] if o["path"] == "media/photo.jpg")
    published = (out / "objects" / entry["sha256"]).read_bytes()
    assert entry["sha256"] != hashlib.sha256(original).hexdigest()
    assert check_image(published, "photo.jpg") == (4096, 3072)
    assert Image.open(io.BytesIO(published)).format == "JPEG"
    unchanged = next(o for o in payload["objects"] if o["path"] == PICTURE)
    assert unchanged["sha256"] == hashlib.sha256((content / PICTURE).read_bytes()).hexdigest()
    assert sync_once(FolderSource(out), key[1], tmp_path / "kiosk").outcome == "applied"


# ------------------------------------------------------------------ the kiosk's update


def in_use(data_dir: Path) -> dict[str, bytes]:
    """The content in use: the pointer file and every cache file, byte for byte."""
    files = tree_bytes(data_dir / "cache")
    pointer = data_dir / "current"
    files["current"] = pointer.read_bytes() if pointer.exists() else b""
    return files


@pytest.mark.parametrize("picture, reason", [("bomb", "image too large: 900,000,000 pixels"),
                                             ("page", "not a PNG, JPEG, WebP or GIF image")])
def test_sync_refuses_a_signed_bundle_with_a_bad_picture_and_keeps_the_content(
    tmp_path: Path, content: Path, key, bomb: bytes, picture: str, reason: str
) -> None:
    published = tmp_path / "publish"
    build(content, published, key[0])
    data = tmp_path / "kiosk"
    assert sync_once(FolderSource(published), key[1], data).version == 1
    before = in_use(data)
    # Version 2, signed with the editors' key, whose picture is replaced: only the kiosk's
    # own image check stands between it and the screen (build would have refused it).
    bad = bomb if picture == "bomb" else NOT_A_PICTURE
    digest = hashlib.sha256(bad).hexdigest()
    (published / "objects" / digest).write_bytes(bad)
    payload = json.loads((published / "manifest.signed").read_bytes().split(b"\n", 1)[1])
    objects = [ObjectEntry(o["path"], o["sha256"], o["length"], o["role"]) for o in payload["objects"]]
    objects = [ObjectEntry(o.path, digest, len(bad), o.role) if o.path == PICTURE else o for o in objects]
    now = datetime.now(timezone.utc)
    signed = sign(encode_payload(2, now, now + timedelta(days=30), objects), load_private_key(key[0]))
    (published / "manifest.signed").write_bytes(signed)
    with pytest.raises(ContentRejectedError) as refused:
        sync_once(FolderSource(published), key[1], data)
    assert f"{PICTURE}: error: {reason}" in str(refused.value)
    assert in_use(data) == before
    assert status(data)["sync_version"] == 1
    assert PICTURE in status(data)["last_error"]
    assert current_cache_path(data) is not None


# ------------------------------------------------------------------ the guide reader


@pytest.mark.gui
@pytest.mark.content_languages("bg")
def test_a_guide_whose_pictures_are_damaged_shows_their_descriptions(
    tmp_path: Path, content_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two pictures damaged on the kiosk's disk: one Kivy cannot decode (a PNG cut in half,
    whose header is fine), one that is not a picture at all. The guide opens, the app keeps
    running, each broken picture's description stands in its place, and a good picture in
    the same guide is still shown."""
    from gui_support import advance_frames, start_app, stop_app, tap, tap_card
    from kivy.uix.image import Image as KivyImage

    from kiosk.ui.app import KioskApp
    from kiosk.config import parse_config
    from contentlib.source import load_content
    from contentlib.cache import build_cache_file, set_current
    from kiosk.widgets.common import KioskLabel

    guide = content_copy / "en" / "guides" / "ep-voting.md"
    text = guide.read_text(encoding="utf-8")
    assert f"![A ballot box]({PICTURE})" in text
    guide.write_text(text.replace(f"![A ballot box]({PICTURE})",
                                  f"![A ballot box]({PICTURE})\n\n![A polling station](media/station.png)"
                                  "\n\n![A voting booth](media/booth.png)"),
                     encoding="utf-8")
    full = (content_copy / PICTURE).read_bytes()
    (content_copy / PICTURE).write_bytes(full[: len(full) // 2])
    (content_copy / "media" / "station.png").write_bytes(b"\x89PNG\r\n\x1a\n damaged on disk")
    (content_copy / "media" / "booth.png").write_bytes(encoded(Image.new("RGB", (240, 160), "navy"), "PNG"))
    content, problems = load_content(content_copy)  # the text checks pass: bytes are not decoded
    assert content is not None and not [p for p in problems if p.severity == "error"]
    data = tmp_path / "data"
    data.mkdir()
    set_current(data, build_cache_file(content, data / "cache", {"origin": "test"}))

    config = parse_config("""
[kiosk]
host_country = "IT"
municipality = "Comune di Empoli"
languages = ["en", "bg"]
default_language = "en"
""")
    caplog.set_level(logging.ERROR, logger="kiosk.widgets.document")
    app, _clock = start_app(config, data, content_dir=content_copy)
    try:
        tap(app.screens["attract"])
        tap(app.screens["language"].button_for("en"))
        tap_card(app, "ep-voting")
        advance_frames(5)
        assert KioskApp.get_running_app() is app
        assert app.manager.current == "guide" and app.screens["guide"].guide_id == "ep-voting"
        document = app.screens["guide"].ids.document
        pictures = [w for w in document.walk() if type(w) is KivyImage]  # not the QR codes
        assert [tuple(p.texture.size) for p in pictures] == [(240, 160)]
        stand_ins = [w.text for w in document.walk()
                     if isinstance(w, KioskLabel) and getattr(w, "image_fallback", False)]
        assert stand_ins == ["A ballot box", "A polling station"]
        assert any(w.text == "[b]One vote only[/b]" for w in document.walk() if isinstance(w, KioskLabel))
        logged = [r.getMessage() for r in caplog.records if r.name == "kiosk.widgets.document"]
        assert any(m.startswith(f"{PICTURE}: the picture cannot be shown") and "SDL2" in m for m in logged)
        assert any(m.startswith("media/station.png: the picture cannot be shown") for m in logged)
        tap(app.root.ids.home_button)  # still working after the guide
        assert app.manager.current == "home"
    finally:
        stop_app(app)
