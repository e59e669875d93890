"""A personalised copy assembled from the body laid out once equals a full build for its row:
page count, the text of every page, link destinations, outline and tag structure."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdf
import pytest

from reportbuilder import Edition, PdfRenderer, load_project, render_html
from reportbuilder.merge.assemble import swap_cover
from reportbuilder.render.renderer import RenderJob

pytestmark = pytest.mark.pdf

ANA = {"name": "Ana Pérez", "organisation": "Fundación Sol", "date": "1 décembre 2026"}
ZOE = {
    "name": "Zoë Łukasiewicz-Ñúñez",
    "organisation": "Ministère",
    "date": "8 décembre 2026",
    "reference": "Q-77",
}


def links(reader: pypdf.PdfReader) -> list[tuple[int, Any, Any, str | None]]:
    """Every link: its page, rectangle, destination page (or URI)."""
    named = {
        name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()
    }
    found = []
    for number, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            rect = [round(float(v), 1) for v in annot["/Rect"]]
            dest = annot.get("/Dest")
            action = annot.get("/A")
            uri = str(action.get("/URI")) if action is not None else None
            found.append((number, rect, named.get(str(dest)) if dest is not None else None, uri))
    return found


def outline(reader: pypdf.PdfReader, items: Any = None) -> list[Any]:
    out: list[Any] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out.append(outline(reader, item))
        else:
            out.append((item.title, reader.get_destination_page_number(item)))
    return out


def tags(reader: pypdf.PdfReader) -> list[Any]:
    """The structure tree walked in order: type, page, marked-content ids, alt text."""
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}

    def walk(node: Any, page: int | None) -> list[Any]:
        node = node.get_object()
        if isinstance(node, int):
            return [("mcid", page, node)]
        if isinstance(node, list):
            return [x for child in node for x in walk(child, page)]
        if not isinstance(node, dict):
            return []
        if "/Pg" in node:
            page = pages.get(node.raw_get("/Pg").idnum)
        if node.get("/Type") == "/MCR":
            return [("mcid", page, int(node["/MCID"]))]
        here = [(str(node.get("/S")), page, str(node.get("/Alt", "")))] if "/S" in node else []
        kids = node.get("/K")
        return here + (walk(kids, page) if kids is not None else [])

    return walk(reader.trailer["/Root"]["/StructTreeRoot"], None)


def tagged_lines(data: bytes) -> list[tuple[str | None, str]]:
    """The first page's text runs, each with the marked content it is drawn in: the
    structure element type (through the page's ParentTree) or the tag (`/Artifact`)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        elements = dict(zip(nums[::2], nums[1::2], strict=True))[int(page.StructParents)]
        kinds = {n: (str(e.S), str(e.P.S)) for n, e in enumerate(elements)}
    stack: list[str] = []
    found: list[tuple[str | None, str]] = []

    def before(op: bytes, args: Any, cm: Any, tm: Any) -> None:
        if op in (b"BDC", b"BMC"):
            props = args[1] if op == b"BDC" else None
            mcid = props.get("/MCID") if hasattr(props, "get") else None
            stack.append("/".join(kinds[int(mcid)]) if mcid is not None else str(args[0]))
        elif op == b"EMC" and stack:
            stack.pop()

    def text(chunk: str, *_: Any) -> None:
        if chunk.strip():
            found.append((stack[-1] if stack else None, chunk))

    reader(data).pages[0].extract_text(visitor_operand_before=before, visitor_text=text)
    return found


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def test_assembled_copy_equals_a_full_build(example_project: Path) -> None:
    project = load_project(example_project)
    with PdfRenderer() as renderer:
        body = renderer.render(render_html(project, Edition(personalisation=ANA)))
        full = renderer.render(render_html(project, Edition(personalisation=ZOE)))
        # As a merge lays covers out: the theme's stylesheets parsed by an earlier job (kept),
        # and uncompressed (the copy compresses what it keeps of the cover).
        first = render_html(project, Edition(personalisation=ANA), part="cover")
        renderer.render(replace(RenderJob.of(first), uncompressed=True))
        own = render_html(project, Edition(personalisation=ZOE), part="cover")
        cover = renderer.render(replace(RenderJob.of(own), uncompressed=True))
    assert cover.pages == 1
    assembled = swap_cover(body.data, cover.data)
    assert assembled is not None
    mine, theirs = reader(assembled), reader(full.data)
    assert len(mine.pages) == len(theirs.pages) == full.pages
    assert [p.extract_text() for p in mine.pages] == [p.extract_text() for p in theirs.pages]
    assert (
        "Exemplaire préparé pour Zoë Łukasiewicz-Ñúñez, Ministère, 8 décembre 2026, référence Q-77"
        in (mine.pages[0].extract_text())
    )
    assert "Ana" not in mine.pages[0].extract_text()
    found = links(mine)
    assert found == links(theirs) and len([f for f in found if f[2] is not None]) > 10
    assert outline(mine) == outline(theirs) and outline(mine)
    structure = tags(mine)
    assert structure == tags(theirs) and len(structure) > 100
    line = (
        "Exemplaire préparé pour Zoë Łukasiewicz-Ñúñez, Ministère, 8 décembre 2026, référence Q-77"
    )
    # Real tagged text, a paragraph's span in the structure tree, not an artifact.
    assert (("/Span//P", line)) in tagged_lines(assembled)
    assert mine.metadata == theirs.metadata
    assert mine.trailer["/Root"]["/Lang"] == theirs.trailer["/Root"]["/Lang"]
    # Every stream of the copy is compressed, and it weighs what a full build does.
    assert unfiltered_streams(assembled) == []
    assert len(assembled) < 1.1 * len(full.data)


def unfiltered_streams(data: bytes) -> list[tuple[str, int]]:
    """The streams of a PDF written without a filter (uncompressed), over 200 bytes."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            (str(obj.get("/Type", obj.get("/Subtype", ""))), len(obj.read_raw_bytes()))
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream)
            and "/Filter" not in obj
            and len(obj.read_raw_bytes()) > 200
        ]


def test_a_cover_tagged_otherwise_is_not_swapped(example_project: Path) -> None:
    """A name that needs a second line gives the cover more marked content: no swap."""
    project = load_project(example_project)
    long = {**ZOE, "organisation": "Organisation " * 12}
    with PdfRenderer() as renderer:
        body = renderer.render(render_html(project, Edition(personalisation=ANA)))
        cover = renderer.render(render_html(project, Edition(personalisation=long), part="cover"))
    assert swap_cover(body.data, cover.data) is None
    assert swap_cover(cover.data, cover.data) is None  # nothing left of a body
