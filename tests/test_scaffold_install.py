"""`init --ci github --install reportbuilder` wrote the bare name into the workflow, which then
installed whatever a public index serves under that name, with the repository's token
(trial 8 #39): only a pinned source is written; a wheel not yet in the project is said."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main


@pytest.mark.parametrize(
    "spec", ["reportbuilder", "reportbuilder==0.1.0", "git+https://example.org/rb.git@main",
             "http://example.org/reportbuilder-0.1.0-py3-none-any.whl", "../rb.whl"]
)  # fmt: skip
def test_a_source_anyone_could_publish_or_change_is_refused(tmp_path: Path, spec: str) -> None:
    target = tmp_path / "r"
    done = CliRunner().invoke(main, ["init", str(target), "--ci", "github", "--install", spec])
    assert done.exit_code == 2, done.output
    assert "--install" in done.output and "Traceback" not in done.output
    assert not target.exists()


@pytest.mark.parametrize(
    "spec",
    [
        "git+https://example.org/rb.git@4f2a9c0d",
        "https://files.example.org/reportbuilder-0.1.0-py3-none-any.whl#sha256=ab12",
        "vendor/reportbuilder-0.1.0-py3-none-any.whl",
    ],
)
def test_a_pinned_source_is_written(tmp_path: Path, spec: str) -> None:
    target = tmp_path / "r"
    done = CliRunner().invoke(main, ["init", str(target), "--ci", "github", "--install", spec])
    assert done.exit_code == 0, done.output
    workflow = (target / ".github" / "workflows" / "report.yml").read_text(encoding="utf-8")
    assert f'REPORTBUILDER: "{spec}"' in workflow
    said = "note: add vendor/reportbuilder-0.1.0-py3-none-any.whl to the repository"
    assert (said in done.stderr) == spec.startswith("vendor/")
