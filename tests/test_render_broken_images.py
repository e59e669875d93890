"""A broken image is said the same way by `check` and `build`, and never printed half
decoded (trial 4 #16: a truncated PNG drew a partial grey band in the PDF with no word from
`build`; a malformed SVG was warned by `build` only)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from conftest import one_chapter_project
from reportbuilder import build, check
from reportbuilder.errors import Problem, ReportError, Severity


@pytest.mark.pdf
def test_check_and_build_say_the_same_of_broken_images(tmp_path: Path) -> None:
    chapter = "# Pictures\n\n![Truncated](assets/cut.png)\n\n![Malformed](assets/bad.svg)\n"
    root = one_chapter_project(tmp_path / "p", "Pictures", chapter)
    (root / "assets").mkdir()
    whole = io.BytesIO()
    noise = Image.effect_noise((400, 300), 64).convert("RGB")  # does not compress to nothing
    noise.save(whole, format="PNG")
    (root / "assets" / "cut.png").write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    (root / "assets" / "bad.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect></svg>'
    )
    expected = [
        ("content/01.md", 3, "image assets/cut.png not used: a broken PNG file"),
        ("content/01.md", 5, "image assets/bad.svg not used: mismatched tag"),
    ]

    def said(problems: tuple[Problem, ...]) -> list[tuple[object, object, str]]:
        assert all(p.severity is Severity.ERROR for p in problems)
        return sorted(
            (p.path, p.line, p.message.split(" (")[0].split(": line")[0])
            for p in problems
            if "image" in p.message
        )

    # Errors since trial 6 #12: the figures printed without their pictures, exit 0.
    with pytest.raises(ReportError) as checked:
        check(root)
    assert said(checked.value.problems) == expected
    out = tmp_path / "p.pdf"
    with pytest.raises(ReportError) as built:
        build(root, output=out)
    assert said(built.value.problems) == expected
    assert not out.exists()  # nothing drawn, in part or whole: nothing written
    (root / "content" / "01.md").write_text("# Pictures\n\nNone now.\n", encoding="utf-8")
    build(root, output=out)
    assert "None now." in "".join(p.extract_text() for p in pypdf.PdfReader(out).pages)


@pytest.mark.pdf
def test_a_missing_image_is_said_in_the_same_words_with_the_file_meant(tmp_path: Path) -> None:
    """Trial 4 #30: `check` said "missing file assets/map.png", `build` "missing or not a
    regular file: assets/map.png", neither which file was meant; and it was a warning, the
    PDF printing "Figure 1" with no picture. Now an error of both, nothing written."""
    root = one_chapter_project(tmp_path / "p", "Map", "# Map\n\n![The map](assets/map.png)\n")
    (root / "assets").mkdir()
    Image.new("RGB", (20, 10)).save(root / "assets" / "Map.png")
    expected = [("content/01.md", 3, "missing file assets/map.png (did you mean assets/Map.png?)")]
    with pytest.raises(ReportError) as checked:
        check(root)
    with pytest.raises(ReportError) as built:
        build(root, output=tmp_path / "m.pdf")
    for raised in (checked, built):
        problems = raised.value.problems
        assert [(p.path, p.line, p.message) for p in problems] == expected
        assert all(p.severity is Severity.ERROR for p in problems)
    assert not (tmp_path / "m.pdf").exists()


@pytest.mark.pdf
def test_a_chart_exported_as_pdf_or_eps_or_a_tiff_of_pages_is_refused(tmp_path: Path) -> None:
    """Trial 6 #12: a PDF or EPS chart (what Excel, R, Stata and Illustrator export) passed
    `check` and was printed as a caption with no picture, exit 0 (the EPS said "Unable to
    locate Ghostscript"); a TIFF of two pages printed its first only, with no word."""
    chapter = (
        "# Charts\n\n![A PDF chart](assets/chart.pdf)\n\n![An EPS figure](assets/fig.eps)\n\n"
        "![Two pages](assets/scan.tif)\n\n![Fine](assets/ok.tif)\n"
    )
    root = one_chapter_project(tmp_path / "p", "Charts", chapter)
    (root / "assets").mkdir()
    (root / "assets" / "chart.pdf").write_bytes(b"%PDF-1.7\n% a chart\n")
    (root / "assets" / "fig.eps").write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 9 9\n")
    pages = [Image.new("RGB", (20, 10), colour) for colour in ("red", "green")]
    pages[0].save(root / "assets" / "scan.tif", save_all=True, append_images=pages[1:])
    Image.new("RGB", (20, 10), "blue").save(root / "assets" / "ok.tif")
    expected = [
        ("content/01.md", 3, "image assets/chart.pdf cannot be shown: it is a PDF document, "
         "not a picture (export it as SVG, PNG or JPEG)"),
        ("content/01.md", 5, "image assets/fig.eps cannot be shown: it is a PostScript (EPS) "
         "file, not a picture (export it as SVG, PNG or JPEG)"),
        ("content/01.md", 7, "image assets/scan.tif has 2 pages, and only the first would be "
         "printed (save each page as its own image)"),
    ]  # fmt: skip
    for run in (lambda: check(root), lambda: build(root, output=tmp_path / "c.pdf")):
        with pytest.raises(ReportError) as raised:
            run()
        assert [(p.path, p.line, p.message) for p in raised.value.problems] == expected
    assert not (tmp_path / "c.pdf").exists()
