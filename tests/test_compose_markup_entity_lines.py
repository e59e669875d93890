"""A link or image address written with character references (`href="&#106;avascript:…"`,
a way to slip past filters) is removed, and said at its line like any other: the decoded
address is nowhere in the chapter's text, so its warning had no line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main

CHAPTER = (
    "# Links\n\nText.\n\n"
    '<a href="&#106;avascript:alert(1)">one</a> and <a href="javascript:alert(2)">two</a>.\n\n'
    '<img src="&#x6A;avascript:x" alt="i">\n'
)


def test_an_entity_encoded_address_is_warned_at_its_line(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Links", CHAPTER)
    result = CliRunner().invoke(main, ["check", str(root)])
    said = [line for line in result.output.splitlines() if "removed" in line]
    assert said == [
        "warning: content/01.md:5: removed href='javascript:alert(1)' from <a> (links lead to "
        "http, https, mailto or an #anchor in the report)",
        "warning: content/01.md:5: removed href='javascript:alert(2)' from <a> (links lead to "
        "http, https, mailto or an #anchor in the report)",
        "warning: content/01.md:7: removed src='javascript:x' from <img> (only files of the "
        "project and http(s) addresses are read)",
    ]
