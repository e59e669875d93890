"""A workbook written by a program that does not calculate (XlsxWriter, pandas' `to_excel`)
saves every formula with the value 0 and asks to be calculated when opened
(`<calcPr fullCalcOnLoad="1"/>`): those zeros printed as the figures (trial 8 #1: "El margen
total fue 0." and a Total row of zeros). Each formula cell is now an error at its cell; the
same workbook once saved by Excel prints its values. Built through the CLI, read back."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import built_text
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF

ROWS = [("Norte", 1200, 800), ("Sur", 950, 700), ("Este", 1430, 900)]


def sales_book(path: Path, saved_by_excel: bool) -> None:
    """The trial's `ventas.xlsx`: a Margen formula per row and a Total row of SUMs. As
    XlsxWriter writes it (every formula saved as 0, `fullCalcOnLoad="1"`), or as Excel saves
    it again (the computed values, a `calcPr` without the mark)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ventas"
    sheet.append(["Región", "Ventas", "Coste", "Margen"])
    for number, (region, sales, cost) in enumerate(ROWS, start=2):
        sheet.append([region, sales, cost, f"=B{number}-C{number}"])
    sheet.append(["Total", "=SUM(B2:B4)", "=SUM(C2:C4)", "=SUM(D2:D4)"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    values = {f"D{n}": str(s - c) for n, (_, s, c) in enumerate(ROWS, start=2)}
    values |= {"B5": "3580", "C5": "2400", "D5": "1180"}
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()

    def cached(match: re.Match[str]) -> str:
        value = values[match.group(1)] if saved_by_excel else "0"
        return f'<c r="{match.group(1)}"><f>{match.group(2)}</f><v>{value}</v></c>'

    sheet_xml, replaced = re.subn(
        r'<c r="([A-Z]+\d+)"><f>([^<]*)</f><v\s*(?:/>|></v>)</c>', cached, sheet_xml
    )
    assert replaced == 6
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    workbook_xml = parts["xl/workbook.xml"].decode()
    assert 'fullCalcOnLoad="1"' in workbook_xml  # openpyxl asks for it, as XlsxWriter does
    if saved_by_excel:
        workbook_xml = re.sub(r"<calcPr[^>]*/>", '<calcPr calcId="191029"/>', workbook_xml)
    parts["xl/workbook.xml"] = workbook_xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def project(root: Path, saved_by_excel: bool) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "report.yml").write_text("title: Ventas\nlang: en\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(
        '# Ventas\n\nThe total margin was {{ data.ventas.rows[3]["Margen"] }}.\n\n'
        "{{ table(data.ventas) }}\n",
        encoding="utf-8",
    )
    sales_book(root / "data" / "ventas.xlsx", saved_by_excel)
    return root


def test_every_formula_of_a_workbook_saved_uncalculated_is_an_error(tmp_path: Path) -> None:
    code, output = built_text(project(tmp_path, saved_by_excel=False))
    assert code == 1, output
    for cell, formula in [("D2", "=B2-C2"), ("D4", "=B4-C4"), ("B5", "=SUM(B2:B4)"),
                          ("D5", "=SUM(D2:D4)")]:  # fmt: skip
        assert (
            f"data/ventas.xlsx:Ventas!{cell}: the formula {formula} was saved without its value "
            "by a program that does not calculate"
        ) in output, output
    assert "open it in Excel or LibreOffice and save it again" in output
    assert "Traceback" not in output
    result = CliRunner().invoke(main, ["check", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "data/ventas.xlsx:Ventas!D5: the formula =SUM(D2:D4)" in result.output


def test_the_same_workbook_saved_by_excel_prints_its_values(tmp_path: Path) -> None:
    code, text = built_text(project(tmp_path, saved_by_excel=True))
    assert code == 0, text
    assert "The total margin was 1,180." in text
    assert "Norte 1,200 800 400" in text
    assert "Total 3,580 2,400 1,180" in text
