"""Reading Excel workbooks (`data/*.xlsx`) into tables, with openpyxl.

openpyxl keeps each cell's number format, so a cell shown as a percent (`12.5 %`, stored as
0.125) is read as the percent 12.5 and its column typed `percent`, and a number shown with two
decimals keeps them (`388.10`). Formulas give the value Excel saved with the file. A workbook
with one sheet is one table, named by the file's stem like a CSV (`data.budget`); with several,
each sheet is a table under it (`data.budget.Income`). The first non-empty row names the
columns (with `[type]` declarations as in a CSV). Problems are located by sheet and cell:
`data/budget.xlsx:Sheet1!C7: the cell shows the error #DIV/0!`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

from reportbuilder.errors import Problem
from reportbuilder.project.data._problem import problem
from reportbuilder.project.data.model import NUMERIC_TYPES, Table, WrittenNumber
from reportbuilder.project.dates import column_problem, read_date
from reportbuilder.project.files import FilePolicy

XLSX_MAX_BYTES = 20_000_000
ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!")
_DECIMALS = re.compile(r"0\.(0+)")


def read_xlsx(files: FilePolicy, rel: str, name: str) -> tuple[Any, list[Problem]]:
    """The workbook `rel`: a `Table` (one sheet) or a dict of them by sheet name, or None;
    and every problem, each at its sheet and cell."""
    import openpyxl  # only projects with workbooks pay for the import
    from openpyxl.utils.exceptions import InvalidFileException

    path = files.root / rel
    if not files.in_project(path):
        return None, [problem(rel, None, "is a link to a file outside the project; refused")]
    if path.stat().st_size > XLSX_MAX_BYTES:
        return None, [problem(rel, None, f"is larger than {XLSX_MAX_BYTES // 1_000_000} MB")]
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        message = "cannot be read as an Excel workbook; save it again as .xlsx, or as .csv"
        return None, [problem(rel, None, message)]
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    formulas = _unsaved_formulas(path, book)
    for sheet in book.worksheets:
        table = _sheet_table(sheet, rel, name, problems, formulas.get(sheet.title, {}))
        if table is not None:
            tables[sheet.title] = table
    if not tables:
        problems.append(problem(rel, None, "has no sheet with a header row and data"))
        return None, problems
    if len(book.worksheets) == 1:
        return next(iter(tables.values())), problems
    return tables, problems


def _unsaved_formulas(path: Path, book: Any) -> dict[str, dict[str, str]]:
    """Formulas whose value the file does not hold, by sheet and cell: a workbook written by
    a program that does not calculate (openpyxl, many exporters) and never saved by Excel or
    LibreOffice. Read only when a sheet has a formula at all."""
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
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    if saved[cell.coordinate].value is None:
                        found.setdefault(sheet.title, {})[cell.coordinate] = str(cell.value)
    finally:
        formulas_book.close()
    return found


def _sheet_table(
    sheet: Any, rel: str, name: str, problems: list[Problem], formulas: dict[str, str]
) -> Table | None:
    from reportbuilder.project.data.readers import base_types, read_header

    def at(cell: Any) -> str:
        return f"{rel}:{sheet.title}!{cell.coordinate}"

    rows = [
        row
        for row in sheet.iter_rows()
        if any(c.value is not None or c.coordinate in formulas for c in row)
    ]
    if not rows:
        return None
    head = rows[0]
    while head and head[-1].value is None:
        head = head[:-1]
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == head[0].row:
            where = f"{rel}:{sheet.title}!{merged.coord}"
            problems.append(problem(where, None, "merged cells in the header row; unmerge them"))
    texts = ["" if c.value is None else str(c.value) for c in head]
    columns, declared, found = read_header(texts)
    header_row = f"{rel}:{sheet.title}!{head[0].coordinate}:{head[-1].coordinate}"
    problems += [problem(header_row, None, m) for m in found]
    types: dict[str, str] = base_types(declared)
    texts_by_column: dict[str, list[tuple[Any, str]]] = {}
    table_rows: list[dict[str, Any]] = []
    for row in rows[1:]:
        values: dict[str, Any] = {}
        for column, cell in zip(columns, row[: len(columns)], strict=False):
            value, kind = _cell_value(cell)
            if cell.coordinate in formulas:
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
            elif kind in ("percent", "date") and column not in declared:
                types[column] = kind
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
        for column in columns[len(values) :]:
            values[column] = None
        table_rows.append(values)
    for column, cells in texts_by_column.items():
        dated = column_problem(column, [text for _, text in cells])
        if dated and len(cells) == sum(v[column] is not None for v in table_rows):
            problems.append(problem(at(cells[dated[0]][0]), None, dated[1]))
    return Table(name if sheet.parent.worksheets[0] is sheet else sheet.title, columns,
                 table_rows, types)  # fmt: skip


def _cell_value(cell: Any) -> tuple[Any, str | None]:
    """(value, kind): a percent-formatted number as 0–100, a date, an error's text, or the
    value with its shown decimals kept."""
    value = cell.value
    if cell.data_type == "e" or (isinstance(value, str) and value.strip() in ERRORS):
        return str(value).strip(), "error"
    if isinstance(value, dt.datetime):
        return (value.date(), "date") if value.time() == dt.time() else (value, None)
    if isinstance(value, dt.date):
        return value, "date"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value, None
    shown = str(cell.number_format or "General")
    match = _DECIMALS.search(shown)
    places = len(match[1]) if match else None
    if "%" in shown:
        percent = round(value * 100, 10)
        if places is not None:
            return WrittenNumber(percent, places), "percent"
        return (int(percent) if percent.is_integer() else percent), "percent"
    if places is not None:
        return WrittenNumber(float(value), places), None
    return value, None
