"""`themes list`, `themes show` and `build --explain-templates`, and the brief theme building
the example into a visibly different publication."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import ExampleBuild, copy_example
from reportbuilder.cli import main


def test_themes_list_shows_both_built_in_themes() -> None:
    result = CliRunner().invoke(main, ["themes", "list", "--json"])
    assert result.exit_code == 0, result.output
    themes = {t["name"]: t for t in json.loads(result.stdout)["themes"]}
    assert themes["base"]["parent"] is None and themes["base"]["builtin"]
    assert themes["brief"]["parent"] == "base"
    assert "policy brief" in themes["brief"]["description"]


def test_themes_show_gives_the_chain_files_words_and_brand() -> None:
    result = CliRunner().invoke(main, ["themes", "show", "brief", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["chain"] == ["brief", "base"]
    origins = {(f["name"], f["source"]) for f in shown["files"]}
    assert ("report.html", "brief") in origins and ("cover.html", "base") in origins
    assert ("30-brief.css", "brief") in origins and ("10-report.css", "base") in origins
    assert shown["languages"] == ["en", "es", "fr"]
    assert "--primary" in shown["brand"]


def test_an_unknown_theme_is_a_usage_error() -> None:
    """A wrong NAME on the command line: exit 2, not a "project:" problem (trial2 #35)."""
    result = CliRunner().invoke(main, ["themes", "show", "breif"])
    assert result.exit_code == 2
    assert "Error: Invalid value for 'NAME': theme 'breif' not found" in result.stderr
    assert "did you mean 'brief'?" in result.stderr and "project:" not in result.stderr
    as_json = CliRunner().invoke(main, ["themes", "show", "breif", "--json"])
    assert as_json.exit_code == 2
    assert "did you mean 'brief'?" in json.loads(as_json.stdout)["problems"][0]["message"]


@pytest.mark.pdf
def test_the_brief_builds_the_example_differently_and_explains_its_files(
    example_build: ExampleBuild, tmp_path: Path
) -> None:
    project = copy_example(tmp_path / "example")
    runner = CliRunner()
    report = example_build.pdf  # the example with its own theme, built once per session
    brief = tmp_path / "brief.pdf"
    result = runner.invoke(
        main,
        [
            "build",
            str(project),
            "--set",
            "theme=brief",
            "-o",
            str(brief),
            "--explain-templates",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    origins = {(t["name"], t["source"]) for t in doc["templates"]}
    assert ("report.html", "brief") in origins
    assert ("closing.html", "project") in origins  # the example's house layer still applies
    full, short = pypdf.PdfReader(report), pypdf.PdfReader(brief)
    assert len(short.pages) < len(full.pages) <= 10
    first = short.pages[0].extract_text()
    assert "La traite des personnes au Chili" in first and "Résumé" in first  # masthead + summary
    assert "Sommaire" not in "\n".join(p.extract_text() for p in short.pages)  # no contents page
    assert "Résumé" not in full.pages[0].extract_text()  # the report's first page is its cover
