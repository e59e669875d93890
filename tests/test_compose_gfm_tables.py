"""A pipe table right under a paragraph line starts there, as on GitHub (`compose/gfm_tables.py`,
trial 4 #25: the table printed as one line of prose); nothing else gains a table."""

from __future__ import annotations

import pytest

from reportbuilder.compose.markup import make_markdown, to_html


def html(text: str) -> str:
    return to_html(text, make_markdown("en", lambda value, separator: value))


TABLE = (
    "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n"
    "</tbody>\n</table>"
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Text:\n| a |\n|---|\n| 1 |", f'<p class="lead-in">Text:</p>\n{TABLE}'),
        (
            "Title\n| a |\n|:-:|\n| 1 |",
            "<p>Title</p>\n"
            + TABLE.replace("<th>", '<th align="center">').replace("<td>", '<td align="center">'),
        ),
        ("Text | pipe\nmore", "<p>Text | pipe\nmore</p>"),  # no delimiter row: prose
        ("a | b\n|---|", "<p>a | b\n|—|</p>"),  # cells unlike the delimiter row's: prose
    ],
)
def test_a_table_may_follow_a_paragraph_line(source: str, expected: str) -> None:
    assert html(source) == expected


def test_code_keeps_its_pipes() -> None:
    fenced = html("```\nx:\n| a |\n|---|\n```")
    indented = html("    x:\n    | a |\n    |---|")
    assert "<table>" not in fenced + indented
    assert "x:\n| a |\n|---|\n</code>" in fenced and "x:\n| a |\n|---|\n</code>" in indented
