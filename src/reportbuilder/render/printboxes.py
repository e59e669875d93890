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
    + `BLEED_MM` (other pages are left as WeasyPrint wrote them)."""
    import pydyf

    for item in pdf.objects:
        if not isinstance(item, pydyf.Dictionary) or item.get("Type") != "/Page":
            continue
        media, trim = item.get("MediaBox"), item.get("TrimBox")
        if media is None or trim is None:
            continue
        box = bleed_box([float(v) for v in media], [float(v) for v in trim])
        if box is not None:
            item["BleedBox"] = pydyf.Array(box)


def bleed_box(media: list[float], trim: list[float]) -> list[float] | None:
    """TrimBox + `BLEED_MM` when `media` surrounds `trim` by `MEDIA_MM` on every side (the
    print slug), else None. Boxes as [left, top, right, bottom] as WeasyPrint writes them."""
    margins = (trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3])
    if any(abs(margin - MEDIA_MM * MM) > _CLOSE for margin in margins):
        return None
    bleed = BLEED_MM * MM
    return [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed]
