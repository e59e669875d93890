"""A helper called with its options by position, and a part of a date report.yml does not
give: the author reads what to write, never Python's own words ("Helpers.scope.<locals>.
<lambda>() takes 1 positional argument but 2 were given", "NoneType has no 'year'")."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import one_chapter_project
from reportbuilder import ReportError, check

TALLY = "label,count\nYes,12\nNo,30\n"


def _problems(tmp_path: Path, chapter: str) -> list[str]:
    project = one_chapter_project(tmp_path / "p", "Calls", chapter)
    (project / "data" / "tally.csv").write_text(TALLY, encoding="utf-8")
    with pytest.raises(ReportError) as refused:
        check(project)
    return [str(problem) for problem in refused.value.problems]


@pytest.mark.parametrize(
    ("call", "said"),
    [
        ('{{ chart(data.tally, "pie") }}', "chart kind 'pie' is not one of bar, stacked, donut"),
        ('{{ table(data.tally, "x", 3, 4, 5, 6, 7, 8, 9, 10) }}', "table() was given 10 value"),
        ('{{ contact("nobody", 3, 4, 5, 6) }}', "contact() was given 5 value"),
    ],
)
def test_a_helper_given_options_by_position_is_said_in_its_own_words(
    tmp_path: Path, call: str, said: str
) -> None:
    problems = _problems(tmp_path, f"# Calls\n\n{call}\n")
    assert len(problems) == 1, problems
    assert problems[0].startswith("content/01.md:3: "), problems
    assert said in problems[0]
    assert "lambda" not in problems[0] and "positional" not in problems[0]


def test_the_year_of_a_date_report_yml_does_not_give_says_how_to_give_it(
    tmp_path: Path,
) -> None:
    problems = _problems(tmp_path, "# Calls\n\nPublished in {{ report.date.year }}.\n")
    assert problems == [
        "content/01.md:3: an empty value (none was given) has no 'year' (report.yml gives no "
        "date: add one, e.g. date: 2026-03-01, or put it inside {% if report.date %})"
    ]
