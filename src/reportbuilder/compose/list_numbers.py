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
    attributes: dict[str, str]


@dataclass
class _List:
    tag: _Tag
    ordered: bool
    items: list[_Tag] = field(default_factory=list)  # those that may need a number set
    count: int = 0  # its items


# The sanitiser writes tags in lower case, attributes as `name="value"` (or a bare name) and
# no `<` or `>` inside a tag: each try stops at the next `<` or `>`, so the scan is linear.
_TAG = re.compile(r"<(/?)(ol|ul|li)\b([^<>]*)>")
_ATTRIBUTE = re.compile(r'([^\s="/]+)(?:="([^"]*)")?')


def _lists(html: str) -> list[_List]:
    """Every ordered list's start tag and its own items' start tags (not those of lists
    inside): all of them for a list with attributes, else those with attributes. A plain
    `<ol>`, `<ul>` or `<li>` makes nothing: the common case, and a fast one."""
    # None: a bullet list; a match: an `<ol>` without attributes, made a `_List` only if one
    # of its items has one.
    open_lists: list[_List | re.Match[str] | None] = []
    lists: list[_List] = []
    for match in _TAG.finditer(html):
        closing, name, rest = match.groups()
        if closing:
            if name != "li" and open_lists:
                open_lists.pop()
            continue
        if name == "ul":
            open_lists.append(None)
            continue
        attributes = {a[1]: a[2] for a in _ATTRIBUTE.finditer(rest)} if rest.strip() else {}
        if name == "ol":
            if not attributes:
                open_lists.append(match)
                continue
            found = _List(_Tag(match.start(), match[0], attributes), True)
            open_lists.append(found)
            lists.append(found)
            continue
        parent = open_lists[-1] if open_lists else None
        if isinstance(parent, re.Match) and attributes:
            parent = open_lists[-1] = _List(_Tag(parent.start(), parent[0], {}), True)
            lists.append(parent)
        if isinstance(parent, _List):
            parent.count += 1
            if attributes or parent.tag.attributes:
                parent.items.append(_Tag(match.start(), match[0], attributes))
    return lists


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
    edits: list[tuple[_Tag, str]] = []
    for found in _lists(html):
        if not found.ordered or any("style" in t.attributes for t in (found.tag, *found.items)):
            continue  # a style of its own: left as written (the sanitiser keeps none)
        edits += _numbered(found)
    pieces, done = [], 0
    for tag, text in sorted(edits, key=lambda edit: edit[0].offset):
        pieces += [html[done : tag.offset], text]
        done = tag.offset + len(tag.text)
    return "".join(pieces) + html[done:]


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
        first = start if start is not None else found.count
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
