"""Trial 8's minors (#37): another tool's name for a command says ours, `cache clear` of a
folder that is no project says so, `output: ~/x.pdf` is refused (it made a folder "~")."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main


@pytest.mark.parametrize(
    ("typed", "ours"),
    [("new", "init"), ("scaffold", "init"), ("render", "build"), ("validate", "check")],
)
def test_another_tool_s_command_name_points_to_ours(typed: str, ours: str) -> None:
    result = CliRunner().invoke(main, [typed, "x"])
    assert result.exit_code == 2
    assert f"No such command '{typed}'. Did you mean '{ours}'?" in result.output


def test_cache_clear_of_a_folder_that_is_no_project_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["cache", "clear", str(tmp_path)])
    assert result.exit_code == 2 and "has no report.yml: not a project" in result.output


def test_an_output_under_a_tilde_is_refused_at_its_line(mini_project: Path) -> None:
    config = mini_project / "report.yml"
    lines = [x for x in config.read_text().splitlines() if not x.startswith("output:")]
    config.write_text("\n".join([*lines, "output: ~/owned.pdf"]) + "\n", encoding="utf-8")
    line = len(lines) + 1
    result = CliRunner().invoke(main, ["check", str(mini_project)])
    assert result.exit_code == 1
    assert f"report.yml:{line}:" in result.output and "'~' is not your home folder" in result.output
    assert not (mini_project / "~").exists()
