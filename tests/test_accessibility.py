"""The tagged example PDF read back as a screen reader would meet it: language and title,
headings in order, figures with alt text, table cells tied to their headers, the contents
as a list of links, running headers and page numbers as artifacts."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject

from conftest import ExampleBuild

pytestmark = pytest.mark.pdf


def _elements(
    node: Any, parents: tuple[str, ...] = ()
) -> Iterator[tuple[DictionaryObject, tuple[str, ...]]]:
    """Every structure element, in reading order, with the roles of its ancestors."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, ArrayObject):
        for child in node:
            yield from _elements(child, parents)
        return
    if not isinstance(node, DictionaryObject) or "/S" not in node:
        return
    yield node, parents
    if "/K" in node:
        yield from _elements(node["/K"], (*parents, str(node["/S"])))


def _tree(reader: pypdf.PdfReader) -> list[tuple[DictionaryObject, tuple[str, ...]]]:
    return list(_elements(reader.root_object["/StructTreeRoot"].get_object()["/K"]))


def test_language_and_title_shown_by_the_viewer(example_build: ExampleBuild) -> None:
    root = example_build.reader.root_object
    assert root["/Lang"] == "fr"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert example_build.reader.metadata.title == "La traite des personnes au Chili"


def test_headings_come_in_order_without_skipped_levels(example_build: ExampleBuild) -> None:
    levels = [
        int(str(e["/S"])[2:])
        for e, _ in _tree(example_build.reader)
        if re.fullmatch(r"/H\d", str(e["/S"]))
    ]
    assert levels[0] == 1 and len(levels) > 8
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_every_figure_has_alt_text(example_build: ExampleBuild) -> None:
    figures = [e for e, _ in _tree(example_build.reader) if e["/S"] == "/Figure"]
    assert len(figures) >= 3  # the logo and the charts
    for figure in figures:
        assert str(figure.get("/Alt", "")).strip(), figure
    alts = " | ".join(str(f["/Alt"]) for f in figures)
    assert "Adultes: 89\u00a0%" in alts and "Mineures: 11\u00a0%" in alts


def test_table_cells_are_tied_to_their_header_cells(example_build: ExampleBuild) -> None:
    tree = _tree(example_build.reader)
    headers = {str(e["/ID"]) for e, _ in tree if e["/S"] == "/TH"}
    assert headers
    cells = [e for e, parents in tree if e["/S"] == "/TD" and "/TBody" in parents]
    assert cells
    for cell in cells:
        named = [str(x) for x in cell["/A"]["/Headers"]]
        assert named and set(named) <= headers, cell


def test_the_contents_are_a_list_of_links(example_build: ExampleBuild) -> None:
    tree = _tree(example_build.reader)
    links_in_lists = [e for e, parents in tree if e["/S"] == "/Link" and "/LI" in parents]
    assert len(links_in_lists) >= 5
    pages = example_build.reader.pages
    assert any(
        "/Annots" in page
        and any(a.get_object().get("/Subtype") == "/Link" for a in page["/Annots"])
        for page in pages[1:3]
    )


def _reachable_mcids(reader: pypdf.PdfReader) -> set[tuple[int, int]]:
    """(page index, marked-content id) of every piece of content the structure tree reaches:
    what a screen reader reads."""
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    found: set[tuple[int, int]] = set()

    def walk(node: Any, page: int | None) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child, page)
        elif isinstance(node, DictionaryObject):
            if "/Pg" in node:
                page = pages.get(node.raw_get("/Pg").idnum, page)
            if "/MCID" in node and page is not None:
                found.add((page, int(node["/MCID"])))
            if "/K" in node:
                walk(node["/K"], page)
        elif isinstance(node, int) and page is not None:
            found.add((page, node))

    walk(reader.root_object["/StructTreeRoot"].get_object()["/K"], None)
    return found


def _text_objects(path: Path, index: int) -> list[tuple[int, str, float]]:
    """(marked-content id, text, height of its middle as a share of the page's, from the
    bottom) of each text object on a page, read with PDFium."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    document = pypdfium2.PdfDocument(path)
    page = document[index]
    textpage = page.get_textpage()
    found = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=8):
        size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
        buffer = (ctypes.c_ushort * max(size, 1))()
        raw.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
        text = bytes(buffer)[: 2 * size].decode("utf-16-le").rstrip("\x00")
        bottom, top = obj.get_bounds()[1], obj.get_bounds()[3]
        middle = (bottom + top) / 2 / page.get_height()
        found.append((raw.FPDFPageObj_GetMarkedContentID(obj.raw), text, middle))
    textpage.close()
    page.close()
    document.close()
    return found


def test_running_headers_and_page_numbers_are_out_of_the_reading(
    example_build: ExampleBuild,
) -> None:
    # WeasyPrint 70 marks margin boxes as content the structure tree never reaches (PDF 1.7
    # cannot tag them /Artifact in the tree): a screen reader reads the page, not "Page 3 sur 8".
    reachable = _reachable_mcids(example_build.reader)
    for index in range(2, len(example_build.reader.pages)):
        objects = _text_objects(example_build.pdf, index)
        footer = [mcid for mcid, text, _ in objects if text == f"Page {index + 1} sur 8"]
        assert footer, objects
        assert all((index, mcid) not in reachable for mcid in footer)
        # Everything else left out of the reading is in the page's margins.
        skipped = [(t, y) for mcid, t, y in objects if (index, mcid) not in reachable]
        assert all(y < 0.1 or y > 0.9 for _, y in skipped), skipped
        assert sum((index, mcid) in reachable for mcid, _, _ in objects) >= 3


def test_header_cells_have_a_scope(example_build: ExampleBuild) -> None:
    headers = [e for e, _ in _tree(example_build.reader) if e["/S"] == "/TH"]
    assert headers
    assert {str(e["/A"]["/Scope"]) for e in headers} == {"/Column"}
