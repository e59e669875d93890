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
    project = copy_fixture("tiny", tmp_path / "tiny")
    (project / "data" / "survey.yml").write_text(AGES, encoding="utf-8")
    findings = project / "content" / "01-only.md"
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


REGIONS = """
regions:
  label: Region
  base: 10000
  categories:
    metro: {label: Metropolitana, count: 9864}
    north: {label: North, count: 130}
    rios: {label: Los Ríos, count: 6}
"""


def test_a_percent_computed_from_counts_has_at_most_one_decimal(tmp_path: Path) -> None:
    """Trial 4 #31: Los Ríos printed 0.06 % among 1.3 % (docs/data.md: a percent computed
    from counts prints at most one decimal)."""
    import re

    from reportbuilder.compose.html import render_html
    from reportbuilder.edition import Edition
    from reportbuilder.project.load import load_project

    project = copy_fixture("mini", tmp_path / "mini")
    survey = project / "data" / "survey.yml"
    survey.write_text(survey.read_text("utf-8") + REGIONS, encoding="utf-8")
    findings = project / "content" / "02-findings.md"
    findings.write_text(
        findings.read_text("utf-8") + "\n{{ table(data.survey.regions) }}\n", encoding="utf-8"
    )
    html = render_html(load_project(project), Edition()).text
    table = html[html.index("Metropolitana") :]
    cells = re.findall(r"<td class='num'>([^<]*%)</td>", table)[:4]
    assert cells == ["98.6%", "1.3%", "0.1%", "100.0%"], cells


@pytest.mark.pdf
def test_a_tall_chart_stays_under_its_chapter_heading_at_a5(tmp_path: Path) -> None:
    """Trial 4 #31: a 16-bar chart 129.6 mm high left an A5 chapter's heading alone on its
    page; charts are scaled to fit a page under a heading and their caption."""
    from conftest import one_chapter_project

    regions = "".join(
        f"    r{n}: {{label: Region of the long name number {n}, count: {100 + 7 * n}}}\n"
        for n in range(16)
    )
    root = one_chapter_project(
        tmp_path / "p", "Tall", '# Regions\n\n{{ chart(data.c.reg, kind="bar", title="Tall") }}\n'
    )
    (root / "data" / "c.yml").write_text(
        f"reg:\n  label: Region\n  categories:\n{regions}", encoding="utf-8"
    )
    (root / "report.yml").write_text("title: Tall\nlang: en\npage_size: A5\n")
    pdf = tmp_path / "t.pdf"
    build(root, output=pdf)
    words = read_words(pdf)[1]
    heading = next(w for w in words if w.text == "Regions" and w.page > 2)
    last_bar = [w for w in words if w.text == "15" and w.page > 2]
    caption = next(w for w in words if w.text == "Tall" and w.page > 2)
    assert caption.page == heading.page and last_bar and last_bar[-1].page == heading.page
