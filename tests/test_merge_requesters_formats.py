"""A requesters workbook's number cells printed raw on the copies: reference 123 formatted
`000000` (Excel shows 000123) became "123", 4500.5 formatted as euros "4500.5" (trial 8
#38). A number whose format shows it otherwise is an error at its row; a plain one is read."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from reportbuilder import ReportError
from reportbuilder.merge.requesters import read_requesters


def _book(path: Path, value: object, shape: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "email", "reference"])
    sheet.append(["Ana", "ana@example.org", value])
    sheet["C2"].number_format = shape
    sheet.append(["Beto", "beto@example.org", "A-7"])
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("value", "shape"), [(123, "000000"), (4500.5, '#,##0.00 "€"'), (0.125, "0%"), (12, "0.0")]
)
def test_a_number_shown_otherwise_than_it_reads_is_refused_at_its_row(
    tmp_path: Path, value: object, shape: str
) -> None:
    path = _book(tmp_path / "people.xlsx", value, shape)
    with pytest.raises(ReportError) as refused:
        read_requesters(path)
    said = [str(p) for p in refused.value.problems]
    assert len(said) == 1 and "people.xlsx:2: cell C2 holds the number" in said[0], said
    assert f"'{shape}'" in said[0] and "format the column as Text" in said[0]


@pytest.mark.parametrize(("value", "shape"), [(123, "General"), (123, "0"), ("000123", "@")])
def test_a_number_printed_as_it_reads_is_kept(tmp_path: Path, value: object, shape: str) -> None:
    read = read_requesters(_book(tmp_path / "people.xlsx", value, shape))
    assert [row.reference for row in read.rows] == [str(value), "A-7"]
