"""Python's HTML parser, made to read any text a chapter may hold.

`html.parser.HTMLParser` raises `AssertionError` on a marked section it does not know
(`<![A>`, `<![if !IE]>`): a chapter holding one stopped `check` and `build` with an internal
error. Here such a section is text, as a browser reads it.
"""

from __future__ import annotations

from html.parser import HTMLParser


class TolerantHTMLParser(HTMLParser):
    """An `HTMLParser` that never raises on what it reads."""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:  # "unknown status keyword …": not CDATA, not a known one
            self.handle_data(self.rawdata[i : i + 3])  # `<![` as text, the rest read on
            return i + 3
