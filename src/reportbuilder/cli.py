"""The `reportbuilder` command: thin wrappers that call the library and report its results."""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

import click

from reportbuilder import __version__
from reportbuilder.errors import Problem, ReportError, Stage
from reportbuilder.errors import printable as _safe
from reportbuilder.language import is_known_locale
from reportbuilder.limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT, MAX_TIMEOUT
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


def _check_timeout(ctx: click.Context, param: click.Parameter, value: float) -> float:
    # FloatRange lets nan (no comparison holds) and inf through.
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


def _timeout_option(help: str) -> Callable[[F], F]:
    return click.option(
        "--timeout",
        type=click.FloatRange(min=1, max=MAX_TIMEOUT),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        callback=_check_timeout,
        help=help,
    )


def _max_memory_option(help: str) -> Callable[[F], F]:
    return click.option(
        "--max-memory",
        type=click.IntRange(min=256),
        default=DEFAULT_MAX_MEMORY_MB,
        show_default=True,
        help=help,
    )


JSON_OPTION = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON summary on stdout."
)

# The command-line flag that changes each library setting a problem may name.
_FLAGS = {"timeout": "--timeout", "max_memory_mb": "--max-memory", "strict": "--strict"}


def _emit_json(document: dict[str, Any]) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _line(problem: Problem) -> str:
    flag = _FLAGS.get(problem.setting or "")
    return f"{problem} (see {flag})" if flag else str(problem)


class _Failed(click.ClickException):
    """Problems already shown, in lines or as JSON: exit 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        pass


@contextlib.contextmanager
def _reporting(as_json: bool) -> Iterator[None]:
    """A `ReportError` becomes one line per problem on stderr (and with --json, one JSON
    document on stdout: ok false, problems) and exit code 1."""
    try:
        yield
    except MemoryError:
        # Only the HTML stage can get here (the render process reports its own): a value
        # built by a template or read from data took more than --max-memory.
        message = "over the memory limit while preparing the document"
        problem = Problem(None, None, message, stage=Stage.COMPOSE, setting="max_memory_mb")
        if as_json:
            _emit_json({"ok": False, "problems": [problem.as_json()]})
        click.echo(_line(problem), err=True)
        raise _Failed("") from None
    except ReportError as error:
        if as_json:
            _emit_json({"ok": False, "problems": [p.as_json() for p in error.problems]})
        for problem in error.problems:
            click.echo(_line(problem), err=True)
        if len(error.problems) > 1:
            click.echo(f"{len(error.problems)} problems found.", err=True)
        raise _Failed("") from None


def _warn(problems: Iterable[Problem]) -> None:
    for problem in problems:
        click.echo(f"warning: {_line(problem)}", err=True)


class _Main(click.Group):
    """Our own bugs end as one line asking for a report, not as a traceback; set
    REPORTBUILDER_DEBUG=1 (the tests do) to let them through."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as error:
            if os.environ.get("REPORTBUILDER_DEBUG"):
                raise
            click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
            click.echo(
                "This is a bug in reportbuilder, not in your project. Please report it with "
                "the command you ran; REPORTBUILDER_DEBUG=1 shows the details.",
                err=True,
            )
            ctx.exit(1)


def _stop(number: int, frame: object) -> None:
    """SIGTERM or SIGHUP: unwind like Ctrl-C, so that the render process is ended and
    temporary files are removed on the way out; exit 128 + the signal's number."""
    click.echo(f"stopped by {signal.Signals(number).name}", err=True)
    raise SystemExit(128 + number)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportbuilder")
def main() -> None:
    """Build branded, print-ready PDF reports from Markdown, data and contacts."""
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, _stop)


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
@click.option(
    "--embed-sources",
    is_flag=True,
    help="Attach the data files and a build manifest (PDF/A-3; pdf/a-3b unless given).",
)
@click.option(
    "--compare",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="After building, show what changed from this earlier PDF (read before the build).",
)
@_strict_option("Treat rendering warnings (missing image, bad CSS) as errors.")
@_timeout_option("Seconds the whole build may take before it fails.")
@_max_memory_option("Memory (MiB) the layout, and filling in the chapters, may each use.")
@JSON_OPTION
def build(
    project: Path,
    output: Path | None,
    fmt: Literal["pdf", "html"],
    lang: str | None,
    print_mode: bool,
    pdf_variant: str | None,
    embed_sources: bool,
    compare: Path | None,
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
      reportbuilder build --compare out/report.pdf
    """
    from reportbuilder.render.renderer import PdfRenderer  # standard library only: cheap

    if embed_sources and (fmt != "pdf" or (pdf_variant and not pdf_variant.startswith("pdf/a-3"))):
        raise click.BadParameter(
            "attaches sources to a PDF/A-3 only (pdf/a-3b, pdf/a-3u)", param_hint="--embed-sources"
        )
    if compare is not None and fmt != "pdf":
        raise click.BadParameter("compares PDFs only; drop --format html", param_hint="--compare")
    # Read now: the build may replace that very file.
    earlier = _read_earlier(compare) if compare is not None else None

    # The render process starts before the rest of the package is imported, so that
    # WeasyPrint's own import (half a second) runs beside ours and the HTML stage.
    renderer = PdfRenderer(max_memory) if fmt == "pdf" else None
    with _reporting(as_json), renderer or contextlib.nullcontext():
        from reportbuilder.edition import Edition
        from reportbuilder.limits import Limits, cap_memory
        from reportbuilder.pipeline import build as run_build

        edition = Edition(
            lang=lang,
            pdf_variant=pdf_variant,
            print_mode=print_mode,
            strict=strict,
            limits=Limits(timeout=timeout, max_memory_mb=max_memory),
            embed_sources=embed_sources,
        )
        with cap_memory(max_memory):  # the render process, forked already, sets its own
            result = run_build(project, edition, output=output, format=fmt, renderer=renderer)
    comparison = _compare_with(earlier, Path(result.outputs[0].path)) if earlier else None
    if as_json:
        document = result.as_json()
        if comparison is not None:
            document["comparison"] = comparison.as_json()
        _emit_json(document)
        return
    _warn(result.warnings)
    for out in result.outputs:
        pages = f", {out.pages} pages" if out.pages is not None else ""
        click.echo(
            _safe(f"wrote {out.path} ({out.bytes / 1024:.0f} KiB{pages}) in {result.seconds:.1f} s")
        )
    if comparison is not None:
        from reportbuilder.review.pdfdiff import printable

        click.echo(f"compared with {compare}:")
        for line in comparison.report():
            click.echo(f"  {printable(line)}")


def _read_earlier(path: Path) -> Any:
    from reportbuilder.review.pdfdiff import UnreadablePdf, printable, read_document

    try:
        return read_document(path)
    except UnreadablePdf as error:
        raise _Unusable(printable(str(error))) from None


def _compare_with(earlier: Any, built: Path) -> Any:
    from reportbuilder.review.pdfdiff import compare

    return compare(earlier, built)


@main.command()
@PROJECT
@_lang_option("Check with this language instead of report.yml's.")
@_strict_option("Treat warnings (a missing image or stylesheet) as errors.")
@_timeout_option("Seconds the check may take before it fails.")
@_max_memory_option("Memory (MiB) filling in the chapters may use before the check fails.")
@JSON_OPTION
def check(
    project: Path,
    lang: str | None,
    strict: bool | None,
    timeout: float,
    max_memory: int,
    as_json: bool,
) -> None:
    """Validate PROJECT (config, content, data, contacts) without writing anything."""
    with _reporting(as_json):
        from reportbuilder.edition import Edition
        from reportbuilder.limits import Limits, cap_memory
        from reportbuilder.pipeline import check as run_check

        edition = Edition(lang=lang, strict=strict, limits=Limits(timeout=timeout))
        with cap_memory(max_memory):
            result = run_check(project, edition)
    if as_json:
        _emit_json(result.as_json())
        return
    _warn(result.warnings)
    found = f" ({len(result.warnings)} warnings)" if result.warnings else ""
    click.echo(_safe(f"{project}: no problems found{found}"))


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["fr", "en", "es"]),
    default="en",
    show_default=True,
    help="Language of the new project.",
)
@click.option(
    "--ci",
    "ci",
    multiple=True,
    type=click.Choice(["github", "gitlab", "pre-commit"]),
    help="Also write a CI workflow (or pre-commit hook); on an existing project, only that.",
)
def init(directory: Path, lang: str, ci: tuple[str, ...]) -> None:
    """Create a small working report project in DIRECTORY."""
    from reportbuilder.scaffold import create_project, write_ci

    existing = directory.is_dir() and any(directory.iterdir())
    if existing and ci and (directory / "report.yml").is_file():
        with _reporting(False):
            files = write_ci(directory, list(ci))
        click.echo(f"added {', '.join(str(f) for f in files)}")
        return
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise click.BadParameter("exists and is not empty; choose a new folder", param_hint="DIR")
    with _reporting(False):
        files = create_project(directory, lang) + write_ci(directory, list(ci))
    click.echo(
        f"created {len(files)} files in {directory}; now run: reportbuilder build {directory}"
    )


class _Unusable(click.ClickException):
    """An input that cannot be used at all (not a PDF): exit 2, as wrong usage."""

    exit_code = 2


@main.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--visual",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write side-by-side PNGs of the changed pages (page-NNN.png) into this folder.",
)
@JSON_OPTION
@click.pass_context
def diff(ctx: click.Context, old: Path, new: Path, visual: Path | None, as_json: bool) -> None:
    """Show what changed from OLD to NEW (two PDFs): exit 0 when equal, 1 when different."""
    from reportbuilder.review.pdfdiff import UnreadablePdf, compare, printable

    try:
        result = compare(old, new)
    except UnreadablePdf as error:
        raise _Unusable(printable(str(error))) from None
    pictures: list[Path] = []
    if visual is not None:
        from reportbuilder.review.visual import write_pictures

        with _reporting(as_json):
            pictures = write_pictures(old, new, result.changed_pages(), visual)
    if as_json:
        _emit_json({**result.as_json(), "pictures": [str(p) for p in pictures]})
    else:
        for line in result.report():
            click.echo(printable(line))
        for picture in pictures:
            click.echo(f"wrote {picture}")
    if not result.equal:
        ctx.exit(1)


@main.command()
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Check the manifest's file hashes against this project folder.",
)
@JSON_OPTION
@click.pass_context
def provenance(ctx: click.Context, pdf: Path, project: Path | None, as_json: bool) -> None:
    """List the sources attached to PDF (build --embed-sources) and verify them: exit 0 when
    the manifest holds (and matches PROJECT's files), 1 otherwise."""
    from reportbuilder.review.pdfdiff import printable
    from reportbuilder.review.provenance import read, verify

    try:
        found = read(pdf)
    except Exception as error:  # pypdf raises assorted errors on files that are not PDFs
        if os.environ.get("REPORTBUILDER_DEBUG") and "pypdf" not in type(error).__module__:
            raise
        raise _Unusable(printable(f"{pdf}: not a readable PDF ({error})")) from None
    if project is not None:
        verify(found, project)
    if as_json:
        _emit_json(found.as_json())
    else:
        for item in found.attached:
            click.echo(
                printable(
                    f"{item.name}  ({item.relationship}, {len(item.data)} bytes, "
                    f"sha256 {item.sha256[:16]}…)"
                )
            )
        manifest = found.manifest
        if manifest is None:
            click.echo("no build manifest: not built with --embed-sources", err=True)
        else:
            tool, engine = manifest.get("tool", {}), manifest.get("engine", {})
            click.echo(
                printable(
                    f"built by reportbuilder {tool.get('version')} with WeasyPrint "
                    f"{engine.get('weasyprint')} on {manifest.get('built') or '(no date set)'}; "
                    f"{len(manifest.get('inputs', []))} source files recorded"
                )
            )
        for name in found.tampered():
            click.echo(printable(f"{name}: attached data differ from the manifest's hash"))
        for check in found.checks:
            if check.state != "same":
                click.echo(printable(f"{check.path}: {check.state} since the build"))
        if project is not None and found.verified:
            click.echo(f"{project}: every source file is the one the PDF was built from")
    if not found.verified:
        ctx.exit(1)
