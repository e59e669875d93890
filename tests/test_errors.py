"""errors: the one problem shape (`Problem`), the error each stage raises, and `Problems`,
which collects a stage's problems so that they fail once."""

from __future__ import annotations

import io
import json

import click
import pytest

from reportbuilder.errors import (
    ComposeError,
    DeliveryError,
    Location,
    OutputError,
    Problem,
    Problems,
    ProjectError,
    RenderError,
    ReportError,
    Severity,
    Stage,
    error_for,
)


def located() -> Problem:
    return Problem(
        "content/02-results.md",
        12,
        "'data.study.agee' is undefined",
        stage=Stage.COMPOSE,
        hint="did you mean 'data.study.age'?",
    )


def test_a_problem_reads_path_line_message_hint() -> None:
    problem = located()
    assert problem.where == "content/02-results.md:12"
    assert str(problem) == (
        "content/02-results.md:12: 'data.study.agee' is undefined (did you mean 'data.study.age'?)"
    )
    assert problem.severity is Severity.ERROR  # unless it says otherwise


@pytest.mark.parametrize(
    ("path", "line", "where"),
    [
        ("report.yml", None, "report.yml"),
        (None, None, "render"),  # no file: the stage stands in for it
        (None, 7, "render:7"),
        ("report.yml", 0, "report.yml"),  # line 0 is no line
    ],
)
def test_where_without_a_line_or_a_file(path: str | None, line: int | None, where: str) -> None:
    problem = Problem(path, line, "the layout took too long", stage=Stage.RENDER)
    assert problem.where == where
    assert str(problem) == f"{where}: the layout took too long"


def test_as_json_is_plain_values_that_json_can_write() -> None:
    problem = Problem(
        None, None, "too slow", stage=Stage.RENDER, severity=Severity.WARNING, setting="timeout"
    )
    doc = problem.as_json()
    assert doc == {
        "path": None,
        "line": None,
        "message": "too slow",
        "stage": "render",
        "severity": "warning",
        "hint": None,
        "setting": "timeout",
    }
    assert json.loads(json.dumps(doc)) == doc
    assert type(doc["stage"]) is str and type(doc["severity"]) is str


def test_as_error_changes_the_severity_only() -> None:
    warning = Problem(
        "content/a.md", 3, "missing image", stage=Stage.RENDER, severity=Severity.WARNING
    )
    error = warning.as_error()
    assert error.severity is Severity.ERROR
    assert (error.path, error.line, error.message, error.stage) == (
        "content/a.md",
        3,
        "missing image",
        Stage.RENDER,
    )
    assert warning.severity is Severity.WARNING  # frozen: a new problem, the old one kept


def test_problems_sort_by_file_line_and_message() -> None:
    found = [
        Problem("report.yml", 4, "b", stage=Stage.PROJECT),
        Problem(None, None, "a", stage=Stage.RENDER),
        Problem("content/x.md", 10, "z", stage=Stage.COMPOSE),
        Problem("content/x.md", 2, "y", stage=Stage.COMPOSE),
    ]
    ordered = sorted(found, key=Problem.sort_key)
    assert [p.where for p in ordered] == [
        "render",
        "content/x.md:2",
        "content/x.md:10",
        "report.yml:4",
    ]


@pytest.mark.parametrize(
    ("stage", "error"),
    [
        (Stage.PROJECT, ProjectError),
        (Stage.COMPOSE, ComposeError),
        (Stage.RENDER, RenderError),
        (Stage.OUTPUT, OutputError),
        (Stage.DELIVER, DeliveryError),
    ],
)
def test_each_stage_raises_its_own_error(stage: Stage, error: type[ReportError]) -> None:
    assert error_for(stage) is error
    assert error.stage is stage
    raised = error("something broke")  # a bare message becomes a problem of that stage
    assert [(p.stage, p.path, p.line, p.message) for p in raised.problems] == [
        (stage, None, None, "something broke")
    ]


def test_every_error_is_a_click_exception_with_exit_code_1() -> None:
    for stage in Stage:
        error = error_for(stage)(located())
        assert isinstance(error, ReportError) and isinstance(error, click.ClickException)
        assert error.exit_code == 1


def test_a_report_error_shows_one_line_per_problem_and_counts_them() -> None:
    first = located()
    second = Problem("data/study.yml", 4, "percents add up to 90, not 100", stage=Stage.PROJECT)
    error = ProjectError([first, second])
    assert error.problems == [first, second]
    assert error.format_message() == f"{first}\n{second}"
    shown = io.StringIO()
    error.show(shown)
    assert shown.getvalue().splitlines() == [str(first), str(second), "2 problems found."]
    one = io.StringIO()
    ProjectError(first).show(one)
    assert one.getvalue() == f"{first}\n"  # no "Error:" prefix, no count for one problem


def test_problems_collect_and_fail_once() -> None:
    problems = Problems(Stage.PROJECT)
    assert not problems
    problems.raise_if_any()  # nothing found: nothing raised
    problems.add("report.yml", 3, "unknown key 'subtitel'", hint="did you mean 'subtitle'?")
    problems.add("data/study.yml", None, "not valid UTF-8")
    assert problems
    with pytest.raises(ProjectError) as raised:
        problems.raise_if_any()
    assert [str(p) for p in raised.value.problems] == [
        "report.yml:3: unknown key 'subtitel' (did you mean 'subtitle'?)",
        "data/study.yml: not valid UTF-8",
    ]
    assert all(p.stage is Stage.PROJECT for p in raised.value.problems)


def test_problems_of_any_stage_fail_with_that_stages_error() -> None:
    problems = Problems(Stage.COMPOSE)
    problems.add("content/a.md", 3, "undefined name")
    with pytest.raises(ComposeError) as raised:
        problems.raise_if_any()
    assert [p.stage for p in raised.value.problems] == [Stage.COMPOSE]


def test_warnings_alone_do_not_fail_but_travel_with_the_errors() -> None:
    problems = Problems(Stage.RENDER)
    warning = Problem(None, None, "image not used", stage=Stage.RENDER, severity=Severity.WARNING)
    problems.extend([warning])
    assert problems and problems.errors() == []
    problems.raise_if_any()  # only a warning: no error
    problems.add(None, None, "the layout engine failed")
    assert [p.message for p in problems.errors()] == ["the layout engine failed"]
    with pytest.raises(RenderError) as raised:
        problems.raise_if_any()
    assert raised.value.problems[0] is warning  # the warning is listed too
    with pytest.raises(OutputError):
        problems.raise_if_any(OutputError)  # an explicit error class still wins


def test_location_reads_like_a_problem() -> None:
    assert str(Location("content/02-results.md", 12)) == "content/02-results.md:12"
    assert str(Location("report.yml")) == "report.yml"
    assert Location("report.yml") == ("report.yml", None)
