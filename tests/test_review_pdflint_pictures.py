"""A picture that will look blurred is named by the author's file and the chapter line that
shows it, and, when `--max-size` lightened it, said to be lightened from its own pixels,
not reported as the lightened copy's (trial 7 #26)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from conftest import copy_fixture
from reportbuilder import Edition, build

CHAPTER = """# Only chapter

![A field](assets/field.jpg)

Between the two pictures.

![A river](assets/river.jpg)
"""


def _noise(path: Path, width: int, height: int) -> None:
    """A picture no compression can make light: random pixels."""
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(path, quality=90)


@pytest.mark.pdf
def test_a_lightened_picture_is_named_by_its_file_and_line(tmp_path: Path) -> None:
    """Two photos of the same proportions, lightened to fit 150 KB: each warning named
    "an image of 297×198 pixels" (the lightened copy), at the chapter without a line, and
    asked for a picture "at least 635 pixels wide" when the author's had 1500. Now each names
    its file, its line, its own pixels and what lightened it."""
    project = copy_fixture("tiny", tmp_path / "tiny")
    _noise(project / "assets" / "field.jpg", 1500, 1000)
    _noise(project / "assets" / "river.jpg", 1200, 800)
    (project / "content" / "01-only.md").write_text(CHAPTER, encoding="utf-8")
    result = build(project, Edition(max_size=150_000), output=tmp_path / "out.pdf")
    (output,) = result.outputs
    assert output.images, "the images were lightened"
    blurred = [(w.path, w.line, w.message) for w in result.warnings if "blurred" in w.message]
    assert [(path, line) for path, line, _ in blurred] == [
        ("content/01-only.md", 3),
        ("content/01-only.md", 7),
    ], blurred
    field, river = (message for _, _, message in blurred)
    assert "assets/field.jpg (1500×1000 pixels) was lightened to " in field, field
    assert "assets/river.jpg (1200×800 pixels) was lightened to " in river, river
    for message in (field, river):
        assert "to fit max_size" in message and "raise max_size" in message
        assert "an image of" not in message and "pixels wide" not in message
