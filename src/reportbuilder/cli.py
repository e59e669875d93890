"""The `reportbuilder` command: thin wrappers that call the library and report its results."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import importlib
import json
import math
import os
import re
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

import click

from reportbuilder import __version__, progress
from reportbuilder.errors import Problem, ReportError, Severity, Stage, in_reading_order
from reportbuilder.errors import printable as _safe
from reportbuilder.language import is_known_locale
from reportbuilder.limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT, MAX_TIMEOUT
from reportbuilder.variants import PDF_VARIANTS, variant_problem

F = TypeVar("F", bound=Callable[..., Any])
COMPOSE = "reportbuilder.compose.html"  # the HTML stage: Jinja2, Markdown, Babel …

# Pydantic looks for plugins on its first validation by reading the entry points of every
# installed distribution (a tenth of the time `check` takes, more in a large environment);
# the command uses none. Set before pydantic is imported; a value set by the user stays.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
_PLUGINS_OFF = ("__all__", "1", "true")  # pydantic's own values for "none" (plugin._loader)
_LOADER = "pydantic.plugin._loader"


def _pydantic_loader_unread() -> None:
    """Pydantic's plugin loader imports `importlib.metadata` (email, zipfile, csv, socket …:
    a twentieth of `check`'s time) to look for plugins it then does not load when they are
    off. While they are off, a stand-in answers its one question — no plugins — as it
    would; anything else it is asked (another pydantic, plugins turned on later) is answered
    by the real module, imported then in its place."""
    if _LOADER in sys.modules or os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in _PLUGINS_OFF:
        return
    stand_in = types.ModuleType(_LOADER, "pydantic's plugin loader while plugins are off")

    def real() -> types.ModuleType:
        if sys.modules.get(_LOADER) is stand_in:
            del sys.modules[_LOADER]
        return importlib.import_module(_LOADER)

    def get_plugins() -> Iterable[Any]:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _PLUGINS_OFF:
            return ()
        return real().get_plugins()

    def attribute(name: str) -> Any:
        if name.startswith("__"):  # `__path__`, asked by every `from … import`: not a package
            raise AttributeError(name)
        return getattr(real(), name)

    vars(stand_in).update(get_plugins=get_plugins, __getattr__=attribute)
    sys.modules[_LOADER] = stand_in


_pydantic_loader_unread()
# Babel asks pytz (installed for vobject) for the local time zone when `babel.dates` is
# imported, and pytz's first look-up opens each of its 598 zone files to see that it is there
# (measured: 20 ms of `check`, more on a busy disk). pytz's own switch skips that: its wheel
# holds every zone it lists, and no zone name we pass comes from a user.
os.environ.setdefault("PYTZ_SKIPEXISTSCHECK", "1")

PROJECT = click.argument(
    "project",
    required=False,
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


class _FilePath(click.Path):
    """A file's path as given: `-o x.pdf/` (a folder's name) wrote x.pdf, the slash dropped
    unsaid (trial 8 #32); refused as a wrong value."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.endswith(("/", os.sep)):
            self.fail(f"'{value}' names a folder (it ends with '/'); give a file name", param, ctx)
        return super().convert(value, param, ctx)


def _check_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not is_known_locale(value):
        raise click.BadParameter(f"'{value}' is not a language code Babel knows (try fr, en or es)")
    return value


def _check_langs(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    codes = tuple(dict.fromkeys(code.strip() for code in value.split(",") if code.strip()))
    if not codes:
        raise click.BadParameter("give a language code (fr), several (fr,en) or all")
    for code in codes:
        if code != "all":
            _check_lang(ctx, param, code)
    return codes


def _lang_option(help: str) -> Callable[[F], F]:
    return click.option("--lang", default=None, callback=_check_lang, help=help)


def _strict_option(help: str) -> Callable[[F], F]:
    return click.option("--strict", is_flag=True, default=None, help=help)


def _check_timeout(ctx: click.Context, param: click.Parameter, value: float) -> float:
    # FloatRange lets nan (no comparison holds) and inf through.
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


def _check_assignments(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[tuple[str, ...], Any], ...]:
    if not values:  # the settings' models (Pydantic) are not needed: an unchanged build
        return ()  # is answered without them
    from reportbuilder.project.config import ReportConfig
    from reportbuilder.project.overrides import parse_assignment, unknown_key

    parsed = []
    for text in values:
        try:
            path, value = parse_assignment(text)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
        wrong = unknown_key(path, ReportConfig)
        if wrong:
            raise click.BadParameter(wrong)
        parsed.append((path, value))
    return tuple(parsed)


SET_OPTION = click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_check_assignments,
    help="Override one report.yml setting, e.g. page_size=A5 or brand.primary=#8a1538.",
)


def _check_recipients(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Each `--to` one mailbox, as `mail` will write it: a wrong one is wrong usage (exit 2)."""
    from reportbuilder.addresses import check_address
    from reportbuilder.errors import DeliveryError

    for value in values:
        try:
            check_address(value, "--to")
        except DeliveryError as error:
            raise click.BadParameter(_safe(error.problems[0].message)) from None
    return values


def _timeout_option(help: str) -> Callable[[F], F]:
    return click.option(
        "--timeout",
        type=click.FloatRange(min=1, max=MAX_TIMEOUT),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        callback=_check_timeout,
        help=help,
    )


def _check_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    from reportbuilder.project.config import parse_size

    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


MAX_SIZE_OPTION = click.option(
    "--max-size",
    default=None,
    callback=_check_size,
    metavar="SIZE",
    help="Largest PDF allowed (8MB, 150KB): images are lightened to fit, else it fails.",
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
_FLAGS = {
    "timeout": "--timeout",
    "max_memory_mb": "--max-memory",
    "strict": "--strict",
    "max_size": "--max-size",
}


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
def _imported_frozen(*modules: str) -> Iterator[None]:
    """Import `modules` with the cycle collector off, then freeze what is tracked, for the
    block: a short command otherwise spends a tenth of its time walking the same module
    objects in collection after collection. Unfrozen after, for a long-lived caller; a caller
    that froze objects of its own keeps them frozen (`gc.unfreeze` would thaw them too), and
    then nothing more is frozen for the block."""
    enabled = gc.isenabled()
    ours = gc.get_freeze_count() == 0
    gc.disable()
    try:
        for name in modules:
            importlib.import_module(name)
        if ours:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()
    try:
        yield
    finally:
        if ours:
            gc.unfreeze()


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
        problems = in_reading_order(error.problems)
        if as_json:
            document: dict[str, Any] = {"ok": False, "problems": [p.as_json() for p in problems]}
            if error.written:
                document["outputs"] = [out.as_json() for out in error.written]
            _emit_json(document)
        for out in () if as_json else error.written:  # the editions that built
            click.echo(_safe(f"wrote {out.path} (this edition built; another failed)"))
        option = _only_option(problems)
        if option is not None:
            # A wrong value of a command-line option (`--set page_size=A6`, `--to x`) is
            # wrong usage, exit 2, as click says of one it can check itself.
            usage = click.BadParameter(
                "; ".join(_safe(p.message) for p in problems), param_hint=f"'{option}'"
            )
            usage.json_shown = as_json  # type: ignore[attr-defined]
            raise usage from None
        for problem in problems:
            # Warnings found on the way are listed too (`check` runs every stage), marked.
            mark = "warning: " if problem.severity is Severity.WARNING else ""
            click.echo(mark + _line(problem), err=True)
        warned = sum(1 for p in problems if p.severity is Severity.WARNING)
        if len(problems) > 1:
            also = f", and {_count(warned, 'warning')}" if warned else ""
            click.echo(f"{_count(len(problems) - warned, 'problem')} found{also}.", err=True)
        raise _Failed("") from None


def _only_option(problems: Iterable[Problem]) -> str | None:
    """The option every problem is about (`--set`, `--to`), if they all name the same one."""
    paths = {p.path for p in problems}
    if len(paths) == 1:
        path = next(iter(paths))
        if path is not None and path.startswith("--") and " " not in path:
            return path
    return None


def _usage_json(error: click.ClickException) -> None:
    """A usage error as the one JSON document `--json` promises on stdout."""
    if getattr(error, "json_shown", False):
        return
    problem = Problem(None, None, error.format_message(), stage=Stage.PROJECT)
    document = {"ok": False, "usage": True, "problems": [problem.as_json()]}
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _warn(problems: Iterable[Problem]) -> None:
    for problem in in_reading_order(problems):
        click.echo(f"warning: {_line(problem)}", err=True)


# What other tools call our commands: "No such command 'new'" said nothing of `init`.
_OTHER_NAMES = {
    "new": "init", "create": "init", "scaffold": "init", "start": "init", "render": "build",
    "make": "build", "compile": "build", "serve": "watch", "preview": "watch", "send": "mail",
    "email": "mail", "compare": "diff", "validate": "check", "lint": "check",
}  # fmt: skip


class _Main(click.Group):
    """Our own bugs end as one line asking for a report, not as a traceback; set
    REPORTBUILDER_DEBUG=1 (the tests do) to let them through."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name in _OTHER_NAMES and self.get_command(ctx, name) is None:
            ctx.fail(f"No such command '{name}'. Did you mean '{_OTHER_NAMES[name]}'?")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        # `--json` promises one JSON document on stdout, a usage error included (a CI step
        # parses it): the words given to the command, before click parses them.
        as_json = "--json" in [*getattr(ctx, "_protected_args", ()), *ctx.args]
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            if as_json and error.exit_code == 2:
                _usage_json(error)
            raise
        except _Signalled as stop:  # SIGTERM, SIGHUP: its line is on stderr already
            if as_json:
                _emit_json({"ok": False, "problems": [_stopped_by(stop.number).as_json()]})
            raise
        except KeyboardInterrupt:
            # Ctrl-C: the line and exit code SIGTERM and SIGHUP give (128 + 2), not click's
            # "Aborted!" and exit 1, which CI reads as "the content is wrong".
            problem = _stopped_by(signal.SIGINT)
            if as_json:
                _emit_json({"ok": False, "problems": [problem.as_json()]})
            click.echo(problem.message, err=True)
            ctx.exit(128 + signal.SIGINT)
        except (click.exceptions.Exit, click.Abort):
            raise
        except MemoryError:
            # Out of memory outside the stages `_reporting` covers (loading modules, reading
            # the cache, writing): not a bug, the one line `_reporting` would give.
            problem = Problem(
                None, None, "over the memory limit", stage=Stage.PROJECT, setting="max_memory_mb"
            )
            if as_json:
                _emit_json({"ok": False, "problems": [problem.as_json()]})
            click.echo(_line(problem), err=True)
            ctx.exit(1)
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


# Set by `run` (the `reportbuilder` command's own process): only there may the watchdog end
# the process; a program or test calling `main` in its own process gets the deadline alone.
_OWN_PROCESS = False


# The stage a stop names, by what the command was doing (`watchdog.doing`).
_STAGE_OF = {
    "composing": Stage.COMPOSE,
    "composing the HTML": Stage.COMPOSE,
    "laying out the pages": Stage.RENDER,
    "checking the PDF": Stage.RENDER,
    "writing": Stage.OUTPUT,
}


def _hard_deadline(project: Path, timeout: float, what: str, as_json: bool) -> None:
    """In the command's own process, end it (one line, exit 1, nothing left behind) if it
    still runs `watchdog.GRACE` seconds after --timeout: see `watchdog`."""
    if not _OWN_PROCESS or threading.current_thread() is not threading.main_thread():
        return
    from reportbuilder import watchdog

    def say(doing: tuple[str, str | None]) -> tuple[str, str]:
        verb, path = doing
        late = f"{what} still running {watchdog.GRACE:g} s after its time limit of {timeout:g} s"
        if verb:  # what it was doing: "composing" a chapter, "reading" a data file
            late += f" while {verb} {'this file' if path else ''}".rstrip()
        message = f"{late}: stopped, nothing written"
        place = path or str(project)
        stage = _STAGE_OF.get(verb, Stage.PROJECT)
        problem = Problem(place, None, message, stage=stage, setting="timeout")
        document = ""
        if as_json:
            document = json.dumps({"ok": False, "problems": [problem.as_json()]}, indent=2) + "\n"
        return _line(problem), document

    guard = watchdog.Watchdog(timeout + watchdog.GRACE, say)
    guard.arm()
    click.get_current_context().call_on_close(guard.disarm)


class _Signalled(SystemExit):
    """The command stopped by a signal: exit 128 + its number."""

    def __init__(self, number: int) -> None:
        super().__init__(128 + number)
        self.number = number


def _stopped_by(number: int) -> Problem:
    return Problem(None, None, f"stopped by {signal.Signals(number).name}", stage=Stage.PROJECT)


def _stop(number: int, frame: object) -> None:
    """SIGTERM or SIGHUP: unwind like Ctrl-C, so that the render process is ended and
    temporary files are removed on the way out; exit 128 + the signal's number."""
    click.echo(_stopped_by(number).message, err=True)
    raise _Signalled(number)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportbuilder")
def main() -> None:
    """Build branded, print-ready PDF reports from Markdown, data and contacts."""
    if threading.current_thread() is threading.main_thread():
        previous = {
            number: signal.signal(number, _stop) for number in (signal.SIGTERM, signal.SIGHUP)
        }

        def restore() -> None:  # called in-process (tests, scripts), the caller's own again
            for number, handler in previous.items():
                signal.signal(number, handler)

        click.get_current_context().call_on_close(restore)


def _buildable_variant(value: str | None) -> str | None:
    """`--pdf-variant`'s value, or a usage error for a variant a report cannot claim."""
    if why := variant_problem(value):
        raise click.BadParameter(why)
    return value


@main.command()
@PROJECT
@click.option(
    "-o",
    "--output",
    type=_FilePath(dir_okay=False, path_type=Path),
    help="Write here instead of report.yml's output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html"]),
    default=None,
    help="Output format (default: the output's extension, else pdf).",
)
@click.option(
    "--lang",
    "langs",
    default=None,
    callback=_check_langs,
    metavar="CODE[,CODE…]|all",
    help="Build in these languages (fr,en,es) or in all of report.yml's (lang and languages:).",
)
@click.option(
    "--print",
    "print_mode",
    is_flag=True,
    help="Print shop version: bleed, crop marks, left/right pages.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    callback=lambda _ctx, _param, value: _buildable_variant(value),
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
@click.option(
    "--variant",
    "variants",
    multiple=True,
    metavar="NAME",
    help="Build report.yml's variant NAME (repeat, or a,b; 'all': every variant).",
)
@SET_OPTION
@click.option(
    "--force",
    is_flag=True,
    help="Build even if nothing changed since the last build (the cache is refreshed).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Editions built at once (several languages or variants); default: one per core.",
)
@click.option(
    "--no-parts",
    is_flag=True,
    help="Lay the PDF out whole, never chapter by chapter (as REPORTBUILDER_PARTS=0).",
)
@click.option(
    "--explain-templates",
    is_flag=True,
    help="Also say which file each template and stylesheet came from (project or theme).",
)
@_strict_option("Treat rendering warnings (missing image, bad CSS) as errors.")
@_timeout_option("Seconds the whole build may take before it fails.")
@_max_memory_option("Memory (MiB) the layout, and filling in the chapters, may each use.")
@MAX_SIZE_OPTION
@JSON_OPTION
def build(
    project: Path,
    output: Path | None,
    fmt: Literal["pdf", "html"] | None,
    langs: tuple[str, ...] | None,
    print_mode: bool,
    pdf_variant: str | None,
    embed_sources: bool,
    compare: Path | None,
    variants: tuple[str, ...],
    assignments: tuple[tuple[tuple[str, ...], Any], ...],
    force: bool,
    jobs: int | None,
    no_parts: bool,
    explain_templates: bool,
    strict: bool | None,
    timeout: float,
    max_memory: int,
    max_size: int | None,
    as_json: bool,
) -> None:
    """Build the report in PROJECT (default: the current folder).

    \b
    Examples:
      reportbuilder build
      reportbuilder build my-report -o report.pdf
      reportbuilder build --format html --json
      reportbuilder build --compare out/report.pdf
      reportbuilder build --variant a5 --set brand.primary=#8a1538
    """
    _hard_deadline(project, timeout, "the build was", as_json)
    fmt = _format_of(output, fmt)
    if embed_sources and (fmt == "html" or (pdf_variant and not pdf_variant.startswith("pdf/a-3"))):
        raise click.BadParameter(
            "attaches sources to a PDF/A-3 only (pdf/a-3b, pdf/a-3u)", param_hint="--embed-sources"
        )
    if compare is not None and fmt == "html":
        raise click.BadParameter("compares PDFs only; drop --format html", param_hint="--compare")
    names = [name.strip() for given in variants for name in given.split(",") if name.strip()]
    several = len(names) > 1 or "all" in names or len(langs or ()) > 1 or "all" in (langs or ())
    if several and (output is not None or compare is not None):
        option = "-o" if output is not None else "--compare"
        raise click.BadParameter(
            "takes one edition; with several variants or languages each writes its own output",
            param_hint=option,
        )
    # Read now: the build may replace that very file.
    earlier = _read_earlier(compare) if compare is not None else None

    from reportbuilder.cache import Cache, linked_cache
    from reportbuilder.edition import Edition
    from reportbuilder.limits import Limits

    with _reporting(as_json):
        edition = Edition(
            pdf_variant=pdf_variant,
            print_mode=print_mode,
            strict=strict,
            limits=Limits(timeout=timeout, max_memory_mb=max_memory),
            embed_sources=embed_sources,
            max_size=max_size,
            parts=False if no_parts else None,
        )
    cache: Cache | None = Cache(project, read=not force)
    if (linked := linked_cache(project)) is not None:
        click.echo(
            f"warning: {linked} is a link: the cache is not used (it would be written where "
            "the link points); remove the link",
            err=True,
        )
        cache = None
    # The editions, when the options name them (else report.yml does): hashed with the
    # project's files before anything is loaded, so that an unchanged build is answered
    # from the cache without loading the project or starting the render process.
    named = "all" not in names and "all" not in (langs or ())
    variant_names: list[str | None] = [*names] or [None]
    codes: list[str | None] = list(langs or [None])
    chosen = [(name, code) for name in variant_names for code in codes]
    inputs = None
    results = None
    if named and cache is not None:
        from reportbuilder.results import unchanged

        editions = [(name, dataclasses.replace(edition, lang=code)) for name, code in chosen]
        given = os.fspath(output) if output is not None else None
        with _reporting(as_json):
            inputs = [
                cache.inputs_key(
                    edition=each, variant=name, assignments=assignments, output=given, format=fmt
                )
                for name, each in editions
            ]
            if not explain_templates:
                results = unchanged(cache, editions, inputs, output=output, format=fmt)
    if results is None:
        results, chosen, explained = _build_editions(
            project,
            edition,
            cache,
            names,
            langs,
            chosen if named else None,
            inputs,
            assignments=assignments,
            output=output,
            fmt=fmt,
            jobs=jobs,
            timeout=timeout,
            max_memory=max_memory,
            explain_templates=explain_templates,
            as_json=as_json,
        )
    else:
        explained = []
    result = results[0] if len(results) == 1 else _together(results)
    comparison = _compare_with(earlier, Path(result.outputs[0].path)) if earlier else None
    if as_json:
        document = result.as_json()
        if len(results) > 1:
            document["builds"] = [
                {"variant": name, "lang": code, **each.as_json()}
                for (name, code), each in zip(chosen, results, strict=True)
            ]
        if comparison is not None:
            document["comparison"] = comparison.as_json()
        if explain_templates:
            document["templates"] = [vars(origin) for origin in explained]
        _emit_json(document)
        return
    for each in results:
        _warn(each.warnings)
        for out in each.outputs:
            pages = f", {_count(out.pages, 'page')}" if out.pages is not None else ""
            if out.cached == "up to date":
                click.echo(_safe(f"{out.path} is up to date (nothing changed since it was built)"))
                continue
            if out.cached:
                click.echo(
                    _safe(f"restored {out.path} from the cache ({out.bytes / 1024:.0f} KiB)")
                )
                continue
            click.echo(
                _safe(
                    f"wrote {out.path} ({out.bytes / 1024:.0f} KiB{pages}) in {each.seconds:.1f} s"
                )
            )
            if out.images:
                click.echo(f"  images lightened to fit --max-size: {out.images}")
            if out.sources:
                click.echo(_safe(f"  --embed-sources: {out.sources}"))
    if explained:
        click.echo("templates and stylesheets:")
        for origin in explained:
            click.echo(_safe(f"  {origin.kind:10} {origin.name:24} ← {origin.path}"))
    if comparison is not None:
        from reportbuilder.review.pdfdiff import printable

        click.echo(f"compared with {compare}:")
        for line in comparison.report():
            click.echo(f"  {printable(line)}")


def _build_editions(
    project: Path,
    edition: Any,
    cache: Any,
    names: list[str],
    langs: tuple[str, ...] | None,
    chosen: list[tuple[str | None, str | None]] | None,
    inputs: list[str] | None,
    *,
    assignments: tuple[tuple[tuple[str, ...], Any], ...],
    output: Path | None,
    fmt: Literal["pdf", "html"] | None,
    jobs: int | None,
    timeout: float,
    max_memory: int,
    explain_templates: bool,
    as_json: bool,
) -> tuple[list[Any], list[tuple[str | None, str | None]], list[Any]]:
    """`build`'s editions built (or taken from the cache): the results, the (variant,
    language) of each, and the templates' origins when asked."""
    from reportbuilder.render.renderer import PdfRenderer  # standard library only: cheap

    # The render process starts before the rest of the package is imported, so that
    # WeasyPrint's own import (half a second) runs beside ours, loading the project, the
    # cache's look-up and the HTML stage: with the cache on too, so that a build after an
    # edit costs no more than `--force`. When the cache answers after all (a build whose
    # inputs were not hashed before), the process is ended unused: a fork and a kill.
    progress.start(progress.wanted(as_json))  # before the render process, which inherits it
    renderer = PdfRenderer(max_memory) if fmt != "html" else None
    with progress.erased(), _reporting(as_json), renderer or contextlib.nullcontext():
        from reportbuilder.limits import Deadline, cap_memory
        from reportbuilder.pipeline import build_editions, load_for_build
        from reportbuilder.project.load import load_project

        # --timeout is for the whole command: reading a huge data file counts too.
        deadline = Deadline(timeout)
        # The cap holds from the first byte read: a huge data file counts (each render
        # process sets its own).
        with cap_memory(max_memory):
            needs_base = not names or "all" in names or "all" in (langs or ())
            base = None
            if needs_base:
                base = load_for_build(deadline, project, assignments=assignments)
            if chosen is None:
                if "all" in names:
                    assert base is not None
                    if not base.config.variants:
                        raise click.BadParameter(
                            "report.yml has no variants:", param_hint="--variant"
                        )
                    names = list(base.config.variants)
                codes: list[str | None] = list(langs or [None])
                if "all" in codes:
                    assert base is not None
                    codes = [base.config.lang, *base.config.languages]
                variant_names: list[str | None] = [*names] or [None]
                chosen = [(name, code) for name in variant_names for code in codes]
            results = build_editions(
                project,
                [(name, dataclasses.replace(edition, lang=code)) for name, code in chosen],
                known={None: base} if base is not None else None,
                assignments=assignments,
                output=output,
                format=fmt,
                renderer=renderer,
                jobs=jobs or os.cpu_count() or 1,
                cache=cache,
                deadline=deadline,
                inputs=inputs,
            )
        explained = _origins(base or load_project(project)) if explain_templates else []
    return results, chosen, explained


def _origins(project: Any) -> list[Any]:
    from reportbuilder.project.theme import origins

    return origins(project.theme, project.templates, project.stylesheets, project.files)


def _together(results: list[Any]) -> Any:
    """Several variants' builds as one result: every output and problem, in order."""
    from reportbuilder.pipeline import BuildResult

    return BuildResult(
        results[0].project,
        tuple(out for result in results for out in result.outputs),
        tuple(problem for result in results for problem in result.problems),
        round(sum(result.seconds for result in results), 3),
    )


_EXTENSIONS = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def _format_of(output: Path | None, fmt: str | None) -> Literal["pdf", "html"] | None:
    """The format `-o`'s extension says, unless --format says it; None: report.yml's output
    decides. An extension we do not write, or one that contradicts --format, is refused."""
    if output is None:
        return fmt  # type: ignore[return-value]
    suffix = output.suffix.lower()
    said = _EXTENSIONS.get(suffix)
    if said is None and suffix:
        raise click.BadParameter(
            f"writes .pdf or .html, not {suffix}", param_hint="'-o' / '--output'"
        )
    if fmt is not None and said is not None and fmt != said:
        raise click.BadParameter(
            f"--format {fmt} contradicts the output's extension {suffix}", param_hint="--format"
        )
    return fmt or said or "pdf"  # type: ignore[return-value]


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
@click.option("--variant", metavar="NAME", default=None, help="Check report.yml's variant NAME.")
@SET_OPTION
@JSON_OPTION
def check(
    project: Path,
    lang: str | None,
    strict: bool | None,
    timeout: float,
    max_memory: int,
    variant: str | None,
    assignments: tuple[tuple[Any, Any], ...],
    as_json: bool,
) -> None:
    """Validate PROJECT (config, content, data, contacts) without writing anything.

    Layout problems (a table or a line past the page's edge, a character no font has) are
    found when the pages are laid out: by `build` only."""
    _hard_deadline(project, timeout, "the check was", as_json)
    with _reporting(as_json), _imported_frozen("reportbuilder.pipeline", COMPOSE):
        from reportbuilder.edition import Edition
        from reportbuilder.limits import Limits, cap_memory
        from reportbuilder.pipeline import check as run_check

        edition = Edition(lang=lang, strict=strict, limits=Limits(timeout=timeout))
        with cap_memory(max_memory):
            result = run_check(project, edition, variant=variant, assignments=assignments)
    if as_json:
        _emit_json(result.as_json())
        return
    _warn(result.warnings)
    found = f" ({_count(len(result.warnings), 'warning')})" if result.warnings else ""
    click.echo(_safe(f"{project}: no problems found{found}"))


@main.command()
@PROJECT
@click.option(
    "--to",
    "to",
    multiple=True,
    required=True,
    metavar="ADDR",
    callback=_check_recipients,
    help="A recipient, as ana@example.org or 'Ana Pérez <ana@example.org>' (repeat for more).",
)
@click.option(
    "--eml",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the message to this .eml file instead of sending it.",
)
@click.option(
    "--smtp",
    metavar="HOST[:PORT]",
    default=None,
    help="Send through this server (STARTTLS; port 465: TLS). Default: report.yml's mail.smtp.",
)
@click.option(
    "--pdf",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Attach this PDF instead of building the report.",
)
@_lang_option("Build and write the message in this language instead of report.yml's.")
@click.option(
    "--attach-vcard",
    is_flag=True,
    help="Also attach the report's contact as a vCard (as report.yml's mail.vcard: true).",
)
@MAX_SIZE_OPTION
@_timeout_option("Seconds the build may take before it fails.")
@JSON_OPTION
def mail(
    project: Path,
    to: tuple[str, ...],
    eml: Path | None,
    smtp: str | None,
    pdf: Path | None,
    lang: str | None,
    attach_vcard: bool,
    max_size: int | None,
    timeout: float,
    as_json: bool,
) -> None:
    """Build the report in PROJECT and send it by email, or write the message as .eml.

    The SMTP password is read from REPORTBUILDER_SMTP_PASSWORD or from report.yml's
    mail.smtp.password_file (a file only you can read); never from the command line.

    \b
    Examples:
      reportbuilder mail --to ana@example.org --eml out/rapport.eml
      reportbuilder mail --to ana@example.org --smtp smtp.example.org:587
    """
    if eml is not None and smtp is not None:
        raise click.UsageError("give --eml or --smtp, not both")
    with _reporting(as_json):
        from reportbuilder.edition import Edition
        from reportbuilder.limits import Limits
        from reportbuilder.mailing import NowhereToSend
        from reportbuilder.mailing import mail as run_mail

        edition = Edition(lang=lang, limits=Limits(timeout=timeout), max_size=max_size)
        target: Any = project
        if attach_vcard:
            from reportbuilder.project.load import load_project

            target = load_project(project, assignments=[(("mail", "vcard"), True)])
        try:
            result = run_mail(target, edition, to=list(to), eml=eml, smtp=smtp, pdf=pdf)
        except NowhereToSend:
            # A usage error (exit 2), as PRODUCT.md has it: the call, not the content.
            raise click.UsageError(
                "nowhere to send the message: give --eml FILE or --smtp HOST[:PORT], "
                "or set mail.smtp in report.yml"
            ) from None
    if as_json:
        _emit_json(result.as_json())
        return
    _warn(p for p in result.problems if p.severity == "warning")
    if result.images:
        click.echo(f"images lightened to fit --max-size: {result.images}")
    where = f"wrote {result.eml}" if result.eml else f"sent through {result.smtp}"
    click.echo(
        f"{where}: {result.message_id} to {', '.join(result.recipients)} "
        f"({result.message_bytes / 1024:.0f} KiB, with {Path(result.pdf or '').name})"
    )


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="[PROJECT] REQUESTERS")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the PDFs and the journal (default: merge/ beside report.yml's output).",
)
@click.option(
    "--names",
    default="{stem}-{name}",
    show_default=True,
    help="File-name template: {column} fields of the requesters file, {stem}, {line}.",
)
@click.option(
    "--eml-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write each row's message, its PDF attached, as an .eml file here.",
)
@click.option(
    "--smtp",
    "smtp_address",
    metavar="HOST[:PORT]",
    default=None,
    help="Also send each row's message by SMTP (report.yml's mail.smtp: security, user).",
)
@click.option(
    "--rate",
    metavar="N/min",
    default=None,
    help="Send at most N messages a minute (N/min, N/h or N/s).",
)
@click.option("--dry-run", is_flag=True, help="Check every row and say what would be made.")
@click.option(
    "--resend-in-doubt",
    is_flag=True,
    help="Send again the rows a crash left in doubt (check the server for them first).",
)
@click.option("--shard", default=None, help="Take part I of N of the rows: I/N, or auto[/N].")
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=64),
    default=1,
    show_default=True,
    help="Render processes working side by side.",
)
@click.option(
    "--full", is_flag=True, help="Build every copy in full instead of laying the body out once."
)
@click.option(
    "--print",
    "print_mode",
    is_flag=True,
    help="Print shop version of each copy: bleed, crop marks, left/right pages.",
)
@MAX_SIZE_OPTION
@_timeout_option("Seconds each layout may take before its row fails.")
@click.option(
    "--max-memory",
    type=click.IntRange(min=256),
    default=DEFAULT_MAX_MEMORY_MB,
    show_default=True,
    help="Memory (MiB) each layout may use before its row fails.",
)
@JSON_OPTION
def merge(
    paths: tuple[str, ...],
    output_dir: Path | None,
    names: str,
    eml_dir: Path | None,
    smtp_address: str | None,
    rate: str | None,
    dry_run: bool,
    resend_in_doubt: bool,
    shard: str | None,
    jobs: int,
    full: bool,
    print_mode: bool,
    max_size: int | None,
    timeout: float,
    max_memory: int,
    as_json: bool,
) -> None:
    """One personalised PDF per row of REQUESTERS (.csv or .xlsx) for the report in PROJECT.

    \b
    Columns: name, email (required); organisation, lang, reference, date; others for
    templates (recipient.<column>). Bad rows are reported at their line; the others are made,
    then the command exits 1. A journal in the output folder lets a re-run resume.
    \b
    Examples:
      reportbuilder merge requesters.csv -o out/copies
      reportbuilder merge my-report people.xlsx --jobs 2 --shard 1/4
      reportbuilder merge requesters.csv --dry-run
    """
    project, requesters = _merge_paths(paths)
    from reportbuilder.merge.naming import ALL, parse_shard

    try:
        part = parse_shard(shard) if shard is not None else ALL
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--shard") from None
    with _reporting(as_json):
        from reportbuilder.edition import Edition
        from reportbuilder.limits import Limits
        from reportbuilder.merge.run import MergeOptions
        from reportbuilder.merge.run import merge as run_merge
        from reportbuilder.project.load import load_project

        loaded = load_project(project)
        folder = output_dir or _merge_folder(loaded)
        outbox = _outbox(loaded, eml_dir, smtp_address, _per_minute(rate))
        options = MergeOptions(
            folder,
            names,
            part,
            jobs,
            dry_run,
            layout_once=not full,
            outbox=outbox,
            resend_in_doubt=resend_in_doubt,
        )
        edition = Edition(
            limits=Limits(timeout=timeout, max_memory_mb=max_memory),
            max_size=max_size,
            print_mode=print_mode,
        )
        progress = None if as_json or not _interactive() else _progress_line()
        try:
            result = run_merge(loaded, requesters, options, edition, progress=progress)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--names") from None
        finally:
            if progress is not None:
                click.echo("", err=True)
    if as_json:
        _emit_json(result.as_json())
    else:
        _merge_report(result, folder, dry_run, outbox)
    if not result.ok:
        raise _Failed("")


def _per_minute(rate: str | None) -> float | None:
    if rate is None:
        return None
    count, _, unit = rate.strip().partition("/")
    scale = {"s": 60.0, "sec": 60.0, "min": 1.0, "m": 1.0, "h": 1 / 60, "hour": 1 / 60}
    try:
        value = float(count) * scale[unit.strip().lower() or "min"]
    except (ValueError, KeyError):
        value = 0.0
    if not (value > 0 and math.isfinite(value)):
        raise click.BadParameter(
            f"'{rate}' is not a rate; write N/min, N/h or N/s", param_hint="--rate"
        )
    return value


def _outbox(
    project: Any, eml_dir: Path | None, smtp_address: str | None, per_minute: float | None
) -> Any:
    from reportbuilder.errors import DeliveryError
    from reportbuilder.merge.delivery import Outbox, smtp_settings

    if eml_dir is not None and smtp_address is not None:
        raise click.UsageError("give --eml-dir or --smtp, not both")
    if per_minute is not None and smtp_address is None:
        raise click.UsageError("--rate paces sending: it goes with --smtp")
    if smtp_address is None:
        return Outbox(eml_dir=eml_dir) if eml_dir is not None else None
    try:
        return Outbox(smtp=smtp_settings(project, smtp_address), per_minute=per_minute)
    except DeliveryError as error:
        raise click.BadParameter(error.problems[0].message, param_hint="--smtp") from None


def _merge_paths(paths: tuple[str, ...]) -> tuple[Path, Path]:
    if len(paths) > 2:
        raise click.UsageError("give at most two paths: [PROJECT] REQUESTERS")
    project = Path(paths[0]) if len(paths) == 2 else Path(".")
    requesters = Path(paths[-1])
    if not project.is_dir():
        raise click.BadParameter(f"'{project}' is not a folder", param_hint="PROJECT")
    if not requesters.is_file():
        raise click.BadParameter(f"'{requesters}' is not a file", param_hint="REQUESTERS")
    return project, requesters


def _merge_folder(project: Any) -> Path:
    """merge/ beside report.yml's output (out/merge for out/report.pdf)."""
    output = Path(project.config.output or project.output_name)
    return project.root / output.parent / "merge"


def _interactive() -> bool:
    import sys

    return sys.stderr.isatty() and not os.environ.get("CI")


def _progress_line() -> Callable[[int, int], None]:
    import time

    started = time.monotonic()

    def show(done: int, total: int) -> None:
        spent = time.monotonic() - started
        rate = done / spent if spent > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        text = f"\r{done}/{total} rows, {rate:.1f} rows/s, {left:.0f} s left "
        click.echo(text, err=True, nl=False)

    return show


def _merge_report(result: Any, folder: Path, dry_run: bool, outbox: Any) -> None:
    for row in result.rows:
        if dry_run:
            state = (
                "already sent"
                if row.sent
                else "already made"
                if row.status == "kept"
                else "would make"
            )
            then = ""
            if row.answer == "in doubt":  # handed to the server by a run that stopped
                then = ", in doubt: not sent again unless --resend-in-doubt"
            elif outbox is not None and not row.sent:
                then = ", and write its .eml" if outbox.kind == "eml" else ", and send it"
            who = f"{row.name} <{row.email}>"
            where = folder / row.file
            click.echo(f"row {row.line}: {state} {where} for {who} ({row.lang}){then}")

    _warn(p for p in result.problems if p.severity.value == "warning")
    for problem in result.problems:
        if problem.severity.value == "error":
            click.echo(_line(problem), err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    counts: dict[str, int] = {}
    for row in result.rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    failed = sum(1 for p in result.problems if p.severity.value == "error")
    done = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no rows"
    now = sum(1 for row in result.rows if row.sent_now)
    before = sum(1 for row in result.rows if row.sent and not row.sent_now)
    if now or before:
        how = "written as .eml" if outbox is not None and outbox.kind == "eml" else "sent"
        # A re-run sends nothing again: "6 sent" there read as six messages gone out now.
        parts = [f"{now} {how}"] if now else []
        parts += [f"{before} {how} before"] if before else []
        done += f", {', '.join(parts)} (journal: {result.journal or 'none'})"
    verb = "would make" if dry_run else "merged"
    shard = f" (shard {result.shard})" if result.shard != "1/1" else ""
    problems = _count(failed, "problem")
    click.echo(f"{verb}{shard}: {done}; {problems}; in {result.seconds:.1f} s → {folder}")


def _count(number: int, noun: str) -> str:
    """`1 problem`, `2 problems`: English nouns that take an s."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


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
@click.option(
    "--install",
    metavar="SPEC",
    help="What the CI workflow installs reportbuilder from: a wheel in the repository or a "
    "git URL pinned to a commit (default: this installation's, when it is one of these).",
)
def init(directory: Path, lang: str, ci: tuple[str, ...], install: str | None) -> None:
    """Create a small working report project in DIRECTORY."""
    from reportbuilder.scaffold import create_project, install_problem, install_source, write_ci

    if install is not None and (not install.strip() or _LINE_BREAKS.search(install)):
        raise click.BadParameter(
            "one line: a wheel's path or URL, or git+URL@commit", param_hint="--install"
        )
    if install is not None and (why := install_problem(install, directory)):
        raise click.BadParameter(why, param_hint="--install")
    install = install or (install_source() if ci else None)
    existing = directory.is_dir() and any(directory.iterdir())
    adding = existing and ci and (directory / "report.yml").is_file()
    if not adding and directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise click.BadParameter("exists and is not empty; choose a new folder", param_hint="DIR")
    with _reporting(False):
        made = [] if adding else create_project(directory, lang)
        added = write_ci(directory, list(ci), install)
    if adding:
        click.echo(f"added {', '.join(str(f) for f in added)}")
    else:
        click.echo(
            f"created {len(made) + len(added)} files in {directory}; now run: "
            f"reportbuilder build {directory}"
        )
    workflows = [str(f) for f in added if f.name != ".pre-commit-config.yaml"]
    if workflows and install is None:
        click.echo(
            f"note: set REPORTBUILDER in {', '.join(workflows)} to what CI installs "
            "reportbuilder from (a wheel in the repository, or git+URL@commit), or run init "
            "again with --install SPEC",
            err=True,
        )
    elif workflows and install is not None and _wheel_to_add(directory, install):
        click.echo(
            f"note: add {install} to the repository: the CI job installs it from there",
            err=True,
        )


def _wheel_to_add(directory: Path, install: str) -> bool:
    """Whether `install` is a wheel in the repository that is not there yet."""
    return install.endswith(".whl") and "://" not in install and not (directory / install).is_file()


_LINE_BREAKS = re.compile(r"[\r\n\x00\u2028\u2029\x85]")


def _quiet_pypdf() -> None:
    """pypdf logs what it repairs ("invalid pdf header", "EOF marker not found") on stderr;
    a file it cannot read is one clean error of ours, a repaired one no concern of the reader."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)


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

    _quiet_pypdf()
    try:
        result = compare(old, new)
    except UnreadablePdf as error:
        raise _Unusable(printable(str(error))) from None
    pictures: list[Path] = []
    if visual is not None:
        from reportbuilder.review.visual import UnusableFolder, usable_folder, write_pictures

        try:
            usable_folder(visual)
        except UnusableFolder as error:
            raise click.BadParameter(printable(str(error)), param_hint="--visual") from None
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

    _quiet_pypdf()
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


@main.command()
@PROJECT
@click.option(
    "--mark",
    "marks",
    multiple=True,
    metavar="FILE",
    help="Record that this translation (content/01-x.en.md) is up to date with its source.",
)
@JSON_OPTION
def translations(project: Path, marks: tuple[str, ...], as_json: bool) -> None:
    """Show each chapter's translations (current, stale, unmarked, missing) for the languages
    of report.yml's `languages:`; --mark records a translation as made from its source as it
    is now, so that `check` notices when the source changes."""
    with _reporting(as_json):
        from reportbuilder.project.load import load_project
        from reportbuilder.project.translations import mark, statuses

        loaded = load_project(project)
        marked = {file: mark(loaded, file) for file in marks}
        if marked:
            loaded = load_project(project)
        found = statuses(loaded)
    if as_json:
        _emit_json(
            {
                "ok": True,
                "marked": marked,
                "translations": [
                    {"chapter": s.chapter, "lang": s.lang, "state": s.state.value, "file": s.file}
                    for s in found
                ],
            }
        )
        return
    for file in marked:
        click.echo(f"marked {file} as up to date with its source")
    if not found:
        click.echo(f"{project}: report.yml lists no other languages (languages:)")
    for status in found:
        click.echo(f"{status.lang:6} {status.state.value:9} {status.file}")


@main.command()
@PROJECT
@click.option(
    "--vcard",
    "vcard_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write one vCard file (<id>.vcf) per contact in this folder.",
)
@_lang_option("Texts given per language in this one (default: report.yml's lang).")
@JSON_OPTION
def contacts(project: Path, vcard_dir: Path | None, lang: str | None, as_json: bool) -> None:
    """Check contacts.yml and list its contacts; --vcard writes each as a vCard file.

    Every problem is one line at contacts.yml:LINE (exit 1, nothing written).

    \b
    Examples:
      reportbuilder contacts
      reportbuilder contacts my-report --vcard out/vcards --lang es
    """
    with _reporting(as_json):
        from reportbuilder.deliver.vcards import contacts as run

        result = run(project, lang=lang, vcard_dir=vcard_dir)
    if as_json:
        _emit_json(result.as_json())
        return
    for contact in result.contacts:
        head = " — ".join(
            str(contact[k]) for k in ("name", "role", "organisation", "office") if contact[k]
        )
        click.echo(_safe(f"{contact['id']}: {head}"))
        for key in ("phone", "email", "url", "address"):
            if contact[key]:
                click.echo(_safe(f"  {key}: {contact[key]}"))
    for path in result.written:
        click.echo(_safe(f"wrote {path}"))
    _warn(result.problems)
    count = len(result.contacts)
    warned = f" ({_count(len(result.problems), 'warning')})" if result.problems else ""
    click.echo(f"contacts.yml: {count} contact{'s' if count != 1 else ''}, no problems{warned}")


@main.group()
def themes() -> None:
    """The themes a report can use: the built-in ones and a project's own (theme.yml)."""


@themes.command("list")
@click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Also list the theme this project uses, if it is a folder of its own.",
)
@JSON_OPTION
def themes_list(project: Path | None, as_json: bool) -> None:
    """List the built-in themes (and PROJECT's own theme) with their parent and description."""
    with _reporting(as_json):
        from reportbuilder.project.theme import THEMES_DIR, builtin_themes, read_manifest

        found = []
        for name in builtin_themes():
            manifest, _ = read_manifest(THEMES_DIR / name, None)
            found.append({"name": name, "builtin": True, **manifest.model_dump()})
        if project is not None:
            from reportbuilder.project.load import load_project

            loaded = load_project(project)
            layer = loaded.theme.chain[0]
            if not layer.builtin:
                found.append({"name": layer.name, "builtin": False, **layer.manifest.model_dump()})
    if as_json:
        _emit_json({"ok": True, "themes": found})
        return
    for item in found:
        parent = f" (over {item['parent']})" if item["parent"] else ""
        where = "built-in" if item["builtin"] else "project"
        click.echo(f"{item['name']:12} {where}{parent}: {item['description']}")


@themes.command("show")
@click.argument("name")
@click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The project whose theme folders and overrides to look at.",
)
@JSON_OPTION
def themes_show(name: str, project: Path, as_json: bool) -> None:
    """Show theme NAME: its parent chain, files (and which theme each comes from), the
    languages it has words for and the brand settings its stylesheets use."""
    with _reporting(as_json):
        from reportbuilder.errors import Problem, ProjectError, Stage
        from reportbuilder.project.files import FilePolicy
        from reportbuilder.project.strings import load_strings
        from reportbuilder.project.theme import load_theme, origins, theme_chain, themes_root

        root = project.resolve()
        chain, problems = theme_chain(name, root)
        if not chain or (problems and all(p.path is None for p in problems)):
            # No such theme: a wrong NAME on the command line, not a project's problem.
            words = "; ".join(p.message for p in problems) or f"no theme '{name}'"
            raise click.BadParameter(_safe(words), param_hint="'NAME'")
        if problems:
            raise ProjectError(problems or [Problem(None, None, name, stage=Stage.PROJECT)])
        files = FilePolicy(root, themes_root(chain))
        theme, problems = load_theme(name, chain[0].folder, files, chain)
        strings, more = load_strings(theme.folders, root, files)
        more = [p for p in more if p.severity is not Severity.WARNING]  # a fuzzy word
        if problems or more:
            raise ProjectError([*problems, *more])
        brand = sorted(
            {
                found
                for path in theme.stylesheets
                for found in re.findall(r"var\((--[\w-]+)", path.read_text(encoding="utf-8"))
            }
        )
        shown = {
            "name": name,
            "chain": [layer.name for layer in chain],
            "description": chain[0].manifest.description,
            "page_sizes": chain[0].manifest.page_sizes or "any",
            "files": [vars(origin) for origin in origins(theme, {}, (), files)],
            "languages": strings.languages(),
            "brand": brand,
        }
    if as_json:
        _emit_json({"ok": True, **shown})
        return
    click.echo(f"{name}: {shown['description']}")
    click.echo(f"  chain: {' → '.join(shown['chain'])}")
    click.echo(f"  page sizes: {shown['page_sizes']}")
    click.echo(f"  words in: {', '.join(shown['languages'])}")
    click.echo(f"  brand settings used: {', '.join(shown['brand'])}")
    for origin in shown["files"]:
        click.echo(_safe(f"  {origin['kind']:10} {origin['name']:24} ← {origin['path']}"))


@main.command()
@PROJECT
@click.option(
    "-o",
    "--output",
    type=_FilePath(dir_okay=False, path_type=Path),
    help="Write here instead of report.yml's output.",
)
@_lang_option("Build in this language instead of report.yml's.")
@click.option(
    "--serve", is_flag=True, help="Serve a preview page on 127.0.0.1 that reloads itself."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The preview's port with --serve (0: any free port, printed).",
)
@_timeout_option("Seconds each build may take before it fails.")
@click.option(
    "--max-memory",
    type=click.IntRange(min=256),
    default=DEFAULT_MAX_MEMORY_MB,
    show_default=True,
    help="Memory (MiB) the layout may use before the build fails.",
)
def watch(
    project: Path,
    output: Path | None,
    lang: str | None,
    serve: bool,
    port: int,
    timeout: float,
    max_memory: int,
) -> None:
    """Build PROJECT, then build it again whenever content, data, contacts, templates, styles,
    assets or report.yml change. A broken edit prints its problems and keeps the last good
    PDF. Ctrl-C stops."""
    from reportbuilder.edition import Edition
    from reportbuilder.limits import Limits
    from reportbuilder.watching import Status
    from reportbuilder.watching import serve as start_server
    from reportbuilder.watching import watch as run_watch

    status = Status()
    if serve:
        try:
            server = start_server(status, port)
        except OSError as error:
            raise click.BadParameter(f"cannot serve on port {port}: {error.strerror}") from None
        click.echo(f"preview at http://127.0.0.1:{server.server_address[1]}/", err=True)

    built = [False]  # a build of this session wrote a PDF

    def report(result: Any, problems: list[Problem]) -> None:
        if result is None:
            for problem in problems:
                click.echo(_line(problem), err=True)
            # "Kept" only when there is one: a project that never built has none (trial 5 #19).
            kept = "the last good PDF is kept" if built[0] else "nothing was written"
            click.echo(f"the build failed; {kept}", err=True)
            return
        built[0] = built[0] or bool(result.outputs)
        _warn(problems)
        for out in result.outputs:
            click.echo(
                _safe(f"wrote {out.path} ({out.bytes / 1024:.0f} KiB) in {result.seconds:.1f} s")
            )

    click.echo(f"watching {project} (Ctrl-C to stop)", err=True)
    edition = Edition(lang=lang, limits=Limits(timeout=timeout, max_memory_mb=max_memory))
    try:
        run_watch(
            project,
            edition,
            output=output,
            report=report,
            status=status,
            max_memory_mb=max_memory,
        )
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


@main.group()
def cache() -> None:
    """The cache of built outputs (PROJECT/.reportbuilder/cache)."""


@cache.command("clear")
@PROJECT
def cache_clear(project: Path) -> None:
    """Remove every cached output of PROJECT; the next build lays everything out again."""
    from reportbuilder.cache import Cache, linked_cache

    if (linked := linked_cache(project)) is not None:
        message = f"{linked} is a link: nothing removed where it points; remove the link"
        click.echo(message, err=True)
        raise _Failed("")
    if not (project / "report.yml").is_file() and not (project / ".reportbuilder").exists():
        # "removed 0 cached output(s)" of a folder that is no project hid a mistyped path
        raise click.BadParameter(
            f"{project} has no report.yml: not a project", param_hint="PROJECT"
        )
    removed = Cache(project).clear()
    click.echo(f"removed {removed // 2} cached output(s) of {project}")


def run() -> None:
    """The `reportbuilder` command: `main`, with the regular expressions and the dataclasses'
    methods each run compiles kept for the next (`patterns`, `generated`), and the objects
    it made frozen on its way out. Neither is done by importing the package, nor by `main`
    itself (tests and programs that call it in their own process)."""
    from reportbuilder.generated import keep_generated
    from reportbuilder.patterns import keep_compiled

    global _OWN_PROCESS
    keep_compiled()
    keep_generated()
    _OWN_PROCESS = True
    try:
        main()
    finally:
        # The process ends here. Python's last act is a full collection that walks every
        # object still alive (Pydantic's schemas, Babel's data, the parsed project …): a
        # tenth or more of `check`'s time (bench/README.md). Frozen objects are not walked,
        # and nothing still alive here is garbage we would miss (the memory goes back with
        # the process; atexit's handlers run all the same).
        gc.freeze()
