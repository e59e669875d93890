"""`--print`: the print shop's version has 3 mm of bleed around an A4 trim box, crop marks
outside the bleed (in a slug the media box takes in), and chapters that open on a
right-hand (odd) page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from conftest import MiniBuild, page_texts
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf

MM = 72 / 25.4
DPI = 100


def _dark(image: Any, x_mm: float, y_mm: float) -> bool:
    """Whether the pixel `x_mm`, `y_mm` from the media box's top-left corner is dark."""
    pixel = image.getpixel((round(x_mm * DPI / 25.4), round(y_mm * DPI / 25.4)))
    return bool(sum(pixel[:3]) < 3 * 128)


def _on_line(image: Any, x_mm: float, y_mm: float) -> bool:
    """A thin mark at about `x_mm`, `y_mm` (within a pixel of it, either way)."""
    step = 25.4 / DPI
    return any(
        _dark(image, x_mm + dx * step, y_mm + dy * step) for dx in (-1, 0, 1) for dy in (-1, 0, 1)
    )


def test_print_version_has_bleed_trim_and_right_hand_chapters(
    mini_build: MiniBuild, mini_project: Path, runner: CliRunner, tmp_path: Path
) -> None:
    printed = tmp_path / "print.pdf"
    result = runner.invoke(
        main, ["build", str(mini_project), "-o", str(printed), "--print"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    plain, shop = pypdf.PdfReader(mini_build.pdf), pypdf.PdfReader(printed)  # screen, print

    trim = shop.pages[2].trimbox
    assert round(float(trim.width) / MM) == 210 and round(float(trim.height) / MM) == 297
    bleed = shop.pages[2].bleedbox
    assert round((float(bleed.width) - float(trim.width)) / MM) == 6  # 3 mm each side
    assert plain.pages[2].trimbox == plain.pages[2].mediabox  # no bleed on screen
    # Every page: the media box takes in a 9 mm slug past the 3 mm bleed, for the crop marks.
    for page in shop.pages:
        media, trim, bleed = page.mediabox, page.trimbox, page.bleedbox
        for outer, inner, mm in ((media, trim, 12), (bleed, trim, 3)):
            margins = (
                float(inner.left) - float(outer.left),
                float(inner.bottom) - float(outer.bottom),
                float(outer.right) - float(inner.right),
                float(outer.top) - float(inner.top),
            )
            assert [round(m / MM, 2) for m in margins] == [mm] * 4, (outer, inner)

    # The cover's band is printed 3 mm past the trim, and no further; the crop marks stand on
    # the trim lines' extensions in the slug, clear of that colour.
    cover = pdfium.PdfDocument(printed)[0].render(scale=DPI / 72).to_pil()
    foot = 12 + 297  # the trim's foot, in mm from the media's top
    assert _dark(cover, 40, foot + 1.5) and not _dark(cover, 40, foot + 4.5)
    assert _dark(cover, 12 - 1.5, foot - 20) and not _dark(cover, 12 - 4.5, foot - 20)
    for x in (1.5, 3, 4.5):  # the horizontal mark, 12 to 6 mm left of the trim
        assert _on_line(cover, x, foot), x
        assert not _dark(cover, x, foot - 3) and not _dark(cover, x, foot + 3)
    for y in (foot + 7.5, foot + 9, foot + 10.5):  # the vertical one, below it
        assert _on_line(cover, 12, y), y
        assert not _dark(cover, 9, y) and not _dark(cover, 15, y)
    assert not _dark(cover, 7, foot + 7)  # between the marks and the bleed: white

    # Every chapter heading stands on an odd page in print, so blank pages were added.
    texts = page_texts(shop)
    starts = [
        i
        for i, text in enumerate(texts, start=1)
        if text.lstrip().startswith(("Overview", "Findings"))
    ]
    assert starts and all(number % 2 == 1 for number in starts), starts
    # The contents too: the back of the cover is left blank, as in a printed book.
    contents = [i for i, text in enumerate(texts, start=1) if text.lstrip().startswith("Contents")]
    assert contents == [3], contents
    assert texts[1].strip() == ""
    assert len(shop.pages) >= len(plain.pages)
