"""Where Python-Markdown reads Markdown otherwise than CommonMark (and GitHub) and authors
expect the CommonMark reading, the CommonMark rule — each one small and local:

- any ASCII punctuation can be escaped with a backslash (`\\$`, `\\<`, `\\&` …);
- a backslash at the end of a line is a hard line break;
- ATX headings: up to three spaces before `#`, seven `#` are not a heading, and a closing
  run of `#` needs a space before it (`# C#` is "C#"); a heading without a space after `#`
  (`#Title`) stays a heading, as Python-Markdown always read it, so no report changes shape;
- ordered lists: `1)` as well as `1.`, and at most nine digits;
- a list ends where its items change delimiter (`1.` then `1)`), bullet (`-` then `*`) or
  kind (`1.` then `-`): what follows is a new list, as in CommonMark (Python-Markdown
  continued the list, or took the item for text of the one above);
- thematic breaks: any spaces between the three `-`, `*` or `_`;
- two quotes separated by a blank line are two quotes (Python-Markdown made one of them);
- a `---` or `===` line under a list item, a quote or a rule is no heading underline:
  `- last point` then `---` is a list and a rule (Python-Markdown made a heading "- last
  point", the list gone);
- an escaped `&` is a literal ampersand: `\\&ouml;` prints "&ouml;", not "ö";
- links: a reference's label follows its text without a space (`[foo] [bar]` is the text
  "[foo]" and a link "bar", not a link "foo" with "bar" gone), and a destination with a
  space is no link (`[foo](not a link)` prints as written; write `<my page>` or `%20`).
  Images keep Python-Markdown's leniency: `![Map](assets/my map.png)` is that file;
- no link where CommonMark sees none: `[link](<foo⏎bar>)`, `[a](<b)c`,
  `[link](/url "title "and" title")` print as written (Python-Markdown linked a part and the
  rest was gone), and a link's text holds no other link (`[foo [bar](/uri)][ref]`), an
  autolink opened inside the brackets winning over them;
- a link definition starts a block (it cannot interrupt a paragraph: `Foo⏎[bar]: /baz` is
  text) and has a label that is not blank (`[]: /uri` is text), its `<destination>` ending
  at its `>`; a setext underline after one is text;
- a tag CommonMark does not read as one is text (`</a href="foo">`, `<a h*#ref="hi">`): it
  was passed on as HTML, and the sanitiser dropped it, text and all;
- an autolink's text is as written (`<https://x.org/?q=\\*>` keeps its backslash) and holds
  no space; `<foo\\+@bar.org>` is text (an escape in it: no mail link);
- `{…}` is an attribute list (`{#id .class key=value}`) only when it holds nothing else:
  `# Results {2025}`, `{#}`, `*x*{ y }` keep their braces as text (attr_list took any word
  for an attribute, which the sanitiser then removed, and the text was gone);
- an HTML block ends at a blank line, and what follows is Markdown: `<details>`, then a
  blank line, then a list and a table, then `</details>` (GitHub's habit) prints a list and
  a table inside the details (Python-Markdown kept the whole block as raw HTML, and the
  list, the table and `**bold**` printed as one line of text with their marks).
"""

from __future__ import annotations

import re
import string
import xml.etree.ElementTree as ET

import markdown
from markdown.blockprocessors import (
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor
from markdown.inlinepatterns import (
    HTML_RE,
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    AutolinkInlineProcessor,
    AutomailInlineProcessor,
    HtmlInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    InlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from reportbuilder.compose.linear_links import IMAGE_TAIL, LinearText, bounded_tail


class _HashHeader(HashHeaderProcessor):
    RE = re.compile(r"(?:^|\n)[ ]{0,3}(?P<level>#{1,6})(?!#)(?P<header>[^\n]*)(?:\n|$)")

    def test(self, parent: ET.Element | None, block: str) -> bool:
        return "#" in block and bool(self.RE.search(block))

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        m = self.RE.search(block)
        assert m is not None  # `test` found it
        if before := block[: m.start()]:
            self.parser.parseBlocks(parent, [before])
        heading = ET.SubElement(parent, f"h{len(m['level'])}")
        heading.text = _without_closing_run(m["header"])
        if after := block[m.end() :]:
            if self.parser.state.isstate("looselist"):
                after = self.looseDetab(after)
            blocks.insert(0, after)


def _without_closing_run(text: str) -> str:
    """A heading's text without its closing `#` run, which needs white space before it
    (`# C#` is "C#"; `# foo \\#` keeps its escaped `#`)."""
    text = text.strip(" \t")
    body = text.rstrip("#")
    if body != text and (not body or body[-1] in " \t"):
        return body.strip(" \t")
    return text


class _ThematicBreak(HRProcessor):
    RE = r"^[ ]{0,3}(?:(?:-[ \t]*+){3,}|(?:_[ \t]*+){3,}|(?:\*[ \t]*+){3,})$"
    SEARCH_RE = re.compile(RE, re.MULTILINE)


class _BlockQuote(BlockQuoteProcessor):
    """A quote after a blank line is a new quote: Python-Markdown added it to the quote
    above (one `<blockquote>` for two quotes the author separated)."""

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        block = blocks[0]
        match = self.RE.search(block)
        sibling = self.lastChild(parent)
        if (
            match
            and not block[: match.start()]
            and sibling is not None
            and sibling.tag == "blockquote"
        ):
            # The base class continues the last child when it is a quote; a block is what
            # follows a blank line, so this one starts a quote of its own.
            ET.SubElement(parent, "rb-quote-break")
        super().run(parent, blocks)
        for mark in parent.findall("rb-quote-break"):
            parent.remove(mark)


# The list's marker (`.`, `)`, `-`, `*`, `+`), on the element while the tree is built.
_MARK = "data-rb-list-marker"
_ITEM = re.compile(r"[ ]*(\d{1,9}[.)]|[*+-])[ ]+\S")


class _MarkedList:
    """A list processor whose list ends where the marker changes (CommonMark): a block's
    items after the change are put back as a block of their own, and a list of another
    marker right above is not continued."""

    CHILD_RE: re.Pattern[str]
    SIBLING_TAGS: list[str]
    TAG: str
    tab_length: int

    def _marker(self, line: str) -> str | None:
        """The marker of an item of this list level, of either kind (`1)` ends a `1.` list,
        `- ` an ordered one); None for another line."""
        found = _ITEM.match(line)
        return found[1][-1] if found and not line.startswith(" " * self.tab_length) else None

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        lines = blocks[0].split("\n")
        marker = self._marker(lines[0])
        for index, line in enumerate(lines[1:], start=1):
            other = self._marker(line)
            if other is not None and other != marker:
                blocks[0:1] = ["\n".join(lines[:index]), "\n".join(lines[index:])]
                break
        sibling = self.lastChild(parent)  # type: ignore[attr-defined]
        apart = sibling is not None and sibling.tag == self.TAG and sibling.get(_MARK) != marker
        if apart:
            self.SIBLING_TAGS = []  # this call only: a new list, not the one above
        try:
            super().run(parent, blocks)  # type: ignore[misc]
        finally:
            if apart:
                del self.SIBLING_TAGS
        made = self.lastChild(parent)  # type: ignore[attr-defined]
        if made is not None and made.tag == self.TAG and made.get(_MARK) is None:
            made.set(_MARK, marker or "")


# What a setext heading's text cannot be: a list item, a quote, a link definition, a
# thematic break (CommonMark
# reads those first, and the underline after them as a rule or a paragraph line).
_NOT_HEADING_TEXT = re.compile(
    r"[ ]{0,3}(?:(?:[*+-]|\d{1,9}[.)])(?:[ \t\n]|$)|>|\[[^\[\]]*[^\[\]\s][^\[\]]*\]:"
    r"|(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})(?:\n|$))"
)


class _Definition(ReferenceProcessor):
    """`[label]: destination "title"` only where CommonMark reads one: at the start of a
    block (it cannot interrupt a paragraph: `Foo⏎[bar]: /baz` is text), with a label that
    is not blank (`[]: /uri` is text) and a `<destination>` that ends at its `>`
    (`[foo]: <bar>(baz)` is text). Python-Markdown took each of them for a definition, and
    their text was gone from the page."""

    def test(self, parent: ET.Element, block: str) -> bool:
        found = self.RE.match(block)
        return found is not None and _is_definition(found)

    def run(self, parent: ET.Element, blocks: list[str]) -> bool:
        found = self.RE.match(blocks[0])
        end = found.end() if found is not None and _is_definition(found) else 0
        if not end:
            return False
        # One at a time (the base class reads on to the block's next definitions unchecked).
        block = blocks.pop(0)
        blocks.insert(0, block[:end])
        super().run(parent, blocks)
        if rest := block[end:].lstrip("\n"):
            blocks.insert(0, rest)
        return True


def _is_definition(found: re.Match[str]) -> bool:
    destination = found[2]
    pointy = destination.startswith("<")
    return bool(found[1].strip()) and (not pointy or bool(re.fullmatch(r"<[^<>]*>", destination)))


class _SetextHeading(SetextHeaderProcessor):
    def test(self, parent: ET.Element, block: str) -> bool:
        return super().test(parent, block) and not _NOT_HEADING_TEXT.match(block)


class _OrderedList(_MarkedList, SaneOListProcessor):
    def __init__(self, parser: markdown.blockparser.BlockParser) -> None:
        super().__init__(parser)
        most, tab = self.tab_length - 1, self.tab_length
        self.RE = re.compile(rf"^[ ]{{0,{most}}}\d{{1,9}}[.)][ ]+(.*)")
        self.CHILD_RE = re.compile(rf"^[ ]{{0,{most}}}((\d{{1,9}}[.)]))[ ]+(.*)")
        self.INDENT_RE = re.compile(rf"^[ ]{{{tab},{tab * 2 - 1}}}((\d{{1,9}}[.)])|[*+-])[ ]+.*")


class _BulletList(_MarkedList, SaneUListProcessor):
    pass


class _WithoutMarks(Treeprocessor):
    """The lists' markers were needed only while the tree was built."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if _MARK in element.attrib:
                del element.attrib[_MARK]


# `[text][label]` with nothing between the brackets (Python-Markdown allowed a space or a
# line break, and `[foo] [bar]` lost "bar").
_LABEL = re.compile(r"\[([^\]]*)\]", re.DOTALL)


# In a link's text: another link (`[bar](/uri)`, an image excepted) or the start of an
# autolink that runs on past the text's `]` (`<https://x.org/?q=`).
_INNER_LINK = re.compile(r"(?<!!)\[[^\[\]]*\]\(|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*$")


class _NoLinkInLink(LinearText):
    """A link's text cannot hold a link (CommonMark): `[foo [bar](/uri)][ref]` is the text
    "[foo ", a link "bar", the text "]" and a link "ref" (Python-Markdown took "ref" for the
    outer link's label, and it was gone); an autolink whose `<` is inside the brackets wins
    over them (`[foo<https://x.org/?q=](uri)>`)."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        text, end, handled = super().getText(data, index)
        return text, end, handled and not _INNER_LINK.search(text)


class _Reference(_NoLinkInLink, ReferenceInlineProcessor):
    RE_LINK = _LABEL


class _ImageReference(LinearText, ImageReferenceInlineProcessor):
    RE_LINK = _LABEL


class _ShortReference(LinearText, ShortReferenceInlineProcessor):
    pass


class _ShortImageReference(LinearText, ShortImageReferenceInlineProcessor):
    pass


class _Image(LinearText, ImageInlineProcessor):
    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """Python-Markdown's reading, its scan ending where an image's `(…)` can end (it
        ran to the paragraph's end from each `(` that never closes)."""
        bounded = bounded_tail(data, index, IMAGE_TAIL)
        if bounded is None:
            return "", None, index, False
        return super().getLink(bounded, index)


_PAREN_TITLE = re.compile(r"(\S+)\s+\(([^()]*)\)", re.DOTALL)


# CommonMark's `(destination "title")` after a link's text. Each alternative starts with its
# own character (no two ways to read a backslash), so a failed match takes linear time.
_ESCAPE = r"\\[!-/:-@\[-`{-~]"
_BARE_CHAR = rf"(?:[^\s()\\\x00\x01\x04-\x1f]|{_ESCAPE}|\\(?![!-/:-@\[-`{{-~]))"
_LINK_TAIL = re.compile(
    r"\(\s*(?:(?:<(?:[^<>\n\\]|\\[^\n])*>"  # <destination>: no line break, no < or >
    rf"|(?!<)(?:{_BARE_CHAR}|\((?:{_BARE_CHAR}|\({_BARE_CHAR}*\))*\))+)"  # (two levels)
    r"""(?:\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?)?\s*\)""",
    re.DOTALL,
)


class _Link(_NoLinkInLink, LinkInlineProcessor):
    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """No link where the destination holds a space and is not written `<…>`; a title
        in parentheses (`(/url (title))`), which Python-Markdown took for the address, is
        the title. No link either where CommonMark sees none (`(<foo⏎bar>)`, `(<b)c`,
        `(/url "title "and" title")`): Python-Markdown made a link of part of it, and the
        rest of the written text was gone. Python-Markdown's scan reads no further than
        where CommonMark's `(…)` ends (from each `(` that never closes it read to the end
        of the paragraph: `[a](` written 10 000 times took minutes)."""
        bounded = bounded_tail(data, index, _LINK_TAIL)
        if bounded is None:
            return "", None, index, False
        href, title, end, handled = super().getLink(bounded, index)
        bracketed = data[index + 1 : index + 80].lstrip().startswith("<")
        if handled and re.search(r"\s", href) and not bracketed:
            titled = _PAREN_TITLE.fullmatch(href)
            if titled and title is None:
                return titled[1], titled[2], end, True
            return href, title, end, False
        if handled and not _LINK_TAIL.fullmatch(data, index, end):
            return href, title, end, False
        return href, title, end, handled


_AUTOLINK = r"(?<!\\)<((?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>\s]*)>"
# CommonMark's e-mail autolink: no backslash in it (`<foo\+@bar.org>` is text)
_LABEL_PART = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_AUTOMAIL = rf"(?<!\\)<([a-zA-Z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL_PART}(?:\.{_LABEL_PART})*)>"

# CommonMark's HTML tags (an open tag's attributes, a closing tag without any).
_ATTR = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_HTML_TAG = re.compile(rf"<[A-Za-z][A-Za-z0-9-]*(?:{_ATTR})*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>")


class _RawHtml(HtmlInlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:
        """A tag CommonMark would not read as one (`</a href="foo">`, `<a h*#ref="hi">`) is
        text: Python-Markdown passed it on as HTML, and the sanitiser dropped it, text and
        all."""
        written = self.backslash_unescape(self.unescape(m.group(1)))
        if written[1:2] not in ("!", "?") and not _HTML_TAG.fullmatch(written):
            return None, None, None
        return super().handleMatch(m, data)


# An attribute: `#id`, `.class` or `key=value` (quoted or not); nothing else.
_ATTRIBUTE = r"""(?:[#.][^\s{}#.=]+|[^\s{}#.="']+=(?:"[^"\n]*"|'[^'\n]*'|[^\s{}"']+))"""


class _AttrList(AttrListTreeprocessor):
    BASE_RE = rf"\{{\:?[ ]*({_ATTRIBUTE}(?:[ ]+{_ATTRIBUTE})*)[ ]*\}}"
    HEADER_RE = re.compile(rf"[ ]+{BASE_RE}[ ]*$")
    BLOCK_RE = re.compile(rf"\n[ ]*{BASE_RE}[ ]*$")
    INLINE_RE = re.compile(rf"^{BASE_RE}")


class _BackslashBreak(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element, int, int]:
        return ET.Element("br"), m.start(0), m.end(0)


# Python-Markdown turns `\\&` back into a bare `&`, and its serialiser leaves an `&` that
# starts an entity as it is: `\\&ouml;` came out as the entity "ö". Our own mark in between.
_ESCAPED_AMP = f"{markdown.util.STX}{ord('&')}{markdown.util.ETX}"
_AMP_MARK = f"{markdown.util.STX}rb-amp{markdown.util.ETX}"


class _KeepEscapedAmpersand(Treeprocessor):
    """Before Python-Markdown's unescaping: an escaped `&` becomes our mark."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.text and _ESCAPED_AMP in element.text:
                element.text = element.text.replace(_ESCAPED_AMP, _AMP_MARK)
            if element.tail and _ESCAPED_AMP in element.tail:
                element.tail = element.tail.replace(_ESCAPED_AMP, _AMP_MARK)
            for name, value in element.attrib.items():
                if value and _ESCAPED_AMP in value:  # attr_list's `{flag}` has no value
                    element.set(name, value.replace(_ESCAPED_AMP, _AMP_MARK))


class _LiteralAmpersand(Postprocessor):
    def run(self, text: str) -> str:
        return text.replace(_AMP_MARK, "&amp;")


class CommonMarkRules(Extension):
    """Register after `sane_lists`, whose ordered-list processor it replaces."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.ESCAPED_CHARS[:] = sorted(set(md.ESCAPED_CHARS) | set(string.punctuation))
        md.inlinePatterns.register(_BackslashBreak(r"\\\n", md), "backslash-break", 185)
        md.inlinePatterns.register(_Reference(REFERENCE_RE, md), "reference", 170)
        md.inlinePatterns.register(_Link(LINK_RE, md), "link", 160)
        md.inlinePatterns.register(_RawHtml(HTML_RE, md), "html", 90)
        # Before backslash escapes (180): an autolink's text is as written (`\*` keeps its
        # backslash), and it holds no space (`<https://a.org/b c>` is text, as CommonMark).
        md.inlinePatterns.register(AutolinkInlineProcessor(_AUTOLINK, md), "autolink", 182)
        md.inlinePatterns.register(AutomailInlineProcessor(_AUTOMAIL, md), "automail", 181)
        md.inlinePatterns.register(_ImageReference(IMAGE_REFERENCE_RE, md), "image_reference", 140)
        md.inlinePatterns.register(_Image(IMAGE_LINK_RE, md), "image_link", 150)
        md.inlinePatterns.register(_ShortReference(REFERENCE_RE, md), "short_reference", 130)
        md.inlinePatterns.register(
            _ShortImageReference(IMAGE_REFERENCE_RE, md), "short_image_ref", 125
        )
        md.parser.blockprocessors.register(_HashHeader(md.parser), "hashheader", 70)
        md.parser.blockprocessors.register(_BlockQuote(md.parser), "quote", 20)
        md.parser.blockprocessors.register(_ThematicBreak(md.parser), "hr", 50)
        md.parser.blockprocessors.register(_SetextHeading(md.parser), "setextheader", 60)
        md.parser.blockprocessors.register(_Definition(md.parser), "reference", 15)
        md.parser.blockprocessors.register(_OrderedList(md.parser), "olist", 40)
        md.parser.blockprocessors.register(_BulletList(md.parser), "ulist", 30)
        md.treeprocessors.register(_WithoutMarks(md), "list-markers", 30)
        md.treeprocessors.register(_AttrList(md), "attr_list", 8)
        md.treeprocessors.register(_KeepEscapedAmpersand(md), "escaped-amp", 0.5)
        md.postprocessors.register(_LiteralAmpersand(md), "escaped-amp", 5)
        # After fenced code is put aside (25), before md_in_html reads the HTML blocks (20).
        md.preprocessors.register(_MarkdownAfterBlankLine(md), "markdown-in-html", 22)


# CommonMark's HTML blocks of type 6 that hold flow content (a list, a table, paragraphs).
_CONTAINERS = (
    "address|article|aside|blockquote|center|dd|details|dialog|div|fieldset|figure|footer"
    "|header|li|main|nav|section"
)
_OPENING = re.compile(rf"^ {{0,3}}<({_CONTAINERS})(?=[\s/>])([^<>]*)>\s*$", re.IGNORECASE)


class _MarkdownAfterBlankLine(Preprocessor):
    """An HTML block opened by a container tag on a line of its own, and not closed before
    the next blank line, holds Markdown after that line, as in CommonMark: the tag gets
    md_in_html's `markdown="1"`, so Python-Markdown reads what the element holds."""

    def run(self, lines: list[str]) -> list[str]:
        out = list(lines)
        for index, line in enumerate(lines):
            opened = _OPENING.match(line)
            if not opened or "markdown=" in opened[2].lower() or opened[2].rstrip().endswith("/"):
                continue
            block = []
            for following in lines[index + 1 :]:
                if not following.strip():
                    break
                block.append(following)
            else:
                continue  # no blank line: the whole element is one HTML block, as written
            closing = re.compile(rf"</{opened[1]}\s*>", re.IGNORECASE)
            if not any(closing.search(text) for text in block):
                # md_in_html reads only a tag at the start of its line
                out[index] = line.strip()[:-1] + ' markdown="1">'
        _cells_with_markdown(lines, out)
        return out


_CELL = re.compile(r"^ {0,3}<(td|th)(?=[\s>])([^<>]*)>\s*$", re.IGNORECASE)
_TABLE_PART = re.compile(r"^ {0,3}<(table|thead|tbody|tfoot|tr)(?=[\s>])([^<>]*)>\s*$", re.I)


def _cells_with_markdown(lines: list[str], out: list[str]) -> None:
    """A raw table's cell opened on a line of its own and followed by a blank line holds
    Markdown (GitHub's two-column README layout): its list printed as prose and its
    `**bold**` with stars (trial 6 #17). md_in_html reads it when the cell has
    `markdown="block"` and the rows and table around it `markdown="1"`, each on a line of
    its own; a table written otherwise is left as it is."""
    for index, line in enumerate(lines):
        cell = _CELL.match(line)
        if not cell or "markdown=" in cell[2].lower() or index + 1 >= len(lines):
            continue
        if lines[index + 1].strip():
            continue
        around: list[int] = []
        for back in range(index - 1, -1, -1):
            text = lines[back]
            if re.search(r"</table\s*>", text, re.IGNORECASE):
                around = []
                break
            part = _TABLE_PART.match(text)
            if part:
                around.append(back)
                if part[1].lower() == "table":
                    break
            elif re.search(r"<(?:table|tr)\b", text, re.IGNORECASE):
                around = []  # a row or table not on a line of its own
                break
        top = _TABLE_PART.match(lines[around[-1]]) if around else None
        if top is None or top[1].lower() != "table":
            continue
        out[index] = line.strip()[:-1] + ' markdown="block">'
        for place in around:
            if "markdown=" not in out[place].lower():
                out[place] = out[place].strip()[:-1] + ' markdown="1">'
