"""A brand font whose file is no font (trial 6 #51): a failed download, a Git LFS pointer, a
PNG renamed .ttf, a truncated file. WeasyPrint warned and set the whole report in DejaVu
Sans, exit 0, and `check` said nothing; now `check` and `build` fail at the `@font-face`
rule's line, and a real font file still builds with its own glyphs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import pdf_fonts
from reportbuilder.cli import main
from reportbuilder.project.fonts import font_file_problem

THEME_FONTS = Path(__file__).resolve().parents[1] / "src/reportbuilder/themes/base/fonts"
SERIF = THEME_FONTS / "NotoSerif-Regular.ttf"


def project(root: Path, font: bytes, name: str = "House.woff2") -> Path:
    (root / "content").mkdir(parents=True)
    (root / "styles").mkdir()
    (root / "assets" / "fonts").mkdir(parents=True)
    (root / "assets" / "fonts" / name).write_bytes(font)
    (root / "report.yml").write_text(
        "title: Fonts\nlang: en\nbrand:\n  fonts: {body: House, heading: House}\n",
        encoding="utf-8",
    )
    (root / "styles" / "f.css").write_text(
        "/* the house font */\n"
        f'@font-face {{ font-family: "House"; src: url(../assets/fonts/{name}); }}\n',
        encoding="utf-8",
    )
    (root / "content" / "01.md").write_text("# Fonts\n\nSet in House.\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\n", "its bytes are text"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "its bytes are a PNG image"),
        (b"", "its bytes are empty"),
        (SERIF.read_bytes()[:4000], "is cut short"),
        (b"\x00\x01\x00\x00" + b"\xff" * 20, "is not a font fontTools can read"),
    ],
)
def test_what_is_no_font_is_said(tmp_path: Path, data: bytes, said: str) -> None:
    (tmp_path / "f.ttf").write_bytes(data)
    problem = font_file_problem(tmp_path / "f.ttf")
    assert problem is not None and said in problem


def test_fonts_are_fonts() -> None:
    for path in THEME_FONTS.glob("*.[ot]tf"):
        assert font_file_problem(path) is None, path


@pytest.mark.pdf
def test_a_brand_font_that_is_no_font_fails_check_and_build_at_its_rule(tmp_path: Path) -> None:
    root = project(tmp_path / "p", b"version https://git-lfs.github.com/spec/v1\n")
    for command in ("check", "build"):
        result = CliRunner().invoke(main, [command, str(root)], catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert "styles/f.css:2: the @font-face 'House' cannot be loaded" in result.output
        assert "its bytes are text" in result.output
    assert not list(root.glob("out/*.pdf"))


@pytest.mark.pdf
def test_a_brand_font_file_that_is_a_font_sets_the_text(tmp_path: Path) -> None:
    root = project(tmp_path / "p", SERIF.read_bytes(), "House.ttf")
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "cannot be loaded" not in result.output
    fonts = pdf_fonts(pypdf.PdfReader(next(root.glob("out/*.pdf"))))
    assert any("House" in font["name"] for font in fonts), fonts
    assert not any("DejaVu" in font["name"] for font in fonts), fonts
    shutil.rmtree(root)
