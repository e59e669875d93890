"""The theme's words (the contents heading, "Page 3 of 8", figure and table captions, the
contact page …) from gettext catalogs, the format translators and their tools (Poedit,
Weblate) use.

A theme's `locale/theme.pot` lists every word it needs: `msgctxt` is the key its templates
use (`labels.contents`), `msgid` the English text. `locale/<lang>.po` translates them
(`fr.po`, `es.po`; `fr-CA` falls back to `fr`). A project's own `locale/<lang>.po` adds a
language or changes some words of the theme's. Catalogs are read as text with Babel, when the
project is loaded; there is nothing to compile.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from reportbuilder.errors import Problem, ProjectError, Severity, Stage
from reportbuilder.language import base_language, normalize
from reportbuilder.project.files import FilePolicy

LOCALE_DIR = "locale"
TEMPLATE = "theme.pot"
BUILTIN_LOCALE = Path(__file__).resolve().parents[1] / "themes" / "base" / LOCALE_DIR
MAX_CATALOGS = 100


@dataclass(frozen=True)
class Strings:
    """Every language's words for one project: the theme's catalogs with the project's over
    them. `english` holds the words the theme needs, in English (from theme.pot)."""

    english: Mapping[str, str]
    catalogs: Mapping[str, Mapping[str, str]]  # language code (lower case) → key → text
    places: Mapping[str, str]  # language code → the catalog file a user would edit

    def languages(self) -> list[str]:
        return sorted({"en", *self.catalogs})

    def labels(self, lang: str) -> dict[str, str] | None:
        """The words for `lang` (a copy), its base language's, or None if no catalog has
        them; English needs no catalog."""
        wanted = normalize(lang).lower()
        for code in (wanted, base_language(wanted)):
            if code in self.catalogs:
                return {**self.english, **self.catalogs[code]}
        return dict(self.english) if base_language(wanted) == "en" else None

    def missing_message(self, lang: str) -> str:
        known = ", ".join(self.languages())
        return (
            f"no theme words for language '{lang}': add {LOCALE_DIR}/{base_language(lang)}.po "
            f"to the project, translated from the theme's {LOCALE_DIR}/{TEMPLATE} "
            f"(languages with words: {known})"
        )


def _read(
    path: Path, shown: str, files: FilePolicy, project: bool, notes: list[Problem] | None = None
) -> dict[str, str]:
    """One catalog's translated words by key; a file that cannot be parsed is a problem.
    A fuzzy entry of the project's own (a guess no translator checked) is not used, with a
    warning at its line in `notes`."""
    from babel.messages.pofile import PoFileError, read_po

    if project:
        text = files.read_project_text(shown)
    elif path.is_relative_to(BUILTIN_LOCALE.parent.parent):  # the package's own catalogs
        text = path.read_text(encoding="utf-8")
    else:
        text = files.read_theme_text(path, shown)
    try:
        catalog = read_po(io.BytesIO(text.encode("utf-8")), abort_invalid=True)
    except (PoFileError, ValueError, UnicodeError) as error:
        refusal = f"not a gettext catalog Babel can read: {error}"
        raise ProjectError(Problem(shown, None, refusal, stage=Stage.PROJECT)) from None
    words: dict[str, str] = {}
    wrong: list[Problem] = []
    for entry in catalog:
        if not entry.id or not isinstance(entry.string, str):
            continue  # the header, or a plural form (the theme has none)
        key = entry.context or str(entry.id)
        if entry.string and not entry.fuzzy:
            if message := _placeholder_problem(str(entry.id), entry.string):
                wrong.append(Problem(shown, entry.lineno, message, stage=Stage.PROJECT))
            words[key] = entry.string
        elif project is False and shown.endswith(TEMPLATE):
            words[key] = str(entry.id)
        elif project and entry.string and notes is not None:
            # Left out silently, the theme's word printed where the author wrote another.
            message = (
                f"'{entry.id}' is marked fuzzy: its translation '{entry.string}' is not used; "
                "check it, then delete the '#, fuzzy' line"
            )
            notes.append(
                Problem(
                    shown, entry.lineno, message, stage=Stage.PROJECT, severity=Severity.WARNING
                )
            )
    if wrong:
        raise ProjectError(wrong)
    return words


def _placeholder_problem(original: str, translated: str) -> str | None:
    """Why the translation's `{…}` places cannot be filled as the original's are: a place
    the original does not have (`{nom}` for `{name}`: the build stopped with an internal
    error), or one that reads further than a name (`{name.__class__}`, `{0[1]}`, `{name!r}`,
    `{name:>99}`), which `str.format` would evaluate."""
    import string

    def places(text: str) -> list[tuple[str, str, str | None]] | None:
        try:
            return [
                (name, spec or "", conversion)
                for _, name, spec, conversion in string.Formatter().parse(text)
                if name is not None
            ]
        except ValueError:
            return None

    given, found = places(original), places(translated)
    if found is None:
        return "a lone { or } in the translation: write {{ or }} for a brace"
    allowed = {name for name, _, _ in given or ()}
    for name, spec, conversion in found:
        written = (
            "{"
            + name
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
        if spec or conversion or not name.isidentifier():
            return f"the translation writes {written}: only a name in braces, as in the original"
        if name not in allowed:
            known = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
            return (
                f"the translation writes {written}, which the original does not give "
                f"(it gives {known}); keep the original's names between braces"
            )
    return None


def _catalog_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.po") if p.is_file())[:MAX_CATALOGS]


def load_strings(
    theme_folders: Sequence[Path] | Path, root: Path, files: FilePolicy
) -> tuple[Strings, list[Problem]]:
    """The themes' catalogs (a chain's, the root-most first) and the project's `locale/*.po`
    over them."""
    folders = [theme_folders] if isinstance(theme_folders, Path) else list(theme_folders)
    if not any((folder / LOCALE_DIR / TEMPLATE).is_file() for folder in folders):
        # A theme that brings no words of its own speaks the built-in theme's.
        folders.insert(0, BUILTIN_LOCALE.parent)
    problems: list[Problem] = []
    english: dict[str, str] = {}
    for folder in folders:
        template = folder / LOCALE_DIR / TEMPLATE
        if template.is_file():
            try:
                english.update(_read(template, files.shown(template), files, project=False))
            except ProjectError as error:
                problems.extend(error.problems)
    catalogs: dict[str, dict[str, str]] = {}
    places: dict[str, str] = {}
    sources: Iterable[tuple[Path, bool]] = [
        *((p, False) for folder in folders for p in _catalog_files(folder / LOCALE_DIR)),
        *((p, True) for p in _catalog_files(root / LOCALE_DIR)),
    ]
    for path, own in sources:
        shown = f"{LOCALE_DIR}/{path.name}" if own else files.shown(path)
        try:
            words = _read(path, shown, files, project=own, notes=problems)
        except ProjectError as error:
            problems.extend(error.problems)
            continue
        unknown = sorted(set(words) - set(english)) if english else []
        if unknown:
            message = f"words the theme does not use: {', '.join(unknown)} (see its {TEMPLATE})"
            problems.append(Problem(shown, None, message, stage=Stage.PROJECT))
        code = normalize(path.stem).lower()
        catalogs[code] = {**catalogs.get(code, {}), **words}
        places[code] = shown
    strings = Strings(
        MappingProxyType(english),
        MappingProxyType({code: MappingProxyType(w) for code, w in catalogs.items()}),
        MappingProxyType(places),
    )
    for code, words in catalogs.items():
        missing = sorted(set(english) - set(words))
        if missing and base_language(code) != "en":
            message = f"untranslated words: {', '.join(missing)} (msgstr empty or missing)"
            problems.append(Problem(places[code], None, message, stage=Stage.PROJECT))
    return strings, problems


@functools.lru_cache(maxsize=8)
def builtin_labels(lang: str, theme: str = "base") -> Mapping[str, str]:
    """A built-in theme's words for `lang`, without a project (for library callers and
    tests); English when the theme has no catalog for it."""
    from reportbuilder.project.theme import THEMES_DIR

    folder = THEMES_DIR / theme
    strings, _ = load_strings(folder, folder, FilePolicy(folder, folder))
    return MappingProxyType(strings.labels(lang) or dict(strings.english))


__all__ = ["LOCALE_DIR", "Strings", "builtin_labels", "load_strings"]
