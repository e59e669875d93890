"""Two builds racing to one output path: the file left behind is always one whole PDF.

Two projects that differ only in their title (so their PDFs differ) are first built alone to
learn the bytes each should produce (with SOURCE_DATE_EPOCH the output is reproducible). Then
ten times, both are started together with the same `-o` path; after each pair, both have
succeeded, the file passes `qpdf --check`, it is byte for byte one of the two intended PDFs,
and no temporary file is left beside it.

Each build is a process of its own, forked from the warm command (`warm_cli.py`): the race is
between two processes writing one path, not between two interpreters importing WeasyPrint.
"""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from warm_cli import WarmCli

BASE = Path(__file__).resolve().parent / "hostile" / "base"
PAIRS = 10
EPOCH = {"SOURCE_DATE_EPOCH": "1772323200"}
LIMIT = 120  # seconds a build may take on a loaded machine


def _project(dest: Path, title: str) -> Path:
    shutil.copytree(BASE, dest)
    config = dest / "report.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("title: Hostile Corpus Base", f"title: {title}"), "utf-8")
    return dest


def _command(project: Path, out: Path) -> list[str]:
    return ["build", str(project), "-o", str(out)]


@pytest.mark.slow
def test_simultaneous_builds_leave_one_whole_pdf(
    tmp_path: Path, warm_cli: WarmCli, cli_env: dict[str, str]
) -> None:
    env = {**cli_env, **EPOCH}

    def build(project: Path, out: Path) -> tuple[int | None, str]:
        code, _, err, killed = warm_cli.run(_command(project, out), tmp_path, env, LIMIT)
        assert not killed, err
        return code, err

    projects = [
        _project(tmp_path / "a", "Concurrent Report Alpha"),
        _project(tmp_path / "b", "Concurrent Report Beta, a longer title"),
    ]
    intended = []
    for p in projects:
        code, err = build(p, tmp_path / f"alone-{p.name}.pdf")
        assert code == 0, err
        intended.append((tmp_path / f"alone-{p.name}.pdf").read_bytes())
    assert intended[0] != intended[1]

    out_dir = tmp_path / "shared"
    out_dir.mkdir()
    target = out_dir / "report.pdf"
    for pair in range(PAIRS):
        order = projects if pair % 2 == 0 else projects[::-1]
        with ThreadPoolExecutor(max_workers=2) as pool:  # both processes start together
            results = list(pool.map(lambda p: build(p, target), order))
        for code, err in results:
            assert code == 0, f"pair {pair}: {err}"
            assert "Traceback" not in err
        check = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, timeout=60)
        assert check.returncode == 0, f"pair {pair}: {check.stdout.decode()}{check.stderr.decode()}"
        data = target.read_bytes()
        assert data in intended, f"pair {pair}: the output is neither build's PDF"
        leftovers = sorted(p.name for p in out_dir.iterdir() if p.name != target.name)
        assert leftovers == [], f"pair {pair}: left behind {leftovers}"
