"""A line of nothing but template tags leaves nothing; a tag that ends a line of text keeps
the line break after it (trial 7 #1). Built through the CLI and read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.compose.tag_lines import without_tag_lines
from test_numbers_trust import build

pytestmark = pytest.mark.pdf


def test_a_tag_ending_a_line_of_text_keeps_the_line_break(tmp_path: Path) -> None:
    """`trim_blocks` dropped the break after every tag: the heading under "Alpha line{% if
    true %} plus{% endif %}" was glued to it, a list's first item became prose, two
    sentences ran together."""
    content = (
        "Alpha line{% if true %} plus{% endif %}\n"
        "## Kept heading TL1\n\n"
        "Beta {% set y = 3 %}\n"
        "- item one TL2\n"
        "- item two\n\n"
        "Gamma {{ 1 }}{% if false %}never{% endif %}\n"
        "Delta next line TL3.\n\n"
        "| region | people |\n|---|---|\n"
        "{% for name in ['North', 'South'] %}\n"
        "  {% if name %}\n"
        "| {{ name }} | {{ loop.index }} |\n"
        "  {% endif %}\n"
        "{% endfor %}\n"
        "{## a note to the team ##}\n"
        "After the table TL4.\n"
    )
    code, output, text = build(tmp_path, content, {})
    assert code == 0, output
    assert "Alpha line plus\nKept heading TL1" in text
    assert "## Kept" not in text
    assert "- item one" not in text and "item one TL2\nitem two" in text
    assert text.count("•") == 2  # both items are list items
    assert "Gamma 1 Delta next line TL3." in text  # one paragraph, a space between the lines
    assert "region people\nNorth 1\nSouth 2\nAfter the table TL4." in text


def test_line_numbers_stay_true_after_tag_lines() -> None:
    source = "a\n{% if x %}\n  {% for y in z %}\nb\n{% endfor %}{% endif %}\n{{ oops( }}\n"
    moved = without_tag_lines(source)
    assert moved.count("\n") == source.count("\n")
    assert moved.splitlines()[-1].endswith("{{ oops( }}")


def test_raw_sections_are_left_as_written() -> None:
    source = "{% raw %}\n{% if x %}\n  {% endif %}\n{% endraw %}\ntext\n"
    moved = without_tag_lines(source)
    assert "{% if x %}\n  {% endif %}\n" in moved
