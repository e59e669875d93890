"""Citations and the list of references: `[@key]` in a chapter, formatted by citeproc-py from
the project's CSL-JSON file (report.yml `bibliography:`), in the Harvard style it ships.

`Citations.cite` gives the text of one citation (`(Rojas, 2025)`), `entries` the references
cited, in the style's order, as HTML. Keys not in the file are collected for the caller to
report at their line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

# `[@rojas2025]`, `[@a; @b]`: keys of letters, digits and : . - _
CITATION = re.compile(r"\[(@[\w:.-]+(?:\s*;\s*@[\w:.-]+)*)\]")
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

    def cite(self, keys: list[str]) -> str | None:
        """The citation's HTML, or None when a key is not in the bibliography."""
        from citeproc import Citation, CitationItem

        if any(key.lower() not in self.known for key in keys):
            return None
        citation = Citation([CitationItem(key.lower()) for key in keys])
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


def keys_of(match: re.Match[str]) -> list[str]:
    return [key.strip().lstrip("@") for key in match[1].split(";")]


__all__ = ["CITATION", "Citations", "keys_of"]
