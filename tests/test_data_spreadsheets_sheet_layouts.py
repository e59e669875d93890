"""`header_row:` and `range:` in a workbook's `.xlsx.yml` applied to every sheet (trial 8
#3): another sheet's header and first rows vanished without a word (its third row, "suma |
0.3", printed as the header), and `range: Datos!A3:B6` dropped the other
sheets. Each sheet may now have its own (`Datos: {header_row: 3}`); a range naming one sheet
leaves the others whole; rows left out above a header are always said; a figure as a column's
name is refused. Built through the CLI and read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from conftest import built_text
from reportbuilder.project.data import load_data

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF


def project(root: Path, sidecar: str) -> Path:
    book = openpyxl.Workbook()
    data = book.active
    data.title = "Datos"
    data.append(["Presupuesto 2025"])
    data.append([])
    data.append(["Partida", "Importe"])
    data.append(["Personal", 125000])
    data.append(["Alquiler", 36000])
    general = book.create_sheet("General")
    general.append(["Concepto", "Valor"])
    general.append(["tercio", 1 / 3])
    general.append(["suma", 0.1 + 0.2])
    general.append(["grande", 1234567])
    (root / "data").mkdir(parents=True)
    (root / "content").mkdir()
    book.save(root / "data" / "presupuesto.xlsx")
    (root / "data" / "presupuesto.xlsx.yml").write_text(sidecar, encoding="utf-8")
    (root / "report.yml").write_text("title: Presupuesto\nlang: en\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(
        "# Datos\n\n{{ table(data.presupuesto.Datos) }}\n\n{{ table(data.presupuesto.General) }}\n",
        encoding="utf-8",
    )
    return root


def test_a_header_row_for_every_sheet_no_longer_eats_another_sheets_rows(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, "header_row: 3\n")
    code, output = built_text(root)
    assert code == 1, output
    assert (
        "data/presupuesto.xlsx:General!B3: the header cell holds the number 0.3, not a "
        "column's name: is row 3 the table's header?"
    ) in output
    assert "'General: {header_row: N}'" in output
    _, problems = load_data(root)
    assert (
        "data/presupuesto.xlsx:General!1:2: 2 rows (1 to 2) above the table's header (row 3, "
        "as data/presupuesto.xlsx.yml says) left out: 'Concepto', 'Valor', 'tercio', …"
    ) in [str(p) for p in problems]


def test_each_sheet_has_its_own_header_row(tmp_path: Path) -> None:
    root = project(tmp_path, "Datos: {header_row: 3}\n")
    namespaces, problems = load_data(root)
    assert [str(p) for p in problems] == [
        "data/presupuesto.xlsx:Datos!1: row 1 above the table's header (row 3, as "
        "data/presupuesto.xlsx.yml says) left out: 'Presupuesto 2025'"
    ]
    assert namespaces["presupuesto"]["General"].columns == ["Concepto", "Valor"]
    code, text = built_text(root)
    assert code == 0, text
    assert "Partida Importe" in text and "Personal 125,000" in text
    assert "Concepto Valor" in text and "tercio 0.333333333" in text
    assert "Presupuesto 2025" not in text


def test_a_range_naming_one_sheet_leaves_the_others_whole(tmp_path: Path) -> None:
    root = project(tmp_path, "range: Datos!A3:B5\n")
    code, text = built_text(root)
    assert code == 0, text
    assert "Personal 125,000" in text and "grande 1,234,567" in text


def test_settings_for_a_sheet_the_workbook_lacks_are_an_error(tmp_path: Path) -> None:
    root = project(tmp_path, "Data: {header_row: 3}\n")
    code, output = built_text(root)
    assert code == 1
    assert (
        "data/presupuesto.xlsx.yml:1: 'Data:' names a sheet data/presupuesto.xlsx does not "
        "show (its sheets: Datos, General)"
    ) in output
