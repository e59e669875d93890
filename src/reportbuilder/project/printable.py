"""Text that prints as a name or goes into a message (a title, a contact, a requester's
cell) holds only characters that print as themselves.

Refused: C0/C1 controls (a terminal escape, a header line break in `mail`), the bidi
overrides and isolates that make "E\u202eF" print as another name, and invisible characters
(zero-width space, word joiner, BOM, marks of direction). A line break only where several lines are
meant (a postal address).
"""

from __future__ import annotations

import re
from typing import NoReturn

from reportbuilder.errors import Problem, Stage

# Zero-width (non-)joiners (U+200C, U+200D) are left: Persian and Indic spelling and emoji
# sequences need them, and they hide nothing.
UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def refuse_unprintable(text: str, *, multiline: bool) -> None:
    """`ValueError` naming the first control, bidi or invisible character in `text`."""
    text = text.strip()  # as the models keep it: a YAML block's last newline is no problem
    found = UNPRINTABLE.search(text) or (None if multiline else re.search("[\n\t]", text))
    if found:
        _unprintable(found.group())


def unprintable_message(text: str) -> str | None:
    """What is said of the first control, bidi or invisible character in `text` (one line
    of a file, a cell), or None."""
    found = UNPRINTABLE.search(text)
    if found is None:
        return None
    try:
        _unprintable(found.group())
    except ValueError as error:
        return str(error)
    raise AssertionError  # pragma: no cover: `_unprintable` always raises


def unprintable_lines(text: str, rel: str) -> list[Problem]:
    """An error at each line of the file `rel` holding a control, bidi or invisible
    character (a line's own end, CR LF, is none): a data label whose bytes say "2025"
    printing "5202", a cell that searches as "North" holding something else."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if number == 1:
            line = line.removeprefix("\ufeff")  # a byte order mark, read as such
        if message := unprintable_message(line):
            problems.append(Problem(rel, number, message, stage=Stage.PROJECT))
    return problems


def not_a_template(value: str) -> str:
    """A pydantic validator: `value` unless it holds template code, which is filled in in
    chapters only: report.yml's, contacts.yml's and the data's texts print as typed ("First
    results {{ report.date.year }}" on the cover, trial 7 #28)."""
    if "{{" in value or "{%" in value:
        raise ValueError(
            "is plain text: its '{{' or '{%' is not filled in here and would print as typed; "
            "write the value itself (templates are filled in in chapters only)"
        )
    return value


def printed_text(value: str) -> str:
    """A pydantic validator: `value` if every character prints as itself (one line)."""
    refuse_unprintable(value, multiline=False)
    return value


def _unprintable(char: str) -> NoReturn:
    what = (
        "a bidirectional control"
        if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069" or char == "\u061c"
        else "an invisible character"
        if char >= "\u200b"
        else "a line break"
        if char in "\n\r"
        else "a control character"
    )
    raise ValueError(
        f"contains {what} (U+{ord(char):04X}): it would print or send as something else; remove it"
    )
