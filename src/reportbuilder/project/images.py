"""The shapes of the images a chapter sets side by side (`![…](a.jpg){.side-by-side}`): a row
gives each its width by its proportions so that all come out the same height. Only the image
file's header is read (Pillow), or an SVG's `viewBox` / `width` and `height`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from reportbuilder.errors import ReportError
from reportbuilder.project.chapters import Chapter
from reportbuilder.project.files import FilePolicy, is_file

# An image followed by an attribute list naming `.side-by-side`, on one line. The address
# and what follows it are read possessively: `![a](` pasted 8 000 times made each try
# split the rest of the line every way (cubic: minutes before the build began, trial 5 #8).
_SIDE = re.compile(r"!\[[^\[\]\n]*\]\(\s*<?([^)\s>]++)[^)\n]*+\)\s*\{[^}\n]*\.side-by-side\b")
_SVG_BOX = re.compile(r"""viewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)""")
_SVG_SIZE = re.compile(r"""\b(width|height)\s*=\s*["']\s*([\d.]+)""")
MAX_IMAGES = 500  # side-by-side images whose size is read, per project


def side_by_side_sizes(
    chapters: Iterable[Chapter], files: FilePolicy
) -> dict[str, tuple[float, float]]:
    """Image path as written → (width, height) in any unit, for the side-by-side images of
    `chapters` and their translations that are files in the project and can be read."""
    written: list[str] = []
    for chapter in chapters:
        for text in [chapter.source, *(t.source for t in chapter.translations.values())]:
            written.extend(match[1] for match in _SIDE.finditer(text))
    sizes: dict[str, tuple[float, float]] = {}
    for rel in dict.fromkeys(written):
        if len(sizes) >= MAX_IMAGES:
            break
        size = _size(files, rel)
        if size is not None:
            sizes[rel] = size
    return sizes


def _size(files: FilePolicy, rel: str) -> tuple[float, float] | None:
    path = files.root / rel
    if ":" in rel or not is_file(path) or not files.in_project(path) or files.refusal(Path(rel)):
        return None  # a URL, or missing or refused: the renderer reports it at its line
    if rel.lower().endswith(".svg"):
        try:
            text = files.read_project_text(rel)
        except ReportError:
            return None
        box = _SVG_BOX.search(text)
        if box:
            return float(box[1]), float(box[2])
        given = dict(_SVG_SIZE.findall(text[: text.find(">", text.find("<svg")) + 1]))
        if "width" in given and "height" in given:
            return float(given["width"]), float(given["height"])
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(files.real(Path(rel))) as image:  # the header only
            width, height = image.size
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    return (float(width), float(height)) if width > 0 and height > 0 else None


__all__ = ["side_by_side_sizes"]
