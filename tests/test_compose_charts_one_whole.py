"""A donut or a stacked bar shows parts of one whole: a breakdown of several possible answers
(shares adding up to more than 100 %) drawn so is refused at the chart's line, saying to draw
bars (trial 7 #16); bars of it, and a donut of a breakdown rounded to 101 %, are drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_data_office_sheets import project
from test_data_total_rows import build_with_output

pytestmark = pytest.mark.pdf

MULTIPLE = """\
help:
  label: Help received
  multiple: true
  base: 200
  categories:
    housing: {count: 120, label: Housing}
    health: {count: 90, label: Health}
    legal: {count: 110, label: Legal}
"""
ROUNDED = """\
route:
  label: Route
  rounded: true
  categories:
    a: {percent: 34, label: Land}
    b: {percent: 34, label: Sea}
    c: {percent: 33, label: Air}
"""


@pytest.mark.parametrize(("kind", "drawn"), [("donut", "donut"), ("stacked", "stacked bar")])
def test_a_multiple_answer_breakdown_as_parts_of_a_whole_is_refused(
    tmp_path: Path, kind: str, drawn: str
) -> None:
    root = project(tmp_path, f"Text.\n\n{{{{ chart(data.s.help, kind='{kind}') }}}}")
    (root / "data" / "s.yml").write_text(MULTIPLE, encoding="utf-8")
    code, output, text = build_with_output(root)
    assert code == 1 and text == ""
    assert (
        f"content/01.md:5: chart(kind='{kind}'): the shares of 'Help received' add up to 160.0% "
        f"(several answers were possible), so they are not parts of one whole, which a {drawn} "
        "shows; draw bars: chart(…, kind='bar')"
    ) in output


def test_categories_picked_from_it_adding_up_to_more_than_100_are_refused(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, "{{ chart([data.s.help.housing, data.s.help.legal], kind='donut') }}")
    (root / "data" / "s.yml").write_text(MULTIPLE, encoding="utf-8")
    code, output, _ = build_with_output(root)
    assert code == 1
    assert "chart(kind='donut'): the shares of these categories add up to 115.0%" in output


def test_bars_of_it_and_a_donut_rounded_to_101_are_drawn(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ chart(data.s.help) }}\n\n{{ chart(data.r.route, kind='donut') }}")
    (root / "data" / "s.yml").write_text(MULTIPLE, encoding="utf-8")
    (root / "data" / "r.yml").write_text(ROUNDED, encoding="utf-8")
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "Housing" in text and "60.0%" in text and "55.0%" in text
    assert "Land" in text and "34%" in text


def test_some_categories_of_a_whole_as_a_donut_are_refused(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ chart([data.r.route.a, data.r.route.c], kind='stacked') }}")
    (root / "data" / "r.yml").write_text(ROUNDED, encoding="utf-8")
    code, output, _ = build_with_output(root)
    assert code == 1
    assert (
        "content/01.md:3: chart(kind='stacked'): the shares of these categories add up to 67%, "
        "not the whole: a stacked bar would draw them as 100 %"
    ) in output
