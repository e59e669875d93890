"""render/printboxes.py: the print layout's PDF boxes. A page laid out with the 12 mm print
slug gets BleedBox = TrimBox + 3 mm; any other page keeps the boxes WeasyPrint wrote."""

from __future__ import annotations

import io

import pypdf
import pytest

from reportbuilder.render.printboxes import BLEED_MM, MEDIA_MM, MM, bleed_box, finish

pytestmark = pytest.mark.pdf


def _margins(
    outer: pypdf.generic.RectangleObject, inner: pypdf.generic.RectangleObject
) -> list[float]:
    """How far `outer` lies past `inner` on each side, in mm (left, bottom, right, top)."""
    sides = (
        float(inner.left) - float(outer.left),
        float(inner.bottom) - float(outer.bottom),
        float(outer.right) - float(inner.right),
        float(outer.top) - float(inner.top),
    )
    return [round(side / MM, 2) for side in sides]


def _pdf(bleed_mm: float) -> pypdf.PdfReader:
    from weasyprint import HTML

    html = f"<style>@page {{ size: A5; bleed: {bleed_mm}mm; marks: crop }}</style><p>One page."
    return pypdf.PdfReader(io.BytesIO(HTML(string=html).write_pdf(finisher=finish)))


def test_the_print_slug_gets_a_3_mm_bleed_box() -> None:
    (page,) = _pdf(MEDIA_MM).pages
    assert _margins(page.mediabox, page.trimbox) == [MEDIA_MM] * 4
    assert _margins(page.bleedbox, page.trimbox) == [BLEED_MM] * 4
    assert round(float(page.trimbox.width) / MM) == 148  # A5: the trim is the page


def test_another_bleed_is_left_as_weasyprint_writes_it() -> None:
    (page,) = _pdf(5).pages
    assert _margins(page.mediabox, page.trimbox) == [5.0] * 4
    # WeasyPrint's own rule: at most 10 pt past the trim box.
    assert _margins(page.bleedbox, page.trimbox) == [round(10 / MM, 2)] * 4
    (screen,) = _pdf(0).pages
    assert screen.bleedbox == screen.trimbox == screen.mediabox


def test_bleed_box_needs_the_slug_on_every_side() -> None:
    slug = MEDIA_MM * MM
    trim = [0.0, 0.0, 420.0, 595.0]
    media = [-slug, -slug, 420.0 + slug, 595.0 + slug]
    bleed = BLEED_MM * MM
    assert bleed_box(media, trim) == [-bleed, -bleed, 420.0 + bleed, 595.0 + bleed]
    assert bleed_box([-slug, -slug, 420.0, 595.0 + slug], trim) is None
    assert bleed_box(trim, trim) is None
