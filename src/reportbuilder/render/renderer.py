"""`PdfRenderer`: a long-lived child process that turns HTML into PDF with WeasyPrint, one job
after another, each bounded in time and memory.

The child lays out the document with the policy fetcher, captures WeasyPrint's log as located
warnings, caps image sizes, and checks the finished PDF for active content before handing back
its bytes. A layout that overruns its time is killed and the next job gets a fresh process.
Nothing is written by this module. Importing it does not import WeasyPrint.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import gc
import io
import json
import logging
import multiprocessing
import os
import re
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from reportbuilder import watchdog
from reportbuilder.errors import Location, Problem, RenderError, Severity, Stage, without_reprs
from reportbuilder.limits import (
    DEFAULT_MAX_MEMORY_MB,
    MAX_IMAGE_PIXELS,
    Deadline,
    Limits,
    one_malloc_arena,
)
from reportbuilder.project import glyphs
from reportbuilder.project.files import FilePolicy, is_file
from reportbuilder.project.image_files import image_problem
from reportbuilder.project.resources import Places
from reportbuilder.render import docid
from reportbuilder.render.code_lines import mark_code_lines, shortest_wrap, unmark_unwrapped
from reportbuilder.render.footnotes import footnote_problems
from reportbuilder.render.overflow import (
    Overflow,
    find_overflows,
    fit_wide_tables,
    overflow_problems,
)
from reportbuilder.render.tables import broken_tables, continued_tables
from reportbuilder.variants import OPAQUE_VARIANTS

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from reportbuilder.compose.html import Html


@dataclass(frozen=True)
class Pdf:
    """A rendered PDF: its bytes, its page count, and the warnings met on the way."""

    data: bytes
    pages: int
    problems: tuple[Problem, ...] = ()
    layout_passes: int = 1  # more when wide tables were fitted or turned landscape
    check_seconds: float = 0.0  # what looking for content past the page edges cost
    # With `RenderJob.page_map`: anchor → 0-based page index, and the bookmarks (see
    # `render.foreign.page_map`), for assembling parts laid out apart.
    anchors: Mapping[str, int] = field(default_factory=dict)
    bookmarks: tuple[tuple[Any, ...], ...] = ()
    page_names: tuple[str, ...] = ()  # each page's name (`@page body`), with the page map


@dataclass(frozen=True)
class Embedded:
    """A file the builder itself attaches to the PDF (the sources, with PDF/A-3)."""

    name: str
    data: bytes
    relationship: str  # /AFRelationship: Source, Data, Supplement …
    description: str
    date: dt.datetime


@dataclass(frozen=True)
class ImageOptions:
    """How WeasyPrint re-encodes images, to make a PDF lighter: at most `dpi` pixels per
    inch as laid out, JPEGs at `jpeg_quality` (1–95), PNGs and JPEGs optimised."""

    dpi: int | None = None
    jpeg_quality: int | None = None
    optimize_images: bool = False

    def weasyprint(self) -> dict[str, Any]:
        return {
            "dpi": self.dpi,
            "jpeg_quality": self.jpeg_quality,
            "optimize_images": self.optimize_images,
        }

    def __str__(self) -> str:
        parts = [
            f"{self.dpi} dpi" if self.dpi else "",
            f"JPEG quality {self.jpeg_quality}" if self.jpeg_quality else "",
            "optimised" if self.optimize_images else "",
        ]
        return ", ".join(p for p in parts if p) or "images as they are"


@dataclass(frozen=True)
class RenderJob:
    """What the child process needs to lay out one document (picklable, no project)."""

    text: str
    base_url: str
    files: FilePolicy
    pdf_variant: str | None = None
    network_hosts: tuple[str, ...] = ()
    resources: Mapping[str, Places] = field(default_factory=dict)
    attachments: tuple[Embedded, ...] = ()
    images: ImageOptions = field(default_factory=ImageOptions)
    sources: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    continued: str = "(continued)"  # after the caption of a table's later pages
    # Ignored: every job reuses what its render process keeps (`render.stylecache`); kept
    # so that callers written for the merge covers' former cache still work.
    warm: bool = False
    # A part of a report laid out on its own: anchors of the other parts (name → page
    # number), and whether to hand back the part's anchors and bookmarks.
    foreign_pages: Mapping[str, int] = field(default_factory=dict)
    page_map: bool = False
    layout_only: bool = False  # only the page count and page map: no PDF is written
    # Streams written as they are: for a PDF whose pages are copied into another one that
    # compresses them once (a merge's covers: their font subsets are merged away anyway).
    uncompressed: bool = False

    @classmethod
    def of(cls, html: Html, attachments: tuple[Embedded, ...] = ()) -> RenderJob:
        return cls(
            text=html.text,
            base_url=html.base_url,
            files=html.files,
            pdf_variant=html.pdf_variant,
            network_hosts=html.network_hosts,
            resources=dict(html.resources),
            attachments=attachments,
            sources=dict(html.sources),
            continued=html.labels.get("continued", "(continued)"),
        )


_NO_ROOM = {
    errno.EFBIG: "a file is larger than the file size limit (`ulimit -f`)",
    errno.ENOSPC: "no space left on the disk of {tmp}",
    errno.EDQUOT: "over the disk quota on {tmp}",
}


def _problem(message: str, **extra: Any) -> Problem:
    return Problem(None, None, message, stage=Stage.RENDER, **extra)


MAX_TABLE_PASSES = 2  # layouts spent on cutting long tables into captioned parts
MISSING_GLYPH = glyphs.MISSING_GLYPH
FONT_FACE = "the @font-face"


def _file_image_problem(url: str, files: FilePolicy) -> str | None:
    """`check`'s words for an image file of the project the renderer failed on
    (`image_files`); None for a file it may not read (the fetcher said why)."""
    if not url.startswith("file:"):
        return None
    path = Path(url2pathname(urlsplit(url).path))
    try:
        usable = files.in_project(path) and is_file(path)
    except (OSError, ValueError):  # a name too long, a NUL: the fetcher said why
        return None
    return image_problem(path) if usable else None


_CSS_PLACE = re.compile(r"\s*\bat (\d+):(\d+)\b")  # "… at 4:1" in WeasyPrint's CSS warnings


def _stylesheet_being_read() -> str | None:
    """The URL of the stylesheet WeasyPrint is reading, from its `preprocess_stylesheet`
    frame on the stack (None elsewhere, or if WeasyPrint renames it)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "preprocess_stylesheet":
            url = frame.f_locals.get("base_url")
            return url if isinstance(url, str) else None
        frame = frame.f_back  # type: ignore[assignment]
    return None


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings and errors (missing image, ignored CSS …) for the user."""

    def __init__(self, locations: Mapping[str, Places], base_url: str, files: FilePolicy) -> None:
        super().__init__(logging.WARNING)
        self.files = files
        self.problems: list[Problem] = []
        self.locations = locations
        self.base_url = base_url

    def _image_failure(self, record: logging.LogRecord) -> list[Problem] | None:
        """WeasyPrint's "Failed to load image" hides the reason in the exception's cause."""
        if not (isinstance(record.msg, str) and record.msg.startswith("Failed to load image")):
            return None
        if not (isinstance(record.args, tuple) and len(record.args) == 2):
            return None
        url, error = record.args
        cause = getattr(error, "__cause__", None) or getattr(error, "__context__", None)
        reason = str(error) or (str(cause) if cause else "") or type(error).__name__
        size = re.search(r"\((\d+) pixels\)", reason)
        if size and "decompression bomb" in reason:
            megapixels = int(size[1]) / 1e6
            limit = MAX_IMAGE_PIXELS / 1e6
            reason = f"too large ({megapixels:.0f} megapixels; the limit is {limit:.0f})"
        reason = _file_image_problem(str(url), self.files) or without_reprs(reason)
        shown = str(url).removeprefix(self.base_url)
        return [
            Problem(
                where.path or None,
                where.line,
                f"image {shown} not used: {reason}",
                stage=Stage.RENDER,
                severity=Severity.WARNING,
            )
            for where in self.locations.get(str(url)) or (Location(""),)
        ]

    @staticmethod
    def _missing_glyph(record: logging.LogRecord) -> Problem | None:
        """WeasyPrint's ".notdef glyph rendered …" said in the reader's words."""
        if not (isinstance(record.msg, str) and record.msg.startswith(".notdef glyph")):
            return None
        if not (isinstance(record.args, tuple) and len(record.args) == 2):
            return None
        character = str(record.args[0])
        return Problem(
            None,
            None,
            glyphs.missing_message(character),
            stage=Stage.RENDER,
            severity=Severity.WARNING,
            hint=glyphs.MISSING_HINT,
        )

    @staticmethod
    def _font_face(record: logging.LogRecord) -> Problem | None:
        """WeasyPrint's "Font-face 'X' cannot be loaded": the build locates it (`FONT_FACE`)."""
        if record.msg != "Font-face %r cannot be loaded" or not isinstance(record.args, tuple):
            return None
        return Problem(
            None,
            None,
            f"{FONT_FACE} '{record.args[0]}' cannot be loaded: its file is missing, refused or "
            "not a font, so the text is set in another font",
            stage=Stage.RENDER,
            severity=Severity.WARNING,
        )

    def _stylesheet_message(self, record: logging.LogRecord) -> Problem | None:
        """A CSS warning ("Ignored `colr: red` at 3:5, unknown property.") at the stylesheet
        and line it is about: WeasyPrint gives the line but not the file, which is the
        `base_url` of the `preprocess_stylesheet` call the warning comes from."""
        message = record.getMessage().splitlines()[0]
        place = _CSS_PLACE.search(message)
        # A warning kept by the style cache says which sheet it is about (`stylecache`).
        url = (getattr(record, "stylesheet", None) or _stylesheet_being_read()) if place else None
        places = self.locations.get(url) if url else None
        where = places[0] if places else None
        if place is None or where is None or not where.path:
            return None
        said = (message[: place.start()] + message[place.end() :]).rstrip(" .,")
        return Problem(
            where.path, int(place[1]), said, stage=Stage.RENDER, severity=Severity.WARNING
        )

    def emit(self, record: logging.LogRecord) -> None:
        found = self._image_failure(record) or [
            self._font_face(record)
            or self._missing_glyph(record)
            or self._stylesheet_message(record)
            or _problem(record.getMessage().splitlines()[0], severity=Severity.WARNING)
        ]
        for problem in found:
            if problem not in self.problems:
                self.problems.append(problem)


class _Unhealthy(Exception):
    """The process may be in a bad state after this failure: start a fresh one."""


# A file to which each layout adds a line (JSON: CPU and wall seconds, pages, passes, the
# document's title, the process's xdist worker): how the test suite counts what it lays out
# (`pytest --cpu-report`, tests/cpu_report.py). Unset for users: nothing is written.
RENDER_LOG = "REPORTBUILDER_RENDER_LOG"
_TITLE = re.compile(r"<title>([^<]{0,80})", re.IGNORECASE)


def render_in_process(job: RenderJob) -> Pdf:
    """Lay out and write the PDF in this process (no time or memory bound)."""
    log = os.environ.get(RENDER_LOG)
    if not log:
        return _render_in_process(job)
    cpu, wall, pages, passes = time.process_time(), time.time(), 0, 0
    try:
        pdf = _render_in_process(job)
        pages, passes = pdf.pages, pdf.layout_passes
        return pdf
    finally:
        title = _TITLE.search(job.text[:20_000])
        line = {
            "event": "layout",
            "worker": os.environ.get("PYTEST_XDIST_WORKER", ""),
            "start": wall,
            "wall": round(time.time() - wall, 3),
            "cpu": round(time.process_time() - cpu, 3),
            "pages": pages,
            "passes": passes,
            "layout_only": job.layout_only,
            "title": title[1] if title else "",
        }
        # Never the job's failure: a process under `ulimit -f` (a test's) cannot append.
        with contextlib.suppress(OSError), open(log, "a", encoding="utf-8") as file:
            file.write(json.dumps(line) + "\n")


def _render_in_process(job: RenderJob) -> Pdf:
    from PIL import Image

    from reportbuilder.render.engine import import_weasyprint

    weasyprint = import_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    from reportbuilder import progress
    from reportbuilder.render import (
        contents,
        foreign,
        hanging_spaces,
        inline_images,
        landscape,
        leaders,
        opaque,
        stylecache,
        svgtext,
        tagging,
    )
    from reportbuilder.render.ellipsis_text import restore_ellipses
    from reportbuilder.render.fetcher import PolicyFetcher
    from reportbuilder.render.figure_pictures import figure_pictures
    from reportbuilder.render.pdfcheck import EMBEDDING, active_content
    from reportbuilder.render.printboxes import finish as print_boxes

    tagging.install()
    leaders.install()
    hanging_spaces.install()
    svgtext.install()
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    fetcher = PolicyFetcher(
        job.files,
        job.network_hosts,
        job.resources,
        opaque=job.pdf_variant in OPAQUE_VARIANTS,
        pictures=figure_pictures(job.text, job.base_url),
    )
    collector = _Collector(job.resources, job.base_url, job.files)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    previous_propagate = logger.propagate
    logger.propagate = False  # reported through our warnings, not printed raw
    images = job.images.weasyprint()
    outside = contextlib.ExitStack()
    try:
        fonts: list[Any] = []  # a job's own, for a document laid out without the cache

        # Until the PDF is written: write_pdf resolves the links.
        outside.enter_context(foreign.foreign_anchors(job.foreign_pages))

        def lay_out(text: str) -> Any:
            html = weasyprint.HTML(string=text, base_url=job.base_url, url_fetcher=fetcher)
            # The theme's stylesheets parsed and its fonts registered once a process.
            resolved = stylecache.author_sheets(html, fetcher)
            if resolved is None and not fonts:
                fonts.append(FontConfiguration())
            with stylecache.using(resolved), progress.engine_pages():
                config = resolved.fonts if resolved is not None else fonts[0]
                return html.render(font_config=config, pdf_tags=True, **images)

        def lay_out_turned(text: str) -> Any:
            """`text` laid out, a heading right before a landscape table on the table's page."""
            return lay_out(landscape.with_headings(text))

        # Code is set one source line a box, so that a wrapped line can show it wraps.
        text = mark_code_lines(job.text, shortest_wrap(job.text))
        document, text, overflows, passes, check_seconds = fit_wide_tables(text, lay_out_turned)

        def again(text: str) -> tuple[Any, list[Overflow]]:
            """`text` laid out once more (a pass) and checked for overflows (timed)."""
            nonlocal passes, check_seconds
            document = lay_out_turned(text)
            passes += 1
            started = time.perf_counter()
            found = find_overflows(document.pages)
            check_seconds += time.perf_counter() - started
            return document, found

        # An image in a sentence too wide to share its line: on a line of its own, so the
        # words before it are not stretched across the line.
        wide = inline_images.wide_inline_images(document.pages)
        if wide:
            text = inline_images.with_own_line(text, wide)
            document, overflows = again(text)
        # A long table's later pages get its caption and "(continued)": one more layout, and
        # another only when a first part no longer fits its page (it should not: its column
        # widths are kept).
        for _ in range(MAX_TABLE_PASSES):
            broken = broken_tables(document.pages)
            if not broken:
                break
            cut = continued_tables(text, broken, job.continued)
            if cut == text:
                break  # none of them a plain table this module can cut
            text = cut
            document, overflows = again(text)
        # A table turned landscape starts a page: the whole paragraphs after it that fit the
        # room it leaves on the page before go there, with a reference where it stood.
        room = landscape.rooms(document.pages)
        if room:
            moved = landscape.moved_tables(text, room)
            if moved != text:
                text = moved
                document, overflows = again(text)
        # The text that ends a section after a turned table, alone on an upright page: under
        # the table, when it fits there (kept only when the layout is no longer for it).
        ends = landscape.tails(document.pages)
        ended = landscape.with_tails(text, ends) if ends else text
        if ended != text:
            count = len(document.pages)
            candidate, checked = again(ended)
            if len(candidate.pages) <= count:
                text, document, overflows = ended, candidate, checked
        stub = contents.stub_fraction(document.pages)
        tight = contents.tightened(text) if stub is not None and stub <= contents.STUB else None
        if tight is not None:  # a few lines of contents alone on a page: set it tighter
            candidate = lay_out_turned(tight)
            passes += 1
            # Fewer contents pages (in print the page count may stay: a blank verso goes).
            if contents.pages_of(candidate.pages) < contents.pages_of(document.pages):
                document = candidate
                started = time.perf_counter()
                overflows = find_overflows(document.pages)
                check_seconds += time.perf_counter() - started
        if job.layout_only:  # a page count and anchors are asked for, no PDF
            anchors, bookmarks = foreign.page_map(document)
            names = foreign.page_names(document)
            return Pdf(b"", len(document.pages), (), passes, 0.0, anchors, bookmarks, names)
        notes = footnote_problems(document.pages, job.sources)  # lost or under another chapter
        unmark_unwrapped(document.pages)  # a continuation mark only where a line wraps
        attachments = [
            weasyprint.Attachment(
                file_obj=io.BytesIO(item.data),
                name=item.name,
                description=item.description,
                relationship=item.relationship,
                created=item.date,
                modified=item.date,
            )
            for item in job.attachments
        ]
        # SVG images are drawn now: their text without a font in the body's (`svgtext`)
        svgtext.set_family(svgtext.body_family(document))
        transparent: list[str] = []

        def finish(document: Any, pdf: Any) -> None:
            print_boxes(document, pdf)  # the print version's BleedBox
            restore_ellipses(pdf)  # a cut running header's "…" reads "…"
            if job.pdf_variant in OPAQUE_VARIANTS:
                transparent.extend(opaque.finish(pdf))

        with progress.engine_pages(), docid.derived_from(job.text):
            written = document.write_pdf(
                finisher=finish,
                pdf_variant=job.pdf_variant,
                pdf_tags=True,
                attachments=attachments or None,
                uncompressed_pdf=job.uncompressed,
                **images,
            )
        if transparent:
            message = (
                f"{job.pdf_variant} allows no transparency, and this document has "
                f"{'; '.join(transparent)}: draw it opaque (an SVG without opacity), or "
                f"build with {OPAQUE_VARIANTS.get(job.pdf_variant or '', 'pdf/a-2b')}, which "
                "allows transparency"
            )
            raise RenderError(_problem(message))
        data = written or b""
        anchors, bookmarks = foreign.page_map(document) if job.page_map else ({}, ())
        names = foreign.page_names(document) if job.page_map else ()
    except weasyprint.urls.FatalURLFetchingError as error:
        raise RenderError(_problem(f"resource refused: {error}")) from None
    except RecursionError:
        raise RenderError(_problem("the document is nested too deeply to lay out")) from None
    except MemoryError:
        message = "out of memory while laying out the document"
        raise _Unhealthy(_problem(message, setting="max_memory_mb")) from None
    except SystemError:  # what a C library reports when an allocation fails under the cap
        message = "the layout failed, most likely out of memory"
        raise _Unhealthy(_problem(message, setting="max_memory_mb")) from None
    except Exception as error:
        if isinstance(error, OSError) and error.errno in _NO_ROOM:
            # Writing its font copies (TMPDIR) failed: the machine's limit, not the document.
            why = _NO_ROOM[error.errno].format(tmp=tempfile.gettempdir())
            message = f"cannot write the layout's temporary files: {why}"
            raise RenderError(Problem(None, None, message, stage=Stage.OUTPUT)) from None
        if _raised_by_us(error):
            raise  # a bug of ours, not a problem of the document
        # WeasyPrint and its libraries raise assorted errors on odd CSS and fonts.
        message = f"the layout engine failed on this document: {type(error).__name__}: {error}"
        raise RenderError(_problem(message)) from None
    finally:
        outside.close()
        logger.removeHandler(collector)
        logger.propagate = previous_propagate
        for config in fonts:
            end_font_copies(config)
    allowed = EMBEDDING if job.attachments else frozenset()
    active = active_content(data, allow=allowed)
    if active:
        raise RenderError(_problem("the PDF would carry active content: " + "; ".join(active)))
    # WeasyPrint logs each refusal again ("Failed to load image at …: <our message>").
    echoed = [p for p in collector.problems if not any(r in p.message for r in fetcher.reasons)]
    found = tuple(dict.fromkeys([*fetcher.refused, *echoed]))
    found += tuple(overflow_problems(overflows, job.sources)) + tuple(notes)
    return Pdf(
        data=data,
        pages=len(document.pages),
        problems=found,
        layout_passes=passes,
        check_seconds=round(check_seconds, 3),
        anchors=anchors,
        bookmarks=bookmarks,
        page_names=names,
    )


def _raised_by_us(error: BaseException) -> bool:
    """Whether the innermost frame of `error`'s traceback is reportbuilder's own code."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and "/reportbuilder/" in frames[-1].filename.replace("\\", "/")


def _end(scratch: str) -> None:
    """Remove the scratch folder and leave at once (no finalisers: they may hang)."""
    shutil.rmtree(scratch, ignore_errors=True)
    os._exit(1)


def _die_with_parent(scratch: str, watched: int, parent: int, deathsig: bool) -> None:
    """End this process, scratch folder removed, when the parent ends in any way.

    SIGTERM and SIGHUP end it cleanly; on Linux the kernel sends SIGTERM when the parent
    dies, even by SIGKILL (`PR_SET_PDEATHSIG`, only asked for when the parent started us from
    its main thread: the signal follows the thread); and a thread waits on `watched`, a pipe
    whose only writer is the parent, which reads end-of-file once the parent is gone.
    """
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda *_: _end(scratch))
    if deathsig and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before the request took effect
        _end(scratch)

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(watched, 1):
                pass
        _end(scratch)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _serve(
    conn: Connection,
    max_memory_mb: int,
    scratch: str,
    lifeline: tuple[int, int, int, bool] = (-1, -1, -1, False),
    stderr: int = -1,
) -> None:
    """The render process: import WeasyPrint at once, then render jobs until told to stop.

    Its temporary files (WeasyPrint's copies of fonts, any library's temporary files: TMPDIR
    points there too) go in `scratch`, a folder the parent removes when it ends the process;
    when the parent ends without doing so, this process removes it as it ends (see
    `_die_with_parent`). `lifeline` is the watched pipe's two ends, the parent's id and
    whether to ask for a signal on its death. `stderr`, when given, is a file this process's
    standard error goes to: what a C library prints as it fails (GLib's "Error creating
    thread" under the memory limit) reaches the parent's problem, not the user's terminal.
    """
    if stderr >= 0:
        from reportbuilder import progress

        progress.move_to(os.dup(2))  # the status line still reaches the terminal
        os.dup2(stderr, 2)
        os.close(stderr)
    watched, writer, parent, deathsig = lifeline
    for fd in _inherited_ends(conn.fileno(), watched):
        # Another renderer's ends, copied by the fork: holding them would keep that renderer's
        # pipe open after the parent dies, and its process alive.
        with contextlib.suppress(OSError):
            os.close(fd)
    if writer >= 0:
        os.close(writer)  # our copy of the parent's end: the parent alone must hold it
        _die_with_parent(scratch, watched, parent, deathsig)
    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch
    one_malloc_arena()
    limit = max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        from reportbuilder.render.engine import import_weasyprint

        log = os.environ.get(RENDER_LOG)
        if log:  # a render process started (see RENDER_LOG); cold: WeasyPrint imported here
            line = {
                "event": "start",
                "worker": os.environ.get("PYTEST_XDIST_WORKER", ""),
                "start": time.time(),
                "cold": "weasyprint" not in sys.modules,
            }
            with contextlib.suppress(OSError), open(log, "a", encoding="utf-8") as file:
                file.write(json.dumps(line) + "\n")
        import_weasyprint()  # now, while the parent prepares the HTML
        # A layout makes millions of objects that live as long as the document: Python's
        # cycle collector walked them again and again (about 8 % of a layout's CPU). The
        # modules imported so far are frozen (never walked), and the youngest generation is
        # collected every 50 000 new objects instead of every 700 (a few MB more at most).
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)

        while True:
            job = conn.recv()
            try:
                conn.send(("ok", render_in_process(job)))
            except RenderError as error:
                conn.send(("error", error.problems))
            except _Unhealthy as error:
                conn.send(("fatal", list(error.args)))
                return
            except MemoryError:
                message = f"out of memory (limit {max_memory_mb} MiB)"
                conn.send(("fatal", [_problem(message, setting="max_memory_mb")]))
                return
    except (EOFError, KeyboardInterrupt):
        pass  # the parent closed the pipe, or the user pressed Ctrl-C: no more jobs
    except BaseException:  # a bug: the parent must hear of it, with the traceback
        with contextlib.suppress(OSError):
            conn.send(("bug", traceback.format_exc()))
    finally:
        conn.close()


def end_font_copies(config: Any) -> None:
    """Remove the folder of font copies a WeasyPrint `FontConfiguration` made (in TMPDIR),
    now: WeasyPrint removes it when the configuration is collected, which a document's
    reference cycles put off to a later collection, and at exit that clean-up may find its
    modules already gone (trial 5: `weasyprint-*` folders of 2.8 MiB left in /tmp by test
    processes, in about half of the CI runs)."""
    folder = getattr(config, "_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        config._folder = None


SCRATCH_PREFIX = "reportbuilder-render-"  # then the parent's process id and "-"
STALE_SECONDS = 600.0  # a render folder untouched this long, its parent gone, is left over
_swept = False


def _remove_stale_folders() -> None:
    """Once a process: remove the render folders (WeasyPrint's 3 MiB of font copies) that
    builds killed together with their render process left in TMPDIR (SIGKILL to a process
    group, a CI job cancelled): neither process could remove its folder. Only ours, untouched
    for STALE_SECONDS, of a parent that no longer runs."""
    global _swept
    if _swept:
        return
    _swept = True
    pattern = re.compile(re.escape(SCRATCH_PREFIX) + r"([1-9][0-9]*)-")
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(tempfile.gettempdir()) as entries:
        for entry in entries:
            found = pattern.match(entry.name)
            if found is None or not entry.is_dir(follow_symlinks=False):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if info.st_uid != os.getuid() or now - info.st_mtime < STALE_SECONDS:
                    continue
                os.kill(int(found[1]), 0)  # no error: it runs
            except ProcessLookupError:
                shutil.rmtree(entry.path, ignore_errors=True)
            except OSError:
                continue


# The parent's ends of every live renderer's pipes. A render process forked later closes its
# copies at once: only the parent may hold them, or a SIGKILLed parent leaves processes behind.
_PARENT_ENDS: set[int] = set()
_PARENT_ENDS_LOCK = threading.Lock()


def _inherited_ends(*own: int) -> list[int]:
    # The watcher's pipe too (`watchdog`): it must see end of file when the command ends.
    return sorted(_PARENT_ENDS.union(watchdog.inherited_ends()).difference(own))


class PdfRenderer:
    """A warm render process that lays out many documents in a row.

    Use as a context manager; the process is ended on exit, whatever happened. It is started
    at once, so that WeasyPrint's import overlaps the caller's own work. A job that runs out
    of time or memory ends the process; the next job starts a fresh one. A job that asks for
    a different memory limit also gets a fresh process (the limit is set when it starts).
    Jobs from several threads are taken one at a time; for parallel layout, use one renderer
    per worker.
    """

    def __init__(self, max_memory_mb: int = DEFAULT_MAX_MEMORY_MB) -> None:
        self._context = multiprocessing.get_context("fork")
        self._memory_mb = max_memory_mb
        self._process: BaseProcess | None = None
        self._scratch: str | None = None
        self._conn: Connection | None = None
        self._lifeline: int | None = None  # our end of the pipe the process watches
        self._stderr: int | None = None  # the process's stderr (a file, unlinked)
        self.jobs = 0  # documents rendered by this renderer, for callers and tests
        self._lock = threading.Lock()
        self._closed = False
        self._start()

    @property
    def pid(self) -> int | None:
        """The render process's id, None when none runs."""
        return self._process.pid if self._process is not None else None

    def _start(self) -> None:
        _remove_stale_folders()
        parent_conn, child_conn = self._context.Pipe(duplex=True)
        self._scratch = tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-")
        # The process's stderr: a file already unlinked, read by us alone if it dies.
        stderr, path = tempfile.mkstemp(prefix="stderr-", dir=self._scratch)
        os.unlink(path)
        watched, writer = os.pipe()
        main = threading.current_thread() is threading.main_thread()
        lifeline = (watched, writer, os.getpid(), main)
        process = self._context.Process(
            target=_serve,
            args=(child_conn, self._memory_mb, self._scratch, lifeline, stderr),
            daemon=True,
        )
        with _PARENT_ENDS_LOCK:  # no fork while another renderer's ends change
            try:
                process.start()
            except BaseException:
                os.close(writer)
                os.close(stderr)
                raise
            finally:
                os.close(watched)
                child_conn.close()
            _PARENT_ENDS.update((writer, parent_conn.fileno()))
        self._stderr = stderr
        watchdog.keep_path(self._scratch, folder=True)
        if process.pid is not None:
            watchdog.keep_process(process.pid)
        self._process, self._conn, self._lifeline = process, parent_conn, writer

    def __enter__(self) -> PdfRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the render process; the renderer takes no more jobs."""
        self._closed = True
        self._stop()

    def _stop(self) -> None:
        """End the process at once: it holds nothing to save (it writes no file), and letting
        it finalise WeasyPrint's modules would cost a second or two on every build."""
        process, conn, lifeline = self._process, self._conn, self._lifeline
        self._process = self._conn = self._lifeline = None
        with _PARENT_ENDS_LOCK:
            if conn is not None:
                _PARENT_ENDS.discard(conn.fileno())
                conn.close()
            if lifeline is not None:
                _PARENT_ENDS.discard(lifeline)
                os.close(lifeline)
        if process is not None:
            process.kill()
            process.join()
            if process.pid is not None:
                watchdog.drop_process(process.pid)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            watchdog.drop_path(self._scratch)
            self._scratch = None
        if self._stderr is not None:
            os.close(self._stderr)
            self._stderr = None

    def _last_words(self) -> str:
        """The last line the render process wrote to its stderr, if any (shortened)."""
        if self._stderr is None:
            return ""
        try:
            size = os.fstat(self._stderr).st_size
            tail = os.pread(self._stderr, 4096, max(size - 4096, 0))
        except OSError:
            return ""
        lines = [line.strip() for line in tail.decode("utf-8", "replace").splitlines()]
        last = next((line for line in reversed(lines) if line), "")
        return last if len(last) <= 200 else last[:199] + "…"

    def render(
        self,
        html: Html | RenderJob,
        limits: Limits | None = None,
        *,
        deadline: Deadline | None = None,
    ) -> Pdf:
        """Lay out one document within `limits`; raises `RenderError`.

        `deadline`, when given, replaces `limits.timeout`: the time left of a whole build.
        """
        if self._closed:
            raise RuntimeError("this PdfRenderer is closed; make a new one")
        job = html if isinstance(html, RenderJob) else RenderJob.of(html)
        limits = limits or Limits()
        deadline = deadline or Deadline(limits.timeout)
        with self._lock:
            return self._render(job, limits.max_memory_mb, deadline)

    def _render(self, job: RenderJob, memory: int, deadline: Deadline) -> Pdf:
        if memory != self._memory_mb:
            self._stop()  # the limit is set when a process starts
            self._memory_mb = memory
        if self._process is None:
            self._start()
        assert self._conn is not None and self._process is not None
        try:
            self._conn.send(job)
            if not self._conn.poll(deadline.remaining()):
                self._stop()
                message = f"the layout took longer than the time limit of {deadline.seconds:g} s"
                raise RenderError(_problem(message, setting="timeout"))
            status, payload = self._conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            process = self._process
            process.join(5)
            code = process.exitcode
            said = self._last_words()
            self._stop()
            message = f"the render process died (exit code {code}), most likely out of memory"
            if said:
                message += f"; it said: {said}"
            raise RenderError(_problem(message, setting="max_memory_mb")) from None
        self.jobs += 1
        if status == "ok":
            return payload
        if status == "error":
            raise RenderError(payload)
        self._stop()  # it said it is in a bad state
        if status == "fatal":
            raise RenderError(payload)
        raise RuntimeError(f"the render process failed:\n{payload}")
