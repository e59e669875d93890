"""Citations and the list of references: `[@key]` in a chapter, formatted by citeproc-py from
the project's CSL-JSON file (report.yml `bibliography:`), in the Harvard style it ships.

`Citations.cite` gives the text of one citation (`(Rojas, 2025)`), `entries` the references
cited, in the style's order, as HTML. Keys not in the file are collected for the caller to
report at their line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

# Pandoc's bracketed citations: `[@rojas2025]`, `[@a; @b]`, `[see @a, p. 12; also @b]`,
# `[-@a]`; keys of letters, digits and : . - _. Not a link's text (`[@a](…)`), and not an
# address (`[ana@example.org]`: the @ follows a letter).
CITATION = re.compile(r"\[([^\[\]\n]*?(?<![\w@.])-?@[\w:.-]*\w[^\[\]\n]*)\](?!\()")
_ITEM = re.compile(
    r"(?P<prefix>.*?)(?<![\w@.])(?P<minus>-)?@(?P<key>[\w:.-]*\w)(?P<suffix>.*)", re.S
)
# `, p. 12`, `pp. 12-14`, `, chap. 2`, `, 12` (a page): the locator, then what follows it.
_LOCATOR = re.compile(
    r"\s*,?\s*(?:(?P<label>[^\W\d]+\.?|§|¶)\s*)?(?P<value>\d+(?:\s*[-–]\s*\d+)?|[ivxlcdm]+\b)"
    r"(?P<rest>.*)",
    re.I | re.S,
)
# The locator's word in English, French and Spanish → its CSL label.
_LABELS = {
    **dict.fromkeys(("p", "pp", "page", "pages", "pág", "págs", "pag", "pags"), "page"),
    **dict.fromkeys(("ch", "chap", "chapter", "chapitre", "cap", "capítulo"), "chapter"),
    **dict.fromkeys(("sec", "sect", "section", "§", "sección", "secc"), "section"),
    **dict.fromkeys(("fig", "figure", "figura"), "figure"),
    **dict.fromkeys(
        ("para", "par", "paragraph", "paragraphe", "¶", "párrafo", "párr"), "paragraph"
    ),
    **dict.fromkeys(("vol", "vols", "volume", "volumen"), "volume"),
    **dict.fromkeys(("n", "note", "nota"), "note"),
    **dict.fromkeys(("l", "ll", "line", "ligne", "línea"), "line"),
}


@dataclass(frozen=True)
class Cited:
    """One work of a bracketed citation, as pandoc reads it: `voir @rojas2025, p. 12`."""

    key: str
    prefix: str = ""
    suffix: str = ""
    locator: tuple[str, str] | None = None  # (CSL label, value): ("page", "12")
    author_left_out: bool = False  # `-@key`

    @property
    def plain(self) -> bool:
        """Nothing written around the key (`[@key]`, `[@a; @b]`)."""
        return not (self.prefix or self.suffix or self.locator or self.author_left_out)


# `@key` outside brackets (pandoc's author-in-text form), not an e-mail address or a handle
# inside a word: warned when the key is in the bibliography (it prints as written).
NARRATIVE = re.compile(r"(?<![\w@\[/.-])@([\w:.-]*\w)")
STYLE = "harvard-cite-them-right"  # the style citeproc-py ships


class Citations:
    """The references of one build, registered as the chapters cite them."""

    def __init__(self, references: Sequence[dict[str, Any]], lang: str) -> None:
        from citeproc import CitationStylesBibliography, CitationStylesStyle, formatter
        from citeproc.source.json import CiteProcJSON

        self.known = {str(item["id"]).lower() for item in references}
        locale = {"fr": "fr-FR", "es": "es-ES"}.get(lang.split("-")[0], "en-GB")
        style = CitationStylesStyle(STYLE, validate=False, locale=locale)
        # citeproc-py's HTML formatter adds its own tags (<i>) but escapes nothing: the file's
        # text is escaped before it goes in.
        self._bibliography = CitationStylesBibliography(
            style, CiteProcJSON([_escaped(item) for item in references]), formatter.html
        )
        self.used = 0

    def cite(self, items: Sequence[Cited | str]) -> str | None:
        """The citation's HTML, or None when a key is not in the bibliography."""
        from citeproc import Citation, CitationItem
        from citeproc.source import Locator

        works = [Cited(item) if isinstance(item, str) else item for item in items]
        if any(work.key.lower() not in self.known for work in works):
            return None
        citation = Citation(
            [
                CitationItem(
                    work.key.lower(),
                    **({"prefix": str(escape(work.prefix))} if work.prefix else {}),
                    **({"suffix": str(escape(work.suffix))} if work.suffix else {}),
                    **({"locator": Locator(*work.locator)} if work.locator else {}),
                )
                for work in works
            ]
        )
        self._bibliography.register(citation)
        self.used += 1
        return str(
            Markup('<span class="citation">{}</span>').format(
                Markup(self._bibliography.cite(citation, lambda item: None))
            )
        )

    def entries(self) -> list[Markup]:
        """The references cited, formatted (citeproc escapes the file's text)."""
        return [Markup(str(item)) for item in self._bibliography.bibliography()]


def _escaped(value: Any) -> Any:
    """Every string in a CSL-JSON item HTML-escaped (the id kept: it is matched, not shown)."""
    if isinstance(value, dict):
        return {k: v if k == "id" else _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return str(escape(value)) if isinstance(value, str) else value


def items_of(match: re.Match[str]) -> list[Cited] | None:
    """The works a `CITATION` match cites, or None when one of its parts holds no key (a
    bracket that only looks like a citation)."""
    works = []
    for part in match[1].split(";"):
        item = _ITEM.fullmatch(part)
        if item is None:
            return None
        prefix, suffix = item["prefix"].strip(), item["suffix"]
        prefix += " " if prefix else ""
        locator = None
        found = _LOCATOR.fullmatch(suffix) if suffix.strip() else None
        if found is not None:
            label = _LABELS.get((found["label"] or "p").lower().rstrip("."))
            if label is not None and (found["label"] or found["value"][0].isdigit()):
                locator = (label, re.sub(r"\s*[-–]\s*", "–", found["value"]))
                suffix = found["rest"]
        works.append(
            Cited(
                item["key"],
                prefix=prefix,
                suffix=suffix.rstrip(),
                locator=locator,
                author_left_out=item["minus"] is not None,
            )
        )
    return works


def keys_of(match: re.Match[str]) -> list[str]:
    """The keys a `CITATION` match names (none when it is no citation)."""
    return [work.key for work in items_of(match) or []]


__all__ = ["CITATION", "Citations", "Cited", "items_of", "keys_of"]
