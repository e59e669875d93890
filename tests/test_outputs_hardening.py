"""Where a build may write (issue 15): the output path is resolved through every link before it
is checked; it is never a link, never a source of the project or of its theme, and a long but
legal name works. Through the real command (`main`), with `--format html` where the layout
proves nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.deliver.files import MAX_NAME_BYTES, temporary_prefix
from reportbuilder.project.theme import THEMES_DIR


def _with_local_theme(project: Path) -> Path:
    """`theme: mytheme`, a copy of the built-in theme inside the project."""
    shutil.copytree(THEMES_DIR / "base", project / "mytheme")
    with (project / "report.yml").open("a", encoding="utf-8") as handle:
        handle.write("theme: mytheme\n")
    return project / "mytheme"


def _set_output(project: Path, output: str) -> None:
    config = project / "report.yml"
    lines = [ln for ln in config.read_text("utf-8").splitlines() if not ln.startswith("output:")]
    config.write_text("\n".join([*lines, f"output: {output}"]) + "\n", "utf-8")


def test_report_yml_output_into_the_theme_folder_is_refused(
    mini_project: Path, runner: CliRunner
) -> None:
    """The theme folder is a source: `output: mytheme/templates/cover.html` overwrote it."""
    theme = _with_local_theme(mini_project)
    before = (theme / "templates" / "cover.html").read_bytes()
    _set_output(mini_project, "mytheme/templates/cover.html")
    result = runner.invoke(main, ["build", str(mini_project), "--format", "html"])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == (
        "mytheme/templates/cover.html: the output would overwrite a source of the project"
    )
    assert (theme / "templates" / "cover.html").read_bytes() == before


def test_dash_o_into_the_theme_folder_is_refused(mini_project: Path, runner: CliRunner) -> None:
    theme = _with_local_theme(mini_project)
    target = theme / "styles" / "new.html"
    result = runner.invoke(main, ["build", str(mini_project), "--format", "html", "-o", target])
    assert result.exit_code == 1, result.output
    assert "the output would overwrite a source of the project" in result.stderr
    assert not target.exists()


def test_dash_o_through_a_linked_folder_onto_a_source_is_refused(
    mini_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """`-o elsewhere/cover.html` where elsewhere is a link to templates/: resolved before the
    check. (An `.md` output is refused sooner, as a usage error: not a format we write.)"""
    template = mini_project / "templates" / "cover.html"
    template.parent.mkdir(exist_ok=True)
    template.write_text('<section class="cover">{{ report.title }}</section>', "utf-8")
    (tmp_path / "elsewhere").symlink_to(mini_project / "templates")
    before = template.read_bytes()
    out = tmp_path / "elsewhere" / "cover.html"
    result = runner.invoke(main, ["build", str(mini_project), "--format", "html", "-o", out])
    assert result.exit_code == 1, result.output
    assert "templates/cover.html: the output would overwrite a source" in result.stderr
    assert template.read_bytes() == before
    result = runner.invoke(
        main, ["build", str(mini_project), "-o", tmp_path / "elsewhere" / "x.md"]
    )
    assert result.exit_code == 2 and "writes .pdf or .html, not .md" in result.output


def test_dash_o_that_is_a_link_is_refused(
    mini_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    victim = tmp_path / "victim.html"
    victim.write_text("keep me", "utf-8")
    link = tmp_path / "out.html"
    link.symlink_to(victim)
    result = runner.invoke(main, ["build", str(mini_project), "--format", "html", "-o", link])
    assert result.exit_code == 1, result.output
    assert f"{link}: the output {link} is a link (to {victim})" in result.stderr
    assert victim.read_text("utf-8") == "keep me" and link.is_symlink()


def test_a_long_legal_output_name_is_written(
    mini_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """246 characters and `.pdf`: legal, but `.NAME.XXXXXXXX.tmp` went over 255 bytes."""
    name = "a" * 246 + ".html"
    assert len(name.encode()) == 251 <= MAX_NAME_BYTES
    out = tmp_path / name
    result = runner.invoke(main, ["build", str(mini_project), "--format", "html", "-o", out])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("name", ["a" * 255, "é" * 127, "report.pdf", "\U0001f600" * 63])
def test_temporary_names_fit_in_a_file_name(name: str) -> None:
    prefix = temporary_prefix(name)
    assert len(prefix.encode()) + 8 + len(".tmp") <= MAX_NAME_BYTES
    assert prefix.startswith(".") and prefix.endswith(".")


def test_a_project_folder_whose_name_is_not_utf8_is_refused_clearly(
    mini_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """Every image in it was "outside the project" and dropped, exit 0."""
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))
    mini_project.rename(odd)
    out = tmp_path / "out.html"
    result = runner.invoke(main, ["build", str(odd), "--format", "html", "-o", out])
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("project: the project folder") and "is not valid UTF-8" in line
    assert "\\udce9" in line  # the undecodable byte, shown escaped
    assert not out.exists()
