"""With the network on, a figure whose picture the layout cannot fetch (a host that does not
resolve, a private address, a failed download) printed its caption over nothing, exit 0, a
warning only (trial 8 #26) — the same loss that is an error with the network off. It is an
error at the figure's line now; a picture in a line of text stays a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main
from reportbuilder.render.figure_pictures import figure_pictures


def test_the_pictures_of_figures_are_found_resolved() -> None:
    html = (
        '<p><img src="inline.png"></p><figure class="x"><img alt="a" src="assets/a.png">'
        "<figcaption>A</figcaption></figure><figure><img src='https://h.example/b.png'></figure>"
    )
    assert figure_pictures(html, "file:///p/") == {
        "file:///p/assets/a.png",
        "https://h.example/b.png",
    }


def _project(tmp_path: Path, chapter: str) -> Path:
    project = one_chapter_project(tmp_path / "p", "Pictures", chapter)
    config = project / "report.yml"
    config.write_text(config.read_text() + "network:\n  allow: ['127.0.0.1']\n", encoding="utf-8")
    return project


@pytest.mark.pdf
def test_a_figure_whose_picture_the_layout_refuses_is_an_error_at_its_line(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, "# Pictures\n\nText.\n\n![A map](http://127.0.0.1:9/map.png)\n")
    out = project / "out" / "p.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out)])
    assert result.exit_code == 1, result.output
    said = [line for line in result.output.splitlines() if "127.0.0.1" in line]
    assert said and said[0].startswith("content/01.md:5: "), result.output
    assert said[0].endswith("the figure would print without its picture"), said
    assert not out.exists()


@pytest.mark.pdf
def test_a_picture_in_a_line_of_text_the_layout_refuses_stays_a_warning(
    tmp_path: Path,
) -> None:
    project = _project(
        tmp_path, "# Pictures\n\nA logo ![logo](http://127.0.0.1:9/logo.png) in a line.\n"
    )
    out = project / "out" / "p.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "content/01.md:3: " in result.output and "127.0.0.1" in result.output
    assert out.exists()
