"""`--print`: the print shop's version has 3 mm of bleed around an A4 trim box, crop marks,
and chapters that open on a right-hand (odd) page."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf

MM = 72 / 25.4


def test_print_version_has_bleed_trim_and_right_hand_chapters(
    mini_project: Path, runner: CliRunner, tmp_path: Path
) -> None:
    screen, printed = tmp_path / "screen.pdf", tmp_path / "print.pdf"
    for out, extra in ((screen, []), (printed, ["--print"])):
        result = runner.invoke(
            main, ["build", str(mini_project), "-o", str(out), *extra], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
    plain, shop = pypdf.PdfReader(screen), pypdf.PdfReader(printed)

    trim = shop.pages[2].trimbox
    assert round(float(trim.width) / MM) == 210 and round(float(trim.height) / MM) == 297
    bleed = shop.pages[2].bleedbox
    assert round((float(bleed.width) - float(trim.width)) / MM) == 6  # 3 mm each side
    assert plain.pages[2].trimbox == plain.pages[2].mediabox  # no bleed on screen

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
