"""`merge --max-size` (and report.yml's `max_size`): every personalised copy within the
budget, the body lightened once per language; a copy that cannot fit fails for its row,
naming the heaviest images, while the other rows are written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main
from reportbuilder.render.budget import heaviest_images
from test_render_budget import PHOTO_SIZE, add_photos

pytestmark = pytest.mark.pdf

THREE = (
    "name,email,organisation,lang\n"
    "Jeanne Dupont,jeanne@example.fr,Mairie de Lyon,en\n"
    "Mary Smith,mary@example.com,,en\n"
    "Ana Pérez,ana@example.org,Fundación Sol,en\n"
)


@pytest.fixture
def photos_project(tmp_path: Path) -> Path:
    """A one-chapter project and a chapter of two large photos (`add_photos`): each merge
    below lays it out many times over (the body lightened step by step, each cover), and
    mini's other pages would only add to every one of those layouts."""
    project = one_chapter_project(tmp_path / "photos", "Water Access Survey", "# Intro\n\nText.\n")
    (project / "assets").mkdir()
    add_photos(project)
    return project


def merge(project: Path, people: Path, out: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        main, ["merge", str(project), str(people), "-o", str(out), "--json", *args]
    )
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def test_each_copy_of_a_three_row_merge_fits_150kb(photos_project: Path, tmp_path: Path) -> None:
    people = tmp_path / "requesters.csv"
    people.write_text(THREE, encoding="utf-8")
    out = tmp_path / "copies"
    code, result = merge(photos_project, people, out, "--max-size", "150KB")
    assert code == 0, result["problems"]
    rows = result["rows"]
    assert len(rows) == 3 and {r["status"] for r in rows} == {"made"}
    # The body was lightened once and each cover swapped into it: no row laid out in full.
    assert {r["method"] for r in rows} == {"assembled"}
    assert any("images lightened to fit max_size 150 KB" in n for n in result["notes"])
    for row in rows:
        copy = out / row["file"]
        assert row["bytes"] == copy.stat().st_size <= 150_000
        text = " ".join(page.extract_text() for page in pypdf.PdfReader(copy).pages)
        assert row["name"] in " ".join(text.split()) and "Photos" in text
        weights = heaviest_images(copy.read_bytes())
        assert len(weights) == 2 and all(item.width < PHOTO_SIZE[0] for item in weights)


def test_report_yml_max_size_holds_for_a_merge(photos_project: Path, tmp_path: Path) -> None:
    config = photos_project / "report.yml"
    config.write_text(config.read_text() + "max_size: 200KB\n", encoding="utf-8")
    people = tmp_path / "requesters.csv"
    people.write_text(THREE, encoding="utf-8")
    out = tmp_path / "copies"
    code, result = merge(photos_project, people, out)
    assert code == 0, result["problems"]
    assert all((out / r["file"]).stat().st_size <= 200_000 for r in result["rows"])


def test_an_impossible_budget_fails_every_row_naming_the_images(
    photos_project: Path, tmp_path: Path
) -> None:
    people = tmp_path / "requesters.csv"
    people.write_text(THREE, encoding="utf-8")
    out = tmp_path / "copies"
    code, result = merge(photos_project, people, out, "--max-size", "20KB")
    assert code == 1
    assert {r["status"] for r in result["rows"]} == {"failed"}
    for line in (2, 3, 4):
        mine = [p["message"] for p in result["problems"] if p["line"] == line]
        assert any("over the budget of 20 KB" in m for m in mine), mine
        assert any("heavy image assets/photo-1.jpg" in m for m in mine), mine
        assert any("heavy image assets/photo-2.jpg" in m for m in mine), mine
    assert not list(out.glob("*.pdf"))  # nothing half made


LONG = "Ὀδυσσεύς Λαέρτιάδης Жуковский Щербатов Ярославцев Ђорђевић"


def test_a_copy_heavier_than_the_others_fails_alone(photos_project: Path, tmp_path: Path) -> None:
    """A name in Greek and Cyrillic letters brings glyphs no other copy has: with a budget
    just above the other copies at their lightest, that row alone fails."""
    people = tmp_path / "requesters.csv"
    people.write_text(THREE, encoding="utf-8")
    code, result = merge(photos_project, people, tmp_path / "probe", "--max-size", "2KB")
    assert code == 1
    # The lightest the copies can be, as the failure says it ("the PDF weighs 61 KB, …").
    weighs = {
        p["line"]: p["message"].split("the PDF weighs ")[1].split(",")[0]
        for p in result["problems"]
        if "the PDF weighs" in p["message"]
    }
    assert set(weighs) == {2, 3, 4}
    lightest = max(float(w.split()[0]) * (1000 if "KB" in w else 1) for w in weighs.values())
    budget = f"{int(lightest + 2500)}B"

    people.write_text(THREE + f'"{LONG}",odysseus@example.org,,en\n', encoding="utf-8")
    out = tmp_path / "copies"
    code, result = merge(photos_project, people, out, "--max-size", budget)
    assert code == 1
    rows = {r["line"]: r for r in result["rows"]}
    assert [rows[n]["status"] for n in (2, 3, 4, 5)] == ["made", "made", "made", "failed"]
    assert all((out / rows[n]["file"]).stat().st_size <= int(budget[:-1]) for n in (2, 3, 4))
    mine = [p["message"] for p in result["problems"] if p["line"] == 5]
    assert any("over the budget" in m for m in mine) and any("photo-1.jpg" in m for m in mine)
    assert {p["line"] for p in result["problems"] if p["severity"] == "error"} == {5}
