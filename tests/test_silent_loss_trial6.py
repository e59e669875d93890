"""Silent losses found by trial 6: figures written in E notation in a CSV, workbook cells the
author hid by number format or by a zero width or height, a raw HTML table's spans, MathML.
Every case is built through the CLI and read back from the PDF with pypdf: what a reader
sees is the value as written, or nothing the author hid (with a warning), or an error."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts, read_words
from reportbuilder.cli import main
from test_numbers_trust import build as build_numbers

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF


def build(root: Path, content: str, files: dict[str, str | bytes] | None = None) -> tuple[
    int, str, str
]:  # fmt: skip
    """Build a project of `content` and data `files`: (exit code, output, the PDF's text)."""
    return build_numbers(root, content, files or {})


def written(root: Path, content: str) -> None:
    """The project `build` builds (report.yml, content/01.md = `content`, data/), written
    only: for a test that changes it before running its own command."""
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text("title: Numbers\nlang: en\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(f"# Figures\n\n{content}\n", encoding="utf-8")


# --- CSV numbers in E notation (trial 6 #4) ------------------------------------------------


def test_csv_numbers_in_e_notation_print_their_written_value(tmp_path: Path) -> None:
    """`3.25e-2` printed 0.03 and `2.5e-4` 0.0003 while the total used the true value."""
    csv = "region,amount\nA,3.25e-2\nB,12.5e-1\nC,1.5E+3\nD,2.5e-4\n"
    content = "{{ table(data.sci, total=True) }}\n\nD is {{ data.sci.rows[3].amount | number }}."
    code, output, text = build(tmp_path, content, {"sci.csv": csv})
    assert code == 0, output
    assert "A 0.0325" in text
    assert "B 1.25" in text
    assert "C 1,500" in text
    assert "D 0.00025" in text
    assert "Total 1,501.28275" in text
    assert "D is 0.00025." in text


def test_a_declared_number_column_in_e_notation_keeps_its_decimals(tmp_path: Path) -> None:
    csv = "region,rate [number]\nA,1.0e-7\nB,0.5\n"
    code, output, text = build(tmp_path, "{{ table(data.r) }}", {"r.csv": csv})
    assert code == 0, output
    assert "A 0.00000010" in text
    assert "B 0.5" in text


# --- A raw HTML table's spans (trial 6 #2) ---------------------------------------------------

SPANNED = """<table>
<tr><th>Region</th><th colspan="2">2024</th></tr>
<tr><td rowspan="2">North</td><td>11</td><td>12</td></tr>
<tr><td>21</td><td>22</td></tr>
</table>"""


def test_a_raw_html_tables_spans_are_kept(tmp_path: Path) -> None:
    """colspan and rowspan were removed (a warning): `21` printed under "Region"."""
    code, output, _ = build(tmp_path, SPANNED)
    assert code == 0, output
    assert "removed" not in output
    _, words = read_words(next((tmp_path / "out").glob("*.pdf")))
    at = {w.text: w for w in words if w.text in {"Region", "2024", "North", "11", "12", "21", "22"}}
    # 21 sits under 11 (the rowspan keeps North's column), not under Region
    assert abs(at["21"].x0 - at["11"].x0) < 2 and at["21"].x0 > at["Region"].x1
    assert abs(at["22"].x0 - at["12"].x0) < 2
    # 2024 spans both year columns: it starts left of 12, over 11
    assert at["2024"].x0 < at["12"].x0


@pytest.mark.parametrize("span", ['colspan="0"', 'colspan="abc"', 'rowspan="5000"'])
def test_a_span_that_is_no_count_is_an_error_at_its_line(tmp_path: Path, span: str) -> None:
    table = f"<table>\n<tr><th>Region</th><th {span}>2024</th></tr>\n<tr><td>a</td></tr>\n</table>"
    code, output, _ = build(tmp_path, table)
    assert code == 1
    assert "content/01.md:4:" in output and "so the table's cells would move" in output


# --- What a workbook hides without the `hidden` flag (trial 6 #1) ---------------------------


def workbook(path: Path, rows: list[list[object]], formats: dict[str, str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row in rows:
        sheet.append(row)
    for cell, number_format in formats.items():
        sheet[cell].number_format = number_format
    book.save(path)


def test_values_a_number_format_hides_are_not_printed(tmp_path: Path) -> None:
    """`;;;` (Excel's "hide the value") and the empty zero section of `0;-0;;@` printed the
    values Excel shows as empty cells, with no word said."""
    rows = [["item", "secret", "count"], ["r1", 111, 0], ["r2", 222, 7]]
    formats = {"B2": ";;;", "B3": ";;;", "C2": "0;-0;;@", "C3": "0;-0;;@"}
    workbook(tmp_path / "data.xlsx", rows, formats)
    (tmp_path / "data").mkdir()
    (tmp_path / "data.xlsx").rename(tmp_path / "data" / "x.xlsx")
    code, output, text = build(tmp_path, "{{ table(data.x) }}")
    assert code == 0, output
    assert "111" not in text and "222" not in text and "secret" not in text
    assert "item count\nr1\nr2 7" in text  # the zero Excel shows as an empty cell
    assert "data/x.xlsx:Main!B: column hidden by the number format ';;;' left out" in output
    assert "data/x.xlsx:Main!C2: cell of column 'count' hidden by the number format" in output


def zero_sized(path: Path) -> None:
    """A sheet whose column C has width 0 and whose row 3 has height 0, written as Excel
    writes them (openpyxl leaves a zero size out, so the XML is set by hand)."""
    import zipfile

    rows = [["region", "people", "secret"], ["North", 120, "S1"], ["South", 80, "S2"]]
    workbook(path, [*rows, ["East", 5, "ok"]], {})
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = xml.replace(
        "<sheetData>", '<cols><col min="3" max="3" width="0" customWidth="1"/></cols><sheetData>'
    )
    xml = xml.replace('<row r="3">', '<row r="3" ht="0" customHeight="1">')
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)


def test_a_column_or_row_of_no_size_is_left_out_like_a_hidden_one(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    zero_sized(tmp_path / "data" / "s.xlsx")
    code, output, text = build(tmp_path, "{{ table(data.s) }}")
    assert code == 0, output
    assert "S1" not in text and "S2" not in text and "South" not in text
    assert "region people\nNorth 120\nEast 5" in text
    assert "data/s.xlsx:Main!3: hidden row left out" in output
    assert "data/s.xlsx:Main!C: hidden column left out" in output


# --- MathML and other raw HTML whose meaning was lost (trial 6 #7) ---------------------------

FORMULAS = """Energy <math><mi>x</mi><mo>=</mo><mn>42</mn></math> MATHB and \
<math><msup><mi>E</mi><mn>2</mn></msup><mo>=</mo><mfrac><mrow><mi>a</mi><mo>+</mo><mi>b</mi>\
</mrow><mn>2</mn></mfrac></math> END

<math display="block"><semantics><msub><mi>x</mi><mn>1</mn></msub>\
<annotation encoding="application/x-tex">x_1</annotation></semantics></math>
"""


def test_mathml_prints_its_formula(tmp_path: Path) -> None:
    """A formula was removed with its text while the warning said "its text is kept"."""
    code, output, text = build(tmp_path, FORMULAS)
    assert code == 0, output
    assert "Energy x = 42 MATHB and E2 = (a + b)/2 END" in text
    assert "\nx1\n" in text  # a display formula on its own line; its TeX copy left out
    assert "x_1" not in text
    assert "content/01.md:3: MathML formula printed as plain text: 'x = 42'" in output
    assert "its text is kept" not in output
    page = html_of(tmp_path)
    assert "<i>E</i><sup>2</sup> = (<i>a</i> + <i>b</i>)/2" in page  # a true superscript


def html_of(root: Path) -> str:
    """The project built as HTML (`--format html`): its page's source."""
    out = root / "html" / "r.html"
    result = CliRunner().invoke(main, ["build", str(root), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_raw_html_task_boxes_show_which_are_done(tmp_path: Path) -> None:
    """`<input type="checkbox" checked disabled>` and the unchecked one printed the same."""
    content = (
        '<ul><li><input type="checkbox" checked disabled> Done</li>\n'
        '<li><input disabled type="checkbox"> Open</li></ul>'
    )
    code, output, _ = build(tmp_path, content)
    assert code == 0, output
    assert "removed <input>" not in output
    page = html_of(tmp_path)
    assert '<span class="task-box done"></span> Done' in page
    assert '<span class="task-box"></span> Open' in page


def test_address_and_aside_stay_blocks_of_their_own(tmp_path: Path) -> None:
    content = "<address>Calle 1, Santiago</address>\n<aside>A side note.</aside>\n\nAfter."
    code, output, text = build(tmp_path, content)
    assert code == 0, output
    assert "Calle 1, Santiago\nA side note.\nAfter." in text


# --- A chapter listed twice (trial 6 #9) -------------------------------------------------------


def test_a_chapter_listed_twice_is_an_error_at_its_line(tmp_path: Path) -> None:
    """The chapter was printed twice (its table numbered 1 and 2), `check` said nothing."""
    written(tmp_path, "Once.")
    report = tmp_path / "report.yml"
    report.write_text(
        report.read_text(encoding="utf-8") + "chapters:\n  - 01.md\n  - ./01.md\n",
        encoding="utf-8",
    )
    for command in ("check", "build"):
        result = CliRunner().invoke(main, [command, str(tmp_path)], catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert "report.yml:5: chapters: ./01.md is listed twice (also entry 1)" in result.output


# --- Excel formats printed unlike Excel (trial 6 #3) ------------------------------------------


def test_minutes_and_seconds_and_a_plus_sign_as_excel_shows_them(tmp_path: Path) -> None:
    import datetime as dt

    (tmp_path / "data").mkdir()
    rows = [["item", "time", "change"], ["r1", dt.time(0, 5, 30), 5], ["r2", dt.time(0, 1, 2), -3]]
    formats = {"B2": "mm:ss", "B3": "mm:ss", "C2": "+0;-0;0", "C3": "+0;-0;0"}
    workbook(tmp_path / "data" / "x.xlsx", rows, formats)
    code, output, text = build(tmp_path, "{{ table(data.x) }}")
    assert code == 0, output
    assert "r1 05:30 +5\nr2 01:02 \u22123" in text  # was 00:05:30; the + printed (trial 8 #8)
    assert "the number format shows a + before positive numbers" not in output


def test_a_raw_html_heading_can_be_linked_to(tmp_path: Path) -> None:
    """`<h2>Raw h2 heading</h2>` had no id: `[link](#raw-h2-heading)` was refused."""
    content = "<h2>Raw h2 heading</h2>\n\nText [the link](#raw-h2-heading)."
    code, output, text = build(tmp_path, content)
    assert code == 0, output
    assert "no heading or element has this id" not in output
    assert "Raw h2 heading" in text and "Text the link." in text
    page = html_of(tmp_path)
    assert '<h2 id="' in page and "raw-h2-heading" in page


# --- A cross-tab below the first table (trial 6 #18) ------------------------------------------


def test_a_second_table_headed_by_years_is_refused(tmp_path: Path) -> None:
    """Its years printed as a data row (2,024 2,025) and were summed into the total."""
    rows: list[list[object]] = [
        ["region", "people", "cost"], ["North", 120, 5.5], ["South", 80, 3.25], [],
        [None, 2024, 2025], ["North", 5, 6], ["South", 7, 8],
    ]  # fmt: skip
    (tmp_path / "data").mkdir()
    workbook(tmp_path / "data" / "st.xlsx", rows, {})
    code, output, _ = build(tmp_path, "{{ table(data.st, total=True) }}")
    assert code == 1
    assert (
        "data/st.xlsx:Main!B5: row 5 looks like" in output and "a header ('2024', '2025')" in output
    )
    csv = "region,people,cost\nNorth,120,5.5\nSouth,80,3.25\n,,\n,2024,2025\nNorth,5,6\n"
    (tmp_path / "data" / "st.xlsx").unlink()
    (tmp_path / "data" / "st.csv").write_text(csv, encoding="utf-8")
    code, output, _ = build(tmp_path, "{{ table(data.st, total=True) }}")
    assert code == 1
    assert "data/st.csv:5: line 5 looks like the start of a second table" in output


def test_a_table_of_years_without_a_gap_is_one_table(tmp_path: Path) -> None:
    csv = "year,people\n2024,120\n2025,80\n"
    code, output, text = build(tmp_path, "{{ table(data.y, total=True) }}", {"y.csv": csv})
    assert code == 0, output
    assert "Total 200" in text


# --- A table's own total row where the report did not look for it (trial 6 #19) ---------------


@pytest.mark.parametrize(
    ("csv", "row"),
    [
        ("region,people\nNorth,120\nSouth,80\nEnsemble,200\n", "row 3 of t ('Ensemble')"),
        ("region,people\nTotal,200\nNorth,120\nSouth,80\n", "row 1 of t ('Total')"),
        ("region,people\nNorth,120\nSouth,80\nTotal,200\nSource: INE 2025,\n", "row 3 of t"),
        ("region,men,women\nA,10,5\nB,20,6\nC,30,11\n", "row 3 of t ('C')"),
    ],
)
def test_a_row_that_sums_the_others_is_not_summed_again(tmp_path: Path, csv: str, row: str) -> None:
    """`total=True` printed Total 400 under rows holding their own total of 200."""
    code, output, _ = build(tmp_path, "{{ table(data.t, total=True) }}", {"t.csv": csv})
    assert code == 1
    assert f"content/01.md:3: table(total=True): {row}" in output
    assert "is the sum of the other rows" in output


def test_one_figure_that_happens_to_be_the_sum_is_summed(tmp_path: Path) -> None:
    csv = "region,people\nNorth,10\nSouth,20\nEast,30\n"
    code, output, text = build(tmp_path, "{{ table(data.t, total=True) }}", {"t.csv": csv})
    assert code == 0, output
    assert "Total 60" in text


# --- A key figure larger than its own total (trial 6 #11) --------------------------------------


def test_a_key_figure_larger_than_its_total_is_an_error_at_its_line(tmp_path: Path) -> None:
    """`{value: 130, of: 120}` printed "130 / over (of 120)" and 108.3 %."""
    files = {
        "d.yml": "part: {value: 30, label: part, of: 120}\nover: {value: 130, label: x, of: 120}\n"
    }
    code, output, _ = build(tmp_path, "{{ keyfigure(data.d.part) }}", files)
    assert code == 1
    assert "data/d.yml:2: key figure 'over': 'value' 130 is more than its total 'of' 120" in output
    files = {"d.yml": "part: {value: 30, label: part, of: 120}\n"}
    code, output, text = build(tmp_path / "ok", "{{ keyfigure(data.d.part) }}", files)
    assert code == 0, output
    assert "30" in text and "120" in text


# --- Callouts written as Obsidian writes them (trial 6 #22) ------------------------------------


def test_an_alert_with_a_title_of_its_own_is_a_callout(tmp_path: Path) -> None:
    content = "> [!tip] Before you start\n> Body TIP11.\n\n> [!NOTE]\n> Plain NOTE12."
    code, output, text = build(tmp_path, content)
    assert code == 0, output
    assert "[!tip]" not in text
    assert "Before you start\nBody TIP11." in text
    assert "Note\nPlain NOTE12." in text


# --- Markdown in a raw table's cells (trial 6 #17) ---------------------------------------------

TWO_COLUMNS = """<table>
<tr>
<td>

**Cell markdown TD6**

- list in td TD7

</td>
<td>

Right TD8

</td>
</tr>
</table>

After."""


def test_markdown_in_a_raw_tables_cells_is_read(tmp_path: Path) -> None:
    """GitHub's two-column layout printed `**Cell markdown TD6** - list in td TD7` as prose."""
    code, output, text = build(tmp_path, TWO_COLUMNS)
    assert code == 0, output
    assert "**" not in text and "- list" not in text
    assert "Cell markdown TD6" in text and "list in td TD7" in text
    page = html_of(tmp_path)
    assert "<strong>Cell markdown TD6</strong>" in page
    assert "<li>list in td TD7</li>" in page


# --- A sheet whose table starts at B3 (trial 6 #23) -------------------------------------------


def test_a_table_with_an_empty_margin_is_read(tmp_path: Path) -> None:
    """Column A and rows 1–2 left empty: "Main!A3:C3: column 1 has no name in the header row"."""
    (tmp_path / "data").mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row, values in enumerate([["region", "people"], ["North", 120], ["South", 80]], start=3):
        for column, value in enumerate(values, start=2):
            sheet.cell(row, column, value)
    book.save(tmp_path / "data" / "off.xlsx")
    code, output, text = build(tmp_path, "{{ table(data.off, total=True) }}")
    assert code == 0, output
    assert "region people\nNorth 120\nSouth 80\nTotal 200" in text


# --- A fence as a list item's first line (trial 6 #8) -----------------------------------------


def test_a_fence_opening_a_list_item_is_closed_code(tmp_path: Path) -> None:
    """`- ```` … `  ```` was warned "never closed" (an error with --strict); its code is
    printed as typed, template braces too."""
    content = "- ```\n  ITEMFENCE4 {{ not_a_variable }}\n  ```\n- after\n"
    code, output, text = build(tmp_path, content)
    assert code == 0, output
    assert "never closed" not in output
    assert "ITEMFENCE4 {{ not_a_variable }}" in text
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--strict"])
    assert result.exit_code == 0, result.output


# --- report.yml slips said in the words of the file (trial 6 #9) ------------------------------


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("date: 2026", "report.yml:2: 'date': write the report's date as YYYY-MM-DD"),
        ("organisation: Acme", "organisation: {name: Acme}"),
    ],
)
def test_report_yml_slips_say_how_to_write_them(tmp_path: Path, setting: str, message: str) -> None:
    written(tmp_path, "Text.")
    (tmp_path / "report.yml").write_text(f"title: Trial six\n{setting}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert message in result.output
    assert "Datetimes" not in result.output and "instance of" not in result.output


# --- Translations no edition prints (trial 6 #15) ---------------------------------------------


def test_a_translation_no_edition_prints_is_warned(tmp_path: Path) -> None:
    """`01.en.md` in an `en` report and `01.fr-CA.md` with editions en and fr were ignored."""
    written(tmp_path, "Text.")
    (tmp_path / "report.yml").write_text(
        "title: Trial six\nlang: en\nlanguages:\n  fr: {title: Essai}\n", encoding="utf-8"
    )
    (tmp_path / "content" / "01.en.md").write_text("# Figures\n\nOwn language.\n", "utf-8")
    (tmp_path / "content" / "01.fr-CA.md").write_text("# Chiffres\n\nQuébec.\n", "utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)], catch_exceptions=False)
    assert "content/01.en.md: is in the report's own language (en), so it is never printed" in (
        result.output
    )
    assert "content/01.fr-CA.md: translates content/01.md into fr-ca, which is no edition" in (
        result.output
    )


def test_white_text_on_a_white_sheet_is_not_printed(tmp_path: Path) -> None:
    """Text in its background's colour is how some hide a value without the flag."""
    from openpyxl.styles import Font, PatternFill

    (tmp_path / "data").mkdir()
    rows = [["item", "secret", "count"], ["r1", 111, 5], ["r2", 222, 7], ["r3", 333, 9]]
    path = tmp_path / "data" / "w.xlsx"
    workbook(path, rows, {})
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for cell in ("B2", "B3", "B4"):
        sheet[cell].font = Font(color="FFFFFF")  # white on the sheet's white
    sheet["C3"].font = Font(color="FFCC00")
    sheet["C3"].fill = PatternFill("solid", fgColor="FFCC00")  # yellow on yellow
    sheet["A1"].font = Font(color="FFFFFF")
    sheet["A1"].fill = PatternFill("solid", fgColor="1F4E79")  # a styled header: shown
    book.save(path)
    code, output, text = build(tmp_path, "{{ table(data.w) }}")
    assert code == 0, output
    assert "111" not in text and "222" not in text and "333" not in text
    assert "item count\nr1 5\nr2\nr3 9" in text
    assert "Main!B: column hidden by its text in the colour of its background left out" in output
    assert "Main!C3: cell of column 'count' hidden by its text in the colour" in output


def test_callouts_of_other_tools_are_said_at_their_line(tmp_path: Path) -> None:
    """`??? note`, `:::note` and `> [!FOO]` printed their marks with no word."""
    content = (
        '??? note "Collapsible"\n    Hidden body.\n\n:::note Docusaurus\nBody.\n:::\n\n'
        "> [!FOO]\n> Unknown.\n\n```\n??? note in code\n```\n"
    )
    code, output, text = build(tmp_path, content)
    assert code == 0, output
    assert "content/01.md:3: '??? note' is a collapsible callout (MkDocs)" in output
    assert "content/01.md:6: ':::note' is a callout of Docusaurus" in output
    assert "content/01.md:10: '> [!FOO]' is an alert kind this builder does not know" in output
    assert output.count("collapsible callout") == 1  # not the one in code
    assert "??? note in code" in text


def test_embed_sources_refuses_a_workbook_with_values_hidden_by_format(tmp_path: Path) -> None:
    """`;;;` salaries went out in the attached copy of the workbook (--embed-sources)."""
    rows = [["region", "people", "salary"], ["North", 120, 55000], ["South", 80, 61000]]
    (tmp_path / "data").mkdir()
    workbook(tmp_path / "data" / "h.xlsx", rows, {"C2": ";;;", "C3": ";;;"})
    build(tmp_path, '{{ table(data.h, columns=["region", "people"]) }}')
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--embed-sources", "--force"])
    assert result.exit_code == 1
    assert "data/h.xlsx: has hidden sheets, rows or columns, which --embed-sources" in (
        result.output
    )


# --- Text hidden in raw HTML (trial 6 #34) -----------------------------------------------------

HIDDEN_HTML = """Price <span style="text-decoration: line-through">100</span> 80 STRIKE1.

Visible <span style="display:none">SECRETNOTE2</span> text.

<div hidden>HIDDENDIV3 internal remark</div>

<span aria-hidden="true">ARIA6</span> shown."""


def test_text_hidden_in_html_is_an_error_at_its_line(tmp_path: Path) -> None:
    """`hidden`, `display:none` were removed and their text printed; a struck price printed
    "Price 100 80"."""
    code, output, _ = build(tmp_path, HIDDEN_HTML)
    assert code == 1
    assert "content/01.md:3: <span style='text-decoration: line-through'>: the text" in output
    assert "content/01.md:5: <span style='display:none'>: text the author hid" in output
    assert "content/01.md:7: <div hidden>: text the author hid would be printed" in output
    assert ":9:" not in output  # aria-hidden hides nothing from the page


# --- Front matter below a blank line; a translation listed as a chapter (#37, #35) -------------


def test_front_matter_below_a_blank_line_is_an_error_at_its_line(tmp_path: Path) -> None:
    """It printed as "title: Résumé FMT1 toc: false" and its settings were ignored."""
    written(tmp_path, "Text.")
    chapter = tmp_path / "content" / "02-a.md"
    chapter.write_text("\n---\ntitle: Résumé FMT1\ntoc: false\n---\n# Summary\n\nS.\n", "utf-8")
    code, output, _ = built_text_of(tmp_path)
    assert code == 1
    assert "content/02-a.md:2: front matter must begin on the file's first line" in output
    chapter.write_text("\n---\n\n# Summary\n\nA rule above.\n\n---\n\nEnd.\n", "utf-8")
    code, output, text = built_text_of(tmp_path)
    assert code == 0, output  # a thematic break is no front matter
    assert "A rule above." in text


def built_text_of(root: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["build", str(root), "--force"], catch_exceptions=False)
    if result.exit_code != 0:
        return result.exit_code, result.output, ""
    pdf = next((root / "out").glob("*.pdf"))
    return 0, result.output, "\n".join(page_texts(pypdf.PdfReader(pdf)))


def test_a_translation_listed_as_a_chapter_is_an_error(tmp_path: Path) -> None:
    """The English edition printed the French text as a chapter of its own."""
    written(tmp_path, "Text.")
    (tmp_path / "content" / "01.fr.md").write_text("# Chiffres\n\nFRTEXT.\n", "utf-8")
    (tmp_path / "report.yml").write_text(
        "title: Trial six\nlang: en\nlanguages:\n  fr: {title: Essai}\n"
        "chapters:\n  - 01.md\n  - 01.fr.md\n",
        encoding="utf-8",
    )
    code, output, _ = built_text_of(tmp_path)
    assert code == 1
    assert "report.yml:7: chapters: 01.fr.md is the fr translation of 01.md" in output


def test_an_html_comment_never_closed_is_said(tmp_path: Path) -> None:
    """`<!-- TODO check the figures` with no `-->` printed the note, with no word (#28)."""
    content = "Before.\n\n<!-- TODO check the figures\n\nAfter.\n\n`<!--` in code.\n"
    code, output, text = build(tmp_path, content)
    assert code == 0, output
    assert "content/01.md:5: this HTML comment is never closed (no -->), so it is printed" in (
        output
    )
    assert output.count("never closed") == 1  # not the one in code
    assert "TODO check the figures" in text  # printed, as said


# --- A table with nothing to print or add up (trial 6 #36) --------------------------------------


def test_a_table_without_rows_or_numbers_to_add_is_an_error(tmp_path: Path) -> None:
    """A header-only CSV printed an empty table; total=True on text printed no total row."""
    files = {"h.csv": "region,people\n", "t.csv": "region,note\nNorth,ok\nSouth,late\n"}
    code, output, _ = build(tmp_path, "{{ table(data.h, total=True) }}", files)
    assert code == 1
    assert "content/01.md:3: table(): h has no rows, only its header row" in output
    code, output, _ = build(tmp_path, "{{ table(data.t, total=True) }}", files)
    assert code == 1
    assert "table(total=True): t has no column of numbers to add up" in output


# --- Numbers stored as text in a workbook (trial 6 #32) -----------------------------------------


def test_numbers_stored_as_text_are_read_or_refused_at_their_cell(tmp_path: Path) -> None:
    """'300 among numbers turned the column to text: no Total row, 1.234 passed."""
    (tmp_path / "data").mkdir()
    rows = [["region", "people"], ["A", 100], ["B", 200], ["C", "300"], ["D", "1,234"]]
    workbook(tmp_path / "data" / "t.xlsx", rows, {})
    code, output, _ = build(tmp_path, "{{ table(data.t, total=True) }}")
    assert code == 1
    assert "data/t.xlsx:Main!B5: column 'people': '1,234', a number stored as text" in output
    rows[-1] = ["D", "40"]
    workbook(tmp_path / "data" / "t.xlsx", rows, {})
    code, output, text = build(tmp_path, "{{ table(data.t, total=True) }}")
    assert code == 0, output
    assert "Main!B4: column 'people': '300' is a number stored as text" in output
    assert "C 300\nD 40\nTotal 640" in text


# --- A declared decimal mark a column contradicts (trial 6 #40) --------------------------------


def test_a_column_against_the_declared_decimal_mark_is_an_error(tmp_path: Path) -> None:
    """`12.5` under `decimal: ','` became a text column, out of any total, with no word."""
    csv = "region,rate,people\nA,12.5,1.234\nB,7.25,2.500\n"
    build(tmp_path, "{{ table(data.t) }}", {"t.csv": csv})
    (tmp_path / "report.yml").write_text(
        'title: Trial six\nlang: en\ndata:\n  t.csv: {decimal: ","}\n', encoding="utf-8"
    )
    code, output, _ = built_text_of(tmp_path)
    assert code == 1
    assert "data/t.csv:2: column 'rate': '12.5' is not a number with a decimal comma" in output
    assert "'people'" not in output  # 1.234 is 1234 under a decimal comma: as declared
