"""A PDF variant is a claim (trial 6 #49): `pdf/a-1b` wrote transparency PDF/A-1 forbids
(an RGBA image's soft mask, the theme's see-through tints, transparency groups), and
`pdf/x-1a` wrote RGB with no output intent. Now a PDF/A-1 file is opaque — tints drawn as
the colours they look like, images flattened on white — or refused naming what is
transparent; `pdf/x-1a` is refused with the reason and the variant to use."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf.generic import DictionaryObject, IndirectObject

from conftest import one_chapter_project
from reportbuilder.cli import main
from reportbuilder.compose.html import mix


def transparency(pdf: Path) -> list[str]:
    """What a PDF/A-1 validator would call transparency, read back from `pdf`."""
    found: list[str] = []
    seen: set[int] = set()

    def visit(item: object) -> None:
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                return
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if "/SMask" in item and item["/SMask"] != "/None":
                found.append("SMask")
            for key in ("/ca", "/CA"):
                if key in item and float(item[key]) < 1:  # type: ignore[arg-type]
                    found.append(f"{key} {item[key]}")
            if item.get("/S") == "/Transparency":
                found.append("transparency group")
            for key, value in item.items():
                if key not in ("/Parent", "/P"):
                    visit(value)
        elif isinstance(item, list):
            for value in item:
                visit(value)

    for page in pypdf.PdfReader(pdf).pages:
        visit(page.indirect_reference)
    return found


def project(root: Path) -> Path:
    chapter = "# Pictures\n\nText.\n\n![Half red](assets/half.png)\n"
    one_chapter_project(root, "Variants", chapter)
    (root / "assets").mkdir()
    Image.new("RGBA", (60, 40), (255, 0, 0, 128)).save(root / "assets" / "half.png")
    return root


@pytest.mark.pdf
def test_a_pdf_a_1b_is_opaque_and_its_pictures_are_laid_on_white(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    for variant, name in (("pdf/a-1b", "a1.pdf"), ("pdf/a-2b", "a2.pdf")):
        out = tmp_path / name
        result = CliRunner().invoke(
            main, ["build", str(root), "--pdf-variant", variant, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
    assert transparency(tmp_path / "a1.pdf") == []
    assert transparency(tmp_path / "a2.pdf")  # PDF/A-2 allows it: the picture as it is
    reader = pypdf.PdfReader(tmp_path / "a1.pdf")
    pictures = [image.image for page in reader.pages for image in page.images]
    half = next(p for p in pictures if p is not None and p.size == (60, 40))
    assert half.mode == "RGB"
    red, green, blue = half.convert("RGB").getpixel((30, 20))  # type: ignore[misc]
    assert red > 250 and 120 <= green <= 135 and 120 <= blue <= 135  # half red on white


@pytest.mark.pdf
def test_a_drawing_that_stays_see_through_is_refused_for_pdf_a_1(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40">'
        '<rect width="60" height="40" fill="red" opacity="0.5"/></svg>'
    )
    (root / "assets" / "veil.svg").write_text(svg, encoding="utf-8")
    chapter = root / "content" / "01.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n![Veil](assets/veil.svg)\n", "utf-8")
    out = tmp_path / "a1.pdf"
    result = CliRunner().invoke(
        main, ["build", str(root), "--pdf-variant", "pdf/a-1b", "-o", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "pdf/a-1b allows no transparency" in result.output and "pdf/a-2b" in result.output
    assert not out.exists()


def test_pdf_x_1a_is_refused_with_what_to_use(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Variants", "# One\n\nText.\n")
    result = CliRunner().invoke(main, ["build", str(root), "--pdf-variant", "pdf/x-1a"])
    assert result.exit_code == 2
    assert "CMYK" in result.output and "pdf/x-4" in result.output
    (root / "report.yml").write_text("title: Variants\nlang: en\npdf_variant: pdf/x-1a\n")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1 and "report.yml:3:" in result.output and "CMYK" in result.output
    assert not (root / "out").exists()


def test_a_tint_is_the_colour_it_looks_like() -> None:
    assert mix("#000000", "#ffffff", 0.5) == "#808080"
    assert mix("#0b3c5d", "#fff", 0.06) == "#1a4867"
    assert mix("#abc", "#abc", 0.3) == "#aabbcc"


@pytest.mark.pdf
def test_the_print_version_of_a_pdf_a_1b_is_opaque_too(tmp_path: Path) -> None:
    """WeasyPrint draws crop marks as lines filled with alpha 0 (`/ca 0`): they fill no
    area, so they are drawn opaque; the marks stay."""
    root = project(tmp_path / "p")
    out = tmp_path / "print.pdf"
    result = CliRunner().invoke(
        main, ["build", str(root), "--print", "--pdf-variant", "pdf/a-1b", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert transparency(out) == []
    page = pypdf.PdfReader(out).pages[0]
    assert float(page.mediabox.width) > float(page.trimbox.width)  # the slug with its marks


@pytest.mark.pdf
def test_a_pdf_x_3_is_opaque_too(tmp_path: Path) -> None:
    """PDF/X-3 forbids transparency as PDF/A-1 does (the trial found `/ca` in it too)."""
    root = project(tmp_path / "p")
    out = tmp_path / "x3.pdf"
    result = CliRunner().invoke(
        main, ["build", str(root), "--print", "--pdf-variant", "pdf/x-3", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert transparency(out) == []
