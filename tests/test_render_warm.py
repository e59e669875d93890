"""A warm render process: stylesheets parsed once and reused, and read again when changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pypdf
import pytest

from conftest import page_texts
from reportbuilder import Edition, load_project, render_html
from reportbuilder.render import warm
from reportbuilder.render.renderer import RenderJob, render_in_process

pytestmark = pytest.mark.pdf


def test_warm_jobs_reuse_stylesheets_and_lay_out_alike(mini_project: Path, tmp_path: Path) -> None:
    import io

    project = load_project(mini_project)
    job = RenderJob.of(render_html(project, Edition()))
    cold = render_in_process(job)
    first = render_in_process(replace(job, warm=True))
    cached = dict(warm._state["sheets"])
    assert cached, "the theme's stylesheets were kept"
    second = render_in_process(replace(job, warm=True))
    assert warm._state["sheets"] == cached  # nothing parsed again
    texts = [page_texts(pypdf.PdfReader(io.BytesIO(p.data))) for p in (cold, first, second)]
    assert texts[0] == texts[1] == texts[2]
    assert cold.pages == first.pages == second.pages


def test_a_stylesheet_changed_on_disk_is_read_again(mini_project: Path) -> None:
    import io

    styles = mini_project / "styles"
    styles.mkdir()
    sheet = styles / "extra.css"
    sheet.write_text("h1 { margin-top: 0 }\n", encoding="utf-8")
    project = load_project(mini_project)
    job = replace(RenderJob.of(render_html(project, Edition())), warm=True)
    render_in_process(job)
    sheet.write_text(".cover { display: none }\n", encoding="utf-8")  # a different size
    hidden = render_in_process(job)
    text = page_texts(pypdf.PdfReader(io.BytesIO(hidden.data)))
    assert "Water Access Survey" not in text[0]
