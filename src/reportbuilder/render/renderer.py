"""HTML → PDF with WeasyPrint, in a child process bounded in time and memory.

The child lays out the document with the policy fetcher, captures WeasyPrint's log, caps
image sizes, and checks the finished PDF for active content before handing back its bytes.
A layout that runs away is killed; nothing is written by this module.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import resource
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from reportbuilder.errors import Problem, ReportError
from reportbuilder.limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT, MAX_IMAGE_PIXELS


@dataclass
class PdfResult:
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RenderOptions:
    base_dir: Path
    roots: tuple[Path, ...]
    pdf_variant: str | None = None
    network_hosts: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    locations: Mapping[str, str] = field(default_factory=dict)


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings and errors (missing image, ignored CSS …) for the user."""

    def __init__(self, locations: Mapping[str, str], base_url: str) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.locations = locations
        self.base_url = base_url

    def _image_failure(self, record: logging.LogRecord) -> str | None:
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
        shown = str(url).removeprefix(self.base_url)
        where = self.locations.get(str(url))
        message = f"image {shown} not used: {reason}"
        return f"{where}: {message}" if where else message

    def emit(self, record: logging.LogRecord) -> None:
        message = self._image_failure(record) or record.getMessage().splitlines()[0]
        if message not in self.messages:
            self.messages.append(message)


def _fail(message: str) -> ReportError:
    return ReportError(Problem("render", None, message))


def render_in_process(html: str, options: RenderOptions) -> PdfResult:
    """Lay out and write the PDF in this process (no time or memory bound)."""
    import weasyprint
    from PIL import Image
    from weasyprint.text.fonts import FontConfiguration

    from reportbuilder.render.fetcher import PolicyFetcher
    from reportbuilder.render.pdfcheck import active_content

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    fetcher = PolicyFetcher(
        list(options.roots), options.base_dir, options.network_hosts, options.locations
    )
    base_url = options.base_dir.as_uri() + "/"
    collector = _Collector(options.locations, base_url)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    previous_propagate = logger.propagate
    logger.propagate = False  # reported through our warnings, not printed raw
    try:
        fonts = FontConfiguration()
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=fonts, pdf_tags=True
        )
        data = document.write_pdf(pdf_variant=options.pdf_variant, pdf_tags=True) or b""
    except weasyprint.urls.FatalURLFetchingError as error:
        raise _fail(f"resource refused: {error}") from None
    except RecursionError:
        raise _fail("the document is nested too deeply to lay out") from None
    except MemoryError:
        raise _fail("out of memory while laying out the document (see --max-memory)") from None
    except SystemError:  # what a C library reports when an allocation fails under the cap
        raise _fail("the layout failed, most likely out of memory (see --max-memory)") from None
    except Exception as error:  # WeasyPrint raises assorted errors on odd CSS
        raise _fail(f"rendering failed: {type(error).__name__}: {error}") from None
    finally:
        logger.removeHandler(collector)
        logger.propagate = previous_propagate
    active = active_content(data)
    if active:
        raise _fail("the PDF would carry active content: " + "; ".join(active))
    # WeasyPrint logs each refusal again ("Failed to load image at …: <our message>").
    echoed = [m for m in collector.messages if not any(r in m for r in fetcher.reasons)]
    found = list(dict.fromkeys(fetcher.refused + echoed))
    return PdfResult(data=data, pages=len(document.pages), warnings=found)


def _serve(conn: Connection, max_memory_mb: int) -> None:
    """The render process: import WeasyPrint at once, then render the one job it is sent."""
    limit = max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        import weasyprint  # noqa: F401 - imported now, while the parent prepares the HTML

        html, options = conn.recv()
        conn.send(("ok", render_in_process(html, options)))
    except EOFError:
        pass  # the parent gave up (bad input found, Ctrl-C): nothing to render
    except ReportError as error:
        conn.send(("error", error.problems))
    except MemoryError:
        message = f"out of memory (limit {max_memory_mb} MiB; see --max-memory)"
        conn.send(("error", [Problem("render", None, message)]))
    except BaseException as error:  # the parent must hear of every failure
        message = f"rendering failed: {type(error).__name__}: {error}"
        conn.send(("error", [Problem("render", None, message)]))
    finally:
        conn.close()


class Renderer:
    """A render process, started early so WeasyPrint's import overlaps the HTML stage.

    Use as a context manager: the process is killed on exit, whatever happened.
    """

    def __init__(self, max_memory_mb: int = DEFAULT_MAX_MEMORY_MB) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child_conn = context.Pipe(duplex=True)
        self._process = context.Process(
            target=_serve, args=(child_conn, max_memory_mb), daemon=True
        )
        self._process.start()
        child_conn.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._conn.close()

    def render(self, html: str, options: RenderOptions) -> PdfResult:
        """Lay out `html`; killed after `options.timeout` seconds. Raises ReportError."""
        try:
            self._conn.send((html, options))
            if not self._conn.poll(options.timeout):
                raise _fail(f"rendering timed out after {options.timeout:g} s (see --timeout)")
            status, payload = self._conn.recv()
        except (EOFError, BrokenPipeError):
            self._process.join(5)
            code = self._process.exitcode
            raise _fail(f"the render process died (exit code {code}); out of memory?") from None
        finally:
            self.close()
        if status == "error":
            raise ReportError(payload)
        return payload


def render_pdf(html: str, options: RenderOptions, *, isolate: bool = True) -> PdfResult:
    """Render in a bounded child process (or in this one with `isolate=False`)."""
    if not isolate:
        return render_in_process(html, options)
    return Renderer(options.max_memory_mb).render(html, options)
