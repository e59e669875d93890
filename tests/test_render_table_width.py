"""A table too wide for its page is refused at its line, measured in the layout (no estimate
of the type's width can let one through), and a wide table that can fit does fit: trial 3's
14-column table at B5 lost its last columns off a turned page with no error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import one_chapter_project, read_words
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf

HEADINGS = [
    "Identifiant", "Département", "Population municipale", "Superficie totale",
    "Densité moyenne", "Ménages recensés", "Logements vacants", "Résidences secondaires",
    "Propriétaires occupants", "Locataires privés", "Locataires sociaux", "Taux de chômage",
    "Revenu médian", "Part des retraités",
]  # fmt: skip
ROW = ["D01", "Bouches-du-Rhône", 1234567, 5087.5, 456.3, 123456, 23456, 3456, 56.5, 23.4,
       12.1, 9.8, 21345, 27.3]  # fmt: skip


def wide_project(root: Path, chapter: str, page_size: str) -> Path:
    one_chapter_project(root, "Wide", chapter)
    (root / "report.yml").write_text(f"title: Wide\nlang: fr\npage_size: {page_size}\n")
    return root


@pytest.mark.parametrize("page_size", ["B5", "A4"])
def test_fourteen_number_columns_fit_a_turned_page_whole(tmp_path: Path, page_size: str) -> None:
    """The headings of number columns wrap between words like the others (kept on one line
    they took 243 mm at B5, and the last five columns were cut off the turned page)."""
    root = wide_project(tmp_path / "p", "# Un\n\n{{ table(data.wide) }}\n", page_size)
    rows = [",".join(HEADINGS)] + [",".join(map(str, ROW))] * 4
    (root / "data" / "wide.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "past the right edge" not in result.output
    sizes, words = read_words(next((root / "out").glob("*.pdf")))
    table_page = next(w.page for w in words if w.text == "Identifiant")
    width, height = sizes[table_page - 1]
    assert width > height  # turned
    shown = {w.text for w in words if w.page == table_page and w.x1 <= width - 20}
    for heading in HEADINGS:
        assert set(heading.split()) <= shown, heading
    assert {"retraités", "27,3", "087,5"} <= shown  # the last column, the fourth


def test_a_table_cut_by_the_page_is_refused_at_its_line(tmp_path: Path) -> None:
    """Ten columns of "1 234 567,89" pass `table()`'s estimate (1.2 mm a character) and do
    not fit a turned A5 page; a Markdown table of 26 long words does not either. Each is
    refused at its own line, naming the columns that would be lost; nothing is written."""
    columns = [f"Montant {c}" for c in "ABCDEFGHIJ"]
    markdown = "\n".join([
        "| " + " | ".join(f"Heading{c}" for c in range(26)) + " |",
        "|" + "---|" * 26,
        "| " + " | ".join(f"Value{c}xyz" for c in range(26)) + " |",
    ])  # fmt: skip
    chapter = f"# Un\n\n{{{{ table(data.big) }}}}\n\nTexte.\n\n{markdown}\n"
    root = wide_project(tmp_path / "p", chapter, "A5")
    rows = [",".join(columns)] + [",".join(["1234567.89"] * 10)] * 3
    (root / "data" / "big.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("content/01.md:3: a table on page ")
    assert "too wide even on a landscape page" in lines[0] and '"Montant J"' in lines[0]
    assert lines[1].startswith("content/01.md:7: a table on page ")
    assert '"Heading25"' in lines[1] or "more would be cut off" in lines[1]
    assert "Traceback" not in result.output
    assert not (root / "out").exists()


def test_a_table_in_a_list_item_or_a_quote_is_refused_like_any_other(tmp_path: Path) -> None:
    """Trial 4 #6: the list item or quote around a too-wide table was the box reported (a
    warning, exit 0, the "Total" column cut to "Tota"); the table itself is now fitted,
    turned, and refused at its own line. Two tables with the same headings: two lines."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    table = [
        "| region | " + " | ".join(months) + " | Total |",
        "|" + "---|" * 14,
        "| North | " + " | ".join(["123,456"] * 12) + " | 5,123,456 |",
    ]
    listed = "\n".join("  " + row for row in table)
    quoted = "\n".join("> " + row for row in table)
    chapter = f"# Blocks\n\n- An item with a table:\n\n{listed}\n\n- Next\n\nQuoted:\n\n{quoted}\n"
    root = one_chapter_project(tmp_path / "p", "Blocks", chapter)
    (root / "report.yml").write_text("title: Blocks\nlang: en\npage_size: A5\n")
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("content/01.md:5: a table on page ")
    assert lines[1].startswith("content/01.md:13: a table on page ")
    assert all('"Total" would be cut off' in line or '"Total"' in line for line in lines[:2])
    assert "past the right edge" not in result.output
    assert not (root / "out").exists()
