"""Code blocks with one box a source line, so that the theme can mark the lines a long source
line wraps onto (`↳` in the margin of each continuation, drawn, not text).

WeasyPrint wraps a long line of a `<pre>` at the text block (`white-space: pre-wrap`) and
says nothing of it: a reader cannot tell a wrapped line from two lines. With each source line
in its own block (`<span class="rb-line">`), the theme gives it a hanging indent and a
mark (drawn by an absolutely placed box from the second line down) on every line but the
first; the text of the code is untouched, so copying it or reading it back gives every
character in order. A line breaks at a space, as code is read; only a run of 30 characters or
more without one (a long string, a URL) may break inside (`span.rb-long`). Continuations hang
past the line's own indentation, so an indented line does not seem to start a new statement.

Pygments and Markdown close their spans at each line end; author HTML may not, so the inline
elements open at a line end are closed and opened again on the next line (without their id).
"""

from __future__ import annotations

import re
from html import unescape

LINE = "rb-line"
LONG = "rb-long"
HANG = "1.4em"  # the room of the continuation mark; the stylesheet's .rb-line says the same
TAB = 4  # the stylesheet's tab-size
MAX_INDENT = 24  # deeper lines hang no further: the text block must keep room for the code
_START = f'<span class="{LINE}">'
_LONG = re.compile(r"[^\s<>]{30,}")
_TAG = re.compile(r"<[^>]*>")
_SPREAD = re.compile(r"\S{45,}")
_MARKED = re.compile(rf'<span class="{LONG}">[^<]*</span>')
_PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.DOTALL | re.IGNORECASE)
_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_NAME = re.compile(r"</?\s*([a-zA-Z][\w:-]*)")
_ID = re.compile(r"""\s(?:id|name)=("[^"]*"|'[^']*'|[^\s>]+)""")
_VOID = frozenset({"br", "img", "wbr", "input", "hr"})


def mark_code_lines(html: str) -> str:
    """`html` with the text of every `<pre>` set one source line a `span.rb-line`."""
    return _PRE.sub(lambda m: m[1] + _lines(m[2]) + m[3], html)


def _lines(inner: str) -> str:
    tokens = _TOKEN.findall(inner)
    _drop_edge_newlines(tokens)
    opened: list[tuple[str, str]] = []  # (name, start tag) of the inline elements still open
    out = [_START]
    for token in tokens:
        if token.startswith("<"):
            name = _NAME.match(token)
            if name is None or token.startswith("<!") or token.startswith("<?"):
                out.append(token)
                continue
            tag = name[1].lower()
            if token.startswith("</"):
                for at in range(len(opened) - 1, -1, -1):
                    if opened[at][0] == tag:
                        del opened[at:]
                        break
            elif tag not in _VOID and not token.endswith("/>"):
                opened.append((tag, _ID.sub("", token)))
            out.append(token)
            continue
        pieces = [_LONG.sub(_breakable, piece) for piece in token.split("\n")]
        out.append(pieces[0])
        for piece in pieces[1:]:
            closing = "".join(f"</{tag}>" for tag, _ in reversed(opened))
            reopening = "".join(start for _, start in opened)
            out.append(f"{closing}</span>{_START}{reopening}{piece}")
    out.append("</span>")
    return _indent("".join(out))


def _breakable(run: re.Match[str]) -> str:
    """A run of text with no space, long enough that it may have to break inside: only there
    may the page break a word (elsewhere a line breaks at a space, as code is read)."""
    return f'<span class="{LONG}">{run[0]}</span>'


def _indent(html: str) -> str:
    """Each line's continuations start under its own text, past its leading spaces."""
    parts = html.split(_START)
    out = [parts[0]]
    for part in parts[1:]:
        text = unescape(_TAG.sub("", part)).expandtabs(TAB)
        spaces = min(len(text) - len(text.lstrip(" ")), MAX_INDENT)
        # A run with no space that spreads over highlighted tokens cannot be marked token by
        # token: the whole line may then break anywhere, rather than run off the page.
        rest = unescape(_TAG.sub("", _MARKED.sub(" ", part)))
        classes = f"{LINE} {LONG}" if _SPREAD.search(rest) else LINE
        style = ""
        if spaces and text.strip():
            hang = f"{spaces}ch + {HANG}"
            style = f' style="padding-left: calc({hang}); text-indent: calc(-{spaces}ch - {HANG})"'
        out.append(f'<span class="{classes}"{style}>')
        out.append(part)
    return "".join(out)


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
