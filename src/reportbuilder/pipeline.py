"""`build` and `check`: short compositions of the public stages.

    load_project(path) -> Project -> render_html(project, edition) -> Html
        -> PdfRenderer.render(html) -> Pdf -> write_atomic(path, pdf)

Each raises a `ReportError` subclass listing every problem of its stage; warnings travel in
the result as `Problem`s. The command line only turns options into an `Edition` and the
result into lines and exit codes.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from html.entities import html5 as html5_entities
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from reportbuilder import progress, watchdog
from reportbuilder.deliver.files import special_file, write_atomic
from reportbuilder.edition import Edition, source_date
from reportbuilder.errors import (
    ComposeError,
    OutputError,
    Problem,
    ProjectError,
    RenderError,
    ReportError,
    Severity,
    Stage,
    error_for,
)
from reportbuilder.limits import Deadline, TimeLimitExceeded
from reportbuilder.project.chapters import Chapter
from reportbuilder.project.config import SOURCE_PLACES
from reportbuilder.project.files import (
    UnusablePath,
    is_file,
    missing_message,
    remote_file_message,
    resolved,
    url2pathname,
)
from reportbuilder.project.fonts import named_families
from reportbuilder.project.glyphs import (
    MISSING_GLYPH,
    MISSING_HINT,
    grouped,
    printed_characters,
    unprintable,
)
from reportbuilder.project.glyphs import missing_message as glyph_message
from reportbuilder.project.image_files import (
    RASTER_SUFFIXES,
    animation_note,
    image_problem,
    svg_problem,
    svg_syntax_problem,
    undrawable_image,
)
from reportbuilder.project.load import IncompleteProject, Project, load_project
from reportbuilder.project.translations import setting_problems, translation_problems
from reportbuilder.render.figure_pictures import NO_PICTURE, SRC, figure_pictures
from reportbuilder.results import BuildResult, Clock, Output, from_cache

# The cache and the render process's side are imported where a build needs them, not here:
# `check` imports this module and needs neither (multiprocessing, importlib.metadata …).
if TYPE_CHECKING:
    from reportbuilder.cache import Cache
    from reportbuilder.compose.html import Html
    from reportbuilder.render.renderer import Embedded, Pdf, PdfRenderer, RenderJob
    from reportbuilder.review.pdflint import LintRules

ProjectLike = str | os.PathLike[str] | Project


def _project(project: ProjectLike, deadline: Deadline | None = None) -> Project:
    if isinstance(project, Project):
        return project
    if deadline is None:
        return load_project(project)
    return load_for_build(deadline, project)


def load_within(deadline: Deadline, project: str | os.PathLike[str], **options: Any) -> Project:
    """`load_project` stopped when `deadline` passes: reading a 200 000-row data file takes
    long on a loaded machine, and the time limit is for the whole build, reading included."""
    try:
        with deadline.enforce():
            return load_project(project, **options)
    except TimeLimitExceeded:
        verb, path = watchdog.activity()
        what = "this file" if verb == "reading" and path else "the project's files (its data)"
        message = (
            f"stopped while reading {what}: the build took longer than the time limit of "
            f"{deadline.seconds:g} s"
        )
        where = path if verb == "reading" else None
        raise ProjectError(
            Problem(where, None, message, stage=Stage.PROJECT, setting="timeout")
        ) from None


def load_for_build(deadline: Deadline, project: str | os.PathLike[str], **options: Any) -> Project:
    """`load_within` for a build: when the project's files have errors, the error raised
    also holds those its chapters give when filled in with what is right in it (as `check`
    finds them), so that one run says every problem: a control character in one chapter no
    longer hides a template error in the next, to be found only by a second build."""
    try:
        return load_within(deadline, project, **options)
    except ProjectError as error:
        more = _chapter_problems(deadline, project, error.problems, options)
        if not more:
            raise
        raise ProjectError([*error.problems, *more]) from None


def _chapter_problems(
    deadline: Deadline,
    project: str | os.PathLike[str],
    found: Sequence[Problem],
    options: Mapping[str, Any],
) -> list[Problem]:
    """The errors filling in the chapters of the project made of what is right in it gives
    (none when none can be made: report.yml unreadable), each not already in `found` nor
    blamed on a data file with errors of its own (`_not_blamed_twice`)."""
    try:
        load_within(deadline, project, stand_ins=True, **options)
    except IncompleteProject as incomplete:
        loaded = incomplete.project
    except ProjectError:
        return []
    else:
        return []  # loaded this time: a file changed meanwhile; its problems were said
    try:
        _compose(loaded, Edition(), deadline, users=True)
    except ComposeError as error:
        said = set(found)
        problems = _not_blamed_twice(error.problems, found, loaded)
        return [p for p in problems if p.severity is Severity.ERROR and p not in said]
    except ReportError:  # out of time, say: the problems found stand on their own
        return []
    return []


def _compose(
    project: Project,
    edition: Edition,
    deadline: Deadline,
    *,
    charts: bool = False,
    users: bool = False,
) -> Html:
    """The HTML; with `charts`, drawn charts, compiled chapter templates and converted
    Markdown kept in and taken from the project's cache; with `users`, the compiled
    templates and converted Markdown in the user's cache folder (`check`, which writes
    nothing in the project: half its time was compiling templates and Markdown's patterns)."""
    # Imported here: Markdown, Pygments, Babel … are not needed when the cache answers.
    from reportbuilder.compose.html import render_html
    from reportbuilder.compose.memo import memo_for, user_memo

    if not charts:
        memo = user_memo() if users else None
        return render_html(project, edition, deadline=deadline, memo=memo)
    from reportbuilder.cache import ChartCache, linked_cache

    if linked_cache(project.root) is not None:  # not used: it would write elsewhere
        return render_html(project, edition, deadline=deadline)
    kept = ChartCache(project.root)
    memo = memo_for(project.root)
    return render_html(project, edition, deadline=deadline, chart_cache=kept, memo=memo)


def _fail_if_strict(html: Html, warnings: list[Problem]) -> None:
    """`strict` (the edition's, else report.yml's) turns warnings into errors."""
    if html.config.strict and warnings:
        raise error_for(warnings[0].stage)([p.as_error() for p in warnings])


def resource_problems(project: Project, *, said: Iterable[Problem] = ()) -> list[Problem]:
    """What the renderer would refuse or miss among the images and stylesheets the project
    refers to, as warnings: so that `check --strict` fails where `build --strict` would.
    Those `said` already (`missing_images`' errors) are left out."""
    said_at = {(p.path, p.line, p.message.split(NO_PICTURE)[0]) for p in said}
    found: list[Problem] = []
    for url, places in project.resources.items():
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if refused := _refused(project, url):
            message = refused
        elif scheme == "file":
            path = Path(url2pathname(parts.path))
            if not is_file(path):
                message = missing_message(project.files.shown(path), path)
            elif path.suffix.lower() in RASTER_SUFFIXES and (reason := image_problem(path)):
                # the renderer's own words when it fails on the file (`image_files`)
                message = f"image {project.files.shown(path)} not used: {reason}"
            elif path.suffix.lower() == ".svg" and (reason := svg_syntax_problem(path)):
                message = f"image {project.files.shown(path)} not used: {reason}"
            else:
                continue
        else:
            continue
        found.extend(
            Problem(where.path, where.line, message, stage=Stage.PROJECT, severity=Severity.WARNING)
            for where in places
            if (where.path, where.line, message) not in said_at
        )
    return found


def _refused(project: Project, url: str) -> str | None:
    """Why the renderer refuses to read `url` (a file outside the project or refused, a
    host not in network.allow, another scheme), in its words; None when it may read it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        path = Path(url2pathname(parts.path))
        refusal = project.files.refusal(path)
        if remote := remote_file_message(url):
            return remote
        if refusal is not None:
            return f"refused {project.files.shown(path)}: it {refusal}"
        if not project.files.readable(path):
            return f"refused {path}: outside the project"
        return None
    if scheme in ("http", "https"):
        allowed = {host.lower().rstrip(".") for host in project.config.network.allow}
        if (parts.hostname or "").lower().rstrip(".") in allowed:
            return None
        return f"network access is off: refused {url[:120]}"
    return f"refused {url[:120]}: not a file of the project"


def _readable_file(project: Project, url: str) -> Path | None:
    """The project file a `file:` URL names, if it is one the build may read (None for a
    refused one or another scheme)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        return None
    path = Path(url2pathname(parts.path))
    try:
        if project.files.refusal(path) is not None or not project.files.readable(path):
            return None
    except (OSError, ValueError):
        return None
    return path


def _missing_file(project: Project, url: str) -> Path | None:
    """The project file a `file:` URL names, if it is one the build may read and it is not
    there (None for a file that is there, a refused one or another scheme)."""
    path = _readable_file(project, url)
    return None if path is None or is_file(path) else path


def missing_images(project: Project, html: Html) -> list[Problem]:
    """Images the composed report shows whose file is not there: errors at the line that
    names them (a "Figure 1" printed with no picture is lost content, as `{{ data.nosuch }}`
    would be). Only what reaches an `src` of the HTML: an image written in a code block is
    text, not an image."""
    return _missing_in(project, html.text, html.base_url)


def _missing_in(project: Project, text: str, base_url: str) -> list[Problem]:
    """`missing_images` of the HTML `text` (the whole report's, or its chapters' that were
    filled in when another failed)."""

    shown = _shown_urls(text, base_url)
    figures = figure_pictures(text, base_url)
    found: list[Problem] = []
    for url, places in project.resources.items():
        if url not in shown:
            continue
        if (path := _missing_file(project, url)) is not None:
            said: str | None = missing_message(project.files.shown(path), path)
        elif url in figures and (refused := _refused_safely(project, url)):
            # A web image with the network off, a file outside the project: the same
            # caption with no picture as a missing file (trial 6 #27).
            said = refused + NO_PICTURE + _REFUSED_HINT.get(urlsplit(url).scheme.lower(), "")
        else:
            said = _undrawable(project, url)
        if said is None:
            continue
        message = said
        found.extend(Problem(w.path, w.line, message, stage=Stage.PROJECT) for w in places)
    return found


def _shown_urls(text: str, base_url: str) -> set[str]:
    """The URLs the `src` attributes of the HTML `text` show, resolved."""
    from urllib.parse import urljoin

    return {
        urljoin(base_url, next(g for g in match.groups() if g is not None))
        for match in SRC.finditer(text)
    }


def animated_images(project: Project, html: Html) -> list[Problem]:
    """A warning at each line that shows an animated picture (`image_files`): the PDF
    prints its first frame only."""
    shown = _shown_urls(html.text, html.base_url)
    found: list[Problem] = []
    for url, places in project.resources.items():
        if url not in shown or (path := _readable_file(project, url)) is None:
            continue
        if note := animation_note(path, project.files.shown(path)):
            found.extend(
                Problem(w.path, w.line, note, stage=Stage.PROJECT, severity=Severity.WARNING)
                for w in places
            )
    return found


_REFUSED_HINT = {
    "http": " (save the image in assets/, or add its host to network.allow)",
    "https": " (save the image in assets/, or add its host to network.allow)",
    "file": " (copy the image into the project's assets/)",
}


def _refused_safely(project: Project, url: str) -> str | None:
    try:
        return _refused(project, url)
    except (OSError, ValueError):
        return None


def _undrawable(project: Project, url: str) -> str | None:
    """Why the picture at `url`, a file that is there, would not be drawn (its figure
    printed with no picture), in `resource_problems`' words where it has some; None when
    it would be, or when the renderer refuses it for another reason (said elsewhere)."""
    if (path := _readable_file(project, url)) is None:
        return None
    try:
        return undrawable_image(path, project.files.shown(path))
    except (OSError, ValueError):
        return None


def glyph_problems(project: Project, html: Html) -> list[Problem]:
    """The characters of the composed report no font can print, as errors at the first
    line that writes each (`glyphs`): what `build` finds after the layout, found from the
    fonts' character maps."""
    own = {path.name for path in project.stylesheets}
    styles = [p for p in project.theme.stylesheets if p.name not in own]
    lacking = unprintable(
        printed_characters(html.text), [*styles, *project.stylesheets], project.files
    )
    problems = [
        Problem(None, None, glyph_message(c), stage=Stage.COMPOSE, hint=MISSING_HINT)
        for c in lacking
    ]
    chapters = project.chapters_in(html.config.lang)
    return located_characters(problems, chapters, project)


def located_characters(
    problems: Iterable[Problem], chapters: Iterable[Chapter], project: Project
) -> list[Problem]:
    """Problems about characters no font has, placed at the first line that writes each
    and said once a line, as errors."""
    return grouped(_located(problems, chapters, project))


def drawing_problems(project: Project) -> list[Problem]:
    """The SVG images the project refers to that must not reach the renderer (a `<use>` bomb
    holds the layout for the whole --timeout, naming no file): errors at the line that names
    the image, the same in `check` and `build`."""
    found: list[Problem] = []
    for url, places in project.resources.items():
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or not parts.path.lower().endswith(".svg"):
            continue
        path = Path(url2pathname(parts.path))
        try:
            usable = project.files.refusal(path) is None and project.files.readable(path)
            usable = usable and is_file(path)
        except (OSError, ValueError):  # the resource check says why
            continue
        if usable and (reason := svg_problem(path)):
            message = f"{project.files.shown(path)}: {reason}"
            found.extend(
                Problem(where.path, where.line, message, stage=Stage.PROJECT) for where in places
            )
    return found


def check(
    project: ProjectLike,
    edition: Edition | None = None,
    *,
    deadline: Deadline | None = None,
    variant: str | None = None,
    assignments: Sequence[tuple[tuple[str, ...], Any]] = (),
) -> BuildResult:
    """Load and validate everything and compose the HTML in memory; write nothing.

    `deadline` (default: the edition's timeout from now) may have started earlier, with
    the command that loaded the project. `variant` and `assignments` (`--set`) choose the
    edition as `build` would (a path of a project only).

    Raises a `ReportError` subclass listing every problem; warnings are in the result.
    """
    clock = Clock()
    edition = edition or Edition()
    deadline = deadline or Deadline(edition.limits.timeout)
    # Every stage that can run does, so that one run lists every problem: the project's
    # files (an `IncompleteProject` still gives what is right in them), then the chapters.
    found: list[Problem] = []
    try:
        loaded = (
            project
            if isinstance(project, Project)
            else load_within(
                deadline, project, stand_ins=True, variant=variant, assignments=assignments
            )
        )
    except IncompleteProject as error:
        found, loaded = list(error.problems), error.project
    except ProjectError as error:
        raise ProjectError([*error.problems, NOT_FILLED_IN]) from None
    found += drawing_problems(loaded)
    try:
        html = _compose(loaded, edition, deadline, users=True)
    except ComposeError as error:
        # The images of the chapters that were filled in are errors as in a whole report:
        # a missing image's severity does not depend on another chapter (trial 7 #23).
        base = loaded.root.as_uri() + "/"
        missing = _missing_in(loaded, error.composed, base) if error.composed else []
        raise error_for(found[0].stage if found else Stage.COMPOSE)(
            [
                *found,
                *_not_blamed_twice(error.problems, found, loaded),
                *missing,
                *resource_problems(loaded, said=missing),
            ]
        ) from None
    if loaded.config.mail.summary:
        from reportbuilder.compose.mailbody import summary_problems

        # `mail` and `merge` fill it in; check finds what they would fail on
        found += summary_problems(loaded, edition)
    missing = missing_images(loaded, html)
    found += missing
    found += glyph_problems(loaded, html)
    languages = dict.fromkeys([*loaded.config.languages, html.config.lang])
    warnings = [
        *loaded.warnings,
        *html.problems,
        *resource_problems(loaded, said=missing),
        *animated_images(loaded, html),
        *translation_problems(loaded, languages),
        *setting_problems(loaded, languages),
    ]
    if errors := [p for p in found if p.severity is Severity.ERROR]:
        # An incomplete project's problems hold its warnings, which `warnings` lists too.
        raise error_for(errors[0].stage)(list(dict.fromkeys([*found, *warnings])))
    _fail_if_strict(html, warnings)
    return BuildResult(str(loaded.root), problems=tuple(warnings), seconds=clock.seconds())


# Said once when the project's files are too wrong to fill the chapters in with.
NOT_FILLED_IN = Problem(
    None,
    None,
    "the chapters were not filled in, so their templates, data references and images are "
    "not checked yet: fix the problems above and check again",
    stage=Stage.COMPOSE,
    severity=Severity.WARNING,
)


def _not_blamed_twice(
    problems: Iterable[Problem], found: Sequence[Problem], loaded: Project
) -> list[Problem]:
    """The chapters' problems, without those at a line that uses a data file with errors of
    its own (`data.odd` undefined when data/odd.yml could not be read, a date filter given
    the empty value of a wrong cell): those are said once, at the data file's line; the
    chapter's line is checked again once the file is right."""
    wrong = {
        Path(p.path).name.split(".")[0]
        for p in found
        if p.path and p.path.startswith("data/") and p.severity is Severity.ERROR
    }
    if not wrong:
        return list(problems)
    uses = re.compile(r"\bdata\.(" + "|".join(map(re.escape, sorted(wrong))) + r")\b")
    sources = {c.rel: c.source.split("\n") for c in loaded.chapters}
    kept = []
    for problem in problems:
        lines = sources.get(problem.path or "", [])
        line = lines[problem.line - 1] if problem.line and problem.line <= len(lines) else ""
        used = uses.search(line) or uses.search(problem.message)
        if not used:
            kept.append(problem)
            continue
        # Not hidden: the line is said to be checked again once the data file is right.
        message = (
            f"not checked yet: the line uses data.{used[1]}, whose file has problems of its "
            "own (above); check again once they are fixed"
        )
        put_off = Problem(
            problem.path, problem.line, message, stage=problem.stage, severity=Severity.WARNING
        )
        if put_off not in kept:
            kept.append(put_off)
    return kept


def build(
    project: ProjectLike,
    edition: Edition | None = None,
    *,
    output: str | os.PathLike[str] | None = None,
    format: Literal["pdf", "html"] | None = None,
    renderer: PdfRenderer | None = None,
    cache: Cache | None = None,
    jobs: int = 1,
    deadline: Deadline | None = None,
) -> BuildResult:
    """Build one edition of the project and write it; the previous output is replaced only
    if everything succeeded.

    `deadline` (default: the edition's timeout from now) may have started earlier, with
    the command that loaded the project: the limit is for the whole command.

    With a `cache`, an output whose inputs have not changed is taken from it (and written
    only if the file on disk differs), with the warnings its build met; see `cache`.

    `output` defaults to report.yml's `output`. `format` defaults to what the output's
    extension says (`.html` → html), else pdf. `renderer` is a warm `PdfRenderer` to reuse
    (many editions, many builds); without one the build starts and ends its own.
    `SOURCE_DATE_EPOCH`, when set, dates the PDF, so the same input gives the same bytes.
    A long PDF is laid out chapter by chapter on up to `jobs` render processes, unchanged
    chapters taken from the cache, where it pays (`_by_parts`; `REPORTBUILDER_PARTS`: "1"
    wherever it can, "0" never; see `render.incremental`).
    """
    from reportbuilder.cache import Entry, sha256
    from reportbuilder.render.renderer import PdfRenderer, RenderJob

    if format not in ("pdf", "html", None):
        raise ValueError(f"format must be 'pdf' or 'html', got {format!r}")
    clock = Clock()
    edition = edition or Edition()
    key = None
    deadline = deadline or Deadline(edition.limits.timeout)
    if cache is not None:
        project = _project(project, deadline)
        if not project.config.network.allow:  # what the network serves is not in the key
            key = cache.key(
                config=project.config.model_dump_json(),
                edition=edition,
                theme_folders=project.theme.folders,
                output=os.fspath(output) if output is not None else None,
                format=format,
            )
            hit = from_cache(cache, key, str(project.root), clock)
            if hit is not None:
                return hit
    if edition.created is None:
        edition = replace(edition, created=source_date())
    lightened: str | None = None
    layout: dict[str, Any] | None = None
    with contextlib.ExitStack() as stack:
        if format != "html" and renderer is None and output_format(output) != "html":
            # Started first, so that WeasyPrint's import overlaps loading and composing.
            renderer = stack.enter_context(PdfRenderer(edition.limits.max_memory_mb))
        progress.show("composing the HTML", now=True)
        watchdog.doing("reading the project's files")
        loaded = _project(project, deadline)
        spare: list[PdfRenderer] = []
        if (
            renderer is not None
            and format != "html"
            and _parts_likely(loaded, edition, cache, jobs)
        ):
            # The second render process started now too: its WeasyPrint import overlaps
            # composing instead of delaying the parts it would lay out first.
            spare.append(stack.enter_context(PdfRenderer(edition.limits.max_memory_mb)))
        if drawings := drawing_problems(loaded):
            raise ProjectError(drawings)
        html = _compose(loaded, edition, deadline, charts=cache is not None)
        if missing := missing_images(loaded, html):
            raise ProjectError(missing)  # nothing written: a figure with no picture
        format = format or output_format(output or html.config.output) or "pdf"
        target = output_path(loaded, html, output, format)
        warnings = [
            *loaded.warnings,
            *html.problems,
            *animated_images(loaded, html),
            *translation_problems(loaded, [html.config.lang]),
            *setting_problems(loaded, [html.config.lang]),
        ]
        if format == "html":
            from reportbuilder.deliver.endnotes import browser_footnotes
            from reportbuilder.deliver.preview import self_contained

            text, refused = self_contained(
                browser_footnotes(html.text),
                html.base_url,
                html.files,
                html.network_hosts,
                html.resources,
            )
            data = text.encode("utf-8")
            warnings.extend(refused)
            pages = None
            _fail_if_strict(html, warnings)
        else:
            if renderer is None:
                renderer = stack.enter_context(PdfRenderer(edition.limits.max_memory_mb))
            job = RenderJob.of(html, _sources(loaded, html, edition))
            _import_in_background("pypdfium2")  # for the lint, while the child lays out
            by_parts = None
            wanted = parts_wanted(edition)
            layout = {"layout": "whole", "layout_reason": "asked for (--no-parts)"}
            if wanted is not False:
                by_parts, layout = _by_parts(
                    loaded,
                    html,
                    edition,
                    job,
                    renderer,
                    stack,
                    deadline,
                    cache,
                    jobs,
                    wanted,
                    spare,
                )
            watchdog.doing("laying out the pages")
            pdf = by_parts or renderer.render(job, edition.limits, deadline=deadline)
            budget = html.config.max_size
            if budget is not None and len(pdf.data) > budget:
                pdf, lightened = _lighten(
                    renderer, job, pdf, budget, edition, deadline, loaded.root
                )
            if job.attachments:
                _only_our_attachments(pdf.data, job.attachments)
            data, pages = pdf.data, pdf.pages
            chapters = loaded.chapters_in(html.config.lang)
            located = grouped(_located(pdf.problems, chapters, loaded))
            if cut := [p for p in located if p.severity is Severity.ERROR]:
                raise RenderError(cut)  # a table cut off at the page's edge: nothing written
            warnings.extend(_located_image_modes(_located_font_faces(located, loaded), loaded))
            progress.show("checking the PDF", now=True)
            watchdog.doing("checking the PDF")
            rules = replace(lint_rules(loaded, html), lightened=lightened)
            linted = _lint(pdf.data, rules)
            warnings.extend(_located(linted, chapters, loaded))
            _fail_if_strict(html, warnings)
    watchdog.doing("writing", str(target))
    write_atomic(target, data)
    out = Output(str(target), format, len(data), pages, lightened)
    if format != "html" and (note := _sources_note(loaded, html, edition)):
        out = replace(out, sources=note)
    if layout is not None:
        out = replace(out, **layout)
    if cache is not None and key is not None:
        entry = Entry(str(target), format, sha256(data), pages, [p.as_json() for p in warnings])
        cache.put(key, entry, data)
    return BuildResult(str(loaded.root), (out,), tuple(warnings), clock.seconds())


PARTS_SWITCH = "REPORTBUILDER_PARTS"
# Parts (front, chapters, closing) from which a first build by parts on two jobs pays
# (bench/README.md: "Parts by default").
MIN_PARTS = 24


def parts_wanted(edition: Edition | None = None) -> bool | None:
    """The edition's `parts` (`build --no-parts`: False), else `REPORTBUILDER_PARTS`: "1"
    lays a PDF out chapter by chapter wherever it can, "0" never; else None: where it pays
    (`_by_parts`)."""
    if edition is not None and edition.parts is not None:
        return edition.parts
    value = os.environ.get(PARTS_SWITCH, "")
    return True if value == "1" else False if value == "0" else None


def _parts_likely(project: Project, edition: Edition, cache: Cache | None, jobs: int) -> bool:
    """Whether this build will most likely be laid out by parts on two render processes or
    more, as far as is known before composing (`_by_parts` decides), on a first build: then
    the second one is started at once. A guess both ways: started for nothing, it costs its
    import only; an edit (a page map kept) starts it when it needs it."""
    wanted = parts_wanted(edition)
    if jobs < 2 or wanted is False or edition.print_mode or edition.pdf_variant:
        return False
    if cache is not None and any(cache.folder.glob("plan-*.json")):
        return False  # laid out by parts before: an edit lays out a part or two, on one
    if wanted:
        return True
    if _reproducible():
        return False
    # The front, the chapters, the closing: the parts `_by_parts` counts.
    return cache is not None and len(project.chapters) + 2 >= MIN_PARTS


REPRODUCIBLE_WHOLE = (
    "SOURCE_DATE_EPOCH is set: laid out whole, so that the bytes do not depend on the "
    "machine's cores or on earlier builds (REPORTBUILDER_PARTS=1 lays out by parts anyway)"
)


def _reproducible() -> bool:
    """A build promised byte-identical to any other of the same input: a parts build's bytes
    depend on how its chapters were grouped, which depends on the cores (one job lays out
    whole) and on the edits laid out before (an edited chapter's group is kept)."""
    return bool(os.environ.get("SOURCE_DATE_EPOCH", "").strip())


def _whole_because(html: Html, edition: Edition, job: RenderJob) -> str | None:
    """Why this edition cannot be laid out by parts, whatever its document holds."""
    if html.pdf_variant:
        return f"pdf_variant {html.pdf_variant}: its structure tree is not assembled from parts"
    if edition.print_mode or html.config.print:
        return "print layout: blank pages and left/right pages are decided over the whole"
    if job.attachments:
        return "embedded sources are attached to the whole document"
    if html.config.max_size is not None:
        return "max_size: images are lightened over the whole document"
    return None


def _css_text(path: Path) -> str:
    """A stylesheet's text for the parts' split; one that cannot be read (a link loop, gone)
    is not used by the render either (its warning says so): no text."""
    try:
        return path.read_text("utf-8", "replace")
    except OSError:
        return ""


def _by_parts(
    project: Project,
    html: Html,
    edition: Edition,
    job: RenderJob,
    renderer: PdfRenderer,
    stack: contextlib.ExitStack,
    deadline: Deadline,
    cache: Cache | None,
    jobs: int,
    forced: bool | None,
    spare: list[PdfRenderer] | None = None,
) -> tuple[Pdf | None, dict[str, Any]]:
    """The PDF laid out chapter by chapter and assembled, or None; and how it was made (the
    `Output` fields `layout`, `layout_reason`, `parts`). Unless `forced`, only where it pays:
    a report of `MIN_PARTS` parts or more on two jobs or more, or one laid out by parts
    before (its page map is in the cache: an edit lays out only what changed). `spare`
    holds render processes started ahead (`_parts_likely`), used first."""
    from reportbuilder.cache import sha256
    from reportbuilder.project.theme import THEMES_DIR
    from reportbuilder.render import parts
    from reportbuilder.render.incremental import files_digest, lay_out
    from reportbuilder.render.renderer import PdfRenderer

    reason = _whole_because(html, edition, job)
    if reason is not None:
        return None, {"layout": "whole", "layout_reason": reason}
    own = {p.name for p in project.stylesheets}
    theme = [p for p in project.theme.stylesheets if p.name not in own]
    split = parts.split(
        html.text, [_css_text(p) for p in theme], [_css_text(p) for p in project.stylesheets]
    )
    if isinstance(split, str):
        return None, {"layout": "whole", "layout_reason": split}
    plan = sha256("\0".join((str(project.root), html.lang, str(project.variant))).encode())
    if not forced:
        if _reproducible():
            return None, {"layout": "whole", "layout_reason": REPRODUCIBLE_WHOLE}
        before = cache is not None and cache.get_blob(f"plan-{plan}") is not None
        if not before and cache is None:
            return None, {"layout": "whole", "layout_reason": "no cache to keep parts in"}
        if not before and jobs < 2:
            return None, {"layout": "whole", "layout_reason": "one job: laid out whole"}
        if not before and len(split.parts) < MIN_PARTS:
            reason = f"a short report ({len(split.parts)} parts): laid out whole"
            return None, {"layout": "whole", "layout_reason": reason}
    read = [
        *_walk(project.theme.folders),
        *_walk([project.root / "styles", project.root / "assets"]),
    ]
    for url in project.resources:
        if url.startswith("file:"):
            read.append(Path(url2pathname(urlsplit(url).path)))
    digest = files_digest(p for p in read if is_file(p))
    sheets = [
        p for p in (*theme, *project.stylesheets) if not p.resolve().is_relative_to(THEMES_DIR)
    ]
    if parts.may_flow(split, [_css_text(p) for p in sheets]):
        reason = _flowing(split, job, renderer, edition, deadline, cache, digest)
        if reason is not None:
            return None, {"layout": "whole", "layout_reason": reason}
    outcome = lay_out(
        split,
        job,
        renderer,
        lambda: (
            spare.pop() if spare else stack.enter_context(PdfRenderer(edition.limits.max_memory_mb))
        ),
        jobs,
        edition.limits,
        deadline,
        cache=cache,
        digest=digest,
        plan_key=f"plan-{plan}",
    )
    done = {
        "laid_out": outcome.laid_out,
        "reused": outcome.reused,
        "rounds": outcome.rounds,
        "stamps": outcome.stamps,
        "missed": outcome.missed,
    }
    if outcome.pdf is None:
        return None, {"layout": "whole", "layout_reason": outcome.reason, "parts": done}
    return outcome.pdf, {"layout": "parts", "parts": done}


def _flowing(
    split: Any,
    job: RenderJob,
    renderer: PdfRenderer,
    edition: Edition,
    deadline: Deadline,
    cache: Cache | None,
    digest: str,
) -> str | None:
    """Why the parts cannot be laid out apart because one would not start a page of its own
    in the whole document (a stylesheet's `break-before: auto`, columns…), found by laying
    out the report's `parts.skeleton` (its parts' first lines, the whole's cascade); None if
    each starts a page. The verdict is kept in the cache, by the skeleton and the files."""
    from reportbuilder.cache import sha256
    from reportbuilder.render import parts

    made = parts.skeleton(split)
    if isinstance(made, str):
        return made
    text, ids = made
    key = "starts-" + sha256("\0".join((digest, text)).encode("utf-8", "surrogateescape"))
    kept = cache.get_blob(key) if cache is not None else None
    if kept is not None and "after" in kept[0]:
        after = kept[0]["after"]
    else:
        probe = replace(job, text=text, layout_only=True, page_map=True)
        try:
            laid = renderer.render(probe, edition.limits, deadline=deadline)
        except RenderError:  # the whole layout says what, where
            return "the chapters' starts could not be checked: laid out whole"
        after = parts.starts_apart(ids, laid.anchors)
        if cache is not None:
            cache.put_blob(key, {"after": after}, b"")
    if after is None:
        return None
    if after == ids[-1] and split.parts[-1].name == "closing":
        where = "the closing part"
    else:
        where = f"the chapter {after!r}" if not after.startswith(parts.START) else "a chapter"
    return (
        f"{where} does not start a page of its own (a stylesheet's break-before, display, "
        "columns or float, or a template's element first, lets it follow on the page "
        "before): laid out whole"
    )


def _walk(folders: Iterable[Path]) -> list[Path]:
    from reportbuilder.cache import _files

    return [path for folder in folders if folder.is_dir() for path in _files(folder)]


def _written(character: str) -> re.Pattern[str]:
    """The ways a chapter can write `character`: itself, `&#3243;`, `&#xCAB;`, `&name;`."""
    code = ord(character)
    names = [name for name, value in html5_entities.items() if value == character]
    ways = [re.escape(character), f"&#0*{code};", f"(?i:&#x0*{code:x};)"]
    ways += [re.escape(f"&{name}") for name in names if name.endswith(";")]
    return re.compile("|".join(ways))


# Where else a printed character may be written: the report's settings, data and contacts.
_TEXT_SOURCES = ("report.yml", "contacts.yml", "data/**/*")
_TEXT_SUFFIXES = {".yml", ".yaml", ".csv", ".tsv", ".json", ".txt", ".md", ".bib"}


def _located(
    problems: Iterable[Problem], chapters: Iterable[Chapter], project: Project
) -> list[Problem]:
    """Problems about a character (no font has it; a fallback font set it) placed at the
    first line that holds it: in a chapter, else in report.yml, contacts.yml or a data file
    (a chart's label, a title, a contact's name)."""
    # The character a problem names, or the first of those it quotes ("… a fallback for
    # characters the brand's fonts lack (☐ / ☑)").
    glyph_problems = (
        re.compile(re.escape(MISSING_GLYPH) + r" '(.)'"),
        re.compile(r"a font the stylesheets do not name: .*\((.)"),
    )
    chapters = tuple(chapters)
    others: list[tuple[str, str]] | None = None  # read once, when first needed
    placed = []
    for problem in problems:
        found = next(filter(None, (p.search(problem.message) for p in glyph_problems)), None)
        if problem.path is None and found:
            if others is None:
                others = list(_other_sources(project))
            written = _written(found[1])
            sources = [(c.rel, c.source) for c in chapters] + others
            for rel, source in sources:
                if hit := written.search(source):
                    line = source.count("\n", 0, hit.start()) + 1
                    problem = replace(problem, path=rel, line=line)
                    break
        placed.append(problem)
    return placed


def _other_sources(project: Project) -> Iterator[tuple[str, str]]:
    """(shown path, text) of report.yml, contacts.yml and the data files."""
    for pattern in _TEXT_SOURCES:
        for path in sorted(project.root.glob(pattern)):
            if path.suffix.lower() not in _TEXT_SUFFIXES or not path.is_file():
                continue
            try:
                yield project.files.shown(path), path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError, ValueError):
                continue


def _located_image_modes(problems: Iterable[Problem], project: Project) -> list[Problem]:
    """WeasyPrint's "Unknown image mode: …" names no image (the renderer's fetcher converts
    every mode known to print wrong, `image_files.printable_image`; this is for any other):
    said at each line that shows a raster image in that mode."""
    problems = list(problems)
    unknown = [p for p in problems if p.path is None and "Unknown image mode" in p.message]
    if not unknown:
        return problems
    from PIL import Image

    kept = [p for p in problems if p not in unknown]
    for url, places in project.resources.items():
        parts = urlsplit(url)
        path = Path(url2pathname(parts.path))
        if parts.scheme.lower() != "file" or path.suffix.lower() not in RASTER_SUFFIXES:
            continue
        try:
            with Image.open(path) as image:
                mode = image.mode
        except Exception:  # what Pillow cannot read is said by `resource_problems`
            continue
        if any(p.message.endswith(f": {mode}") for p in unknown):
            message = (
                f"image {project.files.shown(path)}: an image in mode {mode}, which prints "
                "wrong: save it as 8-bit RGB or greyscale"
            )
            kept.extend(
                Problem(w.path, w.line, message, stage=Stage.RENDER, severity=Severity.WARNING)
                for w in places
            )
    return kept


def _located_font_faces(problems: Iterable[Problem], project: Project) -> list[Problem]:
    """A font-face the renderer could not load, placed at the project stylesheet's line
    that names its family in an `@font-face` rule."""
    from reportbuilder.render.renderer import FONT_FACE

    placed = []
    for problem in problems:
        found = re.match(re.escape(FONT_FACE) + r" '(.+?)' cannot", problem.message)
        if problem.path is None and found:
            family = re.compile(
                r"font-family\s*:\s*[\"']?" + re.escape(found[1]) + r"[\"']?\s*[;}]"
            )
            for path in project.stylesheets:
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                for rule in re.finditer(r"@font-face\s*\{[^}]*\}", text):
                    if family.search(rule[0]):
                        line = text.count("\n", 0, rule.start()) + 1
                        problem = replace(problem, path=project.files.shown(path), line=line)
                        break
                if problem.path is not None:
                    break
        placed.append(problem)
    return placed


def _lint(data: bytes, rules: LintRules) -> list[Problem]:
    # Imported here: `check` and the HTML format never lint a PDF (pdfium's bindings).
    from reportbuilder.review.pdflint import lint_pdf

    return list(lint_pdf(data, rules))


def lint_rules(project: Project, html: Html) -> LintRules:
    """What the rendered lint checks this edition's PDF against."""
    from reportbuilder.review.pdflint import LintRules

    own = {path.name for path in project.stylesheets}
    styles = [p for p in project.theme.stylesheets if p.name not in own]
    families = named_families([*styles, *project.stylesheets], project.files)
    brand = html.config.brand.fonts
    chapters = project.chapters_in(html.config.lang)
    return LintRules(
        min_text_pt=html.config.lint.min_text_pt,
        min_image_dpi=html.config.lint.min_image_dpi,
        families=families | {name for name in (brand.heading, brand.body) if name},
        chapters=tuple((c.slug, c.rel) for c in chapters),
        sources={c.rel: c.source for c in chapters},
        images=html.resources,
        root=project.root,
    )


def _import_in_background(module: str) -> None:
    """Start importing a module the parent needs after the render, while it only waits."""
    if module not in sys.modules:
        threading.Thread(target=importlib.import_module, args=(module,), daemon=True).start()


def _lighten(
    renderer: PdfRenderer,
    job: RenderJob,
    pdf: Pdf,
    budget: int,
    edition: Edition,
    deadline: Deadline,
    root: Path,
) -> tuple[Pdf, str]:
    """`pdf` was over `max_size`: lay it out again with lighter images until it fits.
    Returns the PDF and how its images were lightened."""
    from reportbuilder.render.budget import format_size, render_within

    fitted, used = render_within(
        renderer, job, budget, edition.limits, deadline=deadline, root=root, first=pdf
    )
    return fitted, f"{used}, {format_size(len(pdf.data))} → {format_size(len(fitted.data))}"


def _sources(project: Project, html: Html, edition: Edition) -> tuple[Embedded, ...]:
    """The files `embed_sources` attaches (none otherwise)."""
    if not edition.embed_sources:
        return ()
    from reportbuilder.render.renderer import Embedded
    from reportbuilder.review.provenance import embedded_sources

    attach, _ = sources_read(project, html)
    names = {path.relative_to(project.root).as_posix() for path in attach}
    # The attached copy is the whole file: what the author hid would go out with the PDF.
    hiding = sorted(
        {
            (p.path or "").partition(":")[0]
            for p in project.warnings
            # hidden sheets, rows, columns; cells hidden by their format or colours
            if p.path and "hidden" in p.message and "left out" in p.message
        }
        & names
    )
    if hiding:
        raise ProjectError(
            Problem(path, None, "has hidden sheets, rows or columns, which --embed-sources "
                    "would publish in the attached copy: delete them from the workbook, or "
                    "build without --embed-sources", stage=Stage.PROJECT)
            for path in hiding
        )  # fmt: skip
    settings = {
        "lang": html.config.lang,
        "page_size": html.config.page_size,
        "pdf_variant": html.config.pdf_variant,
        "print_mode": edition.print_mode or html.config.print,
        "personalised": edition.personalisation is not None,
    }
    return tuple(
        Embedded(name, data, relationship, description, date)
        for name, data, relationship, description, date in embedded_sources(
            project.root, settings, edition.created, attach
        )
    )


def sources_read(project: Project, html: Html) -> tuple[list[Path], list[Path]]:
    """(attached, left out): the data files this edition's chapters read, which
    `--embed-sources` attaches, and the others (a working file kept in data/ does not go
    out with the PDF; the manifest still hashes it)."""
    from reportbuilder.compose.data_reads import data_names_read
    from reportbuilder.review.provenance import data_files_read

    chapters = project.chapters_in(html.config.lang)
    return data_files_read(project.root, data_names_read(c.source for c in chapters))


def _sources_note(project: Project, html: Html, edition: Edition) -> str | None:
    """What `build` says of the attached data: which files were left out, and why."""
    if not edition.embed_sources:
        return None
    attached, left = sources_read(project, html)
    if not left:
        return None

    def listed(paths: list[Path]) -> str:
        return ", ".join(path.relative_to(project.root).as_posix() for path in paths) or "none"

    return f"attached {listed(attached)}; left out (no chapter reads them): {listed(left)}"


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
    project, links resolved). Never a link, and never onto or under a source of the project
    or its theme (folders and files resolved through every link)."""
    if output is None:
        configured = html.config.output or project.output_name
        written = Path(configured).with_suffix(f".{format}")
        given, where, shown = project.root / written, "report.yml", written.as_posix()
    else:
        given = Path(os.path.abspath(output)) if "\0" not in str(output) else Path(output)
        where, shown = None, str(output)

    def refuse(message: str) -> OutputError:
        return OutputError(Problem(where or shown, None, message, stage=Stage.OUTPUT))

    try:
        path = resolved(given)
    except UnusablePath as error:
        raise refuse(f"the output {shown!r} {error.reason}" if where else error.reason) from None
    if os.path.islink(given):
        target = os.readlink(given)
        raise refuse(f"the output {shown} is a link (to {target}); write to a plain file name")
    if (kind := special_file(given)) is not None:
        # `-o /dev/null` as root: the PDF was renamed over the device (trial 8 #32).
        raise refuse(f"the output {shown} is {kind}, not a regular file; give a file name")
    if where is None and shown.endswith(("/", os.sep)):
        # `-o x.pdf/` wrote x.pdf: the slash (a folder) was dropped unsaid.
        raise refuse(f"the output {shown} names a folder (it ends with '/'); give a file name")
    if where and not path.is_relative_to(project.root):
        raise refuse(f"the output {shown} leads out of the project (a link?)")
    for source in _sources_of(project):
        if path == source or path.is_relative_to(source):
            inside = path.is_relative_to(project.root)
            named = path.relative_to(project.root).as_posix() if inside else str(path)
            message = "the output would overwrite a source of the project"
            raise OutputError(Problem(named, None, message, stage=Stage.OUTPUT))
    return path


def _sources_of(project: Project) -> list[Path]:
    """The folders and files a build reads, each resolved through its links."""
    found = [project.root / place for place in SOURCE_PLACES]
    found += [*project.theme.folders, *project.stylesheets, *project.theme.stylesheets]
    found += [project.root / chapter.rel for chapter in project.chapters]
    real = []
    for path in found:
        with contextlib.suppress(UnusablePath):
            real.append(resolved(path))
    return real


def build_editions(
    project: str | os.PathLike[str],
    editions: Sequence[tuple[str | None, Edition]],
    *,
    known: Mapping[str | None, Project] | None = None,
    assignments: Sequence[tuple[tuple[str, ...], Any]] = (),
    output: str | os.PathLike[str] | None = None,
    format: Literal["pdf", "html"] | None = None,
    renderer: PdfRenderer | None = None,
    jobs: int = 1,
    cache: Cache | None = None,
    deadline: Deadline | None = None,
    inputs: Sequence[str] | None = None,
) -> list[BuildResult]:
    """Build several editions of one project – (report.yml variant or None, `Edition`) pairs –
    on up to `jobs` warm render processes at once; results in the order given.

    Each edition has its timeout, reading the project included; `deadline`, the command's
    own (started before it read the project), is the single edition's when there is one.

    Every edition is built even when one fails; then the first failure (in the order given)
    is raised. `renderer`, when given, serves as the first worker's; `known` holds projects
    already loaded (by variant) with the same `assignments`. `inputs` (one per edition,
    hashed before the project was read: `Cache.inputs_key`) are remembered in the `cache`
    with what they loaded, so that the next build of unchanged inputs is answered without
    loading the project (`results.unchanged`).
    """
    from reportbuilder.render.renderer import PdfRenderer

    loaded: dict[str | None, Project] = dict(known or {})
    lock = threading.Lock()

    def project_for(variant: str | None, within: Deadline) -> Project:
        with lock:
            if variant not in loaded:
                loaded[variant] = load_for_build(
                    within, project, variant=variant, assignments=assignments
                )
            return loaded[variant]

    spare = [renderer] if renderer is not None else []
    local = threading.local()
    started: list[PdfRenderer] = []

    def one(index: int, item: tuple[str | None, Edition]) -> BuildResult | ReportError:
        variant, edition = item
        if format != "html" and getattr(local, "renderer", None) is None:
            with lock:
                local.renderer = spare.pop() if spare else None
                if local.renderer is None:
                    local.renderer = PdfRenderer(edition.limits.max_memory_mb)
                    started.append(local.renderer)
        mine = deadline if deadline is not None and len(editions) == 1 else None
        mine = mine or Deadline(edition.limits.timeout)
        try:
            loaded_project = project_for(variant, mine)
            built = build(
                loaded_project,
                edition,
                deadline=mine,
                output=output,
                format=format,
                renderer=getattr(local, "renderer", None),
                cache=cache,
                jobs=jobs if len(editions) == 1 else 1,
            )
        except ReportError as error:
            return error
        if cache is not None and inputs is not None and not loaded_project.config.network.allow:
            with contextlib.suppress(OSError):  # a cache that cannot be written only misses
                cache.remember(
                    inputs[index],
                    config=loaded_project.config.model_dump_json(),
                    theme_folders=loaded_project.theme.folders,
                )
        return built

    try:
        if jobs <= 1 or len(editions) <= 1:
            outcomes = [one(index, item) for index, item in enumerate(editions)]
        else:
            with ThreadPoolExecutor(max_workers=min(jobs, len(editions))) as pool:
                outcomes = list(pool.map(one, range(len(editions)), editions))
    finally:
        for worker in started:
            worker.close()
    built = [outcome for outcome in outcomes if isinstance(outcome, BuildResult)]
    for outcome in outcomes:
        if isinstance(outcome, ReportError):
            # The editions that built were written: said with the failure (`written`), so a
            # CI step does not read "nothing changed" while out/ holds new PDFs.
            outcome.written = tuple(out for result in built for out in result.outputs)
            raise outcome
    return built


__all__ = [
    "BuildResult",
    "Output",
    "ReportError",
    "animated_images",
    "build",
    "build_editions",
    "check",
    "drawing_problems",
    "missing_images",
    "resource_problems",
]
