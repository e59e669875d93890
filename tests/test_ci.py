"""`reportbuilder init --ci`: the GitHub and GitLab workflows and the pre-commit hook, checked
against the services' published schemas (vendored in check-jsonschema, so offline), and
their steps checked against the commands they call."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.scaffold import CI_FILES, ci_text

SCHEMAS = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}


@pytest.mark.pdf  # runs check-jsonschema in a subprocess
@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_workflow_passes_the_service_schema(kind: str, tmp_path: Path) -> None:
    path = tmp_path / CI_FILES[kind][1].rsplit("/", 1)[-1]
    path.write_text(ci_text(kind), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", SCHEMAS[kind], str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _commands(kind: str) -> str:
    document = yaml.safe_load(ci_text(kind))
    if kind == "github":
        steps = document["jobs"]["report"]["steps"]
        return "\n".join(step.get("run", "") for step in steps)
    job = document["report"]
    return "\n".join([*job["before_script"], *job["script"]])


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_workflow_checks_builds_compares_and_keeps_the_files(kind: str) -> None:
    commands = _commands(kind)
    assert "reportbuilder check . --strict --json" in commands
    assert "SOURCE_DATE_EPOCH" in commands
    assert "reportbuilder build . -o out/report.pdf --json" in commands
    assert "reportbuilder diff out/base.pdf out/report.pdf --visual out/diff" in commands
    assert "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in commands
    text = ci_text(kind)
    assert "out/" in text and ("upload-artifact" in text or "artifacts:" in text)
    # Every option the workflow passes exists: --help of each command names it.
    for command, options in {
        "check": ["--strict", "--json"],
        "build": ["-o", "--json"],
        "diff": ["--visual"],
    }.items():
        result = CliRunner().invoke(main, [command, "--help"])
        for option in options:
            assert option in result.output, (command, option)


def test_pre_commit_hook_runs_check_on_project_files() -> None:
    [hook] = yaml.safe_load(ci_text("pre-commit"))["repos"][0]["hooks"]
    assert hook["entry"] == "reportbuilder check ."
    assert hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.search("content/01-intro.md") and pattern.search("report.yml")
    assert not pattern.search("out/report.pdf")


def test_init_writes_the_files_and_adds_them_to_an_existing_project(tmp_path: Path) -> None:
    runner = CliRunner()
    project = tmp_path / "report"
    done = runner.invoke(main, ["init", str(project), "--ci", "github"])
    assert done.exit_code == 0, done.output
    assert (project / ".github/workflows/report.yml").read_text(encoding="utf-8") == ci_text(
        "github"
    )
    added = runner.invoke(main, ["init", str(project), "--ci", "gitlab", "--ci", "pre-commit"])
    assert added.exit_code == 0, added.output
    assert (project / ".gitlab-ci.yml").is_file() and (
        project / ".pre-commit-config.yaml"
    ).is_file()
    again = runner.invoke(main, ["init", str(project), "--ci", "github"])
    assert again.exit_code == 1
    assert ".github/workflows/report.yml: exists already; not replaced" in again.output
    # Not a project: init refuses a non-empty folder as before.
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("x", encoding="utf-8")
    refused = runner.invoke(main, ["init", str(other), "--ci", "github"])
    assert refused.exit_code == 2
