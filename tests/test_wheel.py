"""The wheel, on a fresh machine: clone the committed HEAD, build a wheel, install it into a new
virtual environment, then `reportbuilder init` and `build` in an unrelated folder.

Uncommitted changes are not in a clone: that is the point (a file that is not committed, or
not listed in the package data, is missing from the wheel and this test fails).

The dependencies are not downloaded again (that took ~60 s of the suite's 3 minutes): the new
environment sees exactly the distributions the wheel's `Requires-Dist` asks for, followed
through their own requirements, linked from the test environment into a folder of their own,
in the versions the wheel allows. A module the package imports without declaring it is not
there, so the build fails as it would on a user's machine; what this no longer checks is that
the newest versions the ranges allow still install together from the package index.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pypdf
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import SUBSET_PREFIX, pdf_fonts

HERE = Path(__file__).resolve().parent


def run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def wheel_requirements(wheel: Path) -> list[Requirement]:
    """The `Requires-Dist` of a wheel, read from its METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        fields = Parser().parsestr(archive.read(name).decode("utf-8"))
    return [Requirement(line) for line in fields.get_all("Requires-Dist") or []]


def installed_closure(requirements: list[Requirement]) -> list[metadata.Distribution]:
    """The installed distributions that `requirements` need (without extras of the wheel
    itself), followed through their own requirements; each version checked against every
    requirement that names it."""
    found: dict[str, metadata.Distribution] = {}
    todo = [(req, "") for req in requirements]
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(req.name)
        dist = found.get(name)
        if dist is None:
            try:
                dist = metadata.distribution(req.name)
            except metadata.PackageNotFoundError:
                pytest.fail(f"{req} is required but not installed in the test environment")
            found[name] = dist
            todo += [(Requirement(line), "") for line in dist.requires or []]
        assert req.specifier.contains(dist.version, prereleases=True), (str(req), dist.version)
        for wanted in req.extras:
            todo += [(Requirement(line), wanted) for line in dist.requires or []]
    return list(found.values())


def link_distributions(dists: list[metadata.Distribution], folder: Path) -> None:
    """Symbolic links in `folder` to each distribution's top-level modules, packages, data
    folders and .dist-info (from its RECORD), so that an environment whose path holds `folder`
    imports these distributions and no other."""
    folder.mkdir()
    for dist in dists:
        assert dist.files is not None, f"{dist.metadata['Name']} has no RECORD"
        tops = {f.parts[0] for f in dist.files if f.parts[0] not in ("..", "__pycache__")}
        for top in tops:
            source = Path(str(dist.locate_file(top)))
            if source.exists() and not (folder / top).exists():
                (folder / top).symlink_to(source)


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
    run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    bin_dir = venv / "bin"
    deps = tmp_path / "deps"
    link_distributions(installed_closure(wheel_requirements(wheel)), deps)
    [site] = venv.glob("lib/python*/site-packages")
    (site / "deps.pth").write_text(f"{deps}\n", encoding="utf-8")  # after site-packages
    # The test environment's pip installs into the new one (which has none of its own).
    pip = [sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--quiet"]
    run([*pip, "--no-deps", "--no-index", wheel], tmp_path, env)

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
