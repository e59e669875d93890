"""Trial 8 #9: `page_size: Letter` (as Word and most people write it) was refused while
`letter` worked, and `a4` too while `A4` worked. A page size is matched whatever its case, in
report.yml, a variant and `--set`, and printed at that size."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder.cli import main
from reportbuilder.edition import Edition
from reportbuilder.errors import ProjectError
from reportbuilder.project.config import load_config
from reportbuilder.project.files import FilePolicy
from reportbuilder.variants import page_size_named


def test_a_page_size_is_named_whatever_its_case() -> None:
    assert [page_size_named(v) for v in ("Letter", "LEGAL", "a4", " b5 ", "A4")] == [
        "letter",
        "legal",
        "A4",
        "B5",
        "A4",
    ]
    assert page_size_named("A6") is None
    # A program's edition names it exactly, and is told the name.
    with pytest.raises(ValueError, match=r"is not one of A4, A5, .*; did you mean 'letter'"):
        Edition(page_size="LETTER")


def test_report_yml_and_its_variants_take_any_case(tmp_path: Path) -> None:
    (tmp_path / "report.yml").write_text(
        "title: T\nlang: en\npage_size: Letter\nvariants:\n  small: {page_size: a5}\n",
        encoding="utf-8",
    )
    config, _ = load_config(tmp_path, FilePolicy(tmp_path))
    assert config.page_size == "letter"
    small, _ = load_config(tmp_path, FilePolicy(tmp_path), "small")
    assert small.page_size == "A5"
    (tmp_path / "report.yml").write_text("title: T\nlang: en\npage_size: Letters\n")
    with pytest.raises(ProjectError) as raised:
        load_config(tmp_path, FilePolicy(tmp_path))
    assert [str(p) for p in raised.value.problems] == [
        "report.yml:3: 'page_size': not a page size we know; choose one of A4, A5, A3, B5, "
        "letter, legal (got 'Letters')"
    ]


@pytest.mark.pdf
def test_set_page_size_letter_prints_a_letter_page(tmp_path: Path) -> None:
    root = one_chapter_project(tmp_path / "p", "Letter", "# One\n\nText.\n")
    out = tmp_path / "letter.pdf"
    result = CliRunner().invoke(
        main, ["build", str(root), "--set", "page_size=Letter", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    box = pypdf.PdfReader(out).pages[-1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
