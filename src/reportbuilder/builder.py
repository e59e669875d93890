"""The two library entry points: `build` (render and write) and `check` (validate only)."""

from __future__ import annotations

import contextlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .document import render_html
from .errors import Problem, ReportError
from .limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT
from .output import write_atomic
from .pdf import Renderer, RenderOptions
from .project import Project, load_project
from .sources import resource_locations


@dataclass
class Output:
    path: str
    format: str
    bytes: int
    pages: int | None = None


@dataclass
class BuildResult:
    """What a build made, for people (`summary`) and for CI (`as_json`)."""

    project: str
    outputs: list[Output] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"ok": True, **asdict(self), "problems": []}


def _overrides(lang: str | None, pdf_variant: str | None) -> dict[str, Any]:
    return {"lang": lang, "pdf_variant": pdf_variant}


def check(project_dir: Path, *, lang: str | None = None) -> BuildResult:
    """Load and validate everything and render the HTML in memory; write nothing."""
    started = time.perf_counter()
    project = load_project(project_dir, _overrides(lang, None))
    render_html(project)
    return BuildResult(project=str(project.root), seconds=round(time.perf_counter() - started, 3))


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
) -> BuildResult:
    """Build the report; the previous output is replaced only if everything succeeded."""
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        # Started first, so that WeasyPrint's import overlaps loading and the HTML stage.
        renderer = stack.enter_context(Renderer(max_memory_mb)) if fmt == "pdf" else None
        project = load_project(project_dir, _overrides(lang, pdf_variant))
        target = _target(project, output, fmt)
        html = render_html(project, print_mode=print_mode)
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
            if (project.config.strict if strict is None else strict) and rendered.warnings:
                raise ReportError([Problem("render", None, w) for w in rendered.warnings])
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
    if output is not None:
        return output.resolve()
    path = project.root / project.output_name
    return path.with_suffix(".html") if fmt == "html" else path
