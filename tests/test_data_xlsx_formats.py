"""What an Excel number format shows (`project/data/xlsx_formats.py`): the decimals, percent,
sections for negatives and zero, literal text, and the formats refused. The printed figures
are checked through real workbooks and PDFs in test_numbers_trust.py."""

from __future__ import annotations

import pytest

from reportbuilder.project.data.xlsx_formats import Shown, Unsupported, section_for, shown


@pytest.mark.parametrize(
    ("number_format", "value", "expected"),
    [
        ("General", 1.5, Shown(None, 0, False, "")),
        ("@", 1.5, Shown(None, 0, False, "")),
        ("0", 12.6, Shown(0, 0, False, "")),
        ("#,##0", 1234.56, Shown(0, 0, False, "")),
        ("0%", 0.4937, Shown(0, 0, True, "")),
        ("0.0%", 0.5, Shown(1, 1, True, "")),
        ("#,##0.00", 3, Shown(2, 2, False, "")),
        ("0.0#", 3, Shown(2, 1, False, "")),
        ('0 "kg"', 3, Shown(0, 0, False, "kg")),
        ("#,##0.00 [$€-40C]", 3, Shown(2, 2, False, "€")),
        ("$#,##0.00_);($#,##0.00)", -3, Shown(2, 2, False, "$")),
        ("[Red]#,##0;(#,##0.0)", -3, Shown(1, 1, False, "")),  # the negatives' own section
        ("#,##0.00;-#,##0.00;\\-", 0, Shown(0, 0, False, "", dash=True)),  # zero as a dash
        ('_-* #,##0.00_-;-* #,##0.00_-;_-* "-"??_-;_-@_-', -2.5, Shown(2, 2, False, "")),
        ('_-* #,##0.00_-;-* #,##0.00_-;_-* "-"??_-;_-@_-', 0, Shown(0, 0, False, "", dash=True)),
        (
            '_-* #,##0.00 "€"_-;-* #,##0.00 "€"_-;_-* "-"?? "€"_-;_-@_-',
            0,
            Shown(0, 0, False, "€", dash=True),
        ),
        ("00000", 8001, Shown(0, 0, False, "", padded=5)),  # a postcode: 08001
        ("000", 5, Shown(0, 0, False, "", padded=3)),
        ("0", 8001, Shown(0, 0, False, "")),
    ],
)
def test_what_a_format_shows(number_format: str, value: float, expected: Shown) -> None:
    assert shown(number_format, value) == expected


@pytest.mark.parametrize(
    ("number_format", "why"),
    [
        ("0.00E+00", "scientific"),
        ("00000.00", "leading zeros"),
        ("#,#00000", "leading zeros"),
        ("# ?/?", "fraction"),
        ("#,##0,", "scaling"),
        ("[>100]0;0.0", "condition"),
        ("0%%", "more than one %"),
        ('"n/a"', "no digits"),
    ],
)
def test_formats_the_report_cannot_show_are_refused(number_format: str, why: str) -> None:
    with pytest.raises(Unsupported, match=why):
        shown(number_format, 1.5)


def test_sections_are_split_outside_quotes() -> None:
    assert section_for('0 "a;b";(0)', -1) == "(0)"
    assert section_for('0 "a;b";(0)', 1) == '0 "a;b"'
