"""A key figure that is a change ("−5,5 %" from one year to the next) was refused: "'value'
must not be negative" (trial 8 #37). It is read; a figure used as a whole (`of:`, `base:`)
still may not be negative."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import one_chapter_project
from reportbuilder import ReportError, check, load_project, render_html


def _project(tmp_path: Path, data: str) -> Path:
    project = one_chapter_project(
        tmp_path / "p", "Change", "# Change\n\n{{ keyfigures(data.k.change) }}\n"
    )
    (project / "data" / "k.yml").write_text(data, encoding="utf-8")
    return project


def test_a_change_is_a_key_figure(tmp_path: Path) -> None:
    project = _project(tmp_path, "change: {value: -5.5, unit: '%', label: over a year}\n")
    html = render_html(load_project(project)).text
    assert "\u22125.5%" in html and "over a year" in html


def test_a_whole_that_is_negative_is_refused_where_it_is_used(tmp_path: Path) -> None:
    data = "all: {value: -10}\nchange: {value: 2, of: all}\n"
    with pytest.raises(ReportError) as refused:
        check(_project(tmp_path, data))
    assert [str(p) for p in refused.value.problems] == [
        "data/k.yml:2: key figure 'change': 'of' refers to 'all', which is negative (-10): a "
        "total is never less than nothing"
    ]
