"""`check` of the example stays light: what it must not import (issue 13, `check` ≤ 0.5 s).

Not a timing test: the modules left in `sys.modules` when the command ends, in a process of
its own, against lists. Most of `check`'s time is importing; each module named here cost a
measured share of it once (bench/README.md, "check, sixth session"), and an import added at
the top of a module `check` reads brings it back without any test failing otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_example

# Never, even on a first run with nothing kept: the render side, and what only a build or
# another command needs.
pytestmark = pytest.mark.pdf  # runs the command in processes of its own

NEVER = (
    "weasyprint",
    "pydyf",
    "PIL",
    "fontTools",
    "pypdf",
    "pikepdf",
    "pypdfium2",
    "openpyxl",
    "vobject",
    "nameparser",  # a contact's vCard name: `mail` and the vCard, not `check`
    "multiprocessing",  # the render process and `--jobs`
    "concurrent.futures.process",
    # email, zipfile, csv, socket …: pydantic's plugin loader (plugins are off), Markdown's
    # look-up of extensions by name, the compose memo's versions (cli, compose.markup, memo)
    "importlib.metadata",
    "subprocess",  # ctypes.util, for the system's fonts only (project.fonts)
)
# Not on a second run, when the compose memo holds the chapters' Markdown: converting is
# what needs these.
NOT_WHEN_KEPT = ("pymdownx", "pygments")

SCRIPT = """
import atexit, sys
out, project = sys.argv[1:3]
sys.argv = ["reportbuilder", "check", project]
atexit.register(lambda: open(out, "w").write("\\n".join(sorted(sys.modules))))
from reportbuilder.cli import run
run()
"""


def _imported(project: Path, out: Path, env: dict[str, str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(out), str(project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no problems found" in done.stdout
    return set(out.read_text().split())


def _among(names: tuple[str, ...], modules: set[str]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], set[str]]:
    """The modules of a first `check` of the example (a new user cache folder: nothing
    kept) and of a second."""
    tmp = tmp_path_factory.mktemp("check-imports")
    project = copy_example(tmp / "example")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)  # as a user has it: the command sets it
    first = _imported(project, tmp / "first.txt", env)
    second = _imported(project, tmp / "second.txt", env)
    return first, second


def test_a_first_check_imports_nothing_of_the_build(runs: tuple[set[str], set[str]]) -> None:
    first, second = runs
    assert _among(NEVER, first) == []
    assert _among(NEVER, second) == []


def test_a_second_check_converts_no_markdown(runs: tuple[set[str], set[str]]) -> None:
    first, second = runs
    assert "pymdownx" in first  # the first run converted the chapters: the list is alive
    assert _among(NOT_WHEN_KEPT, second) == []


def test_the_modules_check_needs_are_there(runs: tuple[set[str], set[str]]) -> None:
    """The lists above mean something only if `check` did its work in that process."""
    _, second = runs
    for needed in ("pydantic", "jinja2", "markdown", "babel", "yaml", "phonenumbers"):
        assert needed in second
    assert "reportbuilder.generated" in second  # methods of dataclasses kept (cli.run)
