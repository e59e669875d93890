"""`merge`: one personalised PDF per requester, the body laid out once per language.

    read_requesters -> names -> shard -> journal -> per language:
        body = one whole copy, laid out once         (PdfRenderer)
        per row: its cover laid out alone, swapped into the body (assemble.swap_cover)
        -> write_atomic -> deliver (optional) -> journal

Both cores work as soon as the HTML is composed: the body goes to the first free worker
and the covers to the others at once, so they are laid out while the body is; a row whose
cover is ready before the body waits (parked) and is assembled by the body's task once the
body is laid out and linted.

The cover's HTML is composed once per language and shape of row (which values are empty),
with placeholder values that are then replaced by each row's, escaped: composing the whole
report again for every row would cost more than laying out its cover. Both shortcuts are
checked, not assumed: the body must compose to the same HTML whoever it is for (a chapter
or a footer that names the requester makes every page personal), and the placeholders must
come out of the templates unchanged. When either does not hold, or a row's cover is not
tagged like the body's, the rows are built in full, one whole layout each, and the result
says so.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from reportbuilder.compose.bidi import right_to_left
from reportbuilder.compose.formatting import Formatter
from reportbuilder.compose.html import Html, render_html
from reportbuilder.deliver.files import write_atomic
from reportbuilder.edition import Edition, source_date
from reportbuilder.errors import (
    Problem,
    ProjectError,
    RenderError,
    ReportError,
    Severity,
    Stage,
    error_for,
)
from reportbuilder.language import language_name
from reportbuilder.merge.assemble import Signature, signature, swap_cover
from reportbuilder.merge.delivery import Outbox, Outcome, Parcel, deliver, senders
from reportbuilder.merge.journal import Entry, Journal, journal_name
from reportbuilder.merge.naming import ALL, DEFAULT_TEMPLATE, Shard, check_template, file_names
from reportbuilder.merge.requesters import Requester, Requesters, read_requesters
from reportbuilder.pipeline import animated_images, drawing_problems, missing_images
from reportbuilder.project.load import Project, load_project
from reportbuilder.render.renderer import ImageOptions, Pdf, PdfRenderer, RenderJob

if TYPE_CHECKING:
    from reportbuilder.review.pdflint import LintRules

# A requester's values in the order templates see them; extra columns follow.
KEYS = ("name", "email", "organisation", "lang", "reference", "date")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MergeOptions:
    """How to run a merge. `outbox`, when given, delivers each copy once it is made (an
    `.eml` file per row, or SMTP), and the journal keeps what was sent."""

    output_dir: Path
    name_template: str = DEFAULT_TEMPLATE
    shard: Shard = ALL
    jobs: int = 1
    dry_run: bool = False
    layout_once: bool = True
    outbox: Outbox | None = None
    # Send again the rows an earlier run left in doubt (handed to the server, no answer
    # journaled): only when the user has checked that the server does not have them.
    resend_in_doubt: bool = False


@dataclass(frozen=True)
class RowResult:
    """What became of one requester."""

    line: int
    name: str
    email: str
    lang: str
    file: str
    status: str  # "made", "kept" (done by an earlier run), "planned" (dry run), "failed"
    method: str = ""  # "assembled" or "full"
    sha256: str = ""
    bytes: int = 0
    pages: int = 0
    sent: bool = False
    answer: str | None = None
    sent_now: bool = False  # by this run (`sent` is also true of a row an earlier run sent)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class MergeResult:
    """A merge's outcome: each row of this shard, and every problem (bad rows are errors)."""

    project: str
    requesters: str
    shard: str
    rows: tuple[RowResult, ...] = ()
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()  # how the copies were made, where it was not the fast way
    seconds: float = 0.0
    journal: str = ""

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "project": self.project,
            "requesters": self.requesters,
            "shard": self.shard,
            "journal": self.journal,
            "rows": [row.as_json() for row in self.rows],
            "problems": [p.as_json() for p in self.problems],
            "notes": list(self.notes),
            "seconds": self.seconds,
        }


def personalisation(row: Requester, lang: str, today: dt.date) -> dict[str, str]:
    """What templates see as `recipient` for a row: its values, the date written out in the
    row's language (the day of the merge when the row gives none)."""
    values = row.values()
    day = dt.date.fromisoformat(row.date) if row.date else today
    values["date"] = Formatter(lang).date(day)
    values["lang"] = lang
    ordered = {key: values[key] for key in KEYS}
    ordered.update({k: v for k, v in values.items() if k not in ordered})
    return ordered


def merge(
    project: str | os.PathLike[str] | Project,
    requesters: str | os.PathLike[str],
    options: MergeOptions,
    edition: Edition | None = None,
    *,
    progress: Progress | None = None,
) -> MergeResult:
    """Make (and deliver) one personalised PDF per requester of this shard.

    Raises `ReportError` when nothing can be made (the project or the requesters file as a
    whole is wrong); a bad row is an error in the result, and the other rows are made.
    """
    started = time.perf_counter()
    edition = edition or Edition()
    if edition.created is None:
        edition = dataclasses.replace(edition, created=source_date())
    if options.jobs < 1:
        raise ValueError("jobs must be at least 1")
    with contextlib.ExitStack() as stack:
        renderers: list[PdfRenderer] = []
        if not options.dry_run:
            # Started before anything is read. WeasyPrint is imported once, here, and the
            # processes fork with it: each importing it on its own while this one composes
            # would keep both cores busy sooner, but costs 0.7 CPU s more a process (measured
            # on a loaded 2-core machine: 5.4-5.8 against 4.7-5.1 CPU s for 20 rows, and
            # slower there; on an idle one it might gain a few tenths, not measured).
            memory = edition.limits.max_memory_mb
            if options.jobs > 1:
                from reportbuilder.render.engine import import_weasyprint

                import_weasyprint()
            renderers = [stack.enter_context(PdfRenderer(memory)) for _ in range(options.jobs)]
        return _merge(project, requesters, options, edition, progress, started, renderers)


def _merge(
    project: str | os.PathLike[str] | Project,
    requesters: str | os.PathLike[str],
    options: MergeOptions,
    edition: Edition,
    progress: Progress | None,
    started: float,
    renderers: list[PdfRenderer],
) -> MergeResult:
    loaded = project if isinstance(project, Project) else load_project(project)
    if drawings := drawing_problems(loaded):
        raise ProjectError(drawings)  # an SVG <use> bomb would hold every row's layout
    _outside_sources(loaded, options)
    path = Path(requesters)
    read = read_requesters(path, str(requesters))
    columns = sorted({k for row in read.rows for k in row.values()} | set(KEYS))
    wrong = check_template(options.name_template, columns)
    if wrong is not None:
        raise ValueError(wrong)
    default_lang = edition.lang or loaded.config.lang
    good, wordless = _with_words(loaded, read, default_lang)
    stem = Path(loaded.config.output or loaded.output_name).stem
    stems = {lang: _stem(loaded, lang) for lang in {r.lang or default_lang for r in good}}
    values = [{**_name_values(r), "stem": stems[r.lang or default_lang]} for r in good]
    names = dict(
        zip(
            (row.line for row in good),
            file_names(values, options.name_template, stem),
            strict=True,
        )
    )
    good = _without_unused_columns(good, _used_columns(loaded, options.name_template))
    mine = [row for row in good if options.shard.takes(row.index)]
    found = [*read.problems, *wordless]
    problems = [p for p in found if _in_shard(p, read, options.shard)]
    today = (edition.created.date() if edition.created else None) or dt.date.today()
    shard = str(options.shard) if options.shard != ALL else None
    # Keyed by the report's output name (what its copies are called), not by its folder: a
    # project moved or synced elsewhere between two runs is the same report, while another
    # report merged for the same people into the same folder is another request.
    journal = Journal(options.output_dir / journal_name(shard), project=stem)
    base: dict[str, Any] = {
        "project": str(loaded.root),
        "requesters": str(requesters),
        "shard": str(options.shard),
    }
    if options.outbox is not None:
        senders(loaded)  # no sender, no message: said before any layout
    if options.dry_run:
        # What the merge refuses before any copy, said by the dry run too: it planned every
        # copy of a report whose figure has no picture, which the merge then refused.
        if missing := _missing_pictures(loaded, edition, mine, default_lang, today):
            raise ProjectError(missing)
        names = _not_taken(names, good, journal)
        # What the run would keep, as it would judge it (file, hash, project it was made from).
        judge = _Work(loaded, edition, options, journal, names, today, None, len(mine), read.path)
        rows = tuple(
            _planned(
                row, names[row.line], journal, judge._kept(row, row.lang or default_lang),
                row.lang or default_lang,
            )
            for row in mine
        )  # fmt: skip
        seconds = round(time.perf_counter() - started, 3)
        shown = str(journal.path) if journal.path.exists() else ""
        return MergeResult(
            **base, rows=rows, problems=tuple(problems), seconds=seconds, journal=shown
        )
    journal.lock()  # one run at a time per split and folder: no row sent twice
    try:
        _rekey(journal, good)
        names = _not_taken(names, good, journal)
        work = _Work(
            loaded, edition, options, journal, names, today, progress, len(mine), read.path
        )
        work.run(mine, default_lang, renderers)
        if work.sent_named:
            were = "row is" if work.sent_named == 1 else "rows are"
            work.notes.append(
                f"{work.sent_named} {were} kept under the name their copy was sent with "
                "(made with other --names)"
            )
        if journal.foreign_files:
            count = len(journal.foreign_files)
            copies = "copy" if count == 1 else "copies"
            work.notes.append(
                f"the folder also holds {count} {copies} of another report (not "
                f"{stem!r}); this report's are made and sent beside them"
            )
        if work.sent_older:
            were = "row was" if work.sent_older == 1 else "rows were"
            work.notes.append(
                f"{work.sent_older} {were} sent a copy made before the project last changed; "
                "not sent again"
            )
        if options.outbox is not None:
            work.deliver(options.outbox)
    finally:
        journal.unlock()
    rows = tuple(sorted(work.results, key=lambda r: r.line))
    problems.extend(work.problems)
    return MergeResult(
        **base,
        rows=rows,
        problems=tuple(sorted(problems, key=lambda p: p.line or 0)),
        notes=tuple(dict.fromkeys(work.notes)),
        seconds=round(time.perf_counter() - started, 3),
        journal=str(journal.path),
    )


def _missing_pictures(
    project: Project,
    edition: Edition,
    rows: Sequence[Requester],
    default_lang: str,
    today: dt.date,
) -> list[Problem]:
    """`missing_images` of each language's report, composed for its first row (as the
    merge composes it first); a report that cannot be composed is left to the merge."""
    found: list[Problem] = []
    firsts = {row.lang or default_lang: row for row in reversed(rows)}
    for lang, first in firsts.items():
        values = personalisation(first, lang, today)
        try:
            html = render_html(
                project, dataclasses.replace(edition, lang=lang, personalisation=values)
            )
        except ReportError:
            continue
        found += [p for p in missing_images(project, html) if p not in found]
    return found


def _outside_sources(project: Project, options: MergeOptions) -> None:
    """The copies, and the messages written as .eml files, never go among the project's
    sources (content/, data/ …): a requester's address and copy would go into git."""
    from reportbuilder.errors import OutputError
    from reportbuilder.project.sources import among_sources

    targets = [("the copies", options.output_dir)]
    if options.outbox is not None and options.outbox.eml_dir is not None:
        targets.append(("the messages (--eml-dir)", options.outbox.eml_dir))
    problems = [among_sources(project.root, folder, what) for what, folder in targets]
    if found := [problem for problem in problems if problem is not None]:
        raise OutputError(found)


def _with_words(
    project: Project, read: Requesters, default: str
) -> tuple[list[Requester], list[Problem]]:
    """The rows whose language the report has words for, and a problem for each other."""
    good, problems = [], []
    known = ", ".join(project.strings.languages())
    warned: set[str] = set()
    for row in read.rows:
        lang = row.lang or default
        if project.strings.labels(lang) is not None:
            good.append(row)
            if lang not in warned:
                warned.add(lang)
                problems.extend(_untranslated(project, lang, read.path, row.line))
            continue
        message = (
            f"unknown language '{lang}': the report has words for {known} "
            f"(a locale/{lang}.po in the project adds a language)"
        )
        problems.append(Problem(read.path, row.line, message, stage=Stage.PROJECT))
    return good, problems


def _untranslated(project: Project, lang: str, path: str, line: int) -> list[Problem]:
    """A warning, at the first row in `lang`, when its copies print chapters in another
    language (as `build --lang` warns): the theme's words would be in one, text in another."""
    from reportbuilder.project.translations import State, setting_problems, statuses

    # The cover's title and subtitle too, as `build --lang` says them (trial 6 #57): a
    # French copy printed "Household survey 2026 … Exemplaire préparé pour Ana".
    found = setting_problems(project, [lang])
    missing = [s.file for s in statuses(project, [lang]) if s.state is State.MISSING]
    if not missing:
        return found
    name, source = language_name(lang), language_name(project.config.lang)
    listed = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
    message = f"no {name} translation ({listed}): {name} copies print it in {source}"
    return [*found, Problem(path, line, message, stage=Stage.PROJECT, severity=Severity.WARNING)]


def _stem(project: Project, lang: str) -> str:
    """The output name of the language's edition, without .pdf (`{stem}` in file names)."""
    from reportbuilder.project.config import for_edition

    config = for_edition(project.config, Edition(lang=lang))
    return Path(config.output or project.output_name).stem


def _name_values(row: Requester) -> dict[str, str]:
    return {**row.values(), "line": str(row.line)}


def _in_shard(problem: Problem, read: Requesters, shard: Shard) -> bool:
    position = read.positions.get(problem.line or 0)
    return position is None or shard.takes(position)


def _planned(
    row: Requester, name: str, journal: Journal, kept: RowResult | None, lang: str
) -> RowResult:
    """A dry run's row: sent before, made before and kept (`kept`), or to be made."""
    done = journal.get(row.key)
    sent = bool(done and done.sent)
    name = done.file if done and done.sent else kept.file if kept else name
    answer = "in doubt" if done and done.in_doubt else None
    return RowResult(
        row.line,
        row.name,
        row.email,
        lang,
        name,
        "kept" if sent or kept is not None else "planned",
        sent=sent,
        answer=answer,
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class _Plan:
    """What one language's rows share: the body laid out once, and the cover's HTML per
    shape of row (None where each row's cover is composed in full)."""

    lang: str
    # The whole document for the language's first row, laid out once as the body; None:
    # every row is built in full.
    html: Html | None = None
    body: bytes | None = None  # once laid out
    pages: int = 0  # of the body, hence of every assembled copy
    # Covers are laid out while the body is: the rows whose cover is ready before the body
    # wait here (`ready` False), and the body's task assembles them.
    ready: bool = False
    fast: bool = False  # the body is the same for every row: copies are assembled
    checked: threading.Event = field(default_factory=threading.Event)  # `fast` is known
    parked: list[tuple[Requester, _Cover | None]] = field(default_factory=list)
    # Bodies by how their cover pages are tagged: a cover whose line wraps once more needs
    # a body whose cover did too (the first row that needs one is built in full, and kept).
    bodies: dict[Signature, bytes] = field(default_factory=dict)
    counted: set[int] = field(default_factory=set)  # cover lengths the body is keyed by
    covers: dict[tuple[str, ...], tuple[Html, dict[str, str]] | None] = field(default_factory=dict)
    # max_size: the bytes a copy may weigh, and how the body's images were lightened to fit
    # (the covers are laid out the same way).
    budget: int | None = None
    images: ImageOptions = field(default_factory=ImageOptions)
    unfit: list[Problem] = field(default_factory=list)  # even the lightest body is over it


@dataclass(frozen=True)
class _Cover:
    """A row's cover laid out alone: the PDF, how its images were set, how it is tagged."""

    pdf: Pdf
    images: ImageOptions
    signature: Signature
    fonts: tuple[Problem, ...] = ()  # text set in a fallback font (the row's own values)


class _Work:
    """One merge's rows, spread over `jobs` warm render processes."""

    def __init__(
        self,
        project: Project,
        edition: Edition,
        options: MergeOptions,
        journal: Journal,
        names: Mapping[int, str],
        today: dt.date,
        progress: Progress | None,
        total: int,
        rel: str,
    ) -> None:
        self.rel = rel
        self.project, self.edition, self.options = project, edition, options
        self.journal, self.names, self.today = journal, names, today
        self.progress, self.total, self.done = progress, total, 0
        self.rows: dict[int, Requester] = {}
        self.keys: dict[int, str] = {}
        self.results: list[RowResult] = []
        self.problems: list[Problem] = []
        self._front_rules: dict[str, LintRules] = {}  # `_cover_fonts`'s, by language
        self.notes: list[str] = []
        self.warnings_seen: set[Problem] = set()
        self.source = _made_from(project, edition, options, rel)
        self.sent_older = 0  # rows sent a copy made from the project as it was before
        self.sent_named = 0  # rows sent, kept under the name they had then
        self._lock = threading.Lock()
        self._renderers: queue.Queue[PdfRenderer] = queue.Queue()

    # -- the run ---------------------------------------------------------------------------

    def run(
        self, rows: Sequence[Requester], default_lang: str, renderers: Sequence[PdfRenderer]
    ) -> None:
        """Make the rows not made by an earlier run, on `renderers` (started by the caller,
        ended by it)."""
        self.rows = {row.line: row for row in rows}
        self.keys = {row.line: row.key for row in rows}
        todo: list[tuple[Requester, str]] = []
        for row in rows:
            lang = row.lang or default_lang
            kept = self._kept(row, lang)
            if kept is None:
                todo.append((row, lang))
            else:
                self._finish(kept)
        try:
            if todo:
                self._make_all(todo, renderers)
        finally:
            for renderer in renderers:  # not needed for the delivery
                renderer.close()

    def _make_all(
        self, todo: Sequence[tuple[Requester, str]], renderers: Sequence[PdfRenderer]
    ) -> None:
        jobs = min(len(renderers), len(todo))
        for renderer in renderers[jobs:]:
            renderer.close()  # fewer rows than workers
        for renderer in renderers[:jobs]:
            self._renderers.put(renderer)
        langs = list(dict.fromkeys(lang for _, lang in todo))
        firsts = {lang: next(r for r, lg in todo if lg == lang) for lang in langs}
        pool = concurrent.futures.ThreadPoolExecutor(jobs)
        try:
            # Each body is laid out first; the covers follow on the other workers at
            # once, and each row is assembled as soon as its cover and body are ready.
            futures: list[concurrent.futures.Future[None]] = []

            def start(plan: _Plan, html: Html) -> None:
                futures.append(pool.submit(self._lay_body, plan, html))

            plans = {lang: self._plan(lang, firsts[lang], start) for lang in langs}
            futures += [pool.submit(self._row, row, plans[lang]) for row, lang in todo]
            for future in concurrent.futures.as_completed(futures):
                future.result()
        finally:
            # On Ctrl-C or a bug, rows not started are dropped; the rows being made finish
            # and are journaled, so a re-run goes on from there.
            pool.shutdown(wait=True, cancel_futures=True)

    def _kept(self, row: Requester, lang: str) -> RowResult | None:
        """The row as an earlier run left it, when that is all it needs."""
        entry = self.journal.get(row.key)
        if entry is None:
            return None
        if entry.sent:  # sent is final, whatever the file is called now
            if entry.source != self.source:
                self.sent_older += 1  # said once, after the rows
            target = self.options.output_dir / entry.file
            if not target.is_file():
                return None  # made again (still journaled as sent: never sent again)
            if entry.file != self.names[row.line]:
                self.sent_named += 1  # made with other --names: said once too
        else:
            target = self.options.output_dir / self.names[row.line]
            if entry.file != target.name or entry.source != self.source:
                return None  # renamed, or made before the project changed: made again
            try:
                if _sha256(target.read_bytes()) != entry.sha256:
                    return None
            except OSError:
                return None
        return RowResult(
            row.line,
            row.name,
            row.email,
            lang,
            target.name,
            "kept",
            entry.method,
            entry.sha256,
            target.stat().st_size if target.is_file() else 0,
            entry.pages,
            sent=entry.sent,
            answer=entry.answer,
        )

    @contextlib.contextmanager
    def _renderer(self) -> Iterator[PdfRenderer]:
        renderer = self._renderers.get()
        try:
            yield renderer
        finally:
            self._renderers.put(renderer)

    def _edition(self, values: Mapping[str, str], lang: str) -> Edition:
        return dataclasses.replace(self.edition, lang=lang, personalisation=dict(values))

    def _warn(self, found: Sequence[Problem]) -> None:
        with self._lock:
            for problem in found:
                if problem not in self.warnings_seen:
                    self.warnings_seen.add(problem)
                    self.problems.append(problem)

    def _row_warnings(self, row: Requester, found: Sequence[Problem]) -> None:
        """What laying out a row's own cover met, located at the row: a character of the
        name no font has is an error (the copy would print a box for it: the row is not
        made), the others are errors with `strict`."""
        from reportbuilder.project.glyphs import grouped

        located = grouped(dataclasses.replace(p, path=self.rel, line=row.line) for p in found)
        strict = self.edition.strict
        strict = self.project.config.strict if strict is None else strict
        if any(p.severity is Severity.ERROR for p in located) or (located and strict):
            raise error_for(Stage.RENDER)([p.as_error() for p in located])
        self._warn(located)

    def _note(self, text: str) -> None:
        with self._lock:
            self.notes.append(text)

    # -- one language: the body, once ------------------------------------------------------

    def _plan(self, lang: str, first: Requester, start: Callable[[_Plan, Html], object]) -> _Plan:
        """The language's shared work: its whole document for the first row is composed and
        handed to `start` (which lays it out as the body, `_lay_body`), then checked."""
        plan = _Plan(lang)
        if not self.options.layout_once:
            self._note(f"{lang}: every copy built in full (layout once is off)")
            return plan
        values = personalisation(first, lang, self.today)
        failed: ReportError | None = None
        try:
            html = render_html(self.project, self._edition(values, lang))
        except ReportError as error:
            failed = error
        else:
            if unprintable := self._unprintable(html, values):
                plan.checked.set()
                raise error_for(Stage.RENDER)(unprintable)  # every copy would print a box
            if missing := missing_images(self.project, html):
                plan.checked.set()
                raise ProjectError(missing)  # as `build`: every copy's figure with no picture
            plan.html, plan.budget = html, html.config.max_size
            start(plan, html)  # laid out while the rest is checked
        try:
            plan.fast = self._same_body(lang, list(values))
        except ReportError:
            plan.html = None  # each row then meets the problem in its own build, at its line
        finally:
            plan.checked.set()
        if failed is not None and plan.fast:
            raise failed  # a project that cannot be built fails the merge once, not once a row
        if not plan.fast:
            plan.html = None
        return plan

    def _unprintable(self, html: Html, values: Mapping[str, str]) -> list[Problem]:
        """The characters of the project's own text no font has, at their lines, as
        `build` refuses them (a row's own are said at the row, `_row_warnings`)."""
        from reportbuilder.pipeline import glyph_problems

        theirs = "".join(values.values())
        return [
            p.as_error()
            for p in glyph_problems(self.project, html)
            if p.path is not None or not any(c in theirs for c in _QUOTED.findall(p.message))
        ]

    def _same_body(self, lang: str, keys: list[str]) -> bool:
        """Whether the pages after the cover are the same whoever the copy is for: composed
        with every value printed (placeholders) and with none given, as a body that prints
        a value, or shows a part only when one is given, differs between the two."""
        one, two = _placeholders(keys, "A"), dict.fromkeys(keys, "")
        body_one = render_html(self.project, self._edition(one, lang), part="body")
        body_two = render_html(self.project, self._edition(two, lang), part="body")
        if body_one.text != body_two.text:
            self._note(
                f"{lang}: every copy built in full: the pages after the cover depend on the "
                "requester (a chapter or the footers use recipient), so none is laid out once"
            )
            return False
        return True

    def _lay_body(self, plan: _Plan, html: Html) -> None:
        """Lay the body out (lightened to the budget), lint it, then assemble the rows whose
        covers were laid out meanwhile."""
        unfit: list[Problem] = []
        pdf: Pdf | None
        with self._renderer() as renderer:
            pdf = renderer.render(html, self.edition.limits)
            plan.checked.wait()
            if not plan.fast:  # every copy is built in full: this layout is not used
                return
            if plan.budget is not None and len(pdf.data) > plan.budget:
                # The body is lightened once, for every copy of this language; when even its
                # lightest images do not fit, each row fails on its own, naming the images.
                try:
                    pdf, plan.images = self._within(renderer, RenderJob.of(html), plan, pdf)
                except RenderError as error:
                    pdf = None
                    unfit = list(error.problems)
        if pdf is not None:
            from reportbuilder.pipeline import lint_rules
            from reportbuilder.project.glyphs import missing_character
            from reportbuilder.review.pdflint import lint_pdf

            # Its cover is the first row's: the characters no font has (the project's were
            # refused by `_plan`) and the fonts on the covers are said row by row, at the row.
            drawn = [p for p in pdf.problems if missing_character(p) is None]
            warnings = [*self.project.warnings, *html.problems, *drawn]
            warnings += animated_images(self.project, html)
            rules = dataclasses.replace(
                lint_rules(self.project, html),
                fonts="chapters",
                lightened=str(plan.images) if plan.images else None,
            )
            warnings += lint_pdf(pdf.data, rules)
            if html.config.strict and warnings:
                raise error_for(warnings[0].stage)([p.as_error() for p in warnings])
            self._warn(warnings)
        with self._lock:
            if pdf is None:
                plan.unfit = unfit
            else:
                plan.body, plan.pages = pdf.data, pdf.pages
            plan.ready = True
            parked, plan.parked = plan.parked, []
        for row, cover in parked:
            self._complete(row, plan, cover)

    def _within(
        self, renderer: PdfRenderer, job: RenderJob, plan: _Plan, first: Pdf
    ) -> tuple[Pdf, ImageOptions]:
        """`first` laid out again with lighter images until it fits the budget (as `build`
        does); raises `RenderError` naming the heaviest images when it never does."""
        from reportbuilder.render.budget import format_size, render_within

        assert plan.budget is not None
        pdf, used = render_within(
            renderer, job, plan.budget, self.edition.limits, root=self.project.root, first=first
        )
        self._note(
            f"{plan.lang}: images lightened to fit max_size {format_size(plan.budget)}: {used}"
        )
        return pdf, used

    def _cover(self, plan: _Plan, values: Mapping[str, str]) -> Html:
        """The row's cover HTML: the shape's placeholders replaced, or composed in full."""
        shape = tuple(k for k, v in values.items() if v)
        with self._lock:
            known = shape in plan.covers
            found = plan.covers.get(shape)
        if not known:
            found = self._cover_template(plan.lang, list(values), shape)
            with self._lock:
                plan.covers[shape] = found
        if any(right_to_left(value) for value in values.values()):
            # The template's placeholders are Latin, so `| isolate` left them bare: a
            # right-to-left name put in their place took the date after it along.
            found = None
        if found is None:
            edition = self._edition(values, plan.lang)
            return render_html(self.project, edition, part="cover")
        html, tokens = found
        text = html.text
        for key, token in tokens.items():
            text = text.replace(token, str(escape(values[key])))
        return dataclasses.replace(html, text=text)

    def _cover_template(
        self, lang: str, keys: list[str], shape: tuple[str, ...]
    ) -> tuple[Html, dict[str, str]] | None:
        one = {k: v if k in shape else "" for k, v in _placeholders(keys, "A").items()}
        two = {k: v if k in shape else "" for k, v in _placeholders(keys, "B").items()}
        try:
            html_one = render_html(self.project, self._edition(one, lang), part="cover")
            html_two = render_html(self.project, self._edition(two, lang), part="cover")
        except ReportError:
            return None
        text = html_one.text
        for key in shape:
            text = text.replace(one[key], two[key])
        if text != html_two.text:
            self._note(
                f"{lang}: each cover composed in full: a template changes the requester's "
                "values before printing them"
            )
            return None
        return html_one, {k: one[k] for k in shape}

    # -- one row ---------------------------------------------------------------------------

    def _row(self, row: Requester, plan: _Plan) -> None:
        cover = None
        if plan.html is not None and not plan.unfit:
            # Laid out now, maybe before the body is: the cores are kept busy.
            with self._lock:
                images = plan.images
            values = personalisation(row, plan.lang, self.today)
            with contextlib.suppress(ReportError):  # met again, and reported, by `_layout`
                cover = self._lay_cover(plan, values, images)
            with self._lock:
                if not plan.ready:
                    plan.parked.append((row, cover))
                    return
        self._complete(row, plan, cover)

    def _complete(self, row: Requester, plan: _Plan, cover: _Cover | None) -> None:
        try:
            result = self._make(row, plan, cover)
        except ReportError as error:
            located = [_at_row(p, row, self.rel) for p in error.problems]
            with self._lock:
                self.problems.extend(located)
            result = RowResult(
                row.line, row.name, row.email, plan.lang, self.names[row.line], "failed"
            )
        self._finish(result)

    def _finish(self, result: RowResult) -> None:
        with self._lock:
            self.results.append(result)
            self.done += 1
            done = self.done
        if self.progress is not None:
            self.progress(done, self.total)

    def _make(self, row: Requester, plan: _Plan, cover: _Cover | None) -> RowResult:
        target = self.options.output_dir / self.names[row.line]
        data, method, pages = self._layout(row, plan, cover)
        write_atomic(target, data)
        entry = Entry(
            row.key, row.line, row.email, target.name, _sha256(data), method=method,
            source=self.source,
        )  # fmt: skip
        earlier = self.journal.get(row.key)
        if earlier is not None and earlier.sent:  # a copy made again is not a new message
            entry = dataclasses.replace(entry, sent=True, answer=earlier.answer)
        elif earlier is not None and earlier.in_doubt:  # nor is one that may have gone out
            entry = dataclasses.replace(
                entry, sending=True, message_id=earlier.message_id, answer=earlier.answer
            )
        entry = self.journal.record(dataclasses.replace(entry, pages=pages))
        return RowResult(
            row.line,
            row.name,
            row.email,
            plan.lang,
            target.name,
            "made",
            method,
            entry.sha256,
            len(data),
            pages,
            sent=entry.sent,
            answer=entry.answer,
        )

    # -- delivery: after the copies, in file order, over one connection -------------------

    def deliver(self, outbox: Outbox) -> None:
        parcels = []
        for index, result in sorted(enumerate(self.results), key=lambda item: item[1].line):
            entry = self.journal.get(self.keys[result.line])
            if result.status not in ("made", "kept") or entry is None:
                continue
            # Sent by SMTP is final. An .eml written is no delivery: an SMTP run sends it,
            # and each --eml-dir run writes every row's message (into its folder).
            if entry.sent and outbox.kind != "eml":
                continue
            if entry.in_doubt and not self.options.resend_in_doubt:
                self.problems.append(
                    Problem(self.rel, result.line, _in_doubt(entry), stage=Stage.DELIVER)
                )
                self.results[index] = dataclasses.replace(result, answer="in doubt")
                continue
            path = self.options.output_dir / entry.file
            try:
                data = path.read_bytes()
            except OSError:
                continue
            pages = entry.pages or _page_count(data)
            row = self.rows[result.line]
            parcels.append((index, Parcel(row, result.lang, path, data, pages, entry.sha256)))
        at = {id(parcel): index for index, parcel in parcels}

        def outcome(done: Outcome) -> None:
            parcel = done.parcel
            entry = self.journal.get(parcel.row.key)
            assert entry is not None
            index = at[id(parcel)]
            if done.in_doubt:  # still being sent, as far as anyone can know: not again
                doubted = self.journal.record(
                    dataclasses.replace(entry, sending=True, answer=done.answer, at="")
                )
                self.results[index] = dataclasses.replace(self.results[index], answer="in doubt")
                message = _in_doubt(doubted)
                self.problems.append(
                    Problem(self.rel, parcel.row.line, message, stage=Stage.DELIVER)
                )
                return
            if outbox.kind == "eml":  # a file to look at, not a message sent
                self.journal.record(dataclasses.replace(entry, written=done.answer, at=""))
                self.results[index] = dataclasses.replace(
                    self.results[index], sent=done.sent, answer=done.answer, sent_now=done.sent
                )
                return
            # The server's answer: the row is no longer being sent, whatever it said.
            recorded = dataclasses.replace(
                entry, sent=done.sent, sending=False, answer=done.answer, at=""
            )
            self.journal.record(recorded)
            self.results[index] = dataclasses.replace(
                self.results[index], sent=done.sent, answer=done.answer, sent_now=done.sent
            )
            if not done.sent:
                self.problems.append(
                    Problem(self.rel, parcel.row.line, done.answer, stage=Stage.DELIVER)
                )

        def problem(parcel: Parcel, found: Sequence[Problem]) -> None:
            for item in found:
                where = f" ({item.path})" if item.path else ""
                message = f"not sent: {item.message}{where}"
                self.problems.append(
                    Problem(self.rel, parcel.row.line, message, stage=Stage.DELIVER)
                )

        def sending(parcel: Parcel, ident: str) -> None:
            # Durable before the server has the message: a crash from here to the answer
            # leaves the row in doubt, and a re-run does not send it again.
            entry = self.journal.get(parcel.row.key)
            assert entry is not None
            # An earlier answer (a failure) no longer says anything about this attempt.
            marked = dataclasses.replace(entry, sending=True, message_id=ident, answer=None, at="")
            self.journal.record(marked)

        try:
            deliver(
                self.project,
                self.edition,
                outbox,
                [p for _, p in parcels],
                outcome,
                problem,
                on_sending=sending,
            )
        except BaseException:
            # Stopped (SIGTERM, Ctrl-C) while the server may hold a message: the row is in
            # doubt in the journal; said now too, as the next run will say it (trial 5 #27).
            for _, parcel in parcels:
                entry = self.journal.get(parcel.row.key)
                if entry is not None and entry.sending and entry.message_id:
                    doubt = Problem(
                        self.rel, parcel.row.line, _in_doubt(entry), stage=Stage.DELIVER
                    )
                    sys.stderr.write(f"{doubt}\n")
            raise

    def _layout(self, row: Requester, plan: _Plan, cover: _Cover | None) -> tuple[bytes, str, int]:
        values = personalisation(row, plan.lang, self.today)
        if plan.unfit:
            raise RenderError(plan.unfit)
        if plan.body is not None:
            if cover is None or cover.images != plan.images:
                # Not laid out yet (or it failed: now it says why), or laid out before the
                # body's images were lightened to fit the budget.
                cover = self._lay_cover(plan, values, plan.images)
            assembled = self._assemble(plan, cover)
            if assembled is not None:
                self._row_warnings(row, [*cover.pdf.problems, *cover.fonts])
                return assembled, "assembled", plan.pages
            # Tagged unlike every body so far, or over the budget by its own cover: built in
            # full (and lightened on its own).
        html = render_html(self.project, self._edition(values, plan.lang))
        if missing := missing_images(self.project, html):
            raise ProjectError(missing)  # as `build` (a chapter shown to some rows only)
        with self._renderer() as renderer:
            pdf = renderer.render(html, self.edition.limits)
            budget = html.config.max_size
            if budget is not None and len(pdf.data) > budget:
                own = dataclasses.replace(plan, budget=budget)
                pdf, _ = self._within(renderer, RenderJob.of(html), own, pdf)
        from reportbuilder.pipeline import located_characters
        from reportbuilder.project.glyphs import missing_character

        theirs = "".join(values.values())
        characters = {p: c for p in pdf.problems if (c := missing_character(p)) is not None}
        missing = list(characters)
        if unprintable := [p for p, c in characters.items() if c not in theirs]:
            # The project's own text (a chapter prints it whoever the copy is for).
            chapters = self.project.chapters_in(plan.lang)
            placed = located_characters(unprintable, chapters, self.project)
            raise error_for(Stage.RENDER)([p.as_error() for p in placed])
        drawn = [p for p in pdf.problems if p not in missing]
        self._warn([*html.problems, *drawn, *animated_images(self.project, html)])
        if html.config.strict and drawn:
            raise error_for(drawn[0].stage)([p.as_error() for p in drawn])
        self._row_warnings(row, [*missing, *self._cover_fonts(html, pdf)])
        if plan.body is not None and cover is not None:
            # Its cover is tagged unlike the bodies' so far: this copy is the body for its kind.
            key = signature(pdf.data, cover.pdf.pages)
            with self._lock:
                plan.bodies.setdefault(key, pdf.data)
        return pdf.data, "full", pdf.pages

    def _lay_cover(self, plan: _Plan, values: Mapping[str, str], images: ImageOptions) -> _Cover:
        html = self._cover(plan, values)
        with self._renderer() as renderer:
            pdf = renderer.render(_warm(html, images), self.edition.limits)
        return _Cover(pdf, images, signature(pdf.data), tuple(self._cover_fonts(html, pdf)))

    def _cover_fonts(self, html: Html, pdf: Pdf) -> list[Problem]:
        """Text of the cover pages set in a font the stylesheets do not name: a requester's
        name or organisation in a script the brand's fonts lack (Arabic, Chinese, an emoji),
        for each row, as the body's lint gives it for a chapter."""
        from reportbuilder.pipeline import lint_rules
        from reportbuilder.review.pdflint import lint_pdf

        rules = self._front_rules.get(html.config.lang)
        if rules is None:  # the stylesheets' families are read once a language
            rules = dataclasses.replace(lint_rules(self.project, html), fonts="front")
            self._front_rules[html.config.lang] = rules
        return lint_pdf(pdf.data, rules)

    def _assemble(self, plan: _Plan, cover: _Cover) -> bytes | None:
        """The copy: the body tagged like `cover` with its cover pages swapped; None when no
        body is tagged alike yet, or the copy is over the budget."""
        assert plan.body is not None
        count = cover.pdf.pages
        with self._lock:
            if count not in plan.counted:  # the body keyed by its first `count` pages
                plan.counted.add(count)
                plan.bodies.setdefault(signature(plan.body, count), plan.body)
            body = plan.bodies.get(cover.signature)
        if body is None:
            return None
        assembled = swap_cover(body, cover.pdf.data, checked=True)
        if assembled is None or (plan.budget is not None and len(assembled) > plan.budget):
            return None
        return assembled


_RECIPIENT = re.compile(r"""(?<![\w.-])recipient\s*(?:\.\s*(\w+)|\[\s*["'](\w+)["']\s*\])?""")
_FIELD = re.compile(r"\{(\w+)\}")


def _used_columns(project: Project, name_template: str) -> set[str] | None:
    """The requesters' columns a copy, its message or its file name use (`recipient.office`
    in a chapter, a template or the mail's texts; `{office}` in --names), or None when a
    template uses `recipient` as a whole (its columns cannot be told)."""
    texts = [chapter.source for chapter in project.chapters]
    texts += [project.config.mail.summary or "", project.config.mail.subject or ""]
    for folder in (project.root / "templates", *project.theme.folders):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.suffix in (".html", ".txt", ".md", ".j2") and path.is_file():
                    with contextlib.suppress(OSError, UnicodeDecodeError):
                        texts.append(path.read_text("utf-8"))
    used = set(_FIELD.findall(name_template))
    for text in texts:
        for found in _RECIPIENT.finditer(text):
            after = text[found.end() : found.end() + 12]
            if found[1] in _WHOLE or (not (found[1] or found[2]) and not _TESTED.match(after)):
                if re.match(r"\w", after):
                    continue  # recipient_footer and the like: another name
                return None  # printed, iterated or indexed by a variable: any column
            if found[1] or found[2]:
                used.add(found[1] or found[2])
    return used


_WHOLE = {"items", "keys", "values", "get"}  # the mapping's methods: any column
_TESTED = re.compile(r"\s*(%\}|-%\}|and\b|or\b|is\s+defined)")  # `{% if recipient %}`


def _without_unused_columns(rows: list[Requester], used: set[str] | None) -> list[Requester]:
    """Each row keyed by the columns a copy uses only: a column added to the sheet after a
    mailing (a "status" to tick) is no new request, and its rows are not sent again. The
    values stay, all of them, for the templates."""
    if used is None:
        return rows
    return [dataclasses.replace(row, key_columns=frozenset(used)) for row in rows]


def _rekey(journal: Journal, rows: Sequence[Requester]) -> None:
    """Journal lines written under a row's key with every column (before columns no copy
    uses were left out of it) carried over to its key now: never a row sent again."""
    for row in rows:
        if row.full_key == row.key or journal.get(row.key) is not None:
            continue
        if (earlier := journal.get(row.full_key)) is not None:
            journal.record(dataclasses.replace(earlier, key=row.key, at=""))


def _not_taken(
    names: Mapping[int, str], rows: Sequence[Requester], journal: Journal
) -> dict[int, str]:
    """`names`, each one the journal gives to another row (of an earlier requesters file
    merged into the same folder: another "Ana") made `-2`, `-3` …: a copy and its message
    never replace another requester's."""
    owner = {entry.file: key for key, entry in (*journal.others.items(), *journal.entries.items())}
    owner.update({file: "" for file in journal.foreign_files})  # another report's copy
    keys = {row.line: row.key for row in rows}
    used = set(names.values())
    free: dict[int, str] = {}
    for line, name in names.items():
        if owner.get(name, keys.get(line)) != keys.get(line):
            stem, dot, suffix = name.rpartition(".")
            number = 2
            while (candidate := f"{stem}-{number}{dot}{suffix}") in used or (
                owner.get(candidate, keys.get(line)) != keys.get(line)
            ):
                number += 1
            used.add(candidate)
            name = candidate
        free[line] = name
    return free


def _made_from(project: Project, edition: Edition, options: MergeOptions, rel: str) -> str:
    """The hash of what the copies are made from: the project's files and its theme's (not
    the copies' folder, nor the requesters file: a row added is no change to the others),
    and the edition."""
    from reportbuilder.cache import sources_digest

    folders = (project.root, *project.theme.folders)
    return sources_digest(folders, edition=edition, skip=(options.output_dir, Path(rel)))


def _in_doubt(entry: Entry, why: str | None = None) -> str:
    ident = entry.message_id or "(unknown)"
    why = (
        why
        or entry.answer
        or ("the merge stopped after handing it to the server and before journaling the answer")
    )
    return (
        f"in doubt: sent? check the server for Message-ID {ident}: {why}; not sent again "
        "unless --resend-in-doubt"
    )


def _warm(html: Html, images: ImageOptions | None = None) -> RenderJob:
    """A cover's render job (the render process reuses the theme's parsed stylesheets and
    fonts: `render.stylecache`), its images lightened as the body's were. Its streams are
    left uncompressed: the copy compresses what it keeps of them when it is saved (a cover's
    own write costs half as much)."""
    job = RenderJob.of(html)
    return dataclasses.replace(job, images=images or ImageOptions(), uncompressed=True)


def _page_count(data: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def _placeholders(keys: Sequence[str], variant: str) -> dict[str, str]:
    """Stand-ins for a row's values: letters and digits only, so that escaping leaves them
    as they are, and unlike anything a template writes."""
    return {key: f"QZX{variant}{number:04d}XZQ" for number, key in enumerate(keys)}


_QUOTED = re.compile(r"'(.)'")  # the characters a problem about characters names


def _at_row(problem: Problem, row: Requester, rel: str) -> Problem:
    """A row's render or output problem, located at the row (its own place in the message)."""
    if problem.stage in (Stage.RENDER, Stage.OUTPUT):
        where = f" ({problem.path})" if problem.path and problem.path != rel else ""
        message = problem.message + where
        return dataclasses.replace(problem, path=rel, line=row.line, message=message)
    return problem


__all__ = ["MergeOptions", "MergeResult", "RowResult", "merge", "personalisation"]
