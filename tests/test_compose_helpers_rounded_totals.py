"""`table(data.t, total=True, decimals=0)` of 0,5 three times printed "1 / 1 / 1" and "Total
2" with nothing said: each figure right, the column wrong to a reader (trial 8 #36). A
warning at the call says so; a column that adds up as printed says nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import one_chapter_project
from reportbuilder import check


def _warnings(tmp_path: Path, cells: str, call: str) -> list[str]:
    project = one_chapter_project(tmp_path / "p", "T", f"# T\n\n{call}\n")
    (project / "data" / "t.csv").write_text(f"region,share\n{cells}", encoding="utf-8")
    return [str(w) for w in check(project).warnings]


def test_rows_that_do_not_add_up_to_their_printed_total_are_warned(tmp_path: Path) -> None:
    said = _warnings(
        tmp_path, "A,0.5\nB,0.5\nC,0.5\n", "{{ table(data.t, total=True, decimals=0) }}"
    )
    assert said == [
        "content/01.md:3: table(): the rows of 'share' in t, rounded to 0 decimal(s), add up "
        "to 3 while its total prints 2: a reader sees a column that does not add up; print "
        "more decimals, or say in the text that figures are rounded"
    ]


def test_rows_that_add_up_as_printed_say_nothing(tmp_path: Path) -> None:
    assert (
        _warnings(tmp_path, "A,0.2\nB,0.5\nC,0.3\n", "{{ table(data.t, total=True, decimals=1) }}")
        == []
    )
    exact = "{{ table(data.t, total=True) }}"  # printed as written: they add up
    assert _warnings(tmp_path / "x", "A,0.5\nB,0.5\nC,0.5\n", exact) == []
