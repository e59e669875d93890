"""`diff` compares the files attached to the PDFs (`--embed-sources`, file attachments on a
page): a changed attachment is a difference, named, with what changed (trial 7 #4)."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder import Edition, build
from reportbuilder.cli import main
from reportbuilder.review.pdfdiff import compare

CHAPTER = "# Only chapter\n\nWe counted {{ data.count.units.value }} units.\n"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The same text twice, its data file attached: the second time with a line more in the
    data file (a note no chapter prints), and the first built again."""
    root = tmp_path_factory.mktemp("attached")
    project = copy_fixture("tiny", root / "tiny")
    (project / "content" / "01-only.md").write_text(CHAPTER, encoding="utf-8")
    edition = Edition(embed_sources=True)
    first, again, changed = root / "first.pdf", root / "again.pdf", root / "changed.pdf"
    build(project, edition, output=first)
    build(project, edition, output=again)
    with (project / "data" / "count.yml").open("a", encoding="utf-8") as data:
        data.write("# counted again on 2 March: 3 units were 4\n")
    build(project, edition, output=changed)
    return first, again, changed


@pytest.mark.pdf
def test_a_changed_attached_data_file_is_a_difference(
    two_builds: tuple[Path, Path, Path],
) -> None:
    """The printed text is the same and `diff` said "no difference" (exit 0): a reviewer
    approving the PDF never saw its attached data change."""
    first, again, changed = two_builds
    assert compare(first, again).equal
    result = compare(first, changed)
    assert result.text_equal and not result.equal
    [entry] = [c for c in result.attachments_changed if c[0] == "data/count.yml"]
    _, old_size, new_size, change = entry
    assert new_size > old_size
    assert "1 line(s) added" in change and "counted again on 2 March" in change
    lines = list(result.report())
    assert any(line.startswith("attachment changed: data/count.yml (") for line in lines), lines

    runner = CliRunner()
    done = runner.invoke(main, ["diff", str(first), str(changed), "--json"])
    assert done.exit_code == 1, done.output
    document = json.loads(done.stdout)
    assert document["equal"] is False and document["text_equal"] is True
    names = [c["name"] for c in document["attachments"]["changed"]]
    assert "data/count.yml" in names
    same = runner.invoke(main, ["diff", str(first), str(again)])
    assert same.exit_code == 0 and same.stdout.startswith("no difference")


@pytest.mark.pdf
def test_an_attachment_added_or_removed_is_a_difference(
    two_builds: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A file attached after the build (a PDF tool's "attach file") is added; gone, removed."""
    first, _, _ = two_builds
    extra = tmp_path / "extra.pdf"
    with pikepdf.open(first) as pdf:
        pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"a note\n")
        pdf.save(extra)
    assert compare(first, extra).attachments_added == ["notes.txt"]
    back = compare(extra, first)
    assert back.attachments_removed == ["notes.txt"] and not back.equal
    assert "attachment removed: notes.txt" in list(back.report())


def _with_page_attachment(source: Path, target: Path, data: bytes) -> None:
    """`source` with a file attached to its first page (a file attachment annotation)."""
    with pikepdf.open(source) as pdf:
        spec = pikepdf.AttachedFileSpec(pdf, data, filename="sheet.csv")
        annotation = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.FileAttachment,
                Rect=[10, 10, 20, 20],
                FS=spec.obj,
            )
        )
        page = pdf.pages[0].obj
        if "/Annots" not in page:
            page.Annots = pdf.make_indirect(pikepdf.Array())
        page.Annots.append(annotation)
        pdf.save(target)


@pytest.mark.pdf
def test_a_file_attached_to_a_page_is_compared_too(
    two_builds: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    first, _, _ = two_builds
    old, new = tmp_path / "old.pdf", tmp_path / "new.pdf"
    _with_page_attachment(first, old, b"region,people\nNorth,200\n")
    _with_page_attachment(first, new, b"region,people\nNorth,210\n")
    result = compare(old, new)
    assert result.text_equal and not result.equal
    [(name, _, _, change)] = result.attachments_changed
    assert name == "page 1: sheet.csv"
    assert "“North,200”" in change and "“North,210”" in change
