"""Rows of side-by-side figures sized from their images' proportions (compose/figure_rows.py)."""

from __future__ import annotations

import re

from reportbuilder.compose.figure_rows import GAP_MM, STACKED_HEIGHT_MM, size_rows
from reportbuilder.compose.markup import convert, make_markdown

ROW = "![Before](a.jpg){.side-by-side}\n![After](b.png){.side-by-side}\n"


def _html(markdown: str) -> str:
    return convert(markdown, make_markdown("en", lambda value, separator: value))[0]


def _widths(html: str) -> list[float]:
    return [float(w) for w in re.findall(r"width: ([\d.]+)mm", html)]


def test_widths_follow_proportions_so_heights_are_equal() -> None:
    html = size_rows(_html(ROW), {"a.jpg": (1600, 1200), "b.png": (800, 1200)}, 168)
    wide, narrow = _widths(html)
    assert abs(wide / (4 / 3) - narrow / (2 / 3)) < 0.02  # one height
    assert abs(wide + narrow + GAP_MM - 167) < 0.02  # the line, less 1 mm for rounding
    assert html.count(f"margin-left: {GAP_MM}mm") == 1  # between the two only
    assert '<div class="figure-row">' in html


def test_a_row_too_low_is_stacked_at_one_height() -> None:
    three = ROW + "![Third](c.jpg){.side-by-side}\n"
    sizes = {"a.jpg": (1600, 1200), "b.png": (800, 1200), "c.jpg": (1600, 1200)}
    html = size_rows(_html(three), sizes, 106)  # A5: a row would be 28 mm high
    assert '<div class="figure-row stacked">' in html
    assert _widths(html) == [round(r * STACKED_HEIGHT_MM, 2) for r in (4 / 3, 2 / 3, 4 / 3)]


def test_an_image_of_unknown_size_counts_as_four_by_three() -> None:
    html = size_rows(_html(ROW), {"b.png": (1600, 1200)}, 168)
    first, second = _widths(html)
    assert abs(first - second) < 0.01


def test_markup_groups_consecutive_side_by_side_images_only() -> None:
    html = _html(ROW + "\nText.\n\n![Alone](c.jpg){.side-by-side}\n")
    assert html.count('<div class="figure-row">') == 1
    assert html.count('<figure class="figure side-by-side">') == 3  # the third outside a row
    assert "<p>Text.</p>" in html
