"""project.load: `load_project`, a report folder read and validated into one frozen,
language-neutral `Project`; every problem in every file collected and raised together."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reportbuilder.errors import Location, ProjectError, Stage
from reportbuilder.project.load import load_project
from reportbuilder.project.theme import THEMES_DIR


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems_of(project: Path) -> list[str]:
    with pytest.raises(ProjectError) as raised:
        load_project(project)
    assert all(p.stage is Stage.PROJECT for p in raised.value.problems)
    return [str(p) for p in raised.value.problems]


def test_the_mini_project(mini_project: Path) -> None:
    project = load_project(str(mini_project))
    assert project.root == mini_project.resolve()
    assert project.config.title == "Water Access Survey"
    assert [c.rel for c in project.chapters] == ["content/01-overview.md", "content/02-findings.md"]
    assert project.chapters[1].meta["title"] == "Main findings"
    assert set(project.data) == {"survey"}
    assert list(project.contacts) == ["desk"]
    assert project.theme.name == "base" and project.theme_dir == THEMES_DIR / "base"
    assert project.files.roots == (project.root, (THEMES_DIR / "base").resolve())
    assert project.templates == {} and project.stylesheets == ()
    assert project.output_name == "out/mini.pdf"  # report.yml's output
    assert project.resources[(mini_project / "assets" / "pump.svg").as_uri()] == (
        Location("content/01-overview.md", 9),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.root = Path("/")  # type: ignore[misc]


def test_the_default_output_name_comes_from_the_title(mini_project: Path) -> None:
    replace(mini_project / "report.yml", "output: out/mini.pdf\n", "")
    replace(
        mini_project / "report.yml", "title: Water Access Survey", "title: Étude d’accès à l’eau"
    )
    assert load_project(mini_project).output_name == "out/etude-dacces-a-leau.pdf"


def test_a_folder_without_report_yml(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path)
    assert problem.startswith(f"report.yml: no report.yml in {tmp_path.resolve()}")
    assert "reportbuilder init" in problem


def test_every_problem_of_every_file_at_once(mini_project: Path) -> None:
    append(mini_project / "report.yml", "colour: blue\n")
    replace(mini_project / "content" / "02-findings.md", "title: Main findings", "titel: x")
    replace(mini_project / "data" / "survey.yml", "count: 450", "count: 45")
    replace(mini_project / "contacts.yml", "desk@example.org", "desk-at-example.org")
    found = problems_of(mini_project)
    assert [p.split(":")[0] for p in found] == [
        "report.yml",
        "content/02-findings.md",
        "data/survey.yml",
        "contacts.yml",
    ]
    assert found[0].startswith(
        "report.yml:20: unknown key 'colour'; known keys: authors, bibliography, brand"
    )


def test_a_contact_that_is_not_in_contacts_yml(mini_project: Path) -> None:
    replace(mini_project / "report.yml", "contact: desk", "contact: dsek")
    assert problems_of(mini_project) == [
        "report.yml:18: contact: no contact 'dsek' (did you mean 'desk'?)"
    ]
    (mini_project / "contacts.yml").unlink()
    assert problems_of(mini_project) == [
        "report.yml:18: contact: no contact 'dsek' (contacts.yml has no contacts)"
    ]


def test_a_broken_contacts_yml_is_not_blamed_on_report_yml(mini_project: Path) -> None:
    replace(mini_project / "contacts.yml", "desk@example.org", "desk-at-example.org")
    [problem] = problems_of(mini_project)
    assert problem.startswith("contacts.yml:7: ")


def test_a_logo_that_is_missing_or_outside(mini_project: Path, tmp_path: Path) -> None:
    (mini_project / "assets" / "logo.svg").unlink()
    assert problems_of(mini_project) == [
        "report.yml:10: organisation.logo: no file assets/logo.svg in the project"
    ]
    (tmp_path / "elsewhere.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", "utf-8")
    (mini_project / "assets" / "logo.svg").symlink_to(tmp_path / "elsewhere.svg")
    assert problems_of(mini_project) == [
        "report.yml:10: organisation.logo: no file assets/logo.svg in the project"
    ]


def test_own_templates_and_stylesheets_are_loaded(mini_project: Path) -> None:
    (mini_project / "templates").mkdir()
    (mini_project / "templates" / "cover.html").write_text("<p>cover</p>", encoding="utf-8")
    (mini_project / "styles").mkdir()
    (mini_project / "styles" / "brand.css").write_text("p { color: red }", encoding="utf-8")
    project = load_project(mini_project)
    assert project.templates["cover.html"].shown == "templates/cover.html"
    assert project.stylesheets == (mini_project / "styles" / "brand.css",)
