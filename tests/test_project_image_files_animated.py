"""An animated picture (a GIF of several frames) prints its first frame only: `build` and
`check` say so at the line that shows it; a still GIF is said nothing of."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import one_chapter_project
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf

CHAPTER = "# Pumps\n\nThe pump at work:\n\n![The pump at work](assets/pump.gif)\n"


def gif(path: Path, frames: int) -> None:
    path.parent.mkdir(exist_ok=True)
    pictures = [Image.new("RGB", (60, 40), c) for c in ("white", "red", "blue")[:frames]]
    pictures[0].save(path, save_all=frames > 1, append_images=pictures[1:], duration=200)


@pytest.mark.parametrize("command", ["build", "check"])
def test_an_animated_gif_is_warned_at_its_line(tmp_path: Path, command: str) -> None:
    root = one_chapter_project(tmp_path / "p", "Pumps", CHAPTER)
    gif(root / "assets" / "pump.gif", 3)
    result = CliRunner().invoke(main, [command, str(root)])
    assert result.exit_code == 0, result.output
    assert (
        "content/01.md:5: image assets/pump.gif is animated (3 frames): the PDF shows its "
        "first frame only" in result.output
    )
    if command == "build":
        (pdf,) = (root / "out").glob("*.pdf")
        page = pypdf.PdfReader(pdf).pages[-1]
        assert "The pump at work" in page.extract_text()
        assert list(page.images)  # the first frame is printed


def test_a_still_gif_is_said_nothing_of(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Pumps", CHAPTER)
    gif(root / "assets" / "pump.gif", 1)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0
    assert "animated" not in result.output
