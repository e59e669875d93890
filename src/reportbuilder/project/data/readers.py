"""Reading data files into values: YAML and JSON into plain values with the line of every key,
CSV into a `Table` with typed cells. No statistics here.

A CSV file has a header row and is separated by `,`, `;` or tabs (whichever the header uses
most). A header cell may declare its column's type in brackets:
`region,victims [int],share [percent],year [text],rate [number],day [date]`. The column is
named without the bracket part (`victims`); only the last bracket is the type, so
`amount [USD] [number]` is the column `amount [USD]`. Types:

- `text`: the cell as written;
- `int`: a whole number (`-3`, `40`; no thousands separators, no `12.0`);
- `number`: a float (`12.5`, `1e3`; `12,5` too when the file is separated by `;`);
- `percent`: a number of percent (a float; `40.4`, a change of `-2` or a growth of `250`),
  a trailing `%` accepted (`40.4 %`);
- `date`: an ISO date `YYYY-MM-DD`, read as `datetime.date`; `date:%d/%m/%Y` (any strptime
  form of a day) reads the column in that form instead. An undeclared column of
  `24/08/2020`-like cells is a problem naming their readings (see `project.dates`).

An empty (or blank) cell in a typed column is None, whatever the type: missing values are
allowed, and the table shows them as empty cells. A cell that does not read as its type is a
problem naming the line, e.g. `column 'victims' expects a whole number, got 'abc'` (every cell
is checked); the row is kept with None in that cell. An unknown type is a problem too, and the
column is then read as if undeclared. Undeclared columns are guessed cell by cell: whole
numbers become int, other numbers float (`12,5` with `;`), everything else stays text (codes
with leading zeros such as `01` included), an empty cell stays `""`; a column whose every cell
is a number written with `%` (`12,5 %`, `-2 %`, `250 %`) is a `percent` column, and one whose
every cell is an ISO date a `date` column. A column of numbers with a few other cells is a
problem at each of those (never silently text); a mostly-text column, or one of codes with
leading zeros, keeps every cell as written. A true minus (`−5,5`) reads as a minus.

`Table.types` gives every column's type: the declared one, or for an undeclared column a guess
from its non-empty cells: `int` if all are int, `number` if all are numbers, else `text`.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reportbuilder.errors import Problem, ReportError, Severity, Stage
from reportbuilder.project.data._problem import problem
from reportbuilder.project.data.model import (
    CSV_TYPES,
    Localized,
    Number,
    Plus,
    PlusInt,
    PlusNumber,
    PlusPercent,
    ShownPercent,
    Table,
    WrittenNumber,
)
from reportbuilder.project.data.stacked_tables import message as stacked_message
from reportbuilder.project.data.stacked_tables import second_table
from reportbuilder.project.data.total_rows import total_mismatches
from reportbuilder.project.data.years import years_in_values
from reportbuilder.project.dates import (
    DAY_FIRST,
    MONTH_FIRST,
    a_column_of_dates,
    check_date_format,
    column_problem,
    looks_like_a_date,
    odd_date_message,
    read_date,
    reading_words,
)
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.printable import unprintable_lines
from reportbuilder.project.validation import LineOf
from reportbuilder.project.yamlio import MAX_DEPTH, YamlDoc, load_yaml

SUFFIXES = (".yml", ".yaml", ".json", ".csv")
CSV_MAX_BYTES = 20_000_000  # exported spreadsheets run larger than hand-written files
CSV_MAX_CELLS = 2_000_000  # of one table: 20 MB of empty cells would take a gigabyte

Key = str | int


@dataclass(frozen=True)
class Source:
    """A YAML or JSON file read: its value, the line of every key path, and the text every
    number was written with (`89.0` says one decimal where the float 89.0 cannot)."""

    rel: str
    value: Any
    line: LineOf
    number_texts: Mapping[tuple[Key, ...], str]
    date_texts: Mapping[tuple[Key, ...], str] = field(default_factory=dict)


def read_file(
    files: FilePolicy, rel: str, settings: CsvSettings | None = None
) -> tuple[Source | Table | None, list[Problem]]:
    """The project file `rel`, by its suffix: a `Source`, or for a CSV a `Table` named by the
    file's stem; None with the problems when it cannot be read (or the policy refuses it)."""
    path = Path(rel)
    try:
        csv = path.suffix.lower() == ".csv"
        if csv:
            text = files.read_project_text(rel, max_bytes=CSV_MAX_BYTES)
        else:
            text = files.read_project_text(rel)
        if hidden := unprintable_lines(text, rel):
            return None, hidden
        if csv:
            return read_csv(text, rel, path.stem, settings)
        if path.suffix.lower() == ".json":
            return read_json(text, rel), []
        return read_yaml(text, rel), []
    except ReportError as error:
        return None, error.problems


# --- YAML and JSON -----------------------------------------------------------------------


def read_yaml(text: str, rel: str) -> Source:
    """YAML, as `load_yaml` reads it (an empty file is an empty mapping); raises ReportError."""
    doc = load_yaml(text, rel)
    value = {} if doc.value is None else _as_written(doc.value, doc.number_texts)
    return Source(rel, value, doc.line, doc.number_texts, doc.date_texts)


def _as_written(value: Any, texts: Mapping[tuple[Key, ...], str]) -> Any:
    """`value` with every decimal number written with a point or an exponent replaced by a
    `WrittenNumber` that keeps its written decimals (`1234.50` prints `1,234.50`, as
    docs/data.md promises; `2.5e-4` prints `0.00025`, not a rounded `0.0003`)."""
    for path, text in texts.items():
        if ("." not in text and "e" not in text.lower()) or not path:
            continue
        parent = value
        try:
            for key in path[:-1]:
                parent = parent[key]
            number = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # a key merged away or overridden
        if isinstance(number, float) and math.isfinite(number):
            parent[path[-1]] = WrittenNumber(number, decimals_written(number, text))
    return years_in_values(value)


class _BadConstant(Exception):
    pass


def read_json(text: str, rel: str) -> Source:
    """JSON, strictly: no NaN/Infinity, no duplicate keys; lines come from reading it as YAML.

    Raises ReportError with every problem found.
    """
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    def constant(name: str) -> Any:
        raise _BadConstant(name)

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as error:
        message = f"{error.msg} (column {error.colno})"
        raise ReportError(problem(rel, error.lineno, message)) from None
    except _BadConstant:
        raise ReportError(_constant_problems(text, rel)) from None
    except RecursionError:
        raise ReportError(problem(rel, None, "nested too deeply")) from None
    except ValueError:  # an integer beyond Python's 4300-digit conversion limit
        match = re.search(r"\d{4000,}", text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        raise ReportError(problem(rel, line, "the number has too many digits")) from None
    if _depth_beyond(value, MAX_DEPTH):
        raise ReportError(problem(rel, None, f"nested more than {MAX_DEPTH} levels deep"))
    # JSON without NaN is YAML too: read it again only to learn the line of every key.
    try:
        doc: YamlDoc | None = load_yaml(text, rel)
    except ReportError as error:
        doc = None
        found = [p for p in error.problems if p.message.startswith("duplicate key")]
        if duplicates:
            raise ReportError(
                found or [problem(rel, None, f"duplicate key '{key}'") for key in duplicates]
            ) from None
    if duplicates:  # YAML and JSON disagree about the text: still refuse it
        raise ReportError([problem(rel, None, f"duplicate key '{key}'") for key in duplicates])
    if doc is None:
        return Source(rel, value, lambda path: None, {})
    return Source(rel, _as_written(value, doc.number_texts), doc.line, doc.number_texts,
                  doc.date_texts)  # fmt: skip


def _constant_problems(text: str, rel: str) -> list[Problem]:
    problems = []
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', text):
        if match.group(1):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(
                problem(rel, line, f"'{match.group(1)}' is not a number (write a number or null)")
            )
    return problems or [problem(rel, None, "NaN or Infinity is not a number")]


def _depth_beyond(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


# --- How a number was written --------------------------------------------------------------

_INT = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_FLOAT = re.compile(r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_COMMA_FLOAT = re.compile(r"[+-]?(?:0|[1-9]\d*),\d+")


def is_number_text(text: str) -> bool:
    """Whether `text` is written as a number (`99`, `12.5`, `1e3`), e.g. a quoted one."""
    return _FLOAT.fullmatch(text.strip()) is not None


def decimals_written(value: Number, text: str | None) -> int:
    """Decimals a number was written with: from its source text when known (`89.0` → 1)."""
    if isinstance(value, int) and text is None:
        return 0
    for candidate in (text.replace("_", "") if text else None, repr(value)):
        if candidate is None:
            continue
        try:
            exponent = Decimal(candidate).as_tuple().exponent
        except InvalidOperation:
            continue
        if isinstance(exponent, int):
            return max(-exponent, 0)
    return 0


# --- CSV ---------------------------------------------------------------------------------

# Greedy, then back to the last `[`: linear (a lazy `(.*?)\s*` was quadratic on spaces).
_TYPED_HEADER = re.compile(r"(.*)\[([^\[\]]*)\]\s*")
_EXPECTS = {
    "int": "a whole number",
    "number": "a number",
    "percent": "a percent (a number, a trailing % allowed)",
    "date": "a date as YYYY-MM-DD",
}


class _BadCell(ValueError):
    """A cell that does not read as its column's declared type."""


DECIMAL_MARKS = (",", ".")
_SPACES = " \u00a0\u202f"  # thousands grouped by spaces, no-break ones included
_DIGITS = re.compile(r"\d+")
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:([.,' \u00a0\u202f])\d{3})(?:\1\d{3})*")


def read_number(text: str, decimal: str) -> Number | None:
    """`text` read as a number whose decimal mark is `decimal` (`,` or `.`), thousands grouped
    by the other mark or a space; None when it is not one. A float keeps its written decimals
    (`388,10` → `WrittenNumber(388.1, 2)`); `01` (a code) and `1.5e3` are not read here."""
    body = text.strip()
    sign = ""
    if body[:1] in "+-\u2212":  # a true minus (−5,5), as typeset documents write it
        sign, body = body[:1].replace("\u2212", "-"), body[1:].lstrip()
    whole, mark, fraction = body.partition(decimal)
    if mark and not _DIGITS.fullmatch(fraction):
        return None
    if _DIGITS.fullmatch(whole):
        if len(whole) > 1 and whole[0] == "0":
            return None
    else:
        grouped = _GROUPED.fullmatch(whole)
        if not grouped or grouped[1] not in (_SPACES + "'" + ("." if decimal == "," else ",")):
            return None
        whole = re.sub(r"\D", "", whole)
    try:
        if not mark:
            return PlusInt(whole) if sign == "+" else int(sign + whole)
        number = float(f"{sign}{whole}.{fraction}")
    except ValueError:  # more digits than Python converts
        return None
    if not math.isfinite(number):
        return None
    # An explicit `+` (a change column) is printed as written (trial 8 #8).
    kind = PlusNumber if sign == "+" else WrittenNumber
    return kind(number, len(fraction))


def decimal_readings(text: str) -> dict[str, Number]:
    """Every reading of `text` as a number, by decimal mark (`1.322` → {",": 1322, ".":
    1.322}); one reading alone says which mark the file uses."""
    readings = {}
    for decimal in DECIMAL_MARKS:
        number = read_number(text, decimal)
        if number is not None:
            readings[decimal] = number
    return readings


def _ambiguous(readings: Mapping[str, Number]) -> bool:
    values = list(readings.values())
    return len(values) == 2 and (values[0] != values[1] or type(values[0]) is not type(values[1]))


@dataclass(frozen=True)
class CsvSettings:
    """How a CSV file is written, when the file alone cannot say (report.yml `data:`)."""

    decimal: str | None = None  # "," or "."
    delimiter: str | None = None
    header_row: int | None = None  # the line naming the columns (lines above: a title)
    labels: Mapping[str, str | Localized] = field(default_factory=dict)  # column headings
    # Where each label is written, (file, line), for a label of a column the file lacks;
    # a column not here is report.yml's.
    label_places: Mapping[str, tuple[str, int | None]] = field(default_factory=dict)


_SEPARATOR_HINT = re.compile(r"\ufeff?sep=(.)\s*$", re.IGNORECASE)


def _without_separator_hint(text: str) -> tuple[str, str | None]:
    """Excel's `sep=;` first line (its European exports say their separator so): the text
    with that line left empty (lines keep their numbers), and the separator it names."""
    lines = text.split("\n")
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    hint = _SEPARATOR_HINT.match(lines[index]) if index is not None else None
    if index is None or hint is None:
        return text, None
    lines[index] = ""
    return "\n".join(lines), hint[1]


def _from_header_row(text: str, header_row: int) -> tuple[str, str | None]:
    """The text with the lines above `header_row` emptied (lines keep their numbers); or
    what is wrong when the file has no such line."""
    lines = text.split("\n")
    if header_row > len(lines) or not lines[header_row - 1].strip(' \t\r,;|"'):
        return text, (
            f"header_row: {header_row} names no line of the file that holds the columns' names "
            f"(line {header_row} is {'empty' if header_row <= len(lines) else 'past its end'})"
        )
    return "\n" * (header_row - 1) + "\n".join(lines[header_row - 1 :]), None


def _title_above(row: list[str], text: str, delimiter: str, line: int, rel: str) -> Problem | None:
    """A problem when the first line (`row`, at `line`) holds one cell of text and a line
    below names several columns (a sheet's title exported above its table: `Regional results
    2025,,`); None otherwise."""
    filled = [cell for cell in row if cell.strip()]
    if len(row) < 2 or len(filled) != 1 or not row[0].strip():
        return None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    # The lines below, up to the first that names two columns or more: is it a header?
    for _ in range(line + 50):
        try:
            below = next(reader)
        except (StopIteration, csv.Error):
            return None
        if reader.line_num <= line:
            continue
        named = [cell.strip() for cell in below if cell.strip()]
        if len(named) < 2:
            continue
        if len(named) < len(below) or any(isinstance(read_cell(c, None), int | float)
                                          for c in named):  # fmt: skip
            return None  # a row of values, or a header with a gap: said as before
        at = reader.line_num
        sidecar = f"{rel}.yml"
        return problem(
            rel,
            line,
            f"is line {line} ('{_short_text(row[0])}') a title above the table? The first "
            f"non-empty line must name the columns; line {at} seems to ({', '.join(named[:4])}"
            f"{', …' if len(named) > 4 else ''}): delete the lines above it, or say where the "
            f"table starts in {sidecar} ('header_row: {at}')",
        )
    return None


DELIMITERS = (",", ";", "\t")
_DELIMITER_LINES = 100  # lines read to tell the delimiter


def _delimiter_of(text: str, first: str) -> str:
    """The delimiter the table's lines share: the candidate found the same number of times
    (at least once) on the most lines among the first ones, quoted text aside; ties go to
    the lines below the first, then to the one the first line holds most, then to ','. The
    first line alone was a title's above the table (an INE, Eurostat or INSEE export:
    "Tabla 1. Población …"), which holds none, and the table of `;` lines was read as one
    column (trial 8 #4)."""
    lines = [line for line in text.split("\n") if line.strip()][:_DELIMITER_LINES]
    unquoted = [re.sub(r'"[^"]*"', "", line) for line in lines]
    heading = re.sub(r'"[^"]*"', "", first)

    def agreeing(delimiter: str, lines: list[str]) -> int:
        counts = Counter(line.count(delimiter) for line in lines)
        counts.pop(0, None)
        return max(counts.values(), default=0)

    # Ties: the lines below the first decide (a title holding a comma), then the first.
    return max(
        DELIMITERS,
        key=lambda d: (agreeing(d, unquoted), agreeing(d, unquoted[1:]), heading.count(d)),
    )


def _one_column_title(
    row: list[str], text: str, delimiter: str, line: int, rel: str
) -> Problem | None:
    """A problem when the first line holds one cell (no delimiter) and the table's lines
    below hold several: a title above the table, as `_title_above` finds it when a title
    line is padded with delimiters (`Regional results 2025;;`). None otherwise."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    widths: list[tuple[int, int]] = []
    try:
        for below in reader:
            if reader.line_num > line and any(cell.strip() for cell in below):
                widths.append((reader.line_num, len(below)))
            if len(widths) >= _DELIMITER_LINES:
                break
    except csv.Error:
        return None
    wide = Counter(width for _, width in widths if width > 1)
    if not wide:
        return None
    width = wide.most_common(1)[0][0]
    if wide[width] * 2 < len(widths):
        return None  # most lines below hold one cell: a one-column table with stray lines
    at = next(number for number, count in widths if count == width)
    return problem(
        rel,
        line,
        f"is line {line} ('{_short_text(row[0])}') a title above the table? It holds one "
        f"cell, and the lines below hold {width}, separated by '{_named(delimiter)}' (the "
        f"first at line {at}): the first non-empty line must name the columns; delete the "
        f"lines above the table's header, or say where the table starts in {rel}.yml "
        f"('header_row: {at}', or the line below it if the header takes two lines)",
    )


def _joined_lines(
    raw: list[tuple[int, list[str]]], header_line: int, delimiter: str, rel: str
) -> Problem | None:
    """A problem when a one-column table's cells hold another delimiter on most rows: the
    lines of a table read whole (`Andalucía;8.584.147;…` as one cell), as when the
    delimiter given is not the file's."""
    cells = [row[0] for _, row in raw if row and row[0].strip()]
    for other in DELIMITERS:
        if other == delimiter or len(cells) < 2:
            continue
        holding = [cell for cell in cells if other in cell]
        if len(holding) * 2 > len(cells):
            return problem(
                rel,
                header_line,
                f"the table has one column, yet {len(holding)} of its {len(cells)} rows hold "
                f"'{_named(other)}' (e.g. '{_short_text(holding[0])}'): the file seems "
                f"separated by '{_named(other)}'; say so with 'delimiter: \"{_named(other)}\"' in "
                f"{rel}.yml, and where the table starts ('header_row:') if lines above it "
                "are a title",
            )
    return None


def _named(delimiter: str) -> str:
    return "\\t" if delimiter == "\t" else delimiter


def _short_text(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_csv(
    text: str, rel: str, name: str, settings: CsvSettings | None = None
) -> tuple[Table | None, list[Problem]]:
    """A CSV with a header row, separated by `,`, `;` or tabs.

    The decimal mark is the declared one (`settings`), else the one the file's numbers show
    (`12,5` or `1.234.567` show `,`; `12.5` or `0.125` show `.`); a cell that reads as two
    different numbers (`1.322`, `1,322`) with nothing to decide is a problem naming both
    readings and how to declare it. The table (None without a header row) and every problem,
    each at its line.
    """
    settings = settings or CsvSettings()
    text, hinted = _without_separator_hint(text)
    if settings.header_row is not None:
        text, above = _from_header_row(text, settings.header_row)
        if above is not None:
            return None, [problem(rel, None, above)]
    first = next((line for line in text.split("\n") if line.strip()), None)
    if first is None:
        return None, [problem(rel, 1, "empty CSV file: the first row must name the columns")]
    delimiter = settings.delimiter or hinted or _delimiter_of(text, first)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    problems: list[Problem] = []
    header: list[str] | None = None
    header_cells: list[str] = []
    header_line = 1
    header_problems: list[str] = []
    declared: dict[str, str] = {}
    raw: list[tuple[int, list[str]]] = []
    gaps: list[bool] = [False]  # an empty line before the header, before each row of raw
    gap = False
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(problem(rel, reader.line_num, f"cannot read CSV: {error}"))
            break
        if not any(cell.strip() for cell in row):
            gap = header is not None
            continue
        if header is None:
            title = _title_above(row, text, delimiter, line, rel)
            if settings.header_row is None and title is None and len(row) == 1:
                title = _one_column_title(row, text, delimiter, line, rel)
            if settings.header_row is None and title is not None:
                return None, [*problems, title]
            header_line, header_cells = line, row
            header, declared, header_problems = read_header(row)
            continue
        if len(row) != len(header):
            problems.append(
                problem(rel, line, f"row has {len(row)} fields, the header has {len(header)}")
            )
            continue
        if (len(raw) + 1) * len(header) > CSV_MAX_CELLS:
            message = f"more than {CSV_MAX_CELLS} cells (rows × columns); split the table"
            return None, [*problems, problem(rel, line, message)]
        raw.append((line, row))
        gaps.append(gap)
        gap = False
    if header is None:
        return None, problems
    if len(header) == 1 and (joined := _joined_lines(raw, header_line, delimiter, rel)):
        return None, [joined]
    raw = _first_table(header_cells, header_line, raw, gaps, rel, problems)
    empty = _empty_trailing_columns(header_cells, raw)
    if empty:
        # Excel's "CSV" of a sheet with formatted empty columns: `name,amount,,` on every row.
        header, declared, header_problems = read_header(header_cells[:-empty])
        raw = [(line, row[:-empty]) for line, row in raw]
        what = "an empty column" if empty == 1 else f"{empty} empty columns"
        problems.append(
            Problem(rel, header_line, f"{what} at the end of every row (no name, no value) "
                    "left out", stage=Stage.PROJECT, severity=Severity.WARNING)
        )  # fmt: skip
    problems[:0] = [problem(rel, header_line, message) for message in header_problems]
    guessed_dates = _iso_date_columns(raw, header, declared)
    declared = {**_percent_columns(raw, header, declared), **guessed_dates, **declared}
    decimal, mixed = _decimal_of(raw, header, declared, rel, settings)
    problems += mixed
    rows: list[dict[str, Any]] = []
    unsure: dict[str, list[tuple[int, str, dict[str, Number]]]] = {}
    for line, row in raw:
        values: dict[str, Any] = {}
        for column, cell in zip(header, row, strict=True):
            kind = declared.get(column)
            forced = _TEXT_FORMULA.fullmatch(cell.strip())
            if forced and kind in (None, "text"):
                # Excel's way to keep a code's leading zeros in a CSV (`="00123"`): the text
                # it shows, never a number (trial 6 #63: printed `="00123"`).
                values[column] = forced[1].replace('""', '"')
                continue
            readings = decimal_readings(cell) if decimal is None and not _is_date(kind) else {}
            if _ambiguous(readings) and kind in (None, "number", "percent"):
                unsure.setdefault(column, []).append((line, cell.strip(), readings))
                values[column] = None
                continue
            if kind is None:
                values[column] = read_cell(cell, decimal)
                continue
            try:
                values[column] = read_typed_cell(cell, kind, decimal)
            except _BadCell as error:
                values[column] = None
                message = (
                    odd_date_message(column, cell, "write it YYYY-MM-DD")
                    if column in guessed_dates
                    else f"column '{column}' {error}"
                )
                problems.append(problem(rel, line, message))
        rows.append(values)
    problems += _undeclared_dates(raw, header, declared, rel)
    problems += _mixed_columns(raw, header, declared, rows, rel)
    if settings.decimal:
        problems += _contradicted_mark(raw, header, declared, rows, rel, settings.decimal)
    problems += _fraction_percents(raw, header, declared, rows, rel)
    for column, cells in unsure.items():
        line, cell, readings = cells[0]
        more = f" (and {len(cells) - 1} more cells like it)" if len(cells) > 1 else ""
        problems.append(problem(rel, line, _ambiguity_message(rel, column, cell, readings) + more))
    for column in settings.labels:
        if column not in header:
            known = ", ".join(header)
            place = settings.label_places.get(column)
            if place is None:
                message = (
                    f"report.yml gives a label to column '{column}', which the file does not have"
                )
                problems.append(problem(rel, 1, f"{message} (its columns: {known})"))
            else:
                message = f"a label for column '{column}', which {rel} does not have"
                problems.append(problem(place[0], place[1], f"{message} (its columns: {known})"))
    for mismatch in total_mismatches(rows, header) if raw else []:
        line, fields = raw[-1]
        written = fields[header.index(mismatch.column)].strip()
        added = format(mismatch.added.normalize(), "f")
        problems.append(
            Problem(rel, line, f"the total row's '{mismatch.column}' is {written}, but the rows "
                    f"above add up to {added.replace('.', decimal or '.')}: it is printed as "
                    "it is; check the data (a total not updated, or rows left out of the file)",
                    stage=Stage.PROJECT, severity=Severity.WARNING)
        )  # fmt: skip
    labels = {c: text for c, text in settings.labels.items() if c in header}
    return Table(name, header, rows, base_types(declared), labels), problems


def _first_table(
    header: list[str],
    header_line: int,
    raw: list[tuple[int, list[str]]],
    gaps: list[bool],
    rel: str,
    problems: list[Problem],
) -> list[tuple[int, list[str]]]:
    """`raw` up to a second table below the first, after an empty line (`stacked_tables`),
    which is a problem at its line; all of `raw` when there is none."""
    found = second_table([header, *(row for _, row in raw)], gaps, _a_figure)
    if found is None:
        return _without_notes_below(raw, gaps, rel, problems)
    index, what = found
    line = raw[index - 1][0]
    message = stacked_message(line, what, header_line, "line", "file", None)
    problems.append(problem(rel, line, message))
    return raw[: index - 1]


def _without_notes_below(
    raw: list[tuple[int, list[str]]], gaps: list[bool], rel: str, problems: list[Problem]
) -> list[tuple[int, list[str]]]:
    """`raw` without the lines of words below the table, after an empty line (`Source: INE`,
    a note: an export's usual footer), each a problem at its line; they were printed as rows
    of the table (trial 6 #62)."""
    last_gap = max((i for i, gap in enumerate(gaps) if gap), default=0)  # gaps[i]: before raw[i-1]
    if not last_gap or len(raw[0][1]) < 2:
        return raw  # one column: a note would look like any of its rows
    below = raw[last_gap - 1 :]
    if not all(
        len(filled := [c for c in row if c.strip()]) == 1 and not _a_figure(filled[0])
        for _, row in below
    ):
        return raw
    for line, row in below:
        words = _short_text(next(c for c in row if c.strip()).strip())
        message = (
            f"'{words}', below the table after an empty line, would print as a row of it: a "
            "source or a note is not data; write it in the chapter (under the table) and "
            "delete it here"
        )
        problems.append(problem(rel, line, message))
    return raw[: last_gap - 1]


def _a_figure(text: Any) -> bool:
    """A cell written as a number, a percent or a date, in either decimal mark."""
    text = str(text).strip().removesuffix("%").rstrip()
    return (
        bool(decimal_readings(text)) or read_date(text, None) is not None or looks_like_a_date(text)
    )


def _empty_trailing_columns(header: list[str], raw: list[tuple[int, list[str]]]) -> int:
    """How many columns at the end have no name and no value in any row (0 if none)."""
    count = 0
    while count < len(header) - 1 and not header[-1 - count].strip():
        count += 1
    while count and any(any(cell.strip() for cell in row[-count:]) for _, row in raw):
        count -= 1
    return count


def _percent_columns(
    raw: list[tuple[int, list[str]]], header: list[str], declared: Mapping[str, str]
) -> dict[str, str]:
    """Undeclared columns whose every cell is a percent (`12,5 %`, `40%`, `-2 %`, `250 %`): typed
    `percent`, as a spreadsheet's percent cells are, rather than left as text."""
    found = {}
    for index, column in enumerate(header):
        cells = [row[index].strip() for _, row in raw if row[index].strip()]
        if column in declared or not cells:
            continue
        if all(cell.endswith("%") and _a_percent(cell[:-1].rstrip()) for cell in cells):
            found[column] = "percent"
    return found


def _iso_date_columns(
    raw: list[tuple[int, list[str]]], header: list[str], declared: Mapping[str, str]
) -> dict[str, str]:
    """Undeclared columns of ISO dates (`2026-03-01`): typed `date`, so that they print as
    dates in the edition's language, as a workbook's date cells do. A column of dates with
    a few other cells (`2026-13-01`, `31/01/2025`, `n/a`) is one too, each other cell then a
    problem at its line (`a_column_of_dates`), never a column silently turned to text."""
    found = {}
    for index, column in enumerate(header):
        cells = [row[index] for _, row in raw if row[index].strip()]
        if column in declared or not cells:
            continue
        others = [cell for cell in cells if read_date(cell, None) is None]
        if a_column_of_dates(len(cells) - len(others), others):
            found[column] = "date"
    return found


_CODE = re.compile(r"[+-]?0\d+")  # `01`, `0042`: a code, and the column one of codes
_NOT_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
_TEXT_FORMULA = re.compile(r'="((?:[^"]|"")*)"')


def _mixed_columns(
    raw: list[tuple[int, list[str]]],
    header: list[str],
    declared: Mapping[str, str],
    rows: list[dict[str, Any]],
    rel: str,
) -> list[Problem]:
    """Undeclared columns holding numbers and text. Mostly numbers: each other cell is a
    located problem (`(12,5)`, `n/a`), never a column silently turned to text. Mostly text,
    or codes with leading zeros (`01`): a text column, every cell kept as written (`3,0`,
    not `3.0`), so a table and `{{ row.x }}` print the same."""
    problems = []
    for index, column in enumerate(header):
        if column in declared:
            continue
        cells = [(line, row[index], values) for (line, row), values in zip(raw, rows, strict=True)
                 if row[index].strip()]  # fmt: skip
        numbers = [c for c in cells if isinstance(c[2][column], int | float)]
        others = [c for c in cells if isinstance(c[2][column], str)]  # None: reported already
        if not numbers or not others:
            continue
        # `inf`, `nan` (what a program writes for a division by zero or a missing value):
        # no figure; a column of them and numbers became text, with no total (trial 6 #54).
        endless = [c for c in others if _NOT_FINITE.fullmatch(c[1].strip())]
        for line, text, values in endless:
            values[column] = None
            problems.append(
                problem(rel, line, f"column '{column}': '{text.strip()}' is not a finite "
                        "number (YAML refuses it too); write the figure, or leave the cell "
                        "empty where it is not known")
            )  # fmt: skip
        others = [c for c in others if c not in endless]
        if not others:
            continue
        codes = any(_CODE.fullmatch(text.strip()) for _, text, _ in others)
        if len(numbers) > len(others) and not codes:
            for line, text, _ in others:
                problems.append(problem(rel, line, _odd_cell_message(column, text.strip())))
            continue
        for _, text, values in numbers:
            values[column] = text
    return problems


def _contradicted_mark(
    raw: list[tuple[int, list[str]]],
    header: list[str],
    declared: Mapping[str, str],
    rows: list[dict[str, Any]],
    rel: str,
    mark: str,
) -> list[Problem]:
    """An undeclared column whose every cell is a number written with the other decimal mark
    than report.yml declares (`12.5` under `decimal: ','`): it became a text column, out of
    any total, without a word (trial 6 #40). An error at its first cell."""
    other = "." if mark == "," else ","
    problems = []
    for index, column in enumerate(header):
        if column in declared:
            continue
        cells = [(line, row[index].strip(), values) for (line, row), values
                 in zip(raw, rows, strict=True) if row[index].strip()]  # fmt: skip
        if not cells or not all(isinstance(values[column], str) for _, _, values in cells):
            continue
        if all(other in text and read_number(text, other) is not None for _, text, _ in cells):
            line, text, _ = cells[0]
            words = "comma" if mark == "," else "point"
            problems.append(
                problem(rel, line, f"column '{column}': '{text}' is not a number with a decimal "
                        f"{words}, which report.yml declares for {rel} (decimal: '{mark}'); "
                        "the column would print as text: fix the declaration or the file")
            )  # fmt: skip
    return problems


def _odd_cell_message(column: str, text: str) -> str:
    accounting = re.fullmatch(r"\(\s*([\d.,\s]+?)\s*\)", text)
    fix = f"write -{accounting[1]}" if accounting else "write a number"
    return (
        f"column '{column}': '{text}' is not a number like the others; {fix}, leave the cell "
        f"empty, or declare the column as text ('{column} [text]')"
    )


def _fraction_percents(
    raw: list[tuple[int, list[str]]],
    header: list[str],
    declared: Mapping[str, str],
    rows: list[dict[str, Any]],
    rel: str,
) -> list[Problem]:
    """A `[percent]` column written as fractions (`0.125` for 12.5 %): percents run from 0 to
    100, so every cell between 0 and 1 without a `%` is more likely a fraction; refused rather
    than printed a hundred times too small. `0,5 %` (with its sign) says it is a percent."""
    problems = []
    for index, column in enumerate(header):
        if declared.get(column) != "percent":
            continue
        cells = [
            (line, row[index].strip(), values[column])
            for (line, row), values in zip(raw, rows, strict=True)
            if row[index].strip()
        ]
        numbers = [n for _, _, n in cells if isinstance(n, int | float)]
        if (
            numbers
            and not any(text.endswith("%") for _, text, _ in cells)
            and all(0 <= n <= 1 for n in numbers)
            and any(0 < n < 1 for n in numbers)
        ):
            line, text, _ = next(c for c in cells if isinstance(c[2], float) and 0 < c[2] < 1)
            problems.append(
                problem(rel, line, f"column '{column}': every percent is from 0 to 1 ('{text}' "
                        "is read as {text} %); if these are fractions (0.125 for 12.5 %), "
                        "multiply them by 100, and if they are small percents write them with "
                        "their sign (0.5 %)".replace("{text}", text))
            )  # fmt: skip
    return problems


def _a_percent(text: str) -> bool:
    """Any finite number: a share runs from 0 to 100, but a change (-2 %) or a growth (250 %)
    is a percent too, and a column of them turned to text printed in the wrong language."""
    readings = decimal_readings(text).values()
    return bool(readings) and all(math.isfinite(number) for number in readings)


def _is_date(kind: str | None) -> bool:
    return kind is not None and kind.partition(":")[0] == "date"


def base_types(declared: Mapping[str, str]) -> dict[str, str]:
    """Declared types without their form: `date:%d/%m/%Y` is a `date` column."""
    return {column: kind.partition(":")[0] for column, kind in declared.items()}


def _undeclared_dates(
    raw: list[tuple[int, list[str]]], header: list[str], declared: Mapping[str, str], rel: str
) -> list[Problem]:
    """A column of `24/08/2020`-like cells that declares nothing: refused, naming its
    readings, rather than kept as text that sorts and prints wrong."""
    problems = []
    for index, column in enumerate(header):
        if column in declared:
            continue
        cells = [(line, row[index]) for line, row in raw if row[index].strip()]
        found = column_problem(column, [cell for _, cell in cells])
        if found:
            problems.append(problem(rel, cells[found[0]][0], found[1]))
    return problems


def _ambiguity_message(rel: str, column: str, cell: str, readings: Mapping[str, Number]) -> str:
    comma, dot = readings[","], readings["."]
    mark = "." if "." in cell else ","
    as_grouping, as_decimal = (comma, dot) if mark == "." else (dot, comma)
    grouped = "," if mark == "." else "."
    return (
        f"column '{column}': '{cell}' could be {as_grouping!r} ('{mark}' grouping thousands) or "
        f"{float(as_decimal)!r} ('{mark}' as the decimal mark), and no other number in the file "
        f"says which; declare whole numbers in the header ('{column} [int]') or the file's "
        f"decimal mark in report.yml (data: {{{Path(rel).name}: {{decimal: "
        f"'{grouped if mark == '.' else '.'}'}}}})"
    )


def _decimal_of(
    raw: list[tuple[int, list[str]]],
    header: list[str],
    declared: Mapping[str, str],
    rel: str,
    settings: CsvSettings,
) -> tuple[str | None, list[Problem]]:
    """The file's decimal mark: declared, else the only one its numbers show, else None."""
    if settings.decimal:
        return settings.decimal, []
    seen: dict[str, tuple[int, str]] = {}
    for line, row in raw:
        for column, cell in zip(header, row, strict=True):
            if (declared.get(column) or "").partition(":")[0] in ("text", "date"):
                continue
            readings = decimal_readings(cell.strip().removesuffix("%"))  # `12.5%` shows '.'
            if len(readings) == 1:
                seen.setdefault(next(iter(readings)), (line, cell.strip()))
    if len(seen) == 2:
        (line_a, cell_a), (line_b, cell_b) = seen[","], seen["."]
        message = (
            f"numbers are written with both decimal marks: '{cell_a}' (line {line_a}) and "
            f"'{cell_b}' (line {line_b}); declare the file's decimal mark in report.yml "
            f"(data: {{{Path(rel).name}: {{decimal: ','}}}}) or correct the cells"
        )
        return None, [problem(rel, max(line_a, line_b), message)]
    return (next(iter(seen)) if seen else None), []


def read_header(row: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
    """Column names without their `[type]`, the declared types by name, and problems."""
    names: list[str] = []
    declared: dict[str, str] = {}
    problems: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(row, start=1):
        name, written = cell.strip(), None
        match = _TYPED_HEADER.fullmatch(name)
        if match:
            name, written = match[1].strip(), match[2].strip()
        names.append(name)
        if not name:
            problems.append(f"column {index} has no name in the header row")
        elif name in seen:
            problems.append(f"column '{name}' appears twice in the header row")
        seen.add(name)
        if written is None or not name:
            continue
        kind, colon, form = written.partition(":")
        kind = kind.strip().lower()  # `[Int]` is `[int]`; a date's form keeps its case
        if kind == "date" and colon:
            why = check_date_format(form.strip())
            if why:
                problems.append(f"column '{name}': the date form {why}")
                declared[name] = "text"  # reported once, not again as undeclared dates
            else:
                declared[name] = f"date:{form.strip()}"
            continue
        if kind in CSV_TYPES and not colon:
            declared[name] = kind
            continue
        close = difflib.get_close_matches(kind, CSV_TYPES, n=1, cutoff=0.5)
        tip = f"did you mean '{close[0]}'? " if close else ""
        problems.append(
            f"column '{name}' has an unknown type '{written}' "
            f"({tip}known types: {', '.join(CSV_TYPES)})"
        )
    return names, declared, problems


def _mark(decimal: str | bool | None) -> str | None:
    """The decimal mark; True/False (a decimal comma or not) as earlier callers passed it."""
    if isinstance(decimal, bool):
        return "," if decimal else "."
    return decimal


def read_cell(field: str, decimal: str | bool | None) -> Any:
    """Numbers become int/float (written decimals kept); codes with leading zeros, and
    everything else, stay text. `decimal`: the file's mark, or None when unknown (a cell
    then reads only if both marks agree, which the caller has checked)."""
    text = field.strip()
    mark = _mark(decimal)
    if mark != "," and _FLOAT.fullmatch(text) and not _INT.fullmatch(text) and "e" in text.lower():
        try:
            exponent = float(text)
        except ValueError:
            return field
        if not math.isfinite(exponent):
            return field
        # The written value's decimals, as YAML keeps them: `3.25e-2` prints 0.0325, not 0.03.
        return WrittenNumber(exponent, decimals_written(exponent, text))
    for candidate in (mark,) if mark else DECIMAL_MARKS:
        number = read_number(text, candidate)
        if number is not None:
            return number
    return field


def read_typed_cell(field: str, kind: str, decimal: str | bool | None) -> Any:
    """The cell read as `kind`; None when blank. Raises `ValueError` (a `_BadCell`) whose
    message ends the problem: `expects a whole number, got 'abc'`."""
    text = field.strip()
    if not text:
        return None
    if kind == "text":
        return field
    if _is_date(kind):
        return _date_cell(text, kind.partition(":")[2] or None)
    bad = _BadCell(f"expects {_EXPECTS[kind]}, got '{text}'")
    mark = _mark(decimal)
    if kind == "int":
        # `1.322` is 1322 unless the file writes decimals with '.'.
        marks = (mark,) if mark else DECIMAL_MARKS
        wholes = [n for m in marks if isinstance(n := read_number(text, m), int)]
        if not wholes:
            raise bad
        return wholes[0]
    if kind == "percent" and text.endswith("%"):
        text = text[:-1].rstrip()
    number = read_cell(text, mark)
    if isinstance(number, str):
        if mark == "." and read_number(text, ",") is not None:
            raise _BadCell(f"{bad} (the file writes decimals with '.')")
        raise bad
    if not math.isfinite(number):
        raise bad
    if kind == "percent":  # printed with its sign wherever it is printed (trial 7 #27)
        places = getattr(number, "decimals", None)
        shown = PlusPercent if isinstance(number, Plus) else ShownPercent
        return shown(float(number), places if isinstance(places, int) else None)
    return number if isinstance(number, float) else float(number)


def _date_cell(text: str, form: str | None) -> dt.date:
    """A date cell: ISO, or in the column's declared form; else `_BadCell` naming the form
    expected (and, for `24/08/2020` in an ISO column, its readings and how to declare)."""
    day = read_date(text, form)
    if day is not None:
        return day
    if form is not None:
        raise _BadCell(f"expects a date written {form}, got '{text}'")
    if looks_like_a_date(text):
        raise _BadCell(
            f"expects a date as YYYY-MM-DD, got '{text}', which {reading_words(text)}; declare "
            f"the column's form in the header, e.g. [date:{DAY_FIRST}] or [date:{MONTH_FIRST}]"
        )
    raise _BadCell(f"expects {_EXPECTS['date']}, got '{text}'")
