"""Links and images found in linear time over a paragraph.

Python-Markdown looks for the `]` that closes a link's text and the `)` that closes its
destination by scanning forward from each `[` and each `(`, in Python. Where they never
close (`[a](` written 10 000 times, a paste of punctuation) every scan runs to the end of
the paragraph: 40 KB took minutes. Even well-formed links cost that much: its memo of
closing brackets is keyed by the paragraph's text, which changes after each link found,
so a paragraph of 1 000 real links took 30 s.

`LinearText.getText` finds the same closing bracket from a table computed once per
paragraph: which `]` closes a `[` depends only on the text after it, and that text does
not change while the links before it are replaced by placeholders, so the table is kept
by the text's end and read at the same distance from the end. `bounded_tail` ends the
scan for a destination where a `(destination "title")` can end at the latest.
"""

from __future__ import annotations

import re
from collections import OrderedDict

_KEPT = 4  # tables kept per processor: a paragraph's, and those of the texts of its links


def bracket_ends(data: str) -> list[int]:
    """For each index of `data`, the index just past the `]` that closes a `[` written just
    before it (Python-Markdown's rule: brackets nest, no escapes), or -1 when none does."""
    ends = [-1] * (len(data) + 1)
    depth = 0
    # Indexes still waiting for their `]`; the depth before each rises from bottom to top.
    waiting: list[tuple[int, int]] = []
    for pos in range(len(data) + 1):
        while waiting and depth < waiting[-1][1]:
            ends[waiting.pop()[0]] = pos
        waiting.append((pos, depth))
        if pos < len(data):
            char = data[pos]
            if char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
    return ends


class _SuffixTables:
    """`bracket_ends` tables of the last texts seen, found again for a text that ends with
    the same characters (a link before the index replaced by its placeholder)."""

    def __init__(self) -> None:
        self._tables: OrderedDict[str, list[int]] = OrderedDict()

    def end(self, data: str, index: int) -> int:
        """The index just past the `]` closing the `[` before `index` in `data`, or -1."""
        tail = len(data) - index
        for text, ends in reversed(self._tables.items()):
            if text is data:  # no link replaced since: the same table, no comparison
                self._tables.move_to_end(text)
                return ends[index]
            start = len(text) - tail
            if start >= 0 and text.endswith(data[index:]):
                self._tables.move_to_end(text)
                found = ends[start]
                return -1 if found < 0 else found - start + index
        ends = bracket_ends(data)
        self._tables[data] = ends
        while len(self._tables) > _KEPT:
            self._tables.popitem(last=False)
        return ends[index]


class LinearText:
    """Mixin for Python-Markdown's link and image processors (before them in the bases):
    their `getText`, the same reading in linear time."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        tables: _SuffixTables | None = getattr(self, "_rb_tables", None)
        if tables is None:
            tables = self._rb_tables = _SuffixTables()
        end = tables.end(data, index)
        if end < 0:
            return data[index:], len(data), False
        return data[index : end - 1], end, True


# Where an image's `(destination "title")` can end: a destination with spaces (as
# Python-Markdown allows for images), parentheses nested two deep, an optional title in
# quotes or parentheses. The destination is read possessively (no going back) and stops at
# a quote or an unbalanced parenthesis, so a failed match stops early instead of scanning
# the rest of the paragraph.
_PLAIN = r"""(?:[^()"'\\]|\\.)"""
IMAGE_TAIL = re.compile(
    r"\(\s*(?:<(?:[^<>\n\\]|\\[^\n])*>"
    rf"|(?:{_PLAIN}|\((?:{_PLAIN}|\({_PLAIN}*+\))*+\))*+)"
    r"""(?:\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\)""",
    re.DOTALL,
)


def bounded_tail(data: str, index: int, tail: re.Pattern[str]) -> str | None:
    """`data` cut just past where `tail` (a link's or an image's `(…)`) ends at `index`,
    for Python-Markdown's own scan to read no further; None where no `(…)` starts there."""
    found = tail.match(data, index)
    return None if found is None else data[: found.end()]
