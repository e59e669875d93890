"""The `reportbuilder` command: thin wrappers that call the library and report its results."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from reportbuilder import __version__
from reportbuilder.errors import ReportError
from reportbuilder.language import is_known_locale
from reportbuilder.limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT
from reportbuilder.variants import PDF_VARIANTS

F = TypeVar("F", bound=Callable[..., Any])

PROJECT = click.argument(
    "project",
    required=False,
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


def _check_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not is_known_locale(value):
        raise click.BadParameter(f"'{value}' is not a language code Babel knows (try fr, en or es)")
    return value


def _lang_option(help: str) -> Callable[[F], F]:
    return click.option("--lang", default=None, callback=_check_lang, help=help)


def _strict_option(help: str) -> Callable[[F], F]:
    return click.option("--strict", is_flag=True, default=None, help=help)


def _timeout_option(help: str) -> Callable[[F], F]:
    return click.option(
        "--timeout",
        type=click.FloatRange(min=1),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        help=help,
    )


JSON_OPTION = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON summary on stdout."
)


def _emit_json(document: dict) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@contextlib.contextmanager
def _problems_as_json(as_json: bool) -> Iterator[None]:
    """With --json, a failure is also one JSON document on stdout (ok: false, problems)."""
    try:
        yield
    except ReportError as error:
        if as_json:
            problems = [
                {"path": p.path, "line": p.line, "message": p.message} for p in error.problems
            ]
            _emit_json({"ok": False, "problems": problems})
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportbuilder")
def main() -> None:
    """Build branded, print-ready PDF reports from Markdown, data and contacts."""


@main.command()
@PROJECT
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of report.yml's output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html"]),
    default="pdf",
    show_default=True,
    help="Output format.",
)
@_lang_option("Override report.yml's language (fr, en, es …).")
@click.option(
    "--print",
    "print_mode",
    is_flag=True,
    help="Print shop version: bleed, crop marks, left/right pages.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default=None,
    help="A WeasyPrint PDF variant, e.g. pdf/a-3b or pdf/ua-1.",
)
@_strict_option("Treat rendering warnings (missing image, bad CSS) as errors.")
@_timeout_option("Seconds the layout may take before the build fails.")
@click.option(
    "--max-memory",
    type=click.IntRange(min=256),
    default=DEFAULT_MAX_MEMORY_MB,
    show_default=True,
    help="Memory (MiB) the layout may use before the build fails.",
)
@JSON_OPTION
def build(
    project: Path,
    output: Path | None,
    fmt: str,
    lang: str | None,
    print_mode: bool,
    pdf_variant: str | None,
    strict: bool | None,
    timeout: float,
    max_memory: int,
    as_json: bool,
) -> None:
    """Build the report in PROJECT (default: the current folder).

    \b
    Examples:
      reportbuilder build
      reportbuilder build my-report -o report.pdf
      reportbuilder build --format html --json
    """
    from reportbuilder.render.renderer import Renderer  # standard library only: cheap

    # The render process starts before the rest of the package is imported, so that
    # WeasyPrint's own import (half a second) runs beside ours and the HTML stage.
    renderer = Renderer(max_memory) if fmt == "pdf" else None
    with _problems_as_json(as_json), renderer or contextlib.nullcontext():
        from reportbuilder.pipeline import build as run_build

        result = run_build(
            project, output=output, fmt=fmt, lang=lang, pdf_variant=pdf_variant,
            print_mode=print_mode, strict=strict, timeout=timeout, max_memory_mb=max_memory,
            renderer=renderer,
        )  # fmt: skip
    if as_json:
        _emit_json(result.as_json())
        return
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for out in result.outputs:
        pages = f", {out.pages} pages" if out.pages is not None else ""
        click.echo(
            f"wrote {out.path} ({out.bytes / 1024:.0f} KiB{pages}) in {result.seconds:.1f} s"
        )


@main.command()
@PROJECT
@_lang_option("Check with this language instead of report.yml's.")
@_strict_option("Treat warnings (a missing image or stylesheet) as errors.")
@_timeout_option("Seconds the check may take before it fails.")
@JSON_OPTION
def check(
    project: Path, lang: str | None, strict: bool | None, timeout: float, as_json: bool
) -> None:
    """Validate PROJECT (config, content, data, contacts) without writing anything."""
    from reportbuilder.pipeline import check as run_check

    with _problems_as_json(as_json):
        result = run_check(project, lang=lang, strict=strict, timeout=timeout)
    if as_json:
        _emit_json(result.as_json())
        return
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    found = f" ({len(result.warnings)} warnings)" if result.warnings else ""
    click.echo(f"{project}: no problems found{found}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["fr", "en", "es"]),
    default="en",
    show_default=True,
    help="Language of the new project.",
)
def init(directory: Path, lang: str) -> None:
    """Create a small working report project in DIRECTORY."""
    from reportbuilder.scaffold import create_project

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise click.BadParameter("exists and is not empty; choose a new folder", param_hint="DIR")
    files = create_project(directory, lang)
    click.echo(
        f"created {len(files)} files in {directory}; now run: reportbuilder build {directory}"
    )
