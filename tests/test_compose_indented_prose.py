"""A paragraph pasted from a word processor with its first-line tab prints as a code block
(CommonMark's rule): said at its line, code and fenced blocks never questioned."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.compose.indented_prose import reads_like_prose
from test_numbers_trust import build

pytestmark = pytest.mark.pdf


@pytest.mark.parametrize(
    "block",
    [
        "    Second paragraph indented by a tab as Word does when pasting text.",
        "    Les ménages interrogés en 2026 déclarent une hausse nette de leurs dépenses,\n"
        "    surtout pour le logement.",
        "    El estudio muestra que la mayoría de los hogares ahorra menos que antes.",
    ],
)
def test_sentences_read_as_prose(block: str) -> None:
    assert reads_like_prose(block)


@pytest.mark.parametrize(
    "block",
    [
        "    pip install reportbuilder",
        '    Traceback (most recent call last):\n      File "x.py", line 1, in <module>',
        "    for row in data.rows: print(row['name'], row['value'])",
        "    SELECT name, value FROM households WHERE year = 2026 ORDER BY name;",
        "    Usage: reportbuilder build [OPTIONS] [PROJECT] --lang all --jobs two.",
        "    total = sum(values) / len(values) if values else None  # the mean",
        "    the lower-case start of program output that goes on for many words here.",
        "    A short indented line.",
    ],
)
def test_code_and_output_do_not(block: str) -> None:
    assert not reads_like_prose(block)


def test_a_tab_indented_paragraph_is_said_at_its_line(tmp_path: Path) -> None:
    """Trial 6 #41: the paragraph printed in a grey monospace box with no word; now a
    warning at its line, the text still printed (as CommonMark reads it). A fenced block of
    the same words and indented code are not warned."""
    content = (
        "First paragraph.\n\n"
        "\tSecond paragraph indented by a tab as Word does when pasting, PASTED41.\n\n"
        "```\nA fenced block that reads like a sentence is code as the author said so.\n```\n\n"
        "    x = compute(rows)  # indented code INDENTED41\n"
    )
    code, output, text = build(tmp_path, content, {})
    assert code == 0, output
    warned = [line for line in output.splitlines() if "prints as a code block" in line]
    assert len(warned) == 1, output
    assert "content/01.md:5:" in warned[0]  # "# Figures", blank, first paragraph, blank
    assert "PASTED41" in text and "INDENTED41" in text
