"""`merge --print`: each copy is the print shop's version (bleed, crop marks, chapters on
right-hand pages), as `build --print` makes it for the same row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner

from conftest import MiniBuild, page_texts
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf

TWO = (
    "name,email,organisation\n"
    "Jeanne Dupont,jeanne@example.fr,Mairie de Lyon\n"
    "Mary Smith,mary@example.com,\n"
)


def run(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.exit_code, json.loads(result.stdout)


def boxes(page: Any) -> tuple[Any, ...]:
    kinds = (page.mediabox, page.trimbox, page.bleedbox)
    return tuple(tuple(round(float(v), 1) for v in box) for box in kinds)


def test_merge_print_equals_build_print_for_each_row(
    mini_project: Path, mini_build: MiniBuild, tmp_path: Path
) -> None:
    people = tmp_path / "requesters.csv"
    people.write_text(TWO, encoding="utf-8")
    printed = tmp_path / "print.pdf"
    run("build", str(mini_project), "--print", "-o", str(printed))
    shop = pypdf.PdfReader(printed)
    # Blank versos were added: more pages than the screen build of the same project.
    assert len(shop.pages) > len(pypdf.PdfReader(mini_build.pdf).pages)

    copies: dict[str, dict[str, Path]] = {}
    for how, extra in (("assembled", []), ("full", ["--full"])):
        out = tmp_path / how
        _, result = run("merge", str(mini_project), str(people), "-o", str(out), "--print", *extra)
        assert {r["method"] for r in result["rows"]} == {how}
        copies[how] = {r["name"]: out / r["file"] for r in result["rows"]}

    for name in ("Jeanne Dupont", "Mary Smith"):
        mine = pypdf.PdfReader(copies["assembled"][name])
        full = pypdf.PdfReader(copies["full"][name])
        assert len(mine.pages) == len(full.pages) == len(shop.pages)
        assert page_texts(mine) == page_texts(full)
        assert name in " ".join(page_texts(mine)[0].split())
        assert [boxes(p) for p in mine.pages] == [boxes(p) for p in shop.pages]
        starts = [
            number
            for number, text in enumerate(page_texts(mine), start=1)
            if text.lstrip().startswith(("Overview", "Findings"))
        ]
        assert starts and all(number % 2 == 1 for number in starts), starts
