"""An id a chapter gives twice is said at the second's line, in our words: WeasyPrint said
"render: Anchor defined twice: 'note'", with no file or line. The second is renamed, so
links keep going to the first and the renderer has nothing to say."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main
from reportbuilder.compose.anchors import Part, resolve

SOURCE = '# Notes\n\n<p id="note">One.</p>\n\n<p id="note">Two.</p>\n\nSee [the note](#note).\n'


def test_an_id_given_twice_is_warned_at_the_second_and_renamed() -> None:
    html = '<p id="note">One.</p><p id="note">Two.</p><a href="#note">the note</a>'
    (out,), problems, _ = resolve([Part("n", "content/01.md", SOURCE, html)])
    assert [str(p) for p in problems] == [
        "content/01.md:5: the id 'note' is given twice in this chapter (first at line 3): "
        "links to it go to the first; give this one its own id"
    ]
    assert '<p id="note">One.</p><p id="note-2">Two.</p><a href="#note">' in out


@pytest.mark.pdf
def test_the_renderer_no_longer_says_it_in_its_words(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Notes", SOURCE)
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    assert "content/01.md:5: the id 'note' is given twice" in result.output
    assert "Anchor defined twice" not in result.output
