"""HTML → PDF with WeasyPrint: restricted fetcher, captured log, tagged output, metadata."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, ReportError


@dataclass
class PdfResult:
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings and errors (missing image, ignored CSS …) for the user."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0]
        if message not in self.messages:
            self.messages.append(message)


def render_pdf(
    html: str, *, base_dir: Path, roots: list[Path], pdf_variant: str | None = None
) -> PdfResult:
    """Lay out and write the PDF in memory. Raises ReportError if WeasyPrint fails."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from .fetcher import PolicyFetcher

    fetcher = PolicyFetcher(roots, display_root=base_dir)
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    previous_propagate = logger.propagate
    logger.propagate = False  # our collector reports them; don't let them hit stderr raw
    try:
        fonts = FontConfiguration()
        document = weasyprint.HTML(
            string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher
        ).render(font_config=fonts, pdf_tags=True)
        data = document.write_pdf(pdf_variant=pdf_variant, pdf_tags=True)
    except weasyprint.urls.FatalURLFetchingError as error:
        raise ReportError(Problem("render", None, f"resource refused: {error}")) from None
    except RecursionError:
        raise ReportError(
            Problem("render", None, "the document is nested too deeply to lay out")
        ) from None
    except MemoryError:
        raise ReportError(
            Problem("render", None, "out of memory while laying out the document")
        ) from None
    except Exception as error:  # WeasyPrint raises assorted errors on odd CSS
        raise ReportError(
            Problem("render", None, f"rendering failed: {type(error).__name__}: {error}")
        ) from None
    finally:
        logger.removeHandler(collector)
        logger.propagate = previous_propagate
    warnings = list(dict.fromkeys(fetcher.refused + collector.messages))
    return PdfResult(data=data or b"", pages=len(document.pages), warnings=warnings)
