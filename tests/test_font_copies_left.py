"""No `weasyprint-*` folder of font copies left in TMPDIR (trial 5: four of them, 2.8 MiB
each, left in /tmp by about half of the CI runs). WeasyPrint removes a font configuration's
folder when the configuration is collected; a laid-out document's reference cycles put that
off, and a process that ends before the next collection (killed, `os._exit`, a clean-up
that finds its modules gone at exit) left the folder behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import copy_fixture

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
