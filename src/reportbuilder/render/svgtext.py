"""SVG text that names no font set in the report's body font.

WeasyPrint 70 draws an SVG image's `<text>` without a `font-family` (its own, or one inherited
from a group) in `sans-serif`, which fontconfig turns into DejaVu Sans: a font the report does
not use, which the PDF lint rightly calls a fallback, and `--strict` then fails on any chart
exported from Excel or Inkscape. `install` wraps WeasyPrint's SVG text drawing so that such
text gets the family the document's `<body>` is set in; characters that family lacks still
fall back (and are still reported).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_INSTALLED = "_reportbuilder_svg_text"
_state: dict[str, str | None] = {"family": None}


def install() -> bool:
    """Wrap WeasyPrint's SVG text drawing (once per process); whether it is active."""
    import weasyprint
    from weasyprint import svg

    current = svg.text
    if getattr(current, _INSTALLED, False):
        return True
    if not weasyprint.__version__.startswith("70."):
        return False
    original = current

    def text(drawing: Any, node: Any, font_size: float) -> Any:
        family = _state["family"]
        if family and node.get("font-family") is None:
            node.attrib["font-family"] = family
        return original(drawing, node, font_size)

    setattr(text, _INSTALLED, original)
    # The module compares TAGS' entries with its `text` to join runs: both are replaced.
    for tag, function in list(svg.TAGS.items()):
        if function is original:
            svg.TAGS[tag] = text
    svg.text = text
    return True


def set_family(names: Iterable[str] | None) -> None:
    """The family list (`Noto Serif,Inter,serif`) SVG text without a font is set in:
    unquoted, no spaces after commas (WeasyPrint splits it and strips quotes only)."""
    _state["family"] = ",".join(name for name in names or () if name) or None


def body_family(document: Any) -> tuple[str, ...] | None:
    """The font families of the laid-out document's `<body>`, or None."""
    if not document.pages:
        return None
    stack = list(getattr(document.pages[0]._page_box, "children", ()))
    while stack:
        box = stack.pop(0)
        if getattr(box, "element_tag", None) == "body":
            return tuple(box.style["font_family"])
        if getattr(box, "element_tag", None) == "html":
            stack = list(getattr(box, "children", ())) + stack
    return None


__all__ = ["body_family", "install", "set_family"]
