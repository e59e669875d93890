"""The wheel, on a fresh machine: clone the committed HEAD, build a wheel, install it into a new
virtual environment, then `reportbuilder init` and `build` in an unrelated folder.

Uncommitted changes are not in a clone: that is the point (a file that is not committed, or
not listed in the package data, is missing from the wheel and this test fails). Dependencies
are installed from the package index configured for pip. Slow (~15–60 s), but it runs in the
default `make test` run.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from conftest import SUBSET_PREFIX, pdf_fonts

HERE = Path(__file__).resolve().parent


def run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


@pytest.mark.slow
def test_wheel_installs_and_builds_a_report_elsewhere(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    top = run(["git", "rev-parse", "--show-toplevel"], HERE, env).strip()
    repo = Path(top)
    assert (repo / "pyproject.toml").is_file()

    clone = tmp_path / "clone"
    run(["git", "clone", "--quiet", repo, clone], tmp_path, env)
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, clone], tmp_path, env)
    [wheel] = dist.glob("reportbuilder-*.whl")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], tmp_path, env)
    bin_dir = venv / "bin"
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], tmp_path, env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    located = run(
        [bin_dir / "python", "-c", "import reportbuilder; print(reportbuilder.__file__)"],
        elsewhere,
        env,
    )
    assert Path(located.strip()).is_relative_to(venv), "not the installed wheel"
    run([bin_dir / "reportbuilder", "init", "proj", "--lang", "en"], elsewhere, env)
    out = run([bin_dir / "reportbuilder", "build", "proj"], elsewhere, env)
    assert out.startswith("wrote ")

    [pdf] = (elsewhere / "proj" / "out").glob("*.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 4
    assert "Household survey 2026" in (reader.pages[0].extract_text() or "")
    families = {SUBSET_PREFIX.sub("", font["name"]) for font in pdf_fonts(reader)}
    # The theme's fonts come from inside the wheel: Inter and Noto Serif, embedded.
    assert any(name.startswith("Inter") for name in families), families
    assert any(name.startswith("Noto") for name in families), families
