"""A paragraph indented by a tab or four spaces prints as a code block (CommonMark's rule):
text pasted from a word processor keeps its first-line indent, and one paragraph of the
report comes out in a grey monospace box with nobody knowing why (trial 6 #41). A block
that reads like prose is said at its line; a fenced block is never questioned, so an
author who means code can say so with a fence.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor

Losses = list[tuple[str, str]]  # (message, text to find it by in the source)

MESSAGE = (
    "this paragraph is indented by a tab or 4 spaces, so it prints as a code block; "
    "remove the indent if it is text (or put it between ``` lines if it is code)"
)
_WORD = re.compile(r"[^\W\d_]{2,}")
# What code, commands and program output hold and sentences do not.
_CODE_MARKS = re.compile(r"[{}<>=$\\|`#_~^\[\]]|\w\(|::|->|\s--?\w|^\W")
_SENTENCE_END = re.compile(r"[.!?:…»\"”')]$")
_MIN_WORDS = 8
_CODE_PRIORITY = 80  # where Python-Markdown and pymdownx.superfences register it


def reads_like_prose(block: str) -> bool:
    """Whether the indented lines at the start of `block` read as sentences, not code:
    a capital first, a sentence's end last, at least eight words, mostly letters and no
    character code is made of."""
    lines = []
    for line in block.split("\n"):
        if line.strip() and not line.startswith((" ", "\t")):
            break
        lines.append(line.strip())
    text = " ".join(line for line in lines if line)
    if not text or not text[0].isupper() or not _SENTENCE_END.search(text):
        return False
    if _CODE_MARKS.search(text) or len(_WORD.findall(text)) < _MIN_WORDS:
        return False
    letters = sum(char.isalpha() for char in text)
    return letters >= 0.8 * sum(not char.isspace() for char in text)


class WatchedProcessor(BlockProcessor):
    """One of Python-Markdown's block processors (`inner`), taking the blocks it takes; a
    subclass's `run` reports what it sees to `losses`, then lets `inner` run."""

    def __init__(self, parser: BlockParser, inner: BlockProcessor, losses: Losses) -> None:
        super().__init__(parser)
        self.inner = inner
        self.losses = losses

    def test(self, parent: ET.Element, block: str) -> bool:
        return bool(self.inner.test(parent, block))


class IndentedProse(WatchedProcessor):
    """Python-Markdown's indented-code processor (`inner`), which also reports a new code
    block that reads like a paragraph of text."""

    def run(self, parent: ET.Element, blocks: list[str]) -> bool | None:
        block = blocks[0]
        sibling = self.lastChild(parent)
        continues = sibling is not None and sibling.tag == "pre"
        indented = block.startswith(" " * self.tab_length)
        if indented and not continues and reads_like_prose(block):
            first = block.split("\n", 1)[0].strip()
            self.losses.append((MESSAGE, first[:60]))
        return self.inner.run(parent, blocks)


def watch_indented_prose(parser: BlockParser, losses: Losses) -> None:
    """Put `IndentedProse` in the place of the parser's indented-code processor."""
    inner = parser.blockprocessors["code"]
    parser.blockprocessors.register(IndentedProse(parser, inner, losses), "code", _CODE_PRIORITY)
