"""A size budget for the PDF (`max_size`): over it, lay the document out again with its images
downsampled and recompressed, in steps, until it fits; if it never does, say which images
weigh the most, where they are written and how much each takes.

An email attachment has a limit (often 10 or 25 MB, less for some offices): a report that
cannot be sent is as useless as one that cannot be built.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reportbuilder.errors import Location, Problem, RenderError, Stage
from reportbuilder.limits import Deadline, Limits
from reportbuilder.project.resources import Places
from reportbuilder.render.renderer import ImageOptions, Pdf, PdfRenderer, RenderJob

__all__ = ["STEPS", "ImageWeight", "format_size", "heaviest_images", "render_within"]

# Each step lighter than the one before; the first is the document as the author made it.
STEPS: tuple[ImageOptions, ...] = (
    ImageOptions(),
    ImageOptions(dpi=300, jpeg_quality=85, optimize_images=True),
    ImageOptions(dpi=200, jpeg_quality=75, optimize_images=True),
    ImageOptions(dpi=150, jpeg_quality=65, optimize_images=True),
    ImageOptions(dpi=110, jpeg_quality=55, optimize_images=True),
    ImageOptions(dpi=80, jpeg_quality=45, optimize_images=True),
    ImageOptions(dpi=60, jpeg_quality=35, optimize_images=True),
    ImageOptions(dpi=45, jpeg_quality=25, optimize_images=True),
)
_RASTER = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp")


def format_size(size: int) -> str:
    """`8.2 MB`, `150 KB`, `900 B` (decimal units, as `max_size` is written)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1000:
        return f"{size / 1000:.0f} KB"
    return f"{size} B"


@dataclass(frozen=True)
class ImageWeight:
    """One image in the PDF: what it is (a project file, or its page and pixels), its bytes,
    and where the project uses it."""

    name: str
    bytes: int
    width: int
    height: int
    page: int
    where: Location | None = None


def _pdf_images(data: bytes) -> list[tuple[int, int, int, int]]:
    """(page, width, height, bytes) of each distinct raster image, in order of first use
    (page by page, in drawing order; WeasyPrint shares one resource dictionary)."""
    import re

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    seen: set[int] = set()
    found: list[tuple[int, int, int, int]] = []
    drawn = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")

    def visit(content: bytes, resources: Any, page: int, depth: int) -> None:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, Mapping) or depth > 8:
            return
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else {}
        for match in drawn.finditer(content):
            ref = xobjects.get("/" + match[1].decode("latin-1"))
            if ref is None:
                continue
            obj = ref.get_object()
            key = getattr(ref, "idnum", None) or id(obj)
            if obj.get("/Subtype") == "/Form":
                visit(obj.get_data(), obj.get("/Resources") or resources, page, depth + 1)
                continue
            if obj.get("/Subtype") != "/Image" or key in seen:
                continue
            seen.add(key)
            size = len(obj._data or b"")
            mask = obj.get("/SMask")
            if mask is not None:
                size += len(mask.get_object()._data or b"")
            found.append((page, int(obj.get("/Width", 0)), int(obj.get("/Height", 0)), size))

    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        if contents is not None:
            visit(contents.get_data(), page.get("/Resources"), number, 0)
    return found


def _raster_sources(
    resources: Mapping[str, Places], root: Path | None
) -> list[tuple[str, Location]]:
    """The raster images the document refers to, in the order they are written."""
    found = []
    for url, places in resources.items():
        where = places[0] if places else Location("")
        parts = urlsplit(url)
        path = unquote(parts.path)
        if parts.scheme == "data":
            if url[5:].lower().startswith(("image/png", "image/jpeg", "image/gif", "image/webp")):
                found.append((f"an image written inline at {where}", where))
            continue
        if not path.lower().endswith(_RASTER):
            continue
        shown = path
        if root is not None and parts.scheme == "file":
            try:
                shown = Path(path).resolve().relative_to(root).as_posix()
            except ValueError:
                shown = path
        found.append((shown, where))
    return found


def heaviest_images(
    data: bytes, resources: Mapping[str, Places] = {}, root: Path | None = None
) -> list[ImageWeight]:
    """The raster images of a PDF, heaviest first, named after the project's files when the
    images and the files they came from can be matched one to one (in order of use)."""
    images = _pdf_images(data)
    sources = _raster_sources(resources, root)
    named = len(sources) == len(images)
    weights = []
    for index, (page, width, height, size) in enumerate(images):
        if named:
            name, where = sources[index]
        else:
            name, where = f"the image on page {page} ({width}×{height} px)", None
        weights.append(ImageWeight(name, size, width, height, page, where))
    return sorted(weights, key=lambda item: -item.bytes)


def render_within(
    renderer: PdfRenderer,
    job: RenderJob,
    max_size: int,
    limits: Limits | None = None,
    *,
    deadline: Deadline | None = None,
    root: Path | None = None,
    first: Pdf | None = None,
) -> tuple[Pdf, ImageOptions]:
    """The PDF of `job` within `max_size` bytes, lightening its images step by step (`first`
    is the PDF already made as the author wrote it, if any). Raises `RenderError` naming the
    heaviest images when even the last step is over the budget."""

    def attempt(options: ImageOptions) -> Pdf:
        return renderer.render(replace(job, images=options), limits, deadline=deadline)

    pdf = first or attempt(STEPS[0])
    if len(pdf.data) <= max_size:
        return pdf, STEPS[0]
    # The steps only ever lighten: find the first that fits by halving, not one by one.
    low, high = 1, len(STEPS) - 1
    lightest = attempt(STEPS[high])
    if len(lightest.data) > max_size:
        raise RenderError(_over_budget(lightest, max_size, STEPS[high], job.resources, root))
    best, used = lightest, STEPS[high]
    high -= 1
    while low <= high:
        middle = (low + high) // 2
        candidate = attempt(STEPS[middle])
        if len(candidate.data) <= max_size:
            best, used = candidate, STEPS[middle]
            high = middle - 1
        else:
            low = middle + 1
    return best, used


def _over_budget(
    pdf: Pdf,
    max_size: int,
    used: ImageOptions,
    resources: Mapping[str, Places],
    root: Path | None,
) -> list[Problem]:
    weights = heaviest_images(pdf.data, resources, root)
    in_images = sum(item.bytes for item in weights)
    message = (
        f"the PDF weighs {format_size(len(pdf.data))}, over the budget of {format_size(max_size)}"
    )
    hint = "raise max_size, or use fewer or smaller images"
    if weights:
        rest = len(pdf.data) - in_images
        message += f" even with images at {used}; images take {format_size(in_images)}, "
        message += f"the rest {format_size(rest)}"
    else:  # nothing was lightened: saying "even with images at 45 dpi" was untrue
        message += ", and it has no images to lighten: fonts and text take it all"
        hint = "raise max_size (fonts and text are never made smaller)"
    problems = [Problem(None, None, message, stage=Stage.RENDER, setting="max_size", hint=hint)]
    for item in weights[:5]:
        where = item.where
        problems.append(
            Problem(
                where.path if where else None,
                where.line if where else None,
                f"heavy image {item.name}: {format_size(item.bytes)} in the PDF "
                f"({item.width}×{item.height} px, page {item.page})",
                stage=Stage.RENDER,
                setting="max_size",
            )
        )
    return problems
