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
from reportbuilder.errors import ReportError, Severity


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

    def said(warnings: tuple[object, ...]) -> list[tuple[object, object, str]]:
        return sorted(
            (w.path, w.line, w.message.split(" (")[0].split(": line")[0])  # type: ignore[attr-defined]
            for w in warnings
            if "image" in w.message  # type: ignore[attr-defined]
        )

    assert said(check(root).warnings) == expected
    out = tmp_path / "p.pdf"
    assert said(build(root, output=out).warnings) == expected
    pictures = [image for page in pypdf.PdfReader(out).pages for image in page.images]
    assert pictures == []  # neither is drawn, in part or whole


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
