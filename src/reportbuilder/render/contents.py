"""A contents that runs a few lines onto a page of its own is set tighter so that it does not.

A last contents page holding two or three entries looks like a mistake, and with `--print`
it costs a blank page too (the first chapter must start on a right-hand page). After the
first layout `stub_fraction` measures how much of its page the contents' last page uses; if
the contents spans pages and that is a stub (at most `STUB` of the page), the HTML is laid
out again with the `toc-tight` class on the contents (the theme's narrower spacing between
entries, about a fifth less height), which takes back a stub of up to a fifth of a page
for every page the contents fills. A template without `<nav class="toc` is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

STUB = 0.2  # of the page's text block: about eight entries
TIGHT = "toc-tight"
_NAV = re.compile(r'<nav class="toc(?=[ "])')


def stub_fraction(pages: Sequence[Any]) -> float | None:
    """How much of its page's text block the contents' last page uses, when the contents
    spans more than one page; None when it fits on one (or there is none)."""
    spans: list[tuple[float, float, float]] = []  # (used to, page top, page height) a page
    for page in pages:
        box = _contents_box(page._page_box)
        if box is not None:
            page_box = page._page_box
            top = page_box.content_box_y()
            spans.append((box.position_y + box.margin_height() - top, top, page_box.height))
    if len(spans) < 2:
        return None
    used, _, height = spans[-1]
    return max(used, 0.0) / height if height else None


def pages_of(pages: Sequence[Any]) -> int:
    """How many pages hold part of the contents."""
    return sum(1 for page in pages if _contents_box(page._page_box) is not None)


def _contents_box(root: Any) -> Any:
    """The contents' box (`<nav class="toc">`) on a page, if the page has part of it."""
    stack = [root]
    while stack:
        box = stack.pop()
        if box.element_tag == "nav" and "toc" in (box.element.get("class") or "").split():
            return box
        stack.extend(getattr(box, "children", ()))
    return None


def tightened(text: str) -> str | None:
    """`text` with the contents marked to be set tighter; None if it has no such contents."""
    new = _NAV.sub(f'<nav class="toc {TIGHT}', text, count=1)
    return new if new != text else None
