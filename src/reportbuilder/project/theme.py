"""Themes: the built-in ones ship inside the package; a project may also name a theme folder
of its own. A project's `templates/` and `styles/` shadow the theme's files of the same name.

Every template is read here, when the project is loaded, through the file policy, so that the
compose stage reads no file; stylesheets are listed here and read by the renderer.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reportbuilder.errors import Problem, ProjectError, Stage
from reportbuilder.project.files import FilePolicy, UnusablePath, is_dir, is_file, resolved

THEMES_DIR = Path(__file__).resolve().parents[1] / "themes"
MAX_TEMPLATES = 200  # files in one templates/ folder


@dataclass(frozen=True)
class TemplateFile:
    """A template's text and the name problems in it are reported under."""

    source: str
    shown: str


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    templates: Mapping[str, TemplateFile]
    stylesheets: tuple[Path, ...]


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
    return tuple(sorted(p for p in folder.glob("*.css") if is_file(p) or p.is_symlink()))


def load_theme(name: str, folder: Path, files: FilePolicy) -> tuple[Theme, list[Problem]]:
    # A built-in theme's problems name the file only; a project theme's, its folder too.
    inside = files.in_project(folder)
    prefix = f"{files.shown(folder)}/templates/" if inside else ""
    templates, problems = read_templates(folder / "templates", files, prefix)
    return Theme(name, folder, templates, stylesheets(folder / "styles")), problems
