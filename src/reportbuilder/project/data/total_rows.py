"""A table's own total row, as offices' sheets and exports nearly always end: `Total`,
`Totale`, `Total general`, `Grand total`, `Summe`, `Gesamt`, `Suma`, `Somme`, `Soma` …

Such a row is not a data row: summing the rows with it counts every number twice (a table's
`total=True`, a `| sum` filter). It is recognised by its first cell, a total word of English,
French, Spanish, German, Italian or Portuguese (case-insensitive, alone or followed by more
words: `Total 2025`, `TOTAL GENERAL`), on the table's last row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

TOTAL_WORDS = (
    "total", "totals", "grand total", "sum", "sums", "subtotal",  # en
    "totaux", "somme", "sous-total",  # fr (total, total général: above)
    "suma", "totales", "suma total",  # es (total, total general)
    "summe", "gesamt", "gesamtsumme", "insgesamt", "zusammen", "gesamtergebnis",  # de
    "totale", "somma", "complessivo",  # it
    "soma", "totais",  # pt
)  # fmt: skip
_TOTAL = re.compile(
    r"(?:" + "|".join(re.escape(w) for w in sorted(TOTAL_WORDS, key=len, reverse=True)) + r")"
    r"(?![\w-])",
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
