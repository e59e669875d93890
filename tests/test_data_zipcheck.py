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
