"""A table's own Total row that disagrees with its rows was printed as is, without a word,
unless the chapter asked `total=True` (trial 8 #2: a workbook's `=SUM(B4:B7)` saved as
272500.755 under rows adding up to 273499.755; a CSV's "Total nacional"). Now a warning at
the row whatever the chapter asks, and an error when it is a SUM over exactly the cells
printed above it (its saved value is stale). Rates, averages and rounded figures are not
mistaken for it. Built through the CLI; PDFs read back."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import built_text
from reportbuilder.cli import main
from reportbuilder.project.data import load_data

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF


def project(root: Path, name: str) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text("title: Totals\nlang: es\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(
        f"# Datos\n\n{{{{ table(data.{name}) }}}}\n", encoding="utf-8"
    )
    return root


def check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    return result.exit_code, result.output


def test_a_csv_total_row_that_is_not_the_sum_of_its_rows_is_said(tmp_path: Path) -> None:
    root = project(tmp_path, "poblacion")
    (root / "data" / "poblacion.csv").write_text(
        "Comunidad;Población;Tasa\nMadrid;6.871.903;12,5\nCeuta;83.517;9,5\n"
        "Total nacional;48.610.458;11,0\n",
        encoding="utf-8",
    )
    code, output = check(root)
    assert code == 0, output
    assert (
        "warning: data/poblacion.csv:4: the total row's 'Población' is 48.610.458, but the rows "
        "above add up to 6955420: it is printed as it is"
    ) in output
    assert "'Tasa'" not in output  # a rate's total is no sum
    code, text = built_text(root)
    assert code == 0 and "Total nacional 48.610.458" in text


def test_a_total_of_rounded_figures_is_not_a_mismatch(tmp_path: Path) -> None:
    root = project(tmp_path, "reparto")
    (root / "data" / "reparto.csv").write_text(
        "Grupo;Parte\nA;33,3\nB;33,3\nC;33,3\nTotal;100,0\n", encoding="utf-8"
    )
    _, problems = load_data(root)
    assert problems == []


def budget(path: Path, cached: str | None, formula: bool = True) -> None:
    """The trial's Datos sheet: three rows and a Total row, `=SUM(B2:B4)` saved (as Excel
    saves it, no recalculation asked) with `cached`; or a figure typed in its place."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Datos"
    sheet.append(["Partida", "Importe"])
    for row in (["Personal", 125000.5], ["Alquiler", 136000], ["Viajes", 12499.255]):
        sheet.append(row)
    sheet.append(["Total", "=SUM(B2:B4)" if formula else float(cached or 0)])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    if formula:
        sheet_xml, replaced = re.subn(
            r"<f>SUM\(B2:B4\)</f><v\s*(?:/>|></v>)",
            f"<f>SUM(B2:B4)</f><v>{cached}</v>",
            parts["xl/worksheets/sheet1.xml"].decode(),
        )
        assert replaced == 1
        parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    workbook_xml = re.sub(r"<calcPr[^>]*/>", '<calcPr calcId="191029"/>',
                          parts["xl/workbook.xml"].decode())  # fmt: skip
    parts["xl/workbook.xml"] = workbook_xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_stale_sum_over_the_rows_printed_is_an_error(tmp_path: Path) -> None:
    root = project(tmp_path, "presupuesto")
    budget(root / "data" / "presupuesto.xlsx", cached="272500.755")
    code, output = built_text(root)
    assert code == 1, output
    assert (
        "data/presupuesto.xlsx:Datos!B5: the formula =SUM(B2:B4) saved 272500.755, but B2:B4 "
        "add up to 273499.755: its saved value is stale"
    ) in output


def test_a_sum_saved_right_prints_without_a_word(tmp_path: Path) -> None:
    root = project(tmp_path, "presupuesto")
    budget(root / "data" / "presupuesto.xlsx", cached="273499.755")
    _, problems = load_data(root)
    assert problems == []
    code, text = built_text(root)
    assert code == 0 and "Total 273.499,755" in text


def test_a_typed_total_that_disagrees_is_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path, "presupuesto")
    budget(root / "data" / "presupuesto.xlsx", cached="270000", formula=False)
    code, output = check(root)
    assert code == 0, output
    assert (
        "warning: data/presupuesto.xlsx:Datos!B5: the total row's 'Importe' is 270000, but "
        "the rows above add up to 273499.755: it is printed as it is"
    ) in output
