"""`watch` followed a link out of the project (`assets/root -> /`, which a cloned project can
carry): its watcher died on the first folder it could not read, with a traceback, and the
command went on "watching" nothing — an edit was never rebuilt (trial 8 #28)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import copy_fixture
from reportbuilder.watching import project_folders
from test_watching import Watch, _until, watching

__all__ = ["watching"]


def test_the_folders_watched_are_the_project_s_own(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "content" / "part").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "out").mkdir()
    (root / ".git").mkdir()
    outside = tmp_path / "elsewhere"
    (outside / "deep").mkdir(parents=True)
    (root / "assets" / "root").symlink_to(outside, target_is_directory=True)
    assert project_folders(root) == [
        root,
        root / "assets",
        root / "content",
        root / "content" / "part",
    ]


@pytest.mark.pdf
@pytest.mark.slow
def test_a_link_to_the_root_of_the_file_system_is_not_watched_and_edits_still_build(
    tmp_path: Path, watching: Callable[..., Watch]
) -> None:
    project = copy_fixture("tiny", tmp_path / "tiny")
    (project / "assets").mkdir(exist_ok=True)
    (project / "assets" / "root").symlink_to("/", target_is_directory=True)
    watch = watching(project)
    assert _until(lambda: watch.saw("wrote ")), watch.read()
    chapter = project / "content" / "01-only.md"
    chapter.write_text(chapter.read_text() + "\nA sentence added while watching.\n")
    assert _until(lambda: sum("wrote " in line for line in watch.read()) >= 2), watch.read()
    assert not watch.saw("Traceback"), watch.read()
    os.killpg(watch.process.pid, signal.SIGINT)
    assert watch.process.wait(timeout=30) in (0, 130)
