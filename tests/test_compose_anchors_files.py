"""Links between chapter files, as GitHub wikis and MkDocs sites write them
(`[the method](02-method.md#sampling)`, `[x](./02-method.md)`), were removed with a warning
though both files are in the report (trial 8 #34): they lead to that chapter or its heading
now; a file that is no chapter is still removed, with a warning at its line."""

from __future__ import annotations

from pathlib import Path

from conftest import one_chapter_project
from reportbuilder import check, load_project, render_html


def _project(tmp_path: Path, first: str) -> Path:
    project = one_chapter_project(tmp_path / "p", "Files", first)
    (project / "content" / "01.md").rename(project / "content" / "01-intro.md")
    (project / "content" / "02-method.md").write_text(
        "# Method\n\n## Sampling frame\n\nText.\n", encoding="utf-8"
    )
    return project


def test_a_link_to_a_chapter_file_leads_to_that_chapter_or_its_heading(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        "# Intro\n\nSee [the method](02-method.md), [the frame](./02-method.md#sampling-frame) "
        "and [again](02-Method.md#Sampling-Frame).\n",
    )
    assert check(project).warnings == []
    html = render_html(load_project(project)).text
    assert '<a href="#method">the method</a>' in html
    assert '<a href="#method--sampling-frame">the frame</a>' in html
    assert '<a href="#method--sampling-frame">again</a>' in html
    assert ".md" not in html.split("<body", 1)[1]


def test_a_file_that_is_no_chapter_or_a_missing_heading_is_warned_at_its_line(
    tmp_path: Path,
) -> None:
    project = _project(
        tmp_path, "# Intro\n\nSee [notes](notes.md) and\n[nothing](02-method.md#nowhere).\n"
    )
    said = [str(w) for w in check(project).warnings]
    assert said == [
        "content/01-intro.md:3: link to 'notes.md': no chapter of the report is this file; the "
        "words print without a link",
        "content/01-intro.md:4: link to '02-method.md#nowhere': no heading of "
        "content/02-method.md has the id 'nowhere'; the words print without a link",
    ]
    html = render_html(load_project(project)).text
    assert "<a>notes</a>" in html and "<a>nothing</a>" in html
