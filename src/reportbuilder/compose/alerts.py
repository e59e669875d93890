"""GitHub's alerts (`> [!NOTE]`, `> [!TIP]`, `> [!IMPORTANT]`, `> [!WARNING]`, `> [!CAUTION]`)
as the theme's callouts, titled in the report's language.

GitHub shows such a quote as a titled callout; Python-Markdown printed the marker `[!NOTE]` as
text of an ordinary quote. The quote is rewritten, before the blocks are read, as the
admonition it means (`!!! note "Note"` and its lines indented), which the theme styles.
"""

from __future__ import annotations

import re

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

# Obsidian's form too: a title of the author's after the marker (`> [!tip] Before you start`),
# and `+`/`-` (folded open or shut on screen; printed open). It printed as a plain quote.
# Greedy, stripped after: a lazy `(.*?)\s*$` is quadratic on a line of spaces.
_MARKER = re.compile(
    r"^ {0,3}> ?\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][+-]?(?:[ \t](.*))?$", re.IGNORECASE
)
_QUOTED = re.compile(r"^ {0,3}> ?")
# Callouts of other tools, which print as a quote or a paragraph with their marks: said.
_OTHER_CALLOUTS = (
    (re.compile(r"^ {0,3}> ?\[!([A-Za-z][\w-]*)\]"), "an alert kind this builder does not "
     "know (NOTE, TIP, IMPORTANT, WARNING, CAUTION): it prints as a quote with its marker"),
    (re.compile(r"^\?\?\?\+? ?([A-Za-z][\w-]*)"), "a collapsible callout (MkDocs), which "
     "this builder does not read: it prints as a paragraph; write !!! and the kind"),
    (re.compile(r"^:::([A-Za-z][\w-]*)"), "a callout of Docusaurus, which this builder does not "
     "read: it prints as a paragraph with its colons; write !!! and the kind"),
)  # fmt: skip
TITLES = {
    "en": {"note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning",
           "caution": "Caution"},
    "fr": {"note": "Note", "tip": "Conseil", "important": "Important", "warning": "Attention",
           "caution": "Prudence"},
    "es": {"note": "Nota", "tip": "Consejo", "important": "Importante", "warning": "Advertencia",
           "caution": "Precaución"},
}  # fmt: skip


class GithubAlerts(Extension):
    """Register after the fenced code preprocessor (code is out of the text by then)."""

    def __init__(self, lang: str = "en", losses: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.titles = TITLES.get(lang.split("-")[0].lower(), TITLES["en"])
        self.losses = losses  # where a callout of another tool is said

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_Alerts(md, self.titles, self.losses), "github-alerts", 23)


class _Alerts(Preprocessor):
    def __init__(
        self,
        md: markdown.Markdown,
        titles: dict[str, str],
        losses: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(md)
        self.titles = titles
        self.losses = losses

    def _other_callout(self, line: str) -> None:
        if self.losses is None:
            return
        for pattern, what in _OTHER_CALLOUTS:
            found = pattern.match(line)
            if found:
                self.losses.append((f"'{found[0].strip()}' is {what}", found[0].strip()))
                return

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(lines):
            marker = _MARKER.match(lines[index])
            if marker is None or (out and _QUOTED.match(out[-1])):  # the quote's first line only
                if marker is None and not (out and out[-1].strip() and _QUOTED.match(out[-1])):
                    self._other_callout(lines[index])
                out.append(lines[index])
                index += 1
                continue
            kind = marker[1].lower()
            if out and out[-1].strip():
                out.append("")
            title = (marker[2] or "").strip().replace('"', "\u201d") or self.titles[kind]
            out.append(f'!!! {kind} "{title}"')
            index += 1
            while index < len(lines) and _QUOTED.match(lines[index]):
                text = _QUOTED.sub("", lines[index], count=1)
                out.append(f"    {text}" if text.strip() else "")
                index += 1
            out.append("")
        return out
