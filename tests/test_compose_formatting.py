"""compose.formatting.Formatter: numbers, percents, units and dates per language
(Babel/CLDR), asserted character by character (U+00A0 no-break space, U+202F narrow one)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportbuilder.compose.formatting import Formatter
from reportbuilder.errors import CallError
from reportbuilder.language import is_known_locale

NBSP = "\u00a0"
NNBSP = "\u202f"
FR, EN, ES = Formatter("fr"), Formatter("en"), Formatter("es")


@pytest.mark.parametrize(
    ("fmt", "value", "expected"),
    [
        (FR, 0, "0"),
        (FR, 99, "99"),
        (FR, 1200, f"1{NNBSP}200"),
        (FR, 1234567, f"1{NNBSP}234{NNBSP}567"),
        (EN, 1200, "1,200"),
        (EN, 1234567, "1,234,567"),
        (ES, 99, "99"),
        (ES, 1234567, "1.234.567"),
        (ES, 1200, "1200"),  # minimumGroupingDigits 2: Babel ignores it, we do not
        (ES, 12000, "12.000"),
        (ES, -1234, "\u22121234"),
        (FR, -1234, f"\u22121{NNBSP}234"),
        (EN, -1234, "\u22121,234"),
    ],
)
def test_number(fmt: Formatter, value: int, expected: str) -> None:
    assert fmt.number(value) == expected


@pytest.mark.parametrize(
    ("fmt", "value", "decimals", "expected"),
    [
        (FR, 12.5, None, "12,5"),  # as written
        (EN, 12.5, None, "12.5"),
        (ES, 12.5, None, "12,5"),
        (FR, 0.25, None, "0,25"),
        (FR, 5.0, None, "5"),  # a whole float shows no decimals
        (FR, 1234.5, 2, f"1{NNBSP}234,50"),
        (EN, 1234.5, 2, "1,234.50"),
        (ES, 1234.5, 2, "1234,50"),
        (ES, 12345.5, 2, "12.345,50"),
        (FR, 2, 2, "2,00"),
        (EN, 1234567.891, 1, "1,234,567.9"),
        (FR, 3.14159, None, "3,1"),  # more than three decimals: a computed value, shown with one
        # Written in a template (a float): as written, up to three decimals (second trial, 11).
        (EN, 2.675, None, "2.675"),
        (EN, 1234567.891, None, "1,234,567.891"),
        (FR, 1234567.891, None, f"1{NNBSP}234{NNBSP}567,891"),
        (EN, 97 / 7, None, "13.9"),
        (EN, 0.1 + 0.2, None, "0.3"),
    ],
)
def test_number_decimals(fmt: Formatter, value: float, decimals: int | None, expected: str) -> None:
    assert fmt.number(value, decimals=decimals) == expected


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [(FR, f"5{NBSP}mois"), (EN, f"5{NBSP}mois"), (ES, f"5{NBSP}mois")],
)
def test_number_with_unit_joins_with_a_no_break_space(fmt: Formatter, expected: str) -> None:
    assert fmt.number(5, unit="mois") == expected
    assert fmt.number(1200, unit="m") == fmt.number(1200) + NBSP + "m"


@pytest.mark.parametrize(
    ("fmt", "value", "decimals", "expected"),
    [
        (FR, 89, None, f"89{NBSP}%"),
        (FR, 11, None, f"11{NBSP}%"),
        (FR, 100, None, f"100{NBSP}%"),
        (FR, 0, None, f"0{NBSP}%"),
        (EN, 89, None, "89%"),
        (EN, 0, None, "0%"),
        (ES, 89, None, f"89{NBSP}%"),
        (FR, 12.5, None, f"12,5{NBSP}%"),
        (EN, 12.5, None, "12.5%"),
        (ES, 12.5, None, f"12,5{NBSP}%"),
        (FR, 0.5, None, f"0,5{NBSP}%"),
        (FR, 89, 1, f"89,0{NBSP}%"),
        (EN, 89, 1, "89.0%"),
        (EN, 33.333, None, "33.3%"),
    ],
)
def test_percent_takes_0_to_100(
    fmt: Formatter, value: float, decimals: int | None, expected: str
) -> None:
    assert fmt.percent(value, decimals=decimals) == expected


@pytest.mark.parametrize(
    ("fmt", "style", "expected"),
    [
        (FR, "long", "28 novembre 2026"),
        (EN, "long", "November 28, 2026"),
        (ES, "long", "28 de noviembre de 2026"),
        (FR, "short", "28/11/2026"),
        (EN, "short", "11/28/26"),
        (FR, "d MMMM y", "28 novembre 2026"),
    ],
)
def test_date(fmt: Formatter, style: str, expected: str) -> None:
    assert fmt.date(dt.date(2026, 11, 28), style) == expected
    assert fmt.date("2026-11-28", style) == expected


def test_date_default_style_is_long() -> None:
    assert FR.date(dt.date(2026, 1, 15)) == "15 janvier 2026"


def test_date_rejects_a_non_iso_string() -> None:
    with pytest.raises(ValueError):
        FR.date("28/11/2026")


@pytest.mark.parametrize("value", [True, "12", None, [1]])
def test_only_numbers_are_formatted(value: object) -> None:
    with pytest.raises(TypeError, match="expected a number"):
        FR.number(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a number"):
        FR.percent(value)  # type: ignore[arg-type]


def test_regional_variants_and_unknown_codes() -> None:
    assert is_known_locale("fr") and is_known_locale("en-GB") and is_known_locale("es_CL")
    assert not is_known_locale("xx") and not is_known_locale("")
    assert Formatter("en-GB").date(dt.date(2026, 11, 28)) == "28 November 2026"


# --- Properties -------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**9))
def test_fr_number_never_breaks_and_reads_back(value: int) -> None:
    text = FR.number(value)
    assert " " not in text and NBSP not in text  # groups are joined by U+202F only
    assert int(text.replace(NNBSP, "")) == value


@given(st.integers(min_value=0, max_value=10**9))
def test_en_and_es_numbers_read_back(value: int) -> None:
    assert int(EN.number(value).replace(",", "")) == value
    assert int(ES.number(value).replace(".", "")) == value


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_fr_decimals_read_back(value: Decimal) -> None:
    text = FR.number(value)
    assert Decimal(text.replace(NNBSP, "").replace(",", ".")) == value


@given(st.integers(min_value=0, max_value=100))
def test_percent_shape(value: int) -> None:
    assert FR.percent(value) == f"{value}{NBSP}%"
    assert ES.percent(value) == f"{value}{NBSP}%"
    assert EN.percent(value) == f"{value}%"


@pytest.mark.parametrize(
    ("style", "said"),
    [
        ("ful", "date: no style 'ful' (did you mean 'full'?)"),
        ("Long", "date: no style 'Long' (did you mean 'long'?)"),
        ("shrot", "date: no style 'shrot' (did you mean 'short'?)"),
        ("DD/MM/YYYY", "date: the pattern 'DD/MM/YYYY' uses D, Y, which CLDR does not read"),
        ("dd/mm/yyyy", "date: the pattern 'dd/mm/yyyy' uses m, which CLDR does not read"),
    ],
)
def test_a_date_style_that_would_print_another_date_is_refused(style: str, said: str) -> None:
    """Trial 6 #58: `date("DD/MM/YYYY")` (Excel's way) printed "60/03/2026" — day 60 of the
    year — and `date("ful")` "f2026l", exit 0; `dd/mm/yyyy` failed with Python's words."""
    with pytest.raises(CallError) as raised:
        Formatter("en").date("2026-03-01", style)
    assert str(raised.value.args[0]).startswith(said)


def test_date_styles_and_date_patterns_print_the_day() -> None:
    english = Formatter("en")
    assert english.date("2026-03-01", "full") == "Sunday, March 1, 2026"
    assert english.date("2026-03-01", "dd/MM/y") == "01/03/2026"
    assert Formatter("es").date("2026-03-01", "d 'de' MMMM 'de' y") == "1 de marzo de 2026"
