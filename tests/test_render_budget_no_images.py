"""`--max-size` under a PDF of text alone: it said "even with images at 45 dpi, JPEG quality
25 …; it has no images to lighten" — images lightened, then none (trial 8 #11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main


@pytest.mark.pdf
def test_a_report_of_text_alone_over_its_budget_says_nothing_of_lightened_images(
    tmp_path: Path,
) -> None:
    project = one_chapter_project(tmp_path / "p", "Text", "# Text\n\nWords only.\n")
    out = project / "out" / "small.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "--max-size", "5KB", "-o", str(out)])
    assert result.exit_code == 1, result.output
    said = [line for line in result.output.splitlines() if "over the budget" in line]
    assert len(said) == 1, result.output
    assert "no images to lighten: fonts and text take it all" in said[0]
    assert "dpi" not in said[0] and "even with" not in said[0]
    assert not out.exists()
