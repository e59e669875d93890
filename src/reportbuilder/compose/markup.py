"""Markdown → safe HTML: Python-Markdown with our extensions, then an allow-list sanitiser.

Footnotes become WeasyPrint page-foot footnotes, lone images become numbered figures,
`Table: caption` paragraphs become table captions, and French spacing is fixed.
Everything the author wrote goes through nh3, so no `<link>`, `<style>`, `<base>`,
`<script>`, attachment or foreign URL scheme survives into the document.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.treeprocessors import Treeprocessor

from reportbuilder.language import has_spacing_rules, quote_substitutions, typeset

NUM_CLASS = "rb-num"  # filled with the figure/table number once the whole document is known

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "span": {"data-kind", "data-id"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto"}


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")  # `<`, `>` and `&` are HTML-escaped


def markdown_literal(text: str) -> str:
    """`text` as Markdown that prints exactly that text on one line (specials escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def sanitize(html: str) -> str:
    """Keep only the tags, attributes and URL schemes a report needs."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
        clean_content_tags={"script", "style"},
        attribute_filter=_keep_attribute,
    )


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Links lead to the web, to mail or inside the document: a relative file link would
    become a `file:` link in the PDF, pointing at the reader's own disk."""
    if tag == "a" and attribute == "href":
        scheme = value.split(":", 1)[0].lower() if ":" in value else ""
        if not (value.startswith("#") or scheme in _SCHEMES):
            return None
    return value


def _text_of(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()


def _num_span(kind: str, target: str | None = None) -> ET.Element:
    """The placeholder a figure or table number goes in; `target` is the id refs point at."""
    span = ET.Element("span", {"class": NUM_CLASS, "data-kind": kind})
    if target:
        span.set("data-id", target)
    return span


class _ReportTree(Treeprocessor):
    """Runs after Python-Markdown's own tree processors (footnotes, toc, attr_list)."""

    def __init__(self, md: markdown.Markdown, lang: str) -> None:
        super().__init__(md)
        self.lang = lang

    def run(self, root: ET.Element) -> None:
        self._cross_references(root)
        self._inline_footnotes(root)
        self._figures(root)
        self._table_captions(root)
        if has_spacing_rules(self.lang):
            _language_spacing(root, self.lang)

    def _cross_references(self, root: ET.Element) -> None:
        """An empty link to an anchor, `[](#fig-age)`, is a cross-reference to fill in."""
        for link in root.iter("a"):
            empty = not (link.text or "").strip() and len(link) == 0
            if empty and (link.get("href") or "").startswith("#"):
                link.set("class", "xref")

    def _inline_footnotes(self, root: ET.Element) -> None:
        holder = next((d for d in root.iter("div") if d.get("class") == "footnote"), None)
        if holder is None:
            return
        notes = {li.get("id"): li for li in holder.iter("li")}
        in_notes = {id(element) for element in holder.iter()}
        # All found before any is filled in: a note may refer to a note (itself, even), and
        # walking into the notes as they are filled in would follow such a reference forever.
        references = [
            (parent, child)
            for parent in root.iter()
            if id(parent) not in in_notes
            for child in parent
            if _footnote_link(child) is not None
        ]
        for parent, child in references:
            link = _footnote_link(child)
            assert link is not None
            note = notes.get((link.get("href") or "").lstrip("#"))
            span = ET.Element("span", {"class": "footnote"})
            span.tail = child.tail
            if note is not None:
                _fill_inline(span, note)
            index = list(parent).index(child)
            parent.remove(child)
            parent.insert(index, span)
        for parent in root.iter():
            if holder in list(parent):
                parent.remove(holder)
                break
        if holder in list(root):
            root.remove(holder)

    def _figures(self, root: ET.Element) -> None:
        for parent in root.iter():
            for index, p in enumerate(list(parent)):
                if p.tag != "p" or len(p) != 1 or p[0].tag != "img":
                    continue
                if (p.text or "").strip() or (p[0].tail or "").strip():
                    continue
                img = p[0]
                img.tail = None
                figure = ET.Element("figure", {"class": "figure"})
                target = img.attrib.pop("id", None) or p.get("id")
                if target:
                    figure.set("id", target)
                caption_text = img.get("title") or img.get("alt") or ""
                if caption_text:
                    caption = ET.SubElement(figure, "figcaption")
                    caption.append(_num_span("figure", target))
                    caption[-1].tail = caption_text
                figure.append(img)
                figure.tail = p.tail
                parent.remove(p)
                parent.insert(index, figure)

    def _table_captions(self, root: ET.Element) -> None:
        for parent in root.iter():
            children = list(parent)
            for index, table in enumerate(children):
                if table.tag != "table":
                    continue
                neighbour = children[index + 1] if index + 1 < len(children) else None
                if neighbour is None or neighbour.tag != "p":
                    continue
                text = neighbour.text or ""
                match = re.match(r"^\s*(?:Table)?:\s+", text)
                if not match:
                    continue
                caption = ET.Element("caption")
                target = neighbour.get("id")
                if target:
                    table.set("id", target)
                caption.append(_num_span("table", target))
                caption[-1].tail = text[match.end() :]
                for inline in list(neighbour):
                    caption.append(inline)
                table.insert(0, caption)
                parent.remove(neighbour)


def _footnote_link(element: ET.Element) -> ET.Element | None:
    """The link of a footnote reference (`<sup><a class="footnote-ref">`), else None."""
    link = element.find("a") if element.tag == "sup" else None
    return link if link is not None and "footnote-ref" in (link.get("class") or "") else None


def _without_references(element: ET.Element) -> ET.Element:
    """`element` with the footnote references inside it removed (their tail text kept)."""
    for parent in list(element.iter()):
        for child in list(parent):
            if _footnote_link(child) is not None:
                _remove_keeping_tail(parent, child)
    return element


def _remove_keeping_tail(parent: ET.Element, child: ET.Element) -> None:
    tail = child.tail or ""
    index = list(parent).index(child)
    if index:
        parent[index - 1].tail = (parent[index - 1].tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(child)


def _fill_inline(target: ET.Element, note: ET.Element) -> None:
    """Copy a footnote list item's content as inline content (paragraphs joined by spaces).

    A copy, so that a note referred to twice is filled in twice; a footnote reference in the
    note itself (a note within a note) is left out.
    """
    pieces: list[ET.Element | str] = []
    for block in note:
        if block.tag == "p":
            if pieces:
                pieces.append(" ")
            if block.text:
                pieces.append(block.text)
            for inline in block:
                backref = inline.tag == "a" and "footnote-backref" in (inline.get("class") or "")
                if backref or _footnote_link(inline) is not None:
                    if inline.tail and (inline.tail.strip() or not backref):
                        pieces.append(inline.tail)
                    continue
                pieces.append(_without_references(copy.deepcopy(inline)))
    for piece in pieces:
        if isinstance(piece, str):
            if len(target):
                target[-1].tail = (target[-1].tail or "") + piece
            else:
                target.text = (target.text or "") + piece
        else:
            target.append(piece)
    # The footnotes extension puts a no-break space before the back-link we dropped.
    if len(target):
        target[-1].tail = _strip_end(target[-1].tail)
    else:
        target.text = _strip_end(target.text)


def _strip_end(text: str | None) -> str | None:
    if text is None:
        return None
    while True:
        trimmed = text.rstrip().removesuffix(NBSP_PLACEHOLDER)
        if trimmed == text:
            return text
        text = trimmed


def _language_spacing(root: ET.Element, lang: str) -> None:
    """The language's spacing rules (`language.typeset`) on all text but code."""
    for element in root.iter():
        if element.text and element.tag not in ("code", "pre"):
            element.text = typeset(element.text, lang)
        if element.tail:  # the text after a code span is prose again
            element.tail = typeset(element.tail, lang)


class ReportExtension(Extension):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ReportTree(md, self.lang), "reportbuilder", 1)


def make_markdown(lang: str, slugify: Callable[[str, str], str]) -> markdown.Markdown:
    """A Markdown converter for one chapter (its heading ids come from `slugify`)."""
    substitutions = quote_substitutions(lang)
    return markdown.Markdown(
        extensions=[
            "tables",
            "footnotes",
            "attr_list",
            "def_list",
            "admonition",
            "sane_lists",
            "smarty",
            "toc",
            ReportExtension(lang),
        ],
        extension_configs={
            "toc": {"slugify": slugify, "toc_depth": "1-3"},
            "smarty": {"substitutions": substitutions},
            "footnotes": {"BACKLINK_TEXT": ""},
        },
        output_format="html",
    )


def to_html(text: str, md: markdown.Markdown) -> str:
    """Markdown text → sanitised HTML fragment."""
    md.reset()
    return sanitize(md.convert(text))
