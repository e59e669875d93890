"""A breakdown's percents shown together carry one precision, and a donut's centre shows its
largest share (trial 4 #8: a column read 12 %, 30 %, 48 %, 9.5 %, 0.5 %, total 100.0 %, and
the donut's centre showed the first category, a minor group, cut with an ellipsis)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_fixture, read_words
from reportbuilder import build

AGES = """
ages:
  label: Age group
  base: 1000
  categories:
    small: {label: Under five, count: 120}
    young: {label: Five to seventeen, count: 300}
    adult: {label: Adults, count: 480}
    older: {label: Older people, count: 95}
    unknown: {label: Unknown, count: 5}
"""


@pytest.mark.pdf
def test_one_precision_per_column_and_the_largest_share_in_the_centre(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    survey = project / "data" / "survey.yml"
    survey.write_text(survey.read_text("utf-8") + AGES, encoding="utf-8")
    findings = project / "content" / "02-findings.md"
    findings.write_text(
        findings.read_text("utf-8")
        + "\n## Ages\n\n{{ table(data.survey.ages) }}\n\n"
        + '{{ chart(data.survey.ages, kind="donut", title="Ages donut") }}\n',
        encoding="utf-8",
    )
    pdf = tmp_path / "a.pdf"
    build(project, output=pdf)
    every = read_words(pdf)[1]
    (caption,) = [w for w in every if w.text == "donut"]
    heading = min((w for w in every if w.text == "Ages" and w.page == caption.page),
                  key=lambda w: w.y0)  # fmt: skip
    shares = [
        w.text
        for w in every
        if w.page == heading.page and heading.y1 < w.y0 < caption.y0 and w.text.endswith("%")
    ]
    assert shares == ["%", "12.0%", "30.0%", "48.0%", "9.5%", "0.5%", "100.0%"], shares
    drawn = [w.text for w in every if w.page == caption.page and w.y0 > caption.y1]
    # The centre and the legend both say 48.0% (Adults); the first category's share once.
    assert drawn.count("48.0%") == 2 and drawn.count("12.0%") == 1, drawn
    assert drawn.count("Adults") == 2, drawn
