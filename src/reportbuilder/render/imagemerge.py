"""One copy of each picture in a PDF assembled from parts.

WeasyPrint writes an image once per document; parts laid out apart each carry their own
copy, so a logo or banner shown in every chapter was embedded once per part: a 30-chapter
report weighed 5.7 MB by parts against 0.5 MB laid out whole (trial 7 #7). Images (and their
soft masks) with the same bytes and the same dictionary are made one object, which every
page's resources refer to; the copies are no longer reachable and are not written.
"""

from __future__ import annotations

import hashlib
from typing import Any

_MAX_DEPTH = 8  # forms inside forms: WeasyPrint nests a few levels at most


def share_images(pdf: Any) -> int:
    """Make identical image XObjects of `pdf` (a pikepdf document) one object; the number of
    references that now point at an earlier copy."""
    import pikepdf

    canonical: dict[str, Any] = {}
    keys: dict[tuple[int, int], str] = {}
    shared = 0
    seen: set[tuple[int, int]] = set()

    def key_of(stream: Any, depth: int = 0) -> str:
        if stream.is_indirect and stream.objgen in keys:
            return keys[stream.objgen]
        digest = hashlib.sha256(stream.read_raw_bytes())
        for name in sorted(stream.keys()):
            if name == "/Length":
                continue
            value = stream[name]
            digest.update(name.encode())
            if isinstance(value, pikepdf.Stream) and depth < _MAX_DEPTH:
                digest.update(key_of(value, depth + 1).encode())  # an SMask, a colour profile
            else:
                digest.update(value.unparse(resolved=True) if hasattr(value, "unparse") else
                              repr(value).encode())  # fmt: skip
        key = digest.hexdigest()
        if stream.is_indirect:
            keys[stream.objgen] = key
        return key

    def visit(resources: Any, depth: int) -> None:
        nonlocal shared
        if not isinstance(resources, pikepdf.Dictionary) or depth > _MAX_DEPTH:
            return
        objects = resources.get("/XObject")
        if not isinstance(objects, pikepdf.Dictionary):
            return
        for name in list(objects.keys()):
            item = objects[name]
            if not isinstance(item, pikepdf.Stream):
                continue
            if item.get("/Subtype") == "/Form":
                if item.is_indirect and item.objgen in seen:
                    continue
                if item.is_indirect:
                    seen.add(item.objgen)
                visit(item.get("/Resources"), depth + 1)
                continue
            if item.get("/Subtype") != "/Image" or not item.is_indirect:
                continue
            key = key_of(item)
            first = canonical.setdefault(key, item)
            if first.objgen != item.objgen:
                objects[name] = first
                shared += 1

    for page in pdf.pages:
        visit(page.obj.get("/Resources"), 0)
    return shared
