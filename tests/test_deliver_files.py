"""deliver.files: `write_atomic` replaces an output in one step (a temporary file beside it,
fsync, rename); a failed write leaves the old file as it was and no temporary file behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from reportbuilder.deliver import files
from reportbuilder.deliver.files import write_atomic
from reportbuilder.errors import OutputError, Stage
from reportbuilder.render.renderer import Pdf

OLD = b"%PDF-1.7 the previous good build\n"
NEW = b"%PDF-1.7 the new build\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_writes_bytes_and_makes_the_folders(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "out" / "deep" / "report.pdf"
    assert write_atomic(target, NEW) == target
    assert target.read_bytes() == NEW
    assert mode(target) == 0o644  # what the umask gives a new file, not mkstemp's 0600
    assert names(target.parent) == ["report.pdf"]


def test_takes_a_string_path_and_anything_with_data(tmp_path: Path) -> None:
    target = str(tmp_path / "report.pdf")
    assert write_atomic(target, Pdf(data=NEW, pages=1)) == Path(target)
    assert Path(target).read_bytes() == NEW


def test_replaces_in_one_step_keeping_the_old_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(OLD)
    target.chmod(0o640)
    before = target.stat().st_ino
    write_atomic(target, NEW)
    assert target.read_bytes() == NEW
    assert mode(target) == 0o640
    assert target.stat().st_ino != before  # a new file renamed over the old, not rewritten
    assert names(tmp_path) == ["report.pdf"]


def test_a_reader_of_the_old_file_keeps_reading_the_old_bytes(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(OLD)
    with target.open("rb") as reader:
        write_atomic(target, NEW)
        assert reader.read() == OLD
    assert target.read_bytes() == NEW


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(OLD)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full_disk)
    with pytest.raises(OutputError) as raised:
        write_atomic(target, NEW)
    [problem] = raised.value.problems
    assert (problem.path, problem.stage) == (str(target), Stage.OUTPUT)
    assert str(problem) == f"{target}: cannot write the output: No space left on device"
    assert target.read_bytes() == OLD
    assert names(tmp_path) == ["report.pdf"]


def test_an_interrupt_mid_write_is_not_swallowed_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(OLD)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, NEW)
    assert target.read_bytes() == OLD
    assert names(tmp_path) == ["report.pdf"]


def test_a_target_that_is_a_folder_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.mkdir()
    (target / "inside.txt").write_bytes(b"mine")
    with pytest.raises(OutputError) as raised:
        write_atomic(target, NEW)
    [problem] = raised.value.problems
    assert problem.path == str(target) and "cannot write the output: " in problem.message
    assert names(tmp_path) == ["report.pdf"]
    assert names(target) == ["inside.txt"]


def test_a_parent_that_is_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "report.yml"
    blocker.write_bytes(b"title: x\n")
    with pytest.raises(OutputError) as raised:
        write_atomic(blocker / "report.pdf", NEW)
    assert raised.value.problems[0].path == str(blocker / "report.pdf")
    assert blocker.read_bytes() == b"title: x\n"
    assert names(tmp_path) == ["report.yml"]


def test_a_file_where_the_output_folder_should_be_is_named(tmp_path: Path) -> None:
    """Trial 5 #34: `out` was a plain file and the message said the PDF "exists"."""
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputError) as raised:
        write_atomic(tmp_path / "out" / "report.pdf", b"%PDF-")
    [problem] = raised.value.problems
    assert problem.message == f"cannot write the output: {tmp_path / 'out'} is a file, not a folder"
    assert (tmp_path / "out").read_text() == "x"
