"""Assembling a personalised copy: the body laid out once, its cover page(s) laid out per row.

The body is a whole document laid out for one requester; a row's copy is that document with
its first pages drawn from the row's own cover document. The page objects stay the body's,
so every link, named destination, outline entry and structure element that points at a page
keeps pointing at it; only what the page draws (its content stream and the fonts and images
it uses) comes from the row's cover. That is exact when the two covers carry the same marked
content, tag for tag and in the same order, since the structure tree refers to a page's
content by those marked-content ids: `swap_cover` checks it, with the covers' links, and
gives None when they differ (a name long enough to need a second line), for the caller to
build that row in full.
"""

from __future__ import annotations

import io
from typing import Any

MarkedContent = list[tuple[str, int | None]]


def marked_content(page: Any) -> MarkedContent:
    """The tags and marked-content ids a pikepdf page draws, in order."""
    import pikepdf

    found: MarkedContent = []
    for instruction in pikepdf.parse_content_stream(page, "BDC BMC"):
        operands = instruction.operands
        tag = str(operands[0])
        props = operands[1] if len(operands) > 1 else None
        mcid = None
        if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
            mcid = int(props.MCID)
        found.append((tag, mcid))
    return found


def _links(page: Any) -> list[tuple[tuple[float, ...], str]]:
    """A page's annotations as (rectangle, target), rounded, to compare two covers."""
    found = []
    for annot in page.obj.get("/Annots", []):
        rect = tuple(round(float(v), 1) for v in annot.get("/Rect", []))
        action = annot.get("/A")
        target = str(action.get("/URI", "")) if action is not None else ""
        found.append((rect, target + str(annot.get("/Dest", ""))))
    return found


def swap_cover(body: bytes, cover: bytes) -> bytes | None:
    """`body` with its first pages drawn as `cover`'s pages, or None when the covers are not
    tagged alike (or `cover` is not shorter than `body`)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(body)) as whole, pikepdf.open(io.BytesIO(cover)) as own:
        count = len(own.pages)
        if count == 0 or count >= len(whole.pages):
            return None
        pairs = list(zip(whole.pages[:count], own.pages, strict=True))
        for kept, drawn in pairs:
            if marked_content(kept) != marked_content(drawn) or _links(kept) != _links(drawn):
                return None
            if kept.mediabox != drawn.mediabox:
                return None
        for kept, drawn in pairs:
            kept.obj.Contents = whole.copy_foreign(drawn.obj.Contents)
            kept.obj.Resources = whole.copy_foreign(drawn.obj.Resources)
            if "/Group" in drawn.obj:
                kept.obj.Group = whole.copy_foreign(drawn.obj.Group)
        out = io.BytesIO()
        whole.save(out, deterministic_id=True)
        return out.getvalue()
