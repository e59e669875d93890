"""Publication parts, built and read back: the logo on every page, the contents pages' footer,
a landscape page for a table asked to be turned, and the executive summary's panel."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import page_texts
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf


def build(project: Path) -> pypdf.PdfReader:
    out = project / "out" / "parts.pdf"
    out.parent.mkdir(exist_ok=True)
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr, result.stderr
    return pypdf.PdfReader(io.BytesIO(out.read_bytes()))


LOGO_GREEN = (27, 77, 62)  # the mini fixture's logo.svg is this colour


def _near(colour: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 12 for a, b in zip(colour, wanted, strict=True))


def logo_in_footers(pdf: Path) -> list[bool]:
    """For each page, whether the footer's middle third shows the logo's green."""
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(pdf.with_suffix(""))], check=True)
    found = []
    for png in sorted(pdf.parent.glob(pdf.stem + "-*.png")):
        with Image.open(png) as image:
            rgb = image.convert("RGB")
            width, height = rgb.size
            footer = rgb.crop((width // 3, height - height * 22 // 297, 2 * width // 3, height))
            colours = {colour for _, colour in footer.getcolors(maxcolors=100_000) or []}
            found.append(any(_near(colour, LOGO_GREEN) for colour in colours))
    return found


def test_logo_on_every_page_and_the_same_footer_on_the_contents(mini_project: Path) -> None:
    config = mini_project / "report.yml"
    config.write_text(config.read_text().replace("brand:\n", "brand:\n  logo_on_pages: true\n"))
    reader = build(mini_project)
    texts = page_texts(reader)
    count = len(reader.pages)
    # The cover has its own large logo; every other page has the footer's.
    assert logo_in_footers(mini_project / "out" / "parts.pdf")[1:] == [True] * (count - 1)
    contents = next(i for i, text in enumerate(texts) if "Contents" in text)
    assert f"Page {contents + 1} of {count}" in texts[contents]
    assert "Example Water Trust" in texts[contents]


def test_without_the_option_pages_have_no_logo(mini_project: Path) -> None:
    build(mini_project)
    assert not any(logo_in_footers(mini_project / "out" / "parts.pdf")[1:])  # the cover is green


def test_a_table_asked_to_be_landscape_gets_a_turned_page(mini_project: Path) -> None:
    chapter = mini_project / "content" / "01-overview.md"
    text = chapter.read_text().replace(
        "Table: Water points counted by the survey teams",
        "Table: Water points counted by the survey teams {#tab-points .landscape}",
    )
    chapter.write_text(text)
    reader = build(mini_project)
    texts = page_texts(reader)
    (turned,) = [
        i for i, page in enumerate(reader.pages) if page.mediabox.width > page.mediabox.height
    ]
    assert "Water points counted by the survey teams" in texts[turned]
    assert "North" in texts[turned]
    # Landscape A4, with the running footer of the other pages.
    page = reader.pages[turned]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    assert f"Page {turned + 1} of {len(reader.pages)}" in texts[turned]


def test_lists_of_figures_and_tables_give_each_caption_and_its_page(mini_project: Path) -> None:
    config = mini_project / "report.yml"
    config.write_text(config.read_text() + "list_of_figures: true\nlist_of_tables: true\n")
    texts = [text.replace("\u00a0", " ") for text in page_texts(build(mini_project))]
    (lists,) = [i for i, text in enumerate(texts) if "List of figures" in text]
    assert "List of tables" in texts[lists]
    for caption in (
        "Figure 1. Hand pump at a village well",
        "Figure 2. Households by main water source",
        "Table 1. Water points counted by the survey teams",
        "Table 2. Main source of drinking water",
    ):
        number, _, words = caption.partition(". ")
        (page,) = [i + 1 for i, text in enumerate(texts) if i != lists and caption in text]
        entry = re.search(rf"{re.escape(number)}\.\s+{re.escape(words)}[ .]*(\d+)", texts[lists])
        assert entry, (caption, texts)
        assert int(entry[1]) == page, (caption, texts)
