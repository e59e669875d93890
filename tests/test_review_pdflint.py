"""The publication lint's rendered rules, read from real PDFs: text below the minimum size,
fallback fonts, fonts not embedded, links that lead nowhere; the example raises none."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import ExampleBuild
from reportbuilder.cli import main
from reportbuilder.review.pdflint import LintRules, is_named, lint_pdf
from test_markdown_code import project_with

pytestmark = pytest.mark.pdf

TEXT = "# Findings\n\nA first paragraph.\n\n## Detail\n\nA second paragraph.\n"


def _build(project: Path, *options: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(main, ["build", str(project), "--json", *options])
    return result.exit_code, json.loads(result.stdout)


def _messages(doc: dict[str, object]) -> list[str]:
    problems = doc["problems"]
    assert isinstance(problems, list)
    return [f"{p['path']}: {p['message']}" for p in problems]


def test_the_example_raises_no_rendered_warning(example_build: ExampleBuild) -> None:
    assert example_build.json_doc["problems"] == []


def test_text_below_the_minimum_size_is_located_at_its_chapter_and_page(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01-a": TEXT, "02-b": "# Small print\n\nTiny words.\n"})
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles" / "small.css").write_text("#b p { font-size: 5pt; }\n")
    code, doc = _build(project)
    assert code == 0
    found = [m for m in _messages(doc) if "below" in m]
    assert len(found) == 1
    assert found[0].startswith("content/02-b.md: page ")
    assert "text set in 5.0 pt, below the 7 pt minimum (Tiny words.)" in found[0]
    [small] = [p for p in doc["problems"] if "below" in p["message"]]  # type: ignore[attr-defined]
    assert small["line"] == 3  # where "Tiny words." is written

    strict = tmp_path / "strict.pdf"
    code, doc = _build(project, "--strict", "-o", str(strict))
    assert code == 1
    assert any("below the 7 pt minimum" in m for m in _messages(doc))
    assert not strict.exists()


def test_the_minimum_is_a_setting(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01-a": TEXT, "02-b": "# Small print\n\nTiny words.\n"})
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles" / "small.css").write_text("#b p { font-size: 5pt; }\n")
    with (project / "report.yml").open("a") as config:
        config.write("lint:\n  min_text_pt: 4.5\n")
    code, doc = _build(project)
    assert code == 0
    assert not [m for m in _messages(doc) if "below" in m]


def test_a_fallback_font_is_reported_with_the_characters_it_set(tmp_path: Path) -> None:
    # U+2603 is in neither Inter nor Noto Serif; fontconfig finds it in DejaVu Sans.
    project = project_with(tmp_path, **{"01-a": "# Weather\n\nSome text.\n\nSnow \u2603 today.\n"})
    code, doc = _build(project)
    assert code == 0
    found = [m for m in _messages(doc) if "fallback" in m]
    assert len(found) == 1
    assert found[0].startswith("content/01-a.md: page ")
    assert "a font the stylesheets do not name" in found[0]
    assert "\u2603" in found[0]
    problems = doc["problems"]
    assert isinstance(problems, list)
    assert [p["line"] for p in problems if "fallback" in p["message"]] == [5]  # where it is


def test_the_theme_has_its_own_bullets_and_common_symbols(tmp_path: Path) -> None:
    """A new project with a three-level list and the symbols reports use passes --strict:
    Noto Serif lacks ≥ ≤ − → ≈ ≠ and the ◦ ▪ bullets; Inter, the theme's, sets them."""
    project = tmp_path / "new"
    assert CliRunner().invoke(main, ["init", str(project), "--lang", "en"]).exit_code == 0
    chapter = project / "content" / "01-introduction.md"
    symbols = "Age ≥ 65, ≤ 3, ± 2, 3 × 4, −5, → next, 20 €, ≈ 4, ≠ 5, 30 °C, 2 ‰, ½."
    with chapter.open("a", encoding="utf-8") as text:
        text.write(f"\n- one\n    - two\n        - three\n\n{symbols}\n")
    out = tmp_path / "r.pdf"
    code, doc = _build(project, "--strict", "-o", str(out))
    assert code == 0, doc
    assert doc["problems"] == []
    reader = pypdf.PdfReader(out)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert symbols in text and "◦" in text and "▪" in text  # the bullets are drawn as text
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(name.startswith(("Inter", "Noto-Serif")) for name in fonts), fonts


def test_a_font_the_project_names_is_not_a_fallback(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01-a": "# Weather\n\nSnow \u2603 today.\n"})
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles" / "symbols.css").write_text(
        'p { font-family: "Noto Serif", "DejaVu Sans", serif; }\n'
    )
    code, doc = _build(project)
    assert code == 0
    assert not [m for m in _messages(doc) if "fallback" in m]


def test_font_names_match_their_css_families() -> None:
    assert is_named("ABCDEF+Inter-Semi-Bold", {"Inter"})
    assert is_named("XYZABC+Noto-Serif-Bold", {"Noto Serif"})
    assert is_named("DejaVuSansMono", {"DejaVu Sans Mono"})
    assert not is_named("QWERTY+DejaVuSans", {"DejaVu Sans Mono", "Inter"})


def _hand_made_pdf(link_dest: bytes | None = None) -> bytes:
    """A one-page PDF with text in Helvetica (not embedded) and, optionally, a link to a
    named destination that does not exist."""
    stream = b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"
    annots = b"/Annots [5 0 R]" if link_dest else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 6 0 R >> >> " + annots + b" >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Annot /Subtype /Link /Rect [72 690 200 720] /Dest /"
        + (link_dest or b"x")
        + b" >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_font_not_embedded_is_reported() -> None:
    found = [str(p) for p in lint_pdf(_hand_made_pdf(), LintRules())]
    assert found == ["render: page 1: the font Helvetica is not embedded in the PDF"]


def test_a_link_to_a_destination_that_does_not_exist_is_reported() -> None:
    found = [str(p) for p in lint_pdf(_hand_made_pdf(b"nowhere"), LintRules())]
    assert "render: page 1: 1 link(s) lead to no page" in found


def test_a_character_no_font_has_is_located_at_its_line(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01-a": "# Glyphs\n\nText.\n\nLinear B \U00010000 here.\n"})
    code, doc = _build(project)
    assert code == 1  # an error: the word would print as a box (trial 4 #15)
    [found] = [p for p in doc["problems"] if "U+10000" in p["message"]]  # type: ignore[attr-defined]
    assert (found["path"], found["line"], found["severity"]) == ("content/01-a.md", 5, "error")
    assert "prints as an empty box" in found["message"]


def test_an_image_printed_below_the_minimum_resolution_is_reported(tmp_path: Path) -> None:
    """An 8×8-pixel picture stretched over half the text block blurs: warned at its chapter
    and page, with the pixels it would need; a picture with pixels enough is not."""
    from PIL import Image

    chapters = {
        "01-a": TEXT,
        "02-b": "# Pictures\n\n![A tiny mark](assets/tiny.png){.half}\n\n"
        "![A sharp photo](assets/sharp.png){.half}\n",
    }
    project = project_with(tmp_path, **chapters)
    Image.new("RGB", (8, 8), (200, 30, 30)).save(project / "assets" / "tiny.png")
    Image.new("RGB", (1200, 800), (30, 30, 200)).save(project / "assets" / "sharp.png")
    code, doc = _build(project)
    assert code == 0
    found = [m for m in _messages(doc) if "blurred" in m]
    assert len(found) == 1, found
    assert found[0].startswith("content/02-b.md: page ")
    assert "assets/tiny.png (8×8 pixels) printed " in found[0], found[0]
    assert " dpi) will look blurred" in found[0]
    problems = doc["problems"]
    assert isinstance(problems, list)
    assert [p["line"] for p in problems if "blurred" in p["message"]] == [3]  # its line

    with (project / "report.yml").open("a") as config:
        config.write("lint:\n  min_image_dpi: 0\n")
    code, doc = _build(project)
    assert code == 0 and not [m for m in _messages(doc) if "blurred" in m]


def test_characters_the_fonts_lack_outside_a_chapter_are_located(tmp_path: Path) -> None:
    """A chart label from a data file with a character no font has, and a chapter title
    whose symbol a fallback font sets on the contents page: each warning names the file and
    line that hold the character (they said `render:` before), and `--strict` fails with
    nothing written."""
    chapter = '# Done \u2611\n\nText.\n\n{{ chart(data.tally.kinds, kind="bar", title="Kinds") }}\n'
    project = project_with(tmp_path, **{"01-a": chapter})
    (project / "data").mkdir(exist_ok=True)
    (project / "data" / "tally.yml").write_text(
        "kinds:\n  label: Kinds\n  categories:\n"
        "    first: {label: First, percent: 60}\n"
        "    second: {label: 'Linear B \U00010000', percent: 40}\n",
        "utf-8",
    )
    code, doc = _build(project)
    assert code == 1, doc  # an error: the label would print as a box (trial 4 #15)
    problems = doc["problems"]
    assert isinstance(problems, list)
    [missing] = [p for p in problems if "U+10000" in p["message"]]
    assert (missing["path"], missing["line"]) == ("data/tally.yml", 5), missing
    tally = project / "data" / "tally.yml"
    tally.write_text(tally.read_text("utf-8").replace(" \U00010000", ""), "utf-8")
    code, doc = _build(project)
    assert code == 0, doc
    problems = doc["problems"]
    assert isinstance(problems, list)
    fallbacks = [p for p in problems if "do not name" in p["message"]]
    assert fallbacks and all(p["path"] == "content/01-a.md" for p in fallbacks), fallbacks
    assert all(p["line"] == 1 for p in fallbacks if "\u2611" in p["message"]), fallbacks
    out = tmp_path / "strict.pdf"
    code, doc = _build(project, "--strict", "-o", str(out))
    assert code == 1 and not out.exists()
