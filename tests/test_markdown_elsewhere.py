"""Markdown written for other tools (CommonMark, GitHub, project READMEs) built into a PDF
and read back: it prints as those tools show it, or a warning names its line."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from conftest import Word, read_words
from reportbuilder.cli import main
from test_markdown_code import project_with

pytestmark = pytest.mark.pdf

CHAPTERS = {
    "01-numbers": """# Numbers

4. four
5. five

Para.

7. seven

003. three

Then:

10) ten
11) eleven

Zero:

0. zero
""",
}


@dataclass(frozen=True)
class Built:
    text: str  # pdftotext -layout, every page
    words: list[Word]
    stderr: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = project_with(tmp_path_factory.mktemp("elsewhere"), **CHAPTERS)
    pdf = project / "out" / "elsewhere.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return Built(layout, read_words(pdf)[1], result.stderr)


def lines_of(built: Built, first: str, last: str) -> list[str]:
    """The printed lines from the one holding `first` to the one holding `last`, stripped."""
    lines = [line.strip() for line in built.text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if first in line)
    end = next(i for i in range(start, len(lines)) if last in lines[i])
    return lines[start : end + 1]


def test_ordered_lists_keep_their_start_number(built: Built) -> None:
    """WeasyPrint ignores `<ol start>`: the start is set as the list-item counter (#12)."""
    assert lines_of(built, "four", "zero") == [
        "4. four",
        "5. five",
        "Para.",
        "7. seven",
        "8. three",  # one list with "7." (a blank line apart), as CommonMark reads it
        "Then:",
        "10. ten",
        "11. eleven",
        "Zero:",
        "0. zero",
    ]
