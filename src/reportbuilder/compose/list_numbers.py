"""The numbers of ordered lists as HTML writes them, set as CSS counters WeasyPrint 70 reads.

WeasyPrint applies `<ol start>`, `<li value>` and `<ol type>` only as "presentational hints"
(off here) and `<ol reversed>` not at all, so "steps 4–7" printed 1–4, a countdown counted
up and `type="a"` printed numbers. Each becomes the `list-item` counter or list style it
means, on the sanitised HTML (which keeps no `style`, so these are ours, made from numbers
and a fixed list of types):

- `<ol start="4">`: `counter-reset: list-item 3` (each item adds one before it is shown);
- `<li value="9">`: `counter-set: list-item 8`;
- `<ol reversed>`: counts down from `start`, or from its number of items: the list resets
  the counter one above, each of its items adds −1 (`<li value>` sets one above its value);
- `<ol type="a|A|i|I|1">`: `list-style-type` lower-alpha, upper-alpha, lower-roman,
  upper-roman, decimal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_TYPES = {
    "a": "lower-alpha",
    "A": "upper-alpha",
    "i": "lower-roman",
    "I": "upper-roman",
    "1": "decimal",
}
_NUMBER = re.compile(r"\s*([+-]?\d{1,9})\s*")


@dataclass
class _Tag:
    offset: int  # where its start tag begins in the HTML
    text: str  # the start tag as written
    attributes: dict[str, str | None]


@dataclass
class _List:
    tag: _Tag
    ordered: bool
    items: list[_Tag] = field(default_factory=list)


class _Lists(HTMLParser):
    """Every list's start tag and its own items' start tags (not those of lists inside)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self._starts = [0]
        for line in html.splitlines(keepends=True):
            self._starts.append(self._starts[-1] + len(line))
        self._open: list[_List] = []
        self.lists: list[_List] = []

    def _tag(self, attributes: list[tuple[str, str | None]]) -> _Tag:
        line, column = self.getpos()
        text = self.get_starttag_text() or ""
        return _Tag(self._starts[line - 1] + column, text, dict(attributes))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ol", "ul"):
            found = _List(self._tag(attrs), tag == "ol")
            self._open.append(found)
            self.lists.append(found)
        elif tag == "li" and self._open:
            self._open[-1].items.append(self._tag(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ol", "ul") and self._open:
            self._open.pop()


def _number(value: str | None) -> int | None:
    found = _NUMBER.fullmatch(value or "")
    return int(found[1]) if found else None


def _styled(tag: _Tag, style: str, name: str | None = None, number: int | None = None) -> str:
    """The start tag with `style` added (and attribute `name` written as `number`)."""
    text = tag.text
    if name is not None and number is not None:
        text = re.sub(rf'\s{name}="[^"]*"', f' {name}="{number}"', text, count=1)
    end = -2 if text.endswith("/>") else -1
    return f'{text[:end]} style="{style}"{text[end:]}'


def list_numbers(html: str) -> str:
    """`html` with each ordered list's numbering set as the counters WeasyPrint reads."""
    if "<ol" not in html:
        return html
    parser = _Lists(html)
    parser.feed(html)
    parser.close()
    edits: list[tuple[_Tag, str]] = []
    for found in parser.lists:
        if not found.ordered or any("style" in t.attributes for t in (found.tag, *found.items)):
            continue  # a style of its own: left as written (the sanitiser keeps none)
        edits += _numbered(found)
    for tag, text in sorted(edits, key=lambda edit: -edit[0].offset):
        if html.startswith(tag.text, tag.offset):
            html = html[: tag.offset] + text + html[tag.offset + len(tag.text) :]
    return html


def _numbered(found: _List) -> list[tuple[_Tag, str]]:
    edits = []
    attributes = found.tag.attributes
    start = _number(attributes.get("start"))
    down = "reversed" in attributes
    styles = []
    kind = _TYPES.get((attributes.get("type") or "").strip())
    if kind is not None and kind != "decimal":
        styles.append(f"list-style-type: {kind}")
    if down:
        first = start if start is not None else len(found.items)
        styles.append(f"counter-reset: list-item {first + 1}")
    elif start is not None:
        styles.append(f"counter-reset: list-item {start - 1}")
    if styles:
        edits.append((found.tag, _styled(found.tag, "; ".join(styles), "start", start)))
    for item in found.items:
        value = _number(item.attributes.get("value"))
        if down:
            style = "counter-increment: list-item -1"
            if value is not None:
                style = f"counter-set: list-item {value + 1}; {style}"
            edits.append((item, _styled(item, style, "value", value)))
        elif value is not None:
            edits.append(
                (item, _styled(item, f"counter-set: list-item {value - 1}", "value", value))
            )
    return edits
