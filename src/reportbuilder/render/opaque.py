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
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and _fills_nothing(item):
            _opaque_fills(item.extra, pdf.objects)
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


# What paints, besides `B` (fill and stroke), `S` (stroke) and `n` (nothing): text, images,
# other forms, shadings, and the fills `f`, `F`, `f*`, `B*`, `b`, `b*`.
_PAINTS = {b"f", b"F", b"f*", b"B*", b"b", b"b*", b"Tj", b"TJ", b"'", b'"', b"Do", b"sh"}


def _fills_nothing(stream: Any) -> bool:
    """Whether a form XObject's fills cover no area: lines only (`m` then one `l`), filled
    and stroked with `B`. WeasyPrint draws its crop marks so, with a fill colour of alpha 0
    (`/ca 0`) that changes nothing where nothing is filled."""
    if str(stream.extra.get("Subtype")) != "/Form" or not isinstance(stream.stream, list):
        return False
    try:
        content = b"\n".join(
            part if isinstance(part, bytes) else str(part).encode() for part in stream.stream
        )
    except (TypeError, ValueError):
        return False
    points = 0
    for token in content.split():
        if token in (b"m",):
            points = 1
        elif token == b"l":
            points += 1
            if points > 2:
                return False  # two segments enclose an area
        elif token in (b"c", b"v", b"y", b"re", b"h") or token in _PAINTS:
            return False
    return True


def _opaque_fills(extra: dict[str, Any], objects: list[Any]) -> None:
    """Set the fill alpha of a form's graphics states to 1 (see `_fills_nothing`)."""
    resources = _resolved(extra.get("Resources"), objects)
    states = _resolved(resources.get("ExtGState"), objects) if isinstance(resources, dict) else {}
    for state in states.values() if isinstance(states, dict) else ():
        state = _resolved(state, objects)
        if isinstance(state, dict) and "ca" in state:
            state["ca"] = 1


def _resolved(value: Any, objects: list[Any]) -> Any:
    """`value`, or the object it refers to (pydyf writes a reference as b"12 0 R")."""
    if isinstance(value, bytes | str):
        parts = (value.decode() if isinstance(value, bytes) else value).split()
        if len(parts) == 3 and parts[2] == "R" and parts[0].isdigit():
            number = int(parts[0])
            return objects[number] if number < len(objects) else {}
    return value if value is not None else {}


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
