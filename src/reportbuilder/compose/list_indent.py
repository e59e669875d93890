"""Lists and fences as CommonMark (and GitHub) read them, rewritten into the text
Python-Markdown reads the same way. Line for line: no line is removed, so what is
looked up in the source is found (one blank line may follow a closing fence).

- A list item's contents (paragraphs, sub-lists, code, fences) belong to it when they are
  indented to its text's column: 2 spaces under `- `, 3 under `1. ` (CommonMark).
  Python-Markdown wants 4 spaces a level, so such lines are re-indented to its levels; a
  document already written with 4 spaces is left as it is.
- A closing fence may be longer than the opening one (`~~~~` … `~~~~~~~`); pymdownx's
  superfences only closes on the same run, so a longer one is shortened to it.

No maintained Python-Markdown extension does this: `tab_length=2` changes every indented
block (code too), mdx_truly_sane_lists takes one fixed indent for all lists, and
Python-Markdown's authors keep the 4-space rule on purpose (Python-Markdown issue #3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

Notes = list[tuple[str, str]]  # (message, text to find its line by)

_MARKER = re.compile(r"(?:[*+-]|\d{1,9}[.)])(?= |$)")
_THEMATIC = re.compile(r"(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})$")
_FENCE_OPEN = re.compile(r"(`{3,})(?!.*`)|(~{3,})")
# A paragraph's line, not a table row, HTML, heading, quote, definition or admonition.
_BLOCK_START = re.compile(r"[|<#>:]|!!!|\?\?\?")
# What a list may start with under a paragraph line: a bullet, or a list numbered from 1.
_INTERRUPTS = re.compile(r"(?:[*+-]|0*1[.)]) +\S")
_QUOTE = re.compile(r" {0,3}> ?")
_LEVEL = 4  # Python-Markdown's spaces a nesting level
_MAX_QUOTES = 32  # quotes inside quotes handled; deeper ones are left as written


@dataclass
class _Item:
    content: int  # the column its text starts at, as written (CommonMark's rule)
    level: int  # its contents' nesting level for Python-Markdown (1 = 4 spaces)


@dataclass
class _Fence:
    mark: str  # the opening run, "```" or "~~~~"
    base: int  # the column of the container the fence is in, as written
    shift: int  # columns added to each of its lines


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _shifted(line: str, shift: int) -> str:
    if shift >= 0:
        return " " * shift + line if line.strip() else line
    return line[min(-shift, _indent(line)) :]


def normalise(lines: list[str], notes: Notes, depth: int = 0) -> list[str]:
    """`lines` (tabs already expanded) with list contents re-indented to Python-Markdown's
    levels and long closing fences shortened; `notes` gets what is read in a way the author
    may not have meant."""
    out: list[str] = []
    items: list[_Item] = []
    fence: _Fence | None = None
    blank_before = True
    prose_before = False  # the line before is a paragraph's, outside any list
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if fence is not None:
            out.append(_in_fence(line, fence))
            if _closes(line, fence):
                fence = None
                if index < len(lines) and lines[index].strip():
                    out.append("")  # superfences reads a list item right after as text
            blank_before = False
            continue
        was_prose, prose_before = prose_before, False
        if not line.strip():
            out.append(line)
            blank_before = True
            continue
        i = _indent(line)
        text = line[i:]
        marker = None if _THEMATIC.match(text) else _MARKER.match(text)
        if items and not blank_before and marker is None and not _FENCE_OPEN.match(text):
            # The next line of the item's paragraph (or a lazy one): Python-Markdown keeps it
            # with the item as written, and reads a `> quote` or `***` there as CommonMark does.
            out.append(line)
            blank_before = False
            continue
        inner = items[-1].content if items else 0
        while items and i < items[-1].content:
            items.pop()
        base = items[-1].content if items else 0
        level = items[-1].level if items else 0
        rel = i - base
        if blank_before and marker is None and base < i < inner:
            notes.append(
                (
                    f"this line is indented {i} spaces, less than the text of the list item "
                    f"above ({inner}): it is not part of that item (indent it {inner} spaces "
                    "to keep it in the item)",
                    text.strip()[:60],
                )
            )
        if not items:
            if _QUOTE.match(line) and depth < _MAX_QUOTES:
                end = index
                while end < len(lines) and _QUOTE.match(lines[end]):
                    end += 1
                quoted = [_QUOTE.sub("", q, count=1) for q in lines[index - 1 : end]]
                inside = normalise(quoted, notes, depth + 1)
                out.extend(f"> {q}" if q.strip() else ">" for q in inside)
                index = end
                blank_before = False
                continue
            if rel >= _LEVEL or marker is None:  # not in a list: as written
                out.append(line)
                fence = _opens(text, 0, 0) if rel < _LEVEL else None
                prose_before = rel < _LEVEL and fence is None and not _BLOCK_START.match(text)
                blank_before = False
                continue
            if was_prose and _INTERRUPTS.match(text):
                out.append("")  # CommonMark: a list may start right under a paragraph line
        if marker is not None and rel < _LEVEL:
            out.append(_at(line, i, level, 0))
            items.append(_Item(_content_column(i, text, marker.end()), level + 1))
        elif rel >= _LEVEL and blank_before:  # indented code inside the item
            out.append(_at(line, i, level + 1, rel - _LEVEL))
        else:
            new = _at(line, i, level, rel)
            out.append(new)
            fence = _opens(text, base, _indent(new) - i)
        blank_before = False
    return out


def _at(line: str, indent: int, level: int, extra: int) -> str:
    """`line` at `level` plus `extra` spaces, unless Python-Markdown reads it at that level
    already (then as written, so 4-space documents do not change)."""
    if indent // _LEVEL == level:
        return line
    return " " * (level * _LEVEL + extra) + line[indent:]


def _content_column(indent: int, text: str, width: int) -> int:
    """CommonMark: the item's text starts after the marker and 1–4 spaces; after 5 or more,
    one space counts and the rest indents code."""
    after = text[width:]
    spaces = len(after) - len(after.lstrip(" "))
    if not after.strip() or spaces > _LEVEL:
        return indent + width + 1
    return indent + width + spaces


def _opens(text: str, base: int, shift: int) -> _Fence | None:
    match = _FENCE_OPEN.match(text)
    return _Fence(match[1] or match[2], base, shift) if match else None


def _closes(line: str, fence: _Fence) -> bool:
    text = line.strip(" ")
    run = len(text) - len(text.lstrip(fence.mark[0]))
    return run >= len(fence.mark) and not text[run:].strip() and _indent(line) - fence.base < 4


def _in_fence(line: str, fence: _Fence) -> str:
    if _closes(line, fence):  # superfences closes on the opening run only
        return " " * max(0, _indent(line) + fence.shift) + fence.mark
    return _shifted(line, fence.shift)


class _Normalise(Preprocessor):
    def __init__(self, md: markdown.Markdown, notes: Notes) -> None:
        super().__init__(md)
        self.notes = notes

    def run(self, lines: list[str]) -> list[str]:
        return normalise(lines, self.notes)


class CommonMarkLists(Extension):
    """Register with the list that collects notes; runs after the whitespace is normalised
    (tabs expanded) and before the fences are read."""

    def __init__(self, notes: Notes) -> None:
        super().__init__()
        self.notes = notes

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_Normalise(md, self.notes), "commonmark-lists", 27)
