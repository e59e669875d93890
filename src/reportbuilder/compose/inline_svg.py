"""The SVG an author may draw inline in a chapter: the allow-list and the checks on its values.

A drawing keeps its shapes, text, gradients and local `<use>` references; it loses scripts,
event handlers, `foreignObject`, images, and every reference that would read something from
outside the drawing (an `href` or a CSS `url()` that is not `#an-id` in the same document).
`markup.sanitize` applies these lists with nh3; `markup.removals` reports what they remove.
"""

from __future__ import annotations

import re

# SVG element names as the HTML parser gives them (case-adjusted, as in the SVG spec).
TAGS = frozenset(
    {
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
        "tspan", "title", "desc", "defs", "linearGradient", "radialGradient", "stop", "use",
    }
)  # fmt: skip
# Only meaningful inside `<svg>`; outside it the parser drops them with their content.
ONLY_IN_SVG = TAGS - {"svg", "title"}

PRESENTATION = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
        "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
        "stroke-dashoffset", "opacity", "color", "transform", "font-family", "font-size",
        "font-weight", "font-style", "font-variant", "text-anchor", "dominant-baseline",
        "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing",
        "text-decoration", "visibility", "display", "stop-color", "stop-opacity", "clip-rule",
        "vector-effect", "shape-rendering", "text-rendering", "paint-order", "writing-mode",
        "direction",
    }
)  # fmt: skip
_REFERENCE = {"href", "xlink:href"}
_POSITION = {"x", "y", "width", "height"}
_GRADIENT = {"gradientUnits", "gradientTransform", "spreadMethod"} | _REFERENCE
_GEOMETRY: dict[str, set[str]] = {
    "svg": {"viewBox", "preserveAspectRatio", "xmlns", "version", "role", "aria-label"} | _POSITION,
    "g": set(),
    "path": {"d", "pathLength"},
    "rect": _POSITION | {"rx", "ry"},
    "circle": {"cx", "cy", "r"},
    "ellipse": {"cx", "cy", "rx", "ry"},
    "line": {"x1", "y1", "x2", "y2"},
    "polyline": {"points"},
    "polygon": {"points"},
    "text": {"x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust"},
    "tspan": {"x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust"},
    "title": set(),
    "desc": set(),
    "defs": set(),
    "linearGradient": {"x1", "y1", "x2", "y2"} | _GRADIENT,
    "radialGradient": {"cx", "cy", "r", "fx", "fy", "fr"} | _GRADIENT,
    "stop": {"offset"},
    "use": _POSITION | _REFERENCE,
}
ATTRIBUTES: dict[str, set[str]] = {
    tag: names | PRESENTATION | {"style"} for tag, names in _GEOMETRY.items()
}
_LOWER = {tag.lower(): tag for tag in TAGS}
_LOWER_ATTRIBUTES = {
    tag.lower(): {name.lower() for name in names} for tag, names in ATTRIBUTES.items()
}

_LOCAL_ID = re.compile(r"#[A-Za-z_][\w.:-]*")
_URL = re.compile(r"""url\(\s*(?P<q>["']?)(?P<target>[^"')]*)(?P=q)\s*\)""", re.IGNORECASE)
_FUNCTION = re.compile(r"([A-Za-z-]+)\s*\(")
_SAFE_FUNCTIONS = {"url", "rgb", "rgba", "hsl", "hsla"}


def svg_tag(tag: str) -> str | None:
    """The SVG element name for a tag name in any case (`lineargradient`), or None."""
    return _LOWER.get(tag.lower())


def allowed_attribute(tag: str, attribute: str) -> bool:
    """Whether an SVG element may carry this attribute (names compared in any case)."""
    return attribute.lower() in _LOWER_ATTRIBUTES.get(tag.lower(), set())


def refused_value(tag: str, attribute: str, value: str) -> str | None:
    """Why an allowed attribute's value is removed from an SVG element, or None to keep it.

    References must stay inside the document: `href` is `#an-id`, and a `url()` anywhere
    (a `fill`, a `style`) is `url(#an-id)`; a `style` holds presentation properties only.
    """
    name = attribute.lower().removeprefix("xlink:")
    if name == "href":
        if _LOCAL_ID.fullmatch(value.strip()):
            return None
        return "an SVG reference must be #an-id in the same document"
    if name == "style":
        return _refused_style(value)
    if "(" in value:
        return _refused_functions(value)
    return None


def _refused_functions(value: str) -> str | None:
    if "\\" in value:
        return "escapes are not allowed in SVG attribute values"
    for function in _FUNCTION.findall(value):
        if function.lower() not in _SAFE_FUNCTIONS:
            return f"{function}() is not allowed in an SVG drawing"
    for found in _URL.finditer(value):
        if not _LOCAL_ID.fullmatch(found["target"].strip()):
            return "url() in an SVG drawing must be url(#an-id) in the same document"
    if value.lower().count("url(") != len(_URL.findall(value)):
        return "url() in an SVG drawing must be url(#an-id) in the same document"
    return None


def _refused_style(style: str) -> str | None:
    if any(mark in style for mark in ("\\", "@", "<", "/*")):
        return "the style holds CSS beyond presentation properties"
    for part in style.split(";"):
        if not part.strip():
            continue
        name, colon, value = part.partition(":")
        if not colon or name.strip().lower() not in PRESENTATION:
            shown = name.strip() or part.strip()
            return f"'{shown}' is not an SVG presentation property"
        if "(" in value and (why := _refused_functions(value)):
            return why
    return None


_TITLE_OR_SVG = re.compile(r"<(/?)(svg|title)\b[^>]*>")


def without_html_titles(html: str) -> str:
    """`html` without the tags of a `<title>` outside any `<svg>` (its text kept): a
    document's title belongs to the report, and the page would hide the element."""
    out: list[str] = []
    depth = 0
    position = 0
    for tag in _TITLE_OR_SVG.finditer(html):
        closing, name = tag[1] == "/", tag[2]
        if name == "svg":
            depth = max(depth - 1, 0) if closing else depth + 1
        elif depth == 0:
            out.append(html[position : tag.start()])
            position = tag.end()
    out.append(html[position:])
    return "".join(out)


_STYLE_ATTRIBUTE = re.compile(r'(<[A-Za-z][^>]*?)\sstyle="([^"]*)"')


def style_as_attributes(html: str) -> str:
    """Sanitised HTML with each SVG element's `style` written as presentation attributes.

    The style holds presentation properties only (`refused_value`), which mean the same as
    attributes; as a style the page's CSS would read them too and call them unknown.
    """

    def attributes(match: re.Match[str]) -> str:
        head = match[1]
        for part in match[2].split(";"):
            name, _, value = part.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name and value:
                head = re.sub(rf'\s{re.escape(name)}="[^"]*"', "", head)  # the style wins
                head += f' {name}="{value}"'
        return head

    return _STYLE_ATTRIBUTE.sub(attributes, html)
