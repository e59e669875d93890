"""What an Excel number format shows: how many decimals, whether a percent, and the literal
text around the number. A cell is printed as Excel shows it (`0` shows 12.6 as 13, `0%` shows
0.4937 as 49 %), so the format must be read, not guessed from its first `0.00`.

Only the parts a report can honour are supported: digits (`0 # ?`), a decimal point, grouping
commas, one `%`, sections for negatives and zero (`#,##0;(#,##0);-`: a zero shown as a dash),
leading zeros (`00000`: a code, shown as text `08001`), colours and locale codes (`[Red]`,
`[$-409]`), padding (`_)`) and fills (`*`). Dates and times are read by openpyxl and shown
by `spreadsheets` (hours and minutes, seconds when the format has them). Literal text
(`"kg"`, `\\€`, `[$€-40C]`) is reported, because the printed number leaves it out.
Scientific notation, fractions, thousands scaling (`#,##0,`), conditions (`[>100]`), more
than one `%` and leading zeros with decimals or grouping are not supported: the caller
refuses the cell rather than print a figure Excel would not show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Shown:
    """How a format shows a number: `decimals` (most shown; None for `General`), `fixed` (the
    decimals always shown: `0.0#` shows 1 or 2), `percent`, the literal `text` around it,
    `padded` (more than one `0` before the point: a code such as a postcode, `00000`) and
    `dash` (the zero section of an accounting format shows `-`, no digits)."""

    decimals: int | None
    fixed: int
    percent: bool
    text: str
    padded: int = 0  # integer digits always shown, zeros in front (`00000` shows 08001)
    dash: bool = False  # no digits, a dash instead (an accounting format's zero)


class Unsupported(ValueError):
    """A format the report cannot show as Excel does; the message says which part."""


def section_for(number_format: str, value: float) -> str:
    """The section of `number_format` Excel uses for `value`: positive;negative;zero;text."""
    sections = _split_sections(number_format or "General")
    if value < 0 and len(sections) >= 2 and sections[1].strip():
        return sections[1]
    if value == 0 and len(sections) >= 3 and sections[2].strip():
        return sections[2]
    return sections[0]


def hides(number_format: str, value: object) -> bool:
    """Whether `number_format` shows nothing for `value`: the section Excel uses for it is
    written and empty (`;;;` hides every value, `0;-0;;@` a zero); a colour alone
    (`[White]`) or a padding space (`_)`) shows nothing either. Text uses the fourth
    section when there is one."""
    if not number_format or ";" not in number_format:
        return False
    sections = _split_sections(number_format)
    if isinstance(value, str):
        chosen = sections[3] if len(sections) >= 4 else None
    elif isinstance(value, bool) or not isinstance(value, int | float):
        return False
    elif value < 0 and len(sections) >= 2:
        chosen = sections[1]
    elif value == 0 and len(sections) >= 3:
        chosen = sections[2]
    else:
        chosen = sections[0]
    return chosen is not None and not re.sub(r"\[[^\]]*\]|_.|\s", "", chosen)


def shown(number_format: str, value: float) -> Shown:
    """How `number_format` shows `value`; raises `Unsupported` naming what is not supported."""
    section = section_for(number_format, value)
    if section.strip().lower() in ("general", "", "@"):  # `@` on a number shows it as General
        return Shown(None, 0, False, "")
    text: list[str] = []
    body: list[str] = []
    index = 0
    while index < len(section):
        char = section[index]
        if char == '"':
            end = section.find('"', index + 1)
            end = len(section) if end < 0 else end
            text.append(section[index + 1 : end])
            index = end + 1
            continue
        if char == "\\" and index + 1 < len(section):
            text.append(section[index + 1])
            index += 2
            continue
        if char in "_*" and index + 1 < len(section):  # padding and fill show no text
            index += 2
            continue
        if char == "[":
            end = section.find("]", index)
            end = len(section) if end < 0 else end
            inside = section[index + 1 : end]
            if inside.startswith("$"):  # [$€-40C]: a currency symbol and a locale
                text.append(inside[1:].partition("-")[0])
            elif re.match(r"[<>=]", inside):
                raise Unsupported(f"the condition [{inside}]")
            index = end + 1
            continue
        body.append(char)
        index += 1
    core = "".join(body)
    if re.search(r"[eE][+-]", core):
        raise Unsupported("scientific notation (E+)")
    if "/" in core and re.search(r"[0#?]\s*/\s*[0-9#?]", core):
        raise Unsupported("a fraction")
    if core.count("%") > 1:
        raise Unsupported("more than one %")
    if re.search(r"[yYmMdDhHsS@]", core):
        raise Unsupported("a date, time or text part")
    digits = re.search(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+", core)
    if value == 0 and (digits is None or not re.search(r"[0#]", digits[0])):
        # No digit shows a zero (`"-"??`: `?` shows a space): the accounting zero is a dash.
        rest = core if digits is None else core[: digits.start()] + core[digits.end() :]
        words = re.sub(r"\s+", "", "".join([*text, rest]))
        if "-" in words or "–" in words:
            return Shown(0, 0, False, words.replace("-", "").replace("–", ""), dash=True)
        return Shown(0, 0, False, words)
    if digits is None:
        raise Unsupported("no digits (the number is not shown)")
    placeholder = digits[0]
    # `#,##0,` and, after the decimals, `0.0,,"M"` (Excel's millions; trial 8 #14).
    if placeholder.split(".")[0].endswith(",") or core[digits.end() :].startswith(","):
        raise Unsupported("thousands scaling (a comma after the last digit)")
    decimals_part = placeholder.partition(".")[2]
    padded = placeholder.partition(".")[0].count("0")
    if padded > 1 and ("," in placeholder or decimals_part or "%" in core):
        raise Unsupported("leading zeros with grouping, decimals or a percent")
    literal = (core[: digits.start()] + core[digits.end() :]).replace("%", "")
    # Signs, brackets and spaces frame a negative or pad a column: not text a reader misses.
    words = re.sub(r"[\s\-+()]+", " ", "".join([*text, literal])).strip()
    if value > 0 and "+" in literal:  # `+0;-0;0` shows +5: a sign the printed 5 lacks
        words = f"+ {words}".strip()
    return Shown(
        len(decimals_part),
        decimals_part.count("0"),
        "%" in core,
        words,
        padded if padded > 1 else 0,
    )


def _split_sections(number_format: str) -> list[str]:
    """The `;`-separated sections, a `;` in quotes or after `\\` not counting."""
    sections, current, quoted, index = [], [], False, 0
    while index < len(number_format):
        char = number_format[index]
        if char == "\\" and not quoted and index + 1 < len(number_format):
            current.append(number_format[index : index + 2])
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    sections.append("".join(current))
    return sections
