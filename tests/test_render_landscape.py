"""render/landscape.py: a table turned onto landscape pages at A5 no longer leaves its
chapter's first page nearly empty: the whole paragraphs after the table that fit go onto
that page, a cross-reference to the table ("Table 3. …, page 5") stands where it was, and no
word is lost or doubled. Real PDFs, read back with pdftotext."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import copy_fixture, read_words
from reportbuilder import Edition, PdfRenderer, load_project, render_html, write_atomic

pytestmark = pytest.mark.pdf

SENTENCE = (
    "The survey teams visited every district twice, once in the dry season and once after "
    "the rains, and asked the same questions of the same households. "
)


def _chapter(rows: int = 30) -> str:
    head = "| Region | " + " | ".join(f"Households counted {c}" for c in range(1, 9)) + " |"
    lines = [head, "|" + "---|" * 9]
    for r in range(1, rows + 1):
        cells = " | ".join(str(100 * r + c) for c in range(1, 9))
        lines.append(f"| District number {r} of the northern province | {cells} |")
    after = "\n\n".join(f"After the table, paragraph {n}. {SENTENCE * 3}" for n in range(1, 6))
    return (
        "# Results by district\n\n"
        f"Before the table, paragraph A. {SENTENCE * 3}\n\nBefore the table, paragraph B. "
        f"{SENTENCE}\n\n" + "\n".join(lines) + "\n\nTable: Results by district\n\n" + after + "\n"
    )


def _build(tmp_path: Path, size: str) -> Path:
    project_dir = copy_fixture("mini", tmp_path / size)
    (project_dir / "content" / "03-results.md").write_text(_chapter(), "utf-8")
    config = project_dir / "report.yml"
    config.write_text(config.read_text("utf-8") + f"\npage_size: {size}\n", "utf-8")
    with PdfRenderer() as renderer:
        html = render_html(load_project(project_dir), Edition())
        return write_atomic(tmp_path / f"{size}.pdf", renderer.render(html))


def _page_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


@pytest.mark.parametrize("size", ["A5", "B5"])
def test_text_after_a_landscape_table_fills_the_page_before_it(tmp_path: Path, size: str) -> None:
    pdf = _build(tmp_path, size)
    pages, words = read_words(pdf)
    texts = _page_text(pdf)
    landscape = [n for n, (w, h) in enumerate(pages, 1) if w > h]
    assert landscape, "the 9-column table is turned"
    first = landscape[0]
    before = texts[first - 2]
    assert "Before the table, paragraph B." in before
    # The page before the table holds the text that follows it, not a few lines alone.
    assert "After the table, paragraph 1." in before, before
    # Where the table stood: a cross-reference to it with its page, before the moved text.
    found = re.search(rf"Table \d+\. Results by district, page {first}\b", before)
    assert found, before
    reference = found[0]
    assert before.index("paragraph B.") < before.index(reference) < before.index("paragraph 1.")
    # The table's pages hold no paragraph; every paragraph is printed once, in order.
    for number in landscape:
        assert "paragraph" not in texts[number - 1]
    whole = " ".join(texts)
    order = [whole.index(f"After the table, paragraph {n}.") for n in range(1, 6)]
    assert order == sorted(order)
    for n in range(1, 6):
        assert whole.count(f"After the table, paragraph {n}.") == 1
    assert all(whole.count(f"{100 * r + 8}") >= 1 for r in range(1, 31))
    # The page before the table is well filled: its last word is in the lower fifth.
    height = pages[first - 2][1]
    lowest = max(w.y1 for w in words if w.page == first - 1 and w.y1 < height * 0.92)
    assert lowest > height * 0.7, (lowest, height)


def test_a_portrait_table_keeps_its_place(tmp_path: Path) -> None:
    """At A4 the table fits upright: nothing moves, no reference is added."""
    texts = _page_text(_build(tmp_path, "A4"))
    whole = " ".join(texts)
    assert "Results by district, page" not in whole
    caption = re.search(r"Table \d+\. Results by district", whole)
    assert caption, whole
    assert whole.index("paragraph B.") < caption.start() < whole.index("table, paragraph 1.")
