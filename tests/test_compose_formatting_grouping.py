"""Every edition groups the digits of a million as it groups a hundred thousand: Babel 2.19
left "1234567" ungrouped beside "123'456" in every Swiss locale (its group mark is an
apostrophe), so a Swiss edition printed its largest figures without separators (trial 8 #31)."""

from __future__ import annotations

import pytest

from reportbuilder.compose.formatting import Formatter

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("lang", "million", "thousands", "decimals"),
    [
        ("en", "1,234,567", "123,456", "9,876,543.21"),
        ("fr", f"1{NNBSP}234{NNBSP}567", f"123{NNBSP}456", f"9{NNBSP}876{NNBSP}543,21"),
        ("es", "1.234.567", "123.456", "9.876.543,21"),
        ("de", "1.234.567", "123.456", "9.876.543,21"),
        ("de-CH", "1'234'567", "123'456", "9'876'543.21"),
        ("fr-CH", "1'234'567", "123'456", "9'876'543,21"),
        ("it-CH", "1'234'567", "123'456", "9'876'543.21"),
        ("pt-PT", f"1{NBSP}234{NBSP}567", f"123{NBSP}456", f"9{NBSP}876{NBSP}543,21"),
    ],
)
def test_a_million_is_grouped_as_a_hundred_thousand_is(
    lang: str, million: str, thousands: str, decimals: str
) -> None:
    fmt = Formatter(lang)
    assert fmt.number(1234567) == million
    assert fmt.number(123456) == thousands
    assert fmt.number(9876543.21, 2) == decimals
    assert fmt.number(-1234567) == "\u2212" + million


def test_a_swiss_percent_keeps_its_marks() -> None:
    assert Formatter("fr-CH").percent(1234.5) == "1'234,5%"
    assert Formatter("de-CH").percent(12.5) == "12.5%"
