"""Code blocks with one box a source line, so that the theme can mark the lines a long source
line wraps onto (`↳` in the margin of each continuation, drawn, not text).

WeasyPrint wraps a long line of a `<pre>` at the text block (`white-space: pre-wrap`) and
says nothing of it: a reader cannot tell a wrapped line from two lines. With each source line
that may wrap in its own block (`<span class="rb-line">`), the theme gives it a hanging indent
and a background that draws the mark on every line but the first; the text of the code is
untouched, so copying it or reading it back gives every character in order. A line breaks at
a space, as code is read; only a run of 30 characters or more without one (a long string, a
URL) may break inside (`span.rb-long`), and continuations hang past the line's own
indentation. A block a line
costs layout time (about 5 ms each), so the lines too short to wrap on the page stay together
in one block a run (`<span class="rb-lines">`).

Painting a background costs time and bytes (WeasyPrint draws it anew for every box: 3 000
lines of code took 2.6 times as long and 27 times the bytes), and a line that does not wrap
shows none of it: after the layout, `unmark_unwrapped` takes the background off every source
line that holds a single line box, before the PDF is drawn.

Pygments and Markdown close their spans at each line end; author HTML may not, so the inline
elements open at a line end are closed and opened again on the next line (without their id).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from typing import Any

from reportbuilder.variants import PAGE_WIDTHS_MM, text_width_mm

LINE = "rb-line"  # a source line that may wrap: its own box, marked where it wraps
RUN = "rb-lines"  # a run of shorter lines: one box, as before
SHORTEST_WRAP = 35  # characters: 60 % of what a line holds on A5, the narrowest page
CODE_ADVANCE_PT = 0.602 * 7.8  # DejaVu Sans Mono's advance at the theme's 7.8 pt
CODE_PADDING_MM = 7.0  # pre's left and right padding
LONG = "rb-long"  # a run with no space: the only place a line may break inside a word
HANG = "1.4em"  # the room of the continuation mark; the stylesheet's .rb-line says the same
TAB = 4  # the stylesheet's tab-size
MAX_INDENT = 24  # deeper lines hang no further: the text block must keep room for the code
_LONG_RUN = re.compile(r"[^\s<>]{30,}")
_SPREAD = re.compile(r"\S{45,}")
_MARKED = re.compile(rf'<span class="{LONG}">[^<]*</span>')
_PAGE_SIZE = re.compile(r"@page\s*\{\s*size:\s*([\w]+)")
_PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.DOTALL | re.IGNORECASE)
_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_EMPTY_SPAN = re.compile(r"<span></span>")
_NAME = re.compile(r"</?\s*([a-zA-Z][\w:-]*)")
_ID = re.compile(r"""\s(?:id|name)=("[^"]*"|'[^']*'|[^\s>]+)""")
_VOID = frozenset({"br", "img", "wbr", "input", "hr"})


def mark_code_lines(html: str, shortest: int = SHORTEST_WRAP) -> str:
    """`html` with each source line of a `<pre>` longer than `shortest` characters set as a
    `span.rb-line`, and the runs of shorter lines between them as a `span.rb-lines`."""
    # Pygments opens every block with an empty `<span></span>`: before a line's first word,
    # WeasyPrint 70 then never breaks that word, `overflow-wrap: anywhere` or not, and a long
    # first word ran off the page (trial 4). It holds nothing: it goes.
    return _PRE.sub(lambda m: m[1] + _lines(_EMPTY_SPAN.sub("", m[2]), shortest) + m[3], html)


def shortest_wrap(html: str) -> int:
    """The length of code line that may wrap in this document: 60 % of what a line of the
    page's text block holds (a code block in a list, a quotation or a box is narrower)."""
    size = _PAGE_SIZE.search(html)
    if size is None or size[1] not in PAGE_WIDTHS_MM:
        return SHORTEST_WRAP
    room_pt = (text_width_mm(size[1]) - CODE_PADDING_MM) * 72 / 25.4
    return max(SHORTEST_WRAP, int(0.6 * room_pt / CODE_ADVANCE_PT))


@dataclass(frozen=True)
class _Line:
    html: str  # as written, its elements possibly opened on an earlier line or closed later
    opening: str  # the start tags of the elements open where it starts (ids left out)
    closing: str  # the end tags of the elements still open where it ends


def _lines(inner: str, shortest: int) -> str:
    out: list[str] = []
    run: list[_Line] = []

    def flush() -> None:
        if run:
            # A newline ending a block starts no line: a run ending on an empty line needs two.
            tail = "\n" if _visible(run[-1].html) == "" else ""
            text = "\n".join(line.html for line in run)
            out.append(f'<span class="{RUN}">{run[0].opening}{text}{tail}{run[-1].closing}</span>')
            run.clear()

    for line in _source_lines(inner):
        text = _visible(line.html).expandtabs(TAB)
        if len(text) > shortest:
            flush()
            out.append(f"{_start(line.html, text)}{line.opening}{line.html}{line.closing}</span>")
        else:
            run.append(line)
    flush()
    return "".join(out)


def _start(html: str, text: str) -> str:
    """The start tag of a line that may wrap: its continuations hang past its own
    indentation (so an indented line does not seem to start a statement), and a run with no
    space spread over highlighted tokens lets the line break anywhere rather than run off
    the page (a run inside one token is marked by `_breakable`)."""
    rest = _visible(_MARKED.sub(" ", html))
    classes = f"{LINE} {LONG}" if _SPREAD.search(rest) else LINE
    spaces = min(len(text) - len(text.lstrip(" ")), MAX_INDENT)
    if not spaces or not text.strip():
        return f'<span class="{classes}">'
    hang = f"padding-left: calc({spaces}ch + {HANG}); text-indent: calc(-{spaces}ch - {HANG})"
    return f'<span class="{classes}" style="{hang}">'


def _breakable(run: re.Match[str]) -> str:
    """A run of text with no space, long enough that it may have to break inside: only there
    may the page break a word (elsewhere a line breaks at a space, as code is read)."""
    return f'<span class="{LONG}">{run[0]}</span>'


def _visible(line: str) -> str:
    return unescape(re.sub(r"<[^>]*>", "", line))


def _source_lines(inner: str) -> list[_Line]:
    """Each source line's HTML, with the inline elements open at its start and at its end."""
    tokens = _TOKEN.findall(inner)
    _drop_edge_newlines(tokens)
    opened: list[tuple[str, str]] = []  # (name, start tag) of the inline elements still open
    lines: list[_Line] = []
    current: list[str] = []
    opening = ""

    def end_line() -> None:
        closing = "".join(f"</{tag}>" for tag, _ in reversed(opened))
        lines.append(_Line("".join(current), opening, closing))

    for token in tokens:
        if token.startswith("<"):
            name = _NAME.match(token)
            if name is None or token.startswith("<!") or token.startswith("<?"):
                current.append(token)
                continue
            tag = name[1].lower()
            if token.startswith("</"):
                for at in range(len(opened) - 1, -1, -1):
                    if opened[at][0] == tag:
                        del opened[at:]
                        break
            elif tag not in _VOID and not token.endswith("/>"):
                opened.append((tag, _ID.sub("", token)))
            current.append(token)
            continue
        pieces = [_LONG_RUN.sub(_breakable, piece) for piece in token.split("\n")]
        current.append(pieces[0])
        for piece in pieces[1:]:
            end_line()
            current = [piece]
            opening = "".join(start for _, start in opened)
    end_line()
    return lines


def _drop_edge_newlines(tokens: list[str]) -> None:
    """An HTML parser drops the newline just after `<pre>`, and the newline that ends the
    last line starts no line of its own: neither may become an empty line box."""
    if tokens and not tokens[0].startswith("<") and tokens[0].startswith("\n"):
        tokens[0] = tokens[0][1:]
    for at in range(len(tokens) - 1, -1, -1):
        token = tokens[at]
        if token.startswith("<"):
            continue
        if token.endswith("\n"):
            tokens[at] = token[:-1]
        break


def unmark_unwrapped(pages: Sequence[Any]) -> int:
    """Take the (mark) background off each laid-out source line of one line box; returns how
    many lines keep it."""
    from weasyprint.formatting_structure import boxes

    kept = 0
    for page in pages:
        stack = list(page._page_box.children)
        while stack:
            box = stack.pop()
            if not isinstance(box, boxes.ParentBox):
                continue
            element = box.element
            if (
                isinstance(box, boxes.BlockBox)
                and element is not None
                and box.element_tag == "span"
                and LINE in (element.get("class") or "").split()
            ):
                lines = sum(1 for child in box.children if isinstance(child, boxes.LineBox))
                if lines < 2:
                    box.background = None
                else:
                    kept += 1
                continue  # nothing inside a code line is another code line
            stack.extend(box.children)
    return kept
