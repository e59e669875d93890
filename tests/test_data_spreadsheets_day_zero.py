"""A 0 in a workbook's date column (Excel shows its day 0, "1900-01-00"; a formula's blank
or a date deleted as 0) is refused at its cell: it printed "00:00" among the dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from reportbuilder.project.data import load_data


def test_a_date_cell_holding_zero_is_an_error_at_its_cell(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["region", "since"])
    sheet.append(["North", 0])
    sheet.append(["South", dt.date(2023, 3, 15)])
    for row in (2, 3):
        sheet.cell(row, 2).number_format = "yyyy-mm-dd"
    book.save(tmp_path / "data" / "since.xlsx")
    _, problems = load_data(tmp_path)
    (found,) = problems
    assert (found.path, found.line) == ("data/since.xlsx:Sheet1!B2", None)
    assert "holds 0 shown as a date" in found.message


def test_midnight_in_a_time_column_is_still_a_time(tmp_path: Path) -> None:
    """0 formatted as a time of day (`hh:mm`) is midnight, as Excel shows it."""
    (tmp_path / "data").mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["shift", "starts"])
    sheet.append(["Night", 0])
    sheet.cell(2, 2).number_format = "hh:mm"
    book.save(tmp_path / "data" / "shifts.xlsx")
    namespaces, problems = load_data(tmp_path)
    assert problems == []
    assert "00:00" in str(namespaces["shifts"].rows[0])
