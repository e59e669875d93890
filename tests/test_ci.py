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
    assert "files" not in hook  # a commit of locale/de.po alone was never checked (trial 8 #40)
    left_out = re.compile(hook["exclude"])
    for source in ("content/01-intro.md", "report.yml", "locale/de.po", "references.bib",
                   "themes/house/styles/a.css"):  # fmt: skip
        assert not left_out.search(source), source
    assert left_out.search("out/report.pdf") and left_out.search(".reportbuilder/cache/x")


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


@pytest.mark.pdf  # runs the install step in bash
@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_the_workflow_installs_nothing_it_was_not_told_to(kind: str, tmp_path: Path) -> None:
    """It installed `reportbuilder==0.1.*` from PyPI, a name that is not this tool's there:
    the first run failed, and the day someone registers it, every project runs their code.
    Unset, the install step stops with what to write; set, it installs exactly that."""
    document = yaml.safe_load(ci_text(kind))
    if kind == "github":
        job = document["jobs"]["report"]
        (step,) = [s for s in job["steps"] if s.get("name") == "Install reportbuilder"]
        script, value = step["run"], job["env"]["REPORTBUILDER"]
    else:
        script = "\n".join(c for c in document["report"]["before_script"] if "REPORTBUILDER" in c)
        value = document["report"]["variables"]["REPORTBUILDER"]
    assert value == ""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    python = fake_bin / "python"  # records what pip would be asked to install
    python.write_text(f'#!/bin/sh\necho "$@" > {tmp_path / "asked"}\n', encoding="utf-8")
    python.chmod(0o755)
    env = {"PATH": f"{fake_bin}:/usr/bin:/bin", "REPORTBUILDER": ""}
    unset = subprocess.run(["bash", "-ec", script], env=env, capture_output=True, text=True)
    assert unset.returncode == 1 and "set REPORTBUILDER" in unset.stdout
    assert not (tmp_path / "asked").exists()
    env["REPORTBUILDER"] = "vendor/reportbuilder-0.1.0-py3-none-any.whl"
    subprocess.run(["bash", "-ec", script], env=env, check=True)
    assert (tmp_path / "asked").read_text().split() == [
        "-m", "pip", "install", "vendor/reportbuilder-0.1.0-py3-none-any.whl",
    ]  # fmt: skip


def test_init_writes_the_install_source_it_is_given(tmp_path: Path) -> None:
    spec = "git+https://git.example.org/tools/reportbuilder.git@4f2a9c0d"
    done = CliRunner().invoke(
        main, ["init", str(tmp_path / "r"), "--ci", "github", "--ci", "gitlab", "--install", spec]
    )
    assert done.exit_code == 0, done.output
    github = yaml.safe_load((tmp_path / "r/.github/workflows/report.yml").read_text("utf-8"))
    gitlab = yaml.safe_load((tmp_path / "r/.gitlab-ci.yml").read_text("utf-8"))
    assert github["jobs"]["report"]["env"]["REPORTBUILDER"] == spec
    assert gitlab["report"]["variables"]["REPORTBUILDER"] == spec
    assert "note: set REPORTBUILDER" not in done.output
    unset = CliRunner().invoke(main, ["init", str(tmp_path / "u"), "--ci", "github"])
    assert "note: set REPORTBUILDER in " in unset.stderr  # this test's install is editable


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (
            {"url": "https://git.example.org/rb.git",
             "vcs_info": {"vcs": "git", "commit_id": "4f2a9c0d"}},
            "git+https://git.example.org/rb.git@4f2a9c0d",
        ),
        (
            {"url": "https://files.example.org/reportbuilder-0.1.0-py3-none-any.whl",
             "archive_info": {"hashes": {"sha256": "ab12"}}},
            "https://files.example.org/reportbuilder-0.1.0-py3-none-any.whl#sha256=ab12",
        ),
        ({"url": "file:///home/ana/reportbuilder", "dir_info": {"editable": True}}, None),
        (None, None),  # from a package index: no direct_url.json
    ],
)  # fmt: skip
def test_the_install_source_is_this_installations_when_ci_can_reach_it(
    direct_url: dict[str, object] | None, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.metadata
    import json

    class Found:
        def read_text(self, name: str) -> str | None:
            return json.dumps(direct_url) if direct_url is not None else None

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Found())
    from reportbuilder.scaffold import install_source

    assert install_source() == expected
