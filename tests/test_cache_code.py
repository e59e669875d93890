"""Our own code is part of the cache key: an edited copy of reportbuilder under the same
version number (an editable install) rebuilds, where it said "up to date" with the old PDF."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import reportbuilder
from reportbuilder import cache as cache_module
from reportbuilder.cli import main


def test_an_edited_code_file_changes_the_stamp_and_a_data_file_beside_it_does_not(
    tmp_path: Path,
) -> None:
    package = tmp_path / "reportbuilder"
    shutil.copytree(Path(reportbuilder.__file__).parent / "compose", package / "compose")
    (package / "themes" / "base").mkdir(parents=True)
    (package / "themes" / "base" / "a.css").write_text("p { color: black }\n")
    (package / "font.ttf").write_bytes(b"\0" * 10)
    before = cache_module.code_stamp(package)
    assert cache_module.code_stamp(package) == before
    (package / "font.ttf").write_bytes(b"\0" * 20)  # a font is hashed with the theme's files
    assert cache_module.code_stamp(package) == before
    edited = package / "compose" / "html.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_module.code_stamp(package) != before
    after_edit = cache_module.code_stamp(package)
    os.utime(package / "themes" / "base" / "a.css", ns=(1, 1))
    assert cache_module.code_stamp(package) != after_edit


@pytest.mark.pdf
def test_a_build_after_the_code_changed_is_not_up_to_date(
    mini_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["build", str(mini_project)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(main, ["build", str(mini_project)])
    assert again.exit_code == 0 and "up to date" in again.output, again.output
    monkeypatch.setattr(cache_module, "_code_stamp", lambda: "edited-code")
    edited = runner.invoke(main, ["build", str(mini_project)])
    assert edited.exit_code == 0, edited.output
    assert "up to date" not in edited.output and "restored" not in edited.output, edited.output
