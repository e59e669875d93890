"""A line of a chapter that holds only `{% … %}` tags (or `{## … ##}` comments) leaves
nothing in the text, not an empty line: a table's rows written by a `{% for %}` stay one
table, a list's items keep their indentation (trial 6 #21).

Jinja's `trim_blocks` did that by dropping the line break after *every* tag, also after a
tag that ends a line of text: `Alpha{% if x %} plus{% endif %}` glued the next line on and
a heading below it was lost (trial 7 #1). Here only a line of nothing but tags loses its
break and its indentation, and both go *inside* its tags (`{% if x %}\\n` becomes
`{% if x \\n%}`), so that Jinja still counts every line: problems keep their line numbers.
Text between an author's `{% raw %}` and `{% endraw %}` is left as written.
"""

from __future__ import annotations

import re

import jinja2.ext

_TAG = r"\{%(?:(?!%\}).)*%\}|\{##(?:(?!##\}).)*##\}"
_TAGS_ONLY = re.compile(rf"[ \t]*(?:(?:{_TAG})[ \t]*)+\n")
_PIECE = re.compile(rf"(?P<space>[ \t]+)|(?P<tag>{_TAG})")
_OPENING = re.compile(r"\{%[-+]?|\{##")
_CLOSING = re.compile(r"[-+]?%\}$|##\}$")
_RAW = re.compile(r"\{%[-+]?\s*raw\s*[-+]?%\}")
_ENDRAW = re.compile(r"\{%[-+]?\s*endraw\s*[-+]?%\}")


def without_tag_lines(source: str) -> str:
    """`source` with the line breaks and indentation of its tag-only lines moved into their
    tags (see the module's docstring)."""
    if "{%" not in source and "{##" not in source:
        return source
    out: list[str] = []
    in_raw = False
    for line in source.splitlines(keepends=True):
        if in_raw:
            closes = _ENDRAW.fullmatch(line.strip()) is not None and line.endswith("\n")
            out.append(_swallowed(line) if closes else line)
            in_raw = _ended_raw(line, in_raw)
            continue
        out.append(_swallowed(line) if _TAGS_ONLY.fullmatch(line) else line)
        in_raw = _ended_raw(line, in_raw)
    return "".join(out)


def _ended_raw(line: str, in_raw: bool) -> bool:
    """Whether a raw section is still open after `line`."""
    marks = sorted(
        [(m.start(), True) for m in _RAW.finditer(line)]
        + [(m.start(), False) for m in _ENDRAW.finditer(line)]
    )
    for _, opens in marks:
        in_raw = opens
    return in_raw


def _swallowed(line: str) -> str:
    """A tag-only line as its tags alone: each run of white space moved inside the tag after
    it (after its opening), the last run and the line break inside the last tag."""
    tags: list[str] = []
    space = ""
    for piece in _PIECE.finditer(line.rstrip("\n")):
        if piece["space"]:
            space += piece["space"]
            continue
        tag = piece["tag"]
        opening = _OPENING.match(tag)
        assert opening is not None
        tags.append(tag[: opening.end()] + space + tag[opening.end() :])
        space = ""
    closing = _CLOSING.search(tags[-1])
    assert closing is not None
    last = tags[-1]
    tags[-1] = last[: closing.start()] + space + "\n" + last[closing.start() :]
    return "".join(tags)


class TagLines(jinja2.ext.Extension):
    """`without_tag_lines` on every template the environment compiles."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return without_tag_lines(source)
