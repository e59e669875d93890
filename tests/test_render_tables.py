"""render/tables.py: a table the layout broke over pages is cut in two where the first page
ends; the second part's header starts with the caption and "(continued)" (in the report's
language), so WeasyPrint repeats both on every later page, and both parts keep the column
widths of the first layout."""

from __future__ import annotations

import re

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
