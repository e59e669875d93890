"""The publication lint: one project per rule, each problem at its file and line; the example,
the mini fixture and `init` projects raise none."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_example, copy_fixture
from reportbuilder import ComposeError, Edition, Severity, check
from reportbuilder.cli import main
from reportbuilder.compose.lint import contrast
from test_markdown_code import project_with


def _warnings(project: Path, edition: Edition | None = None) -> list[str]:
    return [str(p) for p in check(project, edition).problems if p.severity is Severity.WARNING]


def test_an_image_without_alt_text(tmp_path: Path) -> None:
    text = "# Photos\n\nText.\n\n![](assets/pump.svg)\n\n![A pump](assets/pump.svg)\n"
    project = project_with(tmp_path, **{"01-a": text})
    found = [w for w in _warnings(project) if "alt text" in w]
    assert found == [
        "content/01-a.md:5: image pump.svg has no alt text: write ![what it shows](pump.svg) "
        "so that screen readers and the PDF's tags can describe it"
    ]


def test_pdf_ua_refuses_an_image_without_alt_text(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01-a": "# Photos\n\nText.\n\n![](assets/pump.svg)\n"})
    with pytest.raises(ComposeError) as caught:
        check(project, Edition(pdf_variant="pdf/ua-1"))
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("content/01-a.md", 5)
    assert "no alt text" in problem.message


def test_a_skipped_heading_level(tmp_path: Path) -> None:
    project = project_with(
        tmp_path, **{"01-a": "# Results\n\nText.\n\n#### Detail\n\nMore.\n\n## Fine\n"}
    )
    found = [w for w in _warnings(project) if "skipped" in w]
    assert found == [
        "content/01-a.md:5: heading 'Detail' is level 4 right after level 1: level 2 is "
        "skipped, which breaks the outline and the tags"
    ]


def test_a_table_without_a_header_row(tmp_path: Path) -> None:
    text = (
        "# Tables\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "<table><tr><td>no</td><td>header</td></tr></table>\n"
    )
    project = project_with(tmp_path, **{"01-a": text})
    found = [w for w in _warnings(project) if "header row" in w]
    assert found == [
        "content/01-a.md:7: a table without a header row: give its first row <th> cells"
    ]


def test_a_link_without_text(tmp_path: Path) -> None:
    text = (
        "# Links\n\n## Method\n\nSee [](#method) and [the site](https://example.org).\n\n"
        "Or [](https://example.org/empty).\n"
    )
    project = project_with(tmp_path, **{"01-a": text})
    found = [w for w in _warnings(project) if "has no text" in w]
    assert found == [
        "content/01-a.md:7: a link to https://example.org/empty has no text: readers and "
        "screen readers see nothing"
    ]


def test_a_brand_colour_below_aa_contrast(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    config = project / "report.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('"#2e7d5e"', '"#8fc1a9"'), encoding="utf-8"
    )
    found = [w for w in _warnings(project) if "contrast" in w]
    assert len(found) == 1
    assert found[0].startswith("report.yml:16: brand colour secondary #8fc1a9 has a contrast")
    assert "below the 4.5:1" in found[0]


def test_strict_makes_lint_warnings_errors(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01-a": "# Photos\n\n![](assets/pump.svg)\n"})
    result = CliRunner().invoke(main, ["check", str(project), "--strict"])
    assert result.exit_code == 1
    assert "content/01-a.md:3: image pump.svg has no alt text" in result.output


def test_the_example_the_fixture_and_init_projects_are_clean(tmp_path: Path) -> None:
    example = copy_example(tmp_path / "example")
    assert _warnings(example) == []
    assert _warnings(copy_fixture("mini", tmp_path / "mini")) == []
    for lang in ("fr", "en", "es"):
        result = CliRunner().invoke(main, ["init", str(tmp_path / lang), "--lang", lang])
        assert result.exit_code == 0
        assert _warnings(tmp_path / lang) == []


def test_contrast_ratios() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#fff", "#fff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
