"""Trial 8 #5: a list item's paragraph whose first line held its words exactly, with only
the space before an inline `<code>` past the edge, was set "Py-" alone on its first line and
"thon-Markdown defaults …" below (and "To" alone in another). The space hangs: the line
holds its words, the code starts the next line, as in the same paragraph outside a list."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import one_chapter_project
from reportbuilder import Edition, build

# From Python-Markdown's docs/index.md, where the trial met it: in an item on A4, the words
# up to "In other words," fill the line to within the width of the space after them.
PARAGRAPH = (
    "Python-Markdown defaults to ignoring middle-word emphasis (and strong\n"
    "emphasis). In other words, `some_long_filename.txt` will not become\n"
    "`some<em>long</em>filename.txt`. This can be switched off if desired.\n"
)


@pytest.mark.pdf
def test_no_line_is_one_syllable_when_its_words_fit(tmp_path: Path) -> None:
    item = "".join(f"    {line}\n" for line in PARAGRAPH.splitlines())
    chapter = f"# Hyphen\n\n* __Middle-Word Emphasis__\n\n{item}\n{PARAGRAPH}"
    root = one_chapter_project(tmp_path / "p", "Hyphen", chapter)
    out = tmp_path / "hyphen.pdf"
    build(root, Edition(), output=out)
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "3", "-l", "3", str(out), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    starts = [line for line in lines if line.startswith(("Py", "thon-"))]
    assert starts == [
        "Python-Markdown defaults to ignoring middle-word emphasis (and strong emphasis). "
        "In other words,",
        "Python-Markdown defaults to ignoring middle-word emphasis (and strong emphasis). In other",
    ], lines
    assert lines[lines.index(starts[0]) + 1].startswith("some_long_filename.txt will not")
