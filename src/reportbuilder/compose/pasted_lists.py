"""A list pasted from Word or Outlook keeps its bullets as characters ("• Réduire les
délais") or its letters ("a) Réduire …"), one item a line under a line of text. Markdown reads
such lines as one paragraph, so the items print run together: "Les objectifs sont : • Réduire
les délais • Améliorer l’accueil • Former 120 agents" (trial 8 #16). That is CommonMark's
rule, and said at the first such line, with what to write instead; a line that holds a bullet
alone, or a one-line paragraph, is left alone.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown.blockparser import BlockParser

from reportbuilder.compose.indented_prose import Losses, WatchedProcessor

# A word processor's bullet characters, then a space or tab and a word.
_BULLET = re.compile(r"^[ \t]{0,3}([•◦▪▫●○■□‣⁃∙·➢➤►▶✓✔–])[ \t]+\S")
# A letter or roman numeral item: "a) …", "b. …" is too often a sentence; ")" only.
_LETTER = re.compile(r"^[ \t]{0,3}([a-zA-Z]|[ivx]{1,4})\)[ \t]+\S")


def _message(mark: str) -> str:
    return (
        f"lines starting with '{mark}' are joined into one paragraph, the items run together: "
        f"write '- ' (or '1. ') in the place of '{mark}' to make them list items, or end "
        "each line with '\\' to keep it a line of its own"
    )


def pasted_list_line(block: str) -> tuple[str, str] | None:
    """(the mark, the line) of the first line of `block` that reads as a pasted list item
    and is joined to another line; None when there is none."""
    lines = [line for line in block.split("\n") if line.strip()]
    if len(lines) < 2:
        return None
    letters = sum(1 for line in lines if _LETTER.match(line))
    broken = [line.endswith(("\\", "  ")) for line in lines]  # a hard line break after it
    for index, line in enumerate(lines):
        after = index > 0 and not broken[index - 1]
        before = index < len(lines) - 1 and not broken[index]
        if not (after or before):
            continue  # a line of its own
        if found := _BULLET.match(line):
            return found[1], line.strip()
        if letters >= 2 and (found := _LETTER.match(line)):
            return f"{found[1]})", line.strip()
    return None


class PastedLists(WatchedProcessor):
    """Python-Markdown's paragraph processor (`inner`), which also reports a paragraph made
    of lines that read as the items of a list pasted with its bullets."""

    def run(self, parent: ET.Element, blocks: list[str]) -> bool | None:
        found = pasted_list_line(blocks[0])
        if found is not None:
            mark, line = found
            self.losses.append((_message(mark), line[:60]))
        return self.inner.run(parent, blocks)


def watch_pasted_lists(parser: BlockParser, losses: Losses) -> None:
    """Put `PastedLists` in the place of the parser's paragraph processor."""
    inner = parser.blockprocessors["paragraph"]
    parser.blockprocessors.register(PastedLists(parser, inner, losses), "paragraph", 10)
