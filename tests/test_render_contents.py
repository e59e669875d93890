"""A contents that would leave a line or two on a page of their own is set tighter
(`render/contents.py`); one that fills its pages keeps its spacing."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder import Edition, load_project, render_html
from reportbuilder.cli import main
from reportbuilder.render import contents
from test_render_leaders import _contents_pages, contents_html, contents_project

pytestmark = pytest.mark.pdf
__all__ = ["contents_html", "contents_project"]  # the leaders' fixtures


@pytest.fixture(scope="module")
def spilling_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """37 contents entries (a chapter and 36 sections of a line each): one line more than
    the contents page holds; 7 pages in all (the example doubled took 17)."""
    project = copy_fixture("tiny", tmp_path_factory.mktemp("spill") / "tiny")
    sections = "".join(f"## Section {n}\n\nText {n}.\n\n" for n in range(1, 37))
    (project / "content" / "01-only.md").write_text(f"# Résumé\n\nOne line.\n\n{sections}")
    return project


def _contents_page_numbers(pdf: Path) -> list[int]:
    return [i + 1 for i in _contents_pages(pdf.read_bytes())]


def test_a_contents_one_line_too_long_is_set_tighter_to_fit_its_page(
    spilling_project: Path, tmp_path: Path
) -> None:
    import weasyprint

    text = render_html(load_project(spilling_project), Edition()).text
    stock = weasyprint.HTML(string=text, base_url=f"{spilling_project.as_uri()}/").render()
    stub = contents.stub_fraction(stock.pages)
    assert stub is not None and stub < 0.1, "the project no longer spills: change the test"

    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(main, ["build", str(spilling_project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _contents_page_numbers(out) == [2]
    texts = [page.extract_text() or "" for page in pypdf.PdfReader(out).pages]
    assert len(texts) == len(stock.pages) - 1
    assert "Résumé" in texts[2]  # the first chapter
    toc_lines = [line for line in texts[1].splitlines() if re.search(r"\.{5,}\s*\d+$", line)]
    assert len(toc_lines) == text.count('<li class="toc-')

    # --print: the contents on the right-hand page after the cover's blank back, on one
    # page, so the first chapter opens on the next right-hand page (5).
    printed = tmp_path / "p.pdf"
    result = CliRunner().invoke(
        main, ["build", str(spilling_project), "--print", "-o", str(printed)]
    )
    assert result.exit_code == 0, result.output
    assert _contents_page_numbers(printed) == [3]
    page_five = pypdf.PdfReader(printed).pages[4].extract_text() or ""
    assert "Résumé" in page_five


def test_a_contents_that_fills_its_pages_keeps_its_spacing(
    contents_html: str, contents_project: Path
) -> None:
    """84 entries: the last contents page is half full, not a stub; nothing is changed."""
    import weasyprint

    assert contents.tightened(contents_html) is not None
    base = f"{contents_project.as_uri()}/"
    document = weasyprint.HTML(string=contents_html, base_url=base).render()
    stub = contents.stub_fraction(document.pages)
    assert stub is not None and stub > contents.STUB
