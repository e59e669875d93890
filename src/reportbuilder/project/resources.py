"""Where each resource a project asks for is written, so a refused or missing file can be
reported as `content/x.md:12: …` rather than as a bare URL."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urljoin

from reportbuilder.errors import Location, ProjectError
from reportbuilder.project.chapters import Chapter
from reportbuilder.project.config import ReportConfig
from reportbuilder.project.files import FilePolicy

Places = tuple[Location, ...]  # where a resource is asked for, in the order written

# The alt text stops at the next bracket: `[^\]]*` ran to the end of the line from every
# `![`, quadratic on 160 000 of them (20 s, whatever --timeout said).
_MARKDOWN = re.compile(r"!\[[^\[\]]*\]\(\s*<?([^)\s>]+)")
# Only `src`: an `href` in a chapter is a hyperlink (the sanitiser keeps no <link>), never read.
_HTML = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_CSS = re.compile(r"""url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)""", re.IGNORECASE)


# Reference-style images, `![alt][label]`, `![label][]` and `![label]`, take their address
# from a `[label]: address` line; only the labels images use are read (a link is never fetched).
_IMAGE_REFERENCE = re.compile(r"!\[([^\[\]]*)\](?:\[([^\[\]]*)\]|(?!\())")
_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]]+)\]:[ \t]*<?([^\s>]+)")


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _reference_images(found: dict[str, list[Location]], text: str, rel: str, base: str) -> None:
    """The addresses reference-style images take, at their `[label]: address` line."""
    if "![" not in text:
        return
    labels = {_label(m[2] or m[1]) for m in _IMAGE_REFERENCE.finditer(text)}
    for number, line in enumerate(text.splitlines(), start=1):
        definition = _DEFINITION.match(line)
        if definition and _label(definition[1]) in labels:
            places = found.setdefault(urljoin(base, definition[2]), [])
            if Location(rel, number) not in places:
                places.append(Location(rel, number))


def _without_code(text: str) -> str:
    """`text` with its code spans and code blocks blanked, its lines kept: an `<img src>` or
    `![x](y)` shown as code is text, not an image to read (it was "missing file", an error)."""
    if "`" not in text and "~~~" not in text and "    " not in text and "\t" not in text:
        return text
    from reportbuilder.compose.templating import code_ranges

    pieces, position = [], 0
    for start, end in code_ranges(text):
        if start < position:
            continue
        pieces += [text[position:start], re.sub(r"[^\n]", " ", text[start:end])]
        position = end
    return "".join([*pieces, text[position:]])


def _scan(
    found: dict[str, list[Location]],
    text: str,
    rel: str,
    base: str,
    patterns: list[re.Pattern[str]],
) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern in patterns:
            for match in pattern.finditer(line):
                written = next(group for group in match.groups() if group)
                places = found.setdefault(urljoin(base, written.strip()), [])
                if Location(rel, number) not in places:
                    places.append(Location(rel, number))


# What an SVG drawing reads besides itself: `<image href>` (also xlink:href), `<use href>`
# of another file, a `url()` in its style (trial 6 #39: refused with no place said).
_SVG_REFERENCE = re.compile(
    r"""<(?:image|use|feImage)\b[^>]*?\b(?:xlink:)?href\s*=\s*["']([^"'#][^"']*)["']""",
    re.IGNORECASE,
)


def _inside_drawings(found: dict[str, list[Location]], files: FilePolicy) -> None:
    """The files the project's SVG drawings refer to, at the lines that show each drawing:
    a refusal of one is said where the author can find it."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    for url, places in list(found.items()):
        parts = urlsplit(url)
        if parts.scheme != "file" or not parts.path.lower().endswith(".svg"):
            continue
        path = Path(url2pathname(parts.path))
        try:
            if not files.in_project(path) or not path.is_file():
                continue
            text = files.read_project_text(files.shown(path))
        except (ProjectError, OSError, ValueError):
            continue
        for match in _SVG_REFERENCE.finditer(text):
            if match[1].startswith("data:"):
                continue
            inner = found.setdefault(urljoin(url, match[1].strip()), [])
            inner.extend(place for place in places if place not in inner)


def resource_locations(
    root: Path,
    config: ReportConfig,
    chapters: Iterable[Chapter],
    styles: Iterable[Path],
    files: FilePolicy,
) -> dict[str, Places]:
    """Absolute URL → every place the project refers to it, in the order written (a file
    refused once is refused for each line that asks for it)."""
    base = root.as_uri() + "/"
    found: dict[str, list[Location]] = {}
    for chapter in chapters:
        text = _without_code(chapter.source)
        _scan(found, text, chapter.rel, base, [_MARKDOWN, _HTML])
        _reference_images(found, text, chapter.rel, base)
    for css in styles:
        rel = f"styles/{css.name}"
        found.setdefault(css.absolute().as_uri(), []).append(Location(rel))  # the sheet itself
        try:
            text = files.read_project_text(rel)  # capped, UTF-8, and never through a link out
        except ProjectError:
            continue  # WeasyPrint's fetcher refuses or reports the same file
        _scan(found, text, rel, css.resolve().as_uri(), [_CSS])
    _inside_drawings(found, files)
    if config.organisation and config.organisation.logo:
        found.setdefault(urljoin(base, config.organisation.logo), []).append(Location("report.yml"))
    if config.cover_image:
        found.setdefault(urljoin(base, config.cover_image.file), []).append(Location("report.yml"))
    return {url: tuple(at) for url, at in found.items() if not url.startswith("data:")}
