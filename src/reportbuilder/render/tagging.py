"""What WeasyPrint 70's tagged PDF leaves out and PDF/UA asks for, added as the tags are built:
the language of a passage in another language (`<p lang="en">` → `/Lang (en)`), and the
scope of a table header cell (`/Scope /Column` in the header row, `/Row` beside a row).

WeasyPrint builds the structure tree in `weasyprint.pdf.tags._build_box_tree`, a generator
called recursively by its module-level name; wrapping that name once in the render process
sees every box and the structure elements made for it. The version is pinned (`<71`) and
`tests/test_accessibility.py` reads both keys back, so a change upstream fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_INSTALLED = "_reportbuilder_tagging"


def install() -> None:
    """Wrap WeasyPrint's structure-tree builder (once per process)."""
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    if getattr(original, _INSTALLED, False):
        return

    groups: list[bool] = []  # row groups being built, innermost last: is it a header?

    def build(box: Any, parent: Any, *rest: Any) -> Iterator[Any]:
        group = getattr(box, "element_tag", None) in ("thead", "tbody", "tfoot")
        if group:
            groups.append(box.element_tag == "thead")
        try:
            for element in original(box, parent, *rest):
                _annotate(box, element, pydyf, in_head=bool(groups) and groups[-1])
                yield element
        finally:
            if group:
                groups.pop()

    setattr(build, _INSTALLED, True)
    tags._build_box_tree = build


def _annotate(box: Any, element: Any, pydyf: Any, *, in_head: bool) -> None:
    html = getattr(box, "element", None)
    if html is None or getattr(box, "element_tag", None) in ("html", "body"):
        return
    lang = html.get("lang")
    if lang and "Lang" not in element:
        element["Lang"] = pydyf.String(lang)
    if element.get("S") == "/TH" and "A" in element:
        element["A"]["Scope"] = "/Column" if in_head else "/Row"
