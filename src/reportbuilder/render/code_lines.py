"""Code blocks with one box a source line, so that the theme can mark the lines a long source
line wraps onto (`↳` in the margin of each continuation, drawn, not text).

WeasyPrint wraps a long line of a `<pre>` at the text block (`white-space: pre-wrap`) and
says nothing of it: a reader cannot tell a wrapped line from two lines. With each source line
in its own block (`<span class="rb-line">`), the theme gives it a hanging indent and a
background that draws the mark on every line but the first; the text of the code is
untouched, so copying it or reading it back gives every character in order.

Pygments and Markdown close their spans at each line end; author HTML may not, so the inline
elements open at a line end are closed and opened again on the next line (without their id).
"""

from __future__ import annotations

import re

LINE = "rb-line"
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
    out = [f'<span class="{LINE}">']
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
        pieces = token.split("\n")
        out.append(pieces[0])
        for piece in pieces[1:]:
            closing = "".join(f"</{tag}>" for tag, _ in reversed(opened))
            reopening = "".join(start for _, start in opened)
            out.append(f'{closing}</span><span class="{LINE}">{reopening}{piece}')
    out.append("</span>")
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
