"""`| number(unit=…)`: money where the edition's language puts it ("1,234.5 $" in an English
report read as a slip), and "%" as `| percent` writes it ("1,234.5 %" beside "88%" in one
report) — trial 8 #22."""

from __future__ import annotations

import pytest

from reportbuilder.compose.formatting import Formatter

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("lang", "unit", "printed"),
    [
        ("en", "$", "$1,234.5"),
        ("en", "€", "€1,234.5"),
        ("en", "£", "£1,234.5"),
        ("fr", "€", f"1{NNBSP}234,5{NBSP}€"),
        ("es", "€", f"1234,5{NBSP}€"),
        ("en", "km", f"1,234.5{NBSP}km"),
        ("fr", "km", f"1{NNBSP}234,5{NBSP}km"),
    ],
)
def test_a_unit_is_set_where_the_language_puts_it(lang: str, unit: str, printed: str) -> None:
    assert Formatter(lang).number(1234.5, unit=unit) == printed


def test_a_negative_amount_keeps_its_sign_before_the_money() -> None:
    assert Formatter("en").number(-3, unit="$") == "\u2212$3"
    assert Formatter("fr").number(-3, unit="$") == f"\u22123{NBSP}$"


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_a_percent_unit_prints_as_the_percent_filter(lang: str) -> None:
    fmt = Formatter(lang)
    assert fmt.number(12.5, unit="%") == fmt.percent(12.5)
    assert fmt.number(88, unit="%") == fmt.percent(88)
    assert fmt.number(12.25, decimals=1, unit="%") == fmt.percent(12.25, 1)
