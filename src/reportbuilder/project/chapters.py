"""The chapters: `content/*.md`, each with optional YAML front matter."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportbuilder.errors import Problem, ReportError, Severity, Stage
from reportbuilder.project.files import FilePolicy
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
}
FRONT_MATTER_KEYS = tuple(_FRONT_MATTER_CHECKS)
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Chapter:
    """One Markdown file: template source (front matter blanked so lines stay true) and meta."""

    rel: str
    source: str
    slug: str
    meta: dict[str, Any] = field(default_factory=dict)

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


def slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _SLUG.sub("-", ascii_text).strip("-") or "section"


def split_front_matter(text: str, rel: str) -> tuple[dict[str, Any], str, list[Problem]]:
    """Front matter as a dict, and the body with the front matter replaced by blank lines."""
    if not text.startswith("---"):
        return {}, text, []
    first_line_end = text.find("\n")
    if first_line_end < 0 or text[:first_line_end].strip() != "---":
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
    return meta, body, problems


def load_chapters(
    policy: FilePolicy, order: list[str] | None, line_of: LineOf | None = None
) -> tuple[list[Chapter], list[Problem]]:
    """Chapters in `order` (names inside content/) or in file-name order; `line_of` places
    a problem with an entry of report.yml's `chapters:` list."""
    folder = policy.root / CONTENT_DIR
    problems: list[Problem] = []
    if order is None:
        files = sorted(folder.glob("*.md")) if folder.is_dir() else []
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
        for index, name in enumerate(order):
            path = folder / name
            if not path.is_file() or path.resolve().parent != folder.resolve():
                line = line_of(["chapters", index]) if line_of else None
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
    for path in files:
        rel = f"{CONTENT_DIR}/{path.name}"
        try:
            text = policy.read_project_text(rel)
        except ReportError as error:
            problems.extend(error.problems)
            continue
        meta, body, found = split_front_matter(text, rel)
        problems.extend(found)
        slug = str(meta.get("id") or slugify(re.sub(r"^\d+[-_ ]*", "", path.stem)))
        while slug in seen:
            slug += "-2"
        seen.add(slug)
        chapters.append(Chapter(rel=rel, source=body, slug=slug, meta=meta))
    return chapters, problems


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
        if path.name not in listed and not path.name.startswith(".")
    ]
