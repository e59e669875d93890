"""`build --format html`: footnotes as a browser reader expects them, a numbered call and a
list of notes at the end of the chapter (trial 3 #21: each note's text ran inside the
sentence, "This is step 1Footnote for step 1: … . See the results")."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main
from reportbuilder.deliver.endnotes import browser_footnotes

CHAPTER = """# One

This is step 1[^a]. See the results[^b].

[^a]: Footnote for step 1: **bold**, <span>nested</span> and [a link](https://example.org).
[^b]: Second note.
"""


def test_the_html_output_lists_the_notes_at_the_chapter_end(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Notes", CHAPTER)
    second = "# Two\n\nMore[^c].\n\n[^c]: Third.\n"
    (root / "content" / "02.md").write_text(second, encoding="utf-8")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    sentence = re.search(r"<p>This is step 1.*?</p>", html)
    assert sentence is not None
    words = re.sub(r"<[^>]+>", "", sentence[0])
    assert words == "This is step 11. See the results2."  # calls only, no note text
    assert '<a href="#rb-fn-1">1</a>' in sentence[0]
    notes = re.findall(r'<ol class="rb-notes">(.*?)</ol>', html, re.DOTALL)
    assert len(notes) == 2  # one list a chapter
    first = re.sub(r"<[^>]+>", "", notes[0])
    assert first.startswith("Footnote for step 1: bold, nested and a link.")
    assert "Second note." in first and "Third." not in first
    assert 'id="rb-fn-3"' in notes[1] and "Third." in notes[1]
    assert 'class="footnote"' not in html
    # Each list is inside its chapter, before the next one starts.
    assert html.index("Second note.") < html.index('id="section-2"')  # 02.md's chapter


def test_an_unclosed_note_is_left_as_it_is() -> None:
    text = '<p>A<span class="footnote">never closed</p>'
    assert browser_footnotes(text) == text
