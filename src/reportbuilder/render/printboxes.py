"""The print shop's page boxes: crop marks outside the bleed, in a slug around it.

WeasyPrint draws crop marks inside the CSS bleed area, from the media's edge half-way to the
trim line. With the usual 3 mm bleed the marks sit where the colour printed to the bleed
edge (the cover's band) covers them, and a print shop trims by those marks. So the print
version is laid out with a larger CSS bleed (`MEDIA_MM`, in templates/brand.html): the marks
then run from 12 mm to 6 mm off the trim, outside the 3 mm the theme prints colour into
(`BLEED_MM`). WeasyPrint sets the PDF BleedBox at most 10 pt off the TrimBox; `finish`
sets it to the real bleed, so that a printer's imposition sees MediaBox (bleed, slug and
marks) ⊃ BleedBox (trim + 3 mm) ⊃ TrimBox (the page's size).
"""

from __future__ import annotations

from typing import Any

MM = 72 / 25.4  # PDF points in a millimetre
BLEED_MM = 3.0  # what the theme prints colour into, past the trim line (brand.html)
MEDIA_MM = 12.0  # the CSS bleed of the print layout: bleed + slug for the crop marks
_CLOSE = 0.05  # points: how near the media's margin must be to MEDIA_MM


def finish(document: Any, pdf: Any) -> None:
    """A WeasyPrint `finisher`: each page laid out with the print slug gets BleedBox = TrimBox
    + `BLEED_MM` (other pages are left as WeasyPrint wrote them). In a portrait book, a page
    laid out landscape (a wide table's) is turned onto the book's portrait sheet (`/Rotate`
    270: the table's top at the left edge, as books print turned tables), so that every
    sheet the print shop imposes has the same trim size (trial 6 #38)."""
    import pydyf

    printed: list[tuple[Any, list[float]]] = []
    for item in pdf.objects:
        if not isinstance(item, pydyf.Dictionary) or item.get("Type") != "/Page":
            continue
        media, trim = item.get("MediaBox"), item.get("TrimBox")
        if media is None or trim is None:
            continue
        trim_box = [float(v) for v in trim]
        box = bleed_box([float(v) for v in media], trim_box)
        if box is not None:
            item["BleedBox"] = pydyf.Array(box)
            printed.append((item, trim_box))
    portrait = any(_wide(trim) < 0 for _, trim in printed)
    for item, trim in printed:
        if portrait and _wide(trim) > 0:
            item["Rotate"] = TURNED


TURNED = 270  # degrees clockwise a viewer turns the page: its top goes to the left edge


def _wide(box: list[float]) -> float:
    """> 0 for a landscape box, < 0 for a portrait one, 0 for a square."""
    return abs(box[2] - box[0]) - abs(box[3] - box[1])


def bleed_box(media: list[float], trim: list[float]) -> list[float] | None:
    """TrimBox + `BLEED_MM` when `media` surrounds `trim` by `MEDIA_MM` on every side (the
    print slug), else None. Boxes as [left, top, right, bottom] as WeasyPrint writes them."""
    margins = (trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3])
    if any(abs(margin - MEDIA_MM * MM) > _CLOSE for margin in margins):
        return None
    bleed = BLEED_MM * MM
    return [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed]
