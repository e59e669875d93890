"""render/inline_images.py: an image written inside a sentence and too wide to share its
line is set on a line of its own, so the words before it are not stretched across the line;
a small icon stays in its line. Real PDFs, read back with pdftotext and pypdf."""

from __future__ import annotations

import itertools
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from conftest import Word, copy_fixture, read_words
from reportbuilder import Edition, PdfRenderer, load_project, render_html, write_atomic
from reportbuilder.render.inline_images import OWN_LINE, with_own_line

pytestmark = pytest.mark.pdf

TEXT = (
    "# Pictures\n\n"
    "The survey teams found the wells in poor repair, as the picture ![a wide band]"
    "(assets/wide.png) shows for the northern district, and the committees asked for help.\n\n"
    "A marker ![dot](assets/dot.png) stands in this sentence among its words, as icons do.\n"
)


def _gaps(words: list[Word], page: int, first: str) -> list[float]:
    """The spaces between the words of the line that starts with `first` on `page`."""
    start = next(w for w in words if w.page == page and w.text == first)
    line = [w for w in words if w.page == page and abs(w.y1 - start.y1) < 1.0]
    line.sort(key=lambda w: w.x0)
    return [b.x0 - a.x1 for a, b in itertools.pairwise(line)]


def test_a_wide_image_in_a_sentence_gets_its_own_line(tmp_path: Path) -> None:
    project_dir = copy_fixture("tiny", tmp_path / "p")
    Image.new("RGB", (2000, 300), (30, 90, 160)).save(project_dir / "assets" / "wide.png")
    Image.new("RGB", (16, 16), (200, 40, 40)).save(project_dir / "assets" / "dot.png")
    (project_dir / "content" / "03-pictures.md").write_text(TEXT, "utf-8")
    with PdfRenderer() as renderer:
        html = render_html(load_project(project_dir), Edition())
        pdf = write_atomic(tmp_path / "p.pdf", renderer.render(html))
    pages, words = read_words(pdf)
    page = next(w.page for w in words if w.text == "repair,")
    # The line before the picture is set with ordinary spaces (it was stretched across the
    # whole line, some 20 pt between words).
    gaps = _gaps(words, page, "The")
    assert gaps and max(gaps) < 6.0, gaps
    before = next(w for w in words if w.page == page and w.text == "picture")
    after = next(w for w in words if w.page == page and w.text == "shows")
    assert after.y0 > before.y1 + 40, "the picture stands between the two lines"
    # The icon stays in its sentence: "marker" and "stands" on one line.
    marker = next(w for w in words if w.text == "marker")
    stands = next(w for w in words if w.text == "stands")
    assert abs(marker.y1 - stands.y1) < 1.0 and stands.x0 - marker.x1 < 30
    # Both pictures are printed, the wide one within the text block.
    reader = pypdf.PdfReader(pdf)
    sizes = sorted(image.image.size for image in reader.pages[page - 1].images)
    assert sizes == [(16, 16), (2000, 300)], sizes
    width = pages[page - 1][0]
    assert all(w.x0 >= 0 and w.x1 <= width for w in words if w.page == page)


def test_with_own_line_marks_only_the_images_named() -> None:
    text = '<p>a <img src="x.png"> b <img class="half" src="y.png"> <img src="z.png"></p>'
    out = with_own_line(text, {1, 2})
    assert out == (
        f'<p>a <img src="x.png"> b <img class="{OWN_LINE} half" src="y.png"> '
        f'<img class="{OWN_LINE}" src="z.png"></p>'
    )
    assert with_own_line(text, set()) == text
