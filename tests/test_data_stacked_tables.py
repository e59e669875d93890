"""A second table below the first on one sheet (after `header_row:` or not) or in one CSV
file is refused at its first cell, saying how to read the first alone (`range:`), instead of
printing its header and rows as rows of the first; with the `range:` it says, only the first
table is printed. Built through the CLI and read back from the PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from conftest import built_text, one_chapter_project
from reportbuilder.project.data.stacked_tables import second_table

CHAPTER = "# Sheets\n\n{{ table(data.fmt) }}\n"


def project(root: Path) -> Path:
    return one_chapter_project(root, "Sheets", CHAPTER)


def workbook(root: Path, rows: list[list[object]], sidecar: str | None = None) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row in rows:
        sheet.append(row)
    book.save(root / "data" / "fmt.xlsx")
    if sidecar is not None:
        (root / "data" / "fmt.xlsx.yml").write_text(sidecar, encoding="utf-8")


TWO_TABLES = [
    ["Regional results 2025"],
    [],
    ["region", "people", "share"],
    ["North", 120, "48%"],
    ["South", 80, "32%"],
    [],
    ["East", 50, "20%"],  # an empty row inside a table is no second table
    [],
    ["office", "staff"],
    ["Santiago", 7],
    ["Arica", 3],
]


def problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("data/")]


@pytest.mark.pdf
def test_a_second_table_below_header_row_is_refused_and_range_reads_the_first(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    workbook(root, TWO_TABLES, "header_row: 3\n")
    code, output = built_text(root)
    assert code == 1 and not (root / "out").exists()
    assert problems(output) == [
        "data/fmt.xlsx:Main!A9: row 9 looks like the start of a second table (a header "
        "('office', 'staff')) after an empty row: the sheet is read as one table, so its rows "
        "would print as rows of the table above (header at row 3); read the table above alone "
        "with 'range: Main!A3:C7' in data/fmt.xlsx.yml (in place of a 'header_row:'), and put "
        "the other table on a sheet of its own, or delete it"
    ]
    (root / "data" / "fmt.xlsx.yml").write_text("range: Main!A3:C7\n", encoding="utf-8")
    code, text = built_text(root)
    assert code == 0, text
    assert "North 120 48%" in text and "East 50 20%" in text
    assert "Santiago" not in text and "office" not in text


@pytest.mark.pdf
def test_a_titled_second_table_and_a_repeated_header_are_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    workbook(root, [["day", "people"], [dt.date(2026, 1, 1), 1], [], ["Table 2: staff"],
                    ["office", "opened"], ["Santiago", dt.date(2020, 1, 1)]])  # fmt: skip
    code, output = built_text(root)
    assert code == 1
    assert problems(output)[0].startswith(
        "data/fmt.xlsx:Main!A4: row 4 looks like the start of a second table (a title above a "
        "header ('office', 'opened')) after an empty row"
    )
    workbook(root, [["region", "people"], ["North", 1], [], ["region", "people"], ["South", 2]])
    code, output = built_text(root)
    assert code == 1
    assert problems(output) == [
        "data/fmt.xlsx:Main!A4: row 4 repeats the header (row 1) after an empty row, and would "
        "print as a data row; delete it, or read the rows above alone with 'range: Main!A1:B2' "
        "in data/fmt.xlsx.yml (in place of a 'header_row:')"
    ]


@pytest.mark.pdf
def test_a_second_table_in_a_csv_file_is_refused_at_its_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "data" / "fmt.csv").write_text(
        "region,people\nNorth,1\n,\nSouth,2\n\nTable 2,\noffice,staff\nSantiago,7\n",
        encoding="utf-8",
    )
    code, output = built_text(root)
    assert code == 1
    assert problems(output) == [
        "data/fmt.csv:6: line 6 looks like the start of a second table (a title above a header "
        "('office', 'staff')) after an empty line: the file is read as one table, so its rows "
        "would print as rows of the table above (header at line 1); put the other table in a "
        "file of its own, or delete it"
    ]
    (root / "data" / "fmt.csv").write_text(
        "region,people\nNorth,1\n,\nSouth,2\n\nTotal,3\n\nSource: INE 2025,\n", encoding="utf-8"
    )
    code, text = built_text(root)
    # Empty lines, a total and a note under one table: one table, no second one; the note is
    # refused at its line, never printed as a row (trial 6 #62).
    assert code == 1
    assert "second table" not in text
    assert problems(text) == [
        "data/fmt.csv:8: 'Source: INE 2025', below the table after an empty line, would print "
        "as a row of it: a source or a note is not data; write it in the chapter (under the "
        "table) and delete it here"
    ]
    (root / "data" / "fmt.csv").write_text(
        "region,people\nNorth,1\n,\nSouth,2\n\nTotal,3\n", encoding="utf-8"
    )
    code, text = built_text(root)
    assert code == 0, text
    assert "South 2" in text and "Total 3" in text


def test_rows_of_text_only_are_one_table() -> None:
    """Nothing in the cells tells two tables of text apart: they are read as one."""
    rows = [["region", "capital"], ["North", "A"], ["office", "city"], ["Santiago", "X"]]
    assert second_table(rows, [False, False, True, False]) is None
    rows[2:2] = [["region", "capital"]]
    assert second_table(rows, [False, False, True, False, False]) == (2, "the header again")
