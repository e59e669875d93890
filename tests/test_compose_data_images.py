"""`data:` images an author writes: kept when they are what they say and within the limits,
otherwise refused with a reason (`compose/data_images.py`)."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from reportbuilder.compose.data_images import refused
from reportbuilder.limits import MAX_DATA_URL_CHARS, MAX_IMAGE_PIXELS


def encoded(kind: str, size: tuple[int, int] = (4, 3), mode: str = "RGB") -> str:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, kind)
    return base64.b64encode(buffer.getvalue()).decode()


SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='9' height='9'>{}</svg>"


@pytest.mark.parametrize(
    "url",
    [
        f"data:image/png;base64,{encoded('PNG')}",
        f"data:image/jpeg;base64,{encoded('JPEG')}",
        f"data:image/gif;base64,{encoded('GIF')}",
        f"data:image/webp;base64,{encoded('WEBP')}",
        f"DATA:IMAGE/PNG;BASE64,{encoded('PNG')}",
        f"data:image/png;base64,{encoded('PNG')[:20]}\n  {encoded('PNG')[20:]}",
        "data:image/svg+xml," + SVG.format("<rect width='9' height='9' fill='url(#g)'/>"),
        "data:image/svg+xml;base64,"
        + base64.b64encode(SVG.format("<use href='#a'/>").encode()).decode(),
    ],
)
def test_real_images_within_the_limits_are_kept(url: str) -> None:
    assert refused(url) is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (f"data:image/png;base64,{encoded('JPEG')}", "declared PNG but the data is a JPEG"),
        ("data:text/html,<script>alert(1)</script>", "text/html is not an image type"),
        ("data:,hello", "text/plain is not an image type"),
        ("data:image/png;base64,@@@", "base64 data is malformed"),
        ("data:image/png;base64," + base64.b64encode(b"hello").decode(), "not an image"),
        ("data:image/png;base64" + encoded("PNG"), "no comma"),
        ("data:image/svg+xml,<svg", "not a well-formed SVG image"),
        ("data:image/svg+xml,<html/>", "not an SVG image"),
        (
            "data:image/svg+xml," + SVG.format("<image href='file:///etc/passwd'/>"),
            "may not refer to other files",
        ),
        (
            "data:image/svg+xml," + SVG.format("<rect fill='url(#a) url(x.svg#b)'/>"),
            "may not refer to other files",
        ),
        (
            "data:image/svg+xml," + SVG.format("<style>@import 'x.css';</style>"),
            "may not refer to other files",
        ),
        ("data:image/png;base64," + "A" * MAX_DATA_URL_CHARS, "larger than 2,000,000 characters"),
    ],
)
def test_others_are_refused_with_the_reason(url: str, why: str) -> None:
    reason = refused(url)
    assert reason is not None and why in reason, reason


def test_a_broken_image_is_refused() -> None:
    png = base64.b64decode(encoded("PNG", (40, 40)))
    broken = png[:60] + bytes(len(png) - 60)  # the header says PNG, the data is zeros
    reason = refused("data:image/png;base64," + base64.b64encode(broken).decode())
    assert reason is not None and reason.startswith("a broken PNG image"), reason


def test_too_many_pixels_is_refused_before_decoding() -> None:
    side = int(MAX_IMAGE_PIXELS**0.5) + 10  # a 1-bit PNG of a few kB: a decompression bomb
    reason = refused(f"data:image/png;base64,{encoded('PNG', (side, side), mode='1')}")
    assert reason is not None and reason.startswith("too large"), reason
