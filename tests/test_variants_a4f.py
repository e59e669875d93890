"""`--pdf-variant pdf/a-4f` wrote a file that claimed PDF/A-4F (the level for a file with
attached files) and carried none, exit 0 (trial 8 #24): refused, saying what to build."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reportbuilder.cli import main


def test_pdf_a_4f_is_refused_before_anything_is_built(mini_project: Path) -> None:
    out = mini_project / "out" / "v4f.pdf"
    result = CliRunner().invoke(
        main, ["build", str(mini_project), "--pdf-variant", "pdf/a-4f", "-o", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "pdf/a-4f is the PDF/A-4 level for a file that carries attached files" in result.output
    assert "build pdf/a-4u, or pdf/a-3b with --embed-sources" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_pdf_a_4f_in_report_yml_is_an_error_at_its_line(mini_project: Path) -> None:
    config = mini_project / "report.yml"
    config.write_text(config.read_text() + "pdf_variant: pdf/a-4f\n", encoding="utf-8")
    line = len(config.read_text().splitlines())
    result = CliRunner().invoke(main, ["check", str(mini_project)])
    assert result.exit_code == 1, result.output
    assert f"report.yml:{line}:" in result.output and "pdf/a-4f" in result.output
