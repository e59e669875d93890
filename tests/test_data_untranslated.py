"""A data text given per language that lacks an edition's language is said at its line:
that edition would print another language's words (trial 7 #24)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder.cli import main


def test_a_label_missing_an_editions_language_is_warned_at_its_line(tmp_path: Path) -> None:
    project = copy_fixture("tiny", tmp_path / "tiny")
    with (project / "report.yml").open("a", encoding="utf-8") as config:
        config.write("languages:\n  es: {title: Informe}\n  fr: {title: Rapport}\n")
    (project / "data" / "labels.yml").write_text(
        "victims:\n"
        "  value: 99\n"
        "  label:\n"
        "    en: victims identified\n"
        "    fr: victimes identifiées\n"
        "owners:\n"
        "  value: 3\n"
        "  label: {en: owners, es: propietarios, fr: propriétaires}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(project)])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "has no 'es' text" in line]
    assert warned == [
        "warning: data/labels.yml:3: data.labels.victims.label has no 'es' text, so the es "
        "edition prints 'victims identified'; add 'es: …' under it"
    ]
    assert "owners" not in result.stderr  # every edition has its text
    strict = CliRunner().invoke(main, ["check", str(project), "--strict"])
    assert strict.exit_code == 1
