"""The room a landscape table leaves on the portrait page before it, filled with the text
that follows the table; and the headings just before such a table, which go with it.

A table turned onto landscape pages starts a page of its own: on a small page (A5, B5) the
text before it may fill a few lines, and the rest of that page stays empty. After a layout,
`rooms` measures, for each such table, the room left on the page before it and how tall the
whole paragraphs that follow the table are (they were laid out after it, on pages of the same
width). `moved_tables` then moves the table after as many of them as fit, and leaves where
it stood a reference to it ("Table 2. Results by district, page 5", the theme's cross-reference
style), so the reading order stays clear. Only whole paragraphs and lists of the same section
move, never past a heading; a table without a numbered caption is left where it is.

A heading right before the table would stay behind on the portrait page, alone at its foot
or alone on the page when the chapter holds nothing else: `with_headings` gives it (and an
annex's label, or a heading right above it) the turned page too (`HEAD`), before each layout.
The few paragraphs or callouts that end a section after such a table went onto a portrait
page of their own, nearly empty: `tails` finds those that fit under the table on its last
turned page, and `with_tails` sets them there (`TAIL`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportbuilder.render.overflow import LANDSCAPE, table_positions

MOVED = "rb-moved"  # the reference left where a table stood
HEAD = "rb-landscape-head"  # a heading set on the turned page of the table after it
TAIL = "rb-landscape-tail"  # the text ending a section, set under the turned table before it
_FLOWING = ("p", "ul", "ol", "dl", "blockquote")  # what may move before a table
_SLACK_PT = 6.0  # kept free: margins between paragraphs collapse differently when moved
_NUMBER_ID = re.compile(r'<span class="rb-num"[^>]*\bid="([^"]+)"[^>]*>')
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_TURNED = re.compile(
    rf'<(?:table|div)\b[^>]*\bclass="(?![^"]*\brb-continued\b)[^"]*(?<![\w-]){LANDSCAPE}(?![\w-])'
)
_REACH = 4000  # characters looked back from a table for a heading's end tag
_WRAP = re.compile(r'<div class="table-wrap[^"]*">\s*$')
_ENDS_HEADING = re.compile(r"</(h[1-6])>\s*$")
_ENDS_LABEL = re.compile(r'<div class="annex-label">[^<]*</div>\s*$')


@dataclass(frozen=True)
class Room:
    """A landscape table (by index in document order) and what may fill the page before it."""

    table: int
    free: float  # points left at the foot of the page before the table
    heights: tuple[float, ...]  # of the paragraphs after the table, in order


def with_headings(text: str) -> str:
    """`text` with the headings (and annex label) right before each landscape table on its
    turned page (class `HEAD`), so that none stays behind alone."""
    if LANDSCAPE not in text:
        return text
    starts: list[int] = []  # start tags to mark, in order
    for table in _TURNED.finditer(text):
        end = table.start()
        wrap = _WRAP.search(text, max(0, end - _REACH), end)
        if wrap is not None:  # a helper's table: the heading stands before its wrapper
            end = wrap.start()
        while True:
            heading = _ENDS_HEADING.search(text, max(0, end - _REACH), end)
            label = None if heading else _ENDS_LABEL.search(text, max(0, end - _REACH), end)
            if heading is not None:
                start = text.rfind(f"<{heading[1]}", 0, heading.start())
            elif label is not None:
                start = label.start()
            else:
                break
            if start < 0:
                break
            starts.append(start)
            end = start
    out: list[str] = []
    last = 0
    for start in sorted(set(starts)):
        close = text.index(">", start)
        tag = text[start : close + 1]
        found = re.search(r'\bclass="([^"]*)"', tag)
        if found and HEAD in found[1].split():
            continue
        out.append(text[last:start] + _with_class(tag, HEAD))
        last = close + 1
    out.append(text[last:])
    return "".join(out)


@dataclass
class _Survey:
    """What `rooms` and `tails` read of a layout: the elements on each page and their heights."""

    first_page: dict[int, int]  # id(element) -> the first page (0-based) it is on
    turned: dict[int, Any]  # id(element) -> a landscape block (not a continued part)
    on_page: list[set[int]]  # ids of the elements of each page's boxes
    heights: dict[int, float]  # id(element) -> total height of its boxes (flowing blocks)
    tables: dict[int, int]  # id(table element) -> its index in document order
    parents: dict[int, Any]  # id(element) -> its parent element


def _survey(pages: Sequence[Any]) -> _Survey | None:
    """The layout read for `rooms` and `tails`, or None when no table is turned."""
    from weasyprint.formatting_structure import boxes

    first_page: dict[int, int] = {}
    turned: dict[int, Any] = {}
    on_page: list[set[int]] = []
    heights: dict[int, float] = {}
    for number, page in enumerate(pages):
        seen: set[int] = set()
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            element = box.element if not isinstance(box, boxes.PageBox) else None
            if element is not None and not isinstance(box, boxes.MarginBox):
                seen.add(id(element))
                first_page.setdefault(id(element), number)
                if isinstance(box, boxes.BlockBox) and _flowing(element):
                    heights[id(element)] = heights.get(id(element), 0.0) + box.margin_height()
                classes = (element.get("class") or "").split()
                if LANDSCAPE in classes and "rb-continued" not in classes:
                    turned[id(element)] = element
            if isinstance(box, boxes.MarginBox):
                continue
            if isinstance(box, boxes.ParentBox):
                stack.extend(box.children)
        on_page.append(seen)
    if not turned:
        return None
    root = pages[0]._page_box.children[0].element
    tables = {id(t): i for i, t in enumerate(root.iter("table"))}
    parents = {id(child): parent for parent in root.iter() for child in parent}
    return _Survey(first_page, turned, on_page, heights, tables, parents)


def _flowing(element: Any) -> bool:
    """A paragraph, list or quote; or a callout (`!!! note`), which may end a chapter."""
    if element.tag in _FLOWING:
        return True
    return element.tag == "div" and "admonition" in (element.get("class") or "").split()


def rooms(pages: Sequence[Any]) -> list[Room]:
    """The landscape tables whose page before holds text of the same section and room."""
    found: list[Room] = []
    survey = _survey(pages)
    if survey is None:
        return found
    for key, element in survey.turned.items():
        number = survey.first_page[key]
        table = element if element.tag == "table" else next(element.iter("table"), None)
        parent = survey.parents.get(key)
        if table is None or number == 0 or parent is None:
            continue
        siblings = list(parent)
        at = next(i for i, child in enumerate(siblings) if child is element)
        if at == 0 or id(siblings[at - 1]) not in survey.on_page[number - 1]:
            continue  # the page before belongs to another section
        after: list[float] = []
        for sibling in siblings[at + 1 :]:
            if "rb-continued" in (sibling.get("class") or "").split():
                continue  # the table's later part goes with it
            if sibling.tag not in _FLOWING or id(sibling) not in survey.heights:
                break
            after.append(survey.heights[id(sibling)])
        free = _free(pages[number - 1])
        if after and free > after[0] + _SLACK_PT:
            found.append(Room(survey.tables[id(table)], free, tuple(after)))
    return found


def tails(pages: Sequence[Any]) -> list[int]:
    """The landscape tables (by index in document order) after which their section ends with
    a few paragraphs, lists or callouts that went onto a portrait page of their own, while
    they fit under the table on its last turned page."""
    found: list[int] = []
    survey = _survey(pages)
    if survey is None:
        return found
    for key, element in survey.turned.items():
        table = element if element.tag == "table" else next(element.iter("table"), None)
        parent = survey.parents.get(key)
        if table is None or parent is None:
            continue
        siblings = list(parent)
        at = next(i for i, child in enumerate(siblings) if child is element)
        parts = [element]  # the table and its continued parts
        rest: list[Any] = []
        for sibling in siblings[at + 1 :]:
            if not rest and "rb-continued" in (sibling.get("class") or "").split():
                parts.append(sibling)
            else:
                rest.append(sibling)
        if not rest or not all(_flowing(s) and id(s) in survey.heights for s in rest):
            continue  # nothing after the table, or more than text
        number = survey.first_page[id(rest[0])]
        last = pages[number - 1] if number else None
        if last is None or not any(id(p) in survey.on_page[number - 1] for p in parts):
            continue  # the text is not on the page after the table's end
        if last.width <= last.height:
            continue  # that page is upright: the text already follows the table
        height = sum(survey.heights[id(s)] for s in rest)
        if height + _SLACK_PT < _free(last):
            found.append(survey.tables[id(table)])
    return found


def with_tails(text: str, found: Sequence[int]) -> str:
    """`text` with the blocks that end the section of each table of `found` (by index) set on
    the table's turned page (class `TAIL`)."""
    positions = table_positions(text)
    for index in sorted(found, reverse=True):  # from the last: the earlier positions hold
        if index >= len(positions):
            continue
        end = _block_end(text, positions[index])
        if end is None:
            continue
        marked: list[str] = [text[:end]]
        cut = end
        while True:
            following = re.match(r"\s*<(p|ul|ol|dl|blockquote|div)\b[^>]*>", text[cut:])
            if following is None:
                break
            start = cut + following.start(1) - 1
            element_end = _element_end(text, start)
            if element_end is None:
                break
            tag_end = cut + following.end()
            marked.append(text[cut:start] + _with_class(text[start:tag_end], TAIL))
            marked.append(text[tag_end:element_end])
            cut = element_end
        text = "".join(marked) + text[cut:]
    return text


def _with_class(tag: str, name: str) -> str:
    """A start tag with one more class."""
    found = re.search(r'\bclass="([^"]*)"', tag)
    if found:
        return tag[: found.end(1)] + f" {name}" + tag[found.end(1) :]
    return tag[:-1] + f' class="{name}">'


def _block_end(text: str, start: int) -> int | None:
    """Where the table starting at `start` ends, with its wrapper and continued parts."""
    low = max(0, start - _REACH)
    wrap = _WRAP.search(text, low, start)
    begin = wrap.start() if wrap else start
    end = _element_end(text, begin)
    while end is not None:
        following = re.match(r"\s*(<table\b[^>]*\brb-continued\b)", text[end:])
        if not following:
            break
        end = _element_end(text, end + following.start(1))
    return end


def _free(page: Any) -> float:
    """Points between the lowest thing on the page's body and the foot of its text block."""
    from weasyprint.formatting_structure import boxes

    box = page._page_box
    foot = box.content_box_y() + box.height
    lowest = box.content_box_y()
    stack = [child for child in box.children if not isinstance(child, boxes.MarginBox)]
    while stack:
        item = stack.pop()
        if isinstance(item, boxes.LineBox | boxes.ReplacedBox | boxes.TableRowBox):
            lowest = max(lowest, item.position_y + item.margin_height())
        elif isinstance(item, boxes.ParentBox):
            stack.extend(item.children)
    return max(0.0, foot - lowest)


def moved_tables(text: str, found: Sequence[Room]) -> str:
    """`text` with each table of `found` moved after the paragraphs that fit before it."""
    positions = table_positions(text)
    # From the last table back: moving one does not shift the positions of those before it.
    for room in sorted(found, key=lambda r: r.table, reverse=True):
        if room.table >= len(positions):
            continue
        text = _move(text, positions[room.table], room)
    return text


def _move(text: str, start: int, room: Room) -> str:
    wrap = re.search(r'<div class="table-wrap[^"]*">\s*$', text[:start])
    begin = wrap.start() if wrap else start
    end = _element_end(text, begin)
    if end is None:
        return text
    while True:  # the continued parts of a split table go with it
        following = re.match(r"\s*(<table\b[^>]*\brb-continued\b)", text[end:])
        if not following:
            break
        next_end = _element_end(text, end + following.start(1))
        if next_end is None:
            return text
        end = next_end
    block = text[begin:end]
    number = _NUMBER_ID.search(block)
    caption = _CAPTION.search(block)
    if number is None or caption is None:
        return text  # nothing to refer to: the order is kept
    cut = end
    used = 0.0
    for height in room.heights:
        if used + height > room.free - _SLACK_PT:
            break
        found = re.match(r"\s*<(\w+)\b", text[cut:])
        if found is None or found[1] not in _FLOWING:
            break
        element_end = _element_end(text, cut + found.start(1) - 1)
        if element_end is None:
            break
        cut, used = element_end, used + height
    if cut == end:
        return text
    title = " ".join(_TAG.sub("", caption[1]).split())
    reference = f'<p class="{MOVED}"><a class="xref" href="#{number[1]}">{title}</a></p>'
    return text[:begin] + reference + text[end:cut] + "\n" + block + text[cut:]


_VOID = {"br", "img", "col", "hr", "input", "meta", "link", "wbr", "source", "area", "base"}


def _element_end(text: str, start: int) -> int | None:
    """Where the element whose start tag begins at `start` ends (after its end tag)."""
    first = re.match(r"<(\w+)\b[^>]*>", text[start:])
    if first is None:
        return None
    name = first[1].lower()
    if name in _VOID:
        return start + first.end()
    depth = 0
    for tag in re.finditer(rf"<(/?){name}\b[^>]*>", text[start:]):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return start + tag.end()
    return None
