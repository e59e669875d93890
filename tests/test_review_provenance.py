"""`build --embed-sources` and `reportbuilder provenance`: the data files and a manifest as
PDF/A-3 associated files, reproducible, listed and verified against a project folder."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from conftest import RunCli
from reportbuilder import Edition
from reportbuilder.review.provenance import MANIFEST

pytestmark = pytest.mark.pdf

EPOCH = "1700000000"


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def _run(run_cli: RunCli) -> Run:
    """`reportbuilder ARGS` in a process (forked from the warm command), with
    SOURCE_DATE_EPOCH set to `epoch` (none if None)."""

    def run(*args: str | Path, epoch: str | None = EPOCH) -> subprocess.CompletedProcess[str]:
        env = {"REPORTBUILDER_DEBUG": ""}
        if epoch:
            env["SOURCE_DATE_EPOCH"] = epoch
        return run_cli(list(args), env=env)

    return run


def reads(project: Path, line: str) -> None:
    """Add `line` to the project's chapter: `--embed-sources` attaches what chapters read."""
    chapter = project / "content" / "01-only.md"
    chapter.write_text(chapter.read_text("utf-8") + f"\n{line}\n", encoding="utf-8")


def test_sources_are_attached_reproducibly_and_verified(
    tiny_project: Path, tmp_path: Path, _run: Run
) -> None:
    reads(tiny_project, "{{ data.count.units.value }} units.")  # what is attached is read
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        done = _run("build", tiny_project, "-o", out, "--embed-sources")
        assert done.returncode == 0, done.stderr
    assert first.read_bytes() == second.read_bytes()

    reader = pypdf.PdfReader(first)
    attached = {a.name: a for a in reader.attachment_list}
    assert sorted(attached) == ["data/count.yml", MANIFEST]
    assert attached["data/count.yml"].associated_file_relationship == "/Data"
    assert attached[MANIFEST].associated_file_relationship == "/Supplement"
    assert attached["data/count.yml"].content == (tiny_project / "data/count.yml").read_bytes()
    # Associated files of the document (PDF/A-3), and the PDF says it is PDF/A-3.
    associated = {ref.get_object()["/F"] for ref in reader.root_object["/AF"]}
    assert associated == {"data/count.yml", MANIFEST}
    xmp = reader.root_object["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp

    manifest = json.loads(attached[MANIFEST].content)
    assert manifest["built"] == "2023-11-14T22:13:20Z"
    assert manifest["edition"]["pdf_variant"] == "pdf/a-3b"
    paths = [x["path"] for x in manifest["inputs"]]
    assert "report.yml" in paths and "content/01-only.md" in paths
    assert "assets/logo.svg" in paths and not any(p.startswith("out/") for p in paths)

    qpdf = subprocess.run(["qpdf", "--check", str(first)], capture_output=True, text=True)
    assert qpdf.returncode == 0, qpdf.stdout

    listed = _run("provenance", first, "--project", tiny_project)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "data/count.yml  (Data," in listed.stdout
    assert "every source file is the one the PDF was built from" in listed.stdout

    data = tiny_project / "data/count.yml"
    data.write_text(data.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    changed = _run("provenance", first, "--project", tiny_project, "--json")
    assert changed.returncode == 1
    document = json.loads(changed.stdout)
    assert document["verified"] is False
    assert {"path": "data/count.yml", "state": "changed"} in document["checks"]


def test_a_pdf_without_sources_is_not_verified(
    tiny_project: Path, tmp_path: Path, _run: Run
) -> None:
    out = tmp_path / "plain.pdf"
    assert _run("build", tiny_project, "-o", out).returncode == 0
    assert not list(pypdf.PdfReader(out).attachment_list)
    listed = _run("provenance", out)
    assert listed.returncode == 1
    assert "no build manifest" in listed.stderr


def test_embedding_needs_a_pdf_a_3_variant(tiny_project: Path, tmp_path: Path, _run: Run) -> None:
    done = _run("build", tiny_project, "--embed-sources", "--pdf-variant", "pdf/ua-1")
    assert done.returncode == 2
    assert "PDF/A-3" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(ValueError, match="PDF/A-3"):
        Edition(embed_sources=True, pdf_variant="pdf/a-2b")
    assert Edition(embed_sources=True).pdf_variant == "pdf/a-3b"


def test_a_template_cannot_slip_in_an_attachment_beside_the_sources(
    tiny_project: Path, tmp_path: Path, _run: Run
) -> None:
    theme = Path(__file__).resolve().parent.parent / "src/reportbuilder/themes/base/templates"
    page = (theme / "report.html").read_text(encoding="utf-8")
    (tiny_project / "templates").mkdir()
    (tiny_project / "templates/report.html").write_text(
        page.replace("<head>", '<head>\n<link rel="attachment" href="report.yml">', 1),
        encoding="utf-8",
    )
    out = tmp_path / "x.pdf"
    done = _run("build", tiny_project, "-o", out, "--embed-sources")
    assert done.returncode == 1, done.stdout
    assert "attached files the build did not add" in done.stderr
    assert not out.exists()


def test_provenance_of_a_file_that_is_not_a_pdf(tmp_path: Path, _run: Run) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_text("hello", encoding="utf-8")
    done = _run("provenance", bad)
    assert done.returncode == 2 and "not a readable PDF" in done.stderr
    assert "Traceback" not in done.stderr


def test_only_data_files_are_attached_and_never_what_a_workbook_hides(
    tiny_project: Path, tmp_path: Path, _run: Run
) -> None:
    """`--embed-sources` attached a stray data/notes.txt, and a workbook's hidden sheet, row
    and column went out in the attached copy while the warnings said "left out" (trial 4)."""
    import openpyxl

    (tiny_project / "data" / "notes.txt").write_text("private notes", encoding="utf-8")
    reads(tiny_project, "{{ data.count.units.value }} units {% set m = data.m %}")
    done = _run("build", tiny_project, "-o", tmp_path / "a.pdf", "--embed-sources")
    assert done.returncode == 0, done.stderr
    names = sorted(a.name for a in pypdf.PdfReader(tmp_path / "a.pdf").attachment_list)
    assert names == ["data/count.yml", MANIFEST]

    book = openpyxl.Workbook()
    book.active.append(["k", "v"])
    book.active.append(["a", 1])
    book.create_sheet("Work").append(["SECRET"])
    book["Work"].sheet_state = "hidden"
    book.save(tiny_project / "data" / "m.xlsx")
    done = _run("build", tiny_project, "-o", tmp_path / "b.pdf", "--embed-sources")
    assert done.returncode == 1
    assert "data/m.xlsx: has hidden sheets, rows or columns, which --embed-sources would " in (
        done.stderr
    )
    assert not (tmp_path / "b.pdf").exists()
    done = _run("build", tiny_project, "-o", tmp_path / "c.pdf")
    assert done.returncode == 0, done.stderr  # without sources, left out with a warning
