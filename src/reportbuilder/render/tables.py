"""Tables that run over several pages, cut where the layout broke them, so that every later
page repeats the caption with "(continued)" above the repeated header.

WeasyPrint repeats a table's header on every page but not its caption. After a first layout
`broken_tables` says, for each table the layout broke, how many body rows its first page
holds and how wide its columns are. `continued_tables` then rewrites the HTML: the first
part keeps the caption and the rows of the first page; the second part, on a new page,
carries the caption and "(continued)" as the first row of its header. WeasyPrint repeats
that header on every page the second part runs onto, so each page of the table says
"(continued)" however many times it breaks, whatever the height of its rows.

Both parts take the column widths of the first layout (`table-layout: fixed`): the first part
lays out exactly as before, and the columns do not jump from one page to the next. A total
row (`<tfoot>`) becomes the last row of the second part: WeasyPrint would repeat a footer at
the foot of every page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportbuilder.render.overflow import table_positions

CONTINUED = "rb-continued"  # the class of a table's second part
SPLIT = "rb-split"  # the class of both parts: their column widths are fixed
MIN_ROWS = 3  # the fewest rows the second part starts with, when the first keeps as many
_SLACK_PT = 1.0  # a table's bottom border and rounding: a row that fits exactly stays off
_ROW = re.compile(r"<tr\b.*?</tr>", re.DOTALL)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL)
_THEAD = re.compile(r"<thead\b[^>]*>(.*?)</thead>", re.DOTALL)
_TFOOT = re.compile(r"<tfoot\b[^>]*>(.*?)</tfoot>", re.DOTALL)
_TBODY = re.compile(r"<tbody\b[^>]*>(.*?)</tbody>", re.DOTALL)
_ATTRIBUTE_ID = re.compile(r'\s(?:id|data-id)="[^"]*"')
_CLASS = re.compile(r'\bclass="([^"]*)"')
_LABEL = re.compile(r'\s*<span class="rb-cont">.*?</span>', re.DOTALL)


@dataclass(frozen=True)
class Broken:
    """A table the layout broke over pages."""

    first: int  # body rows on its first page
    rows: int  # body rows in all
    widths: tuple[float, ...]  # its columns' widths on its first page
    # Rows of the next page that fit in the room the first page keeps below its last row:
    # WeasyPrint kept room there for the total row (a footer), which the first part drops.
    spare: int = 0


def broken_tables(pages: Sequence[Any]) -> dict[int, Broken]:
    """The tables (by document order) whose body rows the layout put on several pages,
    second parts (already continued) left out."""
    from weasyprint.formatting_structure import boxes

    counts: dict[int, dict[int, int]] = {}
    widths: dict[int, tuple[float, ...]] = {}
    room: dict[int, float] = {}  # below the last body row of the table's first page
    later: dict[int, list[float]] = {}  # heights of the body rows on its later pages
    tables: dict[int, int] = {}
    for number, page in enumerate(pages):
        foot = page._page_box.content_box_y() + page._page_box.height
        stack = list(page._page_box.children)
        while stack:
            box = stack.pop()
            if box.element_tag == "html" and not tables and box.element is not None:
                tables = {id(t): i for i, t in enumerate(box.element.iter("table"))}
            if isinstance(box, boxes.TableBox) and id(box.element) in tables:
                if CONTINUED in (box.element.get("class") or "").split():
                    continue
                index = tables[id(box.element)]
                body = [
                    row
                    for group in box.children
                    if isinstance(group, boxes.TableRowGroupBox) and group.element_tag == "tbody"
                    for row in group.children
                ]
                per_page = counts.setdefault(index, {})
                per_page[number] = per_page.get(number, 0) + len(body)
                if body and index not in widths:
                    widths[index] = tuple(box.column_widths)
                    last = max(row.position_y + row.margin_height() for row in body)
                    room[index] = foot - last
                elif body:
                    later.setdefault(index, []).extend(row.margin_height() for row in body)
                continue
            if isinstance(box, boxes.ParentBox):
                stack.extend(box.children)
    found = {}
    for table, per_page in counts.items():
        laid = [per_page[n] for n in sorted(per_page) if per_page[n]]
        if len(laid) > 1:
            spare, free = 0, room.get(table, 0.0) - _SLACK_PT
            for height in later.get(table, []):
                if height > free:
                    break
                spare, free = spare + 1, free - height
            found[table] = Broken(laid[0], sum(laid), widths[table], spare)
    return found


def _with_class(start: str, extra: str) -> str:
    """A start tag with classes added."""
    found = _CLASS.search(start)
    if found is None:
        return start[:-1] + f' class="{extra}">'
    return start[: found.start(1)] + f"{extra} {found[1]}" + start[found.end(1) :]


def _split(table: str, broken: Broken, label: str) -> str:
    """One table's HTML as its two parts (unchanged when it is not a plain table)."""
    if table.count("<table") != 1 or "rowspan=" in table:
        # A table in a table, or a cell spanning rows that a cut could leave behind (the
        # cells below it would move left): left to WeasyPrint.
        return table
    body = _TBODY.search(table)
    if body is None or len(_TBODY.findall(table)) != 1:
        return table
    rows = _ROW.findall(body[1])
    if len(rows) != broken.rows or not 0 < broken.first < len(rows):
        return table  # not the table the layout saw
    # A row or two alone on the last page: rows of the first page go with them.
    first = min(broken.first + broken.spare, max(MIN_ROWS, len(rows) - MIN_ROWS))
    head = _THEAD.search(table)
    foot = _TFOOT.search(table)
    caption = _CAPTION.search(table)
    start = table[: table.index(">") + 1]
    columns = ""
    if "<col" not in table and broken.widths:
        # As shares of the table's width: the parts fill the same width, column for column.
        whole = sum(broken.widths) or 1.0
        columns = "".join(f'<col style="width: {100 * w / whole:.4f}%">' for w in broken.widths)
        columns = f"<colgroup>{columns}</colgroup>"
        start = _with_class(start, SPLIT)
    later = _with_class(_ATTRIBUTE_ID.sub("", start), CONTINUED)
    words = _LABEL.sub("", _ATTRIBUTE_ID.sub("", caption[1])) + " " if caption else ""
    span = max(1, len(broken.widths))
    title = (
        f'<tr class="rb-cont-row"><th colspan="{span}">'
        f'{words}<span class="rb-cont">{label}</span></th></tr>'
    )
    head_rows = head[1] if head else ""
    total = f'<tbody class="rb-total">{foot[1]}</tbody>' if foot else ""
    opening = (
        f"{start}{caption[0] if caption else ''}{columns}{head[0] if head else ''}"
        f"<tbody>{''.join(rows[:first])}</tbody></table>"
    )
    continued = (
        f"{later}{columns}<thead>{title}{head_rows}</thead>"
        f"<tbody>{''.join(rows[first:])}</tbody>{total}</table>"
    )
    return opening + continued


def continued_tables(text: str, broken: Mapping[int, Broken], label: str) -> str:
    """`text` with each table of `broken` (by index) cut into its two parts."""
    if not broken:
        return text
    positions = table_positions(text)
    out: list[str] = []
    last = 0
    for index, start in enumerate(positions):
        if index not in broken or start < last:
            continue
        end = text.find("</table>", start)
        if end < 0:
            break
        end += len("</table>")
        out.append(text[last:start])
        out.append(_split(text[start:end], broken[index], label))
        last = end
    out.append(text[last:])
    return "".join(out)
