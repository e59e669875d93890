"""Angle-bracket text that is no HTML element prints as written.

Python-Markdown takes any `<word …>` for inline HTML, and the sanitiser then drops the
"element": "Replace <your-name> with …", "<Servicio Jurídico>", `<localhost:5001/foo>` or
`<foo.bar.baz>` vanished from the page. CommonMark and browsers know the names of HTML,
SVG and MathML elements; a tag whose name is none of those is the writer's text, so it is
turned back into text here, before the sanitiser sees it. Real elements the report may not
hold (`<iframe>`, `<font>` …) are left to the sanitiser, which says what it removes.
"""

from __future__ import annotations

import re

# WHATWG HTML's elements, current and obsolete (a browser parses them as elements).
_HTML = {
    "a", "abbr", "acronym", "address", "applet", "area", "article", "aside", "audio", "b",
    "base", "basefont", "bdi", "bdo", "bgsound", "big", "blink", "blockquote", "body", "br",
    "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data",
    "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em",
    "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "frame", "frameset",
    "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe",
    "image", "img", "input", "ins", "isindex", "kbd", "keygen", "label", "legend", "li", "link",
    "listing", "main", "map", "mark", "marquee", "math", "menu", "menuitem", "meta", "meter",
    "multicol", "nav", "nextid", "nobr", "noembed", "noframes", "noscript", "object", "ol",
    "optgroup", "option", "output", "p", "param", "picture", "plaintext", "pre", "progress",
    "q", "rb", "rp", "rt", "rtc", "ruby", "s", "samp", "script", "search", "section", "select",
    "slot", "small", "source", "spacer", "span", "strike", "strong", "style", "sub", "summary",
    "sup", "svg", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead",
    "time", "title", "tr", "track", "tt", "u", "ul", "var", "video", "wbr", "xmp",
}  # fmt: skip
# SVG and MathML element names (inside <svg>/<math>; the sanitiser keeps a safe subset).
_FOREIGN = {
    "animate", "animatemotion", "animatetransform", "circle", "clippath", "defs", "desc",
    "ellipse", "feblend", "fecolormatrix", "fecomponenttransfer", "fecomposite",
    "feconvolvematrix", "fediffuselighting", "fedisplacementmap", "fedistantlight",
    "fedropshadow", "feflood", "fefunca", "fefuncb", "fefuncg", "fefuncr", "fegaussianblur",
    "feimage", "femerge", "femergenode", "femorphology", "feoffset", "fepointlight",
    "fespecularlighting", "fespotlight", "fetile", "feturbulence", "filter", "foreignobject",
    "g", "line", "lineargradient", "marker", "mask", "metadata", "mpath", "path", "pattern",
    "polygon", "polyline", "radialgradient", "rect", "set", "stop", "switch", "symbol", "text",
    "textpath", "tspan", "use", "view", "maction", "annotation", "annotation-xml", "menclose",
    "merror", "mfenced", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover", "mpadded",
    "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub",
    "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none",
    "semantics",
}  # fmt: skip
KNOWN = frozenset(_HTML | _FOREIGN)

# A start or end tag as an HTML tokenizer reads it (quoted attribute values may hold `>`),
# and the markup that is no tag: comments, doctypes, processing instructions, CDATA.
_TAG = re.compile(
    r"""<(/?)([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"""
    r"|<!--.*?-->|<![^>]*>|<\?.*?\?>",
    re.DOTALL,
)


def as_text(html: str) -> tuple[str, list[str]]:
    """`html` with every tag whose name is no HTML, SVG or MathML element escaped to text,
    and those tags as written (for the record)."""
    if "<" not in html:
        return html, []
    kept: list[str] = []

    def one(match: re.Match[str]) -> str:
        name = match[2]
        if name is None or name.lower() in KNOWN:
            return match[0]
        kept.append(match[0])
        return match[0].replace("<", "&lt;").replace(">", "&gt;")

    return _TAG.sub(one, html), kept
