"""Photos placed as publications place them, built and read back: side-by-side images in one
row of equal heights, a full-page photo on a page of its own, a cover photo. Each photo is a
plain colour, found again in the page pictures (pdftoppm) by its colour."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from conftest import copy_fixture, page_texts
from reportbuilder.cli import main
from reportbuilder.compose.figure_rows import STACKED_HEIGHT_MM

pytestmark = pytest.mark.pdf

RED, GREEN, BLUE, YELLOW = (200, 30, 30), (30, 160, 40), (40, 40, 200), (230, 200, 20)
DPI = 50


def _photos(project: Path) -> None:
    Image.new("RGB", (1600, 1200), RED).save(project / "assets" / "red.jpg", quality=95)
    Image.new("RGB", (800, 1200), GREEN).save(project / "assets" / "green.png")
    Image.new("RGB", (1200, 1800), BLUE).save(project / "assets" / "blue.jpg", quality=95)


def _build(project: Path, *options: str) -> tuple[Path, list[str]]:
    out = project / "out" / "photos.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    return out, [text.replace("\u00a0", " ") for text in page_texts(reader)]


def _boxes(pdf: Path, colour: tuple[int, int, int]) -> dict[int, tuple[int, int, int, int]]:
    """Page number (1-based) → the box, in pixels at DPI, where `colour` is painted."""
    prefix = pdf.with_name(pdf.stem + "-page")
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(pdf), str(prefix)], check=True)
    found = {}
    for png in sorted(pdf.parent.glob(prefix.name + "-*.png")):
        with Image.open(png) as image:
            rgb = image.convert("RGB")
        red, green, blue = ImageChops.difference(rgb, Image.new("RGB", rgb.size, colour)).split()
        farthest = ImageChops.lighter(ImageChops.lighter(red, green), blue)  # in any channel
        box = farthest.point(lambda value: 255 if value < 24 else 0).getbbox()
        if box:
            found[int(png.stem.rsplit("-", 1)[1])] = box
    return found


def _mm(pixels: float) -> float:
    return pixels * 25.4 / DPI


ROW = """
Two photos of the same site, before and after the works:

![Before the works: the old pump, a caption long enough for 2 lines](assets/red.jpg){.side-by-side}
![After the works](assets/green.png){.side-by-side}

See [](#fig-tower).

![The new water tower, seen from the road](assets/blue.jpg){.full-page #fig-tower}

Text after the full-page photo.
"""


def _chapter(project: Path) -> Path:
    """The tiny project's chapter, opening with a figure of its own (the photos' numbers
    follow it)."""
    Image.new("RGB", (60, 40), (90, 90, 90)).save(project / "assets" / "grey.png")
    chapter = project / "content" / "01-only.md"
    chapter.write_text(chapter.read_text() + "\n![A grey square](assets/grey.png)\n")
    return chapter


@pytest.fixture(scope="module", params=["A4", "A5"])
def photo_row(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, list[str]]:
    """The tiny project with ROW (two photos side by side, a full-page one) added, built once
    at each size: (size, PDF, page texts)."""
    size = request.param
    project = copy_fixture("tiny", tmp_path_factory.mktemp(f"row-{size}") / "tiny")
    _photos(project)
    chapter = _chapter(project)
    chapter.write_text(chapter.read_text() + ROW)
    return (size, *_build(project, "--set", f"page_size={size}"))


def test_side_by_side_photos_share_a_row_and_a_height(
    photo_row: tuple[str, Path, list[str]],
) -> None:
    size, pdf, texts = photo_row
    red, green = _boxes(pdf, RED), _boxes(pdf, GREEN)
    assert list(red) == list(green)  # on one page
    (page,) = red
    r, g = red[page], green[page]
    assert abs(r[1] - g[1]) <= 1 and abs(r[3] - g[3]) <= 1  # same top, same bottom: one height
    assert g[0] > r[2]  # the green one right of the red one
    gap = _mm(g[0] - r[2])
    assert 3 < gap < 7
    text_width = {"A4": 168, "A5": 106}[size]
    assert abs(_mm(g[2] - r[0]) - text_width) < 3  # the row fills the text block
    # Each keeps its caption and its number, in reading order after the chapter's own figure.
    words = " ".join(texts[page - 1].split())
    assert re.search(r"Figure 2\. Before the works", words)
    assert re.search(r"Figure 3\. After the works", words)


@pytest.mark.parametrize(("size", "in_a_row"), [("A4", True), ("A5", False)])
def test_a_row_too_low_for_the_page_is_stacked(
    tiny_project: Path, size: str, in_a_row: bool
) -> None:
    _photos(tiny_project)
    Image.new("RGB", (1600, 1200), YELLOW).save(tiny_project / "assets" / "yellow.png")
    chapter = _chapter(tiny_project)
    chapter.write_text(
        chapter.read_text()
        + "\n![Red](assets/red.jpg){.side-by-side}\n![Blue](assets/blue.jpg){.side-by-side}\n"
        "![Yellow](assets/yellow.png){.side-by-side}\n"
    )
    pdf, _ = _build(tiny_project, "--set", f"page_size={size}")
    boxes = [next(iter(_boxes(pdf, colour).items())) for colour in (RED, BLUE, YELLOW)]
    tops = {box[1] for _, box in boxes}
    lefts = {box[0] for _, box in boxes}
    if in_a_row:  # A4: one row, 47 mm high
        assert len({page for page, _ in boxes}) == 1 and max(tops) - min(tops) <= 1
        assert len(lefts) == 3
    else:  # A5: the row would be 28 mm high; one under the other instead, all of one height
        assert len({(page, box[1]) for page, box in boxes}) == 3
        assert all(abs(_mm(box[3] - box[1]) - STACKED_HEIGHT_MM) < 2 for _, box in boxes)


def test_a_full_page_photo_has_a_page_of_its_own(photo_row: tuple[str, Path, list[str]]) -> None:
    size, pdf, texts = photo_row
    blue = _boxes(pdf, BLUE)
    (page,) = blue
    _, top, _, bottom = blue[page]
    # As large as the text block allows (A4: 251 mm high less the caption, A5: 173 mm; the
    # photo is 2:3).
    assert _mm(bottom - top) > {"A4": 215, "A5": 140}[size]
    assert texts[page - 1].count("Figure 4. The new water tower") == 1
    assert "Text after the full-page photo." in texts[page]  # what follows: the next page
    assert "Two photos of the same site" in texts[page - 2]  # no blank page before it
    assert "see figure 4, page" in " ".join(texts[page - 2].split()).lower()


COVER = """cover_image:
  file: {file}
  alt: Houses on a hillside under a clear sky
  credit: "Photo: Field Research Unit"
"""


def _cover(project: Path, file: str = "assets/cover.jpg", placement: str = "") -> None:
    config = project / "report.yml"
    extra = f"  placement: {placement}\n" if placement else ""
    config.write_text(config.read_text() + COVER.format(file=file) + extra)


def _structure(node: object) -> list[tuple[str, str]]:
    """(role, alt text) of every element of the tag tree, in reading order."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, pypdf.generic.ArrayObject):
        return [found for child in node for found in _structure(child)]
    if not isinstance(node, pypdf.generic.DictionaryObject) or "/S" not in node:
        return []
    here = [(str(node["/S"]), str(node.get("/Alt", "")))]
    return here + (_structure(node["/K"]) if "/K" in node else [])


@pytest.mark.parametrize(("size", "placement"), [("A4", ""), ("A5", ""), ("A4", "full")])
def test_a_cover_photo_under_a_legible_title(tiny_project: Path, size: str, placement: str) -> None:
    Image.new("RGB", (2400, 1600), BLUE).save(tiny_project / "assets" / "cover.jpg")
    config = tiny_project / "report.yml"
    config.write_text(config.read_text() + 'brand: {primary: "#1b4d3e"}\n')
    _cover(tiny_project, placement=placement)
    pdf, texts = _build(tiny_project, "--set", f"page_size={size}")
    cover = " ".join(texts[0].split())
    assert "Tiny Report" in cover and "Photo: Field Research Unit" in cover
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    pages = [line.split()[0] for line in listed.stdout.splitlines()[2:] if "2400" in line]
    assert pages == ["1"]  # the photo, on the cover
    (box,) = _boxes(pdf, BLUE).values()
    height_mm = {"A4": 297, "A5": 210}[size]
    left, top, right, bottom = box
    assert left == 0 and top == 0 and abs(_mm(right) - {"A4": 210, "A5": 148}[size]) < 2
    if placement == "full":  # the whole page, the title on the band's panel the photo tints
        first = sorted(pdf.parent.glob("photos-page-*.png"))[0]
        with Image.open(first) as image:
            near_the_foot = image.convert("RGB").getpixel((5, image.height - 5))
        assert isinstance(near_the_foot, tuple)
        primary = (27, 77, 62)  # the brand colour set above, #1b4d3e
        assert near_the_foot != primary and near_the_foot[2] > primary[2] + 5
    else:  # the top, down to the title's band
        assert 0.2 * height_mm < _mm(bottom) < 0.45 * height_mm
    reader = pypdf.PdfReader(io.BytesIO(pdf.read_bytes()))
    tags = _structure(reader.root_object["/StructTreeRoot"].get_object()["/K"])
    assert ("/Figure", "Houses on a hillside under a clear sky") in tags


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("assets/none.jpg", "cover_image.file: no file assets/none.jpg in the project"),
        ("../outside.jpg", "cover_image.file: write a path inside the project"),
        ("/etc/passwd.jpg", "cover_image.file: write a path inside the project"),
        ("https://example.org/x.jpg", "cover_image.file: write a path inside the project"),
        ("assets/link.jpg", "cover_image.file: no file assets/link.jpg in the project"),
        ("assets/notes.jpg", "cover_image.file: assets/notes.jpg is not an image"),
        ("assets/huge.png", "cover_image.file: assets/huge.png is 9000×6000 pixels"),
        ("assets/logo.svg", "cover_image.file: 'assets/logo.svg' is not a JPEG, PNG or WebP"),
    ],
)
def test_a_cover_photo_that_cannot_be_used_is_refused(
    mini_project: Path, tmp_path: Path, file: str, message: str
) -> None:
    outside = tmp_path / "outside.jpg"
    Image.new("RGB", (40, 30), RED).save(outside)
    (mini_project / "assets" / "link.jpg").symlink_to(outside)
    (mini_project / "assets" / "notes.jpg").write_text("not a photo")
    Image.new("1", (9000, 6000)).save(mini_project / "assets" / "huge.png")  # 54 megapixels
    _cover(mini_project, file)
    result = CliRunner().invoke(main, ["check", str(mini_project)])
    assert result.exit_code == 1
    line = (mini_project / "report.yml").read_text().splitlines().index(f"  file: {file}") + 1
    assert f"report.yml:{line}: {message}" in result.output
    assert "Traceback" not in result.output


def test_a_language_s_cover_photo_is_checked_too(mini_project: Path) -> None:
    Image.new("RGB", (40, 30), BLUE).save(mini_project / "assets" / "cover.jpg")
    _cover(mini_project)
    config = mini_project / "report.yml"
    config.write_text(
        config.read_text() + "languages:\n  es:\n    cover_image: {file: assets/es.jpg}\n"
    )
    result = CliRunner().invoke(main, ["check", str(mini_project)])
    assert result.exit_code == 1
    line = config.read_text().splitlines().index("    cover_image: {file: assets/es.jpg}") + 1
    assert f"report.yml:{line}: cover_image.file: no file assets/es.jpg" in result.output


def test_a_cover_photo_needs_its_alt_text(mini_project: Path) -> None:
    Image.new("RGB", (40, 30), BLUE).save(mini_project / "assets" / "cover.jpg")
    config = mini_project / "report.yml"
    config.write_text(config.read_text() + "cover_image:\n  file: assets/cover.jpg\n")
    result = CliRunner().invoke(main, ["check", str(mini_project)])
    assert result.exit_code == 1
    assert "missing required key 'cover_image.alt'" in result.output
