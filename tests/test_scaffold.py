"""scaffold: `create_project`, a small project that loads and composes as it is, in French,
English or Spanish (building it to PDF is tested in test_cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportbuilder.compose.html import render_html
from reportbuilder.errors import OutputError, Stage
from reportbuilder.project.load import load_project
from reportbuilder.scaffold import create_project, project_files

FILES = [".gitignore", "contacts.yml", "data/survey.yml", "report.yml"]


@pytest.mark.parametrize(
    ("lang", "chapter", "words"),
    [
        ("en", "content/01-introduction.md", "1,200 households"),
        ("fr", "content/01-introduction.md", "1\u202f200 ménages"),
        ("es", "content/01-introduccion.md", "1200 hogares"),
    ],
)
def test_a_new_project_loads_and_composes(
    tmp_path: Path, lang: str, chapter: str, words: str
) -> None:
    folder = tmp_path / "new"
    written = create_project(folder, lang)
    assert sorted(p.relative_to(folder).as_posix() for p in written) == sorted([*FILES, chapter])
    assert (folder / "assets").is_dir()
    project = load_project(folder)
    assert project.config.lang == lang
    html = render_html(project).text
    assert words in html


def test_git_ignores_the_outputs_and_the_build_cache(tmp_path: Path) -> None:
    create_project(tmp_path / "new", "en")
    ignored = (tmp_path / "new" / ".gitignore").read_text(encoding="utf-8").split()
    assert ignored == ["/out/", "/.reportbuilder/"]


def test_every_language_has_the_same_files() -> None:
    assert {len(project_files(lang)) for lang in ("en", "fr", "es")} == {5}


def test_an_empty_folder_is_fine_and_a_busy_one_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert create_project(empty, "en")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputError) as raised:
        create_project(busy, "en")
    [problem] = raised.value.problems
    assert (problem.path, problem.stage) == (str(busy), Stage.OUTPUT)
    assert problem.message == "exists and is not empty; choose a new folder"
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]


def test_a_language_without_starter_text(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="no starter text for language 'de'"):
        create_project(tmp_path / "new", "de")
    assert not (tmp_path / "new").exists()


def test_a_failure_leaves_no_half_made_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "new"
    write_text = Path.write_text

    def full_disk_at_the_data(path: Path, *args: Any, **kwargs: Any) -> int:
        if path.name == "survey.yml":
            raise OSError(28, "No space left on device")
        return write_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk_at_the_data)
    with pytest.raises(OutputError) as raised:
        create_project(folder, "en")
    assert [str(p) for p in raised.value.problems] == [
        f"{folder}: cannot create the project: No space left on device"
    ]
    assert [p for p in folder.rglob("*") if p.is_file()] == []  # the files written are gone
