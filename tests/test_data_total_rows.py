"""A table's own total row (trial 2, #18): recognised by its first cell in six languages,
printed as the total row instead of a second total, checked against the rows above it, and
a `| sum` over it warned; in a PDF built through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.project.data.total_rows import is_total_label, own_total
from test_data_office_sheets import project, sheet_file

pytestmark = pytest.mark.pdf


@pytest.mark.parametrize(
    ("text", "total"),
    [("Total", True), (" TOTAL GENERAL ", True), ("Total général", True), ("Summe:", True),
     ("Gesamt", True), ("Totale complessivo", True), ("Soma", True), ("Suma total", True),
     ("Grand total", True), ("Summer", False), ("Totalitarian", False), ("North", False),
     (200, False), (None, False)],
)  # fmt: skip
def test_total_labels(text: object, total: bool) -> None:
    assert is_total_label(text) is total


def test_only_a_last_row_that_is_not_the_only_one() -> None:
    rows = [{"a": "Total", "n": 1}, {"a": "x", "n": 1}]
    assert not own_total(rows, ["a", "n"])
    assert own_total(rows[::-1], ["a", "n"])
    assert not own_total(rows[:1], ["a", "n"])


def build_with_output(root: Path) -> tuple[int, str, str]:
    """`build ROOT`: exit code, what it printed, and the PDF's text ("" when none)."""
    import pypdf

    from conftest import page_texts

    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    pdfs = list((root / "out").glob("*.pdf")) if (root / "out").is_dir() else []
    text = "\n".join(page_texts(pypdf.PdfReader(pdfs[0]))) if pdfs else ""
    return result.exit_code, result.output, text


@pytest.mark.parametrize("word", ["Total", "TOTAL GENERAL", "Summe", "Totale", "Suma"])
def test_a_tables_own_total_row_is_not_summed_again(tmp_path: Path, word: str) -> None:
    root = project(tmp_path, "{{ table(data.t, total=True) }}")
    (root / "data" / "t.csv").write_text(
        f"region,people\nNorth,120\nSouth,80\n{word},200\n", encoding="utf-8"
    )
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert f"{word} 200" in text
    assert "400" not in text  # no second total of the rows and their total
    assert "Total 200" not in text or word == "Total"  # theirs, not one of ours
    assert "warning" not in output


def test_a_wrong_own_total_and_a_sum_over_it_are_warned_at_their_lines(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "Text.\n\n{{ table(data.t, total=True) }}\n\n"
        'Sum: {{ data.t.rows | sum(attribute="people") }}',
    )
    sheet_file(root / "data" / "t.xlsx", [["region", "people"], ["North", 120], ["South", 80],
                                          ["Total", 250]])  # fmt: skip
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "Total 250" in text and "Total 450" not in text
    assert (
        "content/01.md:5: table(): the last row of t is its own total row ('Total'), printed as "
        "the total: its 'people' is 250, but the rows above add up to 200"
    ) in output
    assert "content/01.md:7: sum: the last row summed is a total row ('Total')" in output
