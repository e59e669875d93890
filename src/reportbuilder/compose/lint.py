"""Publication lint on the composed report: what makes it hard to read or inaccessible.

Rules on the chapters (each problem at the chapter's line): an image without alt text, a
heading level skipped, a table without a header row, a link with no text. Rules on the
brand (at report.yml's line): a colour the theme sets text in, or under white text, below
WCAG AA contrast (4.5:1). Warnings, errors under `--strict`; under a PDF/UA variant an image
without alt text is an error, as the standard forbids it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from reportbuilder.compose.anchors import Part
from reportbuilder.errors import Problem, Severity, Stage
from reportbuilder.tolerant_html import TolerantHTMLParser

AA_CONTRAST = 4.5
# How the base theme uses each brand colour with text: (what, foreground, background).
_BRAND_TEXT = {
    "primary": "headings and running headers on white, white text on the cover and in "
    "table headers",
    "secondary": "links and small headings on white",
    "text": "the body text on white",
}


@dataclass
class _Found:
    images: list[tuple[str, str]] = field(default_factory=list)  # src, alt
    headings: list[tuple[int, str]] = field(default_factory=list)
    tables: list[bool] = field(default_factory=list)  # has a header cell
    empty_links: list[str] = field(default_factory=list)  # href


class _Reader(TolerantHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = _Found()
        self._heading: tuple[int, list[str]] | None = None
        self._link: tuple[str, list[str], bool] | None = None
        self._tables: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "img":
            self.found.images.append((values.get("src", ""), values.get("alt", "").strip()))
            if self._link is not None and values.get("alt", "").strip():
                self._link[1].append(values["alt"])
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        elif tag == "table":
            self._tables.append(False)
        elif tag == "th" and self._tables:
            self._tables[-1] = True
        elif tag == "a" and "href" in values:
            named = bool(values.get("aria-label") or values.get("title"))
            xref = "xref" in values.get("class", "").split()
            self._link = (values["href"], [], named or xref)

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            level, text = self._heading
            self.found.headings.append((level, " ".join("".join(text).split())))
            self._heading = None
        elif tag == "table" and self._tables:
            self.found.tables.append(self._tables.pop())
        elif tag == "a" and self._link is not None:
            href, text, named = self._link
            if not named and not "".join(text).strip():
                self.found.empty_links.append(href)
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading[1].append(data)
        if self._link is not None:
            self._link[1].append(data)


def chapter_problems(parts: Sequence[Part], *, alt_required: bool = False) -> list[Problem]:
    """The lint's findings on each chapter's HTML; `alt_required` (PDF/UA) makes an image
    without alt text an error."""
    problems: list[Problem] = []
    for part in parts:
        reader = _Reader()
        reader.feed(part.html)
        reader.close()
        problems.extend(_chapter(part, reader.found, alt_required))
    return problems


def _chapter(part: Part, found: _Found, alt_required: bool) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for src, alt in found.images:
        if alt:
            continue
        if src.startswith("data:"):
            # Never quote a data: URL (a chart's is thousands of characters of base64).
            name = "data:"  # found at its line when the chapter writes it
            message = (
                "a data: image has no alt text: write ![what it shows](data:…) so that screen "
                "readers and the PDF's tags can describe it"
            )
        else:
            name = src.rsplit("/", 1)[-1] or src
            message = (
                f"image {name} has no alt text: write ![what it shows]({name}) so that screen "
                "readers and the PDF's tags can describe it"
            )
        yield _problem(part, _line(part.source, name, seen), message, error=alt_required)
    previous = 0
    for level, text in found.headings:
        if previous and level > previous + 1:
            message = (
                f"heading '{text}' is level {level} right after level {previous}: "
                f"level {previous + 1} is skipped, which breaks the outline and the tags"
            )
            yield _problem(part, _line(part.source, text, seen), message)
        previous = level
    tables_in_source = _table_lines(part.source)
    for index, has_header in enumerate(found.tables):
        if not has_header:
            line = tables_in_source[index] if index < len(tables_in_source) else None
            message = "a table without a header row: give its first row <th> cells"
            yield _problem(part, line, message)
    for href in found.empty_links:
        message = f"a link to {href[:80]} has no text: readers and screen readers see nothing"
        yield _problem(part, _line(part.source, f"]({href}", seen, fallback=href), message)


def _problem(part: Part, line: int | None, message: str, *, error: bool = False) -> Problem:
    severity = Severity.ERROR if error else Severity.WARNING
    return Problem(part.rel, line, message, stage=Stage.COMPOSE, severity=severity)


def _line(source: str, needle: str, seen: dict[str, int], fallback: str = "") -> int | None:
    """The line of the next occurrence of `needle` (then `fallback`) in the chapter's text."""
    for text in (needle, fallback):
        if not text:
            continue
        start = -1
        for _ in range(seen.get(text, 0) + 1):
            start = source.find(text, start + 1)
            if start < 0:
                break
        if start >= 0:
            seen[text] = seen.get(text, 0) + 1
            return source.count("\n", 0, start) + 1
    return None


def _table_lines(source: str) -> list[int]:
    """Lines where a table starts: an HTML `<table`, or a Markdown table's first row."""
    lines = source.split("\n")
    found = []
    in_table = False
    for number, line in enumerate(lines, 1):
        if re.search(r"<table\b", line, re.IGNORECASE):
            found.append(number)
        is_row = line.lstrip().startswith("|")
        if is_row and not in_table:
            found.append(number)
        in_table = is_row
    return found


def brand_problems(colours: dict[str, str], report_yml: str) -> list[Problem]:
    """Brand colours the theme sets text in (or under white text) below WCAG AA."""
    problems = []
    for name, use in _BRAND_TEXT.items():
        colour = colours.get(name)
        if not colour:
            continue
        ratio = contrast(colour, "#ffffff")
        if ratio < AA_CONTRAST:
            message = (
                f"brand colour {name} {colour} has a contrast of {ratio:.1f}:1 with white, "
                f"below the {AA_CONTRAST}:1 readers need; the theme uses it for {use}"
            )
            line = _yaml_line(report_yml, name)
            problems.append(
                Problem("report.yml", line, message, stage=Stage.PROJECT, severity=Severity.WARNING)
            )
    return problems


def _yaml_line(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two `#rgb`/`#rrggbb` colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


__all__ = ["AA_CONTRAST", "brand_problems", "chapter_problems", "contrast"]
