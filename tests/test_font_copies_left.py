"""No `weasyprint-*` folder of font copies left in TMPDIR (trial 5: four of them, 2.8 MiB
each, left in /tmp by about half of the CI runs). WeasyPrint removes a font configuration's
folder when the configuration is collected; a laid-out document's reference cycles put that
off, and a process that ends before the next collection (killed, `os._exit`, a clean-up
that finds its modules gone at exit) left the folder behind. The tests that lay out with
WeasyPrint in their own process keep their copies in the session's folder (conftest)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pypdf
import pytest

from conftest import FONT_COPIES, copy_fixture, pdf_fonts
from reportbuilder.project.theme import THEMES_DIR

SCRIPT = textwrap.dedent(
    """
    import gc, os, sys
    from pathlib import Path
    gc.disable()  # as between two collections: the document's cycles hold its fonts
    from reportbuilder import Edition
    from reportbuilder.compose.html import render_html
    from reportbuilder.project.load import load_project
    from reportbuilder.render import stylecache
    from reportbuilder.render.renderer import RenderJob, render_in_process
    stylecache.author_sheets = lambda html, fetcher: None  # laid out without the cache
    job = RenderJob.of(render_html(load_project(Path(sys.argv[1])), Edition()))
    assert render_in_process(job).data.startswith(b"%PDF")
    print(sorted(n for n in os.listdir(os.environ["TMPDIR"]) if n.startswith("weasyprint")))
    os._exit(0)  # no collection, no clean-up at exit: as a killed process
    """
)


@pytest.mark.pdf
def test_a_layout_removes_its_font_copies_as_it_ends(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(project)],
        env={**os.environ, "TMPDIR": str(scratch)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # none while the process still ran
    assert not [p.name for p in scratch.iterdir() if p.name.startswith("weasyprint")]


def _top_level_copies() -> set[str]:
    folder = Path(tempfile.gettempdir())
    return {p.name for p in folder.iterdir() if p.name.startswith("weasyprint-")}


@pytest.mark.pdf
def test_a_layout_in_the_test_process_keeps_its_font_copies_in_the_sessions_folder() -> None:
    """A test that lays out here (the contents' leaders, the font merges, the charts) copies
    the fonts it registers into the session's folder, removed when the process ends however
    it ends, not into TMPDIR, where a worker ended early (pytest-xdist ends one that takes
    too long to stop) left the themes' copies behind: four `weasyprint-*` folders of 7 fonts
    after a full run."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    [session_folder] = FONT_COPIES
    before = _top_level_copies()
    config = FontConfiguration()
    fonts = (THEMES_DIR / "base" / "fonts" / "NotoSerif-Regular.ttf").as_uri()
    html = weasyprint.HTML(
        string='<p style="font-family: Copied">Copied</p>',
        base_url=str(THEMES_DIR),
    )
    css = weasyprint.CSS(
        string=f'@font-face {{ font-family: "Copied"; src: url({fonts}); }}', font_config=config
    )
    data = html.write_pdf(stylesheets=[css], font_config=config)
    names = [font["name"] for font in pdf_fonts(pypdf.PdfReader(io.BytesIO(data or b"")))]
    assert [name.split("+")[-1] for name in names] == ["Copied"]  # the copied face drew it
    folder = Path(config._folder)
    assert folder.parent == session_folder and len(list(folder.iterdir())) == 1
    assert _top_level_copies() <= before
