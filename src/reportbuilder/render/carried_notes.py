"""Footnotes carried to the next page kept when WeasyPrint lays a page out again.

WeasyPrint 70 sets the notes that do not fit at a page's foot on the next page: the list of
those notes (`LayoutContext.reported_footnotes`) goes from one page's layout to the next. A
`target-counter()` (a `ref()`: "table 1, page 5") that points forward is resolved only once
its target is laid out, so the document is paginated again (`layout.layout_document`), and
`layout.page.make_all_pages` lays out again only the pages whose content changed, reusing
the others. That list is not part of the state a page is remade from (`context.page_maker`):

- a page remade after a reused page starts with no carried notes (the list was cleared at the
  end of the previous pagination), so the notes the reused page carried to it are set on no
  page at all;
- after a reused last page that carried notes, the pagination stops there (a reused page
  counts as carrying none), so the page of notes after it is dropped.

Either way a note is lost with no word from WeasyPrint (`render.footnotes` then refuses the
report, "lost after the last page"), while the same chapter laid out without the `ref()` —
one pagination — keeps it. `make_all_pages` is replaced by WeasyPrint 70's own with the
carried notes kept per page: a page is remade with the notes its previous page carried, a
reused page carries what it carried when it was made, and a page whose carried-in notes
changed is remade. Nothing else differs, so a report without carried notes is laid out as
before.

`layout_document` calls the function by its module-level name in `weasyprint.layout`; that
name is replaced once a process (`render.engine.import_weasyprint`). The version is pinned
(`<71`); with any other version, or if the name is no longer WeasyPrint's own function,
nothing is changed (and `render.footnotes` still refuses a lost note).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

_INSTALLED = "_reportbuilder_carried_notes"
# On the layout context: page index → the notes that page carried to the next one.
_CARRIED = "_reportbuilder_carried"


def install() -> bool:
    """Replace WeasyPrint's `make_all_pages` (once a process); whether the fix is active."""
    import weasyprint
    from weasyprint import layout
    from weasyprint.layout import page

    current = layout.make_all_pages
    if getattr(current, _INSTALLED, False):
        return True
    if not weasyprint.__version__.startswith("70.") or current is not page.make_all_pages:
        return False
    setattr(make_all_pages, _INSTALLED, True)
    layout.make_all_pages = make_all_pages
    return True


def make_all_pages(context: Any, root_box: Any, html: Any, pages: Sequence[Any]) -> Iterator[Any]:
    """The laid-out pages, as WeasyPrint 70's `layout.page.make_all_pages` (re-making only the
    pages that changed), with each page's carried notes kept across paginations."""
    from weasyprint.layout.page import remake_page
    from weasyprint.logger import PROGRESS_LOGGER

    carried: dict[int, list[Any]] = context.__dict__.setdefault(_CARRIED, {})
    i = 0
    reported_footnotes: list[Any] | None = None
    context.rendered_notes = []
    while True:
        remake_state = context.page_maker[i][-1]
        if (
            len(pages) == 0
            or i >= len(pages)
            or remake_state["content_changed"]
            or remake_state["pages_wanted"]
        ):
            PROGRESS_LOGGER.info("Step 5 - Creating layout - Page %d", i + 1)
            remake_state["content_changed"] = False
            remake_state["pages_wanted"] = False
            remake_state["anchors"] = []
            remake_state["content_lookups"] = []
            # The notes the previous page carried, whether it was remade or reused.
            context.reported_footnotes = list(carried.get(i - 1, ())) if i else []
            page, resume_at = remake_page(i, context, root_box, html)
            reported_footnotes = context.reported_footnotes
            before = carried.get(i)
            carried[i] = list(reported_footnotes)
            going_on = resume_at is not None or bool(reported_footnotes)
            if (
                before is not None
                and _ids(before) != _ids(reported_footnotes)
                and going_on
                and i + 1 < len(context.page_maker)
            ):
                # The next page starts with other notes than when it was made.
                context.page_maker[i + 1][-1]["content_changed"] = True
            yield page
        else:
            PROGRESS_LOGGER.info("Step 5 - Creating layout - Page %d (up-to-date)", i + 1)
            resume_at = context.page_maker[i + 1][0]
            reported_footnotes = carried.get(i)
            yield pages[i]

        i += 1
        if resume_at is None and not reported_footnotes:
            # Throw away obsolete pages and content
            context.page_maker = context.page_maker[: i + 1]
            context.broken_out_of_flow.clear()
            context.reported_footnotes.clear()
            for index in [index for index in carried if index >= i]:
                del carried[index]
            return


def _ids(notes: Sequence[Any]) -> list[int]:
    return [id(note) for note in notes]
