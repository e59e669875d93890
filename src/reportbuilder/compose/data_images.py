"""`data:` images an author writes (`![chart](data:image/png;base64,…)`): decoded and checked
before they are kept, so that one the renderer would refuse or fail on is a located warning.

Kept: PNG, JPEG, GIF and WebP images whose bytes are the type they declare, within the size
of a `data:` URL and the pixel limit of any image; SVG images that parse as SVG and refer to
nothing outside themselves.
"""

from __future__ import annotations

import base64
import binascii
import functools
import io
import re
import warnings
import xml.etree.ElementTree as ET
from urllib.parse import unquote_to_bytes

from reportbuilder.limits import MAX_DATA_URL_CHARS, MAX_IMAGE_PIXELS

_RASTER = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/jpg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
_SVG = "image/svg+xml"
_LOCAL_URL = re.compile(r"""url\(\s*["']?#""", re.IGNORECASE)


def is_data_url(url: str) -> bool:
    return url.strip()[:5].lower() == "data:"


@functools.lru_cache(maxsize=32)
def refused(url: str) -> str | None:
    """Why a `data:` image URL is not kept (in a writer's words), or None to keep it."""
    if len(url) > MAX_DATA_URL_CHARS:
        return f"larger than {MAX_DATA_URL_CHARS:,} characters"
    header, comma, payload = url.strip()[5:].partition(",")
    if not comma:
        return "not a data: URL (no comma before the data)"
    parameters = [part.strip().lower() for part in header.split(";")]
    media_type = parameters[0] or "text/plain"
    if media_type not in _RASTER and media_type != _SVG:
        return f"{media_type} is not an image type (PNG, JPEG, GIF, WebP or SVG)"
    data = unquote_to_bytes(payload)
    if "base64" in parameters[1:]:
        try:
            data = base64.b64decode(re.sub(rb"\s+", b"", data), validate=True)
        except (binascii.Error, ValueError):
            return "its base64 data is malformed"
    if media_type == _SVG:
        return _refused_svg(data)
    return _refused_raster(data, _RASTER[media_type])


def _refused_raster(data: bytes, declared: str) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                found = image.format or "unknown"
                width, height = image.size
                if found != declared:
                    return f"declared {declared} but the data is {_kind(found)}"
                if width * height > MAX_IMAGE_PIXELS:
                    return (
                        f"too large ({width}×{height} pixels; the limit is "
                        f"{MAX_IMAGE_PIXELS / 1e6:.0f} megapixels)"
                    )
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"too large (more than {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels)"
    except UnidentifiedImageError:
        return f"declared {declared} but the data is not an image"
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        return f"a broken {declared} image ({error})"
    return None


def _kind(pillow_format: str) -> str:
    return {"JPEG": "a JPEG", "PNG": "a PNG"}.get(pillow_format, pillow_format)


def _refused_svg(data: bytes) -> str | None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return f"not a well-formed SVG image ({error})"
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return "declared SVG but the data is not an SVG image"
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] == "href" and not value.strip().startswith("#"):
                return "an SVG image may not refer to other files"
        for text in (*element.attrib.values(), element.text or ""):
            lowered = text.lower()
            if "@import" in lowered or lowered.count("url(") != len(_LOCAL_URL.findall(text)):
                return "an SVG image may not refer to other files"
    return None
