"""`load_project`: a report folder read and validated into one frozen, language-neutral
`Project`. Every problem in every file is collected and raised together."""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from reportbuilder.errors import (
    Problem,
    Problems,
    ProjectError,
    ReportError,
    Severity,
    Stage,
    printable,
)
from reportbuilder.project.chapters import Chapter, load_chapters, slugify, taken_ids
from reportbuilder.project.config import CONFIG_FILE, ReportConfig, load_config, stand_in_config
from reportbuilder.project.contacts import Contact, load_contacts, stand_in_contacts
from reportbuilder.project.cover import cover_problem
from reportbuilder.project.data import load_data
from reportbuilder.project.data.model import Localized
from reportbuilder.project.data.readers import CsvSettings
from reportbuilder.project.data.untranslated import untranslated_texts
from reportbuilder.project.files import FilePolicy, UnusablePath, is_file, resolved
from reportbuilder.project.fonts import font_face_problems, font_problems, lack_hyphen
from reportbuilder.project.images import side_by_side_sizes
from reportbuilder.project.overrides import Key
from reportbuilder.project.resources import Places, resource_locations
from reportbuilder.project.strings import Strings, load_strings
from reportbuilder.project.theme import (
    TemplateFile,
    Theme,
    load_theme,
    read_templates,
    stylesheets,
    theme_chain,
    themes_root,
)
from reportbuilder.project.validation import LineOf
from reportbuilder.project.yamlio import load_yaml


@dataclass(frozen=True)
class Project:
    """Everything a build needs, read and checked once; every edition is made from it.

    `templates` and `stylesheets` are the project's own (shadowing the theme's);
    `resources` says where each image or stylesheet URL is written, for located warnings.
    """

    root: Path
    config: ReportConfig
    files: FilePolicy
    theme: Theme
    strings: Strings
    chapters: tuple[Chapter, ...]
    data: Mapping[str, Any]
    contacts: Mapping[str, Contact]
    templates: Mapping[str, TemplateFile]
    stylesheets: tuple[Path, ...]
    resources: Mapping[str, Places]
    warnings: tuple[Problem, ...] = ()  # met while reading (a chapter left out of `chapters:`)
    variant: str | None = None  # the report.yml variant laid over it, if any
    references: tuple[dict[str, Any], ...] = ()  # report.yml `bibliography:`, CSL-JSON items
    # (width, height) of the images chapters set side by side, by path as written
    image_sizes: Mapping[str, tuple[float, float]] = dataclasses.field(default_factory=dict)
    # The project's font files without U+2010: the layout's hyphen is then "-" (`fonts`).
    plain_hyphen: bool = False

    @property
    def theme_dir(self) -> Path:
        return self.theme.folder

    def chapters_in(self, lang: str) -> tuple[Chapter, ...]:
        """The chapters as an edition in `lang` prints them: each one's translation where
        there is one (its front matter over the source's, title excepted), else the source."""
        if self.config.is_source_language(lang):
            return self.chapters
        chosen = []
        for chapter in self.chapters:
            translation = chapter.translated(lang)
            if translation is None:
                chosen.append(chapter)
            else:
                kept = {k: v for k, v in chapter.meta.items() if k not in TRANSLATED_KEYS}
                chosen.append(replace(translation, meta={**kept, **translation.meta}))
        return tuple(chosen)

    def untranslated(self, lang: str) -> list[Chapter]:
        """The chapters with no translation into `lang` (none for the source language)."""
        if self.config.is_source_language(lang):
            return []
        return [chapter for chapter in self.chapters if chapter.translated(lang) is None]

    @property
    def output_name(self) -> str:
        """report.yml's `output`, or `out/<title>.pdf` (`out/<title>-<variant>.pdf`)."""
        suffix = f"-{self.variant}" if self.variant else ""
        return self.config.output or f"out/{slugify(self.config.title)[:60]}{suffix}.pdf"


TRANSLATED_KEYS = ("title", "translated_from")  # front matter a translation does not inherit


def _unprinted_translations(chapters: list[Chapter], config: ReportConfig) -> list[Problem]:
    """A warning for each translation no edition prints: one into the report's own language
    (`01-intro.en.md` in an `en` report), or into a language with no edition (`.fr-CA.md`
    when the editions are en and fr). They were left out without a word (trial 6 #15)."""
    editions = [config.lang, *config.languages]
    found = []
    for chapter in chapters:
        for lang, translation in chapter.translations.items():
            if config.is_source_language(lang):
                why = (
                    f"is in the report's own language ({config.lang}), so it is never printed: "
                    f"the chapter is {chapter.rel}"
                )
            elif not any(lang in (e.lower(), e.lower().split("-")[0]) for e in editions):
                why = (
                    f"translates {chapter.rel} into {lang}, which is no edition of the report "
                    f"(editions: {', '.join(editions)}), so it is never printed; name the file "
                    "after an edition's code, or add the edition to languages: in report.yml"
                )
            else:
                continue
            found.append(
                Problem(translation.rel, None, why, stage=Stage.PROJECT, severity=Severity.WARNING)
            )
    return found


def _written_chapters(files: FilePolicy) -> tuple[list[str] | None, LineOf | None]:
    """report.yml's `chapters:` list as written, when the rest of report.yml is wrong: so
    that a wrong `theme:` does not hide a missing chapter (one run, every problem)."""
    try:
        doc = load_yaml(files.read_project_text(CONFIG_FILE), CONFIG_FILE)
    except ReportError:
        return None, None
    order = doc.value.get("chapters") if isinstance(doc.value, dict) else None
    if isinstance(order, list) and order and all(isinstance(name, str) for name in order):
        return order, doc.line
    return None, None


def load_project(
    path: str | os.PathLike[str],
    *,
    variant: str | None = None,
    assignments: Sequence[tuple[Key, Any]] = (),
    stand_ins: bool = False,
) -> Project:
    """Read report.yml, content, data, contacts and the theme; raise one `ProjectError`
    listing every problem found.

    `variant` names one of report.yml's `variants:` and `assignments` are `--set` ones
    (`parse_assignment`), laid over report.yml in that order: a problem of a value set so
    is said at `--set`, not at report.yml's line of the value it replaced. With `stand_ins`
    (`check`), the error raised is an `IncompleteProject` carrying a project made of what is
    right (wrong settings and contact keys left out) whenever one can be made, so that the
    chapters can still be filled in and their problems found in the same run."""
    try:
        project = _load_project(path, variant=variant, assignments=assignments, stand_ins=stand_ins)
    except IncompleteProject as error:
        if not assignments:
            raise
        warnings = _at_set(error.project.warnings, assignments)
        moved = dataclasses.replace(error.project, warnings=tuple(warnings))
        raise IncompleteProject(_at_set(error.problems, assignments), moved) from None
    except ProjectError as error:
        if not assignments:
            raise
        raise ProjectError(_at_set(error.problems, assignments)) from None
    if assignments:
        warnings = _at_set(project.warnings, assignments)
        project = dataclasses.replace(project, warnings=tuple(warnings))
    return project


def _at_set(problems: Sequence[Problem], assignments: Sequence[tuple[Key, Any]]) -> list[Problem]:
    """`problems` with those about a value `--set` gave (their message starts with its key,
    `contact: no contact 'nobody'`) said at `--set` rather than at report.yml's line."""
    keys = [".".join(path) for path, _ in assignments]
    moved = []
    for problem in problems:
        key = problem.message.split(":", 1)[0]
        if problem.path == CONFIG_FILE and any(
            key == given or key.startswith(f"{given}.") for given in keys
        ):
            problem = dataclasses.replace(problem, path="--set", line=None)
        moved.append(problem)
    return moved


def _load_project(
    path: str | os.PathLike[str],
    *,
    variant: str | None,
    assignments: Sequence[tuple[Key, Any]],
    stand_ins: bool,
) -> Project:
    try:
        root = resolved(Path(path))
        str(root).encode("utf-8")
    except (UnusablePath, UnicodeEncodeError) as error:
        # A name that is not UTF-8 cannot be a file: URL the renderer finds again: refuse it
        # rather than drop every image as "outside the project".
        reason = error.reason if isinstance(error, UnusablePath) else "is not valid UTF-8"
        message = f"the project folder {printable(os.fsdecode(path))!r} {reason}; rename it"
        raise ProjectError(Problem(None, None, message, stage=Stage.PROJECT)) from None
    problems = Problems(Stage.PROJECT)
    if not (root / CONFIG_FILE).is_file():
        message = f"no {CONFIG_FILE} in {root} (is this a report project? try 'reportbuilder init')"
        raise ProjectError(Problem(CONFIG_FILE, None, message, stage=Stage.PROJECT))
    files = FilePolicy(root)
    config: ReportConfig | None
    try:
        config, line = load_config(root, files, variant, assignments)
    except ProjectError as error:
        # Keep going: a typo in report.yml should not hide the problems in content and data.
        problems.extend(error.problems)
        config, line = None, None
        standing = stand_in_config(files) if stand_ins and not variant and not assignments else None
        if standing is not None:
            config, line = standing
    order, placed = (config.chapters, line) if config else _written_chapters(files)
    chapters, found = load_chapters(files, order, placed)
    problems.extend(found)
    problems.extend(taken_ids(chapters))
    if config is not None:
        problems.extend(_unprinted_translations(chapters, config))
    settings = {
        name: CsvSettings(
            decimal=given.decimal,
            delimiter=given.delimiter,
            header_row=given.header_row,
            labels={
                column: text if isinstance(text, str) else Localized.of(text)
                for column, text in given.labels.items()
            },
        )
        for name, given in (config.data if config else {}).items()
    }
    data, found = load_data(files, settings, config.lang if config else None)
    problems.extend(found)
    if config is not None and not any(p.severity is Severity.ERROR for p in found):
        problems.extend(untranslated_texts(data, [config.lang, *config.languages], files))
    contacts, found = load_contacts(files)
    problems.extend(found)
    contact_problems = [p for p in found if p.severity is Severity.ERROR]  # not a doubtful phone
    written: set[str] | None = None  # the ids contacts.yml has, when it has problems
    if contact_problems and stand_ins:
        contacts, written = stand_in_contacts(files)
    if config is None or line is None:
        raise ProjectError(problems.items)
    chain, found = theme_chain(config.theme, root)
    for problem in found:  # a theme that cannot be found is report.yml's `theme:` line
        if problem.path is None:
            problem = dataclasses.replace(problem, path=CONFIG_FILE, line=line(["theme"]))
        problems.extend([problem])
    if not chain or found:
        raise ProjectError(problems.items)
    files = FilePolicy(root, themes_root(chain))
    theme, found = load_theme(config.theme, chain[0].folder, files, chain)
    problems.extend(found)
    strings, found = load_strings(theme.folders, root, files)
    problems.extend(found)
    if strings.labels(config.lang) is None:
        problems.add(CONFIG_FILE, line(["lang"]), strings.missing_message(config.lang))
    templates, found = read_templates(root / "templates", files, "templates/")
    problems.extend(found)
    # When contacts.yml is wrong already, checking the reference would blame report.yml too,
    # unless the ids it has are known (`check`'s stand-ins) and the reference is not one.
    known = written if written is not None else None if contact_problems else set(contacts)
    if config.contact and known is not None and config.contact not in known:
        hint = difflib.get_close_matches(config.contact, sorted(contacts), n=1)
        where = (
            "contacts.yml has no contacts"
            if not contacts
            else f"did you mean '{hint[0]}'?"
            if hint
            else f"known: {', '.join(sorted(contacts))}"
        )
        problems.add(
            CONFIG_FILE, line(["contact"]), f"contact: no contact '{config.contact}' ({where})"
        )
    if config.organisation and config.organisation.logo:
        logo = root / config.organisation.logo
        if not is_file(logo) or not files.in_project(logo):
            problems.add(
                CONFIG_FILE,
                line(["organisation", "logo"]),
                f"organisation.logo: no file {config.organisation.logo} in the project",
            )
    for key, file in _cover_files(config):
        wrong = cover_problem(files, file)
        if wrong:
            problems.add(CONFIG_FILE, line(key), wrong)
    own_styles = stylesheets(root / "styles")
    fonts = config.brand.fonts
    problems.extend(
        font_problems(
            {"heading": fonts.heading, "body": fonts.body},
            (*theme.stylesheets, *own_styles),
            files,
            line,
        )
    )
    # A brand family declared in styles/ whose file is no font: all text in the fallback.
    problems.extend(font_face_problems([fonts.heading or "", fonts.body or ""], own_styles, files))
    references: list[dict[str, Any]] = []
    if config.bibliography:
        references, bad, warned = _references(files, config.bibliography, chapters)
        for bib_path, at, message in bad:
            problems.add(bib_path or CONFIG_FILE, at or line(["bibliography"]), message)
        problems.extend(
            Problem(
                config.bibliography, at, message, stage=Stage.PROJECT, severity=Severity.WARNING
            )
            for at, message in warned
        )
    if problems.errors() and not stand_ins:
        raise ProjectError(problems.items)
    resources = resource_locations(root, config, chapters, own_styles, files)
    project = Project(
        root=root,
        config=config,
        files=files,
        theme=theme,
        strings=strings,
        chapters=tuple(chapters),
        # Read-only views: one project serves many editions, threads and jobs.
        data=MappingProxyType(data),
        contacts=MappingProxyType(contacts),
        templates=MappingProxyType(templates),
        stylesheets=own_styles,
        resources=MappingProxyType(resources),
        warnings=tuple(p for p in problems.items if p.severity is Severity.WARNING),
        variant=variant,
        references=tuple(references),
        image_sizes=MappingProxyType(side_by_side_sizes(chapters, files)),
        plain_hyphen=bool(lack_hyphen(own_styles, files)),
    )
    if problems.errors():
        raise IncompleteProject(problems.items, project)
    return project


class IncompleteProject(ProjectError):
    """The project's problems, with the project made of what is right in it: `check` fills
    its chapters in to find their problems too (never built: its settings are not the
    author's)."""

    def __init__(self, problems: Sequence[Problem], project: Project) -> None:
        super().__init__(problems)
        self.project = project


def _cover_files(config: ReportConfig) -> list[tuple[list[str | int], str]]:
    """Every cover photo report.yml names, with its key: the report's, and any a language or
    a variant puts in its place."""
    found: list[tuple[list[str | int], str]] = []
    if config.cover_image:
        found.append((["cover_image", "file"], config.cover_image.file))
    layers = [("languages", code, layer) for code, layer in config.languages.items()]
    layers += [("variants", name, layer) for name, layer in config.variants.items()]
    for kind, name, layer in layers:
        cover = layer.get("cover_image")
        if isinstance(cover, dict) and isinstance(cover.get("file"), str):
            found.append(([kind, name, "cover_image", "file"], cover["file"]))
    return found


def _references(
    files: FilePolicy, rel: str, chapters: Sequence[Chapter]
) -> tuple[list[dict[str, Any]], list[tuple[str | None, int | None, str]], list[tuple[int, str]]]:
    """The CSL-JSON items of `bibliography:` (a CSL-JSON or a BibTeX file), what is wrong
    with it as (path, line, message) (path None is report.yml's `bibliography:` line), and
    the BibTeX file's warnings as (line, message)."""
    import json

    from reportbuilder.project.bibtex import cited_keys, read_bibtex

    bibtex = rel.lower().endswith(".bib")
    try:
        # A reference manager's export runs to megabytes; only the cited entries are parsed.
        text = files.read_project_text(rel, max_bytes=20_000_000 if bibtex else 2_000_000)
    except ReportError as error:
        return [], [(None, None, f"bibliography: {error.problems[0].message}")], []
    if bibtex:
        sources = [c.source for c in chapters]
        sources += [t.source for c in chapters for t in c.translations.values()]
        items, found, warned = read_bibtex(text, cited_keys(sources))
        return items, [(rel, line, message) for line, message in found], warned
    try:
        items = json.loads(text)
    except ValueError as error:
        return [], [(None, None, f"bibliography: {rel} is not JSON ({error})")], []
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and isinstance(item.get("id"), str) for item in items
    ):
        message = f"bibliography: {rel} must be a CSL-JSON list of items, each with an id"
        return [], [(None, None, message)], []
    return items, [], []
