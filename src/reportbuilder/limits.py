"""Bounds on what a build may take: time (a `Deadline`), memory, image size, nesting depth.

A `Deadline` works in any thread: our stages check it between steps, `enforce()` interrupts
pure-Python work (a chapter's template, Markdown) that overruns it, and the render process
is killed when the layout does.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from reportbuilder.tolerant_html import TolerantHTMLParser

MAX_DEPTH = 60  # WeasyPrint 70 overflows Python's stack near 138 nested blocks
DEFAULT_TIMEOUT = 300.0  # seconds for one build
MAX_TIMEOUT = 86_400.0  # a day: more is a mistake (and overflows the platform's timers)
DEFAULT_MAX_MEMORY_MB = 3072  # address space of the render process
MAX_IMAGE_PIXELS = 40_000_000  # Pillow's own default only warns up to 179 MP
# Shapes one SVG image may draw, each `<use>` counted as the copy it draws: a 2 KB file of
# nested `<use>` draws 10⁹ rectangles and holds the layout for the whole --timeout; a chart
# from Excel or Inkscape draws a few thousand.
MAX_SVG_ELEMENTS = 200_000
MAX_SVG_BYTES = 20_000_000
MAX_DATA_URL_CHARS = 2_000_000  # a `data:` URL (an image written into the text)


@dataclass(frozen=True)
class Limits:
    """What one edition may use: seconds for the whole build, MiB for the layout."""

    timeout: float = DEFAULT_TIMEOUT
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB

    def __post_init__(self) -> None:
        timeout, memory = self.timeout, self.max_memory_mb
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise TypeError(f"timeout must be a number of seconds, got {timeout!r}")
        if not 0 < timeout <= MAX_TIMEOUT:
            raise ValueError(f"timeout must be more than 0 and at most {MAX_TIMEOUT:g} s")
        if isinstance(memory, bool) or not isinstance(memory, int):
            raise TypeError(f"max_memory_mb must be a whole number, got {memory!r}")
        if memory < 64:
            raise ValueError(f"max_memory_mb must be at least 64, got {memory}")


@contextlib.contextmanager
def cap_memory(max_memory_mb: int) -> Iterator[None]:
    """Within the block, let this process map at most `max_memory_mb` MiB more than it does
    now (its address space, RLIMIT_AS soft limit), so that the HTML stage (templates,
    Markdown, data) fails with a MemoryError instead of exhausting the machine. The previous
    limit is back after the block (the command may run inside a longer-lived process).

    What is mapped already (the interpreter, the libraries) is not counted against the limit:
    it is the same for every project. The hard limit is left alone, so that a render process
    started later sets its own. Does nothing where the platform has no such limit."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            mapped = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):
        yield
        return
    limit = mapped + max_memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def one_malloc_arena() -> None:
    """Let glibc's malloc keep to one arena in this process. Each thread that allocates
    otherwise reserves an arena of 64 MiB of address space, which RLIMIT_AS counts: in a
    render process (Pango starts threads to sort fonts; "GLib-ERROR: creating thread" under
    --max-memory 256, even 320), and in the command, whose mappings a render process forked
    from it inherits. Our threads mostly wait, under the GIL: one arena costs nothing.
    Elsewhere than glibc, nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX


class TimeLimitExceeded(BaseException):
    """Raised inside the work that overran its deadline.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` on the way (Jinja's
    constant folding has one) can swallow it. `line` is where in a chapter it stopped."""

    line: int | None = None


@dataclass(frozen=True)
class Deadline:
    """A point in (monotonic) time by which a build must be done."""

    seconds: float
    at: float = field(default=0.0)

    def __post_init__(self) -> None:
        if not self.at:
            object.__setattr__(self, "at", time.monotonic() + self.seconds)

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.0)

    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def check(self) -> None:
        """Raise `TimeLimitExceeded` if the deadline has passed (a cooperative check)."""
        if self.expired():
            raise TimeLimitExceeded

    @contextlib.contextmanager
    def enforce(self) -> Iterator[None]:
        """Interrupt the work in this block, in this thread, when the deadline passes.

        Works in any thread (unlike SIGALRM): a timer raises `TimeLimitExceeded` in the
        working thread at its next Python instruction. Code running in C (a regular
        expression, the sanitiser) is interrupted when it returns to Python.
        """
        self.check()
        target = threading.get_ident()
        lock = threading.Lock()
        state = {"active": True, "fired": False}

        def expire() -> None:
            with lock:
                if state["active"]:
                    state["fired"] = True
                    _raise_in(target, TimeLimitExceeded)

        timer = threading.Timer(self.remaining(), expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            with lock:
                state["active"] = False
                if state["fired"]:
                    _raise_in(target, None)  # an exception still pending must not escape
            timer.cancel()
        # The work ended normally; if the deadline passed meanwhile, it must not count as done
        # (a C call can hold the interruption back until after the block).
        self.check()


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


_LEVELS = {"ul", "ol", "blockquote"}  # what an author counts as a level


class _Depth(TolerantHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.deepest = 0
        self.levels = 0  # lists and quotes open
        self.deepest_levels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)
        if tag in _LEVELS:
            self.levels += 1
            self.deepest_levels = max(self.deepest_levels, self.levels)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.depth = max(self.depth - 1, 0)
        if tag in _LEVELS:
            self.levels = max(self.levels - 1, 0)


def list_levels(html: str) -> int:
    """The most lists and quotes inside each other in an HTML fragment (a list item's
    `<li>` inside its `<ul>` is one level to its author, two elements to the layout)."""
    parser = _Depth()
    parser.feed(html)
    parser.close()
    return parser.deepest_levels


def nesting_depth(html: str) -> int:
    """The deepest element nesting in an HTML fragment."""
    parser = _Depth()
    parser.feed(html)
    parser.close()
    return parser.deepest
