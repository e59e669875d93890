"""The contents' dot leaders drawn as runs of dots (`render/leaders.py`): the same page for
less work. Every number in the contents is the page its heading is on, read back from a real
build with pdftotext and the links' destinations."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from conftest import copy_example
from reportbuilder import Edition, load_project, render_html
from reportbuilder.cli import main
from reportbuilder.render import leaders

pytestmark = pytest.mark.pdf


def _repeat_chapters(project: Path, times: int) -> Path:
    """The example with its (French) chapters copied `times` times: a long contents."""
    chapters = [p for p in sorted((project / "content").glob("*.md")) if p.suffixes == [".md"]]
    for copy in range(1, times):
        for chapter in chapters:
            shutil.copy(chapter, chapter.with_name(f"{chapter.stem}-{copy:02d}.md"))
    return project


@pytest.fixture(scope="module")
def contents_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example three times: a contents long enough that its leaders are most of the work
    (the cost of both ways grows with the entries: the ratio is the same at six times), and
    42 entries over two pages (19 pages in all)."""
    return _repeat_chapters(copy_example(tmp_path_factory.mktemp("leaders") / "ex"), 3)


@pytest.fixture(scope="module")
def contents_html(contents_project: Path) -> str:
    """The report's HTML with the chapters' bodies emptied to their headings: the contents and
    its targets, so that the contents is most of the work."""
    text = render_html(load_project(contents_project), Edition()).text

    def headings_only(match: re.Match[str]) -> str:
        found = re.findall(r"<h[1-4][^>]*>.*?</h[1-4]>", match.group(2), re.S)
        return match.group(1) + "\n".join(found) + "</section>"

    pattern = r'(<section class="chapter[^"]*"[^>]*>)(.*?)</section>'
    return re.sub(pattern, headings_only, text, flags=re.S)


def _render(html: str, base: Path) -> tuple[Any, bytes, float]:
    """(document, PDF, CPU seconds of layout and writing)."""
    import weasyprint

    started = time.process_time()
    document = weasyprint.HTML(string=html, base_url=f"{base.as_uri()}/").render(pdf_tags=True)
    data = document.write_pdf(pdf_tags=True) or b""
    return document, data, time.process_time() - started


def _contents_pages(data: bytes) -> list[int]:
    texts = [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    pages = [i for i, text in enumerate(texts) if re.search(r"\.{20,}\s*\d+", text)]
    assert pages, "no page with leader dots"
    return pages


def _pixels(data: bytes, page: int, tmp: Path, name: str) -> Image.Image:
    (tmp / f"{name}.pdf").write_bytes(data)
    args = [
        "pdftoppm",
        "-r",
        "100",
        "-f",
        str(page + 1),
        "-l",
        str(page + 1),
        "-png",
        "-singlefile",
    ]
    subprocess.run([*args, str(tmp / f"{name}.pdf"), str(tmp / name)], check=True)
    return Image.open(tmp / f"{name}.png").convert("L")


def _text_boxes(document: Any, pages: list[int]) -> int:
    from weasyprint.formatting_structure import boxes

    def count(box: Any) -> int:
        own = isinstance(box, boxes.TextBox)
        return own + sum(count(child) for child in getattr(box, "children", ()))

    return sum(count(document.pages[page]._page_box) for page in pages)


def test_installed_under_the_pinned_weasyprint() -> None:
    # If this fails after a WeasyPrint upgrade, the leaders are drawn the slow way again.
    assert leaders.install()


@dataclass(frozen=True)
class Rendered:
    """The contents rendered with our leaders and with WeasyPrint's, each the last of two
    runs; CPU seconds of the contents alone (best of two, less the same without it: the
    second of two runs, the first reading the fonts and stylesheets)."""

    ours: Any
    our_pdf: bytes
    stock: Any
    stock_pdf: bytes
    our_seconds: float
    stock_seconds: float


@pytest.fixture(scope="module")
def rendered(contents_html: str, contents_project: Path) -> Iterator[Rendered]:
    """Both renderings, made once for the comparison of their pages and of their cost."""
    no_contents = re.sub(r'<nav class="toc".*?</nav>', "", contents_html, flags=re.S)
    assert no_contents != contents_html
    assert leaders.install()
    _render(no_contents, contents_project)  # fonts and stylesheets read once
    base = _render(no_contents, contents_project)[2]
    our_runs = [_render(contents_html, contents_project) for _ in range(2)]
    leaders.uninstall()
    try:
        stock_runs = [_render(contents_html, contents_project) for _ in range(2)]
    finally:
        assert leaders.install()
    yield Rendered(
        our_runs[-1][0],
        our_runs[-1][1],
        stock_runs[-1][0],
        stock_runs[-1][1],
        min(run[2] for run in our_runs) - base,
        min(run[2] for run in stock_runs) - base,
    )


def test_the_contents_looks_the_same_with_a_twentieth_of_the_text_boxes(
    rendered: Rendered, tmp_path: Path
) -> None:
    ours, our_pdf = rendered.ours, rendered.our_pdf
    stock, stock_pdf = rendered.stock, rendered.stock_pdf
    pages = _contents_pages(stock_pdf)
    assert pages == _contents_pages(our_pdf)
    ours_reader = pypdf.PdfReader(io.BytesIO(our_pdf))
    stock_reader = pypdf.PdfReader(io.BytesIO(stock_pdf))
    for page in pages:
        # The same characters (pypdf guesses spaces from the gaps between text runs).
        ours_text = "".join(ours_reader.pages[page].extract_text().split())
        assert ours_text == "".join(stock_reader.pages[page].extract_text().split())
        a = _pixels(stock_pdf, page, tmp_path, f"stock{page}")
        b = _pixels(our_pdf, page, tmp_path, f"ours{page}")
        difference = ImageChops.difference(a, b)
        # Only anti-aliasing: no pixel turns from ink to paper (a dot moved a pixel or more).
        histogram = difference.histogram()
        assert sum(histogram[160:]) == 0, f"page {page + 1}: a dot moved"
        assert sum(histogram[40:]) < 0.002 * a.width * a.height
    assert _text_boxes(ours, pages) * 10 < _text_boxes(stock, pages)


def test_the_contents_costs_less_than_half(rendered: Rendered) -> None:
    """CPU time (not wall time: the machine may be busy) of the contents, measured as the
    document with the contents minus the same without it, best of two runs each."""
    ours, stock = rendered.our_seconds, rendered.stock_seconds
    assert ours < 0.5 * stock, f"contents: {ours:.2f} s against {stock:.2f} s with stock leaders"


Word = tuple[float, float, float, float, str]


def _words(pdf: Path, page: int) -> list[Word]:
    """(x min, y min, x max, y max, word) of a page, in points from the top (pdftotext)."""
    args = ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(pdf), "-"]
    xhtml = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    pattern = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    return [(*(float(v) for v in found[:4]), found[4]) for found in re.findall(pattern, xhtml)]


def _object_number(page: Any) -> int:
    reference = page if isinstance(page, pypdf.generic.IndirectObject) else page.indirect_reference
    return int(reference.idnum)


def test_every_contents_number_is_the_page_of_its_heading(
    contents_project: Path, tmp_path: Path
) -> None:
    """For every link in the contents (on both its pages): the number printed at the end of
    its line is the page the link goes to, and the heading is on that page; numbers are
    right-aligned."""
    out = tmp_path / "long.pdf"
    result = CliRunner().invoke(main, ["build", str(contents_project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    page_of = {_object_number(page): i for i, page in enumerate(reader.pages)}
    destinations = {name: dest.page for name, dest in reader.named_destinations.items()}
    texts = [page.extract_text() or "" for page in reader.pages]
    checked = 0
    contents = _contents_pages(out.read_bytes())
    assert len(contents) == 2
    for index in contents:
        page = reader.pages[index]
        height = float(page.mediabox.height)
        words = _words(out, index)
        # An entry's link may come in several rectangles (one a line, one a nested box): the
        # number ends the entry's last line.
        entries: dict[str, tuple[int, float, float]] = {}
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            dest = link.get("/Dest")
            if dest is None:
                continue
            target = destinations[str(dest)] if isinstance(dest, str) else dest[0]
            _, y0, _, y1 = (float(v) for v in link["/Rect"])
            top, bottom = height - max(y0, y1), height - min(y0, y1)
            key = str(dest)
            if key not in entries or entries[key][2] < bottom:
                entries[key] = (page_of[_object_number(target)], top, bottom)
        right_edges: set[float] = set()  # of the numbers
        for key, (target_index, top, bottom) in entries.items():
            line = sorted((w for w in words if w[1] < bottom and w[3] > top), key=lambda w: w[0])
            assert line and line[-1][4].isdigit(), f"page {index + 1}: no number in {line}"
            assert int(line[-1][4]) == target_index + 1, (key, line)
            # Leader dots start on a grid: one may touch the title's last letter, and a
            # text reader then makes one word of them.
            first = line[0][4].split("..")[0]
            assert first in texts[target_index], f"{first!r} not on its page"
            right_edges.add(line[-1][2])
            checked += 1
        assert max(right_edges) - min(right_edges) < 0.5, right_edges
    assert checked > 40, checked  # 42 entries
