"""Links inside the report: an author's `#slug` finds its heading whatever prefix the builder
gave it, and a link to an id that exists nowhere is reported at its line.

Heading ids are `chapter--slug` so that two chapters may both have an "Options" heading. An
author writes `[the options](#options)`: that means the heading in the same chapter first,
then the first chapter that has one, then any element with that very id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import PurePosixPath
from urllib.parse import unquote

from reportbuilder.compose.markup import CHAPTER_LINK
from reportbuilder.errors import Problem, Severity, Stage

_IDS = re.compile(r"<[a-z][a-z0-9]*\s(?:[^<>]*?\s)?(?:id|name)=\"([^\"<>]+)\"")  # linear
_LINK = re.compile(r"<a\s([^>]*?)\bhref=\"#([^\"]*)\"([^>]*)>")
_FILE_LINK = re.compile(r"<a\s([^>]*?)\bhref=\"((?:\./)?[^\"#/:]+\.md(?:#[^\"]*)?)\"([^>]*)>", re.I)
_XREF = re.compile(r'\bclass="xref"')


@dataclass(frozen=True)
class Part:
    """One chapter's HTML, where it came from and the prefix of its heading ids."""

    slug: str
    rel: str
    source: str
    html: str


def ids_in(html: str) -> set[str]:
    return set(_IDS.findall(html))


def resolve(
    parts: Sequence[Part], known: Iterable[str] = ()
) -> tuple[list[str], list[Problem], dict[str, tuple[str, int | None]]]:
    """Each part's HTML with its `#` links pointed at real ids; warnings for dangling links;
    where each cross-reference (`[](#id)`) is written, for the error if it finds no target."""
    parts = _unique_ids(parts)
    problems: list[Problem] = []
    parts = [_once_each(part, problems) for part in parts]
    own = [ids_in(part.html) | {part.slug} for part in parts]
    everywhere = set(known).union(*own)
    xrefs: dict[str, tuple[str, int | None]] = {}
    out: list[str] = []
    by_file = {PurePosixPath(part.rel).name.lower(): index for index, part in enumerate(parts)}
    for index, part in enumerate(parts):
        seen: dict[str, int] = {}

        def target_of(target: str, index: int = index, part: Part = part) -> str | None:
            found = exact_target(target, index, part)
            for written in _github_forms(target):
                if found is not None:
                    break
                found = exact_target(written, index, part)
            return found

        def exact_target(target: str, index: int = index, part: Part = part) -> str | None:
            if target in own[index]:
                return target
            if f"{part.slug}--{target}" in own[index]:
                return f"{part.slug}--{target}"
            if target in everywhere:
                return target
            for other, ids in zip(parts, own, strict=True):
                if f"{other.slug}--{target}" in ids:
                    return f"{other.slug}--{target}"
            return None

        def link(match: re.Match[str], part: Part = part, seen: dict[str, int] = seen) -> str:
            target = match[2]
            found = target_of(target)
            line = line_of(part.source, target, seen)
            if _XREF.search(match[1] + match[3]):
                xrefs.setdefault(found or target, (part.rel, line))
            elif found is None:
                problems.append(
                    Problem(
                        part.rel,
                        line,
                        f"link to '#{target}': no heading or element has this id",
                        stage=Stage.COMPOSE,
                        severity=Severity.WARNING,
                    )
                )
            if found is None and not _XREF.search(match[1] + match[3]):
                # reported above, with its line; the renderer would only repeat it, without
                return f"<a {match[1]}{match[3]}>".replace("<a >", "<a>")
            if found is None or found == target:
                return match[0]
            return f'<a {match[1]}href="#{found}"{match[3]}>'

        def file_link(match: re.Match[str], part: Part = part, seen: dict[str, int] = seen) -> str:
            written = unescape(match[2])
            linked = CHAPTER_LINK.fullmatch(written)
            assert linked is not None  # the sanitiser kept no other relative link
            name, fragment = linked[1], linked[2]
            line = _file_line(part.source, written, seen)
            chapter = by_file.get(unquote(name).lower())
            found = None
            if chapter is not None:
                other = parts[chapter]
                found = target_of(fragment, chapter, other) if fragment else other.slug
            if found is not None:
                return f'<a {match[1]}href="#{found}"{match[3]}>'
            why = (
                f"no heading of {parts[chapter].rel} has the id '{fragment}'"
                if chapter is not None
                else "no chapter of the report is this file"
            )
            problems.append(
                Problem(
                    part.rel,
                    line,
                    f"link to '{written}': {why}; the words print without a link",
                    stage=Stage.COMPOSE,
                    severity=Severity.WARNING,
                )
            )
            return f"<a {match[1]}{match[3]}>".replace("<a >", "<a>")

        html = _LINK.sub(link, part.html)
        out.append(_FILE_LINK.sub(file_link, html) if ".md" in html else html)
    return out, problems, xrefs


def _github_forms(target: str) -> list[str]:
    """Other spellings of a link written the GitHub way, as the headings' ids are: GitHub
    turns each space into a hyphen (`## Water & Sanitation` → `#water--sanitation`) where
    ours are one hyphen, and a link copied from a browser is percent-encoded
    (`#lacc%C3%A8s-%C3%A0-leau`) and may be capitalised."""
    import unicodedata
    from urllib.parse import unquote

    from markdown.extensions.toc import slugify_unicode

    decoded = unicodedata.normalize("NFC", unquote(target))
    folded = re.sub(r"-{2,}", "-", decoded.lower()).strip("-")
    # The heading's words made a slug as its id was (`#l'accès-à-l'eau`, apostrophes kept)
    slugged = slugify_unicode(decoded, "-")
    forms = (decoded, decoded.lower(), folded, slugged)
    return [form for form in dict.fromkeys(forms) if form and form != target]


def _unique_ids(parts: Sequence[Part]) -> list[Part]:
    """The parts with each id an author gave (`{: #usage }`, `<p id>`) that an earlier chapter
    already uses, or that is a chapter's own id (its section's, `02-methods.md` → "methods"),
    renamed `chapter--id`, as headings are: one document holds every chapter, and its links
    must have one target. Links in that chapter still find it (own first)."""
    taken: set[str] = {part.slug for part in parts}
    out: list[Part] = []
    for part in parts:
        ids = set(_ID_ATTRIBUTE.findall(part.html))
        html = part.html
        if clashes := ids & taken:
            html = _ID_ATTRIBUTE.sub(_renaming(part.slug, clashes), html)
            # A figure's or table's number placeholder names its element's id: rename it too,
            # or `ref()` would find the renamed element but no number for it.
            html = _DATA_ID.sub(_renaming(part.slug, clashes, "data-id"), html)
        taken |= ids
        out.append(Part(part.slug, part.rel, part.source, html))
    return out


_ID_ATTRIBUTE = re.compile(r'\sid="([^"]+)"')


def _once_each(part: Part, problems: list[Problem]) -> Part:
    """The part with an id it gives twice (`<p id="note">` twice, `{: #fig }` on two
    figures) renamed at its second place (`note-2`), and a warning at that place's line:
    WeasyPrint said "Anchor defined twice: 'note'", in its words and with no line."""
    from collections import Counter

    found = _ID_ATTRIBUTE.findall(part.html)
    repeated = {name for name, times in Counter(found).items() if times > 1}
    if not repeated:
        return part
    taken = set(found)
    count: dict[str, int] = {}

    def rename(match: re.Match[str]) -> str:
        name = match[1]
        if name not in repeated:
            return match[0]
        count[name] = count.get(name, 0) + 1
        if count[name] == 1:
            return match[0]
        places = _definitions(part.source, name)
        line = places[min(count[name], len(places)) - 1] if places else None
        first = f" (first at line {places[0]})" if places and places[0] != line else ""
        message = (
            f"the id '{name}' is given twice in this chapter{first}: links to it go to the "
            "first; give this one its own id"
        )
        problems.append(
            Problem(part.rel, line, message, stage=Stage.COMPOSE, severity=Severity.WARNING)
        )
        number = count[name]
        while f"{name}-{number}" in taken:
            number += 1
        taken.add(f"{name}-{number}")
        return f' id="{name}-{number}"'

    return Part(part.slug, part.rel, part.source, _ID_ATTRIBUTE.sub(rename, part.html))


def _definitions(source: str, name: str) -> list[int]:
    """The lines of the chapter's text that give the id `name` (`id="name"`, `{#name}`)."""
    escaped = re.escape(name)
    pattern = re.compile(rf"\bid\s*=\s*[\"']{escaped}[\"']|\{{[^}}\n]*#{escaped}(?![\w-])")
    return [source.count("\n", 0, m.start()) + 1 for m in pattern.finditer(source)]


_DATA_ID = re.compile(r'\sdata-id="([^"]+)"')


def _renaming(
    prefix: str, clashes: set[str], attribute: str = "id"
) -> Callable[[re.Match[str]], str]:
    return lambda m: f' {attribute}="{prefix}--{m[1]}"' if m[1] in clashes else m[0]


def _file_line(source: str, written: str, seen: dict[str, int]) -> int | None:
    """The line of the next link to the file `written` (`02-method.md#frame`)."""
    matches = [m.start() for m in re.finditer(rf"\]\(\s*<?{re.escape(written)}", source)]
    matches = matches or [m.start() for m in re.finditer(re.escape(written), source)]
    count = seen.get(written, 0)
    seen[written] = count + 1
    if not matches:
        return None
    return source.count("\n", 0, matches[min(count, len(matches) - 1)]) + 1


def line_of(source: str, target: str, seen: dict[str, int]) -> int | None:
    """The line of the next link to `#target` (or `ref("target")`) in the chapter's text."""
    pattern = re.compile(rf"#{re.escape(target)}\b|ref\(\s*[\"']{re.escape(target)}[\"']")
    matches = list(pattern.finditer(source))
    count = seen.get(target, 0)
    seen[target] = count + 1
    if not matches:
        return None
    match = matches[min(count, len(matches) - 1)]
    return source.count("\n", 0, match.start()) + 1
