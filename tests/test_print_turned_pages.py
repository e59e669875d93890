"""`--print`: a landscape table's page was a landscape sheet (TrimBox 595×420) in a portrait
A5 book (trial 6 #38): a print shop's imposition got one page of another size. Now it is
the book's portrait sheet with the page turned on it (`/Rotate` 270: the table's top at the
left edge); the screen edition keeps its landscape page."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import one_chapter_project, page_texts
from reportbuilder.cli import main

CHAPTER = """# Tables

Text before the table.

| Region | Code | Amount | Ratio | Phone | Date | Id | Note |
|---|---|---:|---:|---|---|---|---|
| North | CL-RM-0001 | 1234 | 0.5 | +56 2 2274 6713 | 2026-03-01 | TURNEDROW1 | ok |

Table: Wide figures {#tab-wide .landscape}

Text after the table.
"""


def trim(page: pypdf.PageObject) -> tuple[float, float]:
    """The trim box's width and height as a viewer or an imposition shows the page."""
    box = page.trimbox
    width, height = abs(float(box.width)), abs(float(box.height))
    return (height, width) if page.get("/Rotate", 0) % 180 else (width, height)


@pytest.mark.pdf
def test_a_landscape_page_of_a_printed_book_is_turned_onto_its_portrait_sheet(
    tmp_path: Path,
) -> None:
    root = one_chapter_project(tmp_path / "p", "Turned", CHAPTER)
    printed, screen = tmp_path / "print.pdf", tmp_path / "screen.pdf"
    for args, out in ((["--print"], printed), ([], screen)):
        result = CliRunner().invoke(
            main, ["build", str(root), "--set", "page_size=A5", "-o", str(out), *args]
        )
        assert result.exit_code == 0, result.output
    pages = pypdf.PdfReader(printed).pages
    sizes = {tuple(round(v) for v in trim(page)) for page in pages}
    assert sizes == {(420, 595)}  # one portrait A5 trim size for every sheet
    [turned] = [page for page in pages if "TURNEDROW1" in page.extract_text()]
    assert turned.get("/Rotate") == 270
    assert float(turned.mediabox.width) > float(turned.mediabox.height)  # laid out landscape
    assert all(page.get("/Rotate", 0) == 0 for page in pages if page is not turned)
    reader = pypdf.PdfReader(screen)
    [wide] = [page for page in reader.pages if "TURNEDROW1" in page.extract_text()]
    assert wide.get("/Rotate", 0) == 0 and float(wide.mediabox.width) > float(wide.mediabox.height)
    assert any("Text after the table." in text for text in page_texts(reader))
