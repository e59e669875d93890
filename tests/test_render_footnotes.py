"""Footnotes the layout cannot set under their chapter's pages (trial 5 #12): many calls
close together at a chapter's end left notes over; WeasyPrint set them under the next
chapter or the contact page, and dropped those after the last page, with exit 0."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from conftest import one_chapter_project
from reportbuilder import build
from reportbuilder.errors import RenderError, Severity


def _sources(count: int) -> str:
    calls = "".join(f"[^s{n}]" for n in range(1, count + 1))
    notes = "\n".join(
        f"[^s{n}]: Source {n}: Ministry of Social Development, national survey of households, "
        f"table {n}, accessed 2025. NOTE{n}END"
        for n in range(1, count + 1)
    )
    return f"# Sources\n\nThe figures come from many sources.{calls}\n\n{notes}\n"


@pytest.mark.pdf
def test_notes_that_do_not_fit_the_chapters_pages_are_an_error(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Notes", "# Start\n\nText.\n")
    (root / "content" / "02-sources.md").write_text(_sources(60), "utf-8")
    (root / "content" / "03-after.md").write_text("# After\n\nAnother chapter.\n", "utf-8")
    out = tmp_path / "notes.pdf"
    with pytest.raises(RenderError) as raised:
        build(root, output=out)
    [problem] = [p for p in raised.value.problems if "footnote" in p.message]
    assert problem.severity is Severity.ERROR
    assert problem.path == "content/02-sources.md"
    first = int(problem.message.split("reads “Source ")[1].split(":")[0])
    assert problem.line == 4 + first  # the first note not set under its chapter
    assert "set under the next chapter or page" in problem.message
    assert not out.exists()


@pytest.mark.pdf
def test_notes_that_fit_print_under_their_chapter(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Notes", _sources(12))
    out = tmp_path / "notes.pdf"
    result = build(root, output=out)
    assert not [p for p in result.warnings if "footnote" in p.message]
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert all(f"NOTE{n}END" in text for n in range(1, 13))
