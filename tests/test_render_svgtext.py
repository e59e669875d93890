"""render.svgtext: an SVG image's text that names no font is set in the body's font, so an
ordinary chart with labels neither gets a false "fallback font" warning nor fails --strict;
a character the report's fonts really lack still falls back, and is still reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import pdf_fonts
from reportbuilder.cli import main
from test_markdown_code import project_with

pytestmark = pytest.mark.pdf

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="80">'
    '<text x="5" y="30" font-size="20">{plain}</text>'
    '<g font-family="Inter"><text x="5" y="60" font-size="12">Named Inter</text></g></svg>'
)


def _build(tmp_path: Path, plain: str, *options: str) -> tuple[object, list[str], Path]:
    import pypdf

    chapter = "# Drawings\n\nText.\n\n![A labelled drawing](assets/label.svg)\n"
    project = project_with(tmp_path, **{"01": chapter})
    (project / "assets" / "label.svg").write_text(SVG.format(plain=plain), encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(pdf), *options])
    fonts = [f["name"] for f in pdf_fonts(pypdf.PdfReader(pdf))] if pdf.exists() else []
    return result, fonts, pdf


def test_svg_text_without_a_font_is_set_in_the_body_font(tmp_path: Path) -> None:
    result, fonts, pdf = _build(tmp_path, "Tap flow 42", "--strict")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "fallback" not in result.stderr  # type: ignore[attr-defined]
    assert not [name for name in fonts if "DejaVu" in name], fonts
    import subprocess

    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Tap flow 42" in words and "Named Inter" in words


def test_a_character_the_fonts_lack_still_falls_back_and_is_reported(tmp_path: Path) -> None:
    result, fonts, _ = _build(tmp_path, "Tap \u2603")  # a snowman: DejaVu has it, ours do not
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert [name for name in fonts if "DejaVu" in name], fonts  # the snowman only
    [warning] = [
        line
        for line in result.stderr.splitlines()  # type: ignore[attr-defined]
        if "a font the stylesheets do not name" in line
    ]
    assert warning.endswith("(\u2603)"), warning  # only the snowman, not "T / a / p"
