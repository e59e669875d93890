"""The one place the data package makes a `Problem`, so its shape changes in one line."""

from __future__ import annotations

from reportbuilder.errors import Problem, Stage


def problem(path: str, line: int | None, message: str) -> Problem:
    """A problem in the data file `path` (project-relative), at `line` when known."""
    return Problem(path, line, message, stage=Stage.PROJECT)
