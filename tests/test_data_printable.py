"""Data files print every character as itself (trial 6 #25): a bidi override or an invisible
character in a YAML value, a CSV or workbook cell is an error at its line or cell, as in
contacts.yml, the requester sheets and report.yml's titles."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from conftest import one_chapter_project
from reportbuilder import check
from reportbuilder.errors import ReportError

BIDI = "contains a bidirectional control (U+202E): it would print or send as something else"
INVISIBLE = "contains an invisible character (U+200B): it would print or send as something else"


def test_bidi_and_invisible_characters_in_data_are_errors_at_their_place(tmp_path: Path) -> None:
    """A key figure whose label's bytes say "Total 2025 households" printed "Total households
    5202"; a cell that reads "North" held a right-to-left override (a search for North failed)."""
    root = one_chapter_project(tmp_path / "p", "Data", "# Data\n\nText.\n")
    data = root / "data"
    data.mkdir(exist_ok=True)
    (data / "b.yml").write_text(
        'k: {value: 12, label: "Total \u202e2025 sdlohesuoh"}\n'
        'z: {value: 5, label: "Zero\u200bwidth"}\nfine: {value: 1, label: "Ménages — 2025"}\n',
        encoding="utf-8",
    )
    (data / "c.csv").write_text(
        "\ufeffregion,people\r\nNor\u202eht,5\r\nSouth,7\r\n", encoding="utf-8"
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Main"
    for row in (["region", "people"], ["East", 3], ["We\u200bst", 4], ["Line\r\nbreak", 1]):
        sheet.append(row)
    book.save(data / "x.xlsx")
    with pytest.raises(ReportError) as raised:
        check(root)
    said = [(p.path, p.line, p.message) for p in raised.value.problems if p.path]
    assert [s for s in said if s[0].startswith("data/")] == [
        ("data/b.yml", 1, f"{BIDI}; remove it"),
        ("data/b.yml", 2, f"{INVISIBLE}; remove it"),
        ("data/c.csv", 2, f"{BIDI}; remove it"),
        ("data/x.xlsx:Main!A3", None, f"{INVISIBLE}; remove it"),
    ]
