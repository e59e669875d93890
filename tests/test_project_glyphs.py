"""Characters no font can print (trial 4 #15): printed as empty boxes with exit 0, and
`check` said "no problems found". Now an error at the line that writes them, found by
`check` from the fonts' character maps and by `build` from the layout, in the same words."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from conftest import one_chapter_project
from reportbuilder import build, check
from reportbuilder.errors import ReportError, Severity
from reportbuilder.project.glyphs import BUNDLED, printed_characters

THAI = "\u0e20\u0e32\u0e29\u0e32"  # ภาษา: two of its letters twice
LINEAR_B = "\U00010000"  # no font of the theme or a usual system has it


def test_the_theme_fonts_coverage_is_their_character_maps() -> None:
    """`coverage.json` stands in for opening the theme's fonts in `check`: it must be what
    the font files say (rewrite it if a font changes)."""
    kept = json.loads((BUNDLED / "coverage.json").read_text("utf-8"))
    fonts = sorted(p for p in BUNDLED.iterdir() if p.suffix in (".otf", ".ttf"))
    assert sorted(kept) == [p.name for p in fonts]
    for font in fonts:
        with TTFont(font, lazy=True) as opened:
            codes = set(opened.getBestCmap())
        ranges = kept[font.name]["ranges"]
        assert {c for first, last in ranges for c in range(first, last + 1)} == codes
        assert kept[font.name]["bytes"] == font.stat().st_size


def test_only_printed_characters_are_asked_about() -> None:
    page = (
        '<style>p::after { content: "\u0e20" }</style>'
        '<p title="\u0e32">caf&eacute; &#x1F389;\u00ad\ufe0f \u200d\u00a0</p>'
    )
    assert printed_characters(page) == ["é", "\U0001f389"]


@pytest.mark.pdf
def test_a_word_no_font_prints_is_an_error_of_check_and_build(tmp_path: Path) -> None:
    chapter = f"# Names\n\nPlain text.\n\nThe province {THAI} and &#x10000; here.\n"
    root = one_chapter_project(tmp_path / "p", "Names", chapter)
    expected = (
        "content/01.md:5: no font of the report or the system has the characters "
        "'\u0e20' (U+0E20), '\u0e32' (U+0E32), '\u0e29' (U+0E29), "
        f"'{LINEAR_B}' (U+10000): they print as empty boxes"
    )
    with pytest.raises(ReportError) as checked:
        check(root)
    out = tmp_path / "names.pdf"
    with pytest.raises(ReportError) as built:
        build(root, output=out)
    for raised in (checked, built):
        [problem] = raised.value.problems
        assert problem.severity is Severity.ERROR
        assert f"{problem.where}: {problem.message}" == expected
    assert not out.exists()


@pytest.mark.pdf
def test_characters_the_fonts_have_print_and_are_not_reported(tmp_path: Path) -> None:
    chapter = "# Names\n\nCafé Ωmega – “quoted” Ærø.\n"
    root = one_chapter_project(tmp_path / "p", "Names", chapter)
    assert not [p for p in check(root).warnings if "no font" in p.message]
    out = tmp_path / "names.pdf"
    result = build(root, output=out)
    assert not [p for p in result.warnings if "no font" in p.message]
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert "Café Ωmega – “quoted” Ærø." in text
