"""A second table below the first on one sheet or in one CSV file: an empty row, then another
header and its rows.

A sheet is read as one table (from its first row, its `header_row` or its `range`), a CSV file
too, so the second table's header and rows would be printed as rows of the first: `office`,
`staff` as a region and a count. After an empty row, a row is taken for a new table's header
when it holds only text and either the row under it holds numbers or dates below that text,
or the first table holds numbers or dates in a column where it holds text, or it repeats the
first header, or it is a cross-tab's header of years (an empty corner cell, then `2024`,
`2025`); a row of one text cell (a title, `Table 2: staff`) right above such a header
counts as its start. Two tables of text only are not told from one: nothing in the cells says
where one ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

Row = Sequence[Any]  # the values of one row, by column position (the same in every row)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def a_figure(value: Any) -> bool:
    """A workbook's number or date: what a header's text is not."""
    kinds = int | float | dt.date | dt.time | dt.timedelta
    return isinstance(value, kinds) and not isinstance(value, bool)


class _Rows:
    def __init__(self, figure: Callable[[Any], bool]) -> None:
        self.figure = figure

    def filled(self, row: Row) -> list[tuple[int, Any]]:
        return [(index, value) for index, value in enumerate(row) if not blank(value)]

    def all_text(self, row: Row) -> bool:
        filled = self.filled(row)
        return bool(filled) and not any(self.figure(value) for _, value in filled)

    def figure_columns(self, rows: Sequence[Row]) -> set[int]:
        """Columns where most filled cells of `rows` are numbers or dates."""
        counts: dict[int, list[int]] = {}
        for row in rows:
            for index, value in self.filled(row):
                counts.setdefault(index, [0, 0])[0 if self.figure(value) else 1] += 1
        return {index for index, (figures, texts) in counts.items() if figures > texts}

    def a_header(self, row: Row, below: Row | None, header: Row, first: Sequence[Row]) -> bool:
        filled = self.filled(row)
        if not self.all_text(row) or (len(filled) < 2 and len(self.filled(header)) >= 2):
            return False
        columns = {index for index, _ in filled}
        over_figures = below is not None and any(
            self.figure(value) and index in columns for index, value in self.filled(below)
        )
        return (
            over_figures
            or bool(columns & self.figure_columns(first))
            or texts(row) == texts(header)
        )


def texts(row: Row) -> list[str]:
    return [str(value).strip() for value in row if not blank(value)]


def second_table(
    rows: Sequence[Row], gaps: Sequence[bool], figure: Callable[[Any], bool] = a_figure
) -> tuple[int, str] | None:
    """Where a second table starts in `rows` (the first is the header): its index, and what
    shows it (`a header ('office', 'staff')`, `the header again`); None when the rows are one
    table. `gaps[i]`: an empty row lies between rows i-1 and i. `figure(value)`: whether a
    cell is a number or a date."""
    look = _Rows(figure)
    header = rows[0]

    def next_to(index: int) -> Row | None:
        return rows[index] if index < len(rows) and not gaps[index] else None

    for index in range(2, len(rows)):
        if not gaps[index]:
            continue
        row, below = rows[index], next_to(index + 1)
        if look.a_header(row, below, header, rows[1:index]) or _years_header(row, header):
            return index, _what(row, header)
        title = len(look.filled(row)) == 1 and look.all_text(row)
        if (
            title
            and below is not None
            and look.a_header(below, next_to(index + 2), header, rows[1:index])
        ):
            return index, f"a title above {_what(below, header)}"
    return None


_FIRST_YEAR, _LAST_YEAR = 1900, 2100


def _a_year(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
        value = int(value.strip())
    return isinstance(value, int) and _FIRST_YEAR <= value <= _LAST_YEAR


def _years_header(row: Row, header: Row) -> bool:
    """A cross-tab's header: an empty corner cell, then years (`, 2024, 2025`), under a
    header whose first cell names the rows. Its years are numbers, so `a_header` (text
    only) missed it and they were summed into the total (trial 6 #18)."""
    if not row or not blank(row[0]) or not header or blank(header[0]):
        return False
    filled = [value for value in row[1:] if not blank(value)]
    years = [int(float(str(value).strip())) for value in filled if _a_year(value)]
    return len(filled) >= 1 and len(years) == len(filled) and len(set(years)) == len(years)


def _what(row: Row, header: Row) -> str:
    found = texts(row)
    if found == texts(header):
        return "the header again"
    shown = ", ".join(f"'{t[:30]}'" for t in found[:4]) + (", …" if len(found) > 4 else "")
    return f"a header ({shown})"


def message(
    row: int, what: str, header_row: int, where: str, container: str, alone: str | None
) -> str:
    """The problem of a second table found at `row` (`what`, from `second_table`), below the
    header at `header_row`; `where`: `row` or `line`; `container`: `sheet` or `file`;
    `alone`, when the format can: how to read the first table alone (`'range: Main!A1:C6'
    in data/x.xlsx.yml`)."""
    if what == "the header again":
        fix = f"delete it, or read the rows above alone with {alone}" if alone else "delete it"
        return (
            f"{where} {row} repeats the header ({where} {header_row}) after an empty {where}, "
            f"and would print as a data row; {fix}"
        )
    fix = f"read the table above alone with {alone}, and put" if alone else "put"
    place = "on a sheet" if container == "sheet" else f"in a {container}"
    return (
        f"{where} {row} looks like the start of a second table ({what}) after an empty "
        f"{where}: the {container} is read as one table, so its rows would print as rows of the "
        f"table above (header at {where} {header_row}); {fix} the other table {place} of "
        "its own, or delete it"
    )
