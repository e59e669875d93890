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


ACCOUNTING = '_-* #,##0.00 "€"_-;-* #,##0.00 "€"_-;_-* "-"?? "€"_-;_-@_-'


def test_formats_print_as_excel_shows_them(tmp_path: Path) -> None:
    """Trial 2 #4: `00000` kept its zero and lost its grouping, `hh:mm` gained seconds, an
    accounting zero printed 0 where Excel shows a dash."""
    import datetime as dt

    root = project(tmp_path, "{{ table(data.fmt) }}")
    rows: list[list[object]] = [
        ["region", "postcode", "time", "when", "amount (€)", "hours"],
        ["North", 8001, dt.time(13, 30), dt.datetime(2026, 3, 1, 9, 15), -50.5, 1.0],
        ["South", 1000, dt.time(0, 5), dt.datetime(2026, 12, 31, 23, 59), 0, 0.25],
    ]
    formats = {}
    for row in (2, 3):
        formats |= {f"B{row}": "00000", f"C{row}": "hh:mm", f"D{row}": "yyyy-mm-dd hh:mm",
                    f"E{row}": ACCOUNTING, f"F{row}": "h:mm AM/PM"}  # fmt: skip
    sheet_file(root / "data" / "fmt.xlsx", rows, formats)
    code, text = built_text(root)
    assert code == 0, text
    assert "08001 13:30 2026-03-01 09:15 −50.50 12:00 AM" in text
    assert "South 01000 00:05 2026-12-31 23:59 - 6:00 AM" in text
    assert "8,001" not in text and "13:30:00" not in text


def test_leading_zeros_with_decimals_are_refused_at_the_cell(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ table(data.fmt) }}")
    sheet_file(root / "data" / "fmt.xlsx", [["code", "n"], ["a", 12.5]], {"B2": "0000.00"})
    code, output = built_text(root)
    assert code == 1
    assert "data/fmt.xlsx:Main!B2: the number format '0000.00' uses leading zeros" in output


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("en", ["third 0.333333333", "long 1,234.56789", "big 123,456,789,012,345",
             "tiny 0.000000123457", "wide 12,345,678,901"]),
     ("fr", ["third 0,333333333", "long 1\u202f234,56789", "tiny 0,000000123457"])],
)  # fmt: skip
def test_general_numbers_show_the_digits_excel_shows(
    tmp_path: Path, lang: str, shown: list[str]
) -> None:
    """Trial 2 #22: General shows at most 11 characters (1/3 is 0.333333333); where Excel
    writes E notation the report keeps positional digits (docs/data.md)."""
    root = project(tmp_path, "{{ table(data.gen) }}", lang=lang)
    sheet_file(root / "data" / "gen.xlsx", [
        ["label", "value"], ["third", 1 / 3], ["long", 1234.56789012], ["big", 123456789012345],
        ["tiny", 1.23456789e-7], ["wide", 12345678901.25],
    ])  # fmt: skip
    code, text = built_text(root)
    assert code == 0, text
    for row in shown:
        assert row in text


def test_a_windows_excel_csvs_empty_trailing_columns_are_left_out_with_a_note(
    tmp_path: Path,
) -> None:
    """Trial 2 #23: `name,notes,amount,,` on every row was refused as nameless columns."""
    root = project(tmp_path, "{{ table(data.bom) }}")
    (root / "data" / "bom.csv").write_bytes(
        b"\xef\xbb\xbfname,notes,amount,,\r\nBolts,M6,12.50,,\r\nNuts,,3.25,,\r\n"
    )
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (
        "data/bom.csv:1: 2 empty columns at the end of every row (no name, no value) left out"
        in result.output
    )
    code, text = built_text(root)
    assert "Bolts M6 12.50" in text and "Nuts 3.25" in text
    # A value in such a column is no empty column: still refused, at the header.
    (root / "data" / "bom.csv").write_text("name,amount,,\nBolts,1,,x\n", encoding="utf-8")
    code, output = built_text(root)
    assert code == 1 and "data/bom.csv:1: column 4 has no name in the header row" in output


def test_a_table_too_wide_for_a_landscape_page_is_refused_at_its_line(tmp_path: Path) -> None:
    """Trial 2 #6: a 40-column sheet lost columns 26-40 off the page with a warning that had
    no line. Now refused at the call, by check too; `columns=` chooses the columns."""
    root = project(tmp_path, "Text.\n\n{{ table(data.wide) }}")
    header = [f"col{n}" for n in range(1, 41)]
    sheet_file(root / "data" / "wide.xlsx", [header, *[[r * 100 + n + 0.25 for n in range(1, 41)]
                                                        for r in range(3)]])  # fmt: skip
    for run in (check, built_text):
        code, output = run(root)
        assert code == 1, output
        assert (
            "content/01.md:5: table(): wide has 40 columns, too many to fit even a landscape"
            in (output)
        )
        assert 'columns=["col1", "col2", "col3", …]' in output
    content = root / "content" / "01.md"
    content.write_text(
        "# Book\n\n{{ table(data.wide, columns=['col1', 'col40', 'col26']) }}\n", encoding="utf-8"
    )
    code, text = built_text(root)
    assert code == 0, text
    assert "col1 col40 col26" in text and "201.25 240.25 226.25" in text
    content.write_text("# Book\n\n{{ table(data.wide, columns=['col41']) }}\n", encoding="utf-8")
    code, output = built_text(root)
    assert code == 1 and "columns names 'col41', which wide does not have" in output


def test_a_sidecar_says_where_the_workbooks_table_is(tmp_path: Path) -> None:
    """`data/fmt.xlsx.yml`: `header_row: 3` reads the titled sheet from its header; a
    `range:` picks one of two tables on a sheet."""
    root = project(tmp_path, "{{ table(data.fmt, total=True) }}")
    two_tables = [*TITLED, [], ["Table 2: staff"], ["office", "staff"], ["Santiago", 7]]
    sheet_file(root / "data" / "fmt.xlsx", two_tables)
    sidecar = root / "data" / "fmt.xlsx.yml"
    code, output = built_text(root)
    assert code == 1 and "('header_row: 3' if row 3 names the columns" in output
    sidecar.write_text("range: Main!A3:C7\n", encoding="utf-8")
    code, text = built_text(root)
    assert code == 0, text
    assert "region people share" in text and "North 120 0.48" in text
    assert "Total 200" in text and "Santiago" not in text and "Regional" not in text
    sidecar.write_text("header_row: 3\n", encoding="utf-8")
    code, output = built_text(root)  # the second table is refused where it starts
    assert code == 1 and "data/fmt.xlsx:Main!A9: row 9 looks like the start of a second" in output
    assert "'range: Main!A3:C7' in data/fmt.xlsx.yml" in output
    assert "is not a number like the others" not in output
    sidecar.write_text("range: Other!A3:C7\n", encoding="utf-8")
    code, output = built_text(root)
    assert code == 1 and "data/fmt.xlsx.yml: range: names the sheet 'Other'" in output


def test_filters_and_rows_name_what_is_undefined(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ data.zb | number }}\n\n{{ data.t.rows[0].zz | number }}")
    (root / "data" / "t.csv").write_text("a,b\nx,1\n", encoding="utf-8")
    code, output = check(root)
    assert code == 1, output
    assert "content/01.md:3: 'data.zb' is undefined; it has: t" in output
    assert "content/01.md:5: this row or mapping has no 'zz'; it has: a, b" in output
    assert "ContentUndefined" not in output and "dict" not in output
