"""A pipe table right under a paragraph line, as GitHub reads it: the table starts there.

GitHub's Markdown (GFM) lets a table interrupt a paragraph, and most people type one that way
(`The figures:` then `| a | b |`, `|---|---|`, …). Python-Markdown needs a blank line before
the table, and without one printed the whole table as a line of prose, its `---` turned into
dashes. A blank line is put before such a table, nowhere else.
"""

from __future__ import annotations

import re

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

# A delimiter row: `|---|:--:|`, `--- | ---`; at least one pipe, each cell dashes and colons.
_DELIMITER = re.compile(
    r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^ {0,3}\|\s*:?-+:?\s*\|\s*$"
)
# A paragraph line: not blank, not indented as code, not a list item, quote, heading or fence.
_NOT_PARAGRAPH = re.compile(
    r"^(?:\s*$| {4}|\t| {0,3}(?:[-+*>#]|\d{1,9}[.)])(?:\s|$)| {0,3}[`~]{3})"
)


def _cells(line: str) -> int:
    return len(line.strip().strip("|").split("|"))


class GfmTables(Extension):
    """Register after the fenced code preprocessor (code is out of the text by then)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_TableAfterParagraph(md), "gfm-table-start", 21)


class _TableAfterParagraph(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for index, line in enumerate(lines):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if (
                out
                and "|" in line
                and not line.startswith(("    ", "\t"))
                and _DELIMITER.match(following)
                and _cells(line) == _cells(following)
                and not _NOT_PARAGRAPH.match(out[-1])
                and "|" not in out[-1]  # a table row above: the same table, or its own
            ):
                out.append("")
            out.append(line)
        return out
