"""MathML in a chapter (what pandoc `--mathml`, Word's HTML and MathJax's "copy as MathML"
put in Markdown) as the plain HTML a reader can read: `x<sup>2</sup> = 42`, `(a + b)/2`.

The sanitiser removed a `<math>` element together with its text (html5ever reads MathML as
foreign content), so the formula vanished while the warning said its text was kept (trial 6
#7). Each formula is written out here first: letters and numbers as they are, `<msup>` as
`<sup>`, `<msub>` as `<sub>`, a fraction as `a/b` (bracketed when a part has more than one
term), a root as `√(…)`; `<annotation>` (the formula's TeX source, a second copy) is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from reportbuilder.tolerant_html import TolerantHTMLParser

_MATH = re.compile(r"<math\b.*?</math\s*>", re.DOTALL | re.IGNORECASE)
_HIDDEN = {"annotation", "annotation-xml", "mphantom", "none", "mprescripts"}
_SINGLE = {"mi", "mn", "mo", "mtext", "ms"}  # one token: no brackets needed in a fraction
_VOID = {"mspace", "maligngroup", "malignmark", "mglyph", "none", "mprescripts"}


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _Tree(TolerantHTMLParser):
    """A `<math>` element read as a tree (MathML in HTML need not be well-formed XML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(node)
        if tag not in _VOID:
            self.open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def _elements(node: _Node) -> list[_Node]:
    return [child for child in node.children if isinstance(child, _Node)]


def _text(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text(child) for child in node.children)


def _bracketed(node: _Node) -> str:
    """A fraction's part: bracketed unless it is one token (`x`, `2`, `a_1`)."""
    shown = _html(node)
    parts = _elements(node) if node.tag in ("mrow", "mstyle") else [node]
    if len(parts) == 1 and (parts[0].tag in _SINGLE or parts[0].tag in ("msub", "msup")):
        return shown
    return f"({shown})"


def _html(node: _Node | str) -> str:
    """One MathML node as HTML text."""
    if isinstance(node, str):
        return escape(" ".join(node.split()) if node.strip() else "", quote=False)
    tag, parts = node.tag, _elements(node)
    if tag in _HIDDEN:
        return ""
    if tag == "semantics":  # its first child is the formula, the rest other copies of it
        return _html(parts[0]) if parts else ""
    if tag == "mspace":
        return " "
    if tag == "mi" and len(_text(node).strip()) == 1 and node.attrs.get("mathvariant") != "normal":
        return f"<i>{_html(_text(node))}</i>"  # a variable, italic as mathematics prints it
    if tag in ("msup", "mover") and len(parts) >= 2:
        return f"{_html(parts[0])}<sup>{_html(parts[1])}</sup>"
    if tag in ("msub", "munder") and len(parts) >= 2:
        return f"{_html(parts[0])}<sub>{_html(parts[1])}</sub>"
    if tag in ("msubsup", "munderover") and len(parts) >= 3:
        return f"{_html(parts[0])}<sub>{_html(parts[1])}</sub><sup>{_html(parts[2])}</sup>"
    if tag == "mfrac" and len(parts) >= 2:
        return f"{_bracketed(parts[0])}/{_bracketed(parts[1])}"
    if tag == "msqrt":
        inner = "".join(_html(child) for child in node.children)
        return f"√({inner})" if len(parts) > 1 else f"√{inner}"
    if tag == "mroot" and len(parts) >= 2:
        return f"<sup>{_html(parts[1])}</sup>√({_html(parts[0])})"
    if tag == "mfenced":
        opening, closing = node.attrs.get("open", "("), node.attrs.get("close", ")")
        separator = (node.attrs.get("separators", ",").strip() or ",")[0]
        inner = f"{escape(separator)} ".join(_html(part) for part in parts)
        return f"{escape(opening)}{inner}{escape(closing)}"
    if tag == "mtable":
        return "[" + "; ".join(_html(row) for row in parts) + "]"
    if tag in ("mtr", "mlabeledtr"):
        return ", ".join(_html(cell) for cell in parts)
    if tag == "mo":
        word = _html(_text(node)).strip()
        return f" {word} " if word in _SPACED else word
    return "".join(_html(child) for child in node.children)


_SPACED = {"=", "+", "−", "-", "×", "÷", "<", ">", "≤", "≥", "≠", "≈", "±", "&lt;", "&gt;"}


def formula_html(math: str) -> str:
    """One `<math>…</math>` element as HTML text."""
    tree = _Tree()
    tree.feed(math)
    tree.close()
    shown = "".join(_html(child) for child in tree.root.children)
    return re.sub(r" {2,}", " ", shown).strip()


def as_html(html: str) -> tuple[str, list[str]]:
    """`html` with each MathML formula written out as HTML text, and those formulas' texts
    (for the warning that says how each is printed)."""
    if "<math" not in html.lower():
        return html, []
    written: list[str] = []

    def replace(match: re.Match[str]) -> str:
        shown = formula_html(match[0])
        written.append(re.sub(r"<[^>]+>", "", shown))
        block = re.search(r'display\s*=\s*["\']?block', match[0][: match[0].find(">")])
        kind = "rb-math rb-math-block" if block else "rb-math"
        return f'<span class="{kind}">{shown}</span>'

    return _MATH.sub(replace, html), written
