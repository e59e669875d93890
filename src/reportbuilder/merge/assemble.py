"""Assembling a personalised copy: the body laid out once, its cover page(s) laid out per row.

The body is a whole document laid out for one requester; a row's copy is that document with
its first pages drawn from the row's own cover document. The page objects stay the body's,
so every link, named destination, outline entry and structure element that points at a page
keeps pointing at it; only what the page draws (its content stream and the fonts and images
it uses) comes from the row's cover. That is exact when the two covers carry the same marked
content, tag for tag and in the same order, since the structure tree refers to a page's
content by those marked-content ids: `swap_cover` checks it, with the covers' links, and
gives None when they differ (a name long enough to need a second line). The caller then
builds that row in full and keeps the result as the body for covers tagged like it
(`signature`), so a few whole layouts serve every length of line. The fonts of the two
renders are then merged (`render.fontmerge`), so that a copy weighs what a full build does.
"""

from __future__ import annotations

import io
from typing import Any

from reportbuilder.render.fontmerge import merge_fonts_in

MarkedContent = list[tuple[str, int | None]]
Signature = tuple[Any, ...]


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


def _page_signature(page: Any) -> Signature:
    return (tuple(marked_content(page)), tuple(_links(page)), tuple(page.mediabox))


def signature(data: bytes, pages: int | None = None) -> Signature:
    """How the first `pages` pages (all when None) of a PDF are tagged and linked: two
    documents with the same signature can swap those pages."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        count = len(pdf.pages) if pages is None else min(pages, len(pdf.pages))
        return tuple(_page_signature(page) for page in pdf.pages[:count])


def swap_cover(body: bytes, cover: bytes, *, checked: bool = False) -> bytes | None:
    """`body` with its first pages drawn as `cover`'s pages, or None when the covers are not
    tagged alike (or `cover` is not shorter than `body`). `checked`: the caller has compared
    their `signature`s already (each page's content is then not parsed again)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(body)) as whole, pikepdf.open(io.BytesIO(cover)) as own:
        count = len(own.pages)
        if count == 0 or count >= len(whole.pages):
            return None
        pairs = list(zip(whole.pages[:count], own.pages, strict=True))
        for kept, drawn in pairs if not checked else ():
            if _page_signature(kept) != _page_signature(drawn):
                return None
        for kept, drawn in pairs:
            kept.obj.Contents = whole.copy_foreign(drawn.obj.Contents)
            kept.obj.Resources = whole.copy_foreign(drawn.obj.Resources)
            if "/Group" in drawn.obj:
                kept.obj.Group = whole.copy_foreign(drawn.obj.Group)
        # The cover's fonts are subsets of the body's fonts: one program per font, not two.
        merge_fonts_in(whole)
        out = io.BytesIO()
        # The body's streams are written as they are (WeasyPrint compressed them): decoding
        # and compressing them again would double the cost of the save. A cover laid out
        # uncompressed has what the copy keeps of it compressed here, once.
        whole.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
        return out.getvalue()
