"""Reading Excel workbooks (`data/*.xlsx`) into tables, with openpyxl.

openpyxl keeps each cell's number format, so a cell shown as a percent (`12.5 %`, stored as
0.125) is read as the percent 12.5 and its column typed `percent`, and a number shown with two
decimals keeps them (`388.10`). Formulas give the value Excel saved with the file. A workbook
with one sheet is one table, named by the file's stem like a CSV (`data.budget`); with several,
each sheet is a table under it (`data.budget.Income`). The first non-empty row names the
columns (with `[type]` declarations as in a CSV). Problems are located by sheet and cell:
`data/budget.xlsx:Sheet1!C7: the cell shows the error #DIV/0!`.

What the author hid is never printed: hidden rows (an autofilter's and an outline's too),
hidden columns and hidden sheets are left out with a warning at each, and only visible sheets
count. A number is shown as its format shows it (see `xlsx_formats`). A cell merged down one
column repeats its value in each row (warned); merged across columns in a data row, an error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from reportbuilder.errors import Problem, Severity, Stage
from reportbuilder.project.data._problem import problem
from reportbuilder.project.data.model import (
    NUMERIC_TYPES,
    DashZero,
    PartialDate,
    PlusInt,
    PlusNumber,
    ShownPercent,
    Table,
    WrittenNumber,
)
from reportbuilder.project.data.stacked_tables import message as stacked_message
from reportbuilder.project.data.stacked_tables import second_table
from reportbuilder.project.data.total_rows import Mismatch, own_total, total_mismatches
from reportbuilder.project.data.xlsx_formats import Shown, Unsupported, hides, shown
from reportbuilder.project.data.zipcheck import archive_problem
from reportbuilder.project.dates import (
    a_column_of_dates,
    column_problem,
    odd_date_message,
    read_date,
)
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.printable import unprintable_message

XLSX_MAX_BYTES = 20_000_000
ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!")


@dataclass(frozen=True)
class Layout:
    """Where a workbook's table is (`data/NAME.xlsx.yml`): from `header_row` on, or in the
    `range` of cells (`A3:C9`, or `Main!A3:C9` for one sheet); the whole sheet by default.
    `sheets`: a sheet's own settings (`Datos: {header_row: 3}`), over the others; `line`:
    where a sheet's settings are written."""

    header_row: int | None = None
    range: str | None = None
    sheets: Mapping[str, Layout] = field(default_factory=dict)
    line: int | None = None


def read_xlsx(
    files: FilePolicy, rel: str, name: str, layout: Layout | None = None
) -> tuple[Any, list[Problem]]:
    """The workbook `rel`: a `Table` (one sheet) or a dict of them by sheet name, or None;
    and every problem, each at its sheet and cell. `layout` says where the table is."""
    import openpyxl  # only projects with workbooks pay for the import
    from openpyxl.utils.exceptions import InvalidFileException

    path = files.root / rel
    if not files.in_project(path):
        return None, [problem(rel, None, "is a link to a file outside the project; refused")]
    if path.stat().st_size > XLSX_MAX_BYTES:
        return None, [problem(rel, None, f"is larger than {XLSX_MAX_BYTES // 1_000_000} MB")]
    bomb = archive_problem(path)
    if bomb:
        return None, [problem(rel, None, bomb)]
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        message = "cannot be read as an Excel workbook; save it again as .xlsx, or as .csv"
        return None, [problem(rel, None, message)]
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    uncalculated = _calculated_on_open(path)
    sums: dict[str, dict[str, str]] = {}
    formulas = _unsaved_formulas(path, book, uncalculated, sums)
    # A hidden sheet is left out like a hidden row: the author hid it from readers.
    shown = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible" and sheet.max_row and any(sheet.iter_rows()):
            problems.append(warning(f"{rel}:{sheet.title}", "hidden sheet left out"))
    bounds, wrong = _bounds(layout, rel, [sheet.title for sheet in shown])
    if wrong:
        return None, [*problems, wrong]
    for sheet in shown:
        single = sheet is shown[0] and len(shown) == 1
        if sheet.title not in bounds:
            continue  # the range names another sheet
        table = _sheet_table(
            sheet, rel, name if single else sheet.title, problems, formulas.get(sheet.title, {}),
            bounds[sheet.title], uncalculated, sums.get(sheet.title, {}),
        )  # fmt: skip
        if table is not None:
            tables[sheet.title] = table
    if not tables:
        if not any(p.severity is Severity.ERROR for p in problems):  # else they say why
            problems.append(problem(rel, None, "has no visible sheet with a header row and data"))
        return None, problems
    if len(shown) == 1:
        only = next(iter(tables.values()))
        only.source, only.sheet = rel, shown[0].title
        return only, problems
    return tables, problems


Bounds = tuple[int, int, int, int]  # first row, last row, first column, last column (1-based)
EVERYWHERE: Bounds = (1, 1_048_576, 1, 16_384)


def _bounds(
    layout: Layout | None, rel: str, sheets: list[str]
) -> tuple[dict[str, Bounds], Problem | None]:
    """The cells each sheet's table is read from, by sheet name: a sheet's own settings,
    else the workbook's (a `range` naming one sheet is that sheet's: the others are read
    whole, where they were left out without a word, trial 8 #3); or the problem with a sheet
    named that the workbook does not show."""
    from openpyxl.utils.cell import range_boundaries

    sidecar = f"{rel}.yml"
    if layout is None:
        return dict.fromkeys(sheets, EVERYWHERE), None
    for name, own in layout.sheets.items():
        if name not in sheets:
            return {}, problem(sidecar, own.line, f"'{name}:' names a sheet {rel} does not "
                               f"show (its sheets: {', '.join(sheets)})")  # fmt: skip
    named = str(layout.range or "").rpartition("!")[0]
    if named and named not in sheets:
        return {}, problem(sidecar, None, f"range: names the sheet '{named}', which {rel} does "
                           f"not show (its sheets: {', '.join(sheets)})")  # fmt: skip
    found: dict[str, Bounds] = {}
    for sheet in sheets:
        chosen = layout.sheets.get(sheet, layout)
        if chosen is layout and named and sheet != named:
            chosen = Layout()
        if chosen.header_row is not None:
            found[sheet] = (chosen.header_row, *EVERYWHERE[1:])
        elif chosen.range is not None:
            first_column, first_row, last_column, last_row = range_boundaries(
                chosen.range.rpartition("!")[2].upper()
            )
            found[sheet] = (first_row or 1, last_row or EVERYWHERE[1], first_column or 1,
                            last_column or EVERYWHERE[3])  # fmt: skip
        else:
            found[sheet] = EVERYWHERE
    return found, None


def warning(where: str, message: str) -> Problem:
    """A warning at a sheet, cell or range: content left out on purpose, said aloud."""
    return Problem(where, None, message, stage=Stage.PROJECT, severity=Severity.WARNING)


def hidden_parts(sheet: Any) -> tuple[set[int], set[int]]:
    """The hidden rows and columns (1-based numbers) of `sheet`: hidden by hand, folded in an
    outline, or filtered out by an autofilter (Excel saves those as hidden rows too)."""
    rows = {
        number
        for number, dim in sheet.row_dimensions.items()
        if dim.hidden or _tiny(dim.height, MIN_ROW_HEIGHT)
    }
    columns: set[int] = set()
    for dim in sheet.column_dimensions.values():
        if (dim.hidden or _tiny(dim.width, MIN_COLUMN_WIDTH)) and dim.min is not None:
            columns.update(range(dim.min, (dim.max or dim.min) + 1))
    return rows, columns


# A row or column too narrow to show a character is hidden too: how some people and tools
# hide without the `hidden` flag (Excel shows nothing there; trial 6 #1).
MIN_ROW_HEIGHT = 1.0  # points
MIN_COLUMN_WIDTH = 0.5  # characters


def _tiny(size: float | None, least: float) -> bool:
    return size is not None and size < least


def _hidden_by_format(cell: Any) -> bool:
    """Whether the cell's value is not shown: its number format shows nothing for it
    (`;;;`), or its text has the colour of its background (white on white)."""
    return cell.value is not None and (
        hides(str(cell.number_format or ""), cell.value) or _invisible(cell)
    )


def _how_hidden(cell: Any) -> str:
    """What hides the cell, in a warning's words."""
    if hides(str(cell.number_format or ""), cell.value):
        return f"the number format '{cell.number_format}'"
    return "its text in the colour of its background"


_WHITE = "FFFFFF"


def _colour(color: Any) -> str | None:
    """A font's or fill's colour as RRGGBB, where it can be told without the workbook's
    theme: an RGB colour, the palette's white (indexed 1 or 9), or the theme's first colour
    untinted ("White, Background 1")."""
    if color is None:
        return None
    kind = getattr(color, "type", None)
    if kind == "rgb" and isinstance(color.rgb, str) and len(color.rgb) >= 6:
        return color.rgb[-6:].upper()
    if kind == "indexed" and color.indexed in (1, 9):
        return _WHITE
    if kind == "theme" and color.theme == 0 and not color.tint:
        return _WHITE
    return None


def _invisible(cell: Any) -> bool:
    """White text on a white sheet, or text in its fill's colour: how some hide a value
    without the `hidden` flag (Excel shows an empty cell)."""
    font = getattr(cell, "font", None)
    text = _colour(font.color) if font is not None else None
    if text is None:
        return False
    fill = cell.fill
    if fill is None or fill.fill_type is None:
        ground: str | None = _WHITE
    elif fill.fill_type == "solid":
        ground = _colour(fill.fgColor)
    else:
        return False  # a pattern shows the text between its dots
    return ground == text


def _columns_hidden_by_format(rows: list[Any], hidden_rows: set[int]) -> dict[int, str]:
    """Columns whose every filled cell below the first row shown is hidden by its number
    format or its colours, with what hides it: the author hid the column, as with the
    `hidden` flag."""
    shown = [row for row in rows if row[0].row not in hidden_rows]
    filled: dict[int, list[Any]] = {}
    for row in shown[1:]:
        for cell in row:
            if cell.value is not None:
                filled.setdefault(cell.column, []).append(cell)
    return {
        column: _how_hidden(cells[0])
        for column, cells in filled.items()
        if all(_hidden_by_format(c) for c in cells)
    }


def spans(numbers: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive numbers: [2, 3, 4, 9] → [(2, 4), (9, 9)]."""
    spans: list[tuple[int, int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], number)
        else:
            spans.append((number, number))
    return spans


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _calculated_on_open(path: Path) -> bool:
    """Whether the workbook asks to be calculated when opened (`<calcPr
    fullCalcOnLoad="1"/>`): what a program that does not calculate writes (XlsxWriter, hence
    pandas' `to_excel`; openpyxl), with 0 or nothing as every formula's saved value. Excel and
    LibreOffice drop the mark when they save the file calculated. Read from the XML: openpyxl
    takes a `calcPr` without the attribute as asking for it."""
    from xml.etree.ElementTree import ParseError, fromstring

    try:
        with zipfile.ZipFile(path) as archive:
            part = "xl/workbook.xml"
            relations = fromstring(archive.read("_rels/.rels"))
            for relation in relations:
                if str(relation.get("Type", "")).endswith("/officeDocument"):
                    part = str(relation.get("Target", part)).lstrip("/")
            workbook = fromstring(archive.read(part))
    except (zipfile.BadZipFile, KeyError, OSError, ParseError):
        return False
    calculation = workbook.find(f"{_MAIN}calcPr")
    return calculation is not None and calculation.get("fullCalcOnLoad") in ("1", "true")


def _unsaved_formulas(
    path: Path, book: Any, uncalculated: bool = False, sums: dict[str, dict[str, str]] | None = None
) -> dict[str, dict[str, str]]:
    """Formulas whose value the file does not hold, by sheet and cell: a workbook written by
    a program that does not calculate (openpyxl, many exporters) and never saved by Excel or
    LibreOffice. With `uncalculated` (the workbook asks to be calculated on opening), every
    formula: its saved value is a placeholder (XlsxWriter saves 0; trial 8 #1). Read only
    when a sheet has a formula at all."""
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            if not any(b"<f" in archive.read(n) for n in sheets):
                return {}
        formulas_book = openpyxl.load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return {}
    found: dict[str, dict[str, str]] = {}
    try:
        for sheet in formulas_book.worksheets:
            saved = book[sheet.title]
            unsaved = {}
            # Read as stored: the sheet's declared size (up to its last row) is not padded
            # with empty cells (trial 6 #50).
            sheet.reset_dimensions()
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    if sums is not None and _SUM.fullmatch(str(cell.value).strip()):
                        sums.setdefault(sheet.title, {})[cell.coordinate] = str(cell.value)
                    if uncalculated or saved[cell.coordinate].value is None:
                        unsaved[cell.coordinate] = str(cell.value)
            if unsaved and not uncalculated:
                part = getattr(sheet, "_worksheet_path", None)
                for coordinate in _with_saved_value(path, part, set(unsaved)):
                    del unsaved[coordinate]  # saved as "" (`=IF(…,"",…)`): an empty cell
            if unsaved:
                found[sheet.title] = unsaved
    finally:
        formulas_book.close()
    return found


def _with_saved_value(path: Path, part: str | None, cells: set[str]) -> set[str]:
    """Those of `cells` saved with a text result, if an empty one (`t="str"` and `<v></v>`):
    a formula whose result is the empty string (`=IF(…,"",…)`), which openpyxl reads as no
    value at all. (openpyxl writes `<v></v>` too, without a type, for a value it never had.)"""
    from xml.etree.ElementTree import iterparse

    if not part:
        return set()
    main = _MAIN
    found: set[str] = set()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as xml:
            for _, element in iterparse(xml):
                if element.tag == f"{main}c":
                    typed = element.get("t") == "str" and element.find(f"{main}v") is not None
                    if typed and element.get("r") in cells:
                        found.add(str(element.get("r")))
                    element.clear()
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError):
        return set()
    return found


def _sheet_table(
    sheet: Any,
    rel: str,
    name: str,
    problems: list[Problem],
    formulas: dict[str, str],
    bounds: Bounds = EVERYWHERE,
    uncalculated: bool = False,
    sums: dict[str, str] | None = None,
) -> Table | None:
    from openpyxl.utils import get_column_letter

    from reportbuilder.project.data.readers import base_types, read_header

    def at(cell: Any) -> str:
        return f"{rel}:{sheet.title}!{cell.coordinate}"

    hidden_rows, hidden_columns = hidden_parts(sheet)
    every, too_wide = _filled_rows(sheet, bounds, formulas)
    if too_wide:
        problems.append(problem(f"{rel}:{sheet.title}!{too_wide[0]}", None, too_wide[1]))
        return None
    if bounds[0] > 1 and (above := _left_above(sheet, rel, bounds[0])):
        problems.append(above)
    _warn_hidden(sheet, rel, every, hidden_rows, hidden_columns, problems)
    for index, how in _columns_hidden_by_format(every, hidden_rows).items():
        if index not in hidden_columns:
            hidden_columns.add(index)
            problems.append(
                warning(f"{rel}:{sheet.title}!{get_column_letter(index)}",
                        f"column hidden by {how} left out")
            )  # fmt: skip
    rows = [
        tuple(c for c in row if c.column not in hidden_columns)
        for row in every
        if row[0].row not in hidden_rows
    ]
    # A margin left empty before the table (it starts at B3, column A blank): no column
    # (it was refused as "column 1 has no name", trial 6 #23).
    margin = 0
    while (
        rows
        and margin < len(rows[0])
        and all(
            margin < len(row)
            and row[margin].value is None
            and row[margin].coordinate not in formulas
            for row in rows
        )
    ):
        margin += 1
    rows = [row[margin:] for row in rows] if margin else rows
    if not rows or not rows[0]:
        return None
    head = rows[0]
    while head and _blank(head[-1].value):
        head = head[:-1]
    if not head:
        return None
    for cell in head:
        if isinstance(cell.value, float) and not cell.value.is_integer():
            # A figure taken for a column's name: the header row is not this one (a
            # `header_row:` meant for another sheet, trial 8 #3).
            problems.append(
                problem(at(cell), None, f"the header cell holds the number {cell.value!r}, "
                        f"not a column's name: is row {cell.row} the table's header? Say where "
                        f"this sheet's table starts in {rel}.yml ('{sheet.title}: "
                        "{header_row: N}'), or write the column's name")
            )  # fmt: skip
            return None
    if spanning := _header_merges(sheet, rel, head):
        problems += spanning  # a header over two rows: one problem, not one per cell below
        return None
    rows = _first_table(sheet, rel, rows, head, hidden_rows, problems)
    problems += _headless_values(sheet, rel, rows, head, formulas)
    merged_values = _merged_values(sheet, rel, head[0].row, problems)
    texts = ["" if c.value is None else str(c.value) for c in head]
    columns, declared, found = read_header(texts)
    header_row = f"{rel}:{sheet.title}!{head[0].coordinate}:{head[-1].coordinate}"
    problems += [problem(header_row, None, m) for m in found]
    types: dict[str, str] = base_types(declared)
    texts_by_column: dict[str, list[tuple[Any, str]]] = {}
    table_rows: list[dict[str, Any]] = []
    format_texts: set[str] = set()
    undeclared: dict[str, list[tuple[dict[str, Any], Any]]] = {}
    percent_cells: dict[str, list[dict[str, Any]]] = {}  # rows whose cell shows a percent
    clocks: dict[str, list[Any]] = {}  # [any time not midnight, [(row, cell)]] by column
    unshown: dict[str, list[Any]] = {}  # cells hidden by their number format, by column
    for row in rows[1:]:
        values: dict[str, Any] = {}
        for column, cell in zip(columns, row[: len(columns)], strict=False):
            source = merged_values.get(cell.coordinate, cell)
            if _hidden_by_format(source):  # `0;-0;;@` on a zero: Excel shows an empty cell
                unshown.setdefault(column, []).append(cell)
                values[column] = None
                continue
            value, kind, note = _cell_value(source)
            if value is not None and getattr(getattr(source, "font", None), "strike", False):
                # Struck through: the office's mark of a deleted or obsolete figure, printed
                # as any other (trial 7 #3); a struck word in a chapter is an error too.
                problems.append(
                    problem(at(cell), None, "the cell is struck through (a deleted or obsolete "
                            "value?): delete it, or remove the strikethrough if it stands")
                )  # fmt: skip
                values[column] = None
                continue
            if isinstance(source.value, dt.datetime) and _shows_clock(source.number_format):
                # A date and time column: its midnight cells print with their time too.
                timed = clocks.setdefault(column, [False, []])
                timed[0] = timed[0] or source.value.time() != dt.time()
                timed[1].append((values, source))
            if note and note.startswith("format:"):
                problems.append(problem(at(cell), None, note.removeprefix("format:")))
                value = None
            elif note and note.startswith("text:"):
                shown_text = note.removeprefix("text:")
                if column not in format_texts and shown_text == "+":
                    format_texts.add(column)
                    problems.append(
                        warning(at(cell), "the number format shows a + before positive "
                                "numbers (a change); it is not printed: say so in the "
                                f"column's header (e.g. '{column} (change)')")
                    )  # fmt: skip
                elif column not in format_texts:
                    format_texts.add(column)
                    problems.append(
                        warning(at(cell), f"the number format shows the text '{shown_text}' "
                                "next to the number; it is not printed: name it in the "
                                f"column's header (e.g. '{column} ({shown_text})')")
                    )  # fmt: skip
            if cell.coordinate in formulas and uncalculated and cell.value is not None:
                # XlsxWriter's 0 (pandas' `to_excel`): a placeholder printed as a figure.
                problems.append(
                    problem(at(cell), None, f"the formula {formulas[cell.coordinate]} was "
                            "saved without its value by a program that does not calculate "
                            "(the workbook asks to be calculated when opened: XlsxWriter, "
                            "pandas' to_excel, openpyxl); open it in Excel or LibreOffice and "
                            "save it again")
                )  # fmt: skip
                value = None
            elif cell.coordinate in formulas:
                problems.append(
                    problem(at(cell), None, f"the formula {formulas[cell.coordinate]} has no "
                            "saved value (the file was never opened and saved in Excel or "
                            "LibreOffice); open it there and save it again")
                )  # fmt: skip
            elif kind == "error":
                problems.append(
                    problem(at(cell), None, f"the cell shows the error {value}; fix the "
                            "formula or leave the cell empty")
                )  # fmt: skip
                value = None
            elif kind == "date" and column not in declared:
                types[column] = kind
            elif kind == "percent" and declared.get(column) != "percent":
                percent_cells.setdefault(column, []).append(values)
            want = declared.get(column)
            if isinstance(value, str) and column not in declared:
                texts_by_column.setdefault(column, []).append((cell, value))
            if want and want.startswith("date") and isinstance(value, str):
                form = want.partition(":")[2] or None
                day = read_date(value, form)
                if day is None:
                    expected = f"a date written {form}" if form else "a date as YYYY-MM-DD"
                    problems.append(
                        problem(at(cell), None, f"column '{column}' expects {expected}, got "
                                f"'{value}'")
                    )  # fmt: skip
                value = day
            elif want == "int" and value is not None and not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    problems.append(
                        problem(at(cell), None, f"column '{column}' expects a whole number, "
                                f"got {value!r}")
                    )  # fmt: skip
                    value = None
            elif want in NUMERIC_TYPES and value is not None and not isinstance(value, int | float):
                problems.append(
                    problem(at(cell), None, f"column '{column}' expects a number, got {value!r}")
                )
                value = None
            values[column] = value
            if column not in declared:
                undeclared.setdefault(column, []).append((values, cell))
        for column in columns[len(values) :]:
            values[column] = None
        table_rows.append(values)
    for column, cells in unshown.items():
        where = at(cells[0]) if len(cells) == 1 else f"{at(cells[0])}:{cells[-1].coordinate}"
        what = "cell" if len(cells) == 1 else f"{len(cells)} cells"
        problems.append(
            warning(where, f"{what} of column '{column}' hidden by {_how_hidden(cells[0])} "
                    "left out (printed empty, as Excel shows it)")
        )  # fmt: skip
    for column, percents in percent_cells.items():
        _type_percents(column, percents, table_rows, declared, types)
    hidden_inside = sorted(
        n for n in hidden_rows if head[0].row < n < (rows[-1][0].row if rows else 0)
    )
    if hidden_inside and own_total(table_rows, columns):
        problems += _totals_with_hidden_rows(columns, table_rows, rows[-1], hidden_inside, at)
    elif len(rows) > 2:
        for mismatch in total_mismatches(table_rows, columns):
            problems.append(_stale_total(mismatch, rows, columns.index(mismatch.column),
                                         sums or {}, at))  # fmt: skip
    for column, (timed, cells) in clocks.items():
        if timed and column not in declared:
            for values, source in cells:
                values[column] = _clock_text(source.value, str(source.number_format).lower())
            if types.get(column) == "date":
                del types[column]
    for column, cells in texts_by_column.items():
        dated = column_problem(column, [text for _, text in cells])
        if dated and len(cells) == sum(v[column] is not None for v in table_rows):
            problems.append(problem(at(cells[dated[0]][0]), None, dated[1]))
    for column, placed in undeclared.items():
        if types.get(column) == "date":
            problems += _odd_dates(column, placed, at)
        problems += _mixed_column(column, placed, at)
    return Table(name, columns, table_rows, types)


def _left_above(sheet: Any, rel: str, header_row: int) -> Problem | None:
    """A warning naming the rows above the table's header (`header_row:`) that hold
    something, left out: said always, as another sheet's header and first rows vanished under
    a `header_row:` meant for one sheet (trial 8 #3)."""
    stored = getattr(sheet, "_cells", None)
    if not isinstance(stored, dict):
        return None
    filled = sorted(
        (row, column, cell.value)
        for (row, column), cell in stored.items()
        if row < header_row and not _blank(cell.value)
    )
    if not filled:
        return None
    rows = sorted({row for row, _, _ in filled})
    span = f"{rows[0]}" if rows[0] == rows[-1] else f"{rows[0]}:{rows[-1]}"
    what = f"row {rows[0]}" if len(rows) == 1 else f"{len(rows)} rows ({rows[0]} to {rows[-1]})"
    words = ", ".join(f"'{_short(str(value).strip())}'" for _, _, value in filled[:3])
    more = ", …" if len(filled) > 3 else ""
    return warning(
        f"{rel}:{sheet.title}!{span}",
        f"{what} above the table's header (row {header_row}, as {rel}.yml says) left out: "
        f"{words}{more}",
    )


# Cells of the rectangle a sheet's rows make (filled rows × columns to the last filled one):
# the CSV reader's cap on cells, which a workbook's table meets too.
MAX_TABLE_CELLS = 2_000_000


def _filled_rows(
    sheet: Any, bounds: Bounds, formulas: dict[str, str]
) -> tuple[list[tuple[Any, ...]], tuple[str, str] | None]:
    """The rows within `bounds` that hold a value (or a formula with none saved), each as
    its cells from the first column of `bounds` to the last column holding one; or, where
    that rectangle is larger than `MAX_TABLE_CELLS`, the farthest filled cell and why.

    Built from the cells the file stores: a sheet's "used range" may reach its last row and
    column (one formatted empty cell at Z1048576), and walking it cell by cell took `check`
    262 s and 3 GB for a three-row table (trial 6 #50). The cost follows the filled cells."""
    first_row, last_row, first_column, last_column = bounds
    stored = getattr(sheet, "_cells", None)  # openpyxl's own (row, column) → cell
    if not isinstance(stored, dict):  # another openpyxl: its dense walk, as before
        stored = {(c.row, c.column): c for row in sheet.iter_rows() for c in row}
    rows: set[int] = set()
    right = 0
    for (row, column), cell in stored.items():
        if (
            first_row <= row <= last_row
            and first_column <= column <= last_column
            and (cell.value is not None or cell.coordinate in formulas)
        ):
            rows.add(row)
            right = max(right, column)
    width = right - first_column + 1
    if len(rows) * max(width, 0) > MAX_TABLE_CELLS:
        from openpyxl.utils import get_column_letter

        corner = f"{get_column_letter(first_column)}{min(rows)}"
        far = f"{get_column_letter(right)}{max(rows)}"
        message = (
            f"the table would span {len(rows):,} rows by {width:,} columns, more than "
            f"{MAX_TABLE_CELLS:,} cells: clear the cells outside the table, or give the "
            "table's cells with range: in the workbook's .yml file"
        )
        return [], (f"{corner}:{far}", message)
    return [
        tuple(sheet.cell(row, column) for column in range(first_column, right + 1))
        for row in sorted(rows)
    ], None


def _odd_dates(
    column: str, placed: list[tuple[dict[str, Any], Any]], at: Callable[[Any], str]
) -> list[Problem]:
    """A column of date cells with text cells among them: a text ISO date (`2026-03-01`) is
    that date; any other (`31/02/2026`, `2026-13-01`, a date typed as `31/01/2025`) is a
    problem at its cell, as a CSV's is (`dates.a_column_of_dates`), never printed as typed
    between dates, where it would sort and chart wrong. A column mostly of text keeps it."""
    texts = []
    for values, cell in placed:
        value = values[column]
        # Typed as text: a date cell with a time prints as text too (`2026-03-01 18:00`).
        if isinstance(value, str) and value.strip() and isinstance(cell.value, str):
            day = read_date(value, None)
            if day is not None:
                values[column] = day
            else:
                texts.append((values, cell))
    dates = sum(isinstance(values[column], dt.date) for values, _ in placed)
    if not a_column_of_dates(dates, [values[column] for values, _ in texts]):
        return []
    found = []
    for values, cell in texts:
        found.append(problem(at(cell), None, odd_date_message(column, values[column],
                                                              "type it as a date")))  # fmt: skip
        values[column] = None
    return found


def _first_table(
    sheet: Any,
    rel: str,
    rows: list[tuple[Any, ...]],
    head: tuple[Any, ...],
    hidden_rows: set[int],
    problems: list[Problem],
) -> list[tuple[Any, ...]]:
    """`rows` up to a second table below the first (`stacked_tables`), which is refused at
    its first cell, saying how to read the first alone; all of `rows` when there is none."""
    from openpyxl.utils import get_column_letter

    gaps = [False] + [
        any(number not in hidden_rows for number in range(above[0].row + 1, row[0].row))
        for above, row in itertools.pairwise(rows)
    ]
    found = second_table([[cell.value for cell in row] for row in rows], gaps)
    if found is None:
        return _without_notes_below(sheet, rel, rows, gaps, problems)
    index, what = found
    start = next(cell for cell in rows[index] if not _blank(cell.value))
    last = rows[index - 1][0].row
    first_cell = f"{get_column_letter(head[0].column)}{head[0].row}"
    cells = f"{sheet.title}!{first_cell}:{get_column_letter(head[-1].column)}{last}"
    alone = f"'range: {cells}' in {rel}.yml (in place of a 'header_row:')"
    where = f"{rel}:{sheet.title}!{start.coordinate}"
    message = stacked_message(start.row, what, head[0].row, "row", "sheet", alone)
    problems.append(problem(where, None, message))
    return rows[:index]


def _without_notes_below(
    sheet: Any, rel: str, rows: list[tuple[Any, ...]], gaps: list[bool], problems: list[Problem]
) -> list[tuple[Any, ...]]:
    """`rows` without the rows of words below the table, after an empty row (`Source: INE`,
    a note), each a problem at its cell: they were printed as rows of the table (trial 6
    #62), as in a CSV (`readers`)."""
    last_gap = max((i for i, gap in enumerate(gaps) if gap), default=0)
    if last_gap < 2 or sum(not _blank(c.value) for c in rows[0]) < 2:
        return rows  # under the header itself; or one column, where a note looks like a row
    below = rows[last_gap:]
    notes = [[c for c in row if not _blank(c.value)] for row in below]
    if not all(len(cells) == 1 and isinstance(cells[0].value, str) for cells in notes):
        return rows
    for (cell,) in notes:
        words = _short(str(cell.value).strip())
        message = (
            f"'{words}', below the table after an empty row, would print as a row of it: a "
            "source or a note is not data; write it in the chapter (under the table) and "
            "delete it here, or give the table's cells with range: in the workbook's .yml file"
        )
        problems.append(problem(f"{rel}:{sheet.title}!{cell.coordinate}", None, message))
    return rows[:last_gap]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _headless_values(
    sheet: Any, rel: str, rows: list[Any], head: tuple[Any, ...], formulas: dict[str, str]
) -> list[Problem]:
    """Values right of the header's last named cell, which no column would hold: refused as
    a CSV refuses them, never dropped. When the header row has a single cell and the table
    below is wider, that row is a title above the table (an office's usual layout): one
    problem at the header row's first empty cell says so."""
    from openpyxl.utils import get_column_letter

    last = head[-1].column
    first_values: dict[int, Any] = {}
    for row in rows[1:]:
        for cell in row:
            beyond = cell.column > last and cell.column not in first_values
            if beyond and (not _blank(cell.value) or cell.coordinate in formulas):
                first_values[cell.column] = cell
    if not first_values:
        return []
    header_row = head[0].row
    named = [c for c in head if not _blank(c.value)]
    if len(named) == 1:
        column = last + 1
        letter = get_column_letter(column)
        value = first_values[min(first_values)]
        title = str(named[0].value).strip()
        message = (
            f"column {column} has no name in the header row, yet the rows below hold values "
            f"in it (first at {value.coordinate}): is row {header_row} ('{_short(title)}') a "
            "title above the table? The first non-empty row must name the columns: delete the "
            "title rows above the table's header (and put a second table on a sheet of its "
            f"own), or say where the table starts in {rel}.yml ('header_row: {value.row}' if "
            f"row {value.row} names the columns, or a 'range: A{value.row}:…' of its cells)"
        )
        return [problem(f"{rel}:{sheet.title}!{letter}{header_row}", None, message)]
    return [
        problem(
            f"{rel}:{sheet.title}!{cell.coordinate}", None,
            f"a value in a column with no header ({get_column_letter(column)}{header_row} is "
            "empty); name the column in the header row, or delete the value",
        )
        for column, cell in sorted(first_values.items())
    ]  # fmt: skip


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mixed_column(
    column: str, placed: list[tuple[dict[str, Any], Any]], at: Callable[[Any], str]
) -> list[Problem]:
    """As in a CSV (`readers._mixed_columns`): a column of numbers with a few text cells gets
    a problem at each of those cells; a mostly-text column holds every cell as text, a number
    as its format shows it (`3.0`), never a column silently half numbers, half text."""
    numbers = [(v, c) for v, c in placed if _numeric(v[column])]
    others = [(v, c) for v, c in placed if isinstance(v[column], str) and v[column].strip()]
    if not numbers or not others:
        return []
    if stored := _numbers_stored_as_text(column, others, at):
        return stored
    if len(numbers) > len(others):
        return [
            problem(at(cell), None, f"column '{column}': '{values[column]}' is not a number like "
                    f"the others; write a number, leave the cell empty, or declare the column "
                    f"as text ('{column} [text]')")
            for values, cell in others
        ]  # fmt: skip
    for values, _ in numbers:
        number = values[column]
        places = getattr(number, "decimals", None)
        text = f"{number:.{places}f}" if places is not None else str(number)
        values[column] = f"{text} %" if isinstance(number, ShownPercent) else text
    return []


def _numbers_stored_as_text(
    column: str, others: list[tuple[dict[str, Any], Any]], at: Callable[[Any], str]
) -> list[Problem]:
    """Excel's "number stored as text" cells (pasted or imported data, `'300`) among numbers:
    each one that reads as one number is that number, with a warning at the cell; one with
    two readings (`1.234`, `1,234`) is an error naming both. They turned the whole column
    into text, out of its total (trial 6 #32). [] when some text is no number at all."""
    from reportbuilder.project.data.readers import decimal_readings

    readings = [(values, cell, decimal_readings(values[column])) for values, cell in others]
    if not all(found for _, _, found in readings):
        return []
    problems = []
    for values, cell, found in readings:
        text = values[column].strip()
        numbers = set(found.values())
        if len(numbers) == 1:
            values[column] = next(iter(found.values()))
            problems.append(
                warning(at(cell), f"column '{column}': '{text}' is a number stored as text; it "
                        "is read as the number (store it as a number in the workbook)")
            )  # fmt: skip
        else:
            both = " or ".join(f"{number!r} ('{mark}' as the decimal mark)"
                               for mark, number in found.items())  # fmt: skip
            problems.append(
                problem(at(cell), None, f"column '{column}': '{text}', a number stored as "
                        f"text, reads as {both}; store it as a number in the workbook")
            )  # fmt: skip
            values[column] = None
    return problems


def _type_percents(
    column: str,
    percents: list[dict[str, Any]],
    table_rows: list[dict[str, Any]],
    declared: dict[str, str],
    types: dict[str, str],
) -> None:
    """Each cell shown as a percent keeps its sign as a `ShownPercent`, whatever its
    neighbours are (an indicator sheet: 1,234,567 | 2.5 % | 250; a mostly-text column; a
    declared number column); a column whose every filled cell is one is a `percent` column."""
    from reportbuilder.project.data.readers import decimals_written

    for values in percents:
        number = values.get(column)
        if isinstance(number, int | float) and not isinstance(number, bool):
            places = getattr(number, "decimals", None)
            if places is None:
                places = decimals_written(float(number), None)  # repr may be `1e-05`
            values[column] = ShownPercent(float(number), places)
    filled = [v[column] for v in table_rows if v.get(column) not in (None, "")]
    if column not in declared and all(isinstance(v, ShownPercent) for v in filled):
        types[column] = "percent"


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _warn_hidden(
    sheet: Any,
    rel: str,
    rows: list[Any],
    hidden_rows: set[int],
    hidden_columns: set[int],
    problems: list[Problem],
) -> None:
    """A located warning for every run of hidden rows and hidden column that holds content:
    left out of the table, as the author hid them from readers (never printed)."""
    from openpyxl.utils import get_column_letter

    used_rows = [row[0].row for row in rows if row[0].row in hidden_rows]
    for first, last in spans(used_rows):
        span = f"{first}" if first == last else f"{first}:{last}"
        what = "hidden row" if first == last else f"{last - first + 1} hidden rows"
        problems.append(warning(f"{rel}:{sheet.title}!{span}", f"{what} left out"))
    used_columns = {c.column for row in rows for c in row if c.value is not None}
    for column in sorted(hidden_columns & used_columns):
        letter = get_column_letter(column)
        problems.append(warning(f"{rel}:{sheet.title}!{letter}", "hidden column left out"))


def _header_merges(sheet: Any, rel: str, head: tuple[Any, ...]) -> list[Problem]:
    """Header cells merged across columns (`2024` over `men | women`): the office's header
    over two rows, which a table with one header row would read as unnamed columns and a row
    of words among numbers."""
    row, first, last = head[0].row, head[0].column, head[-1].column
    found = []
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col != merged.max_col:
            if merged.max_col < first or merged.min_col > last:
                continue
            value = sheet.cell(merged.min_row, merged.min_col).value
            under = [
                str(sheet.cell(merged.max_row + 1, column).value or "").strip()
                for column in range(merged.min_col, merged.max_col + 1)
            ]
            named = [f"'{value} {word}'" for word in under[:2] if word and value is not None]
            example = f" (e.g. {', '.join(named)}, …)" if len(named) == 2 else ""
            shown = "" if value is None else f" ('{value}')"
            found.append(
                problem(f"{rel}:{sheet.title}!{merged.coord}", None, f"header cells merged "
                        f"across columns{shown}: a table has one header row naming each column; "
                        f"write one{example}, or give the table's cells with range: in {rel}.yml")
            )  # fmt: skip
    return found


def _merged_values(
    sheet: Any, rel: str, header_row: int, problems: list[Problem]
) -> dict[str, Any]:
    """Cells covered by a merge below the header, mapped to the merge's first cell.

    A merge down one column (`Andalucía` over two rows) means the value holds for each row:
    it is repeated, with a warning; a number merged so is one figure for all those rows,
    which copied would be counted twice: an error. A merge across columns has no meaning in
    a data row: a located error asks to unmerge it."""
    covered: dict[str, Any] = {}
    for merged in sheet.merged_cells.ranges:
        if merged.max_row < header_row or merged.min_row == header_row:
            continue  # above the table, or the header's own (reported already)
        where = f"{rel}:{sheet.title}!{merged.coord}"
        if merged.min_col != merged.max_col:
            problems.append(problem(where, None, "merged cells across columns in a data row; "
                                    "unmerge them and fill each cell"))  # fmt: skip
            continue
        first = sheet.cell(merged.min_row, merged.min_col)
        if isinstance(first.value, int | float) and not isinstance(first.value, bool):
            # One figure for several rows ("200 for North and South together"): copied into
            # each, a table would print it twice and its total count it twice (trial 7 #21).
            rows = merged.max_row - merged.min_row + 1
            problems.append(problem(where, None, (
                f"merged cells: one figure ({first.value}) for {rows} rows; unmerge them and "
                "give each row its own figure, or merge the labels instead"
            )))  # fmt: skip
            continue
        for row in range(merged.min_row + 1, merged.max_row + 1):
            covered[sheet.cell(row, merged.min_col).coordinate] = first
        shown = "" if first.value is None else f" '{first.value}'"
        problems.append(
            warning(where, f"merged cells: the value{shown} is repeated in each of its rows")
        )
    return covered


def _cell_value(cell: Any) -> tuple[Any, str | None, str | None]:
    """(value, kind, note): a percent-formatted number as 0–100, a date, an error's text, or
    the number with the decimals its format shows. `note`: `format:<problem>` for a format
    the report cannot show, `text:<words>` for literal text the format shows."""
    value = cell.value
    if isinstance(value, str) and (hidden := unprintable_message(value.replace("\r", ""))):
        return value, None, f"format:{hidden}"  # an error at the cell
    if cell.data_type == "e" or (isinstance(value, str) and value.strip() in ERRORS):
        return str(value).strip(), "error", None
    if isinstance(value, dt.datetime):
        form = str(cell.number_format or "").lower()
        clock = "h" in form or "s" in form  # `m` alone may be a month
        day = "y" in form or "d" in form or not clock
        if day and value.time() == dt.time():  # a date (openpyxl writes one with h:mm:ss)
            if "y" in form and "d" not in form and not clock:  # `mmm-yy` or `yyyy`: no day
                shows = "month" if "m" in form else "year"
                return PartialDate(value.year, value.month, value.day, shows), "date", None
            if "d" in form and "m" in form and "y" not in form and not clock:
                # `d/m` (Excel "14/3"): the day and month, no year (trial 8 #15).
                return PartialDate(value.year, value.month, value.day, "day"), "date", None
            return value.date(), "date", None
        if not day:  # a time of day, which Excel stores on 1900-01-01
            return _clock_text(value.time(), form), None, None
        return _clock_text(value, form), None, None
    if isinstance(value, dt.time | dt.timedelta):
        form = str(cell.number_format or "")
        if value == dt.time() and _day_only(form):
            # 0 in a date column (a formula's blank, a date deleted as 0): Excel shows its
            # day 0, "1900-01-00", no day at all; it printed "00:00".
            message = (
                f"the cell holds 0 shown as a date (number format '{form}'): Excel's day 0 "
                "is no real date; leave the cell empty, or type the date"
            )
            return value, None, f"format:{message}"
        return _clock_text(value, form), None, None
    if isinstance(value, dt.date):
        return value, "date", None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value, None, None
    try:
        seen = shown(str(cell.number_format or "General"), value)
    except Unsupported as why:
        return (
            value,
            None,
            (
                f"format:the number format '{cell.number_format}' uses {why}, which the report "
                "cannot show as Excel does; give the cell a plain number format (0, 0.00, "
                "#,##0.00, 0.0%) or type the value as text"
            ),
        )
    note = f"text:{seen.text}" if seen.text else None
    if seen.dash:
        return DashZero(), None, note
    if seen.padded and float(value).is_integer():  # a code (postcode 08001): text, as shown
        number = int(value)
        return ("-" if number < 0 else "") + f"{abs(number):0{seen.padded}d}", None, note
    if seen.percent:
        percent = round(value * 100, 10)
        places = _places(percent, seen)
        if places is not None:
            return WrittenNumber(percent, places), "percent", note
        return (int(percent) if percent.is_integer() else percent), "percent", note
    # `+0;-0;0` shows +5: printed with its sign, as a CSV's `+5` is (trial 8 #8).
    plus = seen.text == "+" and not seen.dash
    note = None if plus else note
    places = _places(value, seen)
    if places is None and isinstance(value, float):
        general = _general_places(value)
        places = general if general or not value.is_integer() else None
    if places is not None:
        return (PlusNumber if plus else WrittenNumber)(float(value), places), None, note
    if plus and isinstance(value, int):
        return PlusInt(value), None, note
    if plus:
        return PlusNumber(float(value), None), None, note
    return value, None, note


def _totals_with_hidden_rows(
    columns: list[str],
    table_rows: list[dict[str, Any]],
    total_cells: tuple[Any, ...],
    hidden: list[int],
    at: Callable[[Any], str],
) -> list[Problem]:
    """The sheet's own total row, printed as it is, must add up the rows printed: a SUM over
    hidden rows too would print a total that does not match and lets a reader subtract the
    hidden figures out of it."""

    def exact(number: float | int) -> Decimal:
        return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)

    found = []
    *data_rows, total_row = table_rows
    for column, cell in zip(columns, total_cells, strict=False):
        given = total_row.get(column)
        if not isinstance(given, int | float) or isinstance(given, bool):
            continue
        added = sum((exact(v[column]) for v in data_rows if _numeric(v.get(column))), Decimal(0))
        if added != exact(given):
            which = (
                f"hidden row {hidden[0]}, which is"
                if len(hidden) == 1
                else f"hidden rows {', '.join(map(str, hidden))}, which are"
            )
            found.append(
                problem(at(cell), None, f"the total row's '{column}' is {given}, but the rows "
                        f"printed add up to {added}: it counts the {which} left out; sum the "
                        "visible rows only (=SUBTOTAL(109, …)) or show the rows")
            )  # fmt: skip
    return found


_SUM = re.compile(r"=\s*SUM\(\s*\$?([A-Z]{1,3})\$?(\d+)\s*:\s*\$?([A-Z]{1,3})\$?(\d+)\s*\)",
                  re.IGNORECASE)  # fmt: skip


def _stale_total(
    mismatch: Mismatch,
    rows: list[tuple[Any, ...]],
    index: int,
    sums: dict[str, str],
    at: Callable[[Any], str],
) -> Problem:
    """The problem of a total row's cell that is not the sum of the rows printed above it:
    an error when it is a SUM over exactly those cells (its saved value is stale: a program
    that does not calculate changed the cells, trial 8 #2); a warning otherwise (the total
    of rows the sheet does not hold, or a figure typed), printed as it is."""
    cell = rows[-1][index]
    added = format(mismatch.added.normalize(), "f")
    formula = sums.get(cell.coordinate)
    found = _SUM.fullmatch(formula.strip()) if formula else None
    if found:
        first, last = rows[1][index], rows[-2][index]
        left, top, right, bottom = found[1].upper(), int(found[2]), found[3].upper(), int(found[4])
        letter = first.column_letter
        if (left, right, top, bottom) == (letter, letter, first.row, last.row):
            return problem(at(cell), None, (
                f"the formula {formula} saved {mismatch.given!r}, but {letter}{top}:"
                f"{letter}{bottom} add up to {added}: its saved value is stale (the cells were "
                "changed by a program that does not calculate); open the workbook in Excel or "
                "LibreOffice and save it again"
            ))  # fmt: skip
    return warning(at(cell), (
        f"the total row's '{mismatch.column}' is {mismatch.given!r}, but the rows above add up "
        f"to {added}: it is printed as it is; check the data (a total not updated, or rows "
        "left out of the sheet)"
    ))  # fmt: skip


def _day_only(number_format: str) -> bool:
    """Whether a number format shows a date with no time of day (`yyyy-mm-dd`, `d mmm`)."""
    form = re.sub(r'"[^"]*"|\[[^\]]*\]', "", number_format.lower())
    return ("y" in form or "d" in form) and "h" not in form and "s" not in form


def _shows_clock(number_format: object) -> bool:
    """Whether a date format shows a time: hours or seconds (`m` alone may be a month)."""
    form = str(number_format or "").lower()
    return "h" in form or "s" in form


def _clock_text(value: dt.datetime | dt.time | dt.timedelta, number_format: str) -> str:
    """A time of day, a date and time, or a duration as the format shows it: hours and
    minutes, seconds only when the format has them (`hh:mm` shows 13:30, not 13:30:00); a
    date and time with the date as ISO (`2026-03-01 09:15`); a duration in hours (`[h]:mm`
    shows 26:30)."""
    seconds = "s" in number_format.lower() or not number_format.strip()
    # `mm:ss` (no hours) shows minutes and seconds: 00:05:30 as 05:30 (trial 6 #3).
    no_hours = seconds and "h" not in re.sub(r'"[^"]*"', "", number_format.lower())
    if isinstance(value, dt.timedelta):
        total = int(value.total_seconds())
        sign, total = ("-" if total < 0 else ""), abs(total)
        if no_hours and number_format.strip():  # `[mm]:ss`: the whole duration in minutes
            return f"{sign}{total // 60:02d}:{total % 60:02d}"
        hours, rest = divmod(total, 3600)
        text = f"{sign}{hours}:{rest // 60:02d}"
        return f"{text}:{rest % 60:02d}" if seconds else text
    clock = value.time() if isinstance(value, dt.datetime) else value
    if no_hours and number_format.strip() and not isinstance(value, dt.datetime):
        return clock.strftime("%M:%S")
    text = clock.strftime("%H:%M:%S" if seconds else "%H:%M")
    if "am/pm" in number_format.lower():  # `h:mm AM/PM` shows 1:30 PM
        twelve = clock.strftime("%I:%M:%S" if seconds else "%I:%M").removeprefix("0")
        text = f"{twelve} {'AM' if clock.hour < 12 else 'PM'}"
    return f"{value.date().isoformat()} {text}" if isinstance(value, dt.datetime) else text


GENERAL_WIDTH = 11  # characters Excel's General format fills in a default column
GENERAL_TINY = 1e-5  # below this Excel's General switches to E notation (1.2345E-05)
GENERAL_TINY_DIGITS = 6  # significant digits of that notation (1.23457E-07)


def _general_places(value: float) -> int:
    """Decimals Excel's `General` format shows for `value`: as many as fit in 11 characters
    with the sign, the integer digits and the point (1/3 is 0.333333333, 1234.56789012 is
    1234.56789), trailing zeros dropped. Where Excel writes E notation the report keeps
    positional digits a reader knows, with as many significant digits as Excel shows:
    123456789012345 in full (1.23457E+14 in Excel), 0.000000123456789 as 0.000000123457
    (1.23457E-07); see docs/data.md."""
    exact = Decimal(repr(value))
    if not exact or not exact.is_finite():
        return 0
    if abs(value) < GENERAL_TINY:
        step = Decimal(1).scaleb(exact.adjusted() - GENERAL_TINY_DIGITS + 1)
    else:
        whole = len(str(int(abs(exact)))) + (1 if value < 0 else 0)
        room = GENERAL_WIDTH - whole - 1  # the point takes one character
        if room <= 0:
            return 0
        step = Decimal(1).scaleb(-room)
    shown = exact.quantize(step, ROUND_HALF_UP).normalize()
    exponent = shown.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _places(value: float, seen: Shown) -> int | None:
    """Decimals Excel shows for `value`: the format's, trimmed to the fixed ones where the
    format has `#` decimals (`0.0#` shows 1.5 as 1.5, 1.25 as 1.25, 1.256 as 1.26)."""
    if seen.decimals is None:
        return None
    if seen.fixed == seen.decimals:
        return seen.decimals
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-seen.decimals), ROUND_HALF_UP)
    exponent = rounded.normalize().as_tuple().exponent
    used = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(seen.fixed, used)
