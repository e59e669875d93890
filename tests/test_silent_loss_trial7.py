"""Trial 6's leftovers (fixes6): what a workbook's far corner costs (#50), values in a
chapter's raw HTML (#33's other half), CSV cells a spreadsheet writes (#54, #62, #63) and the
digits of a computed value (#60, #6).

Every case is built through the CLI and read back from the PDF (pypdf), or checked through
the CLI for its one located problem.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from test_numbers_trust import build as build_numbers

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF


def build(root: Path, content: str, files: dict[str, str | bytes] | None = None) -> tuple[
    int, str, str
]:  # fmt: skip
    """Build a project of `content` and data `files`: (exit code, output, the PDF's text)."""
    return build_numbers(root, content, files or {})


def check(root: Path, content: str, files: dict[str, str | bytes]) -> tuple[int, str]:
    """`check` a project of `content` and data `files`: (exit code, output)."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    (root / "report.yml").write_text("title: Numbers\nlang: en\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(f"# Figures\n\n{content}\n", encoding="utf-8")
    for name, body in files.items():
        path = root / "data" / name
        path.write_bytes(body) if isinstance(body, bytes) else path.write_text(body, "utf-8")
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    return result.exit_code, result.output


# --- A workbook whose used range reaches the sheet's last row (trial 6 #50) -------------------


def far_corner_book(path: Path, merge: str | None = None) -> bytes:
    """A three-row table, and one formatted empty cell at B1048576 and Z1048576 (the sheet's
    "used range" then reaches its last row and column Z); with `merge`, that range of cells
    merged, written into the sheet's XML (openpyxl would make each cell to write it)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["region", "people"], ["North", 120], ["South", 80]):
        sheet.append(row)
    sheet.cell(row=1_048_576, column=2).number_format = "0%"
    sheet.cell(row=1_048_576, column=26).number_format = "0%"
    book.save(path)
    if merge is None:
        return path.read_bytes()
    merged = path.with_suffix(".merged.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(merged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cells = f'<mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells>'
                data = data.replace(b"</sheetData>", b"</sheetData>" + cells.encode())
            target.writestr(item, data)
    return merged.read_bytes()


def test_a_workbook_used_to_its_last_row_costs_only_its_filled_cells(tmp_path: Path) -> None:
    """`check` walked the 27 million empty cells of the used range: 262 s and 3.1 GB."""
    book = far_corner_book(tmp_path / "d.xlsx")
    started = time.monotonic()
    code, output, text = build(tmp_path / "p", "{{ table(data.d, total=True) }}", {"d.xlsx": book})
    seconds = time.monotonic() - started
    assert code == 0, output
    assert "North 120" in text
    assert "South 80" in text
    assert "Total 200" in text
    assert seconds < 90  # the old walk took minutes even on an idle machine


def test_a_merge_to_the_last_row_is_refused_naming_the_file(tmp_path: Path) -> None:
    """openpyxl makes an object for each cell a merge covers: 24 million for D5:Z1048576."""
    book = far_corner_book(tmp_path / "d.xlsx", merge="D5:Z1048576")
    started = time.monotonic()
    code, output = check(tmp_path / "p", "{{ table(data.d) }}", {"d.xlsx": book})
    assert code == 1
    assert "data/d.xlsx: has 24,117,163 cells in its sheets, more than 1,000,000" in output
    assert "each cell of a merge counts" in output
    assert time.monotonic() - started < 60


def test_a_stray_value_far_from_the_table_is_refused_at_its_range(tmp_path: Path) -> None:
    """Filled rows × columns to the farthest value: over the cap, one located problem."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["n", "label"])
    for number in range(2, 40_002):
        sheet.cell(row=number, column=1, value=number)
    sheet.cell(row=7, column=60, value="stray")
    book.save(tmp_path / "d.xlsx")
    code, output = check(
        tmp_path / "p", "{{ table(data.d) }}", {"d.xlsx": (tmp_path / "d.xlsx").read_bytes()}
    )
    assert code == 1
    assert (
        "data/d.xlsx:Sheet!A1:BH40001: the table would span 40,001 rows by 60 columns, more "
        "than 2,000,000 cells" in output
    )


def test_a_requester_workbook_used_to_its_last_row_is_read_at_once(tmp_path: Path) -> None:
    from reportbuilder.merge.requesters import read_requesters

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "email"])
    sheet.append(["Ana", "ana@example.org"])
    sheet.append(["Ben", "ben@example.org"])
    sheet.cell(row=1_048_576, column=26).number_format = "0%"
    book.save(tmp_path / "req.xlsx")
    started = time.monotonic()
    read = read_requesters(tmp_path / "req.xlsx", "req.xlsx")
    assert [row.name for row in read.rows] == ["Ana", "Ben"]
    assert read.problems == ()
    assert time.monotonic() - started < 30  # a million padded rows took minutes


# --- Values inside a chapter's raw HTML keep no Markdown escapes (trial 6 #33) -----------------

VALUES = """\
x:
  value: 1234.5
  label: "Self-employed (part-time) #1 *not bold* <b>typed</b> [a](b) a|b"
"""


def test_values_in_raw_html_print_without_backslashes(tmp_path: Path) -> None:
    """Markdown does not read inside raw HTML, so its backslash escapes were printed:
    "1,234\\.5", "Self\\-employed" in a `<td>`, a `<summary>`, an attribute."""
    content = (
        "<table><tr><th>n</th><th>who</th></tr><tr><td>CELL {{ data.v.x.value | number }}</td>"
        '<td title="{{ data.v.x.label }}">TD {{ data.v.x.label }}</td></tr></table>\n\n'
        "<details><summary>SUM {{ data.v.x.value | number }}</summary>\n"
        "IN {{ data.v.x.label }}\n</details>\n\n"
        "Inline <span>SPAN {{ data.v.x.label }}</span>.\n\n"
        "TEXT {{ data.v.x.label }} and {{ data.v.x.value | number }}.\n\n"
        "1. ITEM {{ data.v.x.label }}\n"
    )
    code, output, text = build(tmp_path, content, {"v.yml": VALUES})
    assert code == 0, output
    label = "Self-employed (part-time) #1 *not bold* <b>typed</b> [a](b) a|b"
    flat = " ".join(text.split())
    assert "\\" not in text
    assert "CELL 1,234.5" in flat
    assert "SUM 1,234.5" in flat
    for mark in ("TD", "IN", "SPAN", "TEXT", "ITEM"):
        assert f"{mark} {label}" in flat, mark
    html_out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["build", str(tmp_path), "-o", str(html_out)])
    assert result.exit_code == 0, result.output
    html = html_out.read_text("utf-8")
    assert (
        'title="Self-employed (part-time) #1 *not bold* &lt;b&gt;typed&lt;/b&gt; [a](b) a|b"'
        in html
    )


# --- CSV cells a spreadsheet or a program writes (trial 6 #54, #62, #63) ----------------------


def test_inf_and_nan_in_a_number_column_are_errors_at_their_lines(tmp_path: Path) -> None:
    """The column became text: printed "inf", "nan", and no Total row, exit 0."""
    files = {"c.csv": "region,people\nA,inf\nB,NaN\nC,1\n"}
    code, output = check(tmp_path, "{{ table(data.c, total=True) }}", files)
    assert code == 1
    assert "data/c.csv:2: column 'people': 'inf' is not a finite number" in output
    assert "data/c.csv:3: column 'people': 'NaN' is not a finite number" in output


def test_a_source_line_under_a_csv_table_is_not_a_row(tmp_path: Path) -> None:
    """`Source: INE` after an empty line printed as a region with no count, above the Total."""
    files = {"s.csv": "region,people\nNorth,120\nSouth,80\n,\nSource: INE,\n"}
    code, output = check(tmp_path, "{{ table(data.s, total=True) }}", files)
    assert code == 1
    assert (
        "data/s.csv:5: 'Source: INE', below the table after an empty line, would print as a "
        "row of it" in output
    )


def test_excels_text_formula_in_a_csv_prints_the_text(tmp_path: Path) -> None:
    """`="00123"` (Excel's way to keep leading zeros) printed as typed, quotes and all."""
    files = {"t.csv": 'code,year,people\n="00123",="2024",120\n="00456",="2025",80\n'}
    code, output, text = build(tmp_path, "{{ table(data.t, total=True) }}", files)
    assert code == 0, output
    assert "00123 2024 120" in text
    assert "00456 2025 80" in text
    assert "Total 200" in text
    assert '="' not in text


# --- A computed value below 1 keeps three significant digits (trial 6 #60) -------------------


def test_a_small_computed_value_is_not_rounded_to_one_digit(tmp_path: Path) -> None:
    """`(1200 / 70000) | number` printed 0.02 (for 0.01714…), `(1/300) | number` 0.003."""
    content = (
        "RATE {{ (data.k.n.value / 70000) | number }} THIRD {{ (1 / 300) | number }} "
        "NOISE {{ (0.1 + 0.2) | number }} ZERO {{ (0.1 + 0.2 - 0.3) | number }} END"
    )
    files = {"k.yml": "n:\n  value: 1200\n  label: households\n"}
    code, output, text = build(tmp_path, content, files)
    assert code == 0, output
    assert "RATE 0.0171 THIRD 0.00333 NOISE 0.3 ZERO 0 END" in " ".join(text.split())


# --- A data row that happens to equal the others' sum (fixes5's own-total rule) ----------------


def test_a_row_equal_to_the_others_sum_has_a_way_out_that_works(tmp_path: Path) -> None:
    """`C,30,11` under `A,10,5` and `B,20,6` was refused with advice that lost the total."""
    files = {"t.csv": "region,men,women\nA,10,5\nB,20,6\nC,30,11\n"}
    code, output, _ = build(tmp_path / "a", "{{ table(data.t, total=True) }}", files)
    assert code == 1
    assert "name the columns to add up: total=['men', 'women']" in output
    code, output, text = build(tmp_path / "b", "{{ table(data.t, total=['men', 'women']) }}", files)
    assert code == 0, output
    assert "C 30 11" in text
    assert "Total 60 22" in text


def test_a_row_named_like_a_total_is_refused_even_with_columns_named(tmp_path: Path) -> None:
    files = {"t.csv": "region,men,women\nA,10,5\nB,20,6\nEnsemble,30,11\n"}
    code, output, _ = build(tmp_path, "{{ table(data.t, total=['men', 'women']) }}", files)
    assert code == 1
    assert "row 3 of t ('Ensemble') is the sum of the other rows" in output


# --- Jinja's round and a filter before an operator (trial 6 #6) -------------------------------


def test_round_is_half_away_from_zero_like_every_printed_figure(tmp_path: Path) -> None:
    """Jinja's `round` is half to even: `2.5 | round` printed 2 beside `2.5 | number(0)`'s 3."""
    content = (
        "R {{ 2.5 | round | number }} {{ 3.5 | round | number }} {{ 2.675 | round(2) }} "
        "{{ 1.21 | round(1, 'ceil') }} N {{ 2.5 | number(0) }} END"
    )
    code, output, text = build(tmp_path, content)
    assert code == 0, output
    assert "R 3 4 2.68 1.3 N 3 END" in " ".join(text.split())


def test_a_filter_before_a_division_says_to_use_brackets(tmp_path: Path) -> None:
    code, output, _ = build(tmp_path, "{{ 1/3 | percent }}")
    assert code == 1
    assert "content/01.md:3: a filter applies before '/'" in output
    assert "(1 / 3) | percent" in output
    assert "unsupported operand" not in output


# --- Percents computed from counts that do not add up once rounded (trial 6 #29) ---------------


def test_computed_percents_that_do_not_add_up_get_the_rounding_note(tmp_path: Path) -> None:
    """Counts 1/1/1 printed 33.3% three times under "Total 100.0%" with no word."""
    thirds = (
        "t:\n  label: Thirds\n  categories:\n    a: {label: A, count: 1}\n"
        "    b: {label: B, count: 1}\n    c: {label: C, count: 1}\n"
    )
    sevenths = (
        "s:\n  label: Sevenths\n  categories:\n    a: {label: A, count: 1}\n"
        "    b: {label: B, count: 6}\n"
    )
    content = "{{ table(data.b.t) }}\n\nMIDDLE\n\n{{ table(data.b.s) }}\n\nEND"
    code, output, text = build(tmp_path, content, {"b.yml": thirds + sevenths})
    assert code == 0, output
    flat = " ".join(text.split())
    first, second = flat.split("MIDDLE")
    assert "33.3%" in first
    assert "may not add up to 100" in first
    assert "14.3%" in second and "85.7%" in second
    assert "may not add up" not in second


# --- Costly input refused before the layout (trial 6's closing note) --------------------------


def test_a_table_cell_of_bold_pieces_without_space_is_refused_at_its_line(tmp_path: Path) -> None:
    """`**a` × 2 000 in one cell: a layout of minutes (its time grows with the square of the
    pieces), refused before it starts."""
    content = "Some text.\n\n| a | b |\n|---|---|\n| " + "**a" * 2000 + " | x |\n\nEND"
    started = time.monotonic()
    code, output, _ = build(tmp_path, content)
    assert code == 1
    assert (
        "content/01.md:7: a table cell holds 1000 bold, italic or other inline pieces with no "
        "space between them" in output
    )
    assert time.monotonic() - started < 60


def test_a_cell_of_many_pieces_between_spaces_is_laid_out(tmp_path: Path) -> None:
    content = "| a | b |\n|---|---|\n| " + "**b** " * 200 + "| x |\n\nEND"
    code, output, text = build(tmp_path, content)
    assert code == 0, output
    assert text.count("b") >= 200


def test_a_message_quotes_a_french_figure_as_printed(tmp_path: Path) -> None:
    """`percent` of an already printed French percent quoted Python's '12,5\\xa0%'."""
    code, output, _ = build_numbers(tmp_path, "{{ 12.5 | percent | percent }}", {}, lang="fr")
    assert code == 1
    assert "percent: expected a number, got the text '12,5 %'" in output
    assert "\\xa0" not in output


def test_a_source_line_under_a_sheets_table_is_not_a_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["region", "people"], ["North", 120], ["South", 80], [], ["Source: INE"]):
        sheet.append(row)
    book.save(tmp_path / "d.xlsx")
    files: dict[str, str | bytes] = {"d.xlsx": (tmp_path / "d.xlsx").read_bytes()}
    code, output = check(tmp_path / "p", "{{ table(data.d, total=True) }}", files)
    assert code == 1
    assert (
        "data/d.xlsx:Sheet!A5: 'Source: INE', below the table after an empty row, would print "
        "as a row of it" in output
    )


def test_a_one_column_table_with_a_gap_keeps_its_rows(tmp_path: Path) -> None:
    files = {"n.csv": "name\nAna\nBen\n\nCarla\n"}
    code, output, text = build(tmp_path, "{{ table(data.n) }}\n\nEND", files)
    assert code == 0, output
    assert "Carla" in text


# --- A bidi override made by a `{{ }}` (trial 7 #5) -------------------------------------------


def test_a_bidi_override_made_by_a_template_value_is_an_error_at_its_line(tmp_path: Path) -> None:
    """`{{ "Total \\u202e5202\\u202c" }}` printed "2025" where the source reads "5202"."""
    content = (
        'A {{ "Total \\u202e5202\\u202c households" }} end.\n\n'
        'B {{ "x\\u200by" }} and {{ "%c" | format(8238) }}5202\n'
    )
    code, output = check(tmp_path, content, {})
    assert code == 1
    assert (
        "content/01.md:3: the value printed here contains a bidirectional control (U+202E)"
        in output
    )
    assert (
        "content/01.md:5: the value printed here contains an invisible character (U+200B)" in output
    )


# --- Subtotal rows and total=True (trial 7 #2) -----------------------------------------------


def test_subtotal_rows_with_total_are_an_error(tmp_path: Path) -> None:
    """The last subtotal ('Subtotal South 10') was printed in bold as the table's Total (40)."""
    csv = (
        "region,people\nNorth A,10\nNorth B,20\nSubtotal North,30\nSouth A,5\nSouth B,5\n"
        "Subtotal South,10\n"
    )
    code, output, _ = build(tmp_path, "{{ table(data.t, total=True) }}", {"t.csv": csv})
    assert code == 1
    assert (
        "content/01.md:3: table(total=True): t holds subtotal rows (row 3 ('Subtotal North')) "
        "above its last row ('Subtotal South')" in output
    )


def test_a_struck_through_cell_is_an_error_at_its_cell(tmp_path: Path) -> None:
    """`East 999` struck through in the workbook (a deleted figure) was printed as any other."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["region", "people"], ["North", 120], ["East", 999]):
        sheet.append(row)
    sheet["B3"].font = openpyxl.styles.Font(strike=True)
    book.save(tmp_path / "d.xlsx")
    files: dict[str, str | bytes] = {"d.xlsx": (tmp_path / "d.xlsx").read_bytes()}
    code, output = check(tmp_path / "p", "{{ table(data.d) }}", files)
    assert code == 1
    assert "data/d.xlsx:Sheet!B3: the cell is struck through" in output


@pytest.mark.pdf
def test_an_own_total_labelled_in_the_second_column_is_not_summed_again(tmp_path: Path) -> None:
    """Trial 7 #25: `code,region,people` ending `,Total,200` (a code first, empty on the total
    line: official exports) printed "Total 200" as a row and a Total of 400."""
    csv = "code,region,people\nA1,North,120\nA2,South,80\n,Total,200\n"
    code, output, text = build_numbers(tmp_path, "{{ table(data.t, total=True) }}", {"t.csv": csv})
    assert code == 0, output
    assert "400" not in text
    assert "A1 North 120\nA2 South 80\nTotal 200" in text


@pytest.mark.pdf
def test_total_true_refuses_to_sum_codes_and_averages(tmp_path: Path) -> None:
    """Trial 7 #13: `total=True` summed id, postcode and "since" columns ("id 20,469", "zip
    88,012") and mean ages ("75.7"). Named like codes, averages or moments, a column of
    numbers is refused with the columns that do add up."""
    csv = "id,zip,region,people,since\n10234,75011,North,120,2019\n10235,13001,South,80,2021\n"
    code, output, _ = build_numbers(
        tmp_path / "a", "{{ table(data.t, total=True) }}", {"t.csv": csv}
    )
    assert code == 1
    assert "the column 'id' of t holds codes or identifiers, whose sum means nothing" in output
    assert "total=['people']" in output
    ages = "region,people,mean age\nNorth,120,34.5\nSouth,80,41.2\n"
    code, output, _ = build_numbers(
        tmp_path / "b", "{{ table(data.t, total=True) }}", {"t.csv": ages}
    )
    assert code == 1 and "'mean age' of t holds averages, rates or ages" in output
    code, output, text = build_numbers(
        tmp_path / "c", '{{ table(data.t, total=["people"]) }}', {"t.csv": ages}
    )
    assert code == 0, output
    assert "Total 200" in text
