"""Numbers you can trust, again (issue 8, reopened by a new-user trial): nothing the author hid
in a workbook is printed, totals are exact and shown like their cells, YAML numbers are read
as written, Excel formats are shown as Excel shows them, a stray cell in a number column is
located, merged data cells are repeated with a warning, and negatives get a true minus.

Every case is built through the CLI and the figure read back from the PDF with pypdf.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF

MINUS = "\u2212"


def build(root: Path, content: str, files: dict[str, str | bytes], lang: str = "en") -> tuple[
    int, str, str
]:  # fmt: skip
    """Build a project of `content` and data `files`: (exit code, output, the PDF's text)."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    (root / "report.yml").write_text(f"title: Numbers\nlang: {lang}\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(f"# Figures\n\n{content}\n", encoding="utf-8")
    for name, body in files.items():
        path = root / "data" / name
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    if result.exit_code != 0:
        return result.exit_code, result.output, ""
    pdf = next((root / "out").glob("*.pdf"))
    return 0, result.output, "\n".join(page_texts(pypdf.PdfReader(pdf)))


def saved(book: openpyxl.Workbook, tmp_path: Path) -> bytes:
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path.read_bytes()


# --- 1. What the author hid in a workbook is never printed ------------------------------


def hidden_book(tmp_path: Path) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    sheet.append(["region", "amount", "note"])
    sheet.append(["North", 10, "SECRET1"])
    sheet.append(["hiddenrow", 99, "SECRET3"])
    sheet.append(["South", 20, "SECRET2"])
    sheet.column_dimensions["C"].hidden = True
    sheet.row_dimensions[3].hidden = True
    secret = book.create_sheet("Workings")
    secret.append(["x", "y"])
    secret.append(["SECRET4", 1])
    secret.sheet_state = "hidden"
    return saved(book, tmp_path)


def test_hidden_rows_columns_and_sheets_are_left_out_with_a_warning(tmp_path: Path) -> None:
    files = {"fmt.xlsx": hidden_book(tmp_path)}
    code, output, text = build(tmp_path / "p", "{{ table(data.fmt, total=True) }}", files)
    assert code == 0, output
    assert "SECRET" not in text and "hiddenrow" not in text
    assert "North 10" in text and "South 20" in text
    assert "Total 30" in text  # the hidden row's 99 is not added either
    assert "data/fmt.xlsx:Main!C: hidden column left out" in output
    assert "data/fmt.xlsx:Main!3: hidden row left out" in output
    assert "data/fmt.xlsx:Workings: hidden sheet left out" in output


def test_rows_filtered_out_by_an_autofilter_are_left_out(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row in (["region", "amount"], ["North", 1], ["Filtered", 2], ["Out", 3], ["South", 4]):
        sheet.append(row)
    sheet.auto_filter.ref = "A1:B5"
    for number in (3, 4):  # Excel saves the rows a filter hides as hidden rows
        sheet.row_dimensions[number].hidden = True
    files = {"fmt.xlsx": saved(book, tmp_path)}
    code, output, text = build(tmp_path / "p", "{{ table(data.fmt) }}", files)
    assert code == 0, output
    assert "Filtered" not in text and "Out" not in text.split("Figures", 1)[1]
    assert "data/fmt.xlsx:Main!3:4: 2 hidden rows left out" in output


# --- 6. Merged cells in data rows -------------------------------------------------------


def test_a_merged_cell_down_rows_is_repeated_with_a_warning(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row in (["Region", "City", "n"], ["Andalucía", "Sevilla", 1], [None, "Málaga", 2]):
        sheet.append(row)
    sheet.merge_cells("A2:A3")
    files = {"fmt.xlsx": saved(book, tmp_path)}
    code, output, text = build(tmp_path / "p", "{{ table(data.fmt) }}", files)
    assert code == 0, output
    assert "Andalucía Sevilla 1" in text and "Andalucía Málaga 2" in text
    assert "data/fmt.xlsx:Main!A2:A3: merged cells: the value 'Andalucía' is repeated" in output


def test_a_merged_cell_across_columns_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row in (["Region", "City", "n"], ["Andalucía", "Sevilla", 1], ["Total", None, 2]):
        sheet.append(row)
    sheet.merge_cells("A3:B3")
    files = {"fmt.xlsx": saved(book, tmp_path)}
    code, output, _ = build(tmp_path / "p", "{{ table(data.fmt) }}", files)
    assert code == 1
    assert "data/fmt.xlsx:Main!A3:B3: merged cells across columns in a data row" in output


# --- 4. Excel number formats are shown as Excel shows them ------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["a 13 1,235 49% 12.5% 1,234.6 3", "b 3 −1,235 50% 0.1% 0.0 1"]),
        ("fr", ["a 13 1\u202f235 49\u00a0% 12,5\u00a0% 1\u202f234,6 3",
                "b 3 −1\u202f235 50\u00a0% 0,1\u00a0% 0,0 1"]),
    ],
)  # fmt: skip
def test_number_formats_print_as_excel_shows_them(
    tmp_path: Path, lang: str, expected: list[str]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    sheet.append(["k", "whole", "grouped", "share", "fine", "one", "kg"])
    sheet.append(["a", 12.6, 1234.56, 0.4937, 0.125, 1234.55, 3])
    sheet.append(["b", 2.5, -1234.5, 0.495, 0.00125, 0.04, 1])
    formats = ("0", "#,##0", "0%", "0.0%", "#,##0.0", '0 "kg"')
    for row in (2, 3):
        for column, number_format in zip("BCDEFG", formats, strict=True):
            sheet[f"{column}{row}"].number_format = number_format
    files = {"fmt.xlsx": saved(book, tmp_path)}
    code, output, text = build(tmp_path / "p", "{{ table(data.fmt) }}", files, lang)
    assert code == 0, output
    for row in expected:  # 2.5 → 3 and 1234.55 → 1,234.6: half away from zero, as Excel
        assert row in text
    assert "data/fmt.xlsx:Main!G2: the number format shows the text 'kg'" in output


def test_an_unsupported_number_format_is_refused_at_its_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    sheet.append(["k", "v"])
    sheet.append(["a", 12345.678])
    sheet["B2"].number_format = "0.00E+00"
    files = {"fmt.xlsx": saved(book, tmp_path)}
    code, output, _ = build(tmp_path / "p", "{{ table(data.fmt) }}", files)
    assert code == 1
    assert "data/fmt.xlsx:Main!B2: the number format '0.00E+00' uses scientific notation" in output


# --- 2. Totals are exact and shown like their cells -------------------------------------

T1 = "item,amount\nA,1299.75\nB,699.90\nC,-349.25\nD,100.41\n"


@pytest.mark.parametrize(
    ("csv", "call", "total"),
    [
        (T1, "total=True", "Total 1,750.81"),
        ("item,amount\nA,0.10\nB,0.20\n", "total=True", "Total 0.30"),
        ("item,amount\nA,1234.50\nB,16281.5\n", "total=True", "Total 17,516.00"),
        ("item,n,mean\nA,3,20.5\nB,4,30.25\n", 'total=["n"]', "Total 7\n"),
        ("item,n,mean\nA,3,20.5\nB,4,30.25\n", "total=True", "Total 7 50.75"),
    ],
)
def test_totals_are_exact_with_the_cells_decimals(
    tmp_path: Path, csv: str, call: str, total: str
) -> None:
    code, output, text = build(tmp_path, f"{{{{ table(data.t1, {call}) }}}}", {"t1.csv": csv})
    assert code == 0, output
    assert total in text + "\n"


def test_a_total_naming_an_unknown_column_says_which_exist(tmp_path: Path) -> None:
    code, output, _ = build(tmp_path, '{{ table(data.t1, total=["amont"]) }}', {"t1.csv": T1})
    assert code == 1
    assert "total names the column 'amont'" in output and "did you mean 'amount'" in output


def test_negatives_print_with_a_true_minus(tmp_path: Path) -> None:
    code, output, text = build(tmp_path, "{{ table(data.t1) }} C is {{ data.t1[2].amount }}.",
                               {"t1.csv": T1})  # fmt: skip
    assert code == 0, output
    assert f"C {MINUS}349.25" in text and f"C is {MINUS}349.25." in text
    assert not re.search(r"-349", text)
