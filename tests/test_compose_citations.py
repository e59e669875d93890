"""compose/citations.py: `[@key]` formatted by citeproc-py from CSL-JSON; the file's text
escaped; unknown keys reported at their line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportbuilder import ComposeError, load_project, render_html
from reportbuilder.compose.citations import Citations

ITEM = {
    "id": "Rojas2025",
    "type": "report",
    "title": "Water <b>points</b> & wells",
    "author": [{"family": "Rojas", "given": "Ana"}],
    "issued": {"date-parts": [[2025]]},
    "publisher": "Example Water Trust",
}


def test_a_citation_and_its_reference_entry_escape_the_file_s_text() -> None:
    citations = Citations([ITEM], "en")
    assert citations.cite(["rojas2025"]) == '<span class="citation">(Rojas, 2025)</span>'
    (entry,) = citations.entries()
    assert entry == (
        "Rojas, A. (2025) <i>Water &lt;b&gt;points&lt;/b&gt; &amp; wells</i>. Example Water Trust."
    )
    assert citations.cite(["nobody"]) is None


def with_bibliography(project: Path, citation: str) -> Path:
    (project / "references.json").write_text(json.dumps([ITEM]))
    config = project / "report.yml"
    config.write_text(config.read_text() + "bibliography: references.json\n")
    chapter = project / "content" / "01-overview.md"
    chapter.write_text(chapter.read_text() + f"\nAs counted before {citation}.\n")
    return chapter


def test_the_references_follow_the_chapters(mini_project: Path) -> None:
    with_bibliography(mini_project, "[@rojas2025]")
    html = render_html(load_project(mini_project)).text
    assert 'As counted before <span class="citation">(Rojas, 2025)</span>.' in html
    assert '<section class="chapter references" id="references">' in html
    assert "<li>Rojas, A. (2025)" in html
    assert '<a href="#references">References</a>' in html


def test_an_unknown_key_is_an_error_at_its_line(mini_project: Path) -> None:
    chapter = with_bibliography(mini_project, "[@nobody2024]")
    line = len(chapter.read_text().splitlines())
    with pytest.raises(ComposeError) as raised:
        render_html(load_project(mini_project))
    assert [str(p) for p in raised.value.problems] == [
        f"content/01-overview.md:{line}: citation [@nobody2024]: not in the bibliography"
    ]


def test_a_citation_in_code_is_printed_as_typed(mini_project: Path) -> None:
    """Trial 6 #26: `[@key]` in a code span or a fenced block was replaced by "(Rojas, 2025)",
    and a key not in the bibliography inside code (a decorator, `[@staticmethod]`) failed
    the build. Code is printed as typed; the citation in the prose is still made."""
    chapter = with_bibliography(mini_project, "[@rojas2025]")
    chapter.write_text(
        chapter.read_text()
        + "\nWrite `[@rojas2025]` to cite.\n\n```\n[@staticmethod] and [@rojas2025]\n```\n\n"
        "    [@rojas2025] indented\n",
        encoding="utf-8",
    )
    html = render_html(load_project(mini_project)).text
    assert 'As counted before <span class="citation">(Rojas, 2025)</span>.' in html
    assert "Write <code>[@rojas2025]</code> to cite." in html
    assert "[@staticmethod] and [@rojas2025]\n</code></pre>" in html
    assert "[@rojas2025] indented" in html
    assert html.count("(Rojas, 2025)") == 1
