"""Break opportunities in runs of text too long for any line.

WeasyPrint finds where a line ends by laying out the rest of the paragraph; where nothing
lets a line end (no space, no `<wbr>`), it lays out the whole rest again for each line,
and a run of 40 KB with no space (a paste of punctuation, `**a**a**a…`, a hash dump) took
minutes (trial 5 #8). A run of more than `LONGEST` characters — longer than any line of any
page — gets a zero-width space every `EVERY` characters, across the inline elements it
spans: the line ends at one of them, at most a few characters short of the edge, instead
of being cut at the paper's edge or taking minutes. Shorter runs (a long word, a URL's
part) are left to the theme (hyphens, `overflow-wrap`).
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
LONGEST = 200  # more characters than a line holds on any page (A4 landscape, small text)
EVERY = 8

_INLINE = (
    "a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong"
    "|sub|sup|time|u|var"
)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE})\b", re.IGNORECASE)
# Left as written: code blocks (render/code_lines.py breaks them), drawings, table cells
# (their width is measured), style and script.
_KEPT = re.compile(r"<(pre|svg|math|style|script|td|th)\b", re.IGNORECASE)
_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_BREAKS = re.compile(rf"([\s{ZWSP}]+)")
_TAG = re.compile(r"<[^>]*>")
# What a break never cuts: a tag, an entity, a helper's placeholder, a character with the
# marks that combine with it (accents, variation selectors, emoji joined by ZWJ).
_UNIT = re.compile(
    r"<[^>]*>|&#?\w+;|RBPART[0-9a-f]+N\d+X"
    r"|.[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f]*"
    r"(?:\u200d.[\ufe00-\ufe0f]*)*",
    re.DOTALL,
)


def break_long_runs(html: str) -> str:
    """`html` with a break opportunity every `EVERY` characters in each run of more than
    `LONGEST` characters that has none; unchanged where there is none (found quickly: no
    word of the text without its tags is that long)."""
    words = _TAG.sub("", html).split()
    if not any(len(word) > LONGEST for word in words):
        return html
    out: list[str] = []
    run: list[str] = []  # the current run's text and inline tags, not written out yet
    length = 0

    def flush() -> None:
        nonlocal length
        joined = "".join(run)
        out.append(_chunked(joined) if length > LONGEST else joined)
        run.clear()
        length = 0

    position = 0
    while position < len(html):
        token = _TOKEN.match(html, position)
        assert token is not None  # the pattern matches any text
        text = token[0]
        position = token.end()
        if not text.startswith("<"):
            first, *rest = _BREAKS.split(text)
            run.append(first)
            length += len(first)
            for index in range(0, len(rest), 2):
                flush()
                out.append(rest[index])
                run.append(rest[index + 1])
                length += len(rest[index + 1])
        elif _INLINE_TAG.match(text):
            run.append(text)
        else:
            flush()
            kept = _KEPT.match(text)
            if kept and not text.endswith("/>"):
                close = re.compile(rf"</{kept[1]}\s*>", re.IGNORECASE).search(html, position)
                end = close.end() if close else len(html)
                out.append(html[token.start() : end])
                position = end
            else:
                out.append(text)
    flush()
    return "".join(out)


def _chunked(run: str) -> str:
    out: list[str] = []
    count = 0
    for unit in _UNIT.findall(run):
        if not unit.startswith("<"):
            if count and count % EVERY == 0:
                out.append(ZWSP)
            count += 1
        out.append(unit)
    return "".join(out)
