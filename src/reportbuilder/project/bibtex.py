"""A BibTeX file (report.yml `bibliography: references.bib`) read into CSL-JSON items, the shape
the citations module formats.

bibtexparser splits the file (`@string` macros, `@comment`, month names, `#` joins); pylatexenc
turns each value's LaTeX into text (`{\\'e}` → é, braces dropped). Neither runs TeX: an
`\\input{…}` is dropped, never read. Only the entries the chapters cite are parsed (the others
are left out, the line of each kept one remembered): a 5 MB library exported from a
reference manager costs the few entries a report cites, not the whole file. A cited entry
that does not parse is a problem at its line.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from typing import Any

# `@type{key,` or `@type(key,` at the start of a line: where a block starts.
_BLOCK = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s{}()]*)", re.MULTILINE)
_KEPT_BLOCKS = {"string", "preamble"}  # macros the cited entries may use
MAX_BRACE_DEPTH = 50  # LaTeX is turned into text recursively: a hostile file nests thousands

_TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "manual": "book",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "unpublished": "manuscript",
    "misc": "document",
}
_TEXT_FIELDS = {
    "title": "title",
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "series": "collection-title",
    "publisher": "publisher",
    "institution": "publisher",
    "school": "publisher",
    "organization": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "volume": "volume",
    "pages": "page",
    "edition": "edition",
    "note": "note",
    "doi": "DOI",
    "url": "URL",
    "isbn": "ISBN",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def cited_keys(texts: Iterable[str]) -> set[str]:
    """Every `[@key]` key written in `texts` (the chapters' sources), lower-cased, and every
    bare `@key`, so that one written without brackets is known and can be warned."""
    from reportbuilder.compose.citations import CITATION, NARRATIVE, keys_of

    keys = {key.lower() for text in texts for m in CITATION.finditer(text) for key in keys_of(m)}
    return keys | {m[1].lower() for text in texts for m in NARRATIVE.finditer(text)}


def read_bibtex(
    text: str, cited: set[str]
) -> tuple[list[dict[str, Any]], list[tuple[int, str]], list[tuple[int, str]]]:
    """The cited entries of a BibTeX file as CSL-JSON items, its problems and its warnings
    as (line, message)."""
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    kept, lines = _only_cited(text, cited)
    quiet = logging.getLogger("bibtexparser")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # its warnings repeat the failed blocks reported below
    try:
        # No middleware: its string resolution ignores `#` joins; values are resolved here.
        library = bibtexparser.parse_string(kept, parse_stack=[])
    finally:
        quiet.setLevel(level)
    strings: dict[str, str] = {}
    for string in library.strings:  # in file order: a macro may use an earlier one
        strings[string.key.lower()] = _value(str(string.value), strings)
    items: list[dict[str, Any]] = []
    problems: list[tuple[int, str]] = []
    warnings: list[tuple[int, str]] = []
    for block in library.failed_blocks:
        line = _line_in_file(block.start_line or 0, lines)
        key = _BLOCK.match(block.raw or "")
        what = f"entry '{key[2]}'" if key and key[2] else "an entry"
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append((line, f"{what} is written twice; keep one"))
        elif isinstance(block, DuplicateFieldKeyBlock):
            problems.append((line, f"{what} gives a field twice; keep one"))
        else:
            message = f"{what} is not valid BibTeX (check its braces, quotes and commas)"
            problems.append((line, message))
    for entry in library.entries:
        line = _line_in_file(entry.start_line or 0, lines)
        depth = max((_depth(str(f.value)) for f in entry.fields), default=0)
        if depth > MAX_BRACE_DEPTH:
            message = f"entry '{entry.key}' nests braces {depth} deep (at most {MAX_BRACE_DEPTH})"
            problems.append((line, message))
            continue
        _UNKNOWN.clear()
        try:
            items.append(_csl(entry, strings))
        except RecursionError:  # LaTeX commands nested deeper than the reader goes
            problems.append((line, f"entry '{entry.key}' nests LaTeX commands too deep to read"))
        if _UNKNOWN:
            commands = ", ".join(f"\\{name}" for name in dict.fromkeys(_UNKNOWN))
            message = (
                f"entry '{entry.key}': LaTeX command {commands} is not known, so it is printed "
                "as written (write the text it stands for)"
            )
            warnings.append((line, message))
    return items, problems, warnings


def _only_cited(text: str, cited: set[str]) -> tuple[str, list[tuple[int, int]]]:
    """The blocks of `text` a build needs (the cited entries, `@string` and `@preamble`), one
    after another, and (line in that text, line in `text`) where each starts, 0-based."""
    starts = list(_BLOCK.finditer(text))
    kept: list[str] = []
    lines: list[tuple[int, int]] = []
    at = 0
    line, counted = 0, 0  # lines of `text` before `counted`
    for index, match in enumerate(starts):
        kind, key = match[1].lower(), match[2].lower()
        if kind in _KEPT_BLOCKS or (kind != "comment" and key in cited):
            end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
            block = text[match.start() : end].rstrip() + "\n"
            line += text.count("\n", counted, match.start())
            counted = match.start()
            lines.append((at, line))
            kept.append(block)
            at += block.count("\n")
    return "".join(kept), lines


def _depth(value: str) -> int:
    """How deep braces nest in `value`."""
    depth = deepest = 0
    for char in value:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest


def _line_in_file(line: int, lines: list[tuple[int, int]]) -> int:
    """A 0-based line of the kept blocks' text as the file's 1-based line."""
    start, original = max((pair for pair in lines if pair[0] <= line), default=(0, 0))
    return original + line - start + 1


def _text(value: Any) -> str:
    """A BibTeX value's LaTeX as plain text: accents composed, braces dropped, commands as
    the text they stand for; a command pylatexenc does not know is printed as written and
    noted in `_UNKNOWN` (it used to vanish: `{\\LaTeX}` printed nothing)."""
    text = _converter().latex_to_text(str(value))
    return " ".join(text.split())


_UNKNOWN: list[str] = []  # the unknown commands met in the entry being read
# Commands that only choose a typeface or keep a word together: their text, nothing else.
_TYPE_ONLY = {
    "em", "it", "bf", "sc", "sl", "rm", "tt", "sf", "normalfont", "upshape", "itshape",
    "bfseries", "mdseries", "scshape", "slshape", "rmfamily", "sffamily", "ttfamily", "relax",
    "protect", "mbox", "hbox", "texttt", "textup", "textnormal", "textsf", "textmd",
    "NoCaseChange", "path", "doi",
}  # fmt: skip


@functools.cache
def _converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    # pylatexenc passes itself to a parameter named `l2tobj`, and only to one of that name.
    def arguments(node: Any, l2tobj: Any) -> str:
        found = getattr(node.nodeargd, "argnlist", None) or []
        return "".join(l2tobj.nodelist_to_text([arg]) for arg in found if arg is not None)

    def as_written(node: Any, l2tobj: Any) -> str:
        _UNKNOWN.append(node.macroname)
        return f"\\{node.macroname} {arguments(node, l2tobj)}"

    logos = [("LaTeX", "LaTeX"), ("LaTeXe", "LaTeX2e"), ("TeX", "TeX"), ("BibTeX", "BibTeX")]
    context = get_default_latex_context_db()
    context.add_context_category(
        "reportbuilder",
        prepend=True,
        macros=[
            *(MacroTextSpec(name, simplify_repl=text) for name, text in logos),
            *(MacroTextSpec(name, simplify_repl=arguments) for name in _TYPE_ONLY),
        ],
    )
    context.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=as_written))
    # `$\alpha$-analyse` → "α-analyse": a title's math as the letters and signs it stands for.
    return LatexNodes2Text(math_mode="text", latex_context=context)


def _value(raw: str, strings: dict[str, str]) -> str:
    """A field's written value as its text, LaTeX kept: `{…}` and `"…"` unwrapped, `@string`
    and month macros replaced, pieces joined by `#` put together."""
    pieces: list[str] = []
    for piece in _joined(raw.strip()):
        if piece[:1] in ("{", '"') and len(piece) > 1:
            pieces.append(piece[1:-1])
        elif piece.isdigit():
            pieces.append(piece)
        else:
            pieces.append(strings.get(piece.lower(), piece))
    return "".join(pieces)


def _joined(raw: str) -> list[str]:
    """The pieces of `a # "b" # {c}`, each as written; braces counted at any depth."""
    pieces, depth, quoted, start = [], 0, False, 0
    for at, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(raw[start:at].strip())
            start = at + 1
    pieces.append(raw[start:].strip())
    return [piece for piece in pieces if piece]


def _csl(entry: Any, strings: dict[str, str]) -> dict[str, Any]:
    """One bibtexparser entry as a CSL-JSON item."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    fields = {key.lower(): _value(str(f.value), strings) for key, f in entry.fields_dict.items()}
    item: dict[str, Any] = {
        "id": entry.key,
        "type": _TYPES.get(entry.entry_type.lower(), "document"),
    }
    for name, csl in _TEXT_FIELDS.items():
        if name in fields and csl not in item:
            item[csl] = _text(fields[name])
    if "number" in fields:
        item["issue" if entry.entry_type.lower() == "article" else "number"] = _text(
            fields["number"]
        )
    for role in ("author", "editor"):
        if role in fields:
            names = split_multiple_persons_names(fields[role])
            people = [_name(parse_single_name_into_parts(name)) for name in names]
            if len(people) > 1 and people[-1] in ({"family": "others"}, {"literal": "others"}):
                people = _et_al(people[:-1])
            item[role] = people
    date = _date(fields)
    if date:
        item["issued"] = {"date-parts": [date]}
    return item


# The shipped style (`compose.citations.STYLE`) shortens a list of 4 names or more to its
# first and "et al." (`et-al-min="4"`, `et-al-use-first="1"`, citations and references alike).
_ET_AL_MIN = 4


def _et_al(people: list[dict[str, str]]) -> list[dict[str, str]]:
    """BibTeX's `and others` ("Müller, Jörg and others"): not an author named "others", but
    more authors than listed. The list is made long enough for the style to print the first
    and "et al."; the names added are never printed."""
    unnamed = {"family": "et al."}
    return [*people, *[unnamed] * max(1, _ET_AL_MIN - len(people))]


def _name(parts: Any) -> dict[str, str]:
    """A name's parts as CSL: a braced corporate name (`{World Health Organization}`) is one
    literal name, not a surname and given names."""
    last = " ".join(parts.last)
    if not parts.first and not parts.von and last.startswith("{") and last.endswith("}"):
        return {"literal": _text(last)}
    name = {"family": _text(last), "given": _text(" ".join(parts.first))}
    if parts.von:
        name["non-dropping-particle"] = _text(" ".join(parts.von))
    if parts.jr:
        name["suffix"] = _text(" ".join(parts.jr))
    return {key: value for key, value in name.items() if value}


def _date(fields: dict[str, Any]) -> list[int]:
    """`year` and `month` (a number or a month macro, already expanded to its name), or a
    biblatex `date` (`2025-08`), as CSL date parts."""
    if "date" in fields:
        found = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", str(fields["date"]))
        if found:
            return [int(part) for part in found.groups() if part]
    year = re.search(r"\d{4}", str(fields.get("year", "")))
    if not year:
        return []
    parts = [int(year[0])]
    month = str(fields.get("month", "")).strip().lower()
    if month.isdigit() and 1 <= int(month) <= 12:
        parts.append(int(month))
    elif month[:3] in _MONTHS:
        parts.append(_MONTHS.index(month[:3]) + 1)
    return parts


__all__ = ["cited_keys", "read_bibtex"]
