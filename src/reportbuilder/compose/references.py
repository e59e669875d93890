"""Figure and table numbers, and cross-references to them ("see figure 2, page 7").

Numbers are given once the whole document is assembled, in reading order, so figures from
Markdown images and from chart helpers share one sequence. A reference is an empty link to
the figure's id (`[](#fig-age)` or `{{ ref("fig-age") }}`); its text becomes "figure 2" and
the theme's CSS adds the page with `target-counter()`. An empty link to a heading prints the
heading's text and page the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import escape

from reportbuilder.compose.markup import NUM_CLASS

_NUM = re.compile(rf'<span class="{NUM_CLASS}"([^>]*)></span>')
_KIND = re.compile(r'data-kind="(figure|table)"')
_ID = re.compile(r'data-id="([^"]*)"')
_REF = re.compile(r"<a ([^>]*)></a>")
_XREF = re.compile(r'\bclass="xref"')
_HREF = re.compile(r'\bhref="#([^"]+)"')


def number(html: str, labels: Mapping[str, str]) -> tuple[str, dict[str, tuple[str, int]]]:
    """Fill the number placeholders; return the HTML and each id's (kind, number)."""
    counts = {"figure": 0, "table": 0}
    targets: dict[str, tuple[str, int]] = {}

    def replace(match: re.Match[str]) -> str:
        kind_match, id_match = _KIND.search(match[1]), _ID.search(match[1])
        if kind_match is None:
            return match[0]
        kind, target = kind_match[1], id_match[1] if id_match else None
        counts[kind] += 1
        if target:
            targets[target] = (kind, counts[kind])
        text = f"{labels[kind]}\u00a0{counts[kind]}."
        anchor = f"rb-{kind}-{counts[kind]}"  # where the lists of figures and tables point
        return f'<span class="{NUM_CLASS}" data-kind="{kind}" id="{anchor}">{text}</span> '

    return _NUM.sub(replace, html), targets


def link(
    html: str,
    targets: Mapping[str, tuple[str, int]],
    labels: Mapping[str, str],
    headings: Mapping[str, str] | None = None,
) -> tuple[str, list[str]]:
    """Give each empty link to a numbered figure or table, or to a heading (`headings`: id →
    its text), its text; return the unknown ids."""
    headings = headings or {}
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        href = _HREF.search(match[1])
        if not _XREF.search(match[1]) or href is None:
            return match[0]
        target = href[1]
        if target not in targets and target in headings:
            return f'<a class="xref" href="#{target}">{escape(headings[target])}</a>'
        if target not in targets:
            unknown.append(target)
            return match[0]
        kind, n = targets[target]
        return f'<a class="xref" href="#{target}">{labels[kind].lower()}\u00a0{n}</a>'

    return _REF.sub(replace, html), unknown


_CAPTIONED = re.compile(
    rf'<span class="{NUM_CLASS}" data-kind="(figure|table)" id="(rb-(?:figure|table)-\d+)">'
    r"([^<]*)</span>(.*?)</(?:figcaption|caption)>",
    re.DOTALL,
)
_TAGS = re.compile(r"<[^>]+>")
LISTS_PLACE = "<!--rb-lists-->"  # where the theme's report.html puts the lists


def lists(html: str, labels: Mapping[str, str], kinds: tuple[str, ...]) -> str:
    """The list of figures and/or of tables (`kinds`): each caption with its number, linked
    to it; the theme's CSS adds the page (`target-counter`)."""
    entries: dict[str, list[str]] = {kind: [] for kind in kinds}
    for kind, anchor, number_text, caption in _CAPTIONED.findall(html):
        if kind in entries:
            text = " ".join(_TAGS.sub("", caption).split())
            entries[kind].append(
                f'<li><a href="#{anchor}"><span class="lists-num">{number_text}</span> '
                f"{text}</a></li>"
            )
    parts = []
    for kind in kinds:
        if entries[kind]:
            title = escape(labels[f"list_of_{kind}s"])
            parts.append(
                f'<nav class="lists lists-{kind}s" aria-label="{title}">'
                f'<h2 class="toc-title">{title}</h2><ol>{"".join(entries[kind])}</ol></nav>'
            )
    return "".join(parts)
