"""Loading a report project folder into one validated, read-only `Project`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportbuilder.errors import Problems, ReportError
from reportbuilder.project.chapters import Chapter, load_chapters, slugify
from reportbuilder.project.config import CONFIG_FILE, ReportConfig, load_config
from reportbuilder.project.contacts import Contact, load_contacts
from reportbuilder.project.data import load_data

THEMES_DIR = Path(__file__).resolve().parents[1] / "themes"


@dataclass(frozen=True)
class Project:
    """Everything a build needs, read and checked; nothing here touches the output."""

    root: Path
    config: ReportConfig
    theme_dir: Path
    chapters: list[Chapter]
    data: dict[str, Any] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)

    @property
    def output_name(self) -> str:
        return self.config.output or f"out/{slugify(self.config.title)[:60]}.pdf"


def theme_path(name: str, project_dir: Path) -> Path | None:
    """The folder of theme `name` (a plain name): built-in, or a folder inside the project."""
    builtin = THEMES_DIR / name
    if builtin.is_dir():
        return builtin
    local = (project_dir / name).resolve()
    if local.is_dir() and local.is_relative_to(project_dir.resolve()):
        return local
    return None


def _close(name: str, known: list[str]) -> str:
    hint = difflib.get_close_matches(name, known, n=1)
    return f"did you mean '{hint[0]}'?" if hint else f"known: {', '.join(known) or 'none'}"


def load_project(root: Path, overrides: dict[str, Any] | None = None) -> Project:
    """Read report.yml, content, data and contacts; raise one error listing every problem."""
    root = root.resolve()
    problems = Problems()
    try:
        config: ReportConfig | None
        config, line = load_config(root, overrides)
    except ReportError as error:
        if not (root / CONFIG_FILE).is_file():
            raise  # not a report project at all: nothing else is worth reading
        # Keep going: a typo in report.yml should not hide the problems in content and data.
        problems.extend(error.problems)
        config = None
    chapters, found = load_chapters(
        root, config.chapters if config else None, line if config else None
    )
    problems.extend(found)
    data, found = load_data(root)
    problems.extend(found)
    contacts, contact_problems = load_contacts(root)
    problems.extend(contact_problems)
    if config is None:
        problems.raise_if_any()
    assert config is not None
    theme_dir = theme_path(config.theme, root)
    if theme_dir is None:
        builtin = sorted(p.name for p in THEMES_DIR.iterdir() if p.is_dir())
        problems.add(
            CONFIG_FILE,
            line(["theme"]),
            f"theme '{config.theme}' not found ({_close(config.theme, builtin)})",
        )
    # When contacts.yml is wrong already, checking the reference would blame report.yml too.
    if config.contact and not contact_problems and config.contact not in contacts:
        where = (
            "contacts.yml has no contacts"
            if not contacts
            else _close(config.contact, sorted(contacts))
        )
        problems.add(
            CONFIG_FILE, line(["contact"]), f"contact: no contact '{config.contact}' ({where})"
        )
    if config.organisation and config.organisation.logo:
        logo = (root / config.organisation.logo).resolve()
        if not logo.is_file() or not logo.is_relative_to(root):
            problems.add(
                CONFIG_FILE,
                line(["organisation", "logo"]),
                f"organisation.logo: no file {config.organisation.logo} in the project",
            )
    problems.raise_if_any()
    assert theme_dir is not None
    return Project(root, config, theme_dir, chapters, data, contacts)
