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

from conftest import MiniBuild, page_texts
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


def logo_in_footers(pdf: Path, pngs: Path) -> list[bool]:
    """For each page, whether the footer's middle third shows the logo's green (the pages
    drawn into the folder `pngs`)."""
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(pngs / "page")], check=True)
    found = []
    for png in sorted(pngs.glob("page-*.png")):
        with Image.open(png) as image:
            rgb = image.convert("RGB")
            width, height = rgb.size
            footer = rgb.crop((width // 3, height - height * 22 // 297, 2 * width // 3, height))
            colours = {colour for _, colour in footer.getcolors(maxcolors=100_000) or []}
            found.append(any(_near(colour, LOGO_GREEN) for colour in colours))
    return found


def test_logo_on_every_page_and_the_same_footer_on_the_contents(
    mini_project: Path, tmp_path: Path
) -> None:
    config = mini_project / "report.yml"
    config.write_text(config.read_text().replace("brand:\n", "brand:\n  logo_on_pages: true\n"))
    reader = build(mini_project)
    texts = page_texts(reader)
    count = len(reader.pages)
    # The cover has its own large logo; every other page has the footer's.
    assert logo_in_footers(mini_project / "out" / "parts.pdf", tmp_path)[1:] == [True] * (count - 1)
    contents = next(i for i, text in enumerate(texts) if "Contents" in text)
    assert f"Page {contents + 1} of {count}" in texts[contents]
    assert "Example Water Trust" in texts[contents]


def test_without_the_option_pages_have_no_logo(mini_build: MiniBuild, tmp_path: Path) -> None:
    assert not any(logo_in_footers(mini_build.pdf, tmp_path)[1:])  # the cover is green


def test_a_table_asked_to_be_landscape_gets_a_turned_page(tiny_project: Path) -> None:
    chapter = tiny_project / "content" / "01-only.md"
    chapter.write_text(
        chapter.read_text() + "\n| District | Wells | Taps |\n|----------|------:|-----:|\n"
        "| North    | 12    | 30   |\n| South    | 8     | 41   |\n\n"
        "Table: Water points counted by the survey teams {#tab-points .landscape}\n"
    )
    reader = build(tiny_project)
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


def test_images_take_a_size_and_a_place(mini_project: Path) -> None:
    import weasyprint

    from reportbuilder import load_project, render_html

    chapter = mini_project / "content" / "01-overview.md"
    chapter.write_text(
        chapter.read_text().replace(
            "![Hand pump at a village well](assets/pump.svg)",
            "![Hand pump at a village well](assets/pump.svg){.half .right}\n\n"
            "Inline ![a second pump](assets/pump.svg){.third} in a line of text.",
        )
    )
    html = render_html(load_project(mini_project))
    document = weasyprint.HTML(string=html.text, base_url=html.base_url).render()
    boxes = [
        box
        for page in document.pages
        for box in page._page_box.descendants()
        if box.element_tag in ("img", "figure") and box.element is not None
    ]
    text_width = 168 * 96 / 25.4  # A4's text block, in CSS px
    figure = next(b for b in boxes if "right" in (b.element.get("class") or ""))
    assert figure.style["float"] == "right"
    assert abs(figure.border_width() - 0.48 * text_width) < 2
    third = next(b for b in boxes if b.element.get("alt") == "a second pump")
    assert abs(third.border_width() - 0.33 * text_width) < 2


def test_annexes_are_lettered_with_their_contents_entries(tiny_project: Path) -> None:
    content = tiny_project / "content"
    (content / "03-questionnaire.md").write_text("---\nannex: true\n---\n# Questionnaire\n\nQ.\n")
    (content / "04-frame.md").write_text("---\nannex: true\n---\n# Sampling frame\n\nF.\n")
    texts = [text.replace("\u00a0", " ") for text in page_texts(build(tiny_project))]
    (contents,) = [i for i, text in enumerate(texts) if text.startswith("Contents")]
    for letter, title in (("A", "Questionnaire"), ("B", "Sampling frame")):
        (page,) = [
            i + 1 for i, text in enumerate(texts) if f"ANNEX {letter}\n{title}" in text
        ]  # set in capitals
        entry = re.search(rf"Annex {letter}\. {title}[ .]*(\d+)", texts[contents])
        assert entry and int(entry[1]) == page, texts[contents]
    assert "Annex" not in texts[contents].split("Annex A")[0]  # the chapters are not lettered


def test_chapters_can_be_numbered_in_their_titles_and_the_contents(mini_project: Path) -> None:
    config = mini_project / "report.yml"
    config.write_text(config.read_text() + "number_chapters: true\n")
    (mini_project / "content" / "03-q.md").write_text("---\nannex: true\n---\n# Questionnaire\n")
    texts = [text.replace("\u00a0", " ") for text in page_texts(build(mini_project))]
    contents = texts[1]
    assert re.search(r"1\. Overview[ .]+3", contents)
    assert re.search(r"2\. Main findings[ .]+4", contents)
    assert re.search(r"Annex A\. Questionnaire[ .]+5", contents)  # an annex keeps its letter
    assert texts[2].startswith("1. Overview")
    assert texts[3].startswith("2. Findings in detail")


def test_a_citation_and_its_reference_entry_are_printed(tiny_project: Path) -> None:
    (tiny_project / "references.json").write_text(
        '[{"id": "rojas2025", "type": "report", "title": "Water points in rural districts",'
        ' "author": [{"family": "Rojas", "given": "Ana"}], "issued": {"date-parts": [[2025]]},'
        ' "publisher": "Example Water Trust"}]'
    )
    config = tiny_project / "report.yml"
    config.write_text(config.read_text() + "bibliography: references.json\n")
    chapter = tiny_project / "content" / "01-only.md"
    chapter.write_text(chapter.read_text() + "\nAs counted before [@rojas2025].\n")
    texts = page_texts(build(tiny_project))
    assert any("As counted before (Rojas, 2025)." in text for text in texts)
    (page,) = [
        i for i, text in enumerate(texts) if "Rojas, A. (2025) Water points in rural" in text
    ]
    assert re.search(rf"References[ .]+{page + 1}", texts[1])  # in the contents, with its page
