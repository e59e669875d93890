"""A project stylesheet that lets a chapter start mid-page (`.chapter { break-before: auto }`,
the old `page-break-before`, columns) makes the parts' assumption wrong: the report is laid
out whole, the same pages as a whole build, and `--json` says why; a project stylesheet that
keeps chapters on pages of their own still lays out by parts, the same pages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reportbuilder.cli import main
from reportbuilder.render import parts

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]


def _example(tmp_path: Path, css: str) -> Path:
    project = tmp_path / "report"
    project.mkdir()
    for name in ("content", "data", "assets", "styles", "templates"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, project / name)
    for name in ("report.yml", "contacts.yml"):
        shutil.copy(ROOT / name, project / name)
    for translated in (project / "content").glob("*.*.md"):
        translated.unlink()
    with (project / "styles" / "house.css").open("a", encoding="utf-8") as file:
        file.write("\n" + css + "\n")
    return project


def _build(project: Path, name: str, *options: str) -> tuple[dict[str, object], list[str]]:
    output = project / "out" / f"{name}.pdf"
    result = CliRunner().invoke(
        main, ["build", str(project), "--json", "-o", str(output), *options]
    )
    assert result.exit_code == 0, result.output
    (out,) = json.loads(result.stdout)["outputs"]
    pages = [page.extract_text() for page in PdfReader(output).pages]
    return out, pages


@pytest.mark.parametrize(
    "css",
    [
        ".chapter { break-before: auto; }",
        ".chapter { page-break-before: avoid; }",
        "section.chapter + section.chapter { break-before: auto; }",
    ],
)
def test_chapters_that_follow_on_the_page_are_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str
) -> None:
    project = _example(tmp_path, css)
    monkeypatch.setenv("REPORTBUILDER_PARTS", "1")  # by parts wherever it can
    out, pages = _build(project, "asked")
    assert out["layout"] == "whole"
    assert "does not start a page of its own" in str(out["layout_reason"])
    _, expected = _build(project, "whole", "--no-parts")
    assert pages == expected
    # The chapters share pages: fewer pages than chapters after the front.
    assert len(pages) < 8
    # The verdict is kept: a second build says the same without laying the check out again.
    again, _ = _build(project, "again")
    assert again["layout_reason"] == out["layout_reason"]


def test_a_stylesheet_that_keeps_chapter_starts_still_lays_out_by_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It names `break-before` and `display`, so the skeleton is laid out to check.
    css = ".chapter { break-before: page; } figure { display: block; break-inside: avoid; }"
    project = _example(tmp_path, css)
    monkeypatch.setenv("REPORTBUILDER_PARTS", "1")
    out, pages = _build(project, "parts", "--jobs", "2")
    assert out["layout"] == "parts", out.get("layout_reason")
    _, expected = _build(project, "whole", "--no-parts")
    assert pages == expected


def test_a_closing_template_that_starts_with_a_paragraph_is_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In the whole document the note follows the last chapter on its page; laid out apart,
    # it would open a page of its own. No stylesheet says so: the template does.
    project = _example(tmp_path, "")
    (project / "templates" / "closing.html").write_text(
        '<p class="thanks">Merci de votre lecture.</p>\n{% include "base:closing.html" %}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("REPORTBUILDER_PARTS", "1")
    out, pages = _build(project, "asked")
    assert out["layout"] == "whole"
    assert str(out["layout_reason"]).startswith("the closing part does not")
    _, expected = _build(project, "whole", "--no-parts")
    assert pages == expected and "Merci de votre lecture." in pages[-2]


def test_the_skeleton_cuts_each_chapter_after_its_title() -> None:
    head = "<!DOCTYPE html><html><head><title>t</title></head><body>"
    body = (
        "<section class='cover'><h1>Cover</h1></section>"
        f"{parts.MARKER}\n<section class='chapter' id='a'><h1>A</h1><p>long text</p></section>"
        f"{parts.MARKER}\n<section class='chapter'><h1>B</h1><p>more</p></section>"
        f"{parts.MARKER}\n<section class='closing'><h2>Contact</h2><p>us</p></section>"
    )
    found = parts.split(head + body + "</body>\n</html>\n")
    assert isinstance(found, parts.Split)
    made = parts.skeleton(found)
    assert not isinstance(made, str)
    text, ids = made
    assert ids == (parts.START + "front", "a", parts.START + "2", parts.START + "3")
    assert "long text" not in text and "more" not in text and "us</p>" in text
    assert f"<section id=\"{parts.START}2\" class='chapter'><h1>B</h1></section>" in text
    assert parts.starts_apart(ids, {ids[0]: 0, "a": 1, ids[2]: 2, ids[3]: 3}) is None
    assert parts.starts_apart(ids, {ids[0]: 0, "a": 1, ids[2]: 1, ids[3]: 2}) == ids[2]
    assert not parts.may_flow(found, ["h2 { color: red; }"])
    assert parts.may_flow(found, ["h2 { page-break-after: avoid; }"])
    # A part that does not start with an element the theme starts a page with.
    body = body.replace("<section class='closing'>", "<p>Thanks</p><section class='closing'>")
    other = parts.split(head + body + "</body>\n</html>\n")
    assert isinstance(other, parts.Split) and parts.may_flow(other, [])
