"""The two library entry points: `build` (render and write) and `check` (validate only)."""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from reportbuilder.compose.html import render_html
from reportbuilder.deliver.files import write_atomic
from reportbuilder.errors import Problem, ReportError
from reportbuilder.limits import (
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_TIMEOUT,
    TimeLimitExceeded,
    time_limit,
)
from reportbuilder.project.config import SOURCE_PLACES
from reportbuilder.project.load import Project, load_project
from reportbuilder.project.resources import resource_locations
from reportbuilder.render.renderer import Renderer, RenderOptions

_LOCATED = re.compile(r"^([^\s:]+):(\d+): (.*)$")


@dataclass
class Output:
    path: str
    format: str
    bytes: int
    pages: int | None = None


@dataclass
class BuildResult:
    """What a build made (or a check found), for people and for CI (`as_json`)."""

    project: str
    outputs: list[Output] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"ok": True, **asdict(self), "problems": []}


def _overrides(lang: str | None, pdf_variant: str | None) -> dict[str, Any]:
    return {"lang": lang, "pdf_variant": pdf_variant}


def _prepare(
    project_dir: Path, overrides: dict[str, Any], timeout: float, print_mode: bool = False
) -> tuple[Project, str]:
    """Load, validate and render the HTML, within `timeout` seconds."""
    try:
        with time_limit(timeout):
            project = load_project(project_dir, overrides)
            return project, render_html(project, print_mode=print_mode)
    except TimeLimitExceeded:
        message = f"filling in the chapters took longer than {timeout:g} s (see --timeout)"
        raise ReportError(Problem("content", None, message)) from None


def _as_problems(warnings: list[str]) -> list[Problem]:
    """Warnings as problems, keeping the `path:line:` they start with where they have one."""
    problems = []
    for warning in warnings:
        located = _LOCATED.match(warning)
        if located:
            problems.append(Problem(located[1], int(located[2]), located[3]))
        else:
            problems.append(Problem("render", None, warning))
    return problems


def _fail_if_strict(project: Project, strict: bool | None, warnings: list[str]) -> None:
    """`--strict` (or report.yml's `strict: true`) turns warnings into problems."""
    if (project.config.strict if strict is None else strict) and warnings:
        raise ReportError(_as_problems(warnings))


def _missing_files(project: Project) -> list[str]:
    """Images and stylesheets the project refers to that are not in it (for `check`)."""
    missing = []
    for url, where in resource_locations(project).items():
        if not url.startswith("file:"):
            continue
        path = Path(url2pathname(urlsplit(url).path))
        if path.is_relative_to(project.root) and not path.is_file():
            missing.append(f"{where}: missing file {path.relative_to(project.root).as_posix()}")
    return missing


def check(
    project_dir: Path,
    *,
    lang: str | None = None,
    strict: bool | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> BuildResult:
    """Load and validate everything and render the HTML in memory; write nothing."""
    started = time.perf_counter()
    project, _ = _prepare(project_dir, _overrides(lang, None), timeout)
    result = BuildResult(project=str(project.root), warnings=_missing_files(project))
    _fail_if_strict(project, strict, result.warnings)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def build(
    project_dir: Path,
    *,
    output: Path | None = None,
    fmt: str = "pdf",
    lang: str | None = None,
    pdf_variant: str | None = None,
    print_mode: bool = False,
    strict: bool | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
    renderer: Renderer | None = None,
) -> BuildResult:
    """Build the report; the previous output is replaced only if everything succeeded.

    `renderer` is a render process the caller started early (see `Renderer`); by default
    the build starts its own.
    """
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        # Started first, so that WeasyPrint's import overlaps loading and the HTML stage.
        if fmt == "pdf" and renderer is None:
            renderer = Renderer(max_memory_mb)
        if renderer is not None:
            stack.enter_context(renderer)
        project, html = _prepare(
            project_dir, _overrides(lang, pdf_variant), timeout, print_mode=print_mode
        )
        target = _target(project, output, fmt)
        result = BuildResult(project=str(project.root))
        pages: int | None = None
        if renderer is None:
            data = html.encode("utf-8")
        else:
            options = RenderOptions(
                base_dir=project.root,
                roots=(project.root, project.theme_dir),
                pdf_variant=project.config.pdf_variant,
                network_hosts=tuple(project.config.network.allow),
                timeout=timeout,
                max_memory_mb=max_memory_mb,
                locations=resource_locations(project),
            )
            rendered = renderer.render(html, options)
            data, pages = rendered.data, rendered.pages
            result.warnings = rendered.warnings
            _fail_if_strict(project, strict, rendered.warnings)
    try:
        write_atomic(target, data)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ReportError(
            Problem(str(target), None, f"cannot write the output: {reason}")
        ) from None
    result.outputs.append(Output(str(target), fmt, len(data), pages))
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _target(project: Project, output: Path | None, fmt: str) -> Path:
    if output is None:
        path = project.root / project.output_name
        path = path.with_suffix(".html") if fmt == "html" else path
    else:
        path = output.resolve()
    inside = path.is_relative_to(project.root)
    if inside and path.relative_to(project.root).parts[0] in SOURCE_PLACES:
        shown = path.relative_to(project.root).as_posix()
        raise ReportError(
            Problem(shown, None, "the output would overwrite a source of the project")
        )
    return path
