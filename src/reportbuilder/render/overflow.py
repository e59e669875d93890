"""Content that leaves its page: found in WeasyPrint's laid-out page tree, located in the
chapter that wrote it.

After layout every page holds a tree of boxes with their geometry. A box whose border box
runs past the page's content area (the text block) by more than a hair is cut off or
crowds the margin: `find_overflows` lists each one (the outermost box only, not its
children), with the page number, the chapter section it sits in and what can find it in the
chapter's source (its id, image file, text). `locate` turns that into a `path:line`.

The cover is left out: its decorations bleed off the page on purpose. Running headers and
footers (margin boxes) are the theme's, and are left out too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportbuilder.errors import Problem, Severity, Stage

TOLERANCE_PX = 2.0  # ≈ 0.5 mm: rounding, hairlines, a border drawn half outside
_PX_PER_MM = 96 / 25.4
_SKIPPED_CLASSES = frozenset({"cover"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Set by `table()` on its tables: the chapter line that called it (a template's output has
# no text of its source to find it by).
LINE_ATTRIBUTE = "data-rb-line"


@dataclass(frozen=True)
class Overflow:
    """One box past its page's text block."""

    page: int  # 1-based, as a reader counts
    side: str  # "right", "left" or "bottom"
    excess_mm: float
    what: str  # "table", "image", "code", "text", "box"
    section: str | None  # the id of the chapter section it is in
    heading: str | None  # the text of the nearest heading before it
    needles: tuple[str, ...]  # what may find it in the chapter's source, best first
    table: int | None = None  # which table of the document (0-based), when it is one
    turned: bool = False  # a table already on a landscape page
    line: int | None = None  # the source line a helper's table says it comes from
    columns: tuple[str, ...] = ()  # the headings of a table's columns past the edge


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def _text(box: Any, limit: int = 80) -> str:
    """The first words of a box's text."""
    parts: list[str] = []
    size = 0
    for child in box.descendants():
        text = getattr(child, "text", None)
        if isinstance(text, str) and text.strip():
            parts.append(text)
            size += len(text)
            if size >= limit:
                break
    return " ".join(" ".join(parts).split())[:limit]


def tag_of(box: Any) -> str:
    """A box's element tag, without WeasyPrint's `::marker`-style suffixes."""
    return (box.element_tag or "").split(":")[0]


KEYFIGURE = "keyfigure"  # a key figure's box: its value must stay inside it, not only the page


def _kind(tags: Sequence[str]) -> str:
    if KEYFIGURE in tags:
        return "keyfigure"
    for tag, kind in (("table", "table"), ("img", "image"), ("pre", "code"), ("svg", "image")):
        if tag in tags:
            return kind
    return "text" if tags and tags[-1] in ("p", "li", "a", "span", "td", "th") else "box"


class _Walk:
    """One pass over the pages in order, keeping the section and heading last met."""

    def __init__(self) -> None:
        from weasyprint.formatting_structure import boxes

        self.boxes = boxes
        self.section: str | None = None
        self.heading: str | None = None
        self.tables: dict[int, int] = {}  # id(table element) → its index in the document
        self.turned: set[int] = set()  # the indexes of the tables on landscape pages
        self.found: list[Overflow] = []

    def page(self, number: int, page_box: Any) -> None:
        left = page_box.content_box_x()
        top = page_box.content_box_y()
        right, bottom = left + page_box.width, top + page_box.height
        for child in page_box.children:
            self._box(child, number, (left, right, bottom), (), None)

    def _box(
        self,
        box: Any,
        page: int,
        area: tuple[float, float, float],
        tags: tuple[str, ...],
        table: int | None,
    ) -> None:
        boxes = self.boxes
        if isinstance(box, boxes.MarginBox):
            return
        element = box.element
        if element is not None and _classes(element) & _SKIPPED_CLASSES:
            return
        tag = (box.element_tag or "").split(":")[0]
        if tag == "html" and element is not None and not self.tables:
            # Tables numbered in document order, as `with_table_classes` counts them.
            self.tables = {id(t): i for i, t in enumerate(element.iter("table"))}
        if tag == "table" and element is not None:
            table = self.tables.get(id(element), table)
            if LANDSCAPE in _classes(element) and table is not None:
                self.turned.add(table)
        if element is not None and tag in ("section", "nav") and box.element_tag == tag:
            self.section = element.get("id") if "chapter" in _classes(element) else None
            self.heading = None
        if tag in _HEADINGS and isinstance(box, boxes.BlockBox):
            self.heading = _text(box) or self.heading
        # The root boxes are not checked themselves: on the document's last page their
        # bottom (a margin collapsed through, a running element's place) may pass the text
        # block with nothing drawn there, so a chapter laid out alone was warned and the
        # same page in the whole document not. What they hold is checked.
        if (
            tag not in ("html", "body")
            and not isinstance(box, boxes.LineBox)
            and getattr(box, "position_x", None) is not None
        ):
            outside = self._outside(box, area)
            # A list item or quote runs past the edge because of the table it holds: the
            # table is reported (fitted, turned, refused) rather than the box around it.
            if outside is not None and not (tag != "table" and self._wide_table_in(box, area)):
                self._report(box, page, outside, (*tags, tag), table, area)
                return
        if element is not None and KEYFIGURE in _classes(element) and box.element_tag == "div":
            # A value wider than its box ran over the next box (or an empty grid cell) with
            # no word at A5: the box's content is the room, not the text block's.
            left = box.content_box_x()
            area = (left, left + box.width, area[2])
            tag = KEYFIGURE
        for child in getattr(box, "children", ()):
            if isinstance(child, boxes.Box):
                self._box(child, page, area, (*tags, tag), table)

    def _wide_table_in(self, box: Any, area: tuple[float, float, float]) -> bool:
        """Whether a table inside `box` runs past the text block's sides itself."""
        for inner in box.descendants():
            if isinstance(inner, self.boxes.TableBox):
                outside = self._outside(inner, area)
                if outside is not None and outside[0] != "bottom":
                    return True
        return False

    def _outside(self, box: Any, area: tuple[float, float, float]) -> tuple[str, float] | None:
        left_edge, right_edge, bottom_edge = area
        try:
            x, width = box.border_box_x(), box.border_width()
            y, height = box.border_box_y(), box.border_height()
        except (TypeError, AttributeError):  # a box the layout gave no size (empty inline)
            return None
        if width <= 0:
            return None
        if x + width > right_edge + TOLERANCE_PX:
            return "right", x + width - right_edge
        if x < left_edge - TOLERANCE_PX:
            return "left", left_edge - x
        if height > 0 and y + height > bottom_edge + TOLERANCE_PX:
            return "bottom", y + height - bottom_edge
        return None

    def _report(
        self,
        box: Any,
        page: int,
        outside: tuple[str, float],
        tags: tuple[str, ...],
        table: int | None,
        area: tuple[float, float, float],
    ) -> None:
        side, excess = outside
        needles: list[str] = []
        element = box.element
        line: int | None = None
        columns: tuple[str, ...] = ()
        if tag_of(box) == "table" and element is not None:
            written = element.get(LINE_ATTRIBUTE, "")
            line = int(written) if written.isdigit() else None
            columns = self._cut_columns(box, area)
        if element is not None:
            if element.get("id"):
                needles.append(element.get("id"))
            if element.get("src") and not element.get("src", "").startswith("data:"):
                needles.append(element.get("src").rsplit("/", 1)[-1])
        text = _text(box)
        if text:
            needles.append(text)
        if KEYFIGURE in tags:  # its value is formatted: the helper's call is what is written
            needles.append("keyfigures(")
        self.found.append(
            Overflow(
                page=page,
                side=side,
                excess_mm=round(excess / _PX_PER_MM, 1),
                what=_kind(tags),
                section=self.section,
                heading=self.heading,
                needles=tuple(needles),
                table=table,
                turned=table is not None and table in self.turned,
                line=line,
                columns=columns,
            )
        )

    def _cut_columns(self, table: Any, area: tuple[float, float, float]) -> tuple[str, ...]:
        """The headings (else first cells) of a table's columns that reach past the text
        block's left or right edge."""
        left_edge, right_edge, _ = area
        for row in table.descendants():
            if not isinstance(row, self.boxes.TableRowBox):
                continue
            if "rb-cont-row" in _classes(row.element):  # a continued part's title row
                continue
            cut = []
            for cell in row.children:
                x, width = cell.border_box_x(), cell.border_width()
                if x + width > right_edge + TOLERANCE_PX or x < left_edge - TOLERANCE_PX:
                    cut.append(_text(cell, 40) or "(no heading)")
            return tuple(cut)
        return ()


def find_overflows(pages: Sequence[Any]) -> list[Overflow]:
    """Every box past its page's text block, in page order (`pages`: `Document.pages`)."""
    walk = _Walk()
    for number, page in enumerate(pages, start=1):
        walk.page(number, page._page_box)
    return walk.found


FIT = "rb-fit"  # smaller type, tighter cells (the theme's CSS says how much)
LANDSCAPE = "rb-landscape"  # on a page of its own, turned


def fit_wide_tables(
    text: str, lay_out: Callable[[str], Any]
) -> tuple[Any, str, list[Overflow], int, float]:
    """Lay out `text`; tables past the text block are set smaller, then on a landscape page,
    each step a new layout. Returns (document, its HTML, what still overflows, layouts,
    seconds spent looking for overflows).
    """
    document = lay_out(text)
    started = time.perf_counter()
    overflows = find_overflows(document.pages)
    seconds = time.perf_counter() - started
    passes = 1
    steps: dict[int, str] = {}
    for extra in (FIT, f"{FIT} {LANDSCAPE}"):
        wide = {o.table for o in overflows if o.table is not None}
        if not wide or len(table_positions(text)) != _table_count(document):
            break
        steps.update(dict.fromkeys(wide, extra))
        document = lay_out(with_table_classes(text, steps))
        passes += 1
        started = time.perf_counter()
        overflows = find_overflows(document.pages)
        seconds += time.perf_counter() - started
    return document, with_table_classes(text, steps), overflows, passes, seconds


def _table_count(document: Any) -> int:
    """The tables in a laid-out document's HTML."""
    root = document.pages[0]._page_box.children[0].element if document.pages else None
    return sum(1 for _ in root.iter("table")) if root is not None else 0


def table_positions(text: str) -> list[int]:
    """Where each `<table` start tag is in an HTML text, in document order."""
    return [m.start() for m in re.finditer(r"<table\b", text)]


_WRAP_END = re.compile(r'<div class="table-wrap((?: [^"]*)?)">$')  # right before a table


def with_table_classes(text: str, tables: Mapping[int, str]) -> str:
    """`text` with a class added to some of its tables (by index in document order)."""
    positions = table_positions(text)
    out: list[str] = []
    last = 0
    for index, start in enumerate(positions):
        if index not in tables:
            continue
        end = text.index(">", start)
        tag = text[start:end]
        found = re.search(r'\bclass="([^"]*)"', tag)
        extra = tables[index]
        wrap = _WRAP_END.search(text, max(last, start - 300), start)
        if wrap:  # a helper's table: its notes and source go with it
            out.append(text[last : wrap.start()])
            out.append(f'<div class="table-wrap{wrap[1]} {extra}">')
            last = start
        if found:
            tag = tag[: found.start(1)] + f"{found[1]} {extra}" + tag[found.end(1) :]
        else:
            tag += f' class="{extra}"'
        out.append(text[last:start] + tag)
        last = end
    out.append(text[last:])
    return "".join(out)


def _line_of(source: str, needle: str, start: int = 0) -> int | None:
    """The line (1-based) of `needle`'s first occurrence at or after `start`, else None."""
    needle = needle.strip()
    if len(needle) < 3:
        return None
    found = source.find(needle, start)
    if found < 0:
        found = source.lower().find(needle.lower(), start)
    return None if found < 0 else source.count("\n", 0, found) + 1


def _candidates(needle: str) -> Iterator[str]:
    """`needle`, then shorter pieces of it: Markdown rarely keeps a rendered text verbatim."""
    yield needle
    words = needle.split()
    for size in (6, 4, 2):
        if len(words) > size:
            yield " ".join(words[:size])
    longest = max(words, key=len, default="")
    if len(longest) >= 6:
        yield longest


def _table_starts(source: str, text: str, start: int) -> list[int]:
    """The lines of the Markdown tables (from line `start` on; in a list item or a quote
    too) whose first row begins the laid-out table's `text` (its cells' words; a caption may
    come before them)."""
    found = []
    above = ""
    for number, line in enumerate(source.split("\n"), 1):
        row = _QUOTED.sub("", line).strip()
        if number >= start and row.startswith("|") and not above.startswith("|"):
            cells = [c.strip() for c in row.strip("|").split("|") if c.strip()]
            if cells and " ".join(" ".join(cells[:2]).split()) in text:
                found.append(number)
        above = row
    return found


_QUOTED = re.compile(r"^[\s>]*")  # a quote's marks before a table row


def locate(
    overflow: Overflow, sources: Mapping[str, tuple[str, str]], taken: Sequence[int] = ()
) -> tuple[str | None, int | None]:
    """(chapter path, line) of an overflowing box; (None, None) outside any chapter.
    `taken`: the lines of the chapter's other tables already located (two tables with the
    same heading row are two lines)."""
    if overflow.section is None or overflow.section not in sources:
        return None, None
    rel, source = sources[overflow.section]
    if overflow.line is not None:
        return rel, overflow.line
    start_line = None
    if overflow.heading:
        for piece in _candidates(overflow.heading):
            start_line = _line_of(source, piece)
            if start_line:
                break
    offset = 0
    if start_line:
        offset = sum(len(line) + 1 for line in source.split("\n")[: start_line - 1])
    if overflow.what == "table":
        for needle in overflow.needles:
            lines = _table_starts(source, needle, start_line or 1)
            if lines:
                return rel, next((n for n in lines if n not in taken), lines[0])
    for needle in overflow.needles:
        for piece in _candidates(needle):
            line = _line_of(source, piece, offset) or _line_of(source, piece)
            if line:
                return rel, line
    return rel, start_line


_WHAT = {
    "table": "a table",
    "image": "an image",
    "code": "a code block",
    "text": "a line of text",
    "box": "a box",
    "keyfigure": "a key figure's value",
}
_HINTS = {
    "table": "fewer or narrower columns, or {.landscape} after the table",
    "image": "a smaller image",
    "code": "shorter lines",
    "text": "a shorter word or link",
    "box": "check the width set in the project's CSS",
    "keyfigure": "fewer digits (a unit such as million, or fewer decimals) or a shorter value",
}
# A table already turned: a landscape page is all the width there is.
_TURNED_HINT = "fewer columns (table(…, columns=[…]) chooses them), or split it into two tables"


def overflow_problems(
    overflows: Sequence[Overflow], sources: Mapping[str, tuple[str, str]]
) -> list[Problem]:
    """One located warning per overflowing box."""
    problems = []
    tables: dict[int, int | None] = {}  # a table's line, by its index in the document
    for item in overflows:
        taken = [n for i, n in tables.items() if n is not None and i != item.table]
        path, line = locate(item, sources, taken)
        if item.table is not None:  # the same table on its next page: the same line
            line = tables.setdefault(item.table, line)
        if item.what == "table" and item.side != "bottom":
            problems.append(_cut_table(item, path, line))
            continue
        edge = "bottom edge" if item.side == "bottom" else f"{item.side} edge"
        message = (
            f"{_WHAT[item.what]} runs {item.excess_mm:g} mm past the {edge} of the text block"
            f" on page {item.page}, so part of it is cut off or in the margin"
        )
        if item.what == "keyfigure":  # over the next box, or off the page: an error
            message = (
                f"{_WHAT[item.what]} runs {item.excess_mm:g} mm past the {edge} of its box on "
                f"page {item.page}, over the box beside it or the margin"
            )
        problems.append(
            Problem(
                path,
                line,
                message,
                stage=Stage.RENDER,
                severity=Severity.ERROR if item.what == "keyfigure" else Severity.WARNING,
                hint=_TURNED_HINT if item.turned else _HINTS[item.what],
            )
        )
    return problems


def _cut_table(item: Overflow, path: str | None, line: int | None) -> Problem:
    """A table too wide for its page even set small and turned: an error, for the columns
    past the edge would be missing from the PDF (measured in the layout, so no estimate of
    the type's width can let one through)."""
    where = "even on a landscape page at the smallest type" if item.turned else "for the page"
    columns = ", ".join(f'"{c}"' for c in item.columns[:6])
    more = f" and {len(item.columns) - 6} more" if len(item.columns) > 6 else ""
    what = f": columns {columns}{more} would be cut off" if columns else ", so it would be cut off"
    message = f"a table on page {item.page} is {item.excess_mm:g} mm too wide {where}{what}"
    return Problem(path, line, message, stage=Stage.RENDER, hint=_TURNED_HINT)
