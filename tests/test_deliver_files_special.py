"""Trial 8 #32: `build -o /dev/null` run as root (a Docker CI job) renamed the PDF over the
device, and `/dev/null` was a regular file afterwards. An output that is a device, a pipe or a
socket is refused before anything is written, by the build and by every atomic write (mail
files, vCards, pictures of a diff); `-o x.pdf/` (a folder's name) wrote x.pdf and is refused.
The tests use a FIFO of their own: never the machine's /dev/null."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main
from reportbuilder.deliver.files import special_file, write_atomic
from reportbuilder.errors import OutputError


def _fifo(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fifo = folder / "out.pdf"
    os.mkfifo(fifo)
    return fifo


def test_an_atomic_write_leaves_a_pipe_as_it_is(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path / "o")
    assert special_file(fifo) == "a pipe (FIFO)"
    assert special_file(tmp_path) is None and special_file(tmp_path / "none") is None
    with pytest.raises(OutputError) as raised:
        write_atomic(fifo, b"%PDF-1.7")
    assert [p.message for p in raised.value.problems] == [
        "cannot write the output: it is a pipe (FIFO), not a regular file; give a file name"
    ]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in fifo.parent.iterdir()) == ["out.pdf"]  # no temporary file


@pytest.mark.pdf
def test_build_refuses_a_pipe_and_a_folder_name_as_its_output(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Pipe", "# One\n\nText.\n")
    fifo = _fifo(tmp_path / "o")
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(fifo)])
    assert result.exit_code == 1
    assert f"the output {fifo} is a pipe (FIFO), not a regular file; give a file name" in (
        result.output
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in fifo.parent.iterdir()) == ["out.pdf"]

    folder = tmp_path / "x.pdf"
    result = CliRunner().invoke(main, ["build", str(root), "-o", f"{folder}/"])
    assert result.exit_code == 2
    assert "names a folder (it ends with '/'); give a file name" in result.output
    assert not folder.exists()
