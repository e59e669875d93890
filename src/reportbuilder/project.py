"""Loading a report project folder into one validated, read-only `Project`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import CONFIG_FILE, ReportConfig, load_config
from .contacts import Contact, load_contacts
from .content import Chapter, load_chapters
from .data import load_data
from .errors import Problems, ReportError
from .templating import theme_path


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
        from .content import slugify

        return self.config.output or f"out/{slugify(self.config.title)[:60]}.pdf"


def load_project(root: Path, overrides: dict[str, Any] | None = None) -> Project:
    """Read report.yml, content, data and contacts; raise one error listing every problem."""
    root = root.resolve()
    if not (root / CONFIG_FILE).is_file():
        load_config(root, overrides)  # raises the "not a report project" error
    problems = Problems()
    try:
        config: ReportConfig | None = load_config(root, overrides)
    except ReportError as error:
        # Keep going: a typo in report.yml should not hide the problems in content and data.
        problems.extend(error.problems)
        config = None
    chapters, found = load_chapters(root, config.chapters if config else None)
    problems.extend(found)
    data, found = load_data(root, config.lang if config else "en")
    problems.extend(found)
    contacts, contact_problems = load_contacts(root)
    problems.extend(contact_problems)
    if config is None:
        problems.raise_if_any()
    assert config is not None
    theme_dir = theme_path(config.theme, root)
    if theme_dir is None:
        problems.add(CONFIG_FILE, None, f"theme '{config.theme}' not found (built-in: base)")
    if contact_problems:
        pass  # contacts.yml is wrong already; checking the reference would blame report.yml too
    elif config.contact and contacts and config.contact not in contacts:
        known = ", ".join(sorted(contacts))
        problems.add(
            CONFIG_FILE,
            None,
            f"contact: no contact '{config.contact}' in contacts.yml (known: {known})",
        )
    elif config.contact and not contacts:
        problems.add(
            CONFIG_FILE, None, f"contact: '{config.contact}' given but contacts.yml has no contacts"
        )
    if config.organisation and config.organisation.logo:
        logo = (root / config.organisation.logo).resolve()
        if not logo.is_file() or not logo.is_relative_to(root):
            problems.add(
                CONFIG_FILE,
                None,
                f"organisation.logo: no file {config.organisation.logo} in the project",
            )
    problems.raise_if_any()
    assert theme_dir is not None
    return Project(root, config, theme_dir, chapters, data, contacts)
