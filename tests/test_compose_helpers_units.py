"""A key figure whose unit is a symbol (`unit: "€"`) showed its amount bare and began its
caption with "€" ("1 234 567 890" over "€ Budget"): the figure a reader quotes from the box
had no currency (trial 8 #30). A symbol is set with the value; a unit in words still heads
the caption."""

from __future__ import annotations

import pytest

from reportbuilder.compose.formatting import Formatter
from reportbuilder.compose.helpers import Helpers
from reportbuilder.project.data.model import Figure

NBSP, NNBSP = "\u00a0", "\u202f"


def _helpers(lang: str) -> Helpers:
    from reportbuilder.compose.charts import ChartStyle

    return Helpers(Formatter(lang), {"of_total": "of", "total": "Total"}, {}, ChartStyle())


@pytest.mark.parametrize(
    ("lang", "unit", "big", "caption"),
    [
        ("fr", "€", f"1{NNBSP}234{NNBSP}567{NBSP}€", "Budget"),
        ("en", "€", "€1,234,567", "Budget"),
        ("en", "km²", f"1,234,567{NBSP}km²", "Budget"),
        ("en", "households", "1,234,567", "households Budget"),
        ("fr", "mois d'enquête", f"1{NNBSP}234{NNBSP}567", "mois d'enquête Budget"),
    ],
)
def test_a_symbol_is_set_with_the_value_and_a_word_heads_the_caption(
    lang: str, unit: str, big: str, caption: str
) -> None:
    figure = Figure(1234567, label="Budget", unit=unit)
    assert _helpers(lang).figure_text(figure) == (big, caption)
