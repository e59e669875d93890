"""Trial 5 #29: a requester workbook's sheet-wide problem (a hidden row) no longer hides the
rows' own problems (the author fixed one thing per run), and a workbook that opens on an
"Instructions" sheet is told which sheet holds the requests."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.errors import ProjectError
from reportbuilder.merge.requesters import read_requesters


def test_a_hidden_row_is_said_with_every_other_rows_problem(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet"
    sheet.append(["name", "email"])
    sheet.append(["Ana", "ana@example.org"])
    sheet.append(["Hidden", "hidden@example.org"])
    sheet.append(["Num", "123"])
    sheet.row_dimensions[3].hidden = True
    path = tmp_path / "req.xlsx"
    book.save(path)
    with pytest.raises(ProjectError) as caught:
        read_requesters(path, "req.xlsx")
    messages = [str(p) for p in caught.value.problems]
    assert messages[0].startswith("req.xlsx:Sheet!3: hidden rows")
    assert len(messages) == 2 and messages[1].startswith("req.xlsx:4: invalid email '123'")


def test_an_instructions_sheet_first_names_the_sheet_with_the_requests(
    tmp_path: Path, mini_project: Path
) -> None:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Instructions"
    first.append(["Fill the Requests sheet: one person a row."])
    requests = book.create_sheet("Requests")
    requests.append(["name", "email", "organisation"])
    requests.append(["Ana", "ana@example.org", "Acme"])
    path = tmp_path / "req.xlsx"
    book.save(path)
    with pytest.raises(ProjectError) as caught:
        read_requesters(path, "req.xlsx")
    assert str(caught.value.problems[-1]) == (
        "req.xlsx: the first sheet, 'Instructions', is read; sheet 'Requests' has the name "
        "and email columns: move it first (drag its tab to the left) or save it as a "
        "workbook of its own"
    )
    # Moved first, the same workbook is read.
    book.move_sheet("Requests", offset=-1)
    book.save(path)
    assert [r.email for r in read_requesters(path, "req.xlsx").rows] == ["ana@example.org"]
    result = CliRunner().invoke(main, ["merge", str(mini_project), str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
