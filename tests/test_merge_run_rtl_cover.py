"""A merge's copies for right-to-left requesters: the cover laid out alone (the fast path)
printed "Copy prepared for 1 ,منظمة ,محمد عبد الله March 2026" — the day pulled in front of
the names — while a full build printed it right (trial 8 #13). The row's values took the
place of the template's Latin placeholders, which `| isolate` had left bare. The text is read
in the order it is drawn (pdftotext), where pypdf gives the order it was written."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder.cli import main


@pytest.mark.pdf
def test_a_right_to_left_requesters_cover_keeps_the_date_after_the_names(
    tmp_path: Path,
) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "content" / "02-findings.md").unlink()
    people = tmp_path / "people.csv"
    people.write_text(
        "name,email,organisation\n"
        "Mary Smith,mary@example.com,Plain Trust\n"
        "محمد عبد الله,m@example.org,منظمة\n",
        encoding="utf-8",
    )
    out = tmp_path / "copies"
    result = CliRunner().invoke(main, ["merge", str(project), str(people), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = {}
    for pdf in sorted(out.glob("*.pdf")):
        drawn = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(x for x in drawn.splitlines() if "prepared for" in x)
        lines[pdf.name] = "".join(c for c in line if c not in "\u202a\u202b\u202c")
    assert len(lines) == 2, lines
    arabic = next(line for line in lines.values() if "محمد" in line)
    date = r"[A-Z][a-z]+ \d{1,2}, \d{4}"  # the day the copies are made
    assert re.search(f"prepared for محمد عبد الله, منظمة, {date}$", arabic), lines
    latin = next(line for line in lines.values() if "Mary" in line)
    assert re.search(f"prepared for Mary Smith, Plain Trust, {date}$", latin), lines
