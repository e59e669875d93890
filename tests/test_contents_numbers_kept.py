"""Trial 5 #28: a contents entry whose title filled its last line put its page number alone
on the next line, after a line of dots (seen at B5). The number stays on the title's last
line, whatever the title's length; the dots run up to it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import one_chapter_project
from reportbuilder import Edition, build

WORDS = "regional distribution of identified victims across the twelve administrative areas"


@pytest.mark.pdf
def test_no_page_number_alone_on_a_contents_line(tmp_path: Path) -> None:
    # Titles one letter longer each: some fill their last line to the edge.
    base = " ".join((WORDS.split() * 3)[:18])
    headings = "\n\n".join(f"## {base} {'m' * n}\n\nText {n}." for n in range(1, 41))
    root = one_chapter_project(tmp_path / "p", "Numbers", f"# Numbers\n\n{headings}\n")
    out = tmp_path / "numbers.pdf"
    build(root, Edition(page_size="B5"), output=out)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    contents = text.split("Text 1.")[0]  # the contents pages, before the chapter
    lines = [line.strip() for line in contents.splitlines() if line.strip()]
    alone = [line for line in lines if re.fullmatch(r"[.\s]*\d+", line)]
    assert not alone, alone
    numbered = [line for line in lines if re.search(r"\D\s*\d+$", line)]
    numbered = [line for line in numbered if not line.startswith("Page ")]
    assert len(numbered) == 41  # the chapter and its 40 sections, each with its number
    # Dots reach the number (one space at most between); a title that fills its last line
    # has no room for dots, its number still on that line.
    gaps = [line for line in numbered if "..." in line and not re.search(r"\.\s?\d+$", line)]
    assert not gaps, gaps
