"""Text that would take Markdown minutes to read, refused before it is read.

Python-Markdown hands the whole chapter to Python's `html.parser` to find its HTML blocks,
and that parser reads from each `<` followed by a letter up to the next `>` (all of what
follows reads as a tag's attributes). Where no `>` follows, each `<` reads to the end of
the chapter: 40 KB of `<a ` took more than a minute. The work is the sum of those
distances, counted here in one pass; past `MAX_TAG_SCAN` characters (a few seconds of
reading) the chapter is refused at the line where that text starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters the parser reads from all the `<` together: about 10 million a second here.
# A report's real HTML and the odd `a<b` in prose read a few thousand.
MAX_TAG_SCAN = 50_000_000
_TAG_START = re.compile(r"<[A-Za-z]")


@dataclass(frozen=True)
class TooCostly(Exception):
    """`message`, at the line of the chapter that holds `needle`."""

    message: str
    needle: str


def check_tag_scan(text: str) -> None:
    """Raise `TooCostly` where reading `text`'s would-be HTML tags costs more than
    `MAX_TAG_SCAN` characters."""
    cost = 0
    unclosed = 0
    first = -1
    next_close = -1
    for start in _TAG_START.finditer(text):
        position = start.start()
        if next_close < position:
            next_close = text.find(">", position)
            if next_close < 0:
                next_close = len(text)
        if text.find("<", position + 1, next_close) >= 0:  # no `>` before the next `<`
            unclosed += 1
            if first < 0:
                first = position
        cost += next_close - position
    if cost <= MAX_TAG_SCAN:
        return
    line_start = text.rfind("\n", 0, max(first, 0)) + 1
    line_end = text.find("\n", line_start)
    needle = text[line_start : line_end if line_end >= 0 else len(text)][:200]
    message = (
        f"{unclosed} '<' followed by a letter open no HTML tag (no '>' before the next '<'): "
        "reading them would take minutes; write each as '&lt;' (or put the text in a "
        "fenced code block)"
    )
    raise TooCostly(message, needle)


# Inline pieces (`<strong>`, `<em>`, `<a>` …) in one run of a table cell with no space: the
# layout measures a cell's run whole, piece against piece, so its time grows with their square
# (`**a` × 1 000 in one cell: 500 pieces, 21 s; 1 000 pieces, 73 s; 2 000, 340 s). Runs of
# text outside cells get break opportunities instead (`long_runs`). A real cell holds a few.
MAX_CELL_RUN_PIECES = 150
_CELL = re.compile(r"<t([dh])\b[^>]*>(.*?)</t\1\s*>", re.DOTALL | re.IGNORECASE)
_MARKUP_CHARACTERS = frozenset("*_<`~[")


def check_cell_runs(html: str, text: str) -> None:
    """Raise `TooCostly` where a table cell of `html` holds more than `MAX_CELL_RUN_PIECES`
    inline elements with no space between them; `text` (the chapter's Markdown) gives the
    line it is written on."""
    if "<t" not in html:
        return
    for cell in _CELL.finditer(html):
        for run in cell[2].split():
            pieces = run.count("</")  # each piece closes once
            if pieces > MAX_CELL_RUN_PIECES:
                message = (
                    f"a table cell holds {pieces} bold, italic or other inline pieces with no "
                    "space between them: laying them out would take minutes (and no page is "
                    "wide enough for them); put spaces between them, or the text in a paragraph"
                )
                raise TooCostly(message, _line_of_markup(text))


def _line_of_markup(text: str) -> str:
    """The first line of `text` with a word made mostly of markup (`**a**a**a…`), for the
    problem's line; "" when none is found."""
    for line in text.splitlines():
        if any(
            sum(c in _MARKUP_CHARACTERS for c in word) > MAX_CELL_RUN_PIECES
            for word in line.split()
        ):
            return line[:200]
    return ""
