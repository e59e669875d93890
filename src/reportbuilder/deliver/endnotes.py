"""Footnotes for a browser: `build --format html` writes numbered calls and a list of notes
at the end of each chapter, where the PDF's `float: footnote` spans (which only WeasyPrint
moves to the page's foot) would run inside the sentence in a browser ("step 1Footnote for
step 1: … See the results")."""

from __future__ import annotations

import re

_OPEN = '<span class="footnote">'
_SPAN = re.compile(r"<span\b|</span>")
_SECTION = re.compile(r"<section\b|</section>")
_CHAPTER = re.compile(r'<section class="chapter\b')


def _closing(text: str, start: int, tags: re.Pattern[str]) -> int:
    """Where the element opening at `start` ends (after its end tag; elements of its name
    nested in it counted), or -1 when it is not closed. `tags`: its start and end tags."""
    depth = 0
    for found in tags.finditer(text, start):
        depth += -1 if found[0].startswith("</") else 1
        if depth == 0:
            return found.end()
    return -1


def browser_footnotes(text: str) -> str:
    """`text` (a composed report) with each footnote span replaced by a numbered call
    linking to its note, and the notes listed, linked back, at the end of their chapter
    (of the document, for a note outside any chapter). Numbered through the document."""
    number = 0
    chunks = []
    starts = [m.start() for m in _CHAPTER.finditer(text)]
    bounds = list(zip([0, *starts], [*starts, len(text)], strict=True))
    for first, last in bounds:
        chunk = text[first:last]
        out: list[str] = []
        notes: list[str] = []
        at = 0
        while (start := chunk.find(_OPEN, at)) >= 0:
            end = _closing(chunk, start, _SPAN)
            if end < 0:
                break
            number += 1
            body = chunk[start + len(_OPEN) : end - len("</span>")]
            out.append(chunk[at:start])
            out.append(
                f'<sup class="rb-fn-call" id="rb-fnref-{number}">'
                f'<a href="#rb-fn-{number}">{number}</a></sup>'
            )
            notes.append(
                f'<li id="rb-fn-{number}" value="{number}">{body} '
                f'<a class="rb-fn-back" href="#rb-fnref-{number}" aria-label="back">↩</a></li>'
            )
            at = end
        out.append(chunk[at:])
        chunk = "".join(out)
        if notes:
            listed = f'<ol class="rb-notes">{"".join(notes)}</ol>'
            # Before the chapter's own end tag (the closing page may follow in the chunk).
            close = _closing(chunk, 0, _SECTION) - len("</section>") if first in starts else -1
            if close < 0:
                close = chunk.rfind("</body>")
            chunk = chunk[:close] + listed + chunk[close:] if close >= 0 else chunk + listed
        chunks.append(chunk)
    return "".join(chunks)
