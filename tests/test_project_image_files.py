"""project.image_files: one answer, in a writer's words, to "can the renderer use this image
file?" — so that `check` finds every image `build` drops, and no message quotes a Python
object (`<_io.BytesIO object at 0x…>`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from reportbuilder.cli import main
from reportbuilder.errors import Problem, Stage, without_reprs
from reportbuilder.limits import MAX_IMAGE_PIXELS
from reportbuilder.project.image_files import image_problem, what_bytes
from test_markdown_code import project_with

GIF_JUNK = b"GIF89a\x01\x00garbage that is no image at all"


def _png(path: Path, size: tuple[int, int]) -> Path:
    Image.new("1", size).save(path)  # one bit a pixel: a big image in a small file
    return path


def test_a_good_image_has_no_problem(tmp_path: Path) -> None:
    assert image_problem(_png(tmp_path / "ok.png", (40, 30))) is None
    Image.new("RGB", (4, 4)).save(tmp_path / "real.gif")
    Image.new("RGB", (4, 4)).save(tmp_path / "named.png", "GIF")  # Pillow reads it all the same
    assert image_problem(tmp_path / "real.gif") is None
    assert image_problem(tmp_path / "named.png") is None


def test_what_the_renderer_would_drop_is_said_plainly(tmp_path: Path) -> None:
    big = _png(tmp_path / "big.png", (8000, 6000))
    assert MAX_IMAGE_PIXELS < 8000 * 6000
    assert image_problem(big) == "too large (48 megapixels; the limit is 40)"
    (tmp_path / "fake.png").write_bytes(GIF_JUNK)
    assert image_problem(tmp_path / "fake.png") == (
        "not a PNG image Pillow can read (its bytes are a GIF image)"
    )
    (tmp_path / "page.jpg").write_text("<!DOCTYPE html><html></html>")
    assert image_problem(tmp_path / "page.jpg") == (
        "not a JPEG image Pillow can read (its bytes are an HTML page)"
    )
    (tmp_path / "empty.png").write_bytes(b"")
    assert image_problem(tmp_path / "empty.png") == (
        "not a PNG image Pillow can read (its bytes are empty)"
    )
    data = (tmp_path / "ok.png").write_bytes(b"") or _png(tmp_path / "ok.png", (50, 50))
    (tmp_path / "cut.png").write_bytes(data.read_bytes()[:60])
    problem = image_problem(tmp_path / "cut.png")
    assert problem is not None and problem.startswith("a broken PNG file (")


def test_svg_is_left_to_the_renderer_unless_it_is_a_use_bomb(tmp_path: Path) -> None:
    (tmp_path / "x.svg").write_text("not svg")
    assert image_problem(tmp_path / "x.svg") is None
    (tmp_path / "ok.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><rect id="r" width="1" height="1"/>'
        "</defs>" + '<use href="#r"/>' * 2000 + "</svg>"
    )
    assert image_problem(tmp_path / "ok.svg") is None
    (tmp_path / "loop.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><g><use href="#a"/></g></g></svg>'
    )
    assert image_problem(tmp_path / "loop.svg") == (
        'its <use href="#a"> draws itself (a loop); remove it'
    )
    assert image_problem(_use_bomb(tmp_path / "bomb.svg", levels=9)) == BOMB


def test_a_long_chain_of_use_is_counted_without_recursion(tmp_path: Path) -> None:
    links = "".join(f'<g id="g{i}"><use href="#g{i - 1}"/></g>' for i in range(1, 5000))
    (tmp_path / "chain.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">'
        f'<defs><g id="g0"/>{links}</defs><use href="#g4999"/></svg>'
    )
    assert image_problem(tmp_path / "chain.svg") is None  # 5000 levels, 10 000 shapes
    (tmp_path / "drawn.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><g id="g0"/>{links}</svg>'
    )
    assert image_problem(tmp_path / "drawn.svg") == BOMB  # each group drawn: 5000²


BOMB = (
    "an SVG drawing of more than 200,000 shapes once its <use> copies are counted (it would "
    "hold the layout for minutes); simplify it or use a PNG"
)


def _use_bomb(path: Path, levels: int) -> Path:
    """The trial's 2 KB drawing of 10**levels rectangles: each group uses the last ten times."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="400" height="400"><defs><g id="g0"><rect width="1" height="1"/></g>'
    ]
    for i in range(1, levels + 1):
        uses = "".join(f'<use xlink:href="#g{i - 1}" x="{j}"/>' for j in range(10))
        parts.append(f'<g id="g{i}">{uses}</g>')
    parts.append(f'</defs><use xlink:href="#g{levels}"/></svg>')
    path.write_text("".join(parts))
    return path


@pytest.mark.pdf
def test_check_and_build_refuse_a_use_bomb_at_its_line_quickly(tmp_path: Path) -> None:
    import time

    chapter = "# Drawings\n\nText.\n\n![A use bomb](assets/bomb.svg)\n"
    project = project_with(tmp_path, **{"01": chapter})
    _use_bomb(project / "assets" / "bomb.svg", levels=9)
    expected = f"content/01.md:5: assets/bomb.svg: {BOMB}"
    for command in (["check"], ["build", "-o", str(tmp_path / "r.pdf"), "--timeout", "60"]):
        started = time.monotonic()
        result = CliRunner().invoke(main, [*command, str(project)])
        assert result.exit_code == 1, result.output
        assert result.stderr.splitlines() == [expected]
        assert time.monotonic() - started < 30  # the layout was never started
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.pdf
def test_merge_refuses_a_use_bomb_before_any_copy_is_laid_out(tmp_path: Path) -> None:
    """`merge` loads the project on its own: it refused nothing and laid the bomb out for
    every row until the time limit."""
    import time

    chapter = "# Drawings\n\nText.\n\n![A use bomb](assets/bomb.svg)\n"
    project = project_with(tmp_path, **{"01": chapter})
    _use_bomb(project / "assets" / "bomb.svg", levels=9)
    requesters = tmp_path / "req.csv"
    requesters.write_text("name,email\nAna,ana@example.org\nBo,bo@example.org\n", "utf-8")
    out = tmp_path / "copies"
    started = time.monotonic()
    result = CliRunner().invoke(
        main, ["merge", str(project), str(requesters), "-o", str(out), "--timeout", "60"]
    )
    assert result.exit_code == 1, result.output
    assert f"content/01.md:5: assets/bomb.svg: {BOMB}" in result.stderr.splitlines()
    assert time.monotonic() - started < 30
    assert not any(out.glob("*.pdf")) if out.exists() else True


def test_bytes_and_reprs() -> None:
    assert what_bytes(b"%PDF-1.7") == "a PDF document"
    assert what_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "a WebP image"
    assert what_bytes(b"\x00\x01") == "unknown data"
    assert without_reprs("cannot identify image file <_io.BytesIO object at 0x7f5534185a80>") == (
        "cannot identify image file the data"
    )
    # Any problem, whoever words it: no Python object name reaches a reader.
    problem = Problem(
        "a.png", 1, "failed on <PIL.Image.Image object at 0xDEAD01>", stage=Stage.RENDER
    )
    assert str(problem) == "a.png:1: failed on the data"


CHAPTER = "# Pictures\n\nText.\n\n![A big one](assets/big.png)\n\n![A fake](assets/fake.png)\n"


def _project(tmp_path: Path) -> Path:
    project = project_with(tmp_path, **{"01": CHAPTER})
    _png(project / "assets" / "big.png", (8000, 6000))
    (project / "assets" / "fake.png").write_bytes(GIF_JUNK)
    return project


EXPECTED = [
    "content/01.md:5: image assets/big.png not used: too large (48 megapixels; the limit is 40)",
    "content/01.md:7: image assets/fake.png not used: not a PNG image Pillow can read (its "
    "bytes are a GIF image)",
]


def test_check_finds_the_images_build_drops(tmp_path: Path) -> None:
    """Errors since trial 6 #12 (they were warnings, and the figures printed without their
    pictures, exit 0)."""
    result = CliRunner().invoke(main, ["check", str(_project(tmp_path))])
    assert result.exit_code == 1, result.output
    assert [line for line in result.stderr.splitlines() if "image" in line] == EXPECTED


@pytest.mark.pdf
def test_build_says_the_same_as_check_and_no_python_repr(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1, result.output
    assert [line for line in result.stderr.splitlines() if "image" in line] == EXPECTED
    assert not re.search(r"object at 0x", result.stderr)
    assert not (tmp_path / "r.pdf").exists()  # no figure printed without its picture


@pytest.mark.pdf
def test_a_file_outside_the_project_is_not_read_to_describe_it(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"%PDF-1.7 a document the project may not read")
    project = project_with(tmp_path / "p", **{"01": "# T\n\n![x](../../secret.png)\n"})
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1, result.output  # a figure never prints without its picture
    assert "content/01.md:3: refused" in result.stderr and "outside the project" in result.stderr
    assert "its bytes" not in result.stderr and "PDF" not in result.stderr
    check = CliRunner().invoke(main, ["check", str(project)])
    assert "outside the project" in check.stderr and "its bytes" not in check.stderr
