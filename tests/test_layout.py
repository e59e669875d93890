"""The layout fixture (a 14-column table, a long code line, a 3 000 px inline image, four key
figures, three contact cards, a 60-row table, long URLs, two charts) built at A4, A5 and
letter, and read back with the positions of its words (`pdftotext -bbox-layout`): nothing
lies outside the text block or the page, every value of every month is there, no table row
is split over two pages, no text is set below 7 pt, and the build reports no overflow."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, Word, read_words
from reportbuilder.cli import main
from reportbuilder.compose.formatting import Formatter

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

PT_PER_MM = 72 / 25.4
LEFT_MM, RIGHT_MM = 22, 20  # the base theme's side margins
TOLERANCE_PT = 1.0
# pdftotext's word box is the font's ascent + descent: 1.21 em for Inter, more for Noto Serif.
# 7 pt of Inter is 8.47 pt high; 6.9 pt would be 8.35.
MIN_WORD_HEIGHT_PT = 8.4


@dataclass(frozen=True)
class Built:
    size: str
    pdf: Path
    stderr: str
    pages: list[tuple[float, float]]  # (width, height) in pt
    words: list[Word]

    def page_words(self, page: int) -> list[str]:
        return [w.text for w in self.words if w.page == page]

    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@pytest.fixture(scope="module", params=["A4", "A5", "letter"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    size = request.param
    root = tmp_path_factory.mktemp(f"layout-{size}")
    project = root / "layout"
    shutil.copytree(FIXTURES / "layout", project)
    config = project / "report.yml"
    config.write_text(config.read_text() + f"page_size: {size}\n")
    pdf = root / "layout.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    pages, words = read_words(pdf)
    return Built(size, pdf, result.stderr, pages, words)


def test_the_build_reports_no_overflow(built: Built) -> None:
    assert "past the" not in built.stderr, built.stderr


def test_no_word_outside_the_text_block_or_the_page(built: Built) -> None:
    outside = []
    for word in built.words:
        width, height = built.pages[word.page - 1]
        if word.page == 1:
            continue  # the cover has no text block: its band runs to the edges
        left = LEFT_MM * PT_PER_MM - TOLERANCE_PT
        right = width - RIGHT_MM * PT_PER_MM + TOLERANCE_PT
        if word.x0 < left or word.x1 > right or word.y0 < 0 or word.y1 > height:
            outside.append((word.page, word.text, round(word.x0), round(word.x1)))
    assert outside == [], f"{built.size}: words outside the text block: {outside[:10]}"


def test_every_month_of_every_country_is_printed(built: Built) -> None:
    fmt = Formatter("en")
    text = built.text()
    with (FIXTURES / "layout" / "data" / "monthly.csv").open() as file:
        rows = list(csv.DictReader(file))
    # The column headings are report.yml's labels for the language, not the file's names.
    for label in ("Country of origin", "Jan", "Jun", "Nov", "Dec", "Total"):
        assert label in text
    assert not {"jan", "feb", "dec"} & {w.text for w in built.words}
    missing = [
        (row["country"], column, row[column])
        for row in rows
        for column in row
        if column != "country" and fmt.number(int(row[column])) not in text
    ]
    assert missing == [], f"{built.size}: values missing from the PDF: {missing[:10]}"


def test_no_table_row_is_split_over_two_pages(built: Built) -> None:
    fmt = Formatter("en")
    with (FIXTURES / "layout" / "data" / "cases.csv").open() as file:
        cases = list(csv.DictReader(file))
    pages_of: dict[str, set[int]] = {}
    for word in built.words:
        pages_of.setdefault(word.text, set()).add(word.page)
    split = []
    for row in cases:
        (case,) = [w for w in built.words if w.text == row["case"]]
        # The row's other cells are on the case's page, on its line.
        line = {w.text for w in built.words if w.page == case.page and abs(w.y0 - case.y0) < 2}
        # An ISO date column prints as a date (`Feb 2, 2026`): its year is a word of the line.
        year = fmt.date(dt.date.fromisoformat(row["date"]), "medium").split()[-1]
        expected = {year, row["province"].split()[0], row["assisted"]}
        if not expected <= line:
            split.append((row["case"], sorted(expected - line)))
    assert split == []
    with (FIXTURES / "layout" / "data" / "monthly.csv").open() as file:
        for row in csv.DictReader(file):
            first = row["country"].split()[0]
            total = fmt.number(int(row["total"]))
            assert pages_of[first] & pages_of[total], f"{row['country']} and its total apart"


def test_no_text_is_smaller_than_7_pt(built: Built) -> None:
    small = [
        (w.page, w.text, round(w.y1 - w.y0, 2))
        for w in built.words
        if w.y1 - w.y0 < MIN_WORD_HEIGHT_PT
    ]
    assert small == [], f"{built.size}: text below 7 pt: {small[:10]}"


def test_four_key_figures_and_three_cards_are_whole(built: Built) -> None:
    text = built.text()
    for value in ("1,284,503", "48,211", "14", "37.5%"):
        assert value in text
    for name in ("Alex", "Sam", "Jo", "field.coordination.north@example.org"):
        assert name in text


def test_a_long_table_says_continued_on_each_later_page(built: Built) -> None:
    pages = [n for n in range(1, len(built.pages) + 1) if "C-001" in built.page_words(n)] + [
        n for n in range(1, len(built.pages) + 1) if "C-060" in built.page_words(n)
    ]
    first, last = pages[0], pages[-1]
    assert last > first
    for page in range(first, last + 1):
        words = " ".join(built.page_words(page))
        assert "Table 2. Cases opened during the year" in words
        assert ("(continued)" in words) == (page != first), page


def test_a_csv_table_can_have_a_total_row(built: Built) -> None:
    with (FIXTURES / "layout" / "data" / "cases.csv").open() as file:
        assisted = sum(int(row["assisted"]) for row in csv.DictReader(file))
    words = built.words
    (total,) = [w for w in words if w.text == "Total" and w.page > 3 and w.x0 < 100]
    line = [w.text for w in words if w.page == total.page and abs(w.y0 - total.y0) < 2]
    assert Formatter("en").number(assisted) in line
