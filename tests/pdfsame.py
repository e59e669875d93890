"""What two PDFs of the same report must share to be "the same document" for a reader: pages,
text of every page, links (destination page and position), outline, metadata, structure
tree (element types in order). Used to compare a build laid out by parts with a whole one."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pikepdf


def page_texts(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def _dest(pdf: Any, dest: Any, names: dict[str, Any]) -> tuple[Any, ...]:
    if isinstance(dest, pikepdf.String):
        dest = names[str(dest)]
    page = next(i for i, p in enumerate(pdf.pages) if p.obj.objgen == dest[0].objgen)
    return (page, *(round(float(v), 1) for v in list(dest)[2:4]))


def _names(pdf: Any) -> dict[str, Any]:
    flat = list(pdf.Root.Names.Dests.Names) if "/Names" in pdf.Root else []
    return {str(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}


def links(pdf: Any) -> list[tuple[Any, ...]]:
    names = _names(pdf)
    found = []
    for index, page in enumerate(pdf.pages):
        for annot in page.obj.get("/Annots", []):
            rect = tuple(round(float(v), 1) for v in annot.Rect)
            if "/Dest" in annot:
                found.append((index, rect, _dest(pdf, annot.Dest, names)))
            else:
                found.append((index, rect, str(annot.A.URI)))
    return found


def outline(pdf: Any) -> list[tuple[int, str, Any]]:
    found: list[tuple[int, str, Any]] = []
    names = _names(pdf)

    def walk(items: Any, depth: int) -> None:
        for item in items:
            found.append((depth, item.title, _dest(pdf, item.destination, names)))
            walk(item.children, depth + 1)

    with pdf.open_outline() as tree:
        walk(tree.root, 0)
    return found


def structure(pdf: Any) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    stack = [(pdf.Root.StructTreeRoot.K[0], 0)]
    while stack:
        element, depth = stack.pop()
        found.append((depth, str(element.S)))
        kids = element.get("/K")
        if kids is None:
            continue
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in reversed(kids):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append((kid, depth + 1))
    return found


def parent_tree_ok(pdf: Any) -> bool:
    """Every page's and annotation's key leads back to elements that point at that page."""
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        for element in tree[int(page.obj.StructParents)]:
            if element.is_indirect and "/Pg" in element and element.Pg.objgen != page.obj.objgen:
                return False
        for annot in page.obj.get("/Annots", []):
            if "/StructParent" in annot and int(annot.StructParent) not in tree:
                return False
    following = pdf.Root.StructTreeRoot.get("/ParentTreeNextKey")
    return following is None or int(following) == max(tree) + 1


def header_ids_ok(pdf: Any) -> bool:
    """Table header ids are unique, and every cell's /Headers names one of them."""
    ids: list[str] = []
    headers: set[str] = set()
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem":
            if "/ID" in obj:
                ids.append(str(obj.ID))
            attributes = obj.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                headers.update(str(h) for h in attributes.Headers)
    return len(ids) == len(set(ids)) and headers <= set(ids) and bool(ids)


def summary(path: Path) -> dict[str, Any]:
    with pikepdf.open(path) as pdf:
        info = {k: str(v) for k, v in pdf.docinfo.items()}
        return {
            "pages": len(pdf.pages),
            "text": page_texts(path),
            "links": links(pdf),
            "outline": outline(pdf),
            "info": info,
            "lang": str(pdf.Root.get("/Lang")),
            "structure": structure(pdf),
            "parent_tree_ok": parent_tree_ok(pdf),
            "header_ids_ok": header_ids_ok(pdf),
        }
