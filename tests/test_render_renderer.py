"""render.renderer: `PdfRenderer`, a warm child process that lays out one job after another.

Each test starts its own renderer and lays out a few small pages (`RenderJob`s of mini HTML):
many jobs in one process, a fresh process after a timeout or for another memory limit, no
process left after `close()`, and `RenderError`s of stage render.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest

from conftest import live_children
from reportbuilder.errors import Location, RenderError, Severity, Stage
from reportbuilder.limits import Limits
from reportbuilder.project.files import FilePolicy
from reportbuilder.render.renderer import PdfRenderer, RenderJob

pytestmark = pytest.mark.pdf

# About ten seconds of layout: far beyond the one-second limit it is given.
SLOW = "<p>" + "word " * 100_000 + "</p>"


def job(folder: Path, body: str, **extra: Any) -> RenderJob:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test</title>'
        f"</head><body>{body}</body></html>"
    )
    return RenderJob(text=html, base_url=folder.as_uri() + "/", files=FilePolicy(folder), **extra)


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_many_jobs_in_one_process(tmp_path: Path) -> None:
    missing = (tmp_path / "assets" / "gone.png").as_uri()
    with PdfRenderer() as renderer:
        pid = renderer.pid
        one = renderer.render(job(tmp_path, "<h1>First job</h1>"))
        two = renderer.render(
            job(tmp_path, '<p>Page one</p><p style="break-before: page">Page two</p>')
        )
        three = renderer.render(
            job(
                tmp_path,
                '<p>With a missing image</p><img src="assets/gone.png" alt="gone">',
                resources={missing: (Location("content/01-intro.md", 7),)},
            )
        )
        assert renderer.pid == pid and renderer.jobs == 3
    assert (one.pages, two.pages, three.pages) == (1, 2, 1)
    assert one.data.startswith(b"%PDF-") and "First job" in text_of(one.data)
    assert "Page two" in text_of(two.data)
    assert one.problems == () and two.problems == ()
    [warning] = three.problems
    assert (warning.path, warning.line) == ("content/01-intro.md", 7)
    assert (warning.stage, warning.severity) == (Stage.RENDER, Severity.WARNING)
    assert "assets/gone.png" in warning.message


def test_a_job_out_of_time_ends_the_process_and_the_next_gets_a_fresh_one(tmp_path: Path) -> None:
    with PdfRenderer() as renderer:
        first = renderer.pid
        assert first is not None
        with pytest.raises(RenderError) as raised:
            renderer.render(job(tmp_path, SLOW), Limits(timeout=1))
        [problem] = raised.value.problems
        assert str(problem) == "render: the layout took longer than the time limit of 1 s"
        assert (problem.stage, problem.setting) == (Stage.RENDER, "timeout")
        assert renderer.pid is None
        assert first not in live_children()  # killed, and reaped
        pdf = renderer.render(job(tmp_path, "<p>After the timeout</p>"))
        assert renderer.pid not in (None, first)
        assert "After the timeout" in text_of(pdf.data)


def test_another_memory_limit_starts_another_process(tmp_path: Path) -> None:
    with PdfRenderer(max_memory_mb=3072) as renderer:
        first = renderer.pid
        renderer.render(job(tmp_path, "<p>a</p>"), Limits(max_memory_mb=3072))
        assert renderer.pid == first
        renderer.render(job(tmp_path, "<p>b</p>"), Limits(max_memory_mb=2048))
        second = renderer.pid
        assert second not in (None, first) and first not in live_children()
        renderer.render(job(tmp_path, "<p>c</p>"), Limits(max_memory_mb=2048))
        assert renderer.pid == second


def test_a_refused_document_is_a_render_error_and_the_process_goes_on(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("attached\n", encoding="utf-8")
    with PdfRenderer() as renderer:
        pid = renderer.pid
        with pytest.raises(RenderError) as raised:
            renderer.render(job(tmp_path, '<link rel="attachment" href="notes.txt"><p>x</p>'))
        [problem] = raised.value.problems
        assert problem.stage is Stage.RENDER and problem.severity is Severity.ERROR
        assert problem.message.startswith("the PDF would carry active content: ")
        assert renderer.pid == pid  # the document was wrong, not the process
        assert renderer.render(job(tmp_path, "<p>next</p>")).pages == 1
        assert renderer.pid == pid


def test_close_leaves_no_process(tmp_path: Path) -> None:
    before = live_children()
    renderer = PdfRenderer()
    assert live_children() - before == {renderer.pid}
    renderer.render(job(tmp_path, "<p>a</p>"))
    renderer.close()
    assert renderer.pid is None
    assert live_children() == before
    renderer.close()  # twice is harmless
    with pytest.raises(RuntimeError, match="closed"):  # no process nothing would end
        renderer.render(job(tmp_path, "<p>b</p>"))
    assert renderer.pid is None and renderer.jobs == 1
    with PdfRenderer() as other:
        other.render(job(tmp_path, "<p>c</p>"))
    assert live_children() == before  # the context ends it too


def test_no_temporary_file_is_left_behind(
    tiny_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WeasyPrint copies @font-face fonts into a temporary folder that only its garbage
    # collection removes, which a process that is killed never reaches.
    import tempfile

    from reportbuilder import build

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with PdfRenderer() as renderer:
        build(tiny_project, renderer=renderer)
        assert any(scratch.iterdir())  # the fonts were copied while it ran
    assert list(scratch.iterdir()) == []


def test_a_file_size_limit_is_said_as_the_machines_limit(tmp_path: Path) -> None:
    """Under `ulimit -f 40` the font copies could not be written, and the build blamed the
    document: "the layout engine failed on this document: OSError: [Errno 27] File too
    large". It is the machine's limit, and said so."""
    import resource
    import shutil

    import reportbuilder

    font = Path(reportbuilder.__file__).parent / "themes" / "base" / "fonts" / "Inter-Regular.otf"
    shutil.copy(font, tmp_path / "Inter.otf")
    face = (
        "<style>@font-face { font-family: T; src: url(Inter.otf) } body { font-family: T }"
        "</style><p>Set in a font of the document.</p>"
    )
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (40 * 1024, limit[1]))
    try:
        renderer = PdfRenderer()  # its process inherits the limit
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
    with renderer, pytest.raises(RenderError) as failed:
        renderer.render(job(tmp_path, face))
    (problem,) = failed.value.problems
    assert problem.stage == Stage.OUTPUT
    assert problem.message == (
        "cannot write the layout's temporary files: a file is larger than the file size "
        "limit (`ulimit -f`)"
    )
