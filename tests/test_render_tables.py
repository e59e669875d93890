"""render/tables.py: a table the layout broke over pages is cut in two where the first page
ends; the second part's header starts with the caption and "(continued)" (in the report's
language), so WeasyPrint repeats both on every later page, and both parts keep the column
widths of the first layout."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from conftest import copy_fixture, read_words
from reportbuilder import Edition, PdfRenderer, load_project, render_html, write_atomic
from reportbuilder.project.strings import builtin_labels
from reportbuilder.render.tables import CONTINUED, SPLIT, Broken, continued_tables

ROWS = "".join(f"<tr><td>r{i}</td><td>{i}</td></tr>" for i in range(10))
TABLE = (
    '<div class="table-wrap"><table class="data" id="tab-x"><caption>'
    '<span class="rb-num" data-id="tab-x" data-kind="table">Table 2.</span> Cases</caption>'
    f"<thead><tr><th>case</th><th>n</th></tr></thead><tbody>{ROWS}</tbody>"
    "<tfoot><tr><td>Total</td><td>45</td></tr></tfoot></table></div>"
)
BROKEN = Broken(first=4, rows=10, widths=(120.0, 40.5))


def test_a_split_table_repeats_caption_and_header_with_continued() -> None:
    out = continued_tables("<p>before</p>" + TABLE, {0: BROKEN}, "(suite)")
    first, second = re.findall(r"<table\b.*?</table>", out, re.DOTALL)
    assert first.count("<tr><td>r") == 4 and second.count("<tr><td>r") == 6
    assert 'id="tab-x"' in first  # the id (and the cross-references to it) stay on part 1
    assert "<caption>" in first and "(suite)" not in first
    assert f'class="{CONTINUED} {SPLIT} data"' in second
    assert "id=" not in second and "<caption" not in second
    # The caption is the header's first row: WeasyPrint repeats it on every page.
    assert (
        '<thead><tr class="rb-cont-row"><th colspan="2"><span class="rb-num" '
        'data-kind="table">Table 2.</span> Cases <span class="rb-cont">(suite)</span></th></tr>'
        "<tr><th>case</th><th>n</th></tr></thead>"
    ) in second
    # The total is printed once, at the end: a footer would be repeated on every page.
    assert "<tfoot>" not in out
    assert second.endswith(
        '<tbody class="rb-total"><tr><td>Total</td><td>45</td></tr></tbody></table>'
    )
    colgroup = '<colgroup><col style="width: 74.7664%"><col style="width: 25.2336%"></colgroup>'
    assert colgroup in first and colgroup in second
    assert "".join(re.findall(r"r\d", out)) == "".join(f"r{i}" for i in range(10))


def test_a_second_part_broken_again_is_not_cut_again() -> None:
    once = continued_tables(TABLE, {0: BROKEN}, "(continued)")
    # Only first parts are ever reported broken; a first part that no longer fits is cut
    # once more, with no second "(continued)" in its caption.
    again = continued_tables(once, {0: Broken(first=2, rows=4, widths=(120.0, 40.5))}, "(c)")
    tables = re.findall(r"<table\b.*?</table>", again, re.DOTALL)
    assert [t.count("<tr><td>r") for t in tables] == [2, 2, 6]
    assert tables[1].count('rb-cont"') == 1
    assert "".join(re.findall(r"r\d", again)) == "".join(f"r{i}" for i in range(10))


def test_a_table_not_split_is_left_alone() -> None:
    assert continued_tables(TABLE, {}, "(continued)") == TABLE
    wrong = Broken(first=3, rows=6, widths=(1.0,))  # rows do not add up
    assert continued_tables(TABLE, {0: wrong}, "(continued)") == TABLE


def test_continued_is_translated() -> None:
    assert [builtin_labels(lang)["continued"] for lang in ("en", "fr", "es")] == [
        "(continued)",
        "(suite)",
        "(continuación)",
    ]


def test_the_second_part_starts_with_three_rows_when_the_first_can_spare_them() -> None:
    out = continued_tables(TABLE, {0: Broken(first=9, rows=10, widths=(1.0, 1.0))}, "(c)")
    first, second = re.findall(r"<table\b.*?</table>", out, re.DOTALL)
    assert first.count("<tr><td>r") == 7 and second.count("<tr><td>r") == 3
    out = continued_tables(TABLE, {0: Broken(first=2, rows=10, widths=(1.0, 1.0))}, "(c)")
    assert re.findall(r"<table\b.*?</table>", out, re.DOTALL)[0].count("<tr><td>r") == 2


@pytest.mark.pdf
def test_the_first_page_of_a_split_table_with_a_total_is_as_full_as_the_next(
    tmp_path: Path,
) -> None:
    """The first layout keeps room for the total row at the foot of every page; the first
    part drops the total, so the rows of the next page that fit that room stay on the first
    page: the room below its last row is no larger than on a full continued page."""
    project_dir = copy_fixture("tiny", tmp_path / "p")
    rows = [f"District {i},{100 + i},{i % 7 + 1}" for i in range(1, 81)]
    csv = "district,households,wells\n" + "\n".join(rows) + "\n"
    (project_dir / "data" / "districts.csv").write_text(csv, "utf-8")
    chapter = "# Districts\n\nEvery district.\n\n{{ table(data.districts, total=True) }}\n"
    (project_dir / "content" / "03-districts.md").write_text(chapter, "utf-8")
    with PdfRenderer() as renderer:
        html = render_html(load_project(project_dir), Edition())
        pdf = write_atomic(tmp_path / "t.pdf", renderer.render(html))
    pages, words = read_words(pdf)
    lowest: dict[int, float] = {}  # page -> bottom of its last "District" row's words
    for word, after in itertools.pairwise(words):
        if word.text == "District" and after.text.isdigit():
            lowest[word.page] = max(lowest.get(word.page, 0.0), word.y1)
    table_pages = sorted(lowest)
    assert len(table_pages) >= 3, table_pages
    first, full = table_pages[0], table_pages[1:-1]  # the last page holds the rest only
    height = pages[first - 1][1]
    room = {page: height - lowest[page] for page in table_pages}
    assert room[first] <= max(room[page] for page in full) + 2.0, room
    # Every row printed once, the total once, at the end.
    text = " ".join(w.text for w in words)
    assert [int(n) for n in re.findall(r"District (\d+)\b", text)] == list(range(1, 81))
    table = text[text.index("District 1 ") :]
    assert table.count("Total") == 1 and table.index("Total") > table.index("District 80")
