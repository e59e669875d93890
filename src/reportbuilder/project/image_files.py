"""Whether the renderer can use an image file of the project, said in a writer's words.

One answer for `check` (which reads the files the project refers to) and `build` (whose
renderer fails on them): an image Pillow cannot identify, one over the pixel limit, one whose
data is broken; an SVG drawing that draws more shapes than anyone could look at (a `<use>`
bomb), counted with every `<use>` expanded (one that is not XML is the renderer's business).
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from reportbuilder.errors import without_reprs
from reportbuilder.limits import MAX_IMAGE_PIXELS, MAX_SVG_BYTES, MAX_SVG_ELEMENTS

# The first bytes of formats people mistake for images, or images under another name.
_SIGNATURES = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"%!PS", "a PostScript (EPS) file"),
    (b"\xc5\xd0\xd3\xc6", "a PostScript (EPS) file"),
    (b"8BPS", "a Photoshop document"),
    (b"PK\x03\x04", "a ZIP archive (an Office document?)"),
    (b"<svg", "an SVG drawing"),
    (b"<?xml", "XML text"),
    (b"<!doctype html", "an HTML page"),
    (b"<html", "an HTML page"),
)
_EXTENSIONS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
# The files `check` judges: the raster images a chapter, the cover or the logo may name.
RASTER_SUFFIXES = frozenset({*_EXTENSIONS, ".bmp", ".tif", ".tiff"})
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


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


def undrawable_image(path: Path, shown: str) -> str | None:
    """Why the picture file at `path` (there, readable) would not be drawn where a figure
    shows it, or None: a file that is no picture (a PDF or EPS chart, a Photoshop file), a
    broken or too large one, a TIFF of several pages (only its first would be printed)."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        reason = svg_syntax_problem(path)
        if reason:
            return f"image {shown} not used: {reason}"
        lost = svg_lost_text(path)
        return f"image {shown} would print without its words: {lost}" if lost else None
    if suffix not in RASTER_SUFFIXES:
        with path.open("rb") as file:
            found = what_bytes(file.read(64))
        return (
            f"image {shown} cannot be shown: it is {found}, not a picture "
            "(export it as SVG, PNG or JPEG)"
        )
    if reason := image_problem(path):
        return f"image {shown} not used: {reason}"
    if suffix in (".tif", ".tiff") and (pages := _pages(path)) > 1:
        return (
            f"image {shown} has {pages} pages, and only the first would be printed "
            "(save each page as its own image)"
        )
    return None


def animation_note(path: Path, shown: str) -> str | None:
    """A warning for an animated picture (a GIF, WebP or PNG of several frames): a page
    shows its first frame only, which may be a blank or a title frame. None otherwise."""
    if path.suffix.lower() not in (".gif", ".webp", ".png"):
        return None
    try:
        frames = _pages(path)
    except Exception:  # what Pillow cannot read, `image_problem` says why
        return None
    if frames < 2:
        return None
    return (
        f"image {shown} is animated ({frames} frames): the PDF shows its first frame only; "
        "save the frame to print as a PNG"
    )


def _pages(path: Path) -> int:
    from PIL import Image

    with Image.open(path) as image:
        return int(getattr(image, "n_frames", 1))


def image_problem(path: Path) -> str | None:
    """Why the renderer would not use the image at `path`, or None if it would."""
    from PIL import Image, UnidentifiedImageError

    if path.suffix.lower() == ".svg":
        return svg_problem(path)
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


# The Pillow modes WeasyPrint draws right ("1" and "P" it turns into RGB itself). Any other
# it draws wrong: "Unknown image mode" and the pixels read as RGB bytes, a black rectangle
# (16-bit greyscale from scanners and microscopes), a 32-bit one nearly white, a
# floating-point one left out. `printable_image` hands the renderer an 8-bit copy instead.
_DRAWN_MODES = frozenset({"RGB", "RGBA", "L", "LA", "CMYK", "1", "P"})
_GREY_MODES = {
    "I;16": 1 / 256,  # 16-bit greyscale: the top 8 bits
    "I;16B": 1 / 256,
    "I;16L": 1 / 256,
    "I;16N": 1 / 256,
    "I": None,  # 32-bit integers: scaled from their range (16-bit PNGs may open so too)
    "F": None,  # floating-point greyscale (0 to 1, else scaled from its range)
}


def printable_image(path: Path) -> bytes | None:
    """An 8-bit PNG of a raster image WeasyPrint would draw wrong (16-bit or 32-bit
    greyscale to greyscale; premultiplied, palette-with-alpha, Lab, HSV … to RGB(A)), or
    None for every image it draws as it is (most: only the header is read)."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            if image.mode in _DRAWN_MODES:
                return None
            image.load()
            dpi = image.info.get("dpi", (96, 96))
            if image.mode in _GREY_MODES:
                converted = _grey(image, _GREY_MODES[image.mode])
            else:
                alpha = "A" in image.mode or "a" in image.mode or "transparency" in image.info
                converted = image.convert("RGBA" if alpha else "RGB")
    except Exception:  # what Pillow cannot read or convert, `image_problem` says why
        return None
    out = io.BytesIO()
    converted.save(out, format="PNG", dpi=dpi)
    return out.getvalue()


def opaque_image(source: Path | bytes) -> bytes | None:
    """A PNG of the raster image `source` (a file, or PNG bytes) laid on white, when it has
    see-through pixels (an alpha channel, a transparent palette entry); None when it has
    none. For the PDF variants that allow no transparency (PDF/A-1)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
            alpha = "A" in image.mode or "a" in image.mode or "transparency" in image.info
            if not alpha:
                return None
            image.load()
            dpi = image.info.get("dpi", (96, 96))
            rgba = image.convert("RGBA")
    except Exception:  # what Pillow cannot read, `image_problem` says why
        return None
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="PNG", dpi=dpi)
    return out.getvalue()


def _grey(image: Any, scale: float | None) -> Any:
    """A greyscale image of more than 8 bits as 8-bit "L": its top 8 bits (`scale`), or its
    values from 0 (or its lowest) to its highest as black to white."""
    wide = image.convert("F")  # every grey mode to floats, exactly
    offset = 0.0
    if scale is None:
        low, high = wide.getextrema()
        if image.mode == "F" and low >= 0 and high <= 1:
            low, high = 0.0, 1.0  # fractions of white
        elif image.mode == "I" and low >= 0 and high <= 65535:
            low, high = 0.0, 65535.0  # a 16-bit greyscale PNG Pillow opened as "I"
        scale = 255 / (high - low) if high > low else 0.0
        offset = -low * scale
    factor = scale
    return wide.point(lambda value: value * factor + offset).convert("L")


def svg_syntax_problem(path: Path) -> str | None:
    """Why an SVG file is no drawing the renderer can read (`mismatched tag: line 1, column
    30`), in the XML parser's words, as the renderer leaves it out; None when it parses."""
    try:
        if path.stat().st_size > MAX_SVG_BYTES:
            return None  # `svg_problem` refuses it
        ElementTree.parse(path)
    except ElementTree.ParseError as error:
        return str(error)
    except OSError:
        return None
    return None


def svg_lost_text(path: Path) -> str | None:
    """Text of the SVG drawing at `path` that the PDF would not show, said for the author,
    or None: labels in `<foreignObject>` (HTML inside SVG: every label of a Mermaid diagram,
    printed as empty boxes) with no `<switch>` fallback, text on a `<textPath>` (drawn
    outside the picture) — trial 7 #29."""
    try:
        if path.stat().st_size > MAX_SVG_BYTES:
            return None
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError):
        return None
    parents = {child: parent for parent in root.iter() for child in parent}
    labels = []
    for element in root.iter():
        name = _name(element)
        if name == "foreignObject":
            parent = parents.get(element)
            fallback = (
                parent is not None
                and _name(parent) == "switch"
                and any(_name(other) != "foreignObject" for other in parent)
            )
            if not fallback:
                labels.append(" ".join("".join(element.itertext()).split()))
        elif name == "textPath":
            words = " ".join("".join(element.itertext()).split())
            return (
                f"its text on a path ('{words[:40]}') is drawn outside the picture in a PDF; "
                "convert that text to outlines, or export the drawing as PNG"
            )
    if not labels:
        return None
    first = next((label for label in labels if label), "")
    example = f", such as '{first[:40]}'" if first else ""
    return (
        f"{len(labels)} label(s) in <foreignObject>{example}, which a PDF does not draw (a "
        "Mermaid diagram's, by default); export it with htmlLabels: false, or as PNG"
    )


def svg_problem(path: Path) -> str | None:
    """Why the SVG drawing at `path` must not be laid out: more shapes than
    `MAX_SVG_ELEMENTS` once every `<use>` is expanded (or a `<use>` that draws itself)."""
    try:
        if path.stat().st_size > MAX_SVG_BYTES:
            return f"an SVG drawing of more than {MAX_SVG_BYTES // 1_000_000} MB"
        # The parser WeasyPrint itself uses (expat refuses entity expansion bombs).
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError):
        return None  # the renderer leaves it out with its own warning, as before
    return drawing_problem(root)


def drawing_problem(root: ElementTree.Element) -> str | None:
    """Why a parsed SVG drawing must not be laid out (a file's or one inline in a chapter):
    more shapes than `MAX_SVG_ELEMENTS` once every `<use>` is expanded, or a `<use>` loop."""
    try:
        drawn = svg_elements(root, MAX_SVG_ELEMENTS)
    except _UseLoop as loop:
        return f'its <use href="#{loop.target}"> draws itself (a loop); remove it'
    if drawn > MAX_SVG_ELEMENTS:
        return (
            f"an SVG drawing of more than {MAX_SVG_ELEMENTS:,} shapes once its <use> copies "
            "are counted (it would hold the layout for minutes); simplify it or use a PNG"
        )
    return None


def _name(element: ElementTree.Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class _UseLoop(Exception):
    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def svg_elements(root: ElementTree.Element, limit: int) -> int:
    """The elements the SVG `root` draws, each `<use>` counting the copy it makes of its
    target; stops counting above `limit` (returns limit + 1). Raises `_UseLoop` for a
    `<use>` that is inside what it copies."""
    targets: dict[str, ElementTree.Element] = {}
    for element in root.iter():
        if (name := element.get("id")) is not None:
            targets.setdefault(name, element)

    def parts(element: ElementTree.Element) -> list[ElementTree.Element]:
        # What is in <defs> is drawn only where a <use> copies it.
        found = [child for child in element if _name(child) != "defs"]
        if _name(element) == "use":
            href = element.get(_XLINK_HREF) or element.get("href") or ""
            target = targets.get(href[1:]) if href.startswith("#") else None
            if target is not None:
                found.append(target)
        return found

    # Iterative depth-first count, each element's total kept: nested <use> multiply, and
    # a chain of thousands of them would overflow Python's stack if counted recursively.
    counts: dict[int, int] = {}
    open_: set[int] = set()  # the elements whose count is under way: the current path
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    while stack:
        element, finished = stack.pop()
        key = id(element)
        if finished:
            open_.discard(key)
            total = 1 + sum(counts[id(part)] for part in parts(element))
            counts[key] = min(total, limit + 1)
            continue
        if key in counts:
            continue
        open_.add(key)
        stack.append((element, True))
        for part in parts(element):
            if id(part) in open_:
                raise _UseLoop(part.get("id") or "")
            if id(part) not in counts:
                stack.append((part, False))
    return counts[id(root)]


def _too_large(pixels: int | None) -> str:
    limit = MAX_IMAGE_PIXELS / 1e6
    if pixels is None:
        return f"too large (more than {limit:.0f} megapixels, the limit)"
    return f"too large ({pixels / 1e6:.0f} megapixels; the limit is {limit:.0f})"


__all__ = ["RASTER_SUFFIXES", "image_problem", "svg_elements", "svg_problem", "what_bytes"]
