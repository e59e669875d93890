"""A table's own total row, as offices' sheets and exports nearly always end: `Total`,
`Totale`, `Total general`, `Grand total`, `Summe`, `Gesamt`, `Suma`, `Somme`, `Soma` …

Such a row is not a data row: summing the rows with it counts every number twice (a table's
`total=True`, a `| sum` filter). It is recognised by its first cell, a total word of English,
French, Spanish, German, Italian or Portuguese (case-insensitive, alone or followed by more
words: `Total 2025`, `TOTAL GENERAL`), on the table's last row. A note mark right after the
word is no other word: `Total¹`, `Total1` (a workbook's superscript read as text), `Total*`.

A summary row (`Average`, `Mean`, `Median`, `Moyenne`, `Promedio`, `Durchschnitt` …) is not
data either: summed with the rows, an average counted as one more region (trial 7). It is
recognised the same way, on any row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportbuilder.project.data.model import ShownPercent

TOTAL_WORDS = (
    "total", "totals", "grand total", "sum", "sums", "subtotal",  # en
    "totaux", "somme", "sous-total",  # fr (total, total général: above)
    "suma", "totales", "suma total",  # es (total, total general)
    "summe", "gesamt", "gesamtsumme", "insgesamt", "zusammen", "gesamtergebnis",  # de
    "totale", "somma", "complessivo",  # it
    "soma", "totais",  # pt
)  # fmt: skip
# A note mark written onto the word: `Total¹`, `Total1`, `Total†` (trial 8 #42).
_NOTE_MARK = r"(?:[\u00b9\u00b2\u00b3\u2070-\u2079]+|\d{1,2}|[*\u2020\u2021]+)?"
_TOTAL = re.compile(
    r"(?:"
    + "|".join(re.escape(w) for w in sorted(TOTAL_WORDS, key=len, reverse=True))
    + r")"
    + _NOTE_MARK
    + r"(?![\w-])",
    re.IGNORECASE,
)


def is_total_label(value: Any) -> bool:
    """Whether a first cell names a total row: `Total`, `TOTAL GENERAL`, `Summe:`."""
    return isinstance(value, str) and _TOTAL.match(value.strip()) is not None


def row_label(row: Mapping[str, Any], columns: Sequence[str]) -> Any:
    """What names `row`: its first cell, or its second when the first is a code the total row
    leaves empty (`,Total,200` under `A1,North,120`: official exports put a code first) or
    the second names a total (trial 7 #25)."""
    first = row.get(columns[0]) if columns else None
    if len(columns) > 1:
        second = row.get(columns[1])
        empty = first is None or (isinstance(first, str) and not first.strip())
        if is_total_label(second) and (empty or not is_total_label(first)):
            return second
    return first


def own_total(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> bool:
    """Whether the last of `rows` is the table's own total row (and not its only row)."""
    return len(rows) > 1 and bool(columns) and is_total_label(row_label(rows[-1], columns))


SUMMARY_WORDS = (
    "average", "overall average", "weighted average", "median",  # en
    "moyenne", "médiane", "mediane", "moyenne générale", "moyenne pondérée",  # fr
    "promedio", "mediana", "promedio general", "promedio ponderado",  # es, it
    "durchschnitt", "mittelwert", "gesamtdurchschnitt", "média", "media ponderata",  # de, pt, it
)  # fmt: skip
# Words that name other things too (`Media` the sector, `Mean Street`): a summary only alone,
# or followed by a year or a colon.
ALONE_SUMMARY_WORDS = ("mean", "avg", "media", "mittel", "ø")
_SUMMARY = re.compile(
    r"(?:" + "|".join(re.escape(w) for w in sorted(SUMMARY_WORDS, key=len, reverse=True)) + r")"
    r"(?![\w-])"
    r"|(?:" + "|".join(re.escape(w) for w in ALONE_SUMMARY_WORDS) + r")\.?(?:\s+\d{4})?\s*:?\s*$",
    re.IGNORECASE,
)


def is_summary_label(value: Any) -> bool:
    """Whether a first cell names a summary row: `Average`, `MEAN 2025`, `Moyenne :`."""
    return isinstance(value, str) and _SUMMARY.match(value.strip()) is not None


def summary_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> list[int]:
    """The indexes of the rows of `rows` named as a summary (an average, a median): never
    the only row."""
    if len(rows) < 2 or not columns:
        return []
    found = []
    for index, row in enumerate(rows):
        first = row.get(columns[0])
        named = is_summary_label(first)
        if not named and len(columns) > 1 and (first is None or str(first).strip() == ""):
            named = is_summary_label(row.get(columns[1]))  # a code column left empty on it
        if named:
            found.append(index)
    return found


@dataclass(frozen=True)
class Mismatch:
    """A column of a table's own total row that is not the sum of the rows above it."""

    column: str
    given: float | int
    added: Decimal


def _exact(number: float | int) -> Decimal:
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


def _rounding(number: float | int) -> Decimal:
    """How far a number written with its decimals may be from the figure it rounds: half its
    last digit (`12.5` stands for 12.45 to 12.55); a whole number is exact."""
    places = getattr(number, "decimals", None)
    if isinstance(number, int) or places is None:
        return Decimal(0)
    return Decimal(5).scaleb(-int(places) - 1)


def total_mismatches(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> list[Mismatch]:
    """The columns of the table's own total row (its last, `Total`) whose figure is not the
    sum of the rows above, beyond what the rounding of the figures written allows: a stale
    total, or rows left out of the file, printed as the table's total (trial 8 #2). A
    column whose total is less than its largest figure, all of them positive, holds a rate or
    an average (not a sum); a percent's total is not checked, nor a table with subtotal or
    summary rows (their sum counts rows twice)."""
    if not own_total(rows, columns) or summary_rows(rows, columns):
        return []
    *data_rows, total_row = rows
    if any(is_total_label(row_label(row, columns)) for row in data_rows):
        return []
    found = []
    for column in columns:
        given = total_row.get(column)
        if not isinstance(given, int | float) or isinstance(given, bool | ShownPercent):
            continue
        numbers = [
            value for value in (row.get(column) for row in data_rows)
            if isinstance(value, int | float) and not isinstance(value, bool)
        ]  # fmt: skip
        if not numbers or any(isinstance(n, ShownPercent) for n in numbers):
            continue
        if min(numbers) >= 0 and given < max(numbers):
            continue  # a rate or an average, not a sum
        added = sum((_exact(n) for n in numbers), Decimal(0))
        allowed = sum((_rounding(n) for n in [*numbers, given]), Decimal(0))
        allowed = max(allowed, abs(_exact(given)) * Decimal("1e-9"))  # binary floats' noise
        if abs(added - _exact(given)) > allowed:
            found.append(Mismatch(column, given, added))
    return found
