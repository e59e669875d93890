"""The project's data files (`data/*.yml|*.yaml|*.json|*.csv`, one namespace per file stem) and
the statistics model found in them: key figures, breakdowns and their categories, with the
consistency rules that keep the numbers of a report honest.

Derived values, so that authors never compute a number by hand:

- `Figure.percent_of` (value as a percent of `of`) and `Figure.rest` (`of` − value);
- `Breakdown.base`, when not given, is the sum of the counts if every category gives one (a
  breakdown without a base may also give percents only, but not mix the two);
- `Category.count` / `Category.percent` derived from each other when the base is known;
  `Category.rest_percent` (100 − percent) and `Category.rest_count` (base − count), the
  complement of the category; `Breakdown.total_count`, `total_percent`, `largest`, `smallest`.

CSV files become a `Table`, with column types declared in the header (`victims [int]`) or
guessed; see `readers`. Loading is language-neutral: a text given per language is a
`Localized` until `localize(namespaces, lang)` picks one edition's texts.

Modules: `model` (the model and `localize`), `readers` (files into values), `rules` (the
statistics rules on plain values), `load` (`load_data`: reading, building, checking).
"""

from __future__ import annotations

from reportbuilder.project.data.load import load_data
from reportbuilder.project.data.model import (
    CSV_TYPES,
    NUMERIC_TYPES,
    RESERVED_CATEGORY_KEYS,
    Breakdown,
    Category,
    Figure,
    Localized,
    Table,
    localize,
)

__all__ = [
    "CSV_TYPES",
    "NUMERIC_TYPES",
    "RESERVED_CATEGORY_KEYS",
    "Breakdown",
    "Category",
    "Figure",
    "Localized",
    "Table",
    "load_data",
    "localize",
]
