"""Splitting a composed report into parts that can be laid out one by one: the front matter
(cover, contents, lists), each chapter, and the closing pages (references, contact).

Chapters start on a new page, so a part lays out the same alone as in the whole document
once it knows what the whole would have given it: its first page number, the report's page
total ("page X of Y"), the page numbers of the anchors of other parts it refers to (contents,
cross-references), and the footnote and chapter numbers it continues. `document` writes a
part as a complete HTML document with those values; the render process resolves the other
parts' anchors (`render.foreign`). `split` refuses, with the reason, a document whose parts
cannot be laid out apart exactly (then the report is laid out whole).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from html import unescape

from reportbuilder.render import stamp

MARKER = "<!--rb-part-->"  # written by the theme's report.html before each chapter and closing

_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_END = re.compile(r"</body>\s*</html>\s*$", re.IGNORECASE)
_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_HREF = re.compile(r"""\shref\s*=\s*(?:"#([^"]*)"|'#([^']*)')""", re.IGNORECASE)
_CLASS = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
# What the theme's brand.html writes to number chapters, and nothing else may count.
_CHAPTER_COUNTER = (
    "body { counter-reset: chapter; }",
    ".chapter:not(.annex) { counter-increment: chapter; }",
)
_COUNTERS = re.compile(
    r"counter-(?:reset|increment|set)|counter\(pages\)|target-text|target-counters"
)
# Page selectors that the first page of each part would match, or that depend on a page's
# parity or place in the whole document.
_PAGE_PLACE = re.compile(r"@page[^{]*:(?:first|left|right|blank|recto|verso|nth)", re.IGNORECASE)
_PARITY = re.compile(r"break-(?:before|after)\s*:\s*(?:right|left|recto|verso)", re.IGNORECASE)


# Content that, before a chapter's <h1>, could fill its first page before the title.
_BEFORE_TITLE = re.compile(r"<(?:p|table|img|svg|figure|pre|ul|ol|blockquote|h[2-6])\b", re.I)


@dataclass(frozen=True)
class Part:
    """One part of the report: its body HTML and what it gives and takes from the others."""

    name: str  # "front", the chapter section's id, or "closing"
    body: str
    ids: frozenset[str]  # anchors it defines
    refs: frozenset[str]  # anchors it links to (`href="#…"`)
    footnotes: int  # footnotes it numbers
    chapters: int  # numbered chapters it counts (`.chapter:not(.annex)`)


@dataclass(frozen=True)
class Split:
    """A report cut into parts; `head` is the document up to and with its `<body>` tag."""

    head: str
    parts: tuple[Part, ...]
    numbered_chapters: bool  # brand.html numbers chapters with a CSS counter
    # The footer row is laid out apart and laid over the pages (`render.stamp`): a part that
    # prints no page number of an anchor lays out the same wherever it starts.
    stamped: bool = False

    def bound(self, index: int) -> bool:
        """Whether part `index`'s body may print page numbers (of its own anchors or of
        others'): the front (contents, lists) and a part that links within the report."""
        return index == 0 or bool(self.parts[index].refs)

    def foreign(self, index: int) -> frozenset[str]:
        """The anchors part `index` refers to that other parts define."""
        part = self.parts[index]
        return frozenset(part.refs - part.ids)


def _tokens(body: str) -> list[list[str]]:
    return [(a or b).split() for a, b in _CLASS.findall(body)]


def _part(name: str, body: str) -> Part:
    ids = frozenset(unescape(a or b) for a, b in _ID.findall(body))
    refs = frozenset(unescape(a or b) for a, b in _HREF.findall(body))
    classes = _tokens(body)
    return Part(
        name=name,
        body=body,
        ids=ids,
        refs=refs,
        footnotes=sum("footnote" in c for c in classes),
        chapters=sum("chapter" in c and "annex" not in c for c in classes),
    )


def split(text: str, theme: Sequence[str] = (), project: Sequence[str] = ()) -> Split | str:
    """The report's parts, or why it must be laid out whole. `theme` and `project` are the
    texts of the linked stylesheets. (The theme places chapters on right-hand pages only in
    print mode, which the caller lays out whole.)"""
    body_tag = _BODY.search(text)
    end = _END.search(text)
    if body_tag is None or end is None:
        return "the document has no plain <body> (a template of the project?)"
    head, body = text[: body_tag.end()], text[body_tag.end() : end.start()]
    if not re.search(r"</head>", head, re.IGNORECASE):
        return "the document has no </head> to add a part's page numbers to"
    pieces = body.split(MARKER)
    if len(pieces) < 3:
        return "the theme's report.html does not mark its chapters (a template of the project?)"
    styles = "\n".join(_STYLE.findall(head))
    numbered = all(rule in styles for rule in _CHAPTER_COUNTER)
    own = styles
    for rule in _CHAPTER_COUNTER if numbered else ():
        own = own.replace(rule, "")
    own = own.replace("counter(pages)", "")  # the total is written into the part's head
    if any(_COUNTERS.search(sheet) for sheet in (own, *theme, *project)):
        return "a stylesheet uses CSS counters or targets the parts cannot carry over"
    if any(_PARITY.search(sheet) or _PAGE_PLACE.search(sheet) for sheet in (own, *project)):
        return "a stylesheet styles pages by their place in the document (first, left, right)"
    if any(_PAGE_PLACE.search(sheet) for sheet in theme):
        return "the theme styles pages by their place in the document (first, left, right)"
    if any("string-set" in sheet for sheet in project):
        return "a project stylesheet sets running strings the parts cannot carry over"
    parts = [_part("front", pieces[0])]
    for piece in pieces[1:-1]:
        if _BEFORE_TITLE.search(piece.split("<h1", 1)[0]):
            # Its first page would show the running header the previous chapter left.
            return "a chapter does not start with its title"
        found = _ID.search(piece)
        parts.append(_part((found[1] or found[2]) if found else f"part-{len(parts)}", piece))
    if pieces[-1].strip():
        parts.append(_part("closing", pieces[-1]))
    seen: set[str] = set()
    for part in parts:
        if seen & part.ids:
            return f"an anchor is defined in two parts ({sorted(seen & part.ids)[0]})"
        seen |= part.ids
    stamped = stamp.unstampable([own, *theme, *project]) is None
    return Split(head, tuple(parts), numbered, stamped)


def grouped(split: Split, groups: Sequence[Sequence[int]]) -> Split:
    """`split` with the parts of each group (consecutive indices, all of them in order) laid
    out as one part: chapters start on a new page, so they lay out together as they do in
    the whole document. A group of one keeps its part; a group's name joins its parts'."""
    parts = []
    for group in groups:
        members = [split.parts[index] for index in group]
        if len(members) == 1:
            parts.append(members[0])
            continue
        parts.append(
            Part(
                name="+".join(m.name for m in members),
                body=MARKER.join(m.body for m in members),
                ids=frozenset().union(*(m.ids for m in members)),
                refs=frozenset().union(*(m.refs for m in members)),
                footnotes=sum(m.footnotes for m in members),
                chapters=sum(m.chapters for m in members),
            )
        )
    return replace(split, parts=tuple(parts))


@dataclass(frozen=True)
class Place:
    """What the whole document gives one part: the values it is laid out with."""

    start: int  # the number of its first page
    total: int  # the report's page count
    footnotes: int  # footnotes numbered before it
    chapters: int  # numbered chapters before it
    foreign: tuple[tuple[str, int], ...]  # other parts' anchors it refers to → page number


def document(split: Split, index: int, place: Place) -> str:
    """Part `index` as a complete HTML document, laid out as it would be in the whole (less
    its footer row when the split is `stamped`: the page numbers are then only those of
    anchors, and the total none, so a part that prints no page number is laid out from page
    1 of a total of 0, the same text wherever it starts)."""
    if split.stamped:  # the total is printed in the footer only
        place = replace(place, total=0)
        if not split.bound(index):
            place = replace(place, start=1, foreign=())
    rules = [
        f"@page :first {{ counter-reset: page {place.start}; }}",
        f"html {{ counter-reset: footnote {place.footnotes}; }}",
    ]
    if split.numbered_chapters:
        rules.append(f"body {{ counter-reset: chapter {place.chapters}; }}")
    style = "<style>\n" + "\n".join(rules) + "\n</style>\n"
    # Within the head's style elements only: the title or a meta text may say anything.
    head = _STYLE.sub(lambda m: m[0].replace("counter(pages)", f'"{place.total}"'), split.head)
    if split.stamped:
        style += stamp.WITHOUT_FOOTER
    head = re.sub(r"</head>", lambda _: style + "</head>", head, count=1, flags=re.IGNORECASE)
    return head + split.parts[index].body + "</body>\n</html>\n"


def places(split: Split, pages: Sequence[int], anchors: Sequence[Mapping[str, int]]) -> list[Place]:
    """Each part's values from the page counts of all parts and their anchors (0-based
    page index within the part)."""
    starts, at = [], 1
    for count in pages:
        starts.append(at)
        at += count
    total = at - 1
    where: dict[str, int] = {}
    for start, found in zip(starts, anchors, strict=True):
        for name, index in found.items():
            where.setdefault(name, start + index)
    result = []
    footnotes = chapters = 0
    for index, part in enumerate(split.parts):
        foreign = tuple(sorted((n, where[n]) for n in split.foreign(index) if n in where))
        result.append(Place(starts[index], total, footnotes, chapters, foreign))
        footnotes += part.footnotes
        chapters += part.chapters
    return result


# What in a stylesheet or a style attribute could let a part start mid-page in the whole
# document: its break (`break-before: auto`, `page-break-before`), columns, a float, a
# position, a display (flex, grid, contents), a page name.
_MAY_FLOW = re.compile(
    r"break-|column|float|position|display|flex|grid|(?<![-\w])page\s*:|order\s*:", re.I
)
_STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_FIRST_TAG = re.compile(r"\s*<([a-zA-Z][\w-]*)\b([^>]*)>")
_TITLE_END = re.compile(r"</h1\s*>", re.IGNORECASE)
START = "rb-start-"  # the id given to a part's first element in the `skeleton`


def may_flow(split: Split, sheets: Sequence[str]) -> bool:
    """Whether a part might not start a page in the whole document: it does not start with
    an element the theme starts a page with (`.chapter`, `.closing`: a project template
    put another first), or `sheets` (those the built-in themes do not vouch for: the
    project's, a project theme's), the document's style elements or a style attribute set
    what could make a part follow on the page before (a `break-before`, columns, a
    float…). If not, the theme's `break-before: page` holds."""
    texts = [*sheets, *_STYLE.findall(split.head)]
    for number, part in enumerate(split.parts):
        texts += _STYLE.findall(part.body)
        texts += [a or b for a, b in _STYLE_ATTR.findall(part.body)]
        found = _FIRST_TAG.match(part.body)
        classes = _CLASS.search(" " + found[2]) if found is not None and number else None
        names = set((classes[1] or classes[2]).split()) if classes is not None else set()
        if number and not {"chapter", "closing"} & names:
            # Not one the theme starts a page with (a project template's element first).
            return True
    return any(_MAY_FLOW.search(text) for text in texts)


def skeleton(split: Split) -> tuple[str, tuple[str, ...]] | str:
    """A short document in which each part starts a page of its own if and only if it does
    in the whole: the report's head and its parts in order (the cascade is the whole's: the
    same stylesheets, the same siblings), the front a line, each chapter cut after its title
    (its first `</h1>`), each part's first element with an id (its own, else `START`…).
    Laid out, each part's id must be on a later page than the one before. Gives the text and
    those ids in order, or why it cannot be made (then the report is laid out whole)."""
    ids = [START + "front"]
    pieces = [f'<p id="{START}front">&#160;</p>\n']
    for number, part in enumerate(split.parts[1:], start=1):
        found = _FIRST_TAG.match(part.body)
        if found is None:
            return f"the part {part.name!r} does not start with an element"
        attrs = found[2]
        own = _ID.search(" " + attrs)
        if own is not None:
            name = unescape(own[1] or own[2])
            opening = found[0]
        else:
            name = f"{START}{number}"
            opening = found[0][: found.end(1)] + f' id="{name}"' + found[0][found.end(1) :]
        body = opening + part.body[found.end() :]
        title = _TITLE_END.search(body)
        if title is not None and part.name != "closing":
            body = body[: title.end()] + f"</{found[1]}>\n"
        ids.append(name)
        pieces.append(body)
    # No margin boxes (headers, footers): a page is then a tenth of the cost, and they do
    # not decide where a part starts.
    quiet = "<style>\n" + stamp.NO_MARGIN_BOXES + "\n</style>\n"
    head = re.sub(r"</head>", lambda _: quiet + "</head>", split.head, count=1, flags=re.I)
    return head + "".join(pieces) + "</body>\n</html>\n", tuple(ids)


def starts_apart(ids: Sequence[str], anchors: Mapping[str, int]) -> str | None:
    """None if, in the laid-out `skeleton` (its `anchors`: id → page index), every part
    starts on a later page than the one before; else the first part that does not."""
    last = -1
    for name in ids:
        page = anchors.get(name)
        if page is None or page <= last:
            return name
        last = page
    return None
