"""CommonMark list indents and fences rewritten for Python-Markdown (`compose.list_indent`)."""

from __future__ import annotations

import pytest

from reportbuilder.compose.list_indent import normalise


def run(text: str) -> tuple[str, list[tuple[str, str]]]:
    notes: list[tuple[str, str]] = []
    return "\n".join(normalise(text.split("\n"), notes)), notes


@pytest.mark.parametrize(
    "text",
    [
        "- a\n    - b\n        - c\n- d",  # Python-Markdown's own 4-space nesting
        "1. a\n\n    para\n\n        code\n\n2. b",
        "-   a\n\n    para",
        "Text\n\n    indented code\n    - not a list",
        "```\n- a\n  - b\n   1. c\n```",  # a fence's lines are code
        "* * *\n- - -",  # thematic breaks, not items
        "> quote\n> more",
        # a paragraph's next lines stay as written (CommonMark spec examples 57, 94, 300, 320)
        "- foo\n***\n- bar",
        "- Foo\n---",
        "- Bar\n  ---\n  baz",
        "* a\n  > b\n  >\n* c",
    ],
)
def test_what_python_markdown_reads_as_commonmark_is_unchanged(text: str) -> None:
    assert run(text) == (text, [])


def test_contents_move_to_python_markdowns_levels() -> None:
    text = "1. a\n   - b\n     - c\n       1. d\n   - e\n\n   para\n\n       code\n2. f"
    expected = (
        "1. a\n    - b\n        - c\n            1. d\n    - e\n\n    para\n\n        code\n2. f"
    )
    assert run(text) == (expected, [])


def test_a_list_in_a_quote_nests() -> None:
    assert run("> - a\n>   1. b") == ("> - a\n>     1. b", [])


def test_a_fence_in_an_item_moves_with_it_and_a_long_closing_run_closes() -> None:
    text = "- a\n\n  ~~~\n  x\n    y\n  ~~~~~~\n- b"
    assert run(text)[0] == "- a\n\n    ~~~\n    x\n      y\n    ~~~\n\n- b"
    assert run("~~~~ ruby\nx\n~~~~~~~")[0] == "~~~~ ruby\nx\n~~~~"


def test_a_line_indented_short_of_its_item_is_noted() -> None:
    text, notes = run("1. a\n\n  b")
    assert text == "1. a\n\n  b"
    assert notes and "less than the text of the list item above (3)" in notes[0][0]
    assert notes[0][1] == "b"


def test_a_list_may_start_under_a_paragraph_line() -> None:
    """CommonMark: a bullet list, or a list numbered from 1, needs no blank line before it
    (Python-Markdown printed "Steps: - one - two" as one paragraph)."""
    assert run("Steps:\n- one\n- two")[0] == "Steps:\n\n- one\n- two"
    assert run("Steps:\n1) one")[0] == "Steps:\n\n1) one"
    assert run("In\n2026. A year")[0] == "In\n2026. A year"  # not from 1: the paragraph goes on
    assert run("| a |\n- b")[0] == "| a |\n- b"  # a table row is no paragraph
