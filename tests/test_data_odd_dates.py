"""A cell among a column's dates that is not a date (`31/02/2026`, `2026-13-01`, a date typed
as text `31/01/2025`) is refused at its cell, in a workbook and a CSV file, never printed as
typed between dates; a text ISO date among date cells is that date; a column declared
`[text]` keeps every cell as written. Built through the CLI and read back from the PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from conftest import built_text, one_chapter_project

pytestmark = pytest.mark.pdf

CHAPTER = "# Visits\n\n{{ table(data.visits) }}\n"


def project(root: Path) -> Path:
    return one_chapter_project(root, "Visits", CHAPTER)


def workbook(root: Path, visited: list[object], header: str = "visited") -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["site", header])
    for number, day in enumerate(visited, start=1):
        sheet.append([f"S{number}", day])
        if isinstance(day, dt.date):
            sheet.cell(sheet.max_row, 2).number_format = "dd/mm/yyyy"
    book.save(root / "data" / "visits.xlsx")


def no_pdf(root: Path) -> bool:
    return not list((root / "out").glob("*.pdf")) if (root / "out").exists() else True


def test_text_among_a_workbooks_dates_is_refused_at_its_cell(tmp_path: Path) -> None:
    root = project(tmp_path)
    days = [dt.date(2026, 1, 5), "31/02/2026", dt.date(2026, 2, 1), "2026-13-01",
            dt.date(2026, 3, 1), "31/01/2025", dt.date(2026, 3, 2)]  # fmt: skip
    workbook(root, days)
    code, output = built_text(root)
    assert code == 1 and no_pdf(root)
    fix = (
        "type it as a date, leave the cell empty, or declare the column as text ('visited [text]')"
    )
    assert [line for line in output.splitlines() if line.startswith("data/")] == [
        "data/visits.xlsx:Sheet1!B3: column 'visited': '31/02/2026' is not a date like the others "
        f"(it is no day, read day first or month first); {fix}",
        "data/visits.xlsx:Sheet1!B5: column 'visited': '2026-13-01' is not a date like the others "
        f"(it is no day: there is no month 13); {fix}",
        "data/visits.xlsx:Sheet1!B7: column 'visited': '31/01/2025' is not a date like the others "
        f"(it is 2025-01-31 read day first); {fix}",
    ]


def test_a_text_iso_date_among_date_cells_prints_as_a_date(tmp_path: Path) -> None:
    root = project(tmp_path)
    workbook(root, [dt.date(2026, 1, 5), "2026-01-09", dt.date(2026, 2, 1)])
    code, text = built_text(root)
    assert code == 0, text
    assert "S2 Jan 9, 2026" in text and "2026-01-09" not in text
    assert "S1 Jan 5, 2026" in text


def test_a_column_mostly_of_text_keeps_its_text(tmp_path: Path) -> None:
    root = project(tmp_path)
    workbook(root, ["ongoing", "not yet", dt.date(2026, 2, 1)])
    code, text = built_text(root)
    assert code == 0, text
    assert "S1 ongoing" in text and "S2 not yet" in text and "S3 Feb 1, 2026" in text


def test_a_csv_column_of_dates_with_odd_cells_is_refused_at_their_lines(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "data" / "visits.csv").write_text(
        "site,visited\nA,2026-01-05\nB,2026-01-09\nC,2026-13-01\nD,2026-02-01\nE,2026-02-30\n"
        "F,31/01/2025\nG,n/a\nH,2026-03-01\n",
        encoding="utf-8",
    )
    code, output = built_text(root)
    assert code == 1 and no_pdf(root)
    fix = (
        "write it YYYY-MM-DD, leave the cell empty, or declare the column as text "
        "('visited [text]')"
    )
    assert [line for line in output.splitlines() if line.startswith("data/")] == [
        "data/visits.csv:4: column 'visited': '2026-13-01' is not a date like the others (it is "
        f"no day: there is no month 13); {fix}",
        "data/visits.csv:6: column 'visited': '2026-02-30' is not a date like the others (it is "
        f"no day: February 2026 has no day 30); {fix}",
        "data/visits.csv:7: column 'visited': '31/01/2025' is not a date like the others (it is "
        f"2025-01-31 read day first); {fix}",
        f"data/visits.csv:8: column 'visited': 'n/a' is not a date like the others (it is not a "
        f"date); {fix}",
    ]


def test_a_csv_column_of_dates_prints_dates_and_text_declared_stays_as_written(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    (root / "content" / "01.md").write_text(
        CHAPTER + "\n{{ table(data.typed) }}\n", encoding="utf-8"
    )
    (root / "data" / "visits.csv").write_text(
        "site,visited\nA,2026-01-05\nB,\nC,2026-02-01\n", encoding="utf-8"
    )
    (root / "data" / "typed.csv").write_text(
        "site,visited [text]\nX,2026-01-05\nY,2026-13-01\n", encoding="utf-8"
    )
    code, text = built_text(root)
    assert code == 0, text
    assert "A Jan 5, 2026" in text and "C Feb 1, 2026" in text
    assert "X 2026-01-05" in text and "Y 2026-13-01" in text


def test_a_date_cell_with_a_time_among_dates_is_no_odd_cell(tmp_path: Path) -> None:
    root = project(tmp_path)
    workbook(root, [dt.date(2026, 1, 5), dt.datetime(2026, 3, 1, 18, 0), dt.date(2026, 2, 1)])
    code, text = built_text(root)
    assert code == 0, text
    assert "S1 Jan 5, 2026" in text and "S2 2026-03-01 18:00" in text
