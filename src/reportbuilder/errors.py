"""The problem model: every fixable thing wrong is a `Problem`; a failed stage raises a
`ReportError` (one subclass per stage) that carries all the problems it found.

A `Problem` says how bad it is (`severity`), which stage found it (`stage`), where
(`path`, `line`), what is wrong (`message`) and, where one helps, what to do (`hint`).
Warnings are Problems too: the same shape reaches the terminal, `--json` and Python callers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, asdict, dataclass, replace
from enum import StrEnum
from typing import IO, Any, NamedTuple

import click

__all__ = [
    "CallError",
    "ComposeError",
    "DeliveryError",
    "Location",
    "OutputError",
    "Problem",
    "Problems",
    "ProjectError",
    "RenderError",
    "ReportError",
    "Severity",
    "Stage",
    "error_for",
    "in_reading_order",
    "printable",
    "without_reprs",
]

# C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidirectional
# controls: none may reach a terminal raw from a path, id or value quoted into a message.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_REPR = re.compile(
    r"<[\w.]+ object at 0x[0-9a-fA-F]+>|\[?<class '[\w.]+'>(?:, <class '[\w.]+'>)*\]?"
)


def without_reprs(text: str) -> str:
    """`text` with the Python object names a library quotes (`<_io.BytesIO object at 0x…>`)
    said as "the data"."""
    return _REPR.sub("the data", text)


def printable(text: str) -> str:
    """`text` with control characters shown as escapes (`\\x1b`, `\\n`, `\\x00`, `\\u202e`), so
    that what a project writes cannot drive the terminal and one problem stays on one line."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Stage(StrEnum):
    """The pipeline stage that found a problem, in the order data flows through them."""

    PROJECT = "project"  # report.yml, content files, data, contacts: reading and validating
    COMPOSE = "compose"  # filling in the chapters, Markdown, templates: the HTML
    RENDER = "render"  # layout and PDF, in the render process
    OUTPUT = "output"  # writing the result
    DELIVER = "deliver"  # composing and sending mail: headers, addresses, SMTP


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located as precisely as we can.

    `path` is relative to the project (`content/02-results.md`), or None when the problem
    belongs to no file (a layout that ran out of time). `setting` names the limit or option
    that governs the problem (`timeout`, `max_memory_mb` …), so a front end can say which of
    its own flags changes it.
    """

    path: str | None
    line: int | None
    message: str
    _: KW_ONLY
    stage: Stage
    severity: Severity = Severity.ERROR
    hint: str | None = None
    setting: str | None = None

    def __post_init__(self) -> None:
        # A library's message quoted into ours may name a Python object; a reader learns
        # nothing from `<_io.BytesIO object at 0x7f55…>`.
        if " object at 0x" in self.message:
            object.__setattr__(self, "message", without_reprs(self.message))

    @property
    def where(self) -> str:
        place = self.path or self.stage.value
        return f"{place}:{self.line}" if self.line else place

    def __str__(self) -> str:
        """`path:line: message (hint)` on one line, control characters escaped."""
        hint = f" ({self.hint})" if self.hint else ""
        return printable(f"{self.where}: {self.message}{hint}")

    def as_error(self) -> Problem:
        return replace(self, severity=Severity.ERROR)

    def as_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["stage"] = self.stage.value
        values["severity"] = self.severity.value
        return values

    @classmethod
    def from_json(cls, found: Mapping[str, Any]) -> Problem:
        """A problem from its `as_json` form (kept in a cache)."""
        return cls(
            found["path"],
            found["line"],
            found["message"],
            stage=Stage(found["stage"]),
            severity=Severity(found["severity"]),
            hint=found.get("hint"),
            setting=found.get("setting"),
        )

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path or "", self.line or 0, self.message)


class ReportError(click.ClickException):
    """The project or its rendering is wrong: exit code 1, one line per problem, no traceback.

    Raised by a stage with every problem it found; `problems` is never empty.
    """

    exit_code = 1
    stage = Stage.PROJECT

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(None, None, problems, stage=self.stage)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        # What was written all the same (the other editions of a `build --lang all`).
        self.written: tuple[Any, ...] = ()
        super().__init__("\n".join(str(p) for p in self.problems))

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        # One line per problem, no "Error:" prefix on each: grep-able `path:line: message`.
        click.echo(self.message, err=True, file=file)
        n = len(self.problems)
        if n > 1:
            click.echo(f"{n} problems found.", err=True, file=file)


class ProjectError(ReportError):
    """report.yml, a chapter, a data file or contacts.yml is wrong."""


class ComposeError(ReportError):
    """Filling in the chapters or the theme's templates failed."""

    stage = Stage.COMPOSE
    # The HTML of the chapters that were filled in when others failed: `check` looks for
    # missing images in it, as in a whole report.
    composed = ""


class RenderError(ReportError):
    """Layout or PDF writing failed, ran out of time or memory, or was refused."""

    stage = Stage.RENDER


class OutputError(ReportError):
    """The result could not be written."""

    stage = Stage.OUTPUT


class DeliveryError(ReportError):
    """A message could not be composed (a bad address or header) or was not delivered."""

    stage = Stage.DELIVER


def error_for(stage: Stage) -> type[ReportError]:
    """The exception a stage raises."""
    return {
        Stage.PROJECT: ProjectError,
        Stage.COMPOSE: ComposeError,
        Stage.RENDER: RenderError,
        Stage.OUTPUT: OutputError,
        Stage.DELIVER: DeliveryError,
    }[stage]


def in_reading_order(problems: Iterable[Problem]) -> list[Problem]:
    """`problems` file by file (files in the order they first come up), each file's by line:
    the order a writer fixes them in. A file's problems without a line come first."""
    listed = list(problems)
    rank: dict[str | None, int] = {}
    for problem in listed:
        rank.setdefault(problem.path, len(rank))
    return sorted(listed, key=lambda p: (rank[p.path], p.line or 0))


class Problems:
    """Collects the problems of one stage so that the user sees them all at once."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.items: list[Problem] = []

    def add(
        self, path: str | None, line: int | None, message: str, hint: str | None = None
    ) -> None:
        self.items.append(Problem(path, line, message, stage=self.stage, hint=hint))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    def raise_if_any(self, error: type[ReportError] | None = None) -> None:
        """Raise the stage's error (or `error`) listing every problem, warnings included, if
        any of them is an error."""
        if self.errors():
            raise (error or error_for(self.stage))(self.items)


class CallError(TypeError, ValueError, LookupError):
    """A helper or filter called wrongly from content (`table(x, decimls=1)`, `chart(kind=
    'pie')`): its message is written for the author and is shown as it is, at the line."""


class Location(NamedTuple):
    """Where in the project something is written: `content/02-results.md`, line 12."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path
