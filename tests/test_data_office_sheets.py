"""Spreadsheets and CSVs as offices make them (trial 2): a title row above the header, values
right of the header, a sheet's own total row, Excel's number formats, a zip bomb. Every
number is printed as Excel shows it, or the file is refused at the cell, never lost.
Built through the CLI and read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import built_text
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf


def project(root: Path, content: str, lang: str = "en") -> Path:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text(f"title: Book\nlang: {lang}\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(f"# Book\n\n{content}\n", encoding="utf-8")
    return root


def sheet_file(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    book.save(path)


def check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    return result.exit_code, result.output


TITLED = [
    ["Regional results 2025 (preliminary)"],
    [],
    ["region", "people", "share"],
    ["North", 120, 0.48],
    ["South", 80, None],
    [],
    ["Total", 200, None],
]


def test_a_title_row_above_the_header_is_refused_at_the_cell(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ table(data.fmt) }}")
    sheet_file(root / "data" / "fmt.xlsx", TITLED)
    for run in (check, built_text):
        code, output = run(root)
        assert code == 1, output
        assert "data/fmt.xlsx:Main!B1: column 2 has no name in the header row" in output
        assert "title above the table" in output
    assert not list((root / "out").glob("*.pdf")) if (root / "out").exists() else True


def test_a_value_right_of_the_header_is_refused_at_its_cell(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ table(data.fmt) }}")
    sheet_file(root / "data" / "fmt.xlsx", [["id", "a", "c"], [1, 10, 30, "EXTRA"], [2, 11, 31]])
    code, output = built_text(root)
    assert code == 1, output
    assert "data/fmt.xlsx:Main!D2: a value in a column with no header (D1 is empty)" in output
    code, output = check(root)
    assert code == 1 and "Main!D2" in output


def test_a_table_of_undefined_data_names_it_and_the_data_there_is(tmp_path: Path) -> None:
    root = project(tmp_path, "Text.\n\n{{ table(data.zb) }}\n\n{{ cycler.__init__ }}")
    sheet_file(root / "data" / "budget.xlsx", [["a", "b"], ["x", 1]])
    code, output = built_text(root)
    assert code == 1, output
    assert "content/01.md:5: 'data.zb' is undefined; it has: budget" in output
    assert "content/01.md:7: not allowed in content: 'cycler' is undefined" in output
    assert "ContentUndefined" not in output
