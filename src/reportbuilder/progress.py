"""One status line on a terminal while a build runs: the stage, and the page being laid out.

Shown only when stderr is a terminal, the output is not `--json` and `CI` is not set; the
line is rewritten in place (carriage return, erase to the end of the line) and erased when
the command ends, so what is printed afterwards is what it was without it. The render
process is forked from the command, so it inherits the setting and writes its pages to the
same terminal through WeasyPrint's progress logger (`weasyprint.progress`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from typing import TextIO

_INTERVAL = 0.1  # seconds between two updates of the line
_ERASE = "\r\x1b[K"
_state: dict[str, object] = {"stream": None, "shown": False, "last": 0.0}


def wanted(as_json: bool, stream: TextIO | None = None) -> bool:
    """Whether a command should show progress on `stream` (stderr by default)."""
    stream = stream or sys.stderr
    if as_json or os.environ.get("CI"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def start(on: bool, stream: TextIO | None = None) -> None:
    """Show progress on `stream` (stderr by default) from now on if `on`; call before the
    render process is started, which inherits it."""
    _state.update(stream=(stream or sys.stderr) if on else None, shown=False, last=0.0)


def move_to(fd: int) -> None:
    """In the render process, whose stderr is about to go to a file: show the status line on
    `fd` (a copy of the terminal's descriptor) instead; closes `fd` when progress is off."""
    if _state["stream"] is None:
        os.close(fd)
        return
    _state["stream"] = open(fd, "w", encoding="utf-8", errors="replace")  # noqa: SIM115 (for the process's life)


@contextlib.contextmanager
def erased() -> Iterator[None]:
    """At the end of the block the line is erased and progress stops."""
    try:
        yield
    finally:
        clear()
        _state["stream"] = None


def show(text: str, *, now: bool = False) -> None:
    """Put `text` on the status line (at most every tenth of a second unless `now`)."""
    stream = _state["stream"]
    if stream is None:
        return
    moment = time.monotonic()
    if not now and moment - float(_state["last"]) < _INTERVAL:  # type: ignore[arg-type]
        return
    width = shutil.get_terminal_size((80, 24)).columns - 1
    try:
        stream.write(_ERASE + text[:width])  # type: ignore[attr-defined]
        stream.flush()  # type: ignore[attr-defined]
    except (OSError, ValueError):
        return
    _state.update(shown=True, last=moment)


def clear() -> None:
    """Erase the status line, if one is shown."""
    stream = _state["stream"]
    if stream is None or not _state["shown"]:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(_ERASE)  # type: ignore[attr-defined]
        stream.flush()  # type: ignore[attr-defined]
    _state["shown"] = False


_PAGE = re.compile(r"Step 5 - Creating layout - Page (\d+)")


class _EnginePages(logging.Handler):
    """WeasyPrint's progress messages as our status line."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.furthest = 0  # WeasyPrint lays pages out again when counters change

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        page = _PAGE.match(message)
        prefix = f"{self.name}: " if self.name else ""
        if page:
            number = int(page.group(1))
            verb = "laying out" if number > self.furthest else "updating"
            self.furthest = max(self.furthest, number)
            show(f"{prefix}{verb} page {number}")
        elif message.startswith("Step 6"):
            show(f"{prefix}writing the PDF", now=True)


@contextlib.contextmanager
def engine_pages(name: str = "") -> Iterator[None]:
    """Within the block, the pages WeasyPrint lays out are shown (when progress is on)."""
    if _state["stream"] is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler = _EnginePages(name)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
