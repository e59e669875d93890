"""Trial 5 #27: `merge --eml-dir` and `contacts --vcard` wrote into the project's sources
(`--eml-dir P/data` put a requester's address and copy where git and the next build read
them) while `-o P/data` was refused: the same rule for each, refused before anything is
written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main


@pytest.mark.pdf  # merge starts its render process as it starts
@pytest.mark.parametrize("inside", ["data", "content", "themes/mine"])
def test_merge_eml_dir_among_the_sources_is_refused(mini_project: Path, inside: str) -> None:
    requesters = mini_project.parent / "req.csv"
    requesters.write_text("name,email\nZed,zed@example.org\n", encoding="utf-8")
    before = sorted(p for p in mini_project.rglob("*"))
    result = CliRunner().invoke(
        main,
        ["merge", str(mini_project), str(requesters), "-o", str(mini_project.parent / "copies"),
         "--eml-dir", str(mini_project / inside)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert f"{inside}: the messages (--eml-dir) would go among the project's sources" in (
        result.output
    )
    assert sorted(p for p in mini_project.rglob("*")) == before  # nothing written
    assert not (mini_project.parent / "copies").exists()


def test_contacts_vcard_among_the_sources_is_refused(mini_project: Path) -> None:
    before = sorted(p for p in mini_project.rglob("*"))
    result = CliRunner().invoke(
        main, ["contacts", str(mini_project), "--vcard", str(mini_project / "content")]
    )
    assert result.exit_code == 1, result.output
    assert "content: the vCards would go among the project's sources" in result.output
    assert sorted(p for p in mini_project.rglob("*")) == before
    elsewhere = mini_project.parent / "cards"
    result = CliRunner().invoke(main, ["contacts", str(mini_project), "--vcard", str(elsewhere)])
    assert result.exit_code == 0, result.output
    assert list(elsewhere.glob("*.vcf"))
