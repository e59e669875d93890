"""Two builds racing to one output path: the file left behind is always one whole PDF.

Two projects that differ only in their title (so their PDFs differ) are first built alone to
learn the bytes each should produce (with SOURCE_DATE_EPOCH the output is reproducible). Then
ten times, both are started together with the same `-o` path; after each pair, both have
succeeded, the file passes `qpdf --check`, it is byte for byte one of the two intended PDFs,
and no temporary file is left beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parent / "hostile" / "base"
PAIRS = 10
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1772323200", "PYTHONDONTWRITEBYTECODE": "1"}


def _project(dest: Path, title: str) -> Path:
    shutil.copytree(BASE, dest)
    config = dest / "report.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("title: Hostile Corpus Base", f"title: {title}"), "utf-8")
    return dest


def _command(project: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "reportbuilder", "build", str(project), "-o", str(out)]


def _build(project: Path, out: Path) -> bytes:
    done = subprocess.run(_command(project, out), env=ENV, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return out.read_bytes()


@pytest.mark.slow
def test_simultaneous_builds_leave_one_whole_pdf(tmp_path: Path) -> None:
    projects = [
        _project(tmp_path / "a", "Concurrent Report Alpha"),
        _project(tmp_path / "b", "Concurrent Report Beta, a longer title"),
    ]
    intended = [_build(p, tmp_path / f"alone-{p.name}.pdf") for p in projects]
    assert intended[0] != intended[1]

    out_dir = tmp_path / "shared"
    out_dir.mkdir()
    target = out_dir / "report.pdf"
    for pair in range(PAIRS):
        order = projects if pair % 2 == 0 else projects[::-1]
        procs = [
            subprocess.Popen(
                _command(p, target), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for p in order
        ]
        results = [proc.communicate(timeout=120) for proc in procs]
        for proc, (_, err) in zip(procs, results, strict=True):
            assert proc.returncode == 0, f"pair {pair}: {err.decode()}"
            assert b"Traceback" not in err
        check = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, timeout=60)
        assert check.returncode == 0, f"pair {pair}: {check.stdout.decode()}{check.stderr.decode()}"
        data = target.read_bytes()
        assert data in intended, f"pair {pair}: the output is neither build's PDF"
        leftovers = sorted(p.name for p in out_dir.iterdir() if p.name != target.name)
        assert leftovers == [], f"pair {pair}: left behind {leftovers}"
