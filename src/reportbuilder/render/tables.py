"""Tables that run over several pages, cut where the layout broke them, so that each page's
part repeats the caption with "(continued)" above the repeated header.

WeasyPrint repeats a table's header on every page but not its caption. After a first layout
`page_rows` says which body rows of each table landed on which page; `continued_tables`
rewrites the HTML so that every page's part is a table of its own: the same header, the
caption followed by the language's "(continued)", and a page break before it. A continued
part holds one row less than the layout put on its page, the room its caption takes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from reportbuilder.render.overflow import table_positions

CONTINUED = "rb-continued"
_ROW = re.compile(r"<tr\b.*?</tr>", re.DOTALL)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL)
_THEAD = re.compile(r"<thead\b.*?</thead>", re.DOTALL)
_TFOOT = re.compile(r"<tfoot\b.*?</tfoot>", re.DOTALL)
_TBODY = re.compile(r"<tbody\b[^>]*>(.*?)</tbody>", re.DOTALL)
_ATTRIBUTE_ID = re.compile(r'\s(?:id|data-id)="[^"]*"')


def page_rows(pages: Sequence[Any]) -> dict[int, list[int]]:
    """For each table (by document order) that spans pages: how many body rows each page has."""
    from weasyprint.formatting_structure import boxes

    counts: dict[int, dict[int, int]] = {}
    tables: dict[int, int] = {}
    for number, page in enumerate(pages):
        stack = list(page._page_box.children)
        while stack:
            box = stack.pop()
            if box.element_tag == "html" and not tables and box.element is not None:
                tables = {id(t): i for i, t in enumerate(box.element.iter("table"))}
            if isinstance(box, boxes.TableBox) and id(box.element) in tables:
                rows = sum(
                    len(group.children)
                    for group in box.children
                    if isinstance(group, boxes.TableRowGroupBox) and group.element_tag == "tbody"
                )
                per_page = counts.setdefault(tables[id(box.element)], {})
                per_page[number] = per_page.get(number, 0) + rows
                continue
            if isinstance(box, boxes.ParentBox):
                stack.extend(box.children)
    return {
        table: [per_page[n] for n in sorted(per_page) if per_page[n]]
        for table, per_page in counts.items()
        if len([n for n in per_page if per_page[n]]) > 1
    }


def _chunks(rows: int, per_page: list[int]) -> list[int]:
    """Row counts of the parts: the first as laid out, the others one row less (the caption
    takes its room), and as many more parts as the rows left need."""
    sizes = [per_page[0]]
    left = rows - per_page[0]
    capacities = [max(1, n - 1) for n in per_page[1:]] or [max(1, per_page[0])]
    index = 0
    while left > 0:
        size = min(left, capacities[min(index, len(capacities) - 1)])
        sizes.append(size)
        left -= size
        index += 1
    return sizes


def _split(table: str, per_page: list[int], label: str) -> str:
    """One table's HTML as its parts (unchanged when it is not a plain captioned table)."""
    if table.count("<table") != 1:
        return table  # a table in a table: left to WeasyPrint
    body = _TBODY.search(table)
    if body is None:
        return table
    rows = _ROW.findall(body[1])
    if len(rows) < 2 or sum(per_page) != len(rows):
        return table
    head = _THEAD.search(table)
    foot = _TFOOT.search(table)
    caption = _CAPTION.search(table)
    start = table[: table.index(">") + 1]
    start_continued = _ATTRIBUTE_ID.sub("", start)
    if 'class="' in start_continued:
        start_continued = start_continued.replace('class="', f'class="{CONTINUED} ', 1)
    else:
        start_continued = start_continued[:-1] + f' class="{CONTINUED}">'
    caption_continued = ""
    if caption is not None:
        inner = _ATTRIBUTE_ID.sub("", caption[1])
        caption_continued = f'<caption>{inner} <span class="rb-cont">{label}</span></caption>'
    else:
        caption_continued = f'<caption><span class="rb-cont">{label}</span></caption>'
    parts = []
    at = 0
    sizes = _chunks(len(rows), per_page)
    for index, size in enumerate(sizes):
        chunk = "".join(rows[at : at + size])
        at += size
        last = index == len(sizes) - 1
        tail = (foot[0] if foot else "") if last else ""
        if index == 0:
            opening = start + (caption[0] if caption else "")
        else:
            opening = start_continued + caption_continued
        parts.append(f"{opening}{head[0] if head else ''}<tbody>{chunk}</tbody>{tail}</table>")
    return "".join(parts)


def continued_tables(text: str, split: Mapping[int, list[int]], label: str) -> str:
    """`text` with each table of `split` (index → rows per page) cut into its page parts."""
    if not split:
        return text
    positions = table_positions(text)
    out: list[str] = []
    last = 0
    for index, start in enumerate(positions):
        if index not in split or start < last:
            continue
        end = text.find("</table>", start)
        if end < 0:
            break
        end += len("</table>")
        out.append(text[last:start])
        out.append(_split(text[start:end], split[index], label))
        last = end
    out.append(text[last:])
    return "".join(out)
