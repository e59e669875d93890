"""project.fonts: a `brand.fonts` family nobody provides is an error at its line in report.yml,
listing the families the theme, the project's styles/ and the system provide."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder.cli import main
from reportbuilder.project import fonts
from reportbuilder.project.fonts import declared_families, system_families


def test_font_face_rules_declare_families() -> None:
    css = """
    @font-face { font-family: "Brand Sans"; src: url(a.otf); }
    @FONT-FACE{font-family:Plain;src:url(b.otf)}
    @font-face { src: url(c.otf); font-family: 'Quoted One' }
    body { font-family: "Not Declared"; }
    """
    assert declared_families(css) == {"Brand Sans", "Plain", "Quoted One"}


def project_with_fonts(tmp_path: Path, fonts_line: str) -> Path:
    root = copy_fixture("mini", tmp_path / "p")
    text = (root / "report.yml").read_text(encoding="utf-8")
    text = text.replace('  accent: "#d98c1f"\n', f'  accent: "#d98c1f"\n  fonts: {fonts_line}\n')
    (root / "report.yml").write_text(text, encoding="utf-8")
    return root


def line_of(root: Path, needle: str) -> int:
    lines = (root / "report.yml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_unknown_family_is_an_error_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "system_families", lambda: frozenset({"DejaVu Sans"}))
    root = project_with_fonts(tmp_path, "{heading: Arial, body: Noto Sreif}")
    result = CliRunner().invoke(main, ["check", str(root)])
    line = line_of(root, "fonts:")
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"report.yml:{line}: brand.fonts.heading: no font family 'Arial' in the theme, the "
        "project's styles/ or this system (available: DejaVu Sans, Inter, Noto Serif); add an "
        "@font-face rule for it to a stylesheet in styles/",
        f"report.yml:{line}: brand.fonts.body: no font family 'Noto Sreif' in the theme, the "
        "project's styles/ or this system (did you mean 'Noto Serif'? available: DejaVu Sans, "
        "Inter, Noto Serif); add an @font-face rule for it to a stylesheet in styles/",
    ]


def test_theme_project_system_and_generic_families_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "system_families", lambda: frozenset({"DejaVu Serif"}))
    root = project_with_fonts(tmp_path, "{heading: Arial, body: dejavu serif}")
    (root / "styles").mkdir()
    (root / "styles" / "brand.css").write_text(
        '@font-face { font-family: "Arial"; src: local("DejaVu Sans"); }\n', encoding="utf-8"
    )
    assert CliRunner().invoke(main, ["check", str(root)]).exit_code == 0
    root = project_with_fonts(tmp_path / "again", "{heading: inter, body: serif}")
    assert CliRunner().invoke(main, ["check", str(root)]).exit_code == 0


@pytest.mark.pdf  # runs fc-list
def test_system_families_are_fontconfigs() -> None:
    listed = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=True
    ).stdout
    expected = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    assert system_families() == frozenset(expected - {""})


LONG = (
    "Les représentants gouvernementaux interrogés considèrent que l’anticonstitutionnalité "
    "des dispositions intergouvernementales compromet durablement l’interopérabilité "
    "des administrations décentralisées et la responsabilisation des établissements. "
)


@pytest.mark.pdf
def test_a_project_font_without_the_hyphenation_hyphen_breaks_words_with_a_plain_one(
    tmp_path: Path,
) -> None:
    """The third trial's item 3: with a project font lacking U+2010, every word the layout
    hyphenated got a hyphen drawn in a fallback font (DejaVu Sans): one warning a page, and
    `--strict` failed over a character the author never typed."""
    from fontTools import subset

    project = copy_fixture("tiny", tmp_path / "tiny")
    theme_fonts = Path(fonts.__file__).parent.parent / "themes" / "base" / "fonts"
    (project / "assets" / "fonts").mkdir()
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    font = subset.load_font(str(theme_fonts / "NotoSerif-Regular.ttf"), options)
    keep = set(font.getBestCmap()) - {0x2010}
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    font.save(str(project / "assets" / "fonts" / "House.ttf"))
    (project / "styles").mkdir()
    (project / "styles" / "font.css").write_text(
        '@font-face { font-family: "House"; src: url(../assets/fonts/House.ttf); }\n'
        'p { font-family: "House"; }\n',
        encoding="utf-8",
    )
    config = project / "report.yml"
    config.write_text(config.read_text("utf-8").replace("lang: en", "lang: fr"), "utf-8")
    chapter = project / "content" / "01-only.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n" + LONG * 12 + "\n", encoding="utf-8")
    pdf = tmp_path / "h.pdf"
    result = CliRunner().invoke(
        main, ["build", str(project), "-o", str(pdf), "--strict"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    ends = [line for line in text.splitlines() if line.rstrip().endswith("-")]
    assert len(ends) >= 3, text  # words were hyphenated, with "-"
    assert "\u2010" not in text


@pytest.mark.pdf
def test_fallback_text_is_warned_at_each_line_that_writes_it(tmp_path: Path) -> None:
    """The third trial's item 9, in a chapter: an emoji on one line and an Arabic name four
    lines down, on one page, gave one warning at the emoji's line only."""
    import json

    project = copy_fixture("tiny", tmp_path / "tiny")
    chapter = project / "content" / "01-only.md"
    lines = chapter.read_text("utf-8").rstrip("\n").split("\n")
    first = len(lines) + 2
    chapter.write_text(
        "\n".join([*lines, "", "Smile 😀 here.", "", "Plain text.", "", "Name محمد here.", ""]),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["build", str(project), "-o", str(tmp_path / "f.pdf"), "--json"],
        catch_exceptions=False,
    )  # fmt: skip
    problems = json.loads(result.stdout)["problems"]
    fallbacks = sorted(
        (p["line"], p["message"])
        for p in problems
        if "a font the stylesheets do not name" in p["message"]
    )
    assert [line for line, _ in fallbacks] == [first, first + 4], problems
    assert "😀" in fallbacks[0][1] and "محمد" in fallbacks[1][1]
