"""Whether the renderer can use an image file of the project, said in a writer's words.

One answer for `check` (which reads the files the project refers to) and `build` (whose
renderer fails on them): an image Pillow cannot identify, one over the pixel limit, one whose
data is broken. SVG files are WeasyPrint's own business and are not judged here.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from reportbuilder.errors import without_reprs
from reportbuilder.limits import MAX_IMAGE_PIXELS

# The first bytes of formats people mistake for images, or images under another name.
_SIGNATURES = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Office document?)"),
    (b"<svg", "an SVG drawing"),
    (b"<?xml", "XML text"),
    (b"<!doctype html", "an HTML page"),
    (b"<html", "an HTML page"),
)
_EXTENSIONS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
# The files `check` judges: the raster images a chapter, the cover or the logo may name.
RASTER_SUFFIXES = frozenset({*_EXTENSIONS, ".bmp", ".tif", ".tiff"})


def what_bytes(head: bytes) -> str:
    """What the first bytes of a file say it is ("a GIF image", "empty", "unknown data")."""
    if not head:
        return "empty"
    lowered = head.lstrip()[:16].lower()
    for signature, name in _SIGNATURES:
        if lowered.startswith(signature.lower()):
            return name
    if head[:12].startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "a WebP image"
    return "unknown data"


def image_problem(path: Path) -> str | None:
    """Why the renderer would not use the raster image at `path`, or None if it would."""
    from PIL import Image, UnidentifiedImageError

    if path.suffix.lower() == ".svg":
        return None
    declared = _EXTENSIONS.get(path.suffix.lower())
    named = f"a {declared} image" if declared else "an image"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # the header only, until `verify`
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return _too_large(width * height)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # raised by `open` where the caller lowered Pillow's limit (the render process)
        pixels = re.search(r"\((\d+) pixels\)", str(error))
        return _too_large(int(pixels[1]) if pixels else None)
    except UnidentifiedImageError:
        with path.open("rb") as file:
            found = what_bytes(file.read(64))
        return f"not {named} Pillow can read (its bytes are {found})"
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        return f"a broken {declared or 'image'} file ({without_reprs(str(error))})"
    return None


def _too_large(pixels: int | None) -> str:
    limit = MAX_IMAGE_PIXELS / 1e6
    if pixels is None:
        return f"too large (more than {limit:.0f} megapixels, the limit)"
    return f"too large ({pixels / 1e6:.0f} megapixels; the limit is {limit:.0f})"


__all__ = ["RASTER_SUFFIXES", "image_problem", "what_bytes"]
