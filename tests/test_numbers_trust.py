"""Numbers you can trust, again (issue 8, reopened by a new-user trial): nothing the author hid
in a workbook is printed, totals are exact and shown like their cells, YAML numbers are read
as written, Excel formats are shown as Excel shows them, a stray cell in a number column is
located, merged data cells are repeated with a warning, and negatives get a true minus.

Every case is built through the CLI and the figure read back from the PDF with pypdf.
"""

from __future__ import annotations

import datetime as dt
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


def build_cases(
    root: Path, bodies: list[str], files: dict[str, str | bytes]
) -> tuple[int, str, list[str]]:
    """Build one project holding every body (a case each, in order, none sharing data with
    another): (exit code, output, each case's text). One layout for many cases that cannot
    interfere, instead of one a case."""
    marked = [f"CASE{n}\n\n{body}\n" for n, body in enumerate(bodies)]
    code, output, text = build(root, "\n".join([*marked, f"CASE{len(bodies)}"]), files)
    cases = [
        text.split(f"CASE{n}", 1)[1].split(f"CASE{n + 1}", 1)[0] if code == 0 else ""
        for n in range(len(bodies))
    ]
    return code, output, cases


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


def test_a_sheet_total_counting_a_hidden_row_is_refused(tmp_path: Path) -> None:
    """A: 10, B: 20, a hidden 999, and the sheet's own `Total` 1,029 printed under the two rows
    shown (trial 4): a reader could subtract the hidden figure out of it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    for row in (["k", "people", "share"], ["A", 10, 1], ["B", 20, 2], ["Hidden", 999, 3]):
        sheet.append(row)
    sheet.append(["Total", 1029, 3])  # the SUM Excel saved; `share` sums the visible rows
    sheet.row_dimensions[4].hidden = True
    code, output, _ = build(
        tmp_path / "p", "{{ table(data.h) }}", {"h.xlsx": saved(book, tmp_path)}
    )
    assert code == 1
    assert (
        "data/h.xlsx:S!B5: the total row's 'people' is 1029, but the rows printed add up to 30: "
        "it counts the hidden row 4, which is left out"
    ) in output
    assert "'share'" not in output


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


def test_a_header_over_two_rows_is_one_problem_at_its_merge(tmp_path: Path) -> None:
    """`region | 2024 (B1:C1) | 2025 (D1:E1)` over `men | women | men | women`: five misleading
    problems about unnamed columns and words among numbers, none about the merge (trial 4)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    for row in (["region", 2024, None, 2025, None], [None, "men", "women", "men", "women"]):
        sheet.append(row)
    sheet.append(["North", 1, 2, 3, 4])
    for cells in ("B1:C1", "D1:E1", "A1:A2"):
        sheet.merge_cells(cells)
    code, output, _ = build(
        tmp_path / "p", "{{ table(data.two) }}", {"two.xlsx": saved(book, tmp_path)}
    )
    assert code == 1
    problems = [line for line in output.splitlines() if line.startswith("data/")]
    assert problems == [
        f"data/two.xlsx:S!{cells}: header cells merged across columns ('{year}'): a table has one "
        f"header row naming each column; write one (e.g. '{year} men', '{year} women', …), or "
        "give the table's cells with range: in data/two.xlsx.yml"
        for cells, year in (("B1:C1", 2024), ("D1:E1", 2025))
    ], output


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


def test_one_percent_cell_among_numbers_keeps_each_cell_as_its_format_shows(
    tmp_path: Path,
) -> None:
    """An indicator sheet (population | growth % | households): the percent cell is printed
    with its sign and its neighbours without one (was: every number got a %); the column
    does not add up, and the three kinds survive a mostly-text column too."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Key"
    sheet.append(["indicator", "value", "mixed"])
    sheet.append(["Population", 1234567, "n/a"])
    sheet.append(["Growth", 0.025, 0.5])
    sheet.append(["Households", 250, "none"])
    sheet.append(["Share", 0.5, "many"])
    sheet["B2"].number_format = "#,##0"
    for cell in ("B3", "C3", "B5"):
        sheet[cell].number_format = "0.0%"
    files = {"k.xlsx": saved(book, tmp_path)}
    code, output, text = build(tmp_path / "p", "{{ table(data.k) }}", files)
    assert code == 0, output
    assert "Population 1,234,567 n/a" in text
    assert "Growth 2.5% 50.0 %" in text
    assert "Households 250 none" in text and "Share 50.0%" in text
    code, output, _ = build(tmp_path / "q", '{{ table(data.k, total=["value"]) }}', files)
    assert code == 1
    assert "'value', which mixes percents and other numbers" in output
    code, output, text = build(tmp_path / "r", "{{ table(data.k, total=True) }}", files)
    assert code == 0, output
    assert "Total" not in text  # the only number column mixes percents: nothing adds up


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


TOTALS = [
    (T1, "total=True", "Total 1,750.81"),
    ("item,amount\nA,0.10\nB,0.20\n", "total=True", "Total 0.30"),
    ("item,amount\nA,1234.50\nB,16281.5\n", "total=True", "Total 17,516.00"),
    ("item,n,mean\nA,3,20.5\nB,4,30.25\n", 'total=["n"]', "Total 7\n"),
    # Named: a column called "mean" is summed only when asked (total=True refuses it).
    ("item,n,mean\nA,3,20.5\nB,4,30.25\n", 'total=["n", "mean"]', "Total 7 50.75"),
]


@pytest.fixture(scope="module")
def totals(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, list[str]]:
    """Every case of TOTALS in one build, each its own table of its own data file."""
    bodies = [f"{{{{ table(data.t{n}, {call}) }}}}" for n, (_, call, _) in enumerate(TOTALS)]
    files: dict[str, str | bytes] = {f"t{n}.csv": csv for n, (csv, _, _) in enumerate(TOTALS)}
    return build_cases(tmp_path_factory.mktemp("totals"), bodies, files)


@pytest.mark.parametrize("case", range(len(TOTALS)))
def test_totals_are_exact_with_the_cells_decimals(
    totals: tuple[int, str, list[str]], case: int
) -> None:
    code, output, texts = totals
    assert code == 0, output
    assert TOTALS[case][2] in texts[case] + "\n"


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


# --- 3. YAML numbers are read as written ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("010", "data/s.yml:1: key figure 'a': 'value' must be a number: '010' has a leading zero"),
        ("1:30", "data/s.yml:1: key figure 'a': 'value' must be a number: '1:30' is a time"),
        ("0x1F", "data/s.yml:1: key figure 'a': 'value' must be a number: '0x1F' is a hexadecimal"),
        ("1_000", "data/s.yml:1: key figure 'a': 'value' must be a number: '1_000' groups digits"),
    ],
)
def test_yaml_11_numbers_are_refused_with_how_to_write_them(
    tmp_path: Path, value: str, message: str
) -> None:
    files = {"s.yml": f"a: {{value: {value}, label: x}}\n"}
    code, output, _ = build(tmp_path, "{{ keyfigure(data.s.a) }}", files)
    assert code == 1
    assert message in output


def test_yaml_decimals_and_words_print_as_written(tmp_path: Path) -> None:
    files = {"s.yml": "a: {value: 1234.50, label: Spent}\ncountry: NO\nanswer: yes\n"}
    content = "{{ keyfigure(data.s.a) }}\n\nCode {{ data.s.country }}, {{ data.s.answer }}."
    code, output, text = build(tmp_path, content, files)
    assert code == 0, output
    assert "1,234.50" in text  # docs/data.md: "388.10 → 388.10"
    assert "Code NO, yes." in text  # YAML 1.1 made these False and True (the Norway problem)


def test_yaml_numbers_in_e_notation_print_their_value(tmp_path: Path) -> None:
    """`1.0e-7` printed 0.000000 and `2.5e-4` 0.0003 (trial 4): written decimals, exactly."""
    files = {"s.yml": "n: {value: 1.0e-7, label: tiny}\na: 2.5e-4\nk: 1e3\nm: 1.5e6\n"}
    content = (
        "{{ keyfigure(data.s.n) }}\n\nRate {{ data.s.a | number }}, {{ data.s.k | number }}, "
        "{{ data.s.m | number }}, computed {{ (data.s.a / 2500) | number }}."
    )
    code, output, text = build(tmp_path, content, files)
    assert code == 0, output
    assert "0.00000010" in text
    assert "Rate 0.00025, 1,000, 1,500,000, computed 0.0000001." in text


def test_numbers_with_many_decimals_print_and_add_up_exactly(tmp_path: Path) -> None:
    """A column of 7-decimal numbers (coordinates, rates) made `table(total=True)` fail with
    "number(): decimals must be … 0 to 6, got 7", a call the author never wrote; and a
    20-digit whole number must add up exactly, not through a float."""
    csv = "id,amount,precise\nA,12345678901234567890,0.1234567\nB,9007199254740993,3.1415926\n"
    code, output, text = build(tmp_path, "{{ table(data.big, total=True) }}", {"big.csv": csv})
    assert code == 0, output
    assert "A 12,345,678,901,234,567,890 0.1234567" in text
    assert "Total 12,354,686,100,489,308,883 3.2650493" in text
    code, output, _ = build(tmp_path / "q", "{{ 3.14159265 | number(7) }}", {})
    assert code == 1 and "number(): decimals must be a whole number from 0 to 6, got 7" in output


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_percent_columns_hold_changes_and_growth(tmp_path: Path, lang: str) -> None:
    """A CSV column of `5%`, `12.5%`, `250%`, `-2%` was quietly text (printed as typed, in the
    wrong language, refused by `| percent`) because 250 and -2 are not 0 to 100 (trial 4)."""
    csv = "region,growth,declared [percent]\nA,5%,5\nB,12.5%,-2.5\nC,250%,250\nD,-2%,7.5\n"
    content = "{{ table(data.g) }}\n\nB grew {{ data.g.rows[1].growth | percent }}."
    code, output, text = build(tmp_path, content, {"g.csv": csv}, lang)
    assert code == 0, output
    if lang == "en":
        assert f"C 250% 250%\nD {MINUS}2% 7.5%" in text and "B grew 12.5%." in text
    else:
        assert f"C 250\u00a0% 250\u00a0%\nD {MINUS}2\u00a0% 7,5\u00a0%" in text


def test_years_print_as_written_and_are_not_summed(tmp_path: Path) -> None:
    """A year column printed `2,023`, was summed into the total (`6,072`), and "In 2,023
    there were 1,000." (trial 4); YAML years too. A count column of the same numbers under
    another heading stays a count."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet.append(["Año", "mes", "trimestre", "casos"])
    for year, month in ((2023, 1), (2024, 2)):
        sheet.append([year, dt.datetime(year, month, 1), dt.datetime(year, 1, 1), 1000 * month])
    for row in (2, 3):
        sheet[f"B{row}"].number_format = "mmm-yy"
        sheet[f"C{row}"].number_format = "yyyy"
    files = {
        "yc.csv": "year,people,count\n2023,1000,2023\n2024,2000,2024\n",
        "meta.yml": "year: 2023\nperiod: {from: 2019, to: 2023}\nyears: [2020, 2021]\n",
        "w.xlsx": saved(book, tmp_path),
    }
    content = (
        "{{ table(data.yc, total=True) }}\n\n{{ table(data.w) }}\n\n"
        "In {{ data.yc.rows[0].year }} there were {{ data.yc.rows[0].people }}. Study year "
        "{{ data.meta.year }}, period {{ data.meta.period.from }}–{{ data.meta.period.to }}, "
        "{{ data.meta.years[1] }}."
    )
    code, output, text = build(tmp_path / "p", content, files)
    assert code == 0, output
    assert "2023 1,000 2,023\n2024 2,000 2,024\nTotal 3,000 4,047" in text
    assert "2023 Jan 2023 2023 1,000\n2024 Feb 2024 2024 2,000" in text
    assert "In 2023 there were 1,000. Study year 2023, period 2019–2023, 2021." in text
    code, output, _ = build(tmp_path / "q", '{{ table(data.yc, total=["year"]) }}', files)
    assert code == 1 and "'year', which holds years: they do not add up" in output


def test_a_date_and_time_column_prints_its_midnight_cells_with_their_time(tmp_path: Path) -> None:
    """`yyyy-mm-dd hh:mm:ss` cells printed `2025-03-01 09:15:00` but `Mar 3, 2025` for the one
    at midnight (trial 4): one column, one style, as Excel shows it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["k", "at", "day"])
    sheet.append(["a", dt.datetime(2025, 3, 1, 9, 15), dt.datetime(2025, 3, 1)])
    sheet.append(["b", dt.datetime(2025, 3, 3), dt.datetime(2025, 3, 3)])
    for row in (2, 3):
        sheet[f"B{row}"].number_format = "yyyy-mm-dd hh:mm:ss"
    code, output, text = build(tmp_path, "{{ table(data.t) }}", {"t.xlsx": saved(book, tmp_path)})
    assert code == 0, output
    # openpyxl's own default format for a date (with h:mm:ss) stays a date when every time is 0
    assert "a 2025-03-01 09:15:00 Mar 1, 2025\nb 2025-03-03 00:00:00 Mar 3, 2025" in text


def test_a_share_given_to_percent_is_refused(tmp_path: Path) -> None:
    """`{{ ….owners.share | percent }}` printed 0.58 % where the data says 58 % (trial 4)."""
    files = {"s.yml": "tenure:\n  base: 100\n  categories:\n    owners: {count: 58}\n"
             "    renters: {count: 42}\n"}  # fmt: skip
    owners = "data.s.tenure.owners"
    content = (
        f"Owners {{{{ {owners}.percent | percent }}}}, {{{{ ({owners}.share * 100) | percent }}}}."
    )
    code, output, text = build(tmp_path / "p", content, files)
    assert code == 0, output
    assert "Owners 58.0%, 58.0%." in text
    code, output, _ = build(tmp_path / "q", "{{ data.s.tenure.owners.share | percent }}", files)
    assert code == 1
    assert "percent: this is a share from 0 to 1 (0.58), and percent takes 0 to 100" in output


# --- 5. A stray cell in a number column is located, never a silent text column ----------

EURO = (
    "name;small;minus;neg;zip\n"
    "a;1,5;\u22125,5;-1234,5;01234\n"
    "b;2,25;\u22120,5;-3,0;12345\n"
    "c;999,9;3,0;(12,5);08001\n"
)


def test_a_stray_cell_in_a_number_column_is_located(tmp_path: Path) -> None:
    code, output, _ = build(tmp_path, "{{ table(data.e) }}", {"e.csv": EURO})
    assert code == 1
    assert (
        "data/e.csv:4: column 'neg': '(12,5)' is not a number like the others; write -12,5, "
        "leave the cell empty, or declare the column as text ('neg [text]')"
    ) in output


def test_numbers_print_alike_in_a_table_and_in_text(tmp_path: Path) -> None:
    files = {"e.csv": EURO.replace("(12,5)", "-12,5")}
    content = "{{ table(data.e) }}\n\n{% for r in data.e %}[{{ r.neg }} {{ r.minus }}] {% endfor %}"
    code, output, text = build(tmp_path, content, files)
    assert code == 0, output
    # A true minus read as one (−5,5), codes with leading zeros kept as text, one grouping.
    assert f"a 1.5 {MINUS}5.5 {MINUS}1,234.5 01234" in text
    assert f"c 999.9 3.0 {MINUS}12.5 08001" in text
    assert f"[{MINUS}1,234.5 {MINUS}5.5] [{MINUS}3.0 {MINUS}0.5] [{MINUS}12.5 3.0]" in text


def test_a_mostly_text_column_keeps_its_numbers_as_written(tmp_path: Path) -> None:
    files = {"n.csv": "k;note\na;see below\nb;3,0\nc;n/a\n"}
    code, output, text = build(tmp_path, "{{ table(data.n) }} {{ data.n[1].note }}", files)
    assert code == 0, output
    assert "b 3,0" in text and "3,0" in text.split("b 3,0", 1)[1]


# --- 7. ISO dates, percents ------------------------------------------------------------


@pytest.mark.parametrize(("lang", "day"), [("en", "Mar 1, 2026"), ("fr", "1 mars 2026")])
def test_an_iso_date_column_prints_as_a_date(tmp_path: Path, lang: str, day: str) -> None:
    files = {"d.csv": "what,day\nopened,2026-03-01\nclosed,2026-04-15\n"}
    code, output, text = build(tmp_path, "{{ table(data.d) }}", files, lang)
    assert code == 0, output
    assert f"opened {day}" in text


def test_a_percent_column_of_fractions_is_refused(tmp_path: Path) -> None:
    files = {"p.csv": "k,share [percent]\na,0.125\nb,0.5\n"}
    code, output, _ = build(tmp_path, "{{ table(data.p) }}", files)
    assert code == 1
    assert (
        "data/p.csv:2: column 'share': every percent is from 0 to 1 ('0.125' is read as" in output
    )


ROUNDING = [
    ("0.125 | percent", "0.125%"),  # a percent from 0 to 100: never cut to 0.1%
    ("(0.125 * 100) | percent", "12.5%"),
    ("12.5 | percent(0)", "13%"),  # half away from zero, as a reader rounds
    ("0.5 | number(0)", "1"),
    ("2.675 | number(2)", "2.68"),
]


@pytest.fixture(scope="module")
def rounding(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, list[str]]:
    """Every case of ROUNDING in one build, a sentence each."""
    bodies = [f"Shown: {{{{ {call} }}}}." for call, _ in ROUNDING]
    return build_cases(tmp_path_factory.mktemp("rounding"), bodies, {})


@pytest.mark.parametrize("case", range(len(ROUNDING)), ids=[call for call, _ in ROUNDING])
def test_percent_and_number_rounding(rounding: tuple[int, str, list[str]], case: int) -> None:
    code, output, texts = rounding
    assert code == 0, output
    assert f"Shown: {ROUNDING[case][1]}." in texts[case]


def test_a_stray_text_cell_in_a_workbook_number_column_is_located(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row in (["k", "n"], ["a", 1234.5], ["b", 3], ["c", "(12,5)"]):
        sheet.append(row)
    files = {"fmt.xlsx": saved(book, tmp_path)}
    code, output, _ = build(tmp_path / "p", "{{ table(data.fmt) }}", files)
    assert code == 1
    assert "data/fmt.xlsx:Main!B4: column 'n': '(12,5)' is not a number like the others" in output


def test_json_decimals_print_as_written(tmp_path: Path) -> None:
    files = {"s.json": '{"a": {"value": 1234.50, "label": "Spent"}}'}
    code, output, text = build(tmp_path, "Spent {{ data.s.a.value | number }}.", files)
    assert code == 0, output
    assert "Spent 1,234.50." in text


def test_a_breakdown_total_shows_its_cells_decimals(tmp_path: Path) -> None:
    files = {
        "s.yml": "thirds:\n  label: Thirds\n  base: 3000\n  categories:\n"
        "    a: {label: A, percent: 33.3}\n    b: {label: B, percent: 33.3}\n"
        "    c: {label: C, percent: 33.4}\n"
    }
    code, output, text = build(tmp_path, "{{ table(data.s.thirds) }}", files)
    assert code == 0, output
    assert "A 999 33.3%" in text
    assert "Total 3,000 100.0%" in text  # as many decimals as its cells, not "100%"


def test_general_cells_print_every_decimal_excel_shows(tmp_path: Path) -> None:
    """A cell left in Excel's General format shows the number as stored (up to ten digits):
    3.14159 is printed 3.14159, not the one decimal a computed value would get."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    sheet.append(["k", "v"])
    for key, value in (("pi", 3.14159), ("share", 0.12345), ("big", 1234.5678), ("whole", 2.0)):
        sheet.append([key, value])
    files = {"gen.xlsx": saved(book, tmp_path)}
    code, output, text = build(tmp_path / "p", "{{ table(data.gen) }}", files)
    assert code == 0, output
    for row in ("pi 3.14159", "share 0.12345", "big 1,234.5678", "whole 2"):
        assert row in text, text
