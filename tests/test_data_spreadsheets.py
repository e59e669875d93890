"""Excel workbooks in data/ (issue 8): one sheet is a table like a CSV, several are tables by
sheet name; numbers, a date, a percent cell and shown decimals print right in fr and en; an
error cell is named by sheet and cell. Built through the CLI and read with pypdf."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import built_text
from reportbuilder.project.data import load_data

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF

NBSP = "\u00a0"
NNBSP = "\u202f"


def workbook(path: Path, error: bool = False, sheets: int = 1) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sites"
    sheet.append(["site", "migrants", "share", "since", "cost"])
    sheet.append(["Tapachula", 1322, 0.125, dt.datetime(2026, 3, 31), 388.1])
    sheet.append(["Tijuana", 845, 0.5, dt.datetime(2025, 1, 2), "#DIV/0!" if error else 501])
    for row in (2, 3):
        sheet[f"C{row}"].number_format = "0.0%"
        sheet[f"E{row}"].number_format = "0.00"
    for extra in range(1, sheets):
        more = book.create_sheet(f"More{extra}")
        more.append(["a", "b"])
        more.append(["x", 7])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def build(root: Path, lang: str, content: str, **options: bool | int) -> tuple[int, str]:
    (root / "content").mkdir(parents=True)
    (root / "report.yml").write_text(f"title: Book\nlang: {lang}\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(content, encoding="utf-8")
    workbook(root / "data" / "budget.xlsx", **options)  # type: ignore[arg-type]
    return built_text(root)


@pytest.mark.parametrize(
    ("lang", "rows"),
    [
        ("en", ["Tapachula 1,322 12.5% Mar 31, 2026 388.10",
                "Tijuana 845 50.0% Jan 2, 2025 501.00"]),
        ("fr", [f"Tapachula 1{NNBSP}322 12,5{NBSP}% 31 mars 2026 388,10",
                f"Tijuana 845 50,0{NBSP}% 2 janv. 2025 501,00"]),
    ],
)  # fmt: skip
def test_one_sheet_is_a_table(tmp_path: Path, lang: str, rows: list[str]) -> None:
    code, text = build(tmp_path, lang, "# Book\n\n{{ table(data.budget) }}\n")
    assert code == 0, text
    for row in rows:
        assert row in text


def test_several_sheets_are_tables_by_name(tmp_path: Path) -> None:
    workbook(tmp_path / "data" / "budget.xlsx", sheets=2)
    namespaces, found = load_data(tmp_path)
    assert found == []
    assert set(namespaces["budget"]) == {"Sites", "More1"}
    assert namespaces["budget"]["More1"].rows == [{"a": "x", "b": 7}]
    assert namespaces["budget"]["Sites"].types["share"] == "percent"


def test_error_cell_names_sheet_and_cell(tmp_path: Path) -> None:
    code, output = build(tmp_path, "en", "# Book\n\n{{ table(data.budget) }}\n", error=True)
    assert code == 1
    assert "data/budget.xlsx:Sites!E3: the cell shows the error #DIV/0!" in output


def formula_book(path: Path, cached: str | None) -> None:
    """A workbook whose `total` column is a formula; with `cached`, the value Excel would have
    saved beside it, written into the sheet's XML (openpyxl itself never calculates)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Budget"
    sheet.append(["item", "price", "qty", "total"])
    sheet.append(["pens", 2.5, 21, "=B2*C2"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    if cached is None:
        return
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    # An empty value, however the XML writer spells it: `<v />`, `<v/>` or `<v></v>`.
    sheet_xml, replaced = re.subn(
        r"<f>B2\*C2</f><v\s*(?:/>|></v>)", f"<f>B2*C2</f><v>{cached}</v>", sheet_xml
    )
    assert replaced == 1
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    as_excel_saves(parts)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def as_excel_saves(parts: dict[str, bytes]) -> None:
    """The workbook's `calcPr` as Excel saves it: calculated, no `fullCalcOnLoad="1"` (which
    openpyxl writes, and with it every formula's saved value is a placeholder)."""
    workbook_xml = re.sub(r"<calcPr[^>]*/>", '<calcPr calcId="191029"/>',
                          parts["xl/workbook.xml"].decode())  # fmt: skip
    parts["xl/workbook.xml"] = workbook_xml.encode()


@pytest.mark.parametrize(("lang", "row"), [("en", "pens 2.5 21 52.5"), ("fr", "pens 2,5 21 52,5")])
def test_a_formulas_saved_value_is_printed(tmp_path: Path, lang: str, row: str) -> None:
    (tmp_path / "content").mkdir(parents=True)
    (tmp_path / "report.yml").write_text(f"title: Book\nlang: {lang}\n", encoding="utf-8")
    (tmp_path / "content" / "01.md").write_text(
        "# Book\n\n{{ table(data.budget) }}\n\nTotal: {{ data.budget.rows[0].total | number }}\n",
        encoding="utf-8",
    )
    formula_book(tmp_path / "data" / "budget.xlsx", cached="52.5")
    code, text = built_text(tmp_path)
    assert code == 0, text
    assert row in text and f"Total: {row.split()[-1]}" in text
    assert "B2*C2" not in text


def test_a_formula_without_saved_value_is_located(tmp_path: Path) -> None:
    formula_book(tmp_path / "data" / "budget.xlsx", cached=None)
    _, problems = load_data(tmp_path)
    assert [str(p) for p in problems] == [
        "data/budget.xlsx:Budget!D2: the formula =B2*C2 has no saved value (the file was never "
        "opened and saved in Excel or LibreOffice); open it there and save it again"
    ]


def test_a_formula_whose_saved_result_is_empty_text_is_an_empty_cell(tmp_path: Path) -> None:
    """The second trial's item 26: `=IF(B2>100,"","small")` saved by Excel as
    `<c t="str"><f>…</f><v></v></c>` was refused as never saved; saving again cannot help."""
    formula_book(tmp_path / "data" / "budget.xlsx", cached=None)
    path = tmp_path / "data" / "budget.xlsx"
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml, replaced = re.subn(
        r'<c r="D2"[^>]*><f>B2\*C2</f><v\s*(?:/>|></v>)',
        '<c r="D2" t="str"><f>IF(B2&gt;100,"","small")</f><v></v>',
        parts["xl/worksheets/sheet1.xml"].decode(),
    )
    assert replaced == 1
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    as_excel_saves(parts)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    data, problems = load_data(tmp_path)
    assert problems == []
    assert data["budget"].rows[0]["total"] in (None, "")


def test_dates_typed_as_text_in_a_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Visits"
    sheet.append(["site", "visited", "since [date:%d/%m/%Y]"])
    sheet.append(["Arica", "03/04/2021", "24/08/2020"])
    sheet.append(["Iquique", "24/08/2020", "2020-08-24"])
    (tmp_path / "data").mkdir()
    book.save(tmp_path / "data" / "visits.xlsx")
    namespaces, problems = load_data(tmp_path)
    assert [str(p) for p in problems] == [
        "data/visits.xlsx:Visits!C3: column 'since' expects a date written %d/%m/%Y, got "
        "'2020-08-24'",
        "data/visits.xlsx:Visits!B3: column 'visited' holds dates not written YYYY-MM-DD: "
        "'24/08/2020' is 2020-08-24 read day first; declare it: 'visited [date:%d/%m/%Y]', or "
        "'visited [text]' to keep them as written",
    ]
    assert namespaces["visits"][0]["since"] == dt.date(2020, 8, 24)


@pytest.mark.parametrize(("lang", "words"), [("en", ("TRUE", "FALSE")), ("fr", ("VRAI", "FAUX"))])
def test_true_false_and_line_breaks_show_as_in_the_spreadsheet(
    tmp_path: Path, lang: str, words: tuple[str, str]
) -> None:
    """A boolean cell printed Python's `True`; a cell's line break (Alt+Enter) was a space."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["site", "active", "address"])
    sheet.append(["Arica", True, "Calle 5\nArica"])
    sheet.append(["Iquique", False, "Plaza 2"])
    (tmp_path / "data").mkdir()
    book.save(tmp_path / "data" / "sites.xlsx")
    (tmp_path / "content").mkdir()
    (tmp_path / "report.yml").write_text(f"title: Sites\nlang: {lang}\n", encoding="utf-8")
    (tmp_path / "content" / "01.md").write_text("# Sites\n\n{{ table(data.sites) }}\n", "utf-8")
    code, text = built_text(tmp_path)
    assert code == 0, text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert f"Arica {words[0]} Calle 5" in lines and "Arica" in lines  # the second line, alone
    assert f"Iquique {words[1]} Plaza 2" in lines
    assert "True" not in text and "False" not in text


def test_a_number_merged_over_rows_is_an_error_at_the_merge(tmp_path: Path) -> None:
    """Trial 7 #21: `200` merged over North and South was copied into both rows and the
    total said 450 for 250; a label merged so (`Chile`) is still repeated, with a warning."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row in (["country", "region", "people"], ["Chile", "North", 200],
                ["Chile", "South", None], ["Peru", "Lima", 50]):  # fmt: skip
        sheet.append(row)
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("C2:C3")
    (tmp_path / "data").mkdir()
    book.save(tmp_path / "data" / "m.xlsx")
    _, problems = load_data(tmp_path)
    said = {(p.path, p.severity.value, p.message.split(";")[0]) for p in problems}
    assert ("data/m.xlsx:Main!C2:C3", "error",
            "merged cells: one figure (200) for 2 rows") in said  # fmt: skip
    assert ("data/m.xlsx:Main!A2:A3", "warning",
            "merged cells: the value 'Chile' is repeated in each of its rows") in said  # fmt: skip
