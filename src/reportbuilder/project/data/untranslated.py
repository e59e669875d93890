"""Data texts given per language (`label: {fr: …, en: …}`) that lack an edition's language:
that edition prints another language's text in its key figures, tables and charts (trial 7
#24: French words in the Spanish key-figure box), as a chapter with no translation prints the
source language's. A warning at the text's line, as for chapters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields, is_dataclass
from typing import Any

from reportbuilder.errors import Problem, ProjectError, Severity, Stage
from reportbuilder.language import normalize
from reportbuilder.project.data.model import Localized
from reportbuilder.project.files import FilePolicy

_YAML = (".yml", ".yaml")


def untranslated_texts(
    data: Mapping[str, Any], languages: Sequence[str], files: FilePolicy
) -> list[Problem]:
    """A warning for each per-language text of `data` with no text for one of `languages`
    (the editions'), at its line in its data file."""
    problems = []
    for name, value in data.items():
        found = [(keys, text) for keys, text in _texts_in(value, ()) if _missing(text, languages)]
        if not found:
            continue
        rel, line_of = _lines(files, name)
        for keys, text in found:
            for lang in _missing(text, languages):
                shown = text.pick(lang)
                shown = shown if len(shown) <= 40 else shown[:37] + "..."
                message = (
                    f"data.{'.'.join((name, *keys))} has no '{lang}' text, so the {lang} edition "
                    f"prints '{shown}'; add '{lang}: …' under it"
                )
                problems.append(
                    Problem(
                        rel,
                        line_of(list(keys)) if line_of else None,
                        message,
                        stage=Stage.PROJECT,
                        severity=Severity.WARNING,
                    )
                )
    return problems


def _missing(text: Localized, languages: Sequence[str]) -> list[str]:
    codes = {normalize(code).lower() for code in text.texts}
    bases = {code.split("-")[0] for code in codes}
    return [
        lang
        for lang in dict.fromkeys(normalize(lang).lower() for lang in languages)
        if lang not in codes and lang.split("-")[0] not in bases
    ]


def _texts_in(value: Any, keys: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Localized]]:
    if isinstance(value, Localized):
        yield keys, value
    elif isinstance(value, Mapping):
        for key, child in value.items():
            yield from _texts_in(child, (*keys, str(key)))
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            child = getattr(value, field.name)
            if isinstance(child, Localized | Mapping) or is_dataclass(child):
                yield from _texts_in(child, (*keys, field.name))


def _lines(files: FilePolicy, name: str) -> tuple[str, Any]:
    """The data file of namespace `name` and a function giving a key's line in it (None
    when it is no YAML file or cannot be read again)."""
    from reportbuilder.project.yamlio import load_yaml

    for suffix in (*_YAML, ".json"):
        rel = f"data/{name}{suffix}"
        if not (files.root / rel).is_file():
            continue
        if suffix not in _YAML:
            return rel, None
        try:
            return rel, load_yaml(files.read_project_text(rel), rel).line
        except (ProjectError, OSError, ValueError):  # read once already: a line only helps
            return rel, None
    return f"data/{name}", None
