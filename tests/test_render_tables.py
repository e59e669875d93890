"""render/tables.py: a table the layout broke over pages is cut into one table a page, each
later part with its caption and "(continued)", in the report's language."""

from __future__ import annotations

import re

from reportbuilder.project.strings import builtin_labels
from reportbuilder.render.tables import CONTINUED, _chunks, continued_tables

ROWS = "".join(f"<tr><td>r{i}</td></tr>" for i in range(10))
TABLE = (
    '<div class="table-wrap"><table class="data" id="tab-x"><caption>'
    '<span class="rb-num" data-id="tab-x" data-kind="table">Table 2.</span> Cases</caption>'
    f"<thead><tr><th>case</th></tr></thead><tbody>{ROWS}</tbody>"
    "<tfoot><tr><td>Total</td></tr></tfoot></table></div>"
)


def test_later_parts_hold_one_row_less_for_their_caption() -> None:
    assert _chunks(10, [4, 6]) == [4, 5, 1]
    assert _chunks(10, [4, 3, 3]) == [4, 2, 2, 2]


def test_a_split_table_repeats_caption_and_header_with_continued() -> None:
    out = continued_tables("<p>before</p>" + TABLE, {0: [4, 6]}, "(suite)")
    tables = re.findall(r"<table\b.*?</table>", out, re.DOTALL)
    assert len(tables) == 3
    assert [t.count("<tr><td>r") for t in tables] == [4, 5, 1]
    assert 'id="tab-x"' in tables[0]  # the id (and the cross-references to it) stay on part 1
    for part in tables[1:]:
        assert f'class="{CONTINUED} data"' in part
        assert "id=" not in part
        assert 'Table 2.</span> Cases <span class="rb-cont">(suite)</span></caption>' in part
        assert "<thead><tr><th>case</th></tr></thead>" in part
    assert ["<tfoot>" in t for t in tables] == [False, False, True]
    assert "".join(re.findall(r"r\d", out)) == "".join(f"r{i}" for i in range(10))


def test_a_table_not_split_is_left_alone() -> None:
    assert continued_tables(TABLE, {}, "(continued)") == TABLE
    assert continued_tables(TABLE, {0: [3, 3]}, "(continued)") == TABLE  # rows do not add up


def test_continued_is_translated() -> None:
    assert [builtin_labels(lang)["continued"] for lang in ("en", "fr", "es")] == [
        "(continued)",
        "(suite)",
        "(continuación)",
    ]
