"""A workbook date whose format shows the day and month only (`d/m`: Excel shows "14/3")
printed with the year the author hid ("14 mars 2025", trial 8 #15). It prints the day and
month, in the report's language. Built through the CLI and read back from the PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from conftest import built_text

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF


@pytest.mark.parametrize(("lang", "shown"), [("en", "Mar 14"), ("fr", "14 mars")])
def test_a_day_and_month_format_prints_no_year(tmp_path: Path, lang: str, shown: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "F"
    sheet.append(["event", "on", "year"])
    sheet.append(["launch", dt.datetime(2025, 3, 14), dt.datetime(2025, 3, 14)])
    sheet["B2"].number_format = "d/m"
    sheet["C2"].number_format = "yyyy"
    (tmp_path / "data").mkdir()
    (tmp_path / "content").mkdir()
    book.save(tmp_path / "data" / "fmt.xlsx")
    (tmp_path / "report.yml").write_text(f"title: F\nlang: {lang}\n", encoding="utf-8")
    (tmp_path / "content" / "01.md").write_text("# F\n\n{{ table(data.fmt) }}\n")
    code, text = built_text(tmp_path)
    assert code == 0, text
    assert f"launch {shown} 2025" in text.replace("\u00a0", " ")
