"""render/overflow.py: content past the text block found in the laid-out pages, located in
its chapter; wide tables fitted, then turned landscape, before anything is reported."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder.cli import main
from reportbuilder.render.overflow import Overflow, locate, overflow_problems, with_table_classes

SOURCE = "# Title\n\nSome text.\n\n## Part two\n\nA table follows.\n\n<div>Far too wide</div>\n"


def overflow(**kw: object) -> Overflow:
    values: dict[str, object] = {
        "page": 4,
        "side": "right",
        "excess_mm": 12.5,
        "what": "box",
        "section": "ch",
        "heading": "Part two",
        "needles": ("Far too wide",),
    }
    values.update(kw)
    return Overflow(**values)  # type: ignore[arg-type]


def test_locate_finds_the_text_after_its_heading() -> None:
    assert locate(overflow(), {"ch": ("content/01.md", SOURCE)}) == ("content/01.md", 9)


def test_locate_falls_back_to_the_heading() -> None:
    where = locate(overflow(needles=("not in the source",)), {"ch": ("content/01.md", SOURCE)})
    assert where == ("content/01.md", 5)


def test_locate_outside_a_chapter_has_no_place() -> None:
    assert locate(overflow(section=None), {"ch": ("content/01.md", SOURCE)}) == (None, None)


def test_problem_names_page_size_and_fix() -> None:
    (problem,) = overflow_problems([overflow(what="code")], {"ch": ("content/01.md", SOURCE)})
    assert str(problem).startswith("content/01.md:9: a code block runs 12.5 mm past the right")
    assert "on page 4" in problem.message
    assert problem.severity == "warning"
    assert problem.hint == "shorter lines"


def test_a_table_past_the_edge_is_an_error_naming_its_columns() -> None:
    """A table's columns past the edge are missing from the PDF: refused, not warned."""
    cut = overflow(what="table", turned=True, line=7, columns=("Rate", "Median"))
    (problem,) = overflow_problems([cut], {"ch": ("content/01.md", SOURCE)})
    assert problem.severity == "error"
    assert str(problem).startswith(
        "content/01.md:7: a table on page 4 is 12.5 mm too wide even on a landscape page at the"
        ' smallest type: columns "Rate", "Median" would be cut off'
    )
    assert "{.landscape}" not in (problem.hint or "") and "fewer columns" in (problem.hint or "")


def test_table_classes_are_added_in_document_order() -> None:
    text = '<table><tr></tr></table><div class="table-wrap"><table class="data" id="t">x</table>'
    out = with_table_classes(text, {1: "rb-fit"})
    assert out == (
        '<table><tr></tr></table><div class="table-wrap rb-fit">'
        '<table class="data rb-fit" id="t">x</table>'
    )
    assert with_table_classes("<table>", {0: "a b"}) == '<table class="a b">'
    # A long table's wrapper (its source, its notes) takes the class too.
    long = '<div class="table-wrap table-long"><table class="data">x</table></div>'
    assert with_table_classes(long, {0: "rb-landscape"}) == (
        '<div class="table-wrap table-long rb-landscape">'
        '<table class="data rb-landscape">x</table></div>'
    )


def too_wide(tmp_path: Path) -> tuple[Path, int]:
    project = copy_fixture("tiny", tmp_path / "tiny")
    (project / "styles").mkdir()
    (project / "styles" / "wide.css").write_text(".too-wide { width: 300mm; }\n")
    chapter = project / "content" / "01-only.md"
    text = chapter.read_text()
    chapter.write_text(text + '\n<div class="too-wide">This box is far too wide</div>\n')
    line = len(text.splitlines()) + 2
    return project, line


@pytest.mark.pdf
def test_a_box_wider_than_the_page_is_reported_with_line_and_page(tmp_path: Path) -> None:
    project, line = too_wide(tmp_path)
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    pages = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages
    page = next(n for n, p in enumerate(pages, 1) if "This box is far too wide" in p.extract_text())
    warnings = [x for x in result.stderr.splitlines() if "past the right edge" in x]
    assert warnings == [
        f"warning: content/01-only.md:{line}: a box runs 132 mm past the right edge of the"
        f" text block on page {page}, so part of it is cut off or in the margin (check the width"
        " set in the project's CSS)"
    ]

    strict = CliRunner().invoke(main, ["build", str(project), "-o", str(out), "--strict"])
    assert strict.exit_code == 1
    assert f"content/01-only.md:{line}: a box runs" in strict.output
    assert "Traceback" not in strict.output


@pytest.mark.pdf
def test_the_root_boxes_are_not_reported_and_do_not_hide_what_they_hold() -> None:
    """On a document's last page the html box may end past the text block with nothing drawn
    there (a chapter laid out alone was warned, the same page in the whole report not); and a
    root reported as the outermost box hid every real overflow on its page."""
    from weasyprint import HTML

    from reportbuilder.render.overflow import find_overflows

    html = (
        '<html style="padding-bottom: 15mm"><head><style>@page { size: A6; margin: 10mm }'
        "</style></head><body><section class='chapter' id='c'><h1>Title</h1>"
        '<div style="height: 100mm">tall</div><div style="width: 200mm">wide</div>'
        "</section></body></html>"
    )
    found = find_overflows(HTML(string=html).render().pages)
    assert [(o.page, o.side, o.section, o.needles) for o in found] == [(1, "right", "c", ("wide",))]


@pytest.mark.pdf
def test_a_key_figure_wider_than_its_box_is_an_error_at_its_line(tmp_path: Path) -> None:
    """Trial 4 #8 (addendum to #10): a 23-digit value ran out of its key-figure box at A5,
    over the empty cell beside it, with no word (inside the text block). Measured against
    its box now; a value that fits builds, its text in the PDF."""
    root = copy_fixture("tiny", tmp_path / "p")
    (root / "data" / "y.yml").write_text(
        "big: {value: 12345678901234567890123, label: huge}\nsmall: {value: 1234, label: small}\n",
        "utf-8",
    )
    chapter = root / "content" / "03-figures.md"
    chapter.write_text("# Figures\n\n{{ keyfigures(data.y.small, data.y.big) }}\n", "utf-8")
    runner = CliRunner()
    out = tmp_path / "y.pdf"
    result = runner.invoke(main, ["build", str(root), "--set", "page_size=A5", "-o", str(out)])
    assert result.exit_code == 1
    assert "content/03-figures.md:3: a key figure's value runs" in result.stderr
    assert "past the right edge of its box" in result.stderr and not out.exists()
    chapter.write_text("# Figures\n\n{{ keyfigures(data.y.small) }}\n", "utf-8")
    result = runner.invoke(main, ["build", str(root), "--set", "page_size=A5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert "1,234" in text and "key figure" not in result.stderr
