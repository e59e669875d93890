"""Joining parts laid out apart (`render.parts`) into one PDF, as the whole document would be.

The first part's PDF is the base: its catalog (language, metadata, viewer preferences) and
document information stay. The other parts' pages are appended, and what WeasyPrint writes
once per document is made again over all pages: the named destinations internal links point
to, the outline (from every part's bookmarks, nested as WeasyPrint nests them), and one
structure tree (each part's elements under one Document element, the parent tree numbered
page by page, then annotation by annotation, as WeasyPrint numbers it). Table header ids,
made from object numbers, are prefixed with the part's number so they stay unique. The
parts' subsets of one font are merged into one program (`render.fontmerge`).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportbuilder.signed import SignedFolder


@dataclass(frozen=True)
class LaidOut:
    """One part's PDF and its bookmarks (`render.foreign.page_map`)."""

    data: bytes
    bookmarks: tuple[tuple[Any, ...], ...]
    tables: bool  # whether it has table headers whose ids need a prefix


def assemble(
    parts: Sequence[LaidOut],
    prefix: str = "p",
    fonts: SignedFolder | None = None,
    stamps: Sequence[bytes] = (),
) -> bytes:
    """The parts as one PDF. `prefix` starts the table header ids of parts after the first
    (parts assembled from parts take another one, so ids stay unique); `fonts` keeps the
    font programs read for the next build (`render.fontmerge`); `stamps`, when given, are
    laid over the pages (their footers, `render.stamp`)."""
    import pikepdf

    from reportbuilder.render.fontmerge import merge_fonts_in
    from reportbuilder.render.imagemerge import share_images
    from reportbuilder.render.stamp import overlay

    sources = [pikepdf.open(io.BytesIO(part.data)) for part in parts]
    try:
        out = sources[0]
        for number, (source, part) in enumerate(zip(sources, parts, strict=True)):
            if part.tables and number:
                _prefix_header_ids(source, f"{prefix}{number}-")
        counts = [len(source.pages) for source in sources]
        with warnings.catch_warnings():
            # The named destinations are made again below (`_destinations`).
            warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
            for source in sources[1:]:
                out.pages.extend(source.pages)
        _structure(out, sources, counts)
        _destinations(out, sources, counts)
        _outline(out, parts, counts)
        if stamps:
            overlay(out, stamps)
        _share_color_spaces(out)
        share_images(out)  # one copy of a picture several parts show
        merge_fonts_in(out, fonts)  # one program per font, not one per part
        buffer = io.BytesIO()
        # Streams as WeasyPrint compressed them: decoding and compressing again doubles the cost.
        # Object streams for all: the other parts' objects come in as plain objects.
        out.save(
            buffer,
            deterministic_id=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return buffer.getvalue()
    finally:
        for source in sources:
            source.close()


def _share_color_spaces(pdf: Any) -> None:
    """One copy of each colour space dictionary (WeasyPrint writes the same Lab spaces into
    every document's resources): the pages' and their forms' resources refer to it."""
    import pikepdf

    shared: dict[bytes, Any] = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        holders: list[Any] = [resources] if isinstance(resources, pikepdf.Dictionary) else []
        forms = resources.get("/XObject") if holders else None
        if isinstance(forms, pikepdf.Dictionary):
            holders += [f.Resources for _, f in forms.items() if "/Resources" in f]
        for holder in holders:
            spaces = holder.get("/ColorSpace")
            if not isinstance(spaces, pikepdf.Dictionary):
                continue
            key = spaces.unparse(resolved=True)
            if key not in shared:
                shared[key] = spaces if spaces.is_indirect else pdf.make_indirect(spaces)
            holder.ColorSpace = shared[key]


def _prefix_header_ids(pdf: Any, prefix: str) -> None:
    """Table header cells' `/ID`s and the `/Headers` that name them, made unique."""
    import pikepdf

    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/StructElem":
            continue
        if "/ID" in obj:
            obj.ID = pikepdf.String(prefix + str(obj.ID))
        attributes = obj.get("/A")
        if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
            attributes.Headers = pikepdf.Array(
                [pikepdf.String(prefix + str(h)) for h in attributes.Headers]
            )


def _page(out: Any, sources: Sequence[Any], counts: Sequence[int]) -> Any:
    """A function from (part number, page object of that part) to the page object in `out`."""
    by_part = []
    offset = 0
    for source, count in zip(sources, counts, strict=True):
        mapping = {}
        for index, page in enumerate(source.pages):
            mapping[page.obj.objgen] = out.pages[offset + index].obj
        by_part.append(mapping)
        offset += count

    def find(number: int, page: Any) -> Any:
        return by_part[number][page.objgen] if number else page

    return find


def _structure(out: Any, sources: Sequence[Any], counts: Sequence[int]) -> None:
    """One structure tree: every part's elements under the first part's Document element."""
    import pikepdf

    root = out.Root.StructTreeRoot
    document = root.K[0]
    kids = list(document.K)
    pages_nums: list[Any] = []
    annotation_nums: list[tuple[int, int, Any]] = []  # (part, old key, value)
    offset = 0
    for number, (source, count) in enumerate(zip(sources, counts, strict=True)):
        tree = source.Root.StructTreeRoot
        nums = list(tree.ParentTree.Nums)
        values = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        tops: list[Any] = []
        if number:
            part_document = tree.K[0]
            # Elements are copied without the link to the part's Document element (set to
            # ours after): through it, the part's own root, parent tree and namespaces would
            # come along, unused. Its children, and the elements of its margin boxes, which
            # WeasyPrint gives it as parent without listing them.
            tops = _cut_from(part_document, values.values())
            for kid in part_document.K:
                if "/P" in kid:
                    del kid["/P"]
                copied = out.copy_foreign(kid)
                copied.P = document
                kids.append(copied)
        for key in sorted(values):
            value = values[key]
            if number:
                value = (
                    pikepdf.Array([out.copy_foreign(v) for v in value])
                    if isinstance(value, pikepdf.Array)
                    else out.copy_foreign(value)
                )
            if key < count:
                pages_nums.append((offset + key, value))
            else:
                annotation_nums.append((number, key, value))
        for top in tops:
            out.copy_foreign(top).P = document  # the copy made above
        offset += count
    total = offset
    renumbered = {
        (number, key): total + index for index, (number, key, _) in enumerate(annotation_nums)
    }
    offset = 0
    for number, count in enumerate(counts):
        for index in range(count):
            page = out.pages[offset + index].obj
            page.StructParents = offset + index
            for annot in page.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = renumbered[(number, int(annot.StructParent))]
        offset += count
    flat: list[Any] = []
    for key, value in pages_nums:
        flat += [key, value]
    for (number, key, value), new in zip(annotation_nums, renumbered.values(), strict=True):
        del number, key
        flat += [new, value]
    document.K = pikepdf.Array(kids)
    root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(flat)))
    root.ParentTreeNextKey = total + len(annotation_nums)


def _cut_from(document: Any, values: Any) -> list[Any]:
    """The elements above the parent tree's `values` whose parent is `document` (not all
    are among its children: WeasyPrint gives the elements of margin boxes that parent
    without listing them), their link to it removed; they are returned to be linked again."""
    import pikepdf

    tops: dict[tuple[int, int], Any] = {}
    # Elements whose way up was walked already: the marked contents of one paragraph share
    # it, and walking it again for each cost more than the rest of the structure's merge.
    walked: set[tuple[int, int]] = set()
    for value in values:
        for element in value if isinstance(value, pikepdf.Array) else [value]:
            seen = 0
            while isinstance(element, pikepdf.Dictionary) and seen < 10_000:
                parent = element.get("/P")
                if parent is None or element.objgen in tops:
                    break
                if element.is_indirect:
                    if element.objgen in walked:
                        break
                    walked.add(element.objgen)
                if parent.objgen == document.objgen:
                    tops[element.objgen] = element
                    del element["/P"]
                    break
                element, seen = parent, seen + 1
    return list(tops.values())


def _destinations(out: Any, sources: Sequence[Any], counts: Sequence[int]) -> None:
    """The named destinations of every part, pointing at their pages in `out`."""
    import pikepdf

    find = _page(out, sources, counts)
    names: list[tuple[str, bytes, Any]] = []
    for number, source in enumerate(sources):
        holder = source.Root.get("/Names")
        dests = holder.get("/Dests") if holder is not None else None
        if dests is None:
            continue
        flat = list(dests.Names)
        for i in range(0, len(flat), 2):
            target = flat[i + 1]
            page = find(number, target[0])
            rest = [target[j] for j in range(1, len(target))]
            names.append((str(flat[i]), bytes(flat[i]), pikepdf.Array([page, *rest])))
    names.sort(key=lambda item: item[0])  # as WeasyPrint sorts them (readers search them)
    flat_out: list[Any] = []
    for _, name, target in names:
        flat_out += [pikepdf.String(name), target]
    if "/Names" not in out.Root:
        out.Root.Names = pikepdf.Dictionary()
    out.Root.Names.Dests = out.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(flat_out)))


def _outline(out: Any, parts: Sequence[LaidOut], counts: Sequence[int]) -> None:
    """The outline over all parts, nested from the bookmarks' levels as WeasyPrint nests it
    (`weasyprint.anchors.make_page_bookmark_tree`)."""
    import pikepdf

    root: list[Any] = []
    skipped: list[int] = []
    last_by_depth: list[list[Any]] = [root]
    previous = 0
    offset = 0
    for part, count in zip(parts, counts, strict=True):
        for level, label, index, x, y, state in part.bookmarks:
            if level > previous:
                skipped.append(level - previous - 1)
            else:
                temp = level
                while temp < previous:
                    temp += 1 + skipped.pop()
                if temp > previous:
                    skipped.append(temp - previous - 1)
            previous = level
            depth = level - sum(skipped)
            children: list[Any] = []
            last_by_depth[depth - 1].append((label, offset + index, x, y, children, state))
            del last_by_depth[depth:]
            last_by_depth.append(children)
        offset += count
    if "/Outlines" in out.Root:
        del out.Root.Outlines
    if not root:
        return

    def add(items: list[Any], parent: Any) -> tuple[list[Any], int]:
        count = len(items)
        made: list[Any] = []
        for label, page, x, y, children, state in items:
            destination = pikepdf.Array([out.pages[page].obj, pikepdf.Name.XYZ, x, y, 0])
            entry = out.make_indirect(
                pikepdf.Dictionary(Title=pikepdf.String(label), Dest=destination)
            )
            kids, kid_count = add(children, entry)
            entry.Count = -kid_count if state == "closed" else kid_count
            if state != "closed":
                count += kid_count
            if made:
                entry.Prev = made[-1]
                made[-1].Next = entry
            if kids:
                entry.First, entry.Last = kids[0], kids[-1]
            entry.Parent = parent
            made.append(entry)
        return made, count

    top = out.make_indirect(pikepdf.Dictionary())
    made, count = add(root, top)
    top.Count = count
    top.First, top.Last = made[0], made[-1]
    out.Root.Outlines = top
