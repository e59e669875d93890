"""Laying out one part of a report on its own: anchors that live in other parts.

Inside the render process only. A part (a chapter, the contents …) links to and prints the
page numbers of headings, figures and tables of other parts. WeasyPrint 70 would drop such a
link ("No anchor #x") and leave `target-counter()` empty. Within `foreign_anchors(pages)`,
every name of `pages` is an anchor WeasyPrint knows: `target-counter(…, page)` gives the page
number the page map says, and a link to it is kept (a `/Dest` by name, resolved when the parts
are assembled, see `render.assembly`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any


class _Target:
    """Stands for the box of an anchor laid out in another part: only its page counter."""

    def __init__(self, page: int) -> None:
        self.cached_counter_values = {"page": [page]}


@contextlib.contextmanager
def foreign_anchors(pages: Mapping[str, int]) -> Iterator[None]:
    """Within the block, the anchors of `pages` (name → page number) are known to WeasyPrint."""
    if not pages:
        yield
        return
    import weasyprint.pdf
    from weasyprint.css import targets
    from weasyprint.logger import LOGGER

    collector_init = targets.TargetCollector.__init__
    resolve_links = weasyprint.pdf.resolve_links

    def init(self: Any) -> None:
        collector_init(self)
        for name, page in pages.items():
            item = targets.TargetLookupItem("up-to-date")
            item.target_box = _Target(page)
            self.target_lookup_items[name] = item

    def resolve(document_pages: list[Any]) -> Iterator[tuple[list[Any], list[Any]]]:
        """WeasyPrint's `resolve_links`, with the other parts' anchors counted as known."""
        anchors: set[str] = set()
        paged: list[list[tuple[str, float, float]]] = []
        for page in document_pages:
            paged.append([])
            for name, (x, y, _, _) in page.anchors.items():
                if name not in anchors:
                    paged[-1].append((name, x, y))
                    anchors.add(name)
        for page in document_pages:
            links = []
            for link in page.links:
                kind, name, _, _ = link
                if kind == "internal" and name not in anchors and name not in pages:
                    LOGGER.error("No anchor #%s for internal URI reference", name)
                else:
                    links.append(link)
            yield links, paged.pop(0)

    targets.TargetCollector.__init__ = init
    weasyprint.pdf.resolve_links = resolve
    try:
        yield
    finally:
        targets.TargetCollector.__init__ = collector_init
        weasyprint.pdf.resolve_links = resolve_links


def page_map(document: Any) -> tuple[dict[str, int], tuple[tuple[Any, ...], ...]]:
    """A laid-out document's anchors (name → 0-based page index, the first one kept) and
    bookmarks, each `(level, label, page index, x, y, state)` in PDF points from the bottom
    left, as WeasyPrint writes its outline (`make_bookmark_tree(0.75, transform_pages=True)`)."""
    anchors: dict[str, int] = {}
    marks = []
    scale = 0.75
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
        for level, label, (x, y), state in page.bookmarks:
            marks.append((level, label, index, x * scale, (page.height - y) * scale, state))
    return anchors, tuple(marks)


def page_names(document: Any) -> tuple[str, ...]:
    """Each page's name (`page: body` in CSS, "" for none), as WeasyPrint chose its @page
    rules: a stamp of the page's footer is laid out on a page of the same name."""
    return tuple(str(page._page_box.page_type.name or "") for page in document.pages)
