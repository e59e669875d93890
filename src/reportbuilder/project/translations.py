"""The translation gate: which chapters an edition lacks, and which translations were made
from an older version of their source.

A translation (`content/01-summary.en.md`) records the source it was made from in its front
matter, `translated_from: <fingerprint>`, written by `reportbuilder translations --mark`. When
the source changes, its fingerprint no longer matches and `check` says so; `--strict` fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from reportbuilder.errors import Problem, ProjectError, ReportError, Severity, Stage
from reportbuilder.language import language_name
from reportbuilder.project.chapters import Chapter
from reportbuilder.project.load import Project

_KEY_LINE = re.compile(r"^translated_from:.*$", re.MULTILINE)


class State(StrEnum):
    CURRENT = "current"  # made from the source as it is now
    STALE = "stale"  # made from an older version of the source
    UNMARKED = "unmarked"  # records no source version
    MISSING = "missing"  # no translation at all


@dataclass(frozen=True)
class Status:
    chapter: str  # the source's file
    lang: str
    state: State
    file: str  # the translation's file (to write, when missing)


def statuses(project: Project, languages: Iterable[str] | None = None) -> list[Status]:
    """Every chapter's state in every language of `languages` (default: report.yml's
    `languages:`), chapter by chapter."""
    wanted = list(project.config.languages) if languages is None else list(languages)
    found = []
    for chapter in project.chapters:
        for lang in wanted:
            if project.config.is_source_language(lang):
                continue
            translation = chapter.translated(lang)
            found.append(
                Status(
                    chapter.rel,
                    lang,
                    _state(chapter, translation),
                    _file(chapter, lang, translation),
                )
            )
    return found


# report.yml's texts a reader reads as prose, on the cover and in the PDF's properties.
_PROSE_KEYS = ("title", "subtitle", "subject")


def setting_problems(project: Project, languages: Iterable[str] | None = None) -> list[Problem]:
    """A warning for each language whose edition prints report.yml's title, subtitle or
    subject in the source language, at the first such key's line: `languages: es:` gives
    the Spanish edition its own (a French cover with a Spanish /Lang said nothing)."""
    config = project.config
    wanted = list(config.languages) if languages is None else list(languages)
    given = [key for key in _PROSE_KEYS if getattr(config, key, None)]
    if not given:
        return []
    try:
        text = project.files.read_project_text("report.yml")
    except ReportError:
        text = ""
    problems = []
    for lang in dict.fromkeys(wanted):
        if config.is_source_language(lang):
            continue
        layer = config.language_layer(lang) or {}
        missing = [key for key in given if key not in layer]
        if not missing:
            continue
        found = re.search(rf"^{missing[0]}\s*:", text, re.MULTILINE)
        line = text.count("\n", 0, found.start()) + 1 if found else None
        name, source = language_name(lang), language_name(config.lang)
        code = lang.replace("_", "-")
        message = (
            f"the {name} edition prints {', '.join(missing)} in {source}: give "
            f"{'it' if len(missing) == 1 else 'them'} under 'languages: {code}:'"
        )
        problems.append(
            Problem("report.yml", line, message, stage=Stage.PROJECT, severity=Severity.WARNING)
        )
    return problems


def _file(chapter: Chapter, lang: str, translation: Chapter | None) -> str:
    return translation.rel if translation is not None else chapter.translation_file(lang)


def _state(chapter: Chapter, translation: Chapter | None) -> State:
    if translation is None:
        return State.MISSING
    recorded = translation.meta.get("translated_from")
    if not recorded:
        return State.UNMARKED
    return State.CURRENT if recorded == chapter.fingerprint() else State.STALE


def translation_problems(project: Project, languages: Iterable[str] | None = None) -> list[Problem]:
    """A warning for each chapter an edition lacks and each translation not known to be
    current, at the file to fix."""
    problems = []
    for status in statuses(project, languages):
        mark = f"reportbuilder translations --mark {status.file}"
        if status.state is State.MISSING:
            # named only here: a name loads Babel's English data (a twentieth of `check`)
            name, source = language_name(status.lang), language_name(project.config.lang)
            message = (
                f"no {name} translation ({status.file}): the {name} edition prints it in {source}"
            )
            path = status.chapter
        elif status.state is State.STALE:
            path = status.file
            message = (
                f"translated from an older version of {status.chapter}: bring it up to date, "
                f"then run '{mark}'"
            )
        elif status.state is State.UNMARKED:
            path = status.file
            message = (
                f"does not record which version of {status.chapter} it translates: run '{mark}'"
            )
        else:
            continue
        problems.append(
            Problem(path, None, message, stage=Stage.PROJECT, severity=Severity.WARNING)
        )
    return problems


def mark(project: Project, file: str) -> str:
    """Record in translation `file` (`content/01-x.en.md`) the fingerprint of its source as
    it is now; returns the fingerprint. The file is rewritten atomically."""
    from reportbuilder.deliver.files import write_atomic

    for chapter in project.chapters:
        for translation in chapter.translations.values():
            if translation.rel == file:
                fingerprint = chapter.fingerprint()
                path = project.root / translation.rel
                text = project.files.read_project_text(translation.rel)
                write_atomic(path, _with_fingerprint(text, fingerprint).encode("utf-8"))
                return fingerprint
    known = sorted(t.rel for c in project.chapters for t in c.translations.values())
    hint = f"translations: {', '.join(known)}" if known else "the project has no translations"
    message = f"not a translation of a chapter of the report ({hint})"
    raise ProjectError(Problem(file, None, message, stage=Stage.PROJECT))


def _with_fingerprint(text: str, fingerprint: str) -> str:
    line = f"translated_from: {fingerprint}"
    if text.startswith("---\n") or text.startswith("---\r\n"):
        end = text.find("\n---", 3)
        if end >= 0:
            front = text[: end + 1]
            if _KEY_LINE.search(front):
                return _KEY_LINE.sub(line, front, count=1) + text[end + 1 :]
            return front + line + "\n" + text[end + 1 :]
    return f"---\n{line}\n---\n{text}"


__all__ = ["State", "Status", "mark", "statuses", "translation_problems"]
