"""Side-by-side pictures of the pages that changed, differences outlined in red.

Only the changed pages are rasterised (with PDFium), each pair once; the differences are
found with Pillow on a coarse grid, so an outline surrounds a changed word or bar rather
than every anti-aliased pixel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportbuilder.deliver.files import write_atomic

DPI = 70
_PICTURE = re.compile(r"page-\d{3,}\.png")
_CELL = 8  # pixels: the grid differences are gathered on
_GAP = 24
_RED = (220, 30, 30)


MARKER = ".diff-pictures"  # the names of the pictures `diff` wrote into a folder, last time


class UnusableFolder(ValueError):
    """A folder `--visual` must not write into: a project's sources, or one holding
    pictures `diff` did not write."""


def usable_folder(folder: Path) -> None:
    """Raise `UnusableFolder` when writing page pictures into `folder` would put them among
    a project's sources (the next build would read them) or replace a picture of someone's
    (an `assets/page-001.png`); a folder `diff` wrote into before is fine."""
    from reportbuilder.project.sources import among_sources, enclosing_project

    project = enclosing_project(folder)
    if project is not None:
        problem = among_sources(project, folder, "the page pictures")
        if problem is not None:
            raise UnusableFolder(f"{folder}: {problem.message}")
    ours = _ours(folder)
    theirs = sorted(
        path.name
        for path in (folder.glob("page-*.png") if folder.is_dir() else ())
        if _PICTURE.fullmatch(path.name) and path.name not in ours
    )
    if theirs:
        raise UnusableFolder(
            f"{folder} holds {theirs[0]}, which diff did not write: choose an empty folder "
            "(diff replaces the pictures it wrote there before, and only those)"
        )


def _ours(folder: Path) -> set[str]:
    try:
        listed = (folder / MARKER).read_text("utf-8").split()
    except OSError:
        return set()
    return {name for name in listed if _PICTURE.fullmatch(name)}


def write_pictures(
    old_pdf: Path, new_pdf: Path, pairs: Sequence[tuple[int, int]], folder: Path
) -> list[Path]:
    """One PNG per pair (old page, new page; 1-based) in `folder`, named after the new
    page: `page-005.png`. Returns the files written. Raises `UnusableFolder` (see
    `usable_folder`) before writing anything."""
    import pypdfium2

    from reportbuilder.review.pdfium import LOCK

    usable_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Pictures of an earlier comparison would pass for changes of this one: those diff
    # wrote (listed in MARKER) go, nothing else.
    for name in _ours(folder):
        stale = folder / name
        if stale.is_file() and not stale.is_symlink():
            stale.unlink()
    written = []
    with LOCK:  # PDFium is not thread-safe (`review.pdfium`)
        old_doc, new_doc = pypdfium2.PdfDocument(old_pdf), pypdfium2.PdfDocument(new_pdf)
        try:
            for old_page, new_page in pairs:
                old_image = _render(old_doc, old_page)
                new_image = _render(new_doc, new_page)
                picture = _side_by_side(old_image, new_image, old_page, new_page)
                path = folder / f"page-{new_page:03d}.png"
                write_atomic(path, _png(picture))
                written.append(path)
        finally:
            old_doc.close()
            new_doc.close()
            names = "".join(f"{path.name}\n" for path in written)
            write_atomic(folder / MARKER, names.encode("utf-8"))
    return written


# Two pages are drawn alike when, drawn at ALIKE_DPI, at most ALIKE_CELLS cells of
# ALIKE_CELL × ALIKE_CELL pixels differ on average by more than ALIKE_LEVEL in a colour
# channel. The same glyphs from another font subset (a page assembled from parts) move by a
# fraction of a pixel, which only anti-aliasing shows; a changed colour, bar or hairline
# changes whole cells.
ALIKE_DPI = 100
ALIKE_CELL = 4
ALIKE_LEVEL = 32
ALIKE_CELLS = 2


def drawn_alike(old_pdf: bytes, old_page: int, new_pdf: bytes, new_page: int) -> bool:
    """Whether two pages (1-based) of two PDFs look the same; False when either is missing."""
    import pypdfium2
    from PIL import Image, ImageChops

    from reportbuilder.review.pdfium import LOCK

    if not old_pdf or not new_pdf:
        return False
    with LOCK:  # PDFium is not thread-safe (`review.pdfium`)
        old_doc, new_doc = pypdfium2.PdfDocument(old_pdf), pypdfium2.PdfDocument(new_pdf)
        try:
            old = _render(old_doc, old_page, ALIKE_DPI)
            new = _render(new_doc, new_page, ALIKE_DPI)
        finally:
            old_doc.close()
            new_doc.close()
    if old.size != new.size:
        return False
    channels = ImageChops.difference(old, new).split()
    strongest = channels[0]
    for channel in channels[1:]:
        strongest = ImageChops.lighter(strongest, channel)
    size = (max(1, strongest.width // ALIKE_CELL), max(1, strongest.height // ALIKE_CELL))
    cells = strongest.resize(size, Image.Resampling.BOX).histogram()
    return sum(cells[ALIKE_LEVEL + 1 :]) <= ALIKE_CELLS


def _render(document: Any, page_number: int, dpi: int = DPI) -> Any:
    from PIL import Image

    if not 1 <= page_number <= len(document):
        return Image.new("RGB", (1, 1), "white")
    page = document[page_number - 1]
    try:
        return page.render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        page.close()


def _side_by_side(old: Any, new: Any, old_page: int, new_page: int) -> Any:
    from PIL import Image, ImageChops, ImageDraw

    width, height = max(old.width, new.width), max(old.height, new.height)
    old_full = Image.new("RGB", (width, height), "white")
    old_full.paste(old, (0, 0))
    new_full = Image.new("RGB", (width, height), "white")
    new_full.paste(new, (0, 0))
    boxes = _changed_cells(ImageChops.difference(old_full, new_full))
    label = 16
    sheet = Image.new("RGB", (2 * width + _GAP, height + label), (235, 235, 235))
    sheet.paste(old_full, (0, label))
    sheet.paste(new_full, (width + _GAP, label))
    draw = ImageDraw.Draw(sheet)
    draw.text((4, 2), f"old: page {old_page}", fill=(0, 0, 0))
    draw.text((width + _GAP + 4, 2), f"new: page {new_page}", fill=(0, 0, 0))
    for left, top, right, bottom in boxes:
        for offset in (0, width + _GAP):
            draw.rectangle(
                (left + offset - 2, top + label - 2, right + offset + 2, bottom + label + 2),
                outline=_RED,
                width=2,
            )
    return sheet


def _changed_cells(difference: Any) -> list[tuple[int, int, int, int]]:
    """Boxes around the changed regions: changed grid cells, merged row by row."""
    from PIL import Image

    grey = difference.convert("L").point(lambda value: 255 if value > 40 else 0)
    columns = (grey.width + _CELL - 1) // _CELL
    rows = (grey.height + _CELL - 1) // _CELL
    # Any changed pixel marks its cell: the box filter averages it into a non-zero value.
    padded = grey.crop((0, 0, columns * _CELL, rows * _CELL))
    small = padded.resize((columns, rows), Image.Resampling.BOX)
    marked = small.load()
    boxes: list[tuple[int, int, int, int]] = []
    for row in range(rows):
        column = 0
        while column < columns:
            if marked[column, row]:
                start = column
                while column < columns and marked[column, row]:
                    column += 1
                box = (start * _CELL, row * _CELL, column * _CELL, (row + 1) * _CELL)
                boxes = _merge(boxes, box)
            column += 1
    return boxes


def _merge(
    boxes: list[tuple[int, int, int, int]], box: tuple[int, int, int, int]
) -> list[tuple[int, int, int, int]]:
    """Add a box, joining it with any box it touches (so a changed line is one outline)."""
    left, top, right, bottom = box
    kept = []
    for other in boxes:
        if (
            other[0] <= right + _CELL
            and left <= other[2] + _CELL
            and other[1] <= bottom
            and (top <= other[3])
        ):
            left, top = min(left, other[0]), min(top, other[1])
            right, bottom = max(right, other[2]), max(bottom, other[3])
        else:
            kept.append(other)
    kept.append((left, top, right, bottom))
    return kept


def _png(image: Any) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
