"""render/landscape.py: a table turned onto landscape pages at A5 no longer leaves its
chapter's first page nearly empty: the whole paragraphs after the table that fit go onto
that page, a cross-reference to the table ("Table 3. …, page 5") stands where it was, and no
word is lost or doubled. Real PDFs, read back with pdftotext."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest

from conftest import Word, copy_fixture, read_words
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


def _wide_table(columns: int = 15, rows: int = 4) -> str:
    head = "| Region | " + " | ".join(f"Amount {c}" for c in range(1, columns)) + " |"
    lines = [head, "|" + "---|" * columns]
    for r in range(1, rows + 1):
        cells = " | ".join(f"{1234567 + 1000 * r + c:,}" for c in range(1, columns))
        lines.append(f"| District {r} | {cells} |")
    return "\n".join(lines) + "\n"


def _blocks_chapter() -> str:
    """A table too wide for A4 upright, in a callout, a list item and a quote."""
    table = _wide_table(15)
    indented = "".join(f"    {line}\n" for line in table.splitlines())
    listed = "".join(f"  {line}\n" for line in table.splitlines())
    quoted = "".join(f"> {line}\n" for line in table.splitlines())
    return (
        '# Tables in blocks\n\n!!! note "Monthly figures"\n    CALLOUTLEAD:\n\n'
        f"{indented}\n- LISTLEAD:\n\n{listed}\n> QUOTELEAD:\n>\n{quoted}\nTHEEND.\n"
    )


@dataclass(frozen=True)
class Built:
    """A document of the chapters below at one page size and language, read back."""

    pdf: Path
    pages: list[tuple[float, float]]  # (width, height) in pt
    words: list[Word]
    texts: list[str]  # each page's text, spaces collapsed
    marks: dict[str, int]  # outline title → the page (1-based) it opens


# Each document is laid out several times over (a turned table moves what follows it), so
# the cases share documents: one per page size and language, each case in chapters of its
# own (a chapter starts on a new page: what one case moves cannot reach another's).
# 03-sheets, 04-more: the headings right before a turned table (every size and language);
# 05-blocks: tables in a callout, a list item and a quote (A4, English); 06-results: a
# 9-column table among paragraphs, turned at A5 and B5, upright at A4 (English).
DOCUMENTS = ("A4-en", "A4-fr", "A5-en", "A5-fr", "B5-en", "B5-fr")


def on(*names: str) -> list[Any]:
    """Parameters naming documents: the tests of one document share an xdist group, so
    that one worker lays it out, once (`Documents` keeps it for the session)."""
    return [
        pytest.param(name, marks=pytest.mark.xdist_group(f"landscape-{name}")) for name in names
    ]


class Documents:
    """The documents above, each laid out when a test first asks for it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[str, Built] = {}

    def __call__(self, name: str) -> Built:
        if name not in self.built:
            self.built[name] = _build(self.root / name, *name.split("-"))
        return self.built[name]


@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Documents:
    return Documents(tmp_path_factory.mktemp("landscape"))


def _build(root: Path, size: str, lang: str) -> Built:
    root.mkdir()
    # tiny, not mini: no back page (the contact) laid out again on every pass.
    project_dir = copy_fixture("tiny", root / "project")
    # Too wide for the page upright, not for it turned.
    columns = {"A4": 15, "B5": 12, "A5": 9}[size]
    # A data file's table of 20 rows (a long one: its wrapper may break across pages).
    header = "region," + ",".join(f"amount_{c}" for c in range(1, columns))
    rows = [
        f"District {r}," + ",".join(str(1234567 + 1000 * r + c) for c in range(1, columns))
        for r in range(1, 21)
    ]
    (project_dir / "data" / "sheet.csv").write_text("\n".join([header, *rows]) + "\n", "utf-8")
    content = project_dir / "content"
    # tiny's own chapter would be laid out again on every pass: not needed.
    for chapter in content.glob("*.md"):
        chapter.unlink()
    (content / "03-sheets.md").write_text(
        '# Sheets\n\n{{ table(data.sheet, source="Registry of districts") }}\n', "utf-8"
    )
    (content / "04-more.md").write_text(
        f"# More sheets\n\nOpening paragraph. {SENTENCE}\n\n## Detail by district\n\n"
        + _wide_table(columns)
        + "\nClosing paragraph.\n",
        "utf-8",
    )
    if lang == "en":
        if size == "A4":
            (content / "05-blocks.md").write_text(_blocks_chapter(), "utf-8")
        (content / "06-results.md").write_text(_chapter(), "utf-8")
    config = project_dir / "report.yml"
    text = config.read_text("utf-8").replace("lang: en", f"lang: {lang}")
    config.write_text(text + f"\npage_size: {size}\n", "utf-8")
    with PdfRenderer() as renderer:
        html = render_html(load_project(project_dir), Edition())
        pdf = write_atomic(root / f"{size}-{lang}.pdf", renderer.render(html))
    pages, words = read_words(pdf)
    reader = pypdf.PdfReader(pdf)
    marks = {}
    stack = list(reader.outline)
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            marks[item.title] = reader.get_destination_page_number(item) + 1
    return Built(pdf, pages, words, _page_text(pdf), marks)


def _page_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def _results_pages(built: Built) -> range:
    """The pages (1-based) of the chapter 06-results: from its heading to the last page with
    a paragraph or a row of its table."""
    first = built.marks["Results by district"]
    mine = ("After the table", "of the northern province")
    last = max(n for n, text in enumerate(built.texts, 1) if any(m in text for m in mine))
    assert last >= first, (first, last)
    return range(first, last + 1)


@pytest.mark.parametrize("name", on("A5-en", "B5-en"))
def test_text_after_a_landscape_table_fills_the_page_before_it(
    name: str, documents: Documents
) -> None:
    built = documents(name)
    pages, words, texts = built.pages, built.words, built.texts
    chapter = _results_pages(built)
    landscape = [n for n in chapter if pages[n - 1][0] > pages[n - 1][1]]
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


@pytest.mark.parametrize("name", on("A4-en"))
def test_a_portrait_table_keeps_its_place(name: str, documents: Documents) -> None:
    """At A4 the table fits upright: nothing moves, no reference is added."""
    built = documents(name)
    chapter = _results_pages(built)
    assert all(built.pages[n - 1][0] < built.pages[n - 1][1] for n in chapter)
    whole = " ".join(built.texts[n - 1] for n in chapter)
    assert "Results by district, page" not in " ".join(built.texts)
    caption = re.search(r"Table \d+\. Results by district", whole)
    assert caption, whole
    assert whole.index("paragraph B.") < caption.start() < whole.index("table, paragraph 1.")


@pytest.mark.parametrize("name", on(*DOCUMENTS))
def test_a_heading_right_before_a_landscape_table_goes_onto_its_page(
    name: str, documents: Documents
) -> None:
    """A chapter that is a heading and a table too wide for the page (turned by the renderer),
    and a section heading after a paragraph, right before another: no heading stays behind
    on a portrait page, and the contents give the page the heading is on. The sentence after
    the second table, the last of its chapter, goes under it, not onto a page of its own."""
    built = documents(name)
    pages, texts, marks = built.pages, built.texts, built.marks
    for heading in ("Sheets", "Detail by district"):
        page = marks[heading]
        width, height = pages[page - 1]
        assert width > height, (heading, page, texts[page - 1])  # on the turned page
        assert heading in texts[page - 1]
        assert "1235568" in re.sub(r"\D", "", texts[page - 1])  # the table's first row
    # The long table's source line is turned with it (its wrapper is), not left upright.
    (source,) = [n for n, text in enumerate(texts, 1) if "Registry of districts" in text]
    assert pages[source - 1][0] > pages[source - 1][1], texts[source - 1]
    detail = texts[marks["Detail by district"] - 1]
    assert "Opening paragraph." not in detail
    # The sentence that ends the chapter fits under the table: it is not alone on a page.
    assert "Closing paragraph." in detail, detail
    assert sum("Closing paragraph." in text for text in texts) == 1
    # The contents give the turned page the chapter opens on.
    contents = re.search(r"\bSheets\W*?(\d+)\b", " ".join(texts[1:3]))
    assert contents and int(contents[1]) == marks["Sheets"], (contents, marks)


def test_with_headings_marks_the_headings_and_label_right_before_a_turned_table() -> None:
    from reportbuilder.render.landscape import HEAD, with_headings

    text = (
        '<section class="chapter annex"><div class="annex-label">Annex A</div>\n'
        '<h1 id="a">Sheets</h1>\n<h2 class="x">Detail</h2>\n'
        '<div class="table-wrap rb-fit rb-landscape"><table class="data rb-fit rb-landscape">'
        "</table></div>\n<p>After.</p>\n<h2>Upright</h2>\n<table></table>\n"
        '<h3>Later part</h3><table class="rb-landscape rb-continued"></table></section>'
    )
    marked = with_headings(text)
    assert f'<div class="annex-label {HEAD}">Annex A</div>' in marked
    assert f'<h1 id="a" class="{HEAD}">Sheets</h1>' in marked
    assert f'<h2 class="x {HEAD}">Detail</h2>' in marked
    assert "<h2>Upright</h2>" in marked and "<h3>Later part</h3>" in marked
    assert with_headings(marked) == marked  # once is enough
    assert with_headings("<h1>A</h1><table></table>") == "<h1>A</h1><table></table>"


def test_with_tails_marks_the_blocks_that_end_the_section_after_a_turned_table() -> None:
    from reportbuilder.render.landscape import TAIL, with_tails

    text = (
        '<section class="chapter"><p>Before.</p><table class="rb-landscape"></table>\n'
        '<table class="rb-landscape rb-continued"></table>\n<p>After.</p>\n'
        '<div class="admonition note"><p class="admonition-title">Note</p><p>Text.</p></div>\n'
        "</section>\n<section><p>Next chapter.</p></section>"
    )
    marked = with_tails(text, [0])
    assert f'<p class="{TAIL}">After.</p>' in marked
    assert f'<div class="admonition note {TAIL}"><p class="admonition-title">Note</p>' in marked
    assert "<p>Before.</p>" in marked and "<p>Next chapter.</p>" in marked
    assert marked.count(TAIL) == 2


@pytest.mark.parametrize("name", on("A4-en"))
def test_a_turned_table_in_a_callout_list_item_or_quote_takes_its_block_along(
    name: str, documents: Documents
) -> None:
    """Trial 4 #7: a table turned inside a callout, a list item or a quote split its block
    around it — the lead-in alone in a tinted box stretched down an empty page, the quote's
    bar down another, the heading alone: 13 pages for one short chapter. The block goes onto
    the turned page whole, its heading with it, and the chapter's last line under it."""
    built = documents(name)
    pages, texts = built.pages, built.texts
    first = min(n for n, text in enumerate(texts) if "CALLOUTLEAD" in text)
    last = max(n for n, text in enumerate(texts) if "THEEND" in text)
    chapter = range(first, last + 1)
    assert len(chapter) <= 2, [texts[n][:80] for n in chapter]  # 13 pages before
    for n in chapter:
        width, height = pages[n]
        assert width > height, texts[n][:200]  # every page of the chapter is turned
        assert "1235568" in re.sub(r"\D", "", texts[n]) or "THEEND" in texts[n]
    reader = pypdf.PdfReader(built.pdf)
    [mark] = [
        m for m in reader.outline if not isinstance(m, list) and m.title == "Tables in blocks"
    ]
    assert reader.get_destination_page_number(mark) == first  # the heading is not left behind
    for lead in ("CALLOUTLEAD", "LISTLEAD", "QUOTELEAD"):
        # each lead-in on the page of the table after it (its first row's figure)
        (n,) = [n for n in chapter if lead in texts[n]]
        after = texts[n][texts[n].index(lead) :]
        assert "1,235,568" in after or "1235568" in re.sub(r"\D", "", after), (lead, texts[n])
    assert any("THEEND" in texts[n] for n in chapter)
