"""`merge` refuses a figure whose picture is missing, as `build` does: no copy is made (or
sent) with a caption over an empty space."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf


@pytest.mark.parametrize("option", ["", "--full", "--dry-run"])
def test_a_figure_whose_picture_is_missing_fails_the_merge_at_its_line(
    tmp_path: Path, option: str
) -> None:
    """build stops at `01-overview.md:9: missing file`; merge warned and made the copy, and
    a dry run planned it."""
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "content" / "02-findings.md").unlink()
    chapter = project / "content" / "01-overview.md"
    chapter.write_text(chapter.read_text().replace("assets/pump.svg", "assets/gone.png"))
    people = tmp_path / "requesters.csv"
    people.write_text("name,email\nAna Pérez,ana@example.org\n", encoding="utf-8")
    out = tmp_path / "copies"
    args = ["merge", str(project), str(people), "-o", str(out), "--json"]
    result = CliRunner().invoke(main, args + ([option] if option else []))
    assert result.exit_code == 1
    built = CliRunner().invoke(main, ["build", str(project), "-o", str(tmp_path / "r.pdf")])
    assert built.exit_code == 1
    said = "content/01-overview.md:9: missing file assets/gone.png"
    assert said in built.output
    assert said in result.output or any(
        said in f"{p['path']}:{p['line']}: {p['message']}"
        for p in json.loads(result.stdout).get("problems", [])
    )
    assert not list(out.glob("*.pdf"))
