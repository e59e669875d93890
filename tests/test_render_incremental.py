"""Chapter-by-chapter layout (REPORTBUILDER_PARTS=1): the assembled PDF equals a whole build —
pages, text of every page ("page X of Y", contents numbers), links and where they lead,
outline, metadata, structure tree — after no change, a sentence edit, an edit that adds a
page, a heading added, a data value changed, a stylesheet added; only what changed is laid
out again; the cache is never stale; and what cannot be laid out by parts is laid out whole,
saying why."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from pdfsame import summary
from reportbuilder import pipeline
from reportbuilder.cache import Cache
from reportbuilder.cli import main
from reportbuilder.edition import Edition
from reportbuilder.pipeline import Output, build
from reportbuilder.render import incremental
from reportbuilder.render.renderer import PdfRenderer

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"


def _example(tmp_path: Path) -> Path:
    """The example report (4 chapters: footnotes, a table, a chart) with a reference and a
    link from the last chapter to figures and a chapter before it."""
    project = tmp_path / "report"
    project.mkdir()
    for name in ("content", "data", "assets", "styles", "templates"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, project / name)
    for name in ("report.yml", "contacts.yml"):
        shutil.copy(ROOT / name, project / name)
    for translated in (project / "content").glob("*.*.md"):
        translated.unlink()
    _append(
        project / "content" / "04-conclusions.md",
        '\n\nComme le montre {{ ref("fig-age") }}, voir aussi [la méthode](#methode).[^x]\n\n'
        "[^x]: Une note de la conclusion.\n\n" + "Identifiant : " + "X7" * 120 + "\n",
        # A line too long for the text block: a warning naming its page of the whole report.
    )
    return project


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


@pytest.fixture
def renderer():
    with PdfRenderer() as shared:
        yield shared


def _both(
    project: Path,
    renderer: PdfRenderer,
    monkeypatch: pytest.MonkeyPatch,
    edition: Edition | None = None,
) -> Output:
    """Build by parts (with the project's cache), then whole; assert they are the same."""
    edition = edition or Edition()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("REPORTBUILDER_PARTS", "1")
    parts = project / "out" / "parts.pdf"
    result = build(project, edition, output=parts, renderer=renderer, cache=Cache(project), jobs=2)
    monkeypatch.delenv("REPORTBUILDER_PARTS")
    whole = project / "out" / "whole.pdf"
    reference = build(project, edition, output=whole, renderer=renderer)
    if not result.outputs[0].cached:  # the same warnings, naming the same pages
        assert result.problems == reference.problems
    (out,) = result.outputs
    assert out.layout == "parts" or out.cached, out.layout_reason
    expected, found = summary(whole), summary(parts)
    assert found["parent_tree_ok"]
    for key in expected:
        assert found[key] == expected[key], key
    return out


def _done(out: Output) -> dict[str, int]:
    """What a build by parts did, less the work laid out ahead on guesses and not used
    (`missed`: it depends on which parts were laid out when the front was started)."""
    assert out.parts is not None
    return {k: v for k, v in out.parts.items() if k != "missed"}


def test_parts_equal_a_whole_build_through_edits(
    tmp_path: Path, renderer: PdfRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _example(tmp_path)
    # Parts assembled two by two, then the blocks (as a long report is, eight by eight).
    monkeypatch.setattr(incremental, "BLOCK", 2)
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    first = _both(project, renderer, monkeypatch)
    assert first.parts is not None and first.parts["reused"] == 0
    # The outputs are synced to the disk before they replace the old ones; the cache's many
    # files (parts, stamps, blocks, fonts, Markdown memo) are not: each is checked when read.
    assert len(list((project / ".reportbuilder").rglob("*"))) > 20
    assert synced and all("/out/.parts.pdf." in p or "/out/.whole.pdf." in p for p in synced)
    monkeypatch.setattr(os, "fsync", real_fsync)
    count = first.parts["laid_out"]
    assert count >= 6  # front, 4 chapters, closing (and more rounds on a first build)
    # The footers were laid out apart (`render.stamp`): each part laid out once, those that
    # print no page number (here all but the front and a chapter that links) at once.
    assert first.parts["stamps"] >= 1 and count == 6

    # Nothing changed: the output is up to date, the PDF compared above left as it was (a
    # whole build of the same inputs again would only repeat that comparison).
    parts = project / "out" / "parts.pdf"
    compared = parts.read_bytes()
    monkeypatch.setenv("REPORTBUILDER_PARTS", "1")
    same = build(project, Edition(), output=parts, renderer=renderer, cache=Cache(project), jobs=2)
    assert same.outputs[0].cached == "up to date" and parts.read_bytes() == compared
    # Built again (another output, so not up to date): every part comes from the cache.
    output = project / "out" / "again.pdf"
    again = build(project, Edition(), output=output, renderer=renderer, cache=Cache(project))
    assert _done(again.outputs[0]) == {"laid_out": 0, "reused": 6, "rounds": 1, "stamps": 0}
    # Assembled from cached parts, the same bytes as from fresh ones (SOURCE_DATE_EPOCH).
    assert output.read_bytes() == (project / "out" / "parts.pdf").read_bytes()

    # A sentence changed in a middle chapter: only that chapter is laid out again.
    chapter = project / "content" / "02-methode.md"
    _append(chapter, "\n\nUne phrase ajoutée au milieu du rapport.\n")
    edited = _both(project, renderer, monkeypatch)
    assert edited.parts is not None and edited.parts["laid_out"] == 1

    # An edit that adds pages: later parts are renumbered ("page X of Y", contents).
    before = edited.pages or 0
    _append(chapter, "\n\n" + "\n\n".join(["Un long paragraphe. " * 60] * 3) + "\n")
    longer = _both(project, renderer, monkeypatch)
    assert (longer.pages or 0) > before

    # A heading added: the contents change.
    _append(project / "content" / "03-resultats.md", "\n\n## Une section nouvelle\n\nTexte.\n")
    _both(project, renderer, monkeypatch)

    # A data value used in one chapter (the study's length in months, in the summary): that
    # chapter again, not every part.
    data = project / "data" / "study.yml"
    text = data.read_text(encoding="utf-8")
    changed = re.sub(r"(months:\n  value: )(\d+)", lambda m: f"{m[1]}{int(m[2]) + 1}", text)
    assert changed != text
    data.write_text(changed, encoding="utf-8")
    after_data = _both(project, renderer, monkeypatch)
    assert after_data.parts is not None and 0 < after_data.parts["laid_out"] < 6
    # The project's CSS (read by the renderer, not part of the HTML): every part again.
    styles = project / "styles"
    styles.mkdir(exist_ok=True)
    _append(styles / "zz-test.css", "\nh1 { letter-spacing: 0.5pt; }\n")
    after_css = _both(project, renderer, monkeypatch)
    assert after_css.parts is not None and after_css.parts["reused"] == 0


def test_a_long_report_lays_out_chapters_in_groups_then_an_edited_one_alone(
    tmp_path: Path, renderer: PdfRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The example's first two chapters three times (10 parts): on a first build, consecutive
    # chapters that print no page number are laid out together, never across a block (here
    # of 4).
    project = _example(tmp_path)
    for chapter in sorted((project / "content").glob("0[12]-*.md")):
        for copy in (1, 2):
            shutil.copy(chapter, chapter.with_name(f"{chapter.stem}-{copy:02d}.md"))
    monkeypatch.setattr(incremental, "BLOCK", 4)
    first = _both(project, renderer, monkeypatch)
    # front | résumé ×3 | méthode ×3 (a block ends after the third résumé) | résultats,
    # conclusions (they print page numbers) | closing: 6 parts laid out instead of 10, their
    # footers stamped by block (3).
    assert _done(first) == {"laid_out": 6, "reused": 0, "rounds": 1, "stamps": 3}

    # A sentence changed in a grouped chapter: it is laid out alone and the rest of its group
    # together (the page map knows each one's pages: one round), the other parts come from
    # the cache.
    chapter = project / "content" / "02-methode-01.md"
    _append(chapter, "\n\nUne phrase ajoutée au milieu du rapport.\n")
    edited = _both(project, renderer, monkeypatch)
    assert _done(edited) == {"laid_out": 2, "reused": 5, "rounds": 1, "stamps": 0}
    # Changed again: that chapter alone.
    _append(chapter, "\n\nUne autre phrase.\n")
    again = _both(project, renderer, monkeypatch)
    assert _done(again) == {"laid_out": 1, "reused": 6, "rounds": 1, "stamps": 0}


def test_parts_by_default_only_where_they_pay(
    tiny_project: Path, renderer: PdfRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where they pay is decided by the number of parts, whatever they hold: the one-chapter
    # project (the front and its chapter) stands for a short report, and for a long one once
    # MIN_PARTS is lowered to its 2 parts.
    project = tiny_project
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # set, a build is laid out whole
    monkeypatch.setenv("REPORTBUILDER_PARTS", "")  # unset: where they pay

    def made(name: str, jobs: int) -> Output:
        output = project / "out" / f"{name}.pdf"
        result = build(project, output=output, renderer=renderer, cache=Cache(project), jobs=jobs)
        return result.outputs[0]

    short = made("short", 2)
    assert (short.layout, short.layout_reason) == (
        "whole",
        "a short report (2 parts): laid out whole",
    )
    monkeypatch.setattr(pipeline, "MIN_PARTS", 2)  # as if the project were long
    one = made("one", 1)
    assert (one.layout, one.layout_reason) == ("whole", "one job: laid out whole")
    two = made("two", 2)
    assert two.layout == "parts" and two.parts is not None and two.parts["laid_out"] == 2
    # Laid out by parts once, an edit is, on one job too: only the edited chapter.
    chapter = project / "content" / "01-only.md"
    _append(chapter, "\n\nA sentence added.\n")
    edited = made("edited", 1)
    assert edited.layout == "parts" and edited.parts is not None
    assert edited.parts["laid_out"] == 1
    # Opted out.
    _append(chapter, "\n\nAnother sentence.\n")
    result = CliRunner().invoke(
        main, ["build", str(project), "--no-parts", "--json", "-o", str(project / "out" / "n.pdf")]
    )
    assert result.exit_code == 0, result.output
    (out,) = json.loads(result.stdout)["outputs"]
    assert (out["layout"], out["layout_reason"]) == ("whole", "asked for (--no-parts)")
    assert os.environ["REPORTBUILDER_PARTS"] == ""  # an edition's setting, not the process's


def test_stamped_footers_on_a5_landscape_pages_and_in_another_language(
    tmp_path: Path, renderer: PdfRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The English edition: the stamps' words in another language than the project's (the
    # French ones are stamped in the test above), on A5 pages and a turned one.
    project = _example(tmp_path)
    config = project / "report.yml"
    config.write_text(re.sub(r"(?m)^page_size:.*$", "", config.read_text()) + "\npage_size: A5\n")
    english = project / "content" / "03-resultats.en.md"
    shutil.copy(ROOT / "content" / "03-resultats.en.md", english)
    text = english.read_text(encoding="utf-8")
    turned = text.replace('id="tab-age")', 'id="tab-age", landscape=True)')
    assert turned != text
    english.write_text(turned, encoding="utf-8")
    out = _both(project, renderer, monkeypatch, Edition(lang="en"))
    assert out.parts is not None and out.parts["stamps"] >= 1
    with pikepdf.open(out.path) as pdf:
        sizes = {(round(float(p.mediabox[2])), round(float(p.mediabox[3]))) for p in pdf.pages}
    assert sizes == {(420, 595), (595, 420)}  # A5, and a turned page
    assert "Page 3 of " in summary(Path(out.path))["text"][2]  # not "Page 3 sur"


def test_a_reference_forward_to_a_chapter_that_prints_page_numbers(
    tmp_path: Path, renderer: PdfRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 02 refers to a figure and a table of 03, which refers to its own: neither waits for
    # the other; the page 02 prints is put right once 03 is laid out.
    project = _example(tmp_path)
    _append(
        project / "content" / "02-methode.md",
        '\n\nVoir plus loin {{ ref("fig-age") }} et {{ ref("tab-age") }}.\n',
    )
    out = _both(project, renderer, monkeypatch)
    assert out.parts is not None and out.parts["stamps"] >= 1


def test_a_logo_in_the_footer_is_laid_out_with_the_parts(
    tmp_path: Path, renderer: PdfRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _example(tmp_path)
    config = project / "report.yml"
    config.write_text(config.read_text().replace("brand:\n", "brand:\n  logo_on_pages: true\n", 1))
    out = _both(project, renderer, monkeypatch)
    assert out.parts is not None and out.parts["stamps"] == 0  # not stamped: two rounds


def test_print_layout_and_variants_are_laid_out_whole(
    tiny_project: Path, renderer: PdfRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decided before any layout, whatever the project holds: the one-chapter project.
    project = tiny_project
    monkeypatch.setenv("REPORTBUILDER_PARTS", "1")
    result = build(project, Edition(print_mode=True), output=project / "p.pdf", renderer=renderer)
    (out,) = result.outputs
    assert out.layout == "whole" and "print" in (out.layout_reason or "")
    assert out.as_json()["layout"] == "whole"


def test_the_front_laid_out_ahead_on_wrong_guesses_is_laid_out_again(
    tmp_path: Path, renderer: PdfRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The front (contents) and the footers are laid out ahead with the page counts of the
    # parts not laid out yet guessed; here as soon as one part is laid out, and every guess
    # a page too many: nothing laid out ahead is used, and the PDF is the whole build's.
    project = _example(tmp_path)
    for chapter in sorted((project / "content").glob("0[12]-*.md")):
        for copy in (1, 2):
            shutil.copy(chapter, chapter.with_name(f"{chapter.stem}-{copy:02d}.md"))
    monkeypatch.setattr(incremental, "BLOCK", 4)
    monkeypatch.setattr(incremental, "AHEAD", 1e9)
    monkeypatch.setattr(incremental, "_alike", lambda *args: True)
    guess = incremental._guess_like
    monkeypatch.setattr(
        incremental, "_guess_like", lambda *args: (lambda g: (g[0] + 1, *g[1:]))(guess(*args))
    )
    out = _both(project, renderer, monkeypatch)
    assert out.parts is not None and out.parts["missed"] >= 1
    # Its 10 parts in 6 (as in the test above): each laid out once, the footers of each
    # block of 4 stamped once.
    assert _done(out) == {"laid_out": 6, "reused": 0, "rounds": 1, "stamps": 3}
