"""The error for notes that do not fit their chapter's pages speaks of one note in the
singular ("a footnote … does not fit", not "do not fit") and says where the note went: a
note carried past the chapter's last line at the end of the report is set on a page of
notes alone, with no page number — not "under the next chapter"."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import one_chapter_project
from reportbuilder import build
from reportbuilder.errors import RenderError

pytestmark = pytest.mark.pdf

FILL = (
    "The survey reached households in every region, and the answers were weighed by age, "
    "sex and region so that the figures speak for the whole population. "
)
NOTE = " ".join(["The note says where the figure comes from and how it was counted."] * 14)


def _chapter(sentences: int) -> str:
    paragraphs = [FILL * 4] * (sentences // 4) + [FILL * (sentences % 4)]
    return (
        "# Start\n\n"
        + "\n\n".join(paragraphs)
        + "\n\nThe last figure comes from a survey.[^1] The end.\n\n"
        + f"[^1]: NOTESTART {NOTE} NOTEEND\n"
    )


def test_one_note_after_the_last_page_is_told_in_the_singular(tmp_path: Path) -> None:
    """The call is moved down a sentence at a time until its note no longer fits under it
    (it does within a page's worth of text)."""
    for sentences in range(24, 64, 3):
        root = one_chapter_project(tmp_path / f"p{sentences}", "Notes", _chapter(sentences))
        try:
            build(root, output=root / "out.pdf")
        except RenderError as error:
            [problem] = error.problems
            break
    else:
        pytest.fail("the note always fitted under its call")
    assert problem.path == "content/01.md"
    assert problem.line == _chapter(sentences).count("\n")  # the note's line
    assert problem.message == (
        "a footnote of this chapter does not fit on its pages (set on a page of notes "
        "alone, with no page number): the one that reads “NOTESTART "
        "The note says where the figure comes from and how…”"
    )
