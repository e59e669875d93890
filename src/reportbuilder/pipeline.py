"""`build` and `check`: short compositions of the public stages.

    load_project(path) -> Project -> render_html(project, edition) -> Html
        -> PdfRenderer.render(html) -> Pdf -> write_atomic(path, pdf)

Each raises a `ReportError` subclass listing every problem of its stage; warnings travel in
the result as `Problem`s. The command line only turns options into an `Edition` and the
result into lines and exit codes.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from urllib.request import url2pathname

from reportbuilder.compose.html import Html, render_html
from reportbuilder.deliver.files import write_atomic
from reportbuilder.edition import Edition, source_date
from reportbuilder.errors import (
    OutputError,
    Problem,
    RenderError,
    ReportError,
    Severity,
    Stage,
    error_for,
)
from reportbuilder.limits import Deadline
from reportbuilder.project.config import SOURCE_PLACES
from reportbuilder.project.load import Project, load_project
from reportbuilder.render.renderer import Embedded, PdfRenderer, RenderJob

ProjectLike = str | os.PathLike[str] | Project


@dataclass(frozen=True)
class Output:
    """One file a build wrote."""

    path: str
    format: str
    bytes: int
    pages: int | None = None


@dataclass(frozen=True)
class BuildResult:
    """What a build made (or a check found): outputs, and the warnings met on the way."""

    project: str
    outputs: tuple[Output, ...] = ()
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "project": self.project,
            "outputs": [vars(out) for out in self.outputs],
            "problems": [p.as_json() for p in self.problems],
            "seconds": self.seconds,
        }


@dataclass
class _Clock:
    started: float = field(default_factory=time.perf_counter)

    def seconds(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def _project(project: ProjectLike) -> Project:
    return project if isinstance(project, Project) else load_project(project)


def _fail_if_strict(html: Html, warnings: list[Problem]) -> None:
    """`strict` (the edition's, else report.yml's) turns warnings into errors."""
    if html.config.strict and warnings:
        raise error_for(warnings[0].stage)([p.as_error() for p in warnings])


def resource_problems(project: Project) -> list[Problem]:
    """What the renderer would refuse or miss among the images and stylesheets the project
    refers to, as warnings: so that `check --strict` fails where `build --strict` would."""
    found = []
    allowed = {host.lower().rstrip(".") for host in project.config.network.allow}
    for url, where in project.resources.items():
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file":
            path = Path(url2pathname(parts.path))
            if not project.files.readable(path):
                message = f"refused {path}: outside the project"
            elif not path.is_file():
                message = f"missing file {project.files.shown(path)}"
            else:
                continue
        elif scheme in ("http", "https"):
            if (parts.hostname or "").lower().rstrip(".") in allowed:
                continue
            message = f"network access is off: refused {url[:120]}"
        else:
            message = f"refused {url[:120]}: not a file of the project"
        found.append(
            Problem(where.path, where.line, message, stage=Stage.PROJECT, severity=Severity.WARNING)
        )
    return found


def check(project: ProjectLike, edition: Edition | None = None) -> BuildResult:
    """Load and validate everything and compose the HTML in memory; write nothing.

    Raises a `ReportError` subclass listing every problem; warnings are in the result.
    """
    clock = _Clock()
    edition = edition or Edition()
    deadline = Deadline(edition.limits.timeout)
    loaded = _project(project)
    html = render_html(loaded, edition, deadline=deadline)
    warnings = [*loaded.warnings, *html.problems, *resource_problems(loaded)]
    _fail_if_strict(html, warnings)
    return BuildResult(str(loaded.root), problems=tuple(warnings), seconds=clock.seconds())


def build(
    project: ProjectLike,
    edition: Edition | None = None,
    *,
    output: str | os.PathLike[str] | None = None,
    format: Literal["pdf", "html"] | None = None,
    renderer: PdfRenderer | None = None,
) -> BuildResult:
    """Build one edition of the project and write it; the previous output is replaced only
    if everything succeeded.

    `output` defaults to report.yml's `output`. `format` defaults to what the output's
    extension says (`.html` → html), else pdf. `renderer` is a warm `PdfRenderer` to reuse
    (many editions, many builds); without one the build starts and ends its own.
    `SOURCE_DATE_EPOCH`, when set, dates the PDF, so the same input gives the same bytes.
    """
    if format not in ("pdf", "html", None):
        raise ValueError(f"format must be 'pdf' or 'html', got {format!r}")
    clock = _Clock()
    edition = edition or Edition()
    if edition.created is None:
        edition = replace(edition, created=source_date())
    deadline = Deadline(edition.limits.timeout)
    with contextlib.ExitStack() as stack:
        if format != "html" and renderer is None and output_format(output) != "html":
            # Started first, so that WeasyPrint's import overlaps loading and composing.
            renderer = stack.enter_context(PdfRenderer(edition.limits.max_memory_mb))
        loaded = _project(project)
        html = render_html(loaded, edition, deadline=deadline)
        format = format or output_format(output or html.config.output) or "pdf"
        target = output_path(loaded, html, output, format)
        warnings = [*loaded.warnings, *html.problems]
        if format == "html":
            from reportbuilder.deliver.preview import self_contained

            data = self_contained(html.text, html.base_url, html.files).encode("utf-8")
            pages = None
            _fail_if_strict(html, warnings)
        else:
            if renderer is None:
                renderer = stack.enter_context(PdfRenderer(edition.limits.max_memory_mb))
            job = RenderJob.of(html, _sources(loaded, html, edition))
            pdf = renderer.render(job, edition.limits, deadline=deadline)
            if job.attachments:
                _only_our_attachments(pdf.data, job.attachments)
            data, pages = pdf.data, pdf.pages
            warnings.extend(pdf.problems)
            _fail_if_strict(html, warnings)
    write_atomic(target, data)
    out = Output(str(target), format, len(data), pages)
    return BuildResult(str(loaded.root), (out,), tuple(warnings), clock.seconds())


def _sources(project: Project, html: Html, edition: Edition) -> tuple[Embedded, ...]:
    """The files `embed_sources` attaches (none otherwise)."""
    if not edition.embed_sources:
        return ()
    from reportbuilder.review.provenance import embedded_sources

    settings = {
        "lang": html.config.lang,
        "page_size": html.config.page_size,
        "pdf_variant": html.config.pdf_variant,
        "print_mode": edition.print_mode,
        "personalised": edition.personalisation is not None,
    }
    return tuple(
        Embedded(name, data, relationship, description, date)
        for name, data, relationship, description, date in embedded_sources(
            project.root, settings, edition.created
        )
    )


def _only_our_attachments(data: bytes, ours: tuple[Embedded, ...]) -> None:
    """With sources embedded, the render process lets embedded files through: make sure the
    PDF carries exactly ours (a project template could ask WeasyPrint for more)."""
    import io

    import pypdf

    found = sorted(item.name for item in pypdf.PdfReader(io.BytesIO(data)).attachment_list)
    if found != sorted(item.name for item in ours):
        extra = ", ".join(sorted(set(found) - {item.name for item in ours})) or "none"
        message = f"the PDF would carry attached files the build did not add ({extra})"
        raise RenderError(Problem(None, None, message, stage=Stage.RENDER))


def output_format(output: str | os.PathLike[str] | None) -> Literal["pdf", "html"] | None:
    """What an output's extension says it is: "html" for .html/.htm, "pdf" for .pdf."""
    suffix = Path(output).suffix.lower() if output else ""
    return "html" if suffix in (".html", ".htm") else "pdf" if suffix == ".pdf" else None


def output_path(
    project: Project, html: Html, output: str | os.PathLike[str] | None, format: str
) -> Path:
    """Where the build writes: `output`, else report.yml's (which must stay inside the
    project, links resolved); never onto a source of the project."""
    if output is None:
        configured = html.config.output or project.output_name
        written = Path(configured).with_suffix(f".{format}")
        path = (project.root / written).resolve()
        if not path.is_relative_to(project.root):
            message = f"the output {written.as_posix()} leads out of the project (a link?)"
            raise OutputError(Problem("report.yml", None, message, stage=Stage.OUTPUT))
    else:
        path = Path(output).resolve()
    inside = path.is_relative_to(project.root)
    if inside and path.relative_to(project.root).parts[0] in SOURCE_PLACES:
        shown = path.relative_to(project.root).as_posix()
        message = "the output would overwrite a source of the project"
        raise OutputError(Problem(shown, None, message, stage=Stage.OUTPUT))
    return path


__all__ = ["BuildResult", "Output", "ReportError", "build", "check", "resource_problems"]
