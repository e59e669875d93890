"""A requester's name and organisation on a merge's cover keep their own hyphens and get
no other: the cover cut "d'ag-glomération" at a line's end (the body's automatic
hyphenation), and a name so cut ("Roche-foucauld") reads as a double name. Names printed
as typed: "Jean-Pierre" whole, "jean-pierre martin" not capitalised."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf

NAME = "Jean-Pierre Dupont-Aignan de La Rochefoucauld-Montbazon"
ORGANISATION = "Communauté d’agglomération Saint-Quentin-en-Yvelines – Direction de l’environnement"


def test_names_on_the_cover_are_printed_whole_and_as_typed(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "content" / "02-findings.md").unlink()
    people = tmp_path / "requesters.csv"
    people.write_text(
        f"name,email,organisation,lang\n{NAME},jp@example.fr,{ORGANISATION},fr\n"
        "jean-pierre martin,jpm@example.fr,,fr\n",
        encoding="utf-8",
    )
    out = tmp_path / "copies"
    args = ["merge", str(project), str(people), "-o", str(out), "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)["rows"]}
    long_cover = pypdf.PdfReader(out / rows[NAME]["file"]).pages[0].extract_text()
    short_cover = pypdf.PdfReader(out / rows["jean-pierre martin"]["file"]).pages[0]
    assert "\u2010" not in long_cover  # no hyphen added at a line's end
    words = " ".join(long_cover.split())
    assert NAME in words and "d’agglomération Saint-Quentin-en-Yvelines" in words
    assert "pour jean-pierre martin," in short_cover.extract_text()
