"""Markdown → safe HTML: Python-Markdown with our extensions, then an allow-list sanitiser.

Footnotes become WeasyPrint page-foot footnotes, lone images become numbered figures,
`Table: caption` paragraphs become table captions, and French spacing is fixed.
Everything the author wrote goes through nh3, so no `<link>`, `<style>`, `<base>`,
`<script>`, attachment or foreign URL scheme survives into the document.
"""

from __future__ import annotations

import copy
import importlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from html import unescape
from typing import Any

import markdown
import nh3
from markdown.blockparser import BlockParser
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER, FootnoteExtension
from markdown.extensions.tables import TableProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

from reportbuilder.compose import data_images, inline_svg, mathml, not_tags
from reportbuilder.compose.alerts import GithubAlerts
from reportbuilder.compose.commonmark_rules import CommonMarkRules
from reportbuilder.compose.costly_text import check_cell_runs, check_tag_scan
from reportbuilder.compose.gfm_tables import GfmTables
from reportbuilder.compose.indented_prose import watch_indented_prose
from reportbuilder.compose.list_indent import CommonMarkLists
from reportbuilder.compose.list_numbers import list_numbers
from reportbuilder.compose.long_runs import ZWSP, break_long_runs
from reportbuilder.compose.pasted_lists import watch_pasted_lists
from reportbuilder.language import (
    FRENCH_ORDINAL,
    base_language,
    has_spacing_rules,
    quote_substitutions,
    typeset,
)
from reportbuilder.link_policy import link_problem
from reportbuilder.link_policy import shown as shown_url
from reportbuilder.tolerant_html import TolerantHTMLParser

LINK_REFUSED = "cannot go into the report: "
# Losses that drop words the author wrote (an extra table cell, a note never referred to):
# errors, where the others (a tag the sanitiser removed …) are warnings.
TEXT_DROPPED = (
    "' is not printed (add a column",
    "is never referred to, so it is not printed",
    "is defined twice: the first note is not printed",
    "so the table's cells would move",
    "would be printed: delete it",
    "would print as not struck out",
    LINK_REFUSED,  # not a loss, but never printed live: a look-alike or hidden-recipient link
)

NUM_CLASS = "rb-num"  # filled with the figure/table number once the whole document is known

_TAGS = {
    "a", "abbr", "b", "bdi", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp",
    "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
}  # fmt: skip
_ALIGNED = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "th", "td", "caption", "figure")
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "span": {"data-kind", "data-id"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    **{tag: {"align"} for tag in _ALIGNED},
}
# The `_ALIGNED` entries above replaced th's and td's: their spans are laid back (a table's
# spans removed moved its cells under the wrong headings, trial 6 #2).
_ATTRIBUTES["th"] |= {"colspan", "rowspan", "scope"}
_ATTRIBUTES["td"] |= {"colspan", "rowspan"}
_SPANS = {("th", "colspan"), ("th", "rowspan"), ("td", "colspan"), ("td", "rowspan"),
          ("col", "span"), ("colgroup", "span")}  # fmt: skip
MAX_SPAN = 1000  # HTML's own bound for colspan; a larger one is a slip (and slow to lay out)
_TAGS |= inline_svg.TAGS  # a drawing inline in the text: a safe subset of SVG
_ATTRIBUTES.update(inline_svg.ATTRIBUTES)
_CONTENT_DROPPED = {"script", "style"}
_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {("a", "href"), ("img", "src"), ("q", "cite"), ("blockquote", "cite")}
# A writing direction: `<bdi>` and `dir` isolate a right-to-left name from the number after
# it ("שרה 42" printed "42 שרה" once they were removed, trial 7 #11); WeasyPrint lays them out
# as HTML says (`unicode-bidi: isolate` for `<bdi>` and `dir` in its own stylesheet).
_DIRECTIONS = {"ltr", "rtl", "auto"}


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")  # `<`, `>` and `&` are HTML-escaped


def markdown_literal(text: str) -> str:
    """`text` as Markdown that prints exactly that text on one line (specials escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


_LINE_BREAK = re.compile(r"[ \t]*[\r\n][ \t\r\n]*")


def plain_text(text: str) -> Markup:
    """A printed value as Markdown that shows exactly that text: specials written as
    character references, line breaks as spaces (a blank line or an indent would start a new
    block); other spacing, no-break spaces included, kept as written.

    A reference (`&#42;`), not a backslash (`\\*`): Markdown reads neither as syntax, but only
    Markdown removes a backslash, and a value printed inside a chapter's raw HTML (a `<td>`,
    a `<summary>`, an attribute), where Markdown does not read, printed "1,234\\.5" (trial 6
    #33); HTML reads the reference as the character everywhere. A character that is syntax
    only where a line starts (`-`, `+`, `#`, `1.`) is written so at the value's start only,
    and `-`, `.` also where doubled (`--`, `...`, which smarty would turn into dashes and an
    ellipsis): a reference splits the text Markdown sees, and an address in a value would no
    longer be found whole (`https://example&#46;org`)."""
    text = _LINE_BREAK.sub(" ", text)
    mark = _BLOCK_MARK.match(text)
    if mark is None:
        return Markup(_written(text))
    at = mark.end() - 1
    return Markup(_written(text[:at]) + _reference_of(text[at]) + _written(text[at + 1 :]))


# Markdown's and HTML's specials anywhere in a line, `-` and `.` where doubled: each written as
# a reference, in one pass (escaping HTML first would put `#` and `;` of `&#34;` in reach of
# the second).
_WRITTEN_AS_REFERENCE = re.compile(r"[\\`*_{}\[\]()!|<>&\"']|-(?=-)|(?<=-)-|\.(?=\.)|(?<=\.)\.")
# What starts a block where a line starts: a list's `-`, `+`, `1.`; a heading's `#`; a setext
# underline's `=`; a definition's `:`.
_BLOCK_MARK = re.compile(r" *(?:(?:#{1,6}|[-+*:]|\d{1,9}\.)(?= |$)|=+(?= *$))")


def _written(text: str) -> str:
    return _WRITTEN_AS_REFERENCE.sub(lambda match: _reference_of(match[0]), text)


def _reference_of(character: str) -> str:
    return f"&#{ord(character)};"


def sanitize(html: str) -> str:
    """Keep only the tags, attributes and URL schemes a report needs."""
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES | {"data"},  # data: only for images that pass `data_images`
        link_rel=None,
        strip_comments=True,
        clean_content_tags=_CONTENT_DROPPED,
        attribute_filter=_keep_attribute,
        set_tag_attribute_values={"details": {"open": ""}},  # print shows what it holds
    )
    if "<title" in cleaned:
        cleaned = inline_svg.without_html_titles(cleaned)
    if " style=" in cleaned:
        cleaned = inline_svg.style_as_attributes(cleaned)
    return list_numbers(cleaned)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Links lead to the web, to mail or inside the document: a relative file link would
    become a `file:` link in the PDF, pointing at the reader's own disk."""
    if tag == "a" and attribute == "href" and (not _link_allowed(value) or link_problem(value)):
        return None
    if (tag, attribute) in _URL_ATTRIBUTES and data_images.is_data_url(value):
        return value if tag == "img" and not data_images.refused(value) else None
    if tag in inline_svg.TAGS and inline_svg.refused_value(tag, attribute, value):
        return None
    if (tag, attribute) in _SPANS and _span_problem(value):
        return None  # refused with an error at its line (see `_Removals`)
    if attribute == "dir":
        return value.strip().lower() if value.strip().lower() in _DIRECTIONS else None
    return value


def _span_problem(value: str) -> bool:
    """Whether a colspan, rowspan or span is not a whole number from 1 to `MAX_SPAN`."""
    text = value.strip()
    return not (text.isdigit() and text.isascii() and 1 <= int(text) <= MAX_SPAN)


def _scheme(url: str) -> str:
    head = url.strip().split(":", 1)
    return head[0].lower() if len(head) == 2 and "/" not in head[0] else ""


def _link_allowed(href: str) -> bool:
    return href.startswith("#") or _scheme(href) in _SCHEMES


class _Removals(TolerantHTMLParser):
    """What `sanitize` is about to drop from an HTML fragment, in the words a writer uses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (message, what to look for in the source)
        self.skipping: str | None = None
        self.in_svg = 0  # how many <svg> elements the parser is inside
        self.unclosed: list[tuple[str, int]] = []  # swallowing elements open: (tag, its entry)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            return
        if tag in _SWALLOWS and not self.in_svg:
            self.unclosed.append((tag, len(self.found)))
            self._element(tag, attrs)
            return
        self._element(tag, attrs)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        svg = inline_svg.svg_tag(tag)
        if svg is not None:
            self._svg_element(svg, attrs)
            return
        if tag not in _TAGS:
            if self.in_svg:
                self.skipping = tag
                self.found.append(
                    (f"removed <{tag}> and its content from an SVG drawing", f"<{tag}")
                )
                return
            if tag in _CONTENT_DROPPED:
                self.skipping = tag
                self.found.append((f"removed <{tag}> element and its content", f"<{tag}"))
            elif tag == "bdo":
                # An override sets the letters in another order than written (as U+202E
                # does, refused in a chapter); what an author wants of it is an isolate.
                message = (
                    "removed <bdo> element (its text is kept in the order written): to keep a"
                    " right-to-left name in its place beside numbers, write <bdi>…</bdi>"
                )
                self.found.append((message, "<bdo"))
            else:
                self.found.append((f"removed <{tag}> element (its text is kept)", f"<{tag}"))
            return
        allowed = _ATTRIBUTES["*"] | _ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            value = value or ""
            if hidden := _hides(name, value):
                # The sanitiser removes the hiding, not the text: what the author hid would
                # be published (trial 6 #34).
                message = (
                    f"<{tag} {hidden}>: text the author hid would be printed: delete it, or show it"
                )
                self.found.append((message, value[:40] if name == "style" else f"<{tag}"))
                continue
            if name == "style" and _STRUCK.search(value):
                message = (
                    f"<{tag} style='text-decoration: line-through'>: the text would print as "
                    "not struck out; write <s>…</s> or ~~…~~"
                )
                self.found.append((message, "line-through"))
                continue
            if name == "style":
                styles = ", ".join(_style_names(value)) or "''"
                message = f"removed style {styles} from <{tag}> (only text-align is kept)"
                self.found.append((message, "style="))
            elif name not in allowed:
                self.found.append((f"removed {name} attribute from <{tag}>", f"{name}="))
            elif name == "dir" and value.strip().lower() not in _DIRECTIONS:
                message = f"removed dir='{value[:20]}' from <{tag}> (dir is rtl, ltr or auto)"
                self.found.append((message, "dir="))
            elif (tag, name) in _SPANS and _span_problem(value):
                message = (
                    f"{name}='{value[:20]}' on <{tag}> is not a whole number from 1 to "
                    f"{MAX_SPAN}, so the table's cells would move; write the number of "
                    f"{'rows' if name == 'rowspan' else 'columns'} it spans"
                )
                self.found.append((message, f"{name}="))
            elif (tag, name) == ("img", "src") and data_images.is_data_url(value):
                if why := data_images.refused(value):
                    self.found.append((f"removed data: image ({why})", value[-32:]))
            elif (tag, name) in _URL_ATTRIBUTES and (why := link_problem(value)):
                # The rules contacts.yml's addresses follow (trial 6 #27): a phishing link in
                # a contributed chapter would otherwise go out live.
                what = "link" if tag == "a" else "address"
                message = f"the {what} '{shown_url(value)}' {LINK_REFUSED}{why}"
                self.found.append((message, self._written(name, _link_needle(value))))
            elif (tag, name) in _URL_ATTRIBUTES and not _url_kept(tag, value):
                shown = value if len(value) <= 60 else value[:57] + "..."
                why = (
                    "links lead to http, https, mailto or an #anchor in the report"
                    if tag == "a"
                    else "only files of the project and http(s) addresses are read"
                )
                said = f"removed {name}='{shown}' from <{tag}> ({why})"
                self.found.append((said, self._written(name, value[:40])))

    def _written(self, name: str, needle: str) -> str:
        """`needle` as the tag writes it, when it writes its attribute with character
        references (`href="&#106;avascript:…"`): the decoded value is nowhere in the
        chapter's text, so its warning had no line."""
        raw = _RAW_ATTRIBUTE.get(name)
        if raw is None:
            raw = _RAW_ATTRIBUTE[name] = re.compile(
                rf"""\s{re.escape(name)}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I
            )
        found = raw.search(self.get_starttag_text() or "")
        if found is None:
            return needle
        written = next(g for g in found.groups() if g is not None)
        return needle if "&" not in written else written[: max(40, len(needle))]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if inline_svg.svg_tag(tag) is not None and not self.skipping:
            self.handle_endtag(tag)  # <svg/> and <path/> open nothing
        elif self.skipping == tag:
            self.skipping = None

    def handle_endtag(self, tag: str) -> None:
        if tag in _SWALLOWS:
            opened = [i for i, (name, _) in enumerate(self.unclosed) if name == tag]
            if opened:
                del self.unclosed[opened[-1]]
        if self.skipping == tag:
            self.skipping = None
        elif tag == "svg" and self.in_svg and not self.skipping:
            self.in_svg -= 1

    def _svg_element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.in_svg += 1
        elif not self.in_svg:
            if tag == "title":
                self.found.append(("removed <title> element (its text is kept)", "<title"))
            else:
                self.skipping = tag.lower()
                message = f"removed <{tag}> and its content (an SVG element outside <svg>)"
                self.found.append((message, f"<{tag}"))
            return
        for name, value in attrs:
            value = value or ""
            if name.startswith("xmlns"):
                continue  # namespace declarations: the HTML parser sets the namespaces itself
            if name not in _ATTRIBUTES["*"] and not inline_svg.allowed_attribute(tag, name):
                self.found.append((f"removed {name} attribute from <{tag}>", f"{name}="))
            elif why := inline_svg.refused_value(tag, name, value):
                self.found.append((f"removed {name} from <{tag}> ({why})", value[:40]))


_HIDING_STYLE = re.compile(r"(?:^|;)\s*(display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
_STRUCK = re.compile(r"text-decoration(?:-line)?\s*:[^;]*\bline-through\b", re.I)


def _hides(name: str, value: str) -> str | None:
    """How an attribute hides its element (`hidden`, `display: none`), or None."""
    if name == "hidden":
        return "hidden"
    if name == "style" and (found := _HIDING_STYLE.search(value)):
        return f"style='{found[1]}'"
    return None


def _style_names(style: str) -> list[str]:
    return [part.split(":", 1)[0].strip().lower() for part in style.split(";") if ":" in part]


_RAW_ATTRIBUTE: dict[str, re.Pattern[str]] = {}


def _link_needle(url: str) -> str:
    """What finds a link at its line of the chapter: its address as written (an email
    autolink `<a@b.org>` is written without `mailto:`)."""
    if url.lower().startswith("mailto:"):
        url = url[len("mailto:") :]
    return url[:40]


def _url_kept(tag: str, url: str) -> bool:
    if tag == "a":
        return _link_allowed(url)
    scheme = _scheme(url)
    return scheme in _SCHEMES or scheme == ""


def removals(html: str) -> list[tuple[str, str]]:
    """(message, text to find it by in the source) for each thing `sanitize` drops."""
    parser = _Removals()
    parser.feed(html)
    parser.close()
    for tag, entry in parser.unclosed[:1]:  # the first swallows the rest, later ones too
        what = (
            "it and everything after it in the chapter are left out"
            if tag in _CONTENT_DROPPED
            else "everything after it in the chapter prints as raw text (Markdown and HTML unread)"
        )
        message = f"<{tag}> is never closed (no </{tag}>): {what}; close it, or write \\<{tag}"
        if entry < len(parser.found):
            parser.found[entry] = (message, parser.found[entry][1])
        else:
            parser.found.append((message, f"<{tag}"))
    return parser.found


# An HTML parser reads these elements' content as text up to their end tag: left open, one
# takes in the rest of the chapter (CommonMark and browsers read it so too).
_SWALLOWS = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
_SWALLOWS |= {"plaintext"}  # has no end tag at all: always the rest of the chapter


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

    def __init__(self, md: markdown.Markdown, lang: str, losses: Losses) -> None:
        super().__init__(md)
        self.lang = lang
        self.losses = losses

    def run(self, root: ET.Element) -> None:
        self._cross_references(root)
        self._undefined_footnotes(root)
        self._toc_markers(root)
        self._inline_footnotes(root)
        self._figures(root)
        self._table_captions(root)
        _lead_ins(root)
        _url_breaks(root)
        _long_tokens(root)
        if has_spacing_rules(self.lang):
            _language_spacing(root, self.lang)

    def _cross_references(self, root: ET.Element) -> None:
        """An empty link to an anchor, `[](#fig-age)`, is a cross-reference to fill in."""
        for link in root.iter("a"):
            empty = not (link.text or "").strip() and len(link) == 0
            if empty and (link.get("href") or "").startswith("#"):
                link.set("class", "xref")

    def _undefined_footnotes(self, root: ET.Element) -> None:
        """`[^nope]` with no `[^nope]: …` note stays text, as does a link definition under a
        paragraph's line: said, not printed unnoticed."""
        for element in root.iter():
            texts = [element.tail or ""]
            if element.tag not in ("code", "pre"):
                texts.append(element.text or "")
            for text in texts:
                for match in _FOOTNOTE_MARK.finditer(text):
                    message = (
                        f"footnote {match[0]} has no note (write '{match[0]}: the note' on a "
                        "line of its own): it prints as written"
                    )
                    self.losses.append((message, match[0]))
                for match in _REFERENCE_LINK.finditer(text):
                    label = match[2] or match[1]
                    message = (
                        f"link {match[0]}: no '[{label}]: address' line defines it, so it "
                        "prints as written"
                    )
                    self.losses.append((message, match[0]))
                for match in _DEFINITION_IN_TEXT.finditer(text):
                    message = (
                        f"'{match[1]}:' is text of the paragraph above it, no link definition "
                        "(CommonMark): it prints as written; leave a blank line above it"
                    )
                    self.losses.append((message, f"{match[1]}:"))

    def _toc_markers(self, root: ET.Element) -> None:
        """A paragraph `[TOC]` (Python-Markdown's and some wikis' contents marker) prints as
        written, as in CommonMark: said, since the author meant a table of contents."""
        for paragraph in root.iter("p"):
            text = (paragraph.text or "").strip()
            if len(paragraph) == 0 and text.upper() == "[TOC]":
                message = (
                    f"{text} is no contents marker here: it prints as written (the report's "
                    "contents page lists the chapters and their sections); delete the line"
                )
                self.losses.append((message, text))

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
        referred = {_footnote_target(child) for _, child in references}
        for key in notes:
            if key is not None and key not in referred:
                label = key.split(":", 1)[-1]
                message = (
                    f"footnote [^{label}] is never referred to, so it is not printed: "
                    f"refer to it with [^{label}] in the text (a figure's caption cannot call "
                    "a note), or delete it"
                )
                self.losses.append((message, f"[^{label}]:"))
        sizes = {key: sum(len(t) for t in note.itertext()) for key, note in notes.items()}
        copied = sum(sizes.get(_footnote_target(child), 0) for _, child in references)
        if copied > MAX_FOOTNOTE_CHARS:
            raise FootnotesTooLarge(copied)
        for parent, child in references:
            link = _footnote_link(child)
            assert link is not None
            note = notes.get(_footnote_target(child))
            span = ET.Element("span", {"class": "footnote"})
            span.tail = child.tail
            if note is not None:
                _fill_inline(span, note, self.md.htmlStash.rawHtmlBlocks)
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
        for parent in list(root.iter()):
            for p in list(parent):
                images = _lone_images(p)
                if not images:
                    continue
                index = list(parent).index(p)
                figures = [
                    _figure(img, p.get("id") if len(images) == 1 else None) for img in images
                ]
                figures[-1].tail = p.tail
                parent.remove(p)
                for offset, figure in enumerate(figures):
                    parent.insert(index + offset, figure)
            _rows_of_figures(parent)

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
                # `Table: Caption {#tab-x}`: attr_list reads attributes on a line of their own
                # only, so the id written at the end of the caption line is taken here.
                last = neighbour[-1] if len(neighbour) else None
                tail = (last.tail if last is not None else text) or ""
                id_match = _CAPTION_ID.search(tail)
                if id_match:
                    target = id_match["id"] or target
                    if ".landscape" in id_match["classes"].split():
                        table.set("class", "rb-landscape")  # a turned page of its own
                    if last is not None:
                        last.tail = tail[: id_match.start()]
                    else:
                        text = tail[: id_match.start()]
                if target:
                    table.set("id", target)
                caption.append(_num_span("table", target))
                caption[-1].tail = text[match.end() :]
                for inline in list(neighbour):
                    caption.append(inline)
                table.insert(0, caption)
                parent.remove(neighbour)


# Image classes that place the figure (sizes stay on the img): beside the text, on a page of
# its own, in a row with the images next to it.
_PLACEMENTS = ("left", "right", "full-page", "side-by-side")
ROW_CLASS = "figure-row"  # consecutive side-by-side figures; compose/figure_rows.py sizes them


def _lone_images(p: ET.Element) -> list[ET.Element]:
    """The images of a paragraph that holds images only: one, or several written
    `{.side-by-side}` (one line each, or on one line); [] for any other paragraph."""
    if p.tag != "p" or len(p) == 0 or (p.text or "").strip():
        return []
    if any(child.tag != "img" or (child.tail or "").strip() for child in p):
        return []
    images = list(p)
    if len(images) > 1 and not all(_side_by_side(img) for img in images):
        return []
    return images


def _side_by_side(element: ET.Element) -> bool:
    return "side-by-side" in (element.get("class") or "").split()


def _figure(img: ET.Element, paragraph_id: str | None) -> ET.Element:
    """A numbered figure of `img`, captioned by its title or alt text."""
    img.tail = None
    placed = [c for c in (img.get("class") or "").split() if c in _PLACEMENTS]
    figure = ET.Element("figure", {"class": " ".join(["figure", *placed])})
    target = img.attrib.pop("id", None) or paragraph_id
    if target:
        figure.set("id", target)
    caption_text = img.get("title") or img.get("alt") or ""
    if caption_text:
        caption = ET.SubElement(figure, "figcaption")
        caption.append(_num_span("figure", target))
        caption[-1].tail = caption_text
    figure.append(img)
    return figure


def _rows_of_figures(parent: ET.Element) -> None:
    """Two or more side-by-side figures in a row go in one `<div class="figure-row">`."""
    runs: list[list[ET.Element]] = []
    run: list[ET.Element] = []
    for child in parent:
        joins = not run or not (run[-1].tail or "").strip()  # nothing written between them
        if child.tag == "figure" and _side_by_side(child) and joins:
            run.append(child)
            continue
        runs.append(run)
        run = [child] if child.tag == "figure" and _side_by_side(child) else []
    runs.append(run)
    for figures in runs:
        if len(figures) < 2:
            continue
        index = list(parent).index(figures[0])
        row = ET.Element("div", {"class": ROW_CLASS})
        row.tail = figures[-1].tail
        for figure in figures:
            parent.remove(figure)
            figure.tail = None
            row.append(figure)
        parent.insert(index, row)


_URL = re.compile(r"https?://[^\s<>\"\x00-\x1f]+[^\s<>\".,;:!?)\]'\x00-\x1f]")
# Python-Markdown holds a backslash-escaped character as \x02<its code>\x03 until its last
# tree processor turns it back into the character: done here first in text holding a URL.
_ESCAPED = re.compile("\x02(\\d+)\x03")
_NO_URL_BREAKS = {"a", "code", "pre", "kbd", "samp"}


def _lead_ins(root: ET.Element) -> None:
    """A paragraph ending with a colon introduces what follows: it must not end a page."""
    for parent in root.iter():
        children = list(parent)
        for p in children[:-1]:  # only a paragraph with something after it leads in
            if p.tag == "p" and "".join(p.itertext()).rstrip().endswith(":"):
                p.set("class", " ".join(filter(None, [p.get("class"), "lead-in"])))


def _break_at_slashes(element: ET.Element, text: str) -> None:
    """`text` into `element`, with a break opportunity after each `/` but the scheme's: a
    URL breaks between its parts, never with a hyphen."""
    element.text = (element.text or "") + with_breaks(re.split(r"(?<=[^/:]/)(?=[^/])", text))


# A break opportunity written into the text (what `<wbr>` draws): one element per break
# cost WeasyPrint a box each, and 2 KB of `_a` with a `<wbr>` after each `_` took 16 s
# to lay out (trial 5 #8).
def with_breaks(parts: list[str]) -> str:
    """`parts` joined with a break opportunity between them."""
    return ZWSP.join(parts)


# A run with no space this long may not fit a line of an A5 page: it may break inside, where
# nothing else lets the line end (a Windows path, a file name with `_`, an ID).
LONG_TOKEN = 30
# A run counts Markdown's escapes (`\_` is held as STX 95 ETX) as one character; any other
# placeholder (a raw HTML tag, a typographic quote or space smarty set aside) ends it.
_LONG_RUN = re.compile(rf"(?:[^\s\x02\x03]|\x02\d+\x03){{{LONG_TOKEN},}}")
_AFTER_SEPARATOR = re.compile(r"(?:(?<=[\\_.])|(?<=\x02(?:92|95|46)\x03))(?=[^\\_.\s\x02])")
# Not split: code blocks (render/code_lines.py does), URLs (at their slashes), table cells
# (their width is measured; breaking anywhere would narrow columns), drawings.
_KEEP_TOKENS = {"pre", "a", "th", "td", "caption", "svg", "style", "script"}


def _long_tokens(element: ET.Element) -> None:
    """Over-long runs of text with no space go in `<span class="rb-long">`, which the theme
    lets break anywhere as a last resort, with break opportunities after `\\`, `_` and `.`
    first: such a run ran past the paper's edge and its end was cut (trial 5 #7)."""
    if element.tag in _KEEP_TOKENS or "url" in (element.get("class") or "").split():
        return
    for child in list(element):
        _long_tokens(child)
    if element.text and _has_long_token(element.text):
        pieces = _token_pieces(element.text)
        element.text = pieces[0] if isinstance(pieces[0], str) else ""
        for index, span in enumerate(p for p in pieces if not isinstance(p, str)):
            element.insert(index, span)
    for child in list(element):
        if child.tail and _has_long_token(child.tail):
            pieces = _token_pieces(child.tail)
            child.tail = pieces[0] if isinstance(pieces[0], str) else ""
            at = list(element).index(child) + 1
            for offset, span in enumerate(p for p in pieces if not isinstance(p, str)):
                element.insert(at + offset, span)


def _has_long_token(text: str) -> bool:
    return any(len(word) >= LONG_TOKEN for word in text.split()) and bool(_LONG_RUN.search(text))


def _token_pieces(text: str) -> list[str | ET.Element]:
    """Text as [leading text, span, span …], each span a long run, the text after it its tail."""
    pieces: list[str | ET.Element] = [""]
    last = 0
    for match in _LONG_RUN.finditer(text):
        if isinstance(pieces[-1], str):
            pieces[-1] += text[last : match.start()]
        else:
            pieces[-1].tail = (pieces[-1].tail or "") + text[last : match.start()]
        span = ET.Element("span", {"class": "rb-long"})
        span.text = with_breaks(_AFTER_SEPARATOR.split(match[0]))
        pieces.append(span)
        last = match.end()
    if isinstance(pieces[-1], str):
        pieces[-1] += text[last:]
    else:
        pieces[-1].tail = (pieces[-1].tail or "") + text[last:]
    return pieces


def _url_breaks(root: ET.Element) -> None:
    """URLs in running text go in `<span class="url">` with break opportunities at their
    slashes; a link whose text is a URL gets the same break opportunities."""
    for link in root.iter("a"):
        if len(link) == 0 and link.text and _URL.fullmatch(link.text.strip()):
            text, link.text = link.text, None
            _break_at_slashes(link, text)
    _urls_in(root)


def _urls_in(element: ET.Element) -> None:
    if element.tag in _NO_URL_BREAKS:
        return
    for child in list(element):
        _urls_in(child)
    if element.text and _URL.search(_ESCAPED.sub("_", element.text)):
        pieces = _url_pieces(element.text)
        element.text = pieces[0] if isinstance(pieces[0], str) else ""
        for index, span in enumerate(p for p in pieces if not isinstance(p, str)):
            element.insert(index, span)
    for child in list(element):
        if child.tail and _URL.search(_ESCAPED.sub("_", child.tail)):
            pieces = _url_pieces(child.tail)
            child.tail = pieces[0] if isinstance(pieces[0], str) else ""
            at = list(element).index(child) + 1
            for offset, span in enumerate(p for p in pieces if not isinstance(p, str)):
                element.insert(at + offset, span)


def _url_pieces(text: str) -> list[str | ET.Element]:
    """Text as [leading text, span, span …], each span a URL with the text after it as tail."""
    text = _ESCAPED.sub(lambda m: chr(int(m[1])) if 0 < int(m[1]) < 0x110000 else m[0], text)
    pieces: list[str | ET.Element] = []
    last = 0
    lead = ""
    for match in _URL.finditer(text):
        if not pieces:
            lead = text[last : match.start()]
        else:
            span_before = pieces[-1]
            assert isinstance(span_before, ET.Element)
            span_before.tail = text[last : match.start()]
        span = ET.Element("span", {"class": "url"})
        _break_at_slashes(span, match[0])
        pieces.append(span)
        last = match.end()
    if pieces:
        final = pieces[-1]
        assert isinstance(final, ET.Element)
        final.tail = text[last:]
    return [lead, *pieces]


_CAPTION_ID = re.compile(
    r"\s*\{:?\s*(?=[#.])(?:#(?P<id>[\w:.-]+))?\s*(?P<classes>(?:\.[\w-]+\s*)*)\}\s*$"
)


def _footnote_target(element: ET.Element) -> str:
    link = _footnote_link(element)
    return "" if link is None else (link.get("href") or "").lstrip("#")


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


def _fill_inline(target: ET.Element, note: ET.Element, stash: Sequence[object]) -> None:
    """Copy a footnote list item's content into the note's span. The first paragraph runs on
    after the note's number; every other block keeps its shape as a span the theme sets as a
    block (`fn-p`, `fn-list` of `fn-item`s, `fn-code` keeping its lines, `fn-table` of
    `fn-tr`/`fn-th`/`fn-td`, `fn-quote`): a `<span class="footnote">` lives inside a
    paragraph, where a `<ul>`, `<pre>` or `<table>` would end the paragraph (the list and
    table were run into one line of text; a fenced code block went into the body).

    A copy, so that a note referred to twice is filled in twice; a footnote reference in the
    note itself (a note within a note) is left out.
    """
    _blocks_into(target, note, stash, first_inline=True)
    # The footnotes extension puts a no-break space before the back-link we dropped.
    _strip_last(target)
    # WeasyPrint 70 fails on a line break inside a footnote that follows a space ("…/698).
    # \nHowever" in Python-Markdown's docs): a code block's lines are `<br>`s.
    for element in target.iter():
        if element.text:
            element.text = _LINE_BREAK.sub(" ", element.text)
        if element.tail and element is not target:
            element.tail = _LINE_BREAK.sub(" ", element.tail)


_NOTE_BLOCKS = {"p", "ul", "ol", "pre", "table", "blockquote", "div", "dl", "hr", "details"}
_NOTE_BLOCKS |= {f"h{level}" for level in range(1, 7)}
_STASH_MARK = re.compile("\x02wzxhzdk:(\\d+)\x03")


def _strip_last(element: ET.Element) -> None:
    """Trailing spaces off the last text inside `element` (the note's end)."""
    if not len(element):
        element.text = _strip_end(element.text)
        return
    last = element[-1]
    last.tail = _strip_end(last.tail)
    if not last.tail:
        _strip_last(last)


def _add_text(target: ET.Element, text: str | None) -> None:
    if not text:
        return
    if len(target):
        target[-1].tail = (target[-1].tail or "") + text
    else:
        target.text = (target.text or "") + text


def _blocks_into(
    target: ET.Element, element: ET.Element, stash: Sequence[object], *, first_inline: bool
) -> None:
    """`element`'s text and children into `target`: inline content copied, each block as a
    span of its kind; with `first_inline`, a first paragraph's content runs inline."""
    text = element.text if element.tag not in ("div", "ul", "ol", "blockquote", "table") else ""
    started = bool((text or "").strip())
    _add_text(target, (text or "").lstrip() if not len(target) else text)
    for child in element:
        backref = child.tag == "a" and "footnote-backref" in (child.get("class") or "")
        if backref or _footnote_link(child) is not None:
            _add_text(target, child.tail if (child.tail or "").strip() or not backref else None)
            continue
        if child.tag not in _NOTE_BLOCKS:
            target.append(_without_references(copy.deepcopy(child)))
            continue
        if child.tag == "hr":
            continue
        if child.tag == "p" and first_inline and not started and _stashed(child, stash) is None:
            _blocks_into(target, child, stash, first_inline=False)
        else:
            made = _block_span(child, stash)
            if not len(made) and not (made.text or "").strip():
                continue  # a paragraph that held only the back-link
            target.append(made)
        started = True
        if (child.tail or "").strip():
            _add_text(target, child.tail)


def _stashed(paragraph: ET.Element, stash: Sequence[object]) -> str | None:
    """The raw HTML a paragraph stands for (a fenced code block Markdown set aside), if it
    holds only its placeholder (and the back-link's no-break space)."""
    text = (paragraph.text or "").replace(NBSP_PLACEHOLDER, "").strip()
    found = _STASH_MARK.fullmatch(text)
    rest = [c for c in paragraph if "footnote-backref" not in (c.get("class") or "")]
    if found is None or rest or int(found[1]) >= len(stash):
        return None
    return str(stash[int(found[1])])


def _span(kind: str) -> ET.Element:
    return ET.Element("span", {"class": f"fn-{kind}"})


def _code_span(text: str) -> ET.Element:
    """A code block in a note: its lines kept, as `<br>`s (see `_fill_inline`)."""
    span = _span("code")
    code = ET.SubElement(span, "code")
    lines = text.strip("\n").split("\n")
    code.text = lines[0]
    for line in lines[1:]:
        ET.SubElement(code, "br").tail = line
    return span


def _block_span(block: ET.Element, stash: Sequence[object]) -> ET.Element:
    """A block of a footnote as a span of its kind (see `_fill_inline`)."""
    if block.tag == "p" and (raw := _stashed(block, stash)) is not None:
        text = unescape(re.sub(r"<[^>]+>", "", raw))
        if "<pre" in raw:
            return _code_span(text)
        span = _span("p")
        span.text = " ".join(text.split())
        return span
    if block.tag == "pre":
        return _code_span("".join(block.itertext()))
    if block.tag in ("ul", "ol"):
        span = _span("list")
        for number, item in enumerate(block, start=int(block.get("start") or 1)):
            row = ET.SubElement(span, "span", {"class": "fn-item"})
            row.text = f"{number}. " if block.tag == "ol" else "– "
            _blocks_into(row, item, stash, first_inline=True)
        return span
    if block.tag == "table":
        span = _span("table")
        for tr in block.iter("tr"):
            row = ET.SubElement(span, "span", {"class": "fn-tr"})
            for cell in tr:
                kind = "th" if cell.tag == "th" else "td"
                right = cell.get("align") == "right"
                shown = ET.SubElement(
                    row, "span", {"class": f"fn-{kind}" + (" fn-num" if right else "")}
                )
                _blocks_into(shown, cell, stash, first_inline=True)
        return span
    span = _span("quote" if block.tag == "blockquote" else "p")
    if block.tag[:1] == "h" and block.tag[1:].isdigit():
        strong = ET.SubElement(span, "strong")
        _blocks_into(strong, block, stash, first_inline=True)
        return span
    _blocks_into(span, block, stash, first_inline=True)
    return span


_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


def _strip_end(text: str | None) -> str | None:
    if text is None:
        return None
    while True:
        trimmed = text.rstrip().removesuffix(NBSP_PLACEHOLDER)
        if trimmed == text:
            return text
        text = trimmed


def _language_spacing(root: ET.Element, lang: str) -> None:
    """The language's spacing rules (`language.typeset`) on all text but code; in French,
    ordinals (1er, 2e, XXIe) with their ending raised (trial 5 #19)."""
    for element in root.iter():
        if element.text and element.tag not in ("code", "pre"):
            element.text = typeset(element.text, lang)
        if element.tail:  # the text after a code span is prose again
            element.tail = typeset(element.tail, lang)
    if base_language(lang) == "fr":
        _french_ordinals(root)


def _french_ordinals(root: ET.Element) -> None:
    """`1er` → 1<sup>er</sup> in the text of every element but code, links' addresses
    untouched (only text is read), a word such as "Le" or "Ces" left alone."""
    in_code = {
        id(inner) for element in root.iter() if element.tag in ("code", "pre", "sup")
        for inner in element.iter()
    }  # fmt: skip
    for parent in list(root.iter()):
        if id(parent) in in_code:
            continue
        children = list(parent)
        # An address written as text (`https://x.org/2e`) is printed as written.
        if parent.text and "://" not in parent.text and FRENCH_ORDINAL.search(parent.text):
            parent.text, raised = _raised(parent.text)
            for offset, sup in enumerate(raised):
                parent.insert(offset, sup)
        for child in children:
            if child.tail and "://" not in child.tail and FRENCH_ORDINAL.search(child.tail):
                child.tail, raised = _raised(child.tail)
                at = list(parent).index(child) + 1
                for offset, sup in enumerate(raised):
                    parent.insert(at + offset, sup)


def _raised(text: str) -> tuple[str, list[ET.Element]]:
    """`text` up to its first ordinal's ending, and `<sup>` elements holding each ending
    with the text after it as their tail."""
    pieces: list[ET.Element] = []
    head = None
    position = 0
    for match in FRENCH_ORDINAL.finditer(text):
        if match[1] in ("L", "C"):  # "Le", "Ces": words, no ordinals
            continue
        before = text[position : match.end(1)]
        if pieces:
            pieces[-1].tail = before
        else:
            head = before
        sup = ET.Element("sup", {"class": "ordinal"})
        sup.text = match[2]
        pieces.append(sup)
        position = match.end()
    if not pieces:
        return text, []
    pieces[-1].tail = text[position:]
    return head or "", pieces


# Python-Markdown marks stashed text and escaped characters with STX/ETX (U+0002/U+0003);
# some paths (an escaped character in an autolink) let them through, raw or as `&#2;`.
_STX = r"(?:\x02|&#0*2;|&#x0*2;)"
_ETX = r"(?:\x03|&#0*3;|&#x0*3;)"
_ESCAPED_CHAR = re.compile(_STX + r"((?:\d|&#\d+;)+)" + _ETX)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|&#0*(?:[0-8]|1[1-24-9]|2\d|3[01]|127);")
_STYLE = re.compile(r"""(<[a-zA-Z][^<>]*?)\sstyle=(["'])([^"'<>]*)\2""")  # linear
_TEXT_ALIGN = re.compile(r"^\s*text-align\s*:\s*(left|right|center|justify)\s*$", re.I)
_NUL = re.compile(r"&#0+;|&#x0+;", re.I)
_NOT_A_REFERENCE = re.compile(r"&(#\d{8,};|#x[0-9a-f]{7,};)", re.I)  # CommonMark: kept as text
# A task box: pymdownx's `- [x]`, or one written in raw HTML (attributes in any order).
_CHECKBOX = re.compile(r"""<input\b[^<>]*?\btype\s*=\s*["']?checkbox\b["']?[^<>]*>""", re.I)
_CHECKED = re.compile(r"""\schecked(?=[\s/>=])""", re.I)


def _align_from_style(match: re.Match[str]) -> str:
    """`style="text-align: right"` → `align="right"`: the one style property authors need,
    kept as an attribute the theme styles, so no style attribute ever reaches the page."""
    parts = [part for part in match[3].split(";") if part.strip()]
    aligns = [found[1].lower() for part in parts if (found := _TEXT_ALIGN.match(part))]
    if not aligns:
        return match[0]
    rest = "; ".join(part.strip() for part in parts if not _TEXT_ALIGN.match(part))
    return f'{match[1]} align="{aligns[-1]}"' + (f' style="{rest}"' if rest else "")


_HEADING_BREAK = re.compile(r"^( {0,3}#{1,6}[ \t].*?<br\s*/?>)(?=\S)", re.IGNORECASE)


class _SpacedHeadingBreaks(Preprocessor):
    """`# Title line<br>second line`: a space after the `<br>` of an ATX heading, which the
    body's title does not show (a line starts there) and the contents and the running
    header, where the break is removed, need ("Title linesecond line", trial 6 #44). Runs
    after the fences are set aside: a `#` comment in code is not touched."""

    def run(self, lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            while "<br" in line.lower() and (spaced := _HEADING_BREAK.sub(r"\1 ", line)) != line:
                line = spaced
            out.append(line)
        return out


class _CleanOutput(Postprocessor):
    """Placeholders and control characters out; task-list boxes as spans the theme draws;
    `text-align` styles as `align`."""

    def run(self, text: str) -> str:
        def escaped(match: re.Match[str]) -> str:
            digits = unescape(match[1])
            return escape(chr(int(digits))) if digits.isdigit() and int(digits) < 0x110000 else ""

        text = _ESCAPED_CHAR.sub(escaped, text)
        text = _NUL.sub("\ufffd", text)  # as CommonMark says for `&#0;`
        text = _NOT_A_REFERENCE.sub(r"&amp;\1", text)
        text = _CONTROL.sub("", text)
        text = _STYLE.sub(_align_from_style, text)
        return _CHECKBOX.sub(
            lambda m: (
                '<span class="task-box done"></span>'
                if _CHECKED.search(m[0])
                else '<span class="task-box"></span>'
            ),
            text,
        )


class _ReportTable(TableProcessor):
    """Python-Markdown's pipe tables, with two GFM rules it lacks: `\\|` is a `|` in a cell
    (also in a code span), and a row's cells beyond the header's are reported, not dropped
    unnoticed (GFM drops them too)."""

    def __init__(self, parser: BlockParser, config: dict[str, Any], losses: Losses) -> None:
        super().__init__(parser, config)
        self.losses = losses

    def _build_row(self, row: str, parent: ET.Element, align: Sequence[str | None]) -> None:
        tr = ET.SubElement(parent, "tr")
        tag = "th" if parent.tag == "thead" else "td"
        cells = self._split_row(row)
        extra = [cell.strip() for cell in cells[len(align) :]]
        if any(extra):
            shown = " | ".join(extra)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            message = (
                f"table row has {len(cells)} cells but the header has {len(align)}: "
                f"'{shown}' is not printed (add a column to the header, or write | in a "
                "cell as \\|)"
            )
            self.losses.append((message, row.strip()[:60]))
        for index, alignment in enumerate(align):
            cell = ET.SubElement(tr, tag)
            text = cells[index].strip(" ") if index < len(cells) else ""
            cell.text = _ESCAPED_PIPE.sub(r"\1|", text)
            if alignment:
                cell.set("align", alignment)


# `\|` not preceded by an escaped backslash (`\\|` is a backslash, then a cell's end).
_ESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\\\|")
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s\[]+\]")  # no `[` in it: a linear scan
# `[text][label]` left as text: Python-Markdown found no `[label]: …` definition.
_REFERENCE_LINK = re.compile(r"\[([^\[\]\n]+)\]\[([^\[\]\n]*)\]")
# `[label]:` starting a line inside a paragraph: a definition written under a line of text.
_DEFINITION_IN_TEXT = re.compile(r"\n[ ]{0,3}(\[[ \t]*[^\[\]\s^][^\[\]\n]*\]):")
Losses = list[tuple[str, str]]  # (message, text to find it by in the source)


class ReportExtension(Extension):
    """Our tree processors and tables, and the record of what Markdown would lose."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.losses: Losses = []  # what Markdown would drop or print unnoticed, this document

    def reset(self) -> None:
        self.losses.clear()

    def _watch_footnote_definitions(self, md: markdown.Markdown) -> None:
        """A second `[^a]: …` replaces the first in Python-Markdown: say that one is lost."""
        footnotes = next(
            (e for e in md.registeredExtensions if isinstance(e, FootnoteExtension)), None
        )
        if footnotes is None:
            return
        store = footnotes.setFootnote
        losses = self.losses

        def set_footnote(label: str, text: str) -> None:
            if label in footnotes.footnotes:
                message = (
                    f"footnote [^{label}] is defined twice: the first note is not printed; "
                    "give each note its own label"
                )
                losses.append((message, f"[^{label}]:"))
            store(label, text)

        footnotes.setFootnote = set_footnote

    @staticmethod
    def _linear_footnote_marks(md: markdown.Markdown) -> None:
        """`[^label]` with no `[` in the label: Python-Markdown's `[^…]` pattern scanned
        from each `[^` to the next `]`, to the end of the paragraph when there is none
        (`[^` written 20 000 times took 20 s)."""
        if "footnote" in md.inlinePatterns:
            md.inlinePatterns["footnote"].compiled_re = re.compile(
                r"\[\^([^\]\[]*)\]", re.DOTALL | re.UNICODE
            )

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtension(self)  # `md.reset()` calls `reset`
        self._watch_footnote_definitions(md)
        self._linear_footnote_marks(md)
        # A drawing on lines of its own is one HTML block, blank lines and all, not paragraphs.
        md.block_level_elements.append("svg")
        md.parser.blockprocessors.register(
            _ReportTable(md.parser, {"use_align_attribute": True}, self.losses), "table", 75
        )
        watch_indented_prose(md.parser, self.losses)
        watch_pasted_lists(md.parser, self.losses)
        md.treeprocessors.register(_ReportTree(md, self.lang, self.losses), "reportbuilder", 1)
        md.postprocessors.register(_CleanOutput(md), "reportbuilder-clean", 0)
        md.preprocessors.register(_SpacedHeadingBreaks(md), "heading-breaks", 20)


class _Markdown(markdown.Markdown):
    """Markdown whose extensions named by us (and by pymdownx's superfences, which adds
    `pymdownx.highlight` by name) are made from their modules, as Markdown makes them when
    no installed plugin has the name: without first reading the entry points of every
    installed distribution (`importlib.metadata`; about 30 ms on the first chapter a
    `check` converts). A plugin installed under one of these names is not ours to run."""

    def build_extension(self, ext_name: str, configs: Mapping[str, Any]) -> Extension:
        module = _OURS.get(ext_name)
        if module is None:
            return super().build_extension(ext_name, configs)
        made = importlib.import_module(module).makeExtension(**configs)
        if not isinstance(made, Extension):
            raise TypeError(f"{module}.makeExtension() made no Markdown extension")
        return made


_MARKDOWNS = ("tables", "footnotes", "attr_list", "def_list", "admonition", "sane_lists")
_OURS = {
    **{name: f"markdown.extensions.{name}" for name in _MARKDOWNS},
    **{name: f"markdown.extensions.{name}" for name in ("smarty", "toc", "abbr", "md_in_html")},
    **{f"pymdownx.{name}": f"pymdownx.{name}" for name in ("superfences", "highlight")},
    **{f"pymdownx.{name}": f"pymdownx.{name}" for name in ("tilde", "tasklist")},
}


def make_markdown(
    lang: str, slugify: Callable[[str, str], str], *, tilde: bool = True
) -> markdown.Markdown:
    """A Markdown converter for chapters (their heading ids come from `slugify`).

    `tilde=False` leaves out `~~strikethrough~~` (pymdownx.tilde), for a text without any
    `~`, where it changes nothing: its patterns take longer to compile than a short report
    takes to convert."""
    substitutions = quote_substitutions(lang)
    report = ReportExtension(lang)
    alerts = GithubAlerts(lang, report.losses)
    return _Markdown(
        extensions=[
            "tables",
            "footnotes",
            "attr_list",
            "def_list",
            "admonition",
            "sane_lists",
            "smarty",
            "toc",
            "abbr",
            "pymdownx.superfences",
            "pymdownx.highlight",
            *(["pymdownx.tilde"] if tilde else []),
            "pymdownx.tasklist",
            "md_in_html",  # `markdown="1"`: see CommonMarkRules (HTML blocks end at a blank line)
            GfmTables(),  # a pipe table right under a paragraph line starts there
            alerts,  # `> [!NOTE]` is a titled callout, as on GitHub
            CommonMarkRules(),  # after sane_lists
            report,
            CommonMarkLists(report.losses),
        ],
        extension_configs={
            # No `[TOC]` marker: the report has its contents page, and the marker printed an
            # empty box where the text "[TOC]" was (CommonMark and GitHub print it as written).
            "toc": {"slugify": slugify, "toc_depth": "1-3", "marker": ""},
            # `align=` rather than a style attribute: the theme styles it, the sanitiser keeps it
            "tables": {"use_align_attribute": True},
            # Classes, not inline colours: the theme's code.css prints them in black and white.
            "pymdownx.highlight": {
                "use_pygments": True,
                "css_class": "highlight",
                "guess_lang": False,
                "pygments_lang_class": True,
            },
            # Any info string opens a fence, as in CommonMark (MyST's "```{note} Title" too)
            "pymdownx.superfences": {"relaxed_headers": True},
            **({"pymdownx.tilde": {"subscript": False}} if tilde else {}),  # "~5 %" stays text
            "smarty": {"substitutions": substitutions},
            "footnotes": {"BACKLINK_TEXT": ""},
        },
        output_format="html",
    )


MAX_FOOTNOTE_CHARS = 1_000_000  # text of the notes a chapter's references copy in, together


class FootnotesTooLarge(Exception):
    """Each footnote reference gets its own copy of the note (it is printed at the foot of
    the reference's page): many references to a long note would build a huge document."""

    def __init__(self, chars: int) -> None:
        super().__init__(chars)
        self.chars = chars


def convert(text: str, md: markdown.Markdown) -> tuple[str, list[tuple[str, str]]]:
    """Markdown text → sanitised HTML fragment, and what was lost on the way: what the
    sanitiser removed (`removals`) and what Markdown drops or prints as written (table cells
    beyond the header's, unused notes, `[^x]` without a note). Raises `TooCostly` for a
    text that would take minutes to read."""
    check_tag_scan(text)
    md.reset()
    html, _ = not_tags.as_text(md.convert(text))
    html, formulas = mathml.as_html(html)  # the sanitiser would drop a formula with its text
    html = _SECTIONING.sub(r"<\1div", html)  # blocks of their own, not run into one paragraph
    losses = [
        loss
        for extension in md.registeredExtensions
        if isinstance(extension, ReportExtension)
        for loss in extension.losses
    ]
    for formula in formulas:
        shown = formula if len(formula) <= 60 else formula[:57] + "..."
        losses.append((f"MathML formula printed as plain text: '{unescape(shown)}'", "<math"))
    clean = sanitize(html)
    if "<use" in clean:
        clean, bombs = _without_svg_bombs(clean, text)
        losses += bombs
    if "<h" in clean:
        clean = _raw_heading_ids(clean, md)
    if "<![CDATA[" in html or "<?" in html:
        losses += _hidden_sections(_CODE.sub("", html))
    if "&lt;!" in clean and _COMMENT_PRINTED.search(_CODE.sub("", clean)):
        # `<!-- TODO` with no `-->`: the note the author meant hidden is printed (trial 6 #28)
        message = "this HTML comment is never closed (no -->), so it is printed; close it"
        losses.append((message, "<!--"))
    check_cell_runs(clean, text)
    return break_long_runs(clean), removals(html) + losses


_COMMENT_PRINTED = re.compile(r"&lt;!(?:--|\u2013|&ndash;)")
_HIDDEN_SECTION = re.compile(r"<!\[CDATA\[(.*?)\]\]>|<\?(.*?)\?>", re.DOTALL)


def _hidden_sections(html: str) -> list[tuple[str, str]]:
    """A CDATA section or a processing instruction (`<?php … ?>`) written as raw HTML: a
    browser and the PDF show nothing of it (trial 7 #9: "A <![CDATA[x < y]]> end" printed
    "A end"). Said at its line; in backticks it prints as typed."""
    found = []
    for match in _HIDDEN_SECTION.finditer(html):
        what = "a CDATA section" if match[1] is not None else "a processing instruction"
        inside = " ".join((match[1] if match[1] is not None else match[2]).split())
        shown = inside if len(inside) <= 40 else inside[:37] + "..."
        message = f"{what} is not printed ('{shown}'): put it in backticks to show it as code"
        found.append((message, match[0].split("\n", 1)[0][:60]))
    return found


_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)
_RAW_HEADING = re.compile(r"<h([1-6])((?:\s[^<>]*)?)>(.*?)</h\1>", re.DOTALL | re.IGNORECASE)
_ID = re.compile(r"""\sid\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def _raw_heading_ids(html: str, md: markdown.Markdown) -> str:
    """A heading written in raw HTML (`<h2>Results</h2>`) gets the id a Markdown heading of
    that text gets, so `[see](#results)` leads to it (it had none: the link was refused)."""
    try:
        slugify = md.treeprocessors["toc"].slugify
    except (KeyError, AttributeError):  # a converter without the toc extension
        return html
    taken = set(_ID.findall(html))

    def with_id(match: re.Match[str]) -> str:
        if _ID.search(match[2] or ""):
            return match[0]
        words = unescape(re.sub(r"<[^>]+>", "", match[3])).strip()
        if not words:
            return match[0]
        base = slugify(words, "-")
        made, number = base, 1
        while made in taken:
            made, number = f"{base}_{number}", number + 1
        taken.add(made)
        return f'<h{match[1]}{match[2] or ""} id="{made}">{match[3]}</h{match[1]}>'

    return _RAW_HEADING.sub(with_id, html)


# HTML5's sectioning and contact elements: the theme styles its own `section`, `header` and
# `footer`, so an author's are read as plain blocks (`<address>` then `<aside>` ran together
# into one paragraph when the sanitiser removed them).
_SECTIONING = re.compile(
    r"<(/?)(?:address|aside|article|section|header|footer|nav|main|hgroup)(?=[\s/>])", re.I
)
_INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL | re.IGNORECASE)
_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)\w+;")


def _without_svg_bombs(html: str, text: str) -> tuple[str, list[tuple[str, str]]]:
    """Inline drawings whose `<use>` copies multiply past what a layout can draw (a few
    hundred bytes can ask for a billion shapes) are left out, each said at its own line
    (`_svg_needle`: found by its text in `text`, the Markdown)."""
    from reportbuilder.project.image_files import drawing_problem

    found: list[tuple[str, str]] = []

    def one(match: re.Match[str]) -> str:
        fragment = match[0]
        if "<use" not in fragment:
            return fragment
        xml = _ENTITY.sub(" ", fragment.replace("xlink:href=", "href="))
        try:
            problem = drawing_problem(ET.fromstring(xml))
        except ET.ParseError:
            problem = "an inline SVG drawing with <use> copies that cannot be counted"
        if problem is None:
            return fragment
        found.append((f"inline <svg> left out: {problem}", _svg_needle(fragment, text)))
        return ""

    return _INLINE_SVG.sub(one, html), found


def _svg_needle(fragment: str, text: str) -> str:
    """Text that finds the drawing `fragment` (sanitised) at its own line of the chapter:
    the first lines of the drawing in `text` (the Markdown) that sanitise to it, as many as
    it takes for them to be written nowhere else in `text`; `<svg` (the chapter's first
    drawing) when no drawing there is this one (one a template wrote, say)."""
    lowered = text.lower()
    for written in _INLINE_SVG.finditer(text):
        if sanitize(written[0]).strip() != fragment.strip():
            continue
        lines = written[0].split("\n")
        for count in range(1, len(lines) + 1):
            needle = "\n".join(lines[:count])
            if lowered.count(needle.lower()) == 1:
                return needle
        return lines[0]
    return "<svg"


def to_html(text: str, md: markdown.Markdown) -> str:
    """Markdown text → sanitised HTML fragment."""
    return convert(text, md)[0]
