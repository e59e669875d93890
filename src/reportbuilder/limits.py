"""Bounds on what a document may ask of the layout engine."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from html.parser import HTMLParser

MAX_DEPTH = 60  # WeasyPrint 70 overflows Python's stack near 138 nested blocks
DEFAULT_TIMEOUT = 300.0  # seconds for one render
DEFAULT_MAX_MEMORY_MB = 3072  # address space of the render process
MAX_IMAGE_PIXELS = 40_000_000  # Pillow's own default only warns up to 179 MP

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _Depth(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.depth = max(self.depth - 1, 0)


def nesting_depth(html: str) -> int:
    """The deepest element nesting in an HTML fragment."""
    parser = _Depth()
    parser.feed(html)
    parser.close()
    return parser.deepest


class TimeLimitExceeded(Exception):
    """Raised inside the work that overran a `time_limit`."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt pure-Python work (templates, Markdown) after `seconds`; a no-op outside the
    main thread, where signals cannot be used."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
