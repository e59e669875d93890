"""`watch > build.log` in the project folder: each line the watch wrote to its log was a change
that started the next build (19 builds in 20 s, no edit). A file beside report.yml that no
build reads (a log, a note, a PDF) starts no build; one a build may read still does."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.watching import is_source


@pytest.mark.parametrize("name", ["build.log", "w.log", "notes.txt", "nohup.out", "old.pdf"])
def test_a_file_beside_report_yml_no_build_reads_starts_no_build(tmp_path: Path, name: str) -> None:
    assert not is_source(str(tmp_path / name), tmp_path, None)


@pytest.mark.parametrize(
    "name",
    ["report.yml", "report.print.yml", "contacts.yml", "logo.PNG", "cover.jpg", "refs.bib"],
)
def test_a_file_beside_report_yml_a_build_may_read_starts_one(tmp_path: Path, name: str) -> None:
    assert is_source(str(tmp_path / name), tmp_path, None)


def test_below_the_top_every_file_is_an_input_as_the_cache_says(tmp_path: Path) -> None:
    # a data/ or assets/ file of any kind may be read (`![](assets/plan.dwg.txt)` is refused
    # at its line, by the build, not ignored by the watch)
    assert is_source(str(tmp_path / "data" / "notes.txt"), tmp_path, None)
    assert is_source(str(tmp_path / "assets" / "build.log"), tmp_path, None)
