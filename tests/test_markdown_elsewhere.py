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
    "02-nesting": """# Nesting

1. First
   - Alpha bullet
     - Gamma deeper
       1. Delta deepest
   - Beta bullet

   Paragraph in item one.

       indented_code_in_item

2. Second
3) Third with paren

> - Quoted list
>   1. Inner sub-list

- Fenced
  ```
  fenced_code
  ```
- After fence

1. Item

  Outdented paragraph.

Steps right under a line:
- Zeta step
""",
    "03-raw": """# Raw

Kept <textarea>cols</textarea> text.

<style
type="text/css">

Swallowed paragraph.
""",
    "04-readme": """# Readme

[![PyPI][pypi-badge]][pypi-link] and ![Logo]

A plain letter.

[pypi-badge]: https://img.shields.io/pypi/v/markdown-it-py.svg
[pypi-link]: https://pypi.org/project/markdown-it-py
[logo]: https://example.org/logo.png
""",
    "05-escapes": """# Escapes

Written \\&ouml; and \\&amp;copy; but &ouml; here.
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


def x_of(built: Built, text: str) -> float:
    """Where the one word `text` starts on its line."""
    found = [w for w in built.words if w.text == text]
    assert len(found) == 1, (text, found)
    return found[0].x0


def test_two_and_three_space_indents_nest(built: Built) -> None:
    """CommonMark's content column (2 under "- ", 3 under "1. ") nests as 4 spaces do (#1):
    sub-lists, a paragraph and code stay in their item, the numbering goes on."""
    assert lines_of(built, "First", "Third")[0] == "1. First"
    assert "Second" in lines_of(built, "Second", "Second")[0]
    assert lines_of(built, "Second", "Third") == ["2. Second", "3. Third with paren"]
    first = x_of(built, "First")
    assert x_of(built, "Alpha") > first + 5  # a sub-list, not text of item 1
    assert x_of(built, "Gamma") > x_of(built, "Alpha") + 5
    assert x_of(built, "Delta") > x_of(built, "Gamma") + 5
    assert abs(x_of(built, "Beta") - x_of(built, "Alpha")) < 1  # back one level
    assert abs(x_of(built, "Paragraph") - first) < 1  # in the item, not after the list
    assert x_of(built, "indented_code_in_item") > first  # code in the item
    assert x_of(built, "Inner") > x_of(built, "Quoted") + 5  # nested inside the quote
    assert abs(x_of(built, "After") - x_of(built, "Fenced")) < 1  # an item, not text
    assert x_of(built, "fenced_code") > x_of(built, "Fenced") - 1
    assert lines_of(built, "Steps", "Zeta") == ["Steps right under a line:", "• Zeta step"]


def test_a_line_left_out_of_its_item_is_said(built: Built) -> None:
    """Indented, but less than the item's text: not in the item (CommonMark), and said."""
    assert "less than the text of the list item above (3)" in built.stderr
    assert x_of(built, "Outdented") < x_of(built, "Item")


def test_raw_html_that_swallows_the_rest_is_said_at_its_line(built: Built) -> None:
    """An unclosed `<style` takes in the rest of the chapter, as in a browser (#14): the
    warning names the line; a closed element is only the usual note."""
    assert "content/03-raw.md:5: <style> is never closed (no </style>)" in built.stderr
    assert "content/03-raw.md:3: removed <textarea> element (its text is kept)" in built.stderr
    assert "Kept cols text." in built.text


def test_render_warnings_for_reference_images_and_glyphs_have_a_line(built: Built) -> None:
    """The address of a reference-style image is at its `[label]: …` line (a character
    written as `&#xcab;`, #15: test_project_glyphs). A link's address is never fetched."""
    refused = "network access is off: refused https://img.shields.io/pypi/v/markdown-it-py.svg"
    assert f"content/04-readme.md:7: {refused}" in built.stderr
    logo = "network access is off: refused https://example.org/logo.png"
    assert f"content/04-readme.md:9: {logo}" in built.stderr
    assert "pypi.org" not in built.stderr
    assert "warning: render:" not in built.stderr  # every render warning has its place


def test_an_escaped_ampersand_starts_no_entity(built: Built) -> None:
    """CommonMark example 14: `\\&ouml;` prints "&ouml;" (#16)."""
    assert lines_of(built, "Written", "here") == ["Written &ouml; and &amp;copy; but ö here."]
