"""Themes: the built-in ones ship inside the package; a project may also name a theme folder
of its own. A project's `templates/` and `styles/` shadow the theme's files of the same name.

A theme folder may carry a manifest, `theme.yml` (`name`, `parent`, `description`,
`page_sizes`). A theme with a `parent` holds only what differs: its templates, stylesheets and
words are laid over its parent's, and so on up the chain (a house theme over `base`).

Every template is read here, when the project is loaded, through the file policy, so that the
compose stage reads no file; stylesheets are listed here and read by the renderer.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reportbuilder.errors import Problem, ProjectError, Stage
from reportbuilder.project.files import FilePolicy, UnusablePath, is_dir, is_file, resolved
from reportbuilder.project.validation import problems_from
from reportbuilder.project.yamlio import load_yaml

THEMES_DIR = Path(__file__).resolve().parents[1] / "themes"
MAX_TEMPLATES = 200  # files in one templates/ folder
MANIFEST = "theme.yml"
MAX_CHAIN = 8  # themes in one parent chain


class Manifest(BaseModel):
    """What `theme.yml` may say. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    parent: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]+$")
    description: str = ""
    page_sizes: list[str] = Field(default_factory=list)  # empty: every size


@dataclass(frozen=True)
class Layer:
    """One theme of a chain: its name, folder and manifest."""

    name: str
    folder: Path
    manifest: Manifest
    builtin: bool


@dataclass(frozen=True)
class TemplateFile:
    """A template's text and the name problems in it are reported under."""

    source: str
    shown: str


@dataclass(frozen=True)
class Theme:
    """A theme with its parents laid under it: `templates` and `stylesheets` are what a build
    uses (the nearest theme's file of each name); `chain` lists the themes, this one first;
    `by_theme` holds each theme's templates as seen from it (for `name:file.html`)."""

    name: str
    folder: Path
    templates: Mapping[str, TemplateFile]
    stylesheets: tuple[Path, ...]
    chain: tuple[Layer, ...] = ()
    by_theme: Mapping[str, Mapping[str, TemplateFile]] = field(default_factory=dict)

    @property
    def folders(self) -> tuple[Path, ...]:
        """The chain's folders, the root-most first (the order layers are laid down)."""
        return tuple(layer.folder for layer in reversed(self.chain)) or (self.folder,)


def builtin_themes() -> list[str]:
    return sorted(p.name for p in THEMES_DIR.iterdir() if p.is_dir())


def find_theme(name: str, project_dir: Path) -> Path | None:
    """The folder of theme `name` (a plain name): built-in, or a folder inside the project."""
    builtin = THEMES_DIR / name
    if builtin.is_dir():
        return builtin
    try:
        local = resolved(project_dir / name)
    except UnusablePath:
        return None
    if is_dir(local) and FilePolicy(project_dir).in_project(local):
        return local
    return None


def why_missing(name: str, project_dir: Path) -> str:
    """Why theme `name` was not found, for the user: a link that loops or leads out of the
    project, a file where a folder is expected, or the names that exist."""
    local = project_dir / name
    try:
        target = resolved(local)
    except UnusablePath as error:
        return f"the project's '{name}' {error.reason}"
    if local.is_symlink() and not FilePolicy(project_dir).in_project(target):
        return f"the project's '{name}' is a link out of the project; refused"
    if is_file(target):
        return f"the project's '{name}' is a file, not a theme folder"
    return theme_hint(name)


def theme_hint(name: str) -> str:
    known = builtin_themes()
    hint = difflib.get_close_matches(name, known, n=1)
    return f"did you mean '{hint[0]}'?" if hint else f"known: {', '.join(known) or 'none'}"


def read_templates(
    folder: Path, files: FilePolicy, shown_as: str
) -> tuple[dict[str, TemplateFile], list[Problem]]:
    """Every file under `folder` by its template name (`cover.html`, `parts/x.html`).

    `shown_as` prefixes the names in problems (`templates/` for a project's own files).
    """
    found: dict[str, TemplateFile] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return found, problems
    if not files.readable(folder):  # refused before walking whatever it leads to
        shown = shown_as.rstrip("/") or folder.name
        message = "is a link out of the project; refused"
        return found, [Problem(shown, None, message, stage=Stage.PROJECT)]
    paths = _files_under(folder, MAX_TEMPLATES + 1)
    for path in paths[:MAX_TEMPLATES]:
        name = path.relative_to(folder).as_posix()
        shown = f"{shown_as}{name}"
        try:
            found[name] = TemplateFile(files.read_theme_text(path, shown), shown)
        except ProjectError as error:
            problems.append(error.problems[0])  # one line per file is enough to find it
    if len(paths) > MAX_TEMPLATES:
        message = f"more than {MAX_TEMPLATES} files; the rest are not read"
        problems.append(Problem(shown_as, None, message, stage=Stage.PROJECT))
    return found, problems


def _files_under(folder: Path, limit: int) -> list[Path]:
    """Up to `limit` regular files under `folder`, by name, hidden ones left out; links to
    folders are not followed (a template folder is small)."""
    found: list[Path] = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(current) / name
            if not name.startswith(".") and path.is_file():
                found.append(path)
                if len(found) >= limit:
                    return found
    return found


def stylesheets(folder: Path) -> tuple[Path, ...]:
    """The `*.css` files of a styles folder, in name order; links too, even broken ones or
    loops, so that the renderer reports them instead of their being left out silently."""
    if not is_dir(folder):
        return ()
    return tuple(
        sorted(
            p
            for p in folder.glob("*.css")
            if not p.name.startswith(".") and (is_file(p) or p.is_symlink())
        )
    )


def read_manifest(folder: Path, files: FilePolicy | None) -> tuple[Manifest, list[Problem]]:
    """A theme folder's `theme.yml` (an empty manifest when there is none)."""
    path = folder / MANIFEST
    if not path.is_file():
        return Manifest(), []
    inside = files is not None and files.in_project(path)
    shown = files.shown(path) if files is not None and inside else f"{folder.name}/{MANIFEST}"
    try:
        text = (
            files.read_project_text(shown)
            if files is not None and inside
            else path.read_text(encoding="utf-8")
        )
        doc = load_yaml(text, shown)
    except ProjectError as error:
        return Manifest(), error.problems
    if doc.value is None:
        return Manifest(), []
    if not isinstance(doc.value, dict):
        message = "expected a mapping (name: …, parent: base)"
        return Manifest(), [Problem(shown, 1, message, stage=Stage.PROJECT)]
    try:
        return Manifest.model_validate(doc.value), []
    except ValidationError as error:
        return Manifest(), problems_from(error, Manifest, shown, doc.line)


def theme_chain(name: str, project_dir: Path) -> tuple[list[Layer], list[Problem]]:
    """Theme `name` and its parents, nearest first; problems for a parent that cannot be
    found or a chain that loops."""
    policy = FilePolicy(project_dir)
    chain: list[Layer] = []
    problems: list[Problem] = []
    current: str | None = name
    while current is not None:
        if any(layer.name == current for layer in chain) or len(chain) >= MAX_CHAIN:
            names = " → ".join([*(layer.name for layer in chain), current])
            problems.append(
                Problem(MANIFEST, None, f"themes' parents loop: {names}", stage=Stage.PROJECT)
            )
            break
        folder = find_theme(current, project_dir)
        if folder is None:
            asked = chain[-1].name if chain else None
            where = f"{asked}'s parent " if asked else ""
            message = f"theme {where}'{current}' not found ({why_missing(current, project_dir)})"
            problems.append(
                Problem(MANIFEST if asked else None, None, message, stage=Stage.PROJECT)
            )
            break
        builtin = folder.is_relative_to(THEMES_DIR)
        if builtin and (project_dir / current / MANIFEST).is_file():
            # The built-in theme wins over a project folder of its name: the folder's
            # templates and styles would be ignored without a word (trial 6 #52).
            message = (
                f"{current}/ has a {MANIFEST} but '{current}' is a built-in theme's name, so "
                f"the built-in one is used and the folder ignored: rename the folder (and "
                "theme: in report.yml)"
            )
            problems.append(Problem(f"{current}/{MANIFEST}", None, message, stage=Stage.PROJECT))
        manifest, found = read_manifest(folder, None if builtin else policy)
        problems.extend(found)
        chain.append(Layer(current, folder, manifest, builtin))
        current = manifest.parent
    return chain, problems


def themes_root(chain: list[Layer]) -> Path | None:
    """The folder of built-in themes a build may read (project themes are in the project)."""
    builtin = [layer.folder for layer in chain if layer.builtin]
    if not builtin:
        return None
    return builtin[0] if len(builtin) == 1 else THEMES_DIR


def load_theme(
    name: str, folder: Path, files: FilePolicy, chain: list[Layer] | None = None
) -> tuple[Theme, list[Problem]]:
    """The theme `name` (in `folder`) with its `chain` of parents laid under it."""
    layers = chain or [Layer(name, folder, Manifest(), folder.is_relative_to(THEMES_DIR))]
    problems: list[Problem] = []
    templates: dict[str, TemplateFile] = {}
    sheets: dict[str, Path] = {}
    by_theme: dict[str, Mapping[str, TemplateFile]] = {}
    for layer in reversed(layers):  # the root-most first, each nearer one over it
        # A built-in theme's problems name the file only; a project theme's, its folder too.
        inside = files.in_project(layer.folder)
        prefix = f"{files.shown(layer.folder)}/templates/" if inside else ""
        own, found = read_templates(layer.folder / "templates", files, prefix)
        problems.extend(found)
        templates.update(own)
        by_theme[layer.name] = dict(templates)
        for sheet in stylesheets(layer.folder / "styles"):
            sheets.pop(sheet.name, None)  # a later one of the same name replaces it, in place
            sheets[sheet.name] = sheet
    theme = Theme(
        name,
        folder,
        templates,
        tuple(sheets.values()),
        tuple(layers),
        by_theme,
    )
    return theme, problems


@dataclass(frozen=True)
class Origin:
    """Where one template or stylesheet of a build comes from."""

    kind: str  # "template" or "stylesheet"
    name: str  # cover.html, 10-report.css
    source: str  # "project" or the theme's name
    path: str  # the file, as the user knows it


def origins(
    theme: Theme,
    own_templates: Mapping[str, TemplateFile],
    own_styles: tuple[Path, ...],
    files: FilePolicy,
) -> list[Origin]:
    """Which file each template and stylesheet of a build comes from: the project's own, else
    the nearest theme of the chain that has it."""
    found = []
    for name in sorted({*theme.templates, *own_templates}):
        if name in own_templates:
            found.append(Origin("template", name, "project", own_templates[name].shown))
            continue
        layer = next(lay for lay in theme.chain if (lay.folder / "templates" / name).is_file())
        found.append(Origin("template", name, layer.name, _shown(layer, "templates", name, files)))
    own_names = {path.name for path in own_styles}
    for path in theme.stylesheets:
        if path.name not in own_names:
            layer = next(lay for lay in theme.chain if path.is_relative_to(lay.folder))
            found.append(
                Origin(
                    "stylesheet", path.name, layer.name, _shown(layer, "styles", path.name, files)
                )
            )
    for path in own_styles:
        found.append(Origin("stylesheet", path.name, "project", files.shown(path)))
    return found


def _shown(layer: Layer, kind: str, name: str, files: FilePolicy) -> str:
    path = layer.folder / kind / name
    if layer.builtin:
        return f"{layer.name}:{kind}/{name} (built-in)"
    return files.shown(path)
