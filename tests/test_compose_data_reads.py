"""`build --embed-sources` attaches the data files the chapters read, not every file of
data/ (trial 6 #56: a salaries file no chapter used went out with the mailed PDF). The
build names what it left out; the manifest still hashes every source file."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.compose.data_reads import data_names_read

SURVEY = "households: {value: 1200, label: Households surveyed}\n"
SALARIES = "boss: {value: 250000, label: Director salary (confidential)}\n"


def project(root: Path, chapter: str, data: dict[str, str]) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text("title: Sources\nlang: en\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(f"# Figures\n\n{chapter}\n", encoding="utf-8")
    for name, text in data.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    return root


def build(root: Path) -> tuple[str, dict[str, bytes], dict[str, object]]:
    """Build with --embed-sources: (output, attached files by name, the manifest)."""
    result = CliRunner().invoke(
        main, ["build", str(root), "--embed-sources", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(next((root / "out").glob("*.pdf")))
    attached = {name: data[0] for name, data in reader.attachments.items()}
    manifest = json.loads(attached.pop("reportbuilder-manifest.json"))
    return result.stdout, attached, manifest


@pytest.mark.pdf
def test_a_data_file_no_chapter_reads_is_not_attached(tmp_path: Path) -> None:
    root = project(
        tmp_path / "p",
        "We surveyed {{ data.survey.households.value | number }} households.",
        {"survey.yml": SURVEY, "salaries.yml": SALARIES},
    )
    output, attached, manifest = build(root)
    assert set(attached) == {"data/survey.yml"}
    assert b"250000" not in b"".join(attached.values())
    [out] = json.loads(output)["outputs"]
    assert "left out (no chapter reads them): data/salaries.yml" in out["sources"]
    # the manifest still records every source file, so `provenance --project` can compare
    assert "data/salaries.yml" in {item["path"] for item in manifest["inputs"]}  # type: ignore[index, union-attr]


@pytest.mark.pdf
def test_data_read_whole_or_through_a_figures_base_is_attached(tmp_path: Path) -> None:
    """`data` used whole reads every file; a figure whose `of:` is another file's figure
    reads that file too."""
    shares = "owners: {value: 600, label: Owners, of: survey.households}\n"
    root = project(
        tmp_path / "a",
        "{{ data.shares.owners.percent_of | percent }} own their home.",
        {"survey.yml": SURVEY, "shares.yml": shares, "salaries.yml": SALARIES},
    )
    _, attached, _ = build(root)
    assert set(attached) == {"data/survey.yml", "data/shares.yml"}
    root = project(
        tmp_path / "b",
        "{% for name in data %}{{ name }} {% endfor %}",
        {"survey.yml": SURVEY, "salaries.yml": SALARIES},
    )
    output, attached, _ = build(root)
    assert set(attached) == {"data/survey.yml", "data/salaries.yml"}
    assert "sources" not in json.loads(output)["outputs"][0]


def test_the_names_a_template_reads() -> None:
    text = (
        'The data show {{ data.survey.x }} {% set t = data["Study 2025"] %}'
        "{{ table(data.sci, total=True) }}"
    )
    assert data_names_read([text, "No template here."]) == {"survey", "Study 2025", "sci"}
    assert data_names_read(["{{ data | tojson }}"]) is None
    assert data_names_read(["{% set n = 'survey' %}{{ data[n] }}"]) is None
    assert data_names_read(["{{ data.survey"]) is None  # unclosed: nothing assumed
