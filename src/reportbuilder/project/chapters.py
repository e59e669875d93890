"""The chapters: `content/*.md`, each with optional YAML front matter."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from reportbuilder.errors import Problem, ReportError, Severity, Stage
from reportbuilder.language import is_known_locale
from reportbuilder.project.files import FilePolicy, is_file
from reportbuilder.project.validation import LineOf
from reportbuilder.project.yamlio import load_yaml

CONTENT_DIR = "content"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_FRONT_MATTER_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "title": (lambda v: isinstance(v, str) and bool(v.strip()), "a line of text"),
    "class": (
        lambda v: isinstance(v, str) and all(_NAME.match(c) for c in v.split()),
        "CSS class names (letters, digits, - and _)",
    ),
    "toc": (lambda v: isinstance(v, bool), "true or false"),
    "annex": (lambda v: isinstance(v, bool), "true or false"),
    "id": (
        lambda v: isinstance(v, str) and bool(_NAME.match(v)),
        "a name of letters, digits, - and _",
    ),
    "translated_from": (
        lambda v: isinstance(v, str) and bool(re.fullmatch(r"[0-9a-f]{12,64}", v)),
        "the source's fingerprint that 'reportbuilder translations --mark' writes",
    ),
}
FRONT_MATTER_KEYS = tuple(_FRONT_MATTER_CHECKS)
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_SLUG = re.compile(r"[^a-z0-9]+")
# `01-summary.en.md` is the English translation of `01-summary.md`.
_TRANSLATION = re.compile(r"^(?P<stem>.+)\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)$")


@dataclass(frozen=True)
class Chapter:
    """One Markdown file: template source (front matter blanked so lines stay true) and meta."""

    rel: str
    source: str
    slug: str
    meta: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None  # a translation's language; None: report.yml's `lang`
    translations: Mapping[str, Chapter] = field(default_factory=dict)  # by language code

    def translated(self, lang: str) -> Chapter | None:
        """This chapter's translation into `lang` (or its base language), if there is one."""
        wanted = lang.replace("_", "-").lower()
        return self.translations.get(wanted) or self.translations.get(wanted.split("-")[0])

    def translation_file(self, lang: str) -> str:
        """Where this chapter's translation into `lang` is written: content/01-x.en.md."""
        path = PurePosixPath(self.rel)
        return str(path.with_name(f"{path.stem}.{lang.replace('_', '-').lower()}.md"))

    def fingerprint(self) -> str:
        """What a translation records of the source it was made from (`translated_from`)."""
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()[:16]

    @property
    def css_class(self) -> str:
        return str(self.meta.get("class", ""))

    @property
    def annex(self) -> bool:
        """An annex: lettered A, B, … after the chapters (`annex: true` in front matter)."""
        return bool(self.meta.get("annex", False))

    @property
    def in_toc(self) -> bool:
        return bool(self.meta.get("toc", True))


def translation_of(name: str) -> tuple[str, str] | None:
    """(`01-summary`, `en`) for `01-summary.en.md`; None for a chapter in the report's own
    language."""
    found = _TRANSLATION.match(Path(name).stem)
    if found is None or not is_known_locale(found["lang"]):
        return None
    return found["stem"], found["lang"].replace("_", "-").lower()


def slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _SLUG.sub("-", ascii_text).strip("-") or "section"


def _late_front_matter(text: str, rel: str) -> list[Problem]:
    """Front matter below blank lines (an editor or script left one on top) printed as text,
    its settings ignored (trial 6 #37): an error at its line when it reads as front matter."""
    rest = text.lstrip("\r\n\t \ufeff")
    if not rest.startswith("---") or rest == text:
        return []
    meta, _, found = split_front_matter(rest, rel)
    if not meta or found:
        return []  # a rule, not front matter
    line = text[: len(text) - len(rest)].count("\n") + 1
    message = (
        "front matter must begin on the file's first line: the blank lines above it make it "
        "text of the chapter and its settings are ignored; delete them"
    )
    return [Problem(rel, line, message, stage=Stage.PROJECT)]


_TOML_FENCE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)


def _toml_front_matter(text: str, rel: str) -> list[Problem]:
    """TOML front matter between `+++` lines (Hugo's) printed as the chapter's first
    paragraph, its settings ignored: an error at its first line."""
    text = text.lstrip("\ufeff")
    opening = _TOML_FENCE.match(text)
    if opening is None or _TOML_FENCE.search(text, opening.end() + 1) is None:
        return []
    message = (
        "front matter between '+++' lines (TOML) is not read: it would print as text and "
        "its settings be ignored; write it as YAML between '---' lines (title: …)"
    )
    return [Problem(rel, 1, message, stage=Stage.PROJECT)]


def split_front_matter(text: str, rel: str) -> tuple[dict[str, Any], str, list[Problem]]:
    """Front matter as a dict, and the body with the front matter replaced by blank lines."""
    if toml := _toml_front_matter(text, rel):
        return {}, text, toml
    if not text.startswith("---"):
        return {}, text, _late_front_matter(text, rel)
    first_line_end = text.find("\n")
    if first_line_end < 0 or text[:first_line_end].strip() != "---":
        return {}, text, []
    second_line_end = text.find("\n", first_line_end + 1)
    if not text[first_line_end + 1 : None if second_line_end < 0 else second_line_end].strip():
        # `---` then a blank line is a thematic break, as in Pandoc, whose metadata block
        # may not be followed by one: read as front matter, the chapter lost its title and
        # text up to the next rule (trial 6 #47).
        return {}, text, []
    closing = _FENCE.search(text, first_line_end + 1)
    if closing is None:
        return (
            {},
            text,
            [
                Problem(
                    rel, 1, "front matter opened with '---' is never closed", stage=Stage.PROJECT
                )
            ],
        )
    yaml_text = text[first_line_end + 1 : closing.start()]
    end = text.find("\n", closing.end())
    end = len(text) if end < 0 else end
    blank = "\n" * text[:end].count("\n")
    body = blank + text[end:]
    try:
        doc = load_yaml("\n" + yaml_text, rel)  # leading newline keeps YAML line numbers true
    except ReportError as error:
        return {}, body, error.problems
    meta = doc.value if doc.value is not None else {}
    if not isinstance(meta, dict):
        return (
            {},
            body,
            [Problem(rel, 2, "front matter must be a mapping (title: …)", stage=Stage.PROJECT)],
        )
    problems = []
    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            hint = difflib.get_close_matches(str(key), FRONT_MATTER_KEYS, n=1)
            tip = (
                f" (did you mean '{hint[0]}'?)"
                if hint
                else f"; known keys: {', '.join(FRONT_MATTER_KEYS)}"
            )
            problems.append(
                Problem(
                    rel,
                    doc.line([key]),
                    f"unknown front matter key '{key}'{tip}",
                    stage=Stage.PROJECT,
                )
            )
        elif not _FRONT_MATTER_CHECKS[key][0](meta[key]):
            message = f"front matter '{key}': {_FRONT_MATTER_CHECKS[key][1]} (got {meta[key]!r})"
            problems.append(Problem(rel, doc.line([key]), message, stage=Stage.PROJECT))
        elif key == "title" and ("{{" in meta[key] or "{%" in meta[key]):
            # The front matter is not a template: "Results {{ report.date.year }}" printed
            # as typed in the contents while the heading read "Results 2026" (trial 6 #53).
            message = (
                "front matter 'title' is plain text: its '{{' or '{%' would print as typed; "
                "write the title as the chapter's '# heading', where templates are filled in"
            )
            problems.append(Problem(rel, doc.line([key]), message, stage=Stage.PROJECT))
    return meta, body, problems


def file_order(path: Path) -> tuple[tuple[tuple[int, int | str], ...], str]:
    """The order a file manager shows: numbers by value, so `2-x.md` comes before `10-x.md`
    (Explorer and Finder do so; plain string order put 10 and 11 between 1 and 2). Names
    numbered with leading zeros keep the order they always had."""
    parts = tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", path.name)
        if part
    )
    return parts, path.name


def load_chapters(
    policy: FilePolicy, order: list[str] | None, line_of: LineOf | None = None
) -> tuple[list[Chapter], list[Problem]]:
    """Chapters in `order` (names inside content/) or in file-name order; `line_of` places
    a problem with an entry of report.yml's `chapters:` list."""
    folder = policy.root / CONTENT_DIR
    problems: list[Problem] = []
    if order is None:
        found_files = sorted(folder.glob("*.md"), key=file_order) if folder.is_dir() else []
        # Hidden files (an editor's lock `.#01-intro.md`) are no chapters.
        files = [
            p for p in found_files if translation_of(p.name) is None and not p.name.startswith(".")
        ]
        if not files:
            problems.append(
                Problem(
                    f"{CONTENT_DIR}/",
                    None,
                    "no chapters: add Markdown files (*.md) to content/",
                    stage=Stage.PROJECT,
                )
            )
    else:
        files = []
        listed: dict[str, int] = {}  # each file's first place in the list
        for index, name in enumerate(order):
            path = folder / name
            line = line_of(["chapters", index]) if line_of else None
            key = PurePosixPath(name).as_posix()  # `./01-a.md` is `01-a.md`
            if key in listed:  # a copy-paste slip printed the chapter twice (trial 6 #9)
                message = f"chapters: {name} is listed twice (also entry {listed[key] + 1})"
                problems.append(Problem("report.yml", line, message, stage=Stage.PROJECT))
                continue
            listed[key] = index
            named = translation_of(PurePosixPath(name).name)
            if named is not None and is_file(folder / f"{named[0]}.md"):
                # Printed as a chapter of its own in every edition (trial 6 #35).
                message = (
                    f"chapters: {name} is the {named[1]} translation of {named[0]}.md: list "
                    "only the source; each edition prints its translation in its place"
                )
                problems.append(Problem("report.yml", line, message, stage=Stage.PROJECT))
                continue
            if _outside(policy, path):
                # Said from the path alone: whether such a file exists is not ours to tell.
                message = (
                    f"chapters: {name} is outside the project; a chapter is a Markdown file "
                    "in content/"
                )
                problems.append(Problem("report.yml", line, message, stage=Stage.PROJECT))
            elif not is_file(path) or policy.real(path).parent != policy.real(folder):
                known = [p.name for p in sorted(folder.glob("*.md"))] if folder.is_dir() else []
                hint = difflib.get_close_matches(name, known, n=1)
                tip = f" (did you mean '{hint[0]}'?)" if hint else ""
                problems.append(
                    Problem(
                        "report.yml",
                        line,
                        f"chapters: no file content/{name}{tip}",
                        stage=Stage.PROJECT,
                    )
                )
            else:
                files.append(path)
        problems += _left_out(folder, order)
    chapters: list[Chapter] = []
    seen: set[str] = set()
    # Listed once for all chapters: a glob per chapter read the folder n times (n² names).
    by_stem = _translation_files(folder)
    for path in files:
        rel = f"{CONTENT_DIR}/{path.name}"
        read = _read(policy, rel, problems)
        if read is None:
            continue
        meta, body = read
        slug = _wanted_id(meta, path.name)
        while slug in seen:
            slug += "-2"
        seen.add(slug)
        translations, found = _translations(policy, by_stem.get(path.stem, []), slug)
        problems.extend(found)
        chapters.append(Chapter(rel, body, slug, meta, translations=translations))
    problems += _orphans(folder, {path.stem for path in files})
    problems += not_chapters(folder)
    return chapters, problems


def _wanted_id(meta: Mapping[str, Any], name: str) -> str:
    """A chapter's id: its front matter's `id`, else its file name's words (`résumé` of
    `01-résumé.md`); `section` for a name of numbers alone."""
    return str(meta.get("id") or slugify(re.sub(r"^\d+[-_ ]*", "", Path(name).stem)))


def taken_ids(chapters: list[Chapter]) -> list[Problem]:
    """A warning at each chapter whose id another chapter had first: `01-résumé.md` and
    `02-resume.md` are both `resume`, the second silently `resume-2`, and a link to #resume
    led to the first (trial 8 #29). Files named by numbers alone (`01.md`, `02.md`: no words,
    no link names them) are not said."""
    problems = []
    first: dict[str, str] = {}
    for chapter in chapters:
        name = PurePosixPath(chapter.rel).name
        wanted = _wanted_id(chapter.meta, name)
        first.setdefault(wanted, chapter.rel)
        worded = (
            "id" in chapter.meta or slugify(re.sub(r"^\d+[-_ ]*", "", Path(name).stem) + "x") != "x"
        )
        if chapter.slug != wanted and worded and first[wanted] != chapter.rel:
            message = (
                f"its id '{wanted}' is taken by {first[wanted]}, so this chapter's is "
                f"'{chapter.slug}' and a link to #{wanted} leads to the other: set id: in its "
                "front matter"
            )
            problems.append(
                Problem(chapter.rel, 1, message, stage=Stage.PROJECT, severity=Severity.WARNING)
            )
    return problems


# A chapter meant, saved under another name: `02-two.MD` (Windows), `.markdown`, Notepad's
# `02-two.md.txt`. Only `*.md` is read (translations and `chapters:` go by that name).
_MEANT = (".markdown", ".mdown", ".mkd", ".md.txt", ".markdown.txt")


def not_chapters(folder: Path) -> list[Problem]:
    """The files of content/ that look like chapters but are not read as such — an error,
    as the chapter would be missing from the report without a word — and the Markdown files
    in its sub-folders (a warning: a folder of drafts is a habit)."""
    if not folder.is_dir():
        return []
    problems: list[Problem] = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith("."):
            continue
        lower = name.lower()
        if path.is_dir():
            for inner in sorted(path.rglob("*")):
                if inner.suffix.lower() in (".md", ".markdown") and not inner.name.startswith("."):
                    shown = f"{CONTENT_DIR}/{inner.relative_to(folder).as_posix()}"
                    message = (
                        "not in the report: chapters are the .md files right in content/, "
                        "not in its sub-folders (move it up, or out of content/ if it is a draft)"
                    )
                    problems.append(
                        Problem(
                            shown, None, message, stage=Stage.PROJECT, severity=Severity.WARNING
                        )
                    )
            continue
        if name.endswith(".md") or _KEPT.search(lower):
            continue
        meant = next((s for s in (".md", *_MEANT) if lower.rstrip().endswith(s)), None)
        if meant is not None:
            stem = name.rstrip()[: len(name.rstrip()) - len(meant)]
            spaces = " (its name ends in a space)" if name != name.rstrip() else ""
            message = (
                f"not read as a chapter: a chapter's file name ends in .md, in lower case; "
                f"rename it {stem}.md{spaces}"
            )
            problems.append(Problem(f"{CONTENT_DIR}/{name}", None, message, stage=Stage.PROJECT))
        elif problem := _other_file(path):
            problems.append(problem)
    return problems


# What content/ may hold beside chapters without a word: editor backups and swap files,
# and the pictures, data and documents a chapter shows or links to.
_KEPT = re.compile(
    r"(~|\.(bak|orig|swp|tmp|png|jpe?g|gif|svg|webp|tiff?|bmp|csv|tsv|xlsx?|ods|ya?ml|json"
    r"|bib|pdf|ttf|otf|woff2?))$|^#.*#$"
)
# Written as text, not read as a chapter: `02-two.txt`, a name whose `.md` was hidden or
# forgotten, R Markdown and Quarto, MDX, reStructuredText.
_TEXT = ("", ".txt", ".text", ".rmd", ".qmd", ".mdx", ".rst", ".adoc", ".org")


def _other_file(path: Path) -> Problem | None:
    """A file of content/ that is not read: an error when it looks like a chapter (text that
    starts like Markdown, or a name numbered like the chapters), a warning otherwise."""
    rel, suffix = f"{CONTENT_DIR}/{path.name}", path.suffix.lower()
    if suffix not in _TEXT and not re.fullmatch(r"\.\w+", suffix):
        suffix = ""  # `02-two.final`: no extension a tool gave
    numbered = re.match(r"\d", path.name) is not None
    if suffix in (".docx", ".doc", ".odt", ".rtf", ".pages"):
        message = (
            "a word processor's document is not read: chapters are Markdown files ending in "
            ".md (copy its text into one)"
        )
        severity = Severity.ERROR if numbered else Severity.WARNING
        return Problem(rel, None, message, stage=Stage.PROJECT, severity=severity)
    if suffix not in _TEXT:
        message = "not read: chapters are Markdown files ending in .md"
        return Problem(rel, None, message, stage=Stage.PROJECT, severity=Severity.WARNING)
    try:
        with path.open("rb") as file:
            start = file.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    except OSError:
        start = ""
    stem = path.name.rstrip()[: len(path.name.rstrip()) - len(suffix)] if suffix else path.name
    if start.startswith(("#", "---")) or numbered:
        message = f"looks like a chapter but is not read: chapters end in .md; rename it {stem}.md"
        return Problem(rel, None, message, stage=Stage.PROJECT)
    message = "not read: chapters are Markdown files ending in .md"
    return Problem(rel, None, message, stage=Stage.PROJECT, severity=Severity.WARNING)


def _translation_files(folder: Path) -> dict[str, list[tuple[Path, str]]]:
    """The translation files in `folder` (`01-summary.en.md`), by the stem of the chapter
    they translate, each with its language code, in file-name order."""
    found: dict[str, list[tuple[Path, str]]] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.*.md")):
        named = translation_of(path.name)
        if named is not None:
            found.setdefault(named[0], []).append((path, named[1]))
    return found


def _translations(
    policy: FilePolicy, files: list[tuple[Path, str]], slug: str
) -> tuple[dict[str, Chapter], list[Problem]]:
    """The translations of one chapter (its `files`, with their language codes)."""
    found: dict[str, Chapter] = {}
    problems: list[Problem] = []
    for path, lang in files:
        rel = f"{CONTENT_DIR}/{path.name}"
        read = _read(policy, rel, problems)
        if read is not None:
            found[lang] = Chapter(rel, read[1], slug, read[0], lang=lang)
    return found, problems


def _read(
    policy: FilePolicy, rel: str, problems: list[Problem]
) -> tuple[dict[str, Any], str] | None:
    """A chapter file's front matter and body; None (its problems added) if it cannot be read."""
    try:
        text = policy.read_project_text(rel)
    except ReportError as error:
        problems.extend(error.problems)
        return None
    if reordered := _reordering(text, rel):
        problems.extend(reordered)
        return None
    meta, body, found = split_front_matter(text, rel)
    problems.extend(found)
    if meta and not found and not body.strip():
        # A stub (`title: Annex B` and nothing else) printed a page with its title alone.
        message = (
            "the chapter has front matter and no text: it prints as its title alone on a "
            "page; write its text below the front matter, or leave the file out"
        )
        problems.append(Problem(rel, 1, message, stage=Stage.PROJECT, severity=Severity.WARNING))
    return meta, body


# Bidi embeddings, overrides and isolates, typed or as character references: they make the
# PDF show what the source does not say ("5202" printed "2025"). The marks of direction
# (U+200E, U+200F) reorder nothing and stay.
_REORDERING = re.compile(
    "[\u202a-\u202e\u2066-\u2069]|&#x0*(?:202[a-e]|206[6-9]);|&#0*(?:823[4-8]|829[4-7]);",
    re.IGNORECASE,
)


def _reordering(text: str, rel: str) -> list[Problem]:
    """An error at each line holding a bidi embedding, override or isolate."""
    if max(text, default="") < "\u202a" and "&#" not in text:
        return []  # no character that high, no reference: the common case
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if found := _REORDERING.search(line):
            what = found[0] if found[0].startswith("&") else f"U+{ord(found[0]):04X}"
            message = (
                f"a bidirectional control ({what}) at column {found.start() + 1}: it makes "
                "the PDF show the text around it in another order than written; remove it"
                " (to keep a right-to-left name in its place beside a number, write it"
                ' <bdi>…</bdi>, or give its element dir="rtl")'
            )
            problems.append(Problem(rel, number, message, stage=Stage.PROJECT))
    return problems


def _orphans(folder: Path, stems: set[str]) -> list[Problem]:
    """A warning for a translation whose chapter is not in the report."""
    if not folder.is_dir():
        return []
    problems = []
    for path in sorted(folder.glob("*.*.md")):
        named = translation_of(path.name)
        if named is not None and named[0] not in stems:
            message = f"a translation of content/{named[0]}.md, which is not in the report"
            problems.append(
                Problem(
                    f"{CONTENT_DIR}/{path.name}",
                    None,
                    message,
                    stage=Stage.PROJECT,
                    severity=Severity.WARNING,
                )
            )
    return problems


def _left_out(folder: Path, order: list[str]) -> list[Problem]:
    """A warning for each `content/*.md` that `chapters:` does not list: a chapter written and
    then forgotten must not vanish from the report without a word."""
    if not folder.is_dir():
        return []
    listed = set(order)
    return [
        Problem(
            f"{CONTENT_DIR}/{path.name}",
            None,
            "not listed in chapters: in report.yml, so it is not in the report",
            stage=Stage.PROJECT,
            severity=Severity.WARNING,
        )
        for path in sorted(folder.glob("*.md"))
        if path.name not in listed
        and not path.name.startswith(".")
        and translation_of(path.name) is None
    ]


def _outside(policy: FilePolicy, path: Path) -> bool:
    """Whether `path`, links resolved, leads out of the project folder."""
    try:
        return not policy.real(path).is_relative_to(policy.real(policy.root))
    except (OSError, ValueError, RuntimeError):  # unresolvable: "no file" says enough
        return False
