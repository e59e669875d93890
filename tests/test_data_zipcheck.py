"""A workbook's zip judged from its declared sizes (trial 2, #9): a 2 MB file declaring a
2 GiB sheet is refused at once, at its path, for data/ and for a merge's requesters file;
an ordinary workbook passes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import built_text
from reportbuilder.errors import ProjectError
from reportbuilder.merge.requesters import read_requesters
from reportbuilder.project.data.zipcheck import archive_problem
from test_data_office_sheets import check, project, sheet_file

pytestmark = pytest.mark.pdf


def zip_bomb(path: Path, padding: int = 40_000_000) -> None:
    """A valid workbook whose sheet XML is padded with `padding` spaces: a small file that
    declares a huge, absurdly compressible part (trial 2's was 2 MB declaring 2 GiB)."""
    import zipfile

    plain = path.with_name("plain.xlsx")
    sheet_file(plain, [["a", "b"], [1, 2]])
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                at = data.index(b"<sheetData>")
                data = data[:at] + b" " * padding + data[at:]
            out.writestr(part.filename, data)
    plain.unlink()


def test_a_zip_bomb_workbook_is_refused_from_its_declared_sizes(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "{{ table(data.zb) }}")
    zip_bomb(root / "data" / "zb.xlsx")
    started = time.monotonic()
    code, output = check(root)
    assert code == 1, output
    assert "data/zb.xlsx: its part xl/worksheets/sheet1.xml is compressed" in output
    assert time.monotonic() - started < 20  # generous on a loaded machine; openpyxl is not run
    code, output = built_text(root)
    assert code == 1 and "data/zb.xlsx: its part" in output
    with pytest.raises(ProjectError, match=r"compressed .* to 1"):
        read_requesters(root / "data" / "zb.xlsx", "people.xlsx")


def test_an_ordinary_workbook_passes(tmp_path: Path) -> None:
    sheet_file(tmp_path / "ok.xlsx", [["a", "b"], *[[n, n * 2] for n in range(5000)]])
    assert archive_problem(tmp_path / "ok.xlsx") is None
    assert archive_problem(tmp_path / "missing.xlsx") is None  # the reader says it instead


def many_cells(path: Path, rows: int) -> None:
    """A valid workbook of `rows` rows of two numbers, its sheet XML written directly (openpyxl
    would take minutes to write a million cells)."""
    import zipfile

    plain = path.with_name("plain.xlsx")
    sheet_file(plain, [["a", "b"], [1, 2]])
    body = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><x:c r="B{n}" xmlns:x="s"><v>1</v></x:c></row>'
        for n in range(2, rows + 2)
    ).encode()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", body + b"</sheetData>")
            out.writestr(part.filename, data)


def test_a_workbook_of_too_many_cells_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """530,000 rows of two digits (4.7 MB, under both zip rules) cost `check` 140 s and
    800 MB, unused (trial 4): cells are counted from the sheet parts first."""
    root = project(tmp_path / "p", "No table here.")
    many_cells(root / "data" / "big.xlsx", 500_000)
    started = time.monotonic()
    code, output = check(root)
    assert code == 1, output
    assert "data/big.xlsx: has 1,000,004 cells in its sheets, more than 1,000,000" in output
    assert time.monotonic() - started < 60  # generous on a loaded machine; openpyxl is not run


def test_cells_cut_by_a_chunk_are_counted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    from reportbuilder.project.data import zipcheck

    many_cells(tmp_path / "m.xlsx", 300)
    with zipfile.ZipFile(tmp_path / "m.xlsx") as archive:
        parts = [p for p in archive.infolist() if p.filename.startswith("xl/worksheets/")]
    assert zipcheck.count_cells(tmp_path / "m.xlsx", parts) == 604
    for size in (1, 3, 7, 64):
        monkeypatch.setattr(zipcheck, "_CHUNK", size)
        assert zipcheck.count_cells(tmp_path / "m.xlsx", parts) == 604
