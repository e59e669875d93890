"""An `Average`, `Mean`, `Median`, `Moyenne`, `Promedio` row is a summary, not data: a table's
total refuses it at the call's line (it was summed as one more region), a `| sum` over it is
warned, and a breakdown category so named (or named `Total`) is refused at its line (a chart
drew it as one more part of the whole); in PDFs built through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.project.data.total_rows import is_summary_label, summary_rows
from test_data_office_sheets import project, sheet_file
from test_data_total_rows import build_with_output


@pytest.mark.parametrize(
    ("text", "summary"),
    [("Average", True), ("MEAN 2025", True), ("Moyenne :", True), ("Promedio", True),
     ("Median", True), ("Durchschnitt", True), ("Media", True), ("Mean:", True),
     ("Average of regions", True), ("Meanwhile", False), ("Media and press", False),
     ("Mediterranean", False), ("North", False), (12, False), (None, False)],
)  # fmt: skip
def test_summary_labels(text: object, summary: bool) -> None:
    assert is_summary_label(text) is summary


def test_summary_rows_are_found_anywhere_and_in_a_second_column() -> None:
    rows = [{"c": "A1", "r": "North"}, {"c": "", "r": "Average"}, {"c": "A2", "r": "South"}]
    assert summary_rows(rows, ["c", "r"]) == [1]
    assert summary_rows(rows[1:2], ["c", "r"]) == []  # never the only row


@pytest.mark.pdf
@pytest.mark.parametrize("word", ["Average", "Mean", "Moyenne", "Promedio", "Median"])
def test_a_total_over_an_average_row_is_refused_at_its_line(tmp_path: Path, word: str) -> None:
    root = project(tmp_path, "Text.\n\n{{ table(data.t, total=True) }}")
    (root / "data" / "t.csv").write_text(
        f"region,people\nNorth,120\nSouth,80\n{word},100\n", encoding="utf-8"
    )
    code, output, _ = build_with_output(root)
    assert code == 1
    assert (
        f"content/01.md:5: table(total=…): row 3 of t ('{word}') is a summary row (an average "
        "or a median), not data: a total would add it to the rows it sums up"
    ) in output


@pytest.mark.pdf
def test_a_workbook_with_a_total_and_an_average_row_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ table(data.t, total=True) }}")
    sheet_file(root / "data" / "t.xlsx", [["region", "people"], ["North", 120], ["South", 80],
                                          ["Total", 200], ["Average", 100]])  # fmt: skip
    code, output, text = build_with_output(root)
    assert code == 1 and text == ""
    assert "row 4 of t ('Average') is a summary row" in output


@pytest.mark.pdf
def test_without_total_the_rows_print_and_a_sum_over_an_average_is_warned(tmp_path: Path) -> None:
    root = project(
        tmp_path, '{{ table(data.t) }}\n\nSum: {{ data.t.rows | sum(attribute="people") }}'
    )
    (root / "data" / "t.csv").write_text(
        "region,people\nNorth,120\nSouth,80\nAverage,100\n", encoding="utf-8"
    )
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "Average 100" in text and "Sum: 300" in text
    assert "content/01.md:5: sum: row 3 summed is a summary row ('Average'), not data" in output


@pytest.mark.pdf
def test_a_breakdown_category_named_average_is_refused_at_its_line(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ chart(data.s.age) }}")
    (root / "data" / "s.yml").write_text(
        "age:\n  label: Age\n  categories:\n    minors: {percent: 40}\n    adults: {percent: 60}\n"
        "    all:\n      label: {en: Average, fr: Moyenne}\n      percent: 50\n",
        encoding="utf-8",
    )
    code, output, _ = build_with_output(root)
    assert code == 1
    assert (
        "data/s.yml:6: breakdown 'age', category 'all': 'Average' names a summary (a total, an "
        "average or a median), not a part of the breakdown"
    ) in output


@pytest.mark.pdf
def test_a_total_category_of_a_multiple_answer_breakdown_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ chart(data.s.help) }}")
    (root / "data" / "s.yml").write_text(
        "help:\n  multiple: true\n  categories:\n    food: {percent: 70}\n"
        "    water: {percent: 60}\n    total: {percent: 85, label: Any help}\n",
        encoding="utf-8",
    )
    code, output, _ = build_with_output(root)
    assert code == 1
    assert "data/s.yml:6: breakdown 'help', category 'total': 'total' names a summary" in output
