"""`reportbuilder diff` and `review.pdfdiff.compare`: real PDFs of the mini fixture, built
with one change each, compared with the first build (of tiny where one chapter is enough)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import RunCli, copy_fixture
from reportbuilder import Edition, PdfRenderer, load_project, render_html, write_atomic
from reportbuilder.review.pdfdiff import UnreadablePdf, compare, printable

pytestmark = pytest.mark.pdf


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _numbers(root: Path) -> None:
    _replace(root / "data" / "survey.yml", "count: 500}", "count: 510}")
    _replace(root / "data" / "survey.yml", "count: 450}", "count: 440}")


def _paragraph(root: Path) -> None:
    _replace(
        root / "content" / "02-findings.md",
        "## Who to ask",
        "A reviewer added this sentence about seasonal wells.\n\n## Who to ask",
    )


def _colour(root: Path) -> None:
    _replace(root / "report.yml", 'primary: "#1b4d3e"', 'primary: "#7a1f1f"')


def _title(root: Path) -> None:
    _replace(root / "report.yml", "title: Water Access Survey", "title: Water Access Study")


def _move(root: Path) -> None:
    sentence = "Households were drawn at random from the district registers."
    _replace(root / "content" / "01-overview.md", "[^method]", "")
    _replace(root / "content" / "01-overview.md", f": {sentence}", "")
    _replace(root / "content" / "02-findings.md", "## Who to ask", f"{sentence}\n\n## Who to ask")


CHANGES: dict[str, Callable[[Path], None]] = {
    "numbers": _numbers,
    "paragraph": _paragraph,
    "colour": _colour,
    "title": _title,
    "move": _move,
}


@dataclass(frozen=True)
class Builds:
    base: Path
    again: Path
    changed: dict[str, Path]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The mini fixture built as is (twice) and once with each change, through one
    renderer."""
    root = tmp_path_factory.mktemp("diff")
    paths: dict[str, Path] = {}
    with PdfRenderer() as renderer:
        for name in ["base", "again", *CHANGES]:
            project_dir = copy_fixture("mini", root / name)
            if name in CHANGES:
                CHANGES[name](project_dir)
            html = render_html(load_project(project_dir), Edition())
            paths[name] = write_atomic(root / f"{name}.pdf", renderer.render(html))
    return Builds(paths["base"], paths["again"], {k: paths[k] for k in CHANGES})


def test_two_builds_of_the_same_project_are_equal(builds: Builds) -> None:
    result = compare(builds.base, builds.again)
    assert result.equal, list(result.report())
    assert list(result.report()) == [f"no difference ({len(result.new.pages)} pages)"]
    assert result.changed_pages() == []


def test_a_changed_figure_is_named_with_its_page(builds: Builds) -> None:
    result = compare(builds.base, builds.changed["numbers"])
    assert not result.equal
    changes = {(n.old, n.new) for n in result.numbers}
    assert ("500", "510") in changes and ("450", "440") in changes
    assert ("40 %", "40.8 %") in changes or ("40%", "40.8%") in changes, changes
    assert not result.hunks, "only numbers changed, no text"
    lines = list(result.report())
    page = next(n.new_page for n in result.numbers if n.old == "500")
    assert any(line.startswith(f"page {page}: 500 → 510") for line in lines), lines


def test_an_added_paragraph_is_added_text_on_its_page_only(builds: Builds) -> None:
    result = compare(builds.base, builds.changed["paragraph"])
    assert [h.added for h in result.hunks] == [
        "A reviewer added this sentence about seasonal wells."
    ]
    assert result.hunks[0].removed == ""
    page = result.hunks[0].new_page
    assert "seasonal wells" in " ".join(result.new.pages[page - 1])
    assert [new for _, new in result.changed_pages()] == [page]
    assert not result.numbers and not result.drawings


def test_a_colour_change_is_a_drawing_change_on_every_page_it_touches(builds: Builds) -> None:
    result = compare(builds.base, builds.changed["colour"])
    assert not result.hunks and not result.numbers
    assert result.drawings, "the brand colour is drawn on pages, with the same text"
    assert {old for old, new in result.drawings} == {new for old, new in result.drawings}
    assert any("drawing changed (same text)" in line for line in result.report())


def test_metadata_and_outline_changes(builds: Builds) -> None:
    result = compare(builds.base, builds.changed["title"])
    assert ("/Title", "Water Access Survey", "Water Access Study") in result.metadata
    assert [x[1] for x in result.outline_removed] == ["Water Access Survey"]
    assert [x[1] for x in result.outline_added] == ["Water Access Study"]
    report = list(result.report())
    assert "metadata Title: “Water Access Survey” → “Water Access Study”" in report


def test_a_moved_sentence_is_a_move_not_two_changes(builds: Builds) -> None:
    result = compare(builds.base, builds.changed["move"])
    moved = [m.text for m in result.moves]
    assert "Households were drawn at random from the district registers." in moved, list(
        result.report()
    )


@pytest.fixture
def diff_cli(run_cli: RunCli) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`reportbuilder diff ARGS` in a process (forked from the warm command)."""

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return run_cli(["diff", *args], env={"REPORTBUILDER_DEBUG": ""}, timeout=120)

    return run


def test_cli_exit_codes_and_report(
    builds: Builds, tmp_path: Path, diff_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    same = diff_cli(builds.base, builds.again)
    assert (same.returncode, same.stderr) == (0, "")
    assert same.stdout.startswith("no difference")

    changed = diff_cli(builds.base, builds.changed["numbers"])
    assert changed.returncode == 1, changed.stderr
    assert "500 → 510" in changed.stdout

    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("not a PDF at all", encoding="utf-8")
    broken = diff_cli(builds.base, not_pdf)
    assert broken.returncode == 2
    assert "notes.pdf: not a readable PDF" in broken.stderr
    assert "Traceback" not in broken.stderr

    missing = diff_cli(builds.base, tmp_path / "absent.pdf")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_cli_json(
    builds: Builds, diff_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    done = diff_cli(builds.base, builds.changed["paragraph"], "--json")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["equal"] is False
    assert document["text"][0]["added"].startswith("A reviewer added")
    assert document["changed_pages"] == [document["text"][0]["new_page"]]
    equal = json.loads(diff_cli(builds.base, builds.again, "--json").stdout)
    assert equal["equal"] is True and equal["changed_pages"] == []


def test_cli_visual_writes_a_picture_per_changed_page_only(
    builds: Builds, tmp_path: Path, diff_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    from PIL import Image

    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "page-099.png").write_bytes(b"from an earlier comparison")
    (folder / ".diff-pictures").write_text("page-099.png\n", encoding="utf-8")  # diff's own
    (folder / "mine.txt").write_text("kept", encoding="utf-8")
    done = diff_cli(builds.base, builds.changed["paragraph"], "--visual", folder)
    assert done.returncode == 1, done.stderr
    page = compare(builds.base, builds.changed["paragraph"]).hunks[0].new_page
    assert sorted(p.name for p in folder.iterdir()) == [
        ".diff-pictures",
        "mine.txt",
        f"page-{page:03d}.png",
    ]
    with Image.open(folder / f"page-{page:03d}.png") as picture:
        assert picture.format == "PNG"
        # Both pages side by side, and red outlines where they differ.
        assert picture.width > 1.9 * picture.height * 210 / 297
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert any(rgb == (220, 30, 30) for _, rgb in colours)

    shutil.rmtree(folder)
    equal = diff_cli(builds.base, builds.again, "--visual", folder)
    assert equal.returncode == 0 and [p.name for p in folder.iterdir()] == [".diff-pictures"]


def test_unreadable_files_raise_unreadable_pdf(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(UnreadablePdf, match=r"empty\.pdf: not a readable PDF"):
        compare(empty, empty)


def test_printable_escapes_control_characters() -> None:
    assert printable("a\x1b]0;title\x07b\nc") == "a\\x1b]0;title\\x07b\\nc"
    assert printable("89\u00a0%") == "89\u00a0%"


def test_build_compare_reads_the_earlier_pdf_before_replacing_it(
    mini_project: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(["build", mini_project, *args])

    first = run()
    assert first.returncode == 0, first.stderr
    output = mini_project / "out" / "mini.pdf"
    _numbers(mini_project)
    second = run("--compare", str(output))
    assert second.returncode == 0, second.stderr
    assert f"compared with {output}:" in second.stdout
    assert "500 → 510" in second.stdout

    again = run("--compare", str(output), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["comparison"]["equal"] is True

    html = run("--compare", str(output), "--format", "html")
    assert html.returncode == 2 and "compares PDFs only" in html.stderr


def test_adjacent_cells_are_two_numbers_and_grouping_spaces_hold_one(tmp_path: Path) -> None:
    """ "812 170" in two table cells is 812 and 170; "1 322" with a no-break grouping space
    (as French prints it) is one number: a change to one is named alone."""
    texts = {
        "old": "| Region | Cases | Assisted |\n|---|---:|---:|\n| North | 812 | 170 |\n\n"
        "In all, 1\u202f322 people.\n",
        "new": "| Region | Cases | Assisted |\n|---|---:|---:|\n| North | 812 | 171 |\n\n"
        "In all, 1\u202f323 people.\n",
    }
    pdfs = {}
    with PdfRenderer() as renderer:
        for name, text in texts.items():
            project_dir = copy_fixture("tiny", tmp_path / name)
            chapter = project_dir / "content" / "01-only.md"
            chapter.write_text(chapter.read_text("utf-8") + "\n" + text, "utf-8")
            html = render_html(load_project(project_dir), Edition())
            pdfs[name] = write_atomic(tmp_path / f"{name}.pdf", renderer.render(html))
    result = compare(pdfs["old"], pdfs["new"])
    assert {(n.old, n.new) for n in result.numbers} == {
        ("170", "171"),
        ("1\u202f322", "1\u202f323"),
    }
    assert not result.hunks


def _long_report(root: Path) -> Path:
    """The mini fixture with a long chapter: ten A4 pages (16 at A5) of text and a table (each
    test lays it out two to four times: no longer than the A5 pages it proves need)."""
    project_dir = copy_fixture("mini", root)
    chapter = project_dir / "content" / "02-findings.md"
    text = (
        "queues at the wells, the price of a jerrycan, the distance walked each morning, "
        "the repairs the committees made with their own tools and savings, the rain that "
        "came late, the pumps that failed and the long walk back before the heat of noon"
    )
    words = text.split()
    # Each paragraph its own words (a rotation), as in a real report: no line repeats.
    paragraphs = "\n\n".join(
        f"In week {n} the survey teams saw {' '.join(words[n % 40 :] + words[: n % 40])}; "
        f"then {' '.join(words[(3 * n) % 40 :][:20])}."
        for n in range(1, 41)
    )
    # A table early and a cross-reference to it at the end: "Table 3, page 4".
    table = "| Week | Wells |\n|---|---:|\n| 1 | 12 |\n\nTable: Wells seen {#tab-weeks}\n\n"
    reference = "\n\nThe wells are counted in [](#tab-weeks).\n"
    text = chapter.read_text("utf-8") + "\n\n## Field notes\n\n" + table + paragraphs + reference
    chapter.write_text(text, "utf-8")
    return project_dir


def test_a_page_format_change_is_one_line_not_every_moved_footer(tmp_path: Path) -> None:
    """A4 against letter and A5 builds of the same text: the report says the same text was
    laid out on other pages, in a few lines, with no footer, contents leader or word listed;
    a real edit on top of the format change is still named alone."""
    project_dir = _long_report(tmp_path / "long")
    pdfs: dict[str, Path] = {}
    with PdfRenderer() as renderer:
        for size in ("A4", "letter", "A5"):
            text = (project_dir / "report.yml").read_text("utf-8")
            (project_dir / "report.yml").write_text(f"{text}\npage_size: {size}\n", "utf-8")
            html = render_html(load_project(project_dir), Edition())
            pdfs[size] = write_atomic(tmp_path / f"{size}.pdf", renderer.render(html))
            (project_dir / "report.yml").write_text(text, "utf-8")
        _replace(
            project_dir / "content" / "02-findings.md",
            "In week 40 the survey teams saw",
            "In week 40 the teams saw",
        )
        text = (project_dir / "report.yml").read_text("utf-8")
        (project_dir / "report.yml").write_text(f"{text}\npage_size: A5\n", "utf-8")
        html = render_html(load_project(project_dir), Edition())
        pdfs["edited"] = write_atomic(tmp_path / "edited.pdf", renderer.render(html))

    letter = compare(pdfs["A4"], pdfs["letter"])
    report = list(letter.report())
    assert letter.text_equal and not letter.equal, report
    assert report[0] == "page size: 210 × 297 mm → 216 × 279 mm", report
    assert report[1].startswith("the same text laid out on "), report
    assert len(report) <= 4, report  # size, layout, and perhaps contents pages
    assert not any("Page " in line and " of " in line for line in report), report

    a5 = compare(pdfs["A4"], pdfs["A5"])
    report = list(a5.report())
    old_count, new_count = len(a5.old.pages), len(a5.new.pages)
    assert new_count > old_count + 4, (old_count, new_count)
    assert report[:2] == [
        "page size: 210 × 297 mm → 148 × 210 mm",
        f"the same text laid out on {old_count} → {new_count} pages",
    ], report
    # The cross-reference's page and the contents' pages follow the layout: one line each.
    assert [len(a5.page_references)] == [1] and report[2].startswith(
        "page references: 1 lead to other pages (page "
    ), report
    assert a5.contents and report[3].startswith(f"contents: {len(a5.contents)} entries"), report
    assert len(report) == 4, report
    assert a5.changed_pages() == []

    edited = compare(pdfs["A4"], pdfs["edited"])
    assert not edited.text_equal
    assert [(h.removed, h.added) for h in edited.hunks] == [("survey", "")], list(edited.report())
    assert not edited.numbers and not edited.moves


def test_the_same_text_broken_into_other_lines_is_not_no_difference(tmp_path: Path) -> None:
    """A narrower text block (a margin, a font size) moves every line break but no word:
    the pages are named as laid out anew, never reported equal."""
    project_dir = _long_report(tmp_path / "long")
    styles = project_dir / "styles"
    pdfs = {}
    with PdfRenderer() as renderer:
        for name in ("wide", "narrow"):
            if name == "narrow":
                styles.mkdir(exist_ok=True)
                narrow = "p { margin-right: 12mm !important; }\n"
                (styles / "narrow.css").write_text(narrow, "utf-8")
            html = render_html(load_project(project_dir), Edition())
            pdfs[name] = write_atomic(tmp_path / f"{name}.pdf", renderer.render(html))
    result = compare(pdfs["wide"], pdfs["narrow"])
    assert result.text_equal and not result.equal
    assert result.relaid, list(result.report())
    assert any(line.startswith("the same text laid out") for line in result.report())


def test_a_recoloured_photo_is_an_image_change_not_a_drawing(
    tmp_path: Path, diff_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    """trial2 #39: a photo recoloured from red to green was "drawing changed" and `images`
    did not exist; a CI rule keyed on image changes missed it."""
    from PIL import Image

    built = {}
    with PdfRenderer() as renderer:
        for name, colour in (("red", (200, 30, 30)), ("green", (30, 160, 60))):
            project_dir = copy_fixture("tiny", tmp_path / name)
            Image.new("RGB", (600, 300), colour).save(project_dir / "assets" / "photo.png")
            chapter = project_dir / "content" / "01-only.md"
            text = chapter.read_text("utf-8")
            chapter.write_text(
                text + "\n![A block of colour](assets/photo.png)\n\nAfter.\n", "utf-8"
            )
            html = render_html(load_project(project_dir), Edition())
            built[name] = write_atomic(tmp_path / f"{name}.pdf", renderer.render(html))
    result = compare(built["red"], built["green"])
    assert not result.hunks and not result.numbers and not result.drawings
    [(old_page, new_page)] = result.images
    assert old_page == new_page and result.changed_pages() == [(old_page, new_page)]
    assert list(result.report()) == [
        f"page {new_page}: image changed (same text)",
        f"changed pages (new): {new_page}",
    ]
    done = diff_cli(built["red"], built["green"], "--json")
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["images"] == [{"old_page": old_page, "new_page": new_page}]
    assert document["drawings"] == [] and document["changed_pages"] == [new_page]
    assert compare(built["red"], built["red"]).equal


def test_a_build_by_parts_is_no_drawing_change(
    builds: Builds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """trial3 #10: the same pages assembled from parts (other font subsets, resources renamed)
    were "drawing changed (same text)" on half the pages: a drawing change is one a reader
    can see, so pages whose streams differ are drawn and compared before being named."""
    from click.testing import CliRunner

    from reportbuilder.cli import main

    project = copy_fixture("mini", tmp_path / "mini")
    monkeypatch.setenv("REPORTBUILDER_PARTS", "1")
    out = tmp_path / "parts.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outputs"][0]["layout"] == "parts"
    comparison = compare(builds.base, out)
    assert comparison.old.drawings != comparison.new.drawings  # the streams do differ
    assert comparison.equal, list(comparison.report())


def test_a_link_target_or_an_alternative_text_changed_is_a_difference(tmp_path: Path) -> None:
    """Trial 6 #42: a pull request pointing "the full report" at another site, or a chart
    described otherwise for screen readers, gave "no difference", exit 0: neither is in the
    pages' text."""
    import datetime as dt

    from conftest import one_chapter_project
    from reportbuilder import build

    edition = Edition(created=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    chapter = (
        "# Links\n\nRead [the full report](https://www.example.org/report).\n\n"
        "![A drawing](assets/d.svg)\n"
    )
    root = one_chapter_project(tmp_path / "p", "Links", chapter)
    (root / "assets").mkdir()
    (root / "assets" / "d.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" '
        'height="20"/></svg>',
        encoding="utf-8",
    )
    old, new = tmp_path / "old.pdf", tmp_path / "new.pdf"
    build(root, edition, output=old)
    (root / "content" / "01.md").write_text(
        chapter.replace("www.example.org/report", "evil.example/login").replace(
            "A drawing", "Another drawing"
        ),
        encoding="utf-8",
    )
    build(root, edition, output=new)
    result = compare(old, new)
    assert not result.equal
    assert result.links_removed == [(3, "https://www.example.org/report")]
    assert result.links_added == [(3, "https://evil.example/login")]
    assert (result.alternatives_removed, result.alternatives_added) == (
        ["A drawing"],
        ["Another drawing"],
    )
    lines = list(result.report())
    assert "page 3: link added: “https://evil.example/login”" in lines
    assert "alternative text added: “Another drawing”" in lines
    assert result.as_json()["links"]["added"] == [
        {"page": 3, "target": "https://evil.example/login"}
    ]
