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
from dataclasses import dataclass

_TYPES = {
    "a": "lower-alpha",
    "A": "upper-alpha",
    "i": "lower-roman",
    "I": "upper-roman",
    "1": "decimal",
}
_NUMBER = re.compile(r"\s*([+-]?\d{1,9})\s*")
# The sanitiser writes tags in lower case, attributes as `name="value"` (or a bare name) and
# no `<` or `>` inside a tag: each try stops at the next `<` or `>`, so the scan is linear.
_TAG = re.compile(r"<(/?)(ol|ul|li)\b([^<>]*)>")
_ATTRIBUTE = re.compile(r'([^\s="/]+)(?:="([^"]*)")?')


@dataclass
class _Open:
    """An ordered list being read: where its start tag's text is in the pieces, and what
    numbers it sets."""

    piece: int  # index of its start tag in the output's pieces
    attributes: dict[str, str]
    down: bool  # `reversed`
    count: int = 0  # its items


_PLAIN = _Open(-1, {}, False)  # an `<ol>` without attributes: only its items' values count


def _number(value: str | None) -> int | None:
    found = _NUMBER.fullmatch(value or "")
    return int(found[1]) if found else None


def _styled(text: str, style: str, name: str | None = None, number: int | None = None) -> str:
    """The start tag `text` with `style` added (and attribute `name` written as `number`)."""
    if name is not None and number is not None:
        text = re.sub(rf'\s{name}="[^"]*"', f' {name}="{number}"', text, count=1)
    end = -2 if text.endswith("/>") else -1
    return f'{text[:end]} style="{style}"{text[end:]}'


def list_numbers(html: str) -> str:
    """`html` with each ordered list's numbering set as the counters WeasyPrint reads; one
    pass, each item's tag changed where it is read, each list's when it closes (a reversed
    list counts down from its number of items). A plain `<ol>`, `<ul>` or `<li>` makes
    nothing: the common case, and a fast one."""
    if "<ol" not in html:
        return html
    pieces: list[str] = []
    done = 0
    open_lists: list[_Open | None] = []  # None: a bullet list, or an `<ol>` with nothing set

    def keep(match: re.Match[str], text: str) -> int:
        nonlocal done
        pieces.append(html[done : match.start()])
        pieces.append(text)
        done = match.end()
        return len(pieces) - 1

    def close(found: _Open) -> None:
        if found.piece >= 0:
            pieces[found.piece] = _list_tag(pieces[found.piece], found)

    for match in _TAG.finditer(html):
        closing, name, rest = match.groups()
        if closing:
            if name != "li" and open_lists and (found := open_lists.pop()) is not None:
                close(found)
            continue
        attributes = {a[1]: a[2] for a in _ATTRIBUTE.finditer(rest)} if rest.strip() else {}
        if name == "ul" or (name == "ol" and (not attributes or "style" in attributes)):
            # nothing to set (a style of its own is left as written; the sanitiser keeps none)
            open_lists.append(None if name == "ul" or attributes else _PLAIN)
            continue
        if name == "ol":
            index = keep(match, match[0])
            open_lists.append(_Open(index, attributes, "reversed" in attributes))
            continue
        parent = open_lists[-1] if open_lists else None
        if parent is None:
            continue
        parent.count += 1
        value = _number(attributes.get("value")) if "style" not in attributes else None
        if parent.down:
            style = "counter-increment: list-item -1"
            if value is not None:
                style = f"counter-set: list-item {value + 1}; {style}"
            keep(match, _styled(match[0], style, "value", value))
        elif value is not None:
            keep(match, _styled(match[0], f"counter-set: list-item {value - 1}", "value", value))
    for found in open_lists:
        if found is not None:
            close(found)
    return "".join(pieces) + html[done:]


def _list_tag(text: str, found: _Open) -> str:
    """An `<ol>`'s start tag with the counter and list style its attributes mean."""
    start = _number(found.attributes.get("start"))
    styles = []
    kind = _TYPES.get((found.attributes.get("type") or "").strip())
    if kind is not None and kind != "decimal":
        styles.append(f"list-style-type: {kind}")
    if found.down:
        first = start if start is not None else found.count
        styles.append(f"counter-reset: list-item {first + 1}")
    elif start is not None:
        styles.append(f"counter-reset: list-item {start - 1}")
    return _styled(text, "; ".join(styles), "start", start) if styles else text
