"""PDF/A-1 allows no transparency (ISO 19005-1, 6.4): no soft mask, no constant alpha below
1, no blend mode but Normal, no transparency group in a form XObject. WeasyPrint writes
such a file when asked for `pdf/a-1b` (trial 6 #49): the theme's see-through tints, an
image's alpha channel, and a transparency group around positioned boxes whatever they hold.

The theme draws its tints opaque for these variants (brand.html) and the fetcher flattens
images on white (`image_files.opaque_image`); `finish` then drops the groups, which change
nothing once nothing inside them is see-through, and names what is still transparent (an
SVG drawn with `opacity`): the build refuses that file rather than write one that claims
PDF/A-1 and is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["finish"]


def finish(pdf: Any) -> list[str]:
    """Drop the transparency groups of `pdf` (a pydyf document being written) and return
    what transparency remains, in a reader's words (empty: the file is opaque)."""
    import pydyf

    found: set[str] = set()
    groups: list[dict[str, Any]] = []
    for mapping in _mappings(pdf.objects, pydyf):
        group = mapping.get("Group")
        if isinstance(group, dict) and str(group.get("S")) == "/Transparency":
            groups.append(mapping)
        if "SMask" in mapping and str(mapping["SMask"]) != "/None":
            found.add("an image or drawing with see-through pixels (a soft mask)")
        for key in ("ca", "CA"):
            if key in mapping and _number(mapping[key]) < 1:
                found.add(f"a see-through colour or element (opacity {_number(mapping[key]):g})")
        if "BM" in mapping and str(mapping["BM"]) not in ("/Normal", "/Compatible"):
            found.add(f"a blend mode ({str(mapping['BM']).lstrip('/')})")
    if not found:
        for mapping in groups:
            del mapping["Group"]
    return sorted(found)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 1.0


def _mappings(objects: Any, pydyf: Any) -> Iterator[dict[str, Any]]:
    """Every dictionary of the document, nested ones included (a page's resources hold its
    graphics states), and every stream's dictionary."""
    seen: set[int] = set()
    todo = list(objects)
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, pydyf.Stream):
            item = item.extra
        if isinstance(item, dict):
            yield item
            todo.extend(v for v in item.values() if isinstance(v, dict | list | pydyf.Stream))
        elif isinstance(item, list):
            todo.extend(v for v in item if isinstance(v, dict | list | pydyf.Stream))
