"""A table's own total row whose label carries a note mark (`Total¹`, `Total1` from a
workbook's superscript, `Total*`, `Total (1)`) is its total, not one more region (trial 8
#42); a first row named like a total (`Total Nacional`, `Ensemble`) is never summed with the
rows under it (trial 8 #43).
Built through the CLI, the PDF read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.project.data.total_rows import is_total_label
from test_data_office_sheets import project, sheet_file
from test_data_total_rows import build_with_output

pytestmark = pytest.mark.pdf


@pytest.mark.parametrize(
    ("text", "total"),
    [("Total¹", True), ("Total1", True), ("Total*", True), ("Total (1)", True),
     ("TOTAL²", True), ("Summe†", True), ("Total2025", False), ("Totalitarian", False)],
)  # fmt: skip
def test_a_note_mark_on_the_total_word(text: str, total: bool) -> None:
    assert is_total_label(text) is total


@pytest.mark.parametrize("label", ["Total¹", "Total*", "Total (1)"])
def test_a_marked_own_total_in_a_csv_is_printed_once(tmp_path: Path, label: str) -> None:
    root = project(tmp_path, "{{ table(data.tt, total=True) }}")
    (root / "data" / "tt.csv").write_text(
        f"region;people\nNorte;120\nSur;80\n{label};200\n", encoding="utf-8"
    )
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert f"{label} 200" in text
    assert "400" not in text  # the rows and their own total summed again
    assert "warning" not in output


def test_a_workbooks_superscript_note_read_as_total1(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ table(data.reg, total=True) }}")
    sheet_file(root / "data" / "reg.xlsx", [["región", "personas"], ["Norte", 120],
                                            ["Sur", 80], ["Total1", 200]])  # fmt: skip
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "Total1 200" in text
    assert "400" not in text


@pytest.mark.parametrize("label", ["Total Nacional", "TOTAL", "Total¹", "Ensemble", "Todos"])
def test_a_total_on_top_is_never_summed_with_the_rows_under_it(tmp_path: Path, label: str) -> None:
    root = project(tmp_path, "{{ table(data.tt, total=True) }}", lang="es")
    (root / "data" / "tt.csv").write_text(
        f"región;personas\n{label};1000\nNorte;120\nSur;80\n", encoding="utf-8"
    )
    code, output, text = build_with_output(root)
    assert code == 1
    assert (
        f"content/01.md:3: table(total=True): row 1 of tt ('{label}') is the table's own "
        "total: a total row would add it to the rows under it"
    ) in output
    assert text == ""


def test_a_total_on_top_prints_as_it_is_without_total(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ table(data.tt) }}", lang="es")
    (root / "data" / "tt.csv").write_text(
        "región;personas\nTotal Nacional;1000\nNorte;120\nSur;80\n", encoding="utf-8"
    )
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "Total Nacional 1000\nNorte 120\nSur 80" in text
    assert "1200" not in text and "warning" not in output


def test_a_sum_over_a_total_on_top_is_warned_at_its_line(tmp_path: Path) -> None:
    root = project(tmp_path, 'Suma: {{ data.tt.rows | sum(attribute="personas") }}', lang="es")
    (root / "data" / "tt.csv").write_text(
        "región;personas\nTotal Nacional;1000\nNorte;120\nSur;80\n", encoding="utf-8"
    )
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "Suma: 1200" in text  # printed as asked, and said
    assert (
        "content/01.md:3: sum: the first row summed is a total row ('Total Nacional'), so the "
        "sum counts it with the rows under it"
    ) in output
