"""The public Python API (`import reportbuilder`): the stages called one by one, as mail,
merge, editions and watch will call them, and `build`/`check` as their compositions."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import pypdf
import pytest

import reportbuilder
from conftest import live_children
from reportbuilder import (
    BuildResult,
    ComposeError,
    Edition,
    Limits,
    PdfRenderer,
    Problem,
    ProjectError,
    RenderError,
    Severity,
    Stage,
    build,
    check,
    load_project,
    render_html,
    write_atomic,
)


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_every_public_name_is_importable() -> None:
    for name in reportbuilder.__all__:
        assert getattr(reportbuilder, name) is not None, name


@pytest.mark.pdf
def test_one_load_many_editions_through_one_render_process(
    tiny_project: Path, tmp_path: Path
) -> None:
    (tiny_project / "content" / "03-copy.md").write_text(
        "# Your copy\n\n"
        "{% if recipient %}Prepared for {{ recipient.name }} of "
        "{{ recipient.organisation }}.{% else %}An open copy.{% endif %}\n",
        encoding="utf-8",
    )
    project = load_project(str(tiny_project))  # a string path is accepted
    people = [("Ana Pérez", "Ministerio"), ("Bob Li", "City Desk"), ("Chloé Roy", "ONG Eau")]
    editions = [Edition(lang="fr"), Edition(lang="en")] + [
        Edition(personalisation={"name": name, "organisation": org}) for name, org in people
    ]
    before = live_children()
    with PdfRenderer() as renderer:
        pid = renderer.pid
        pdfs = []
        for index, edition in enumerate(editions):
            pdf = renderer.render(render_html(project, edition))
            pdfs.append(pdf)
            write_atomic(tmp_path / f"edition-{index}.pdf", pdf)
            assert renderer.pid == pid  # the same warm process every time
            assert len(live_children() - before) == 1
        assert renderer.jobs == len(editions)
    time.sleep(0.1)
    assert live_children() - before == set()  # ended with the context

    french, english, *personal = [_text(pdf.data) for pdf in pdfs]
    assert "Sommaire" in french and "Contents" not in french
    assert "Contents" in english and "Sommaire" not in english
    assert "An open copy." in english
    for text, (name, org) in zip(personal, people, strict=True):
        assert f"Prepared for {name} of {org}." in text
        assert all(other not in text for other, _ in people if other != name)
    for index, pdf in enumerate(pdfs):
        assert pdf.pages >= 4 and pdf.problems == ()
        assert (tmp_path / f"edition-{index}.pdf").read_bytes() == pdf.data
    assert pypdf.PdfReader(io.BytesIO(pdfs[0].data)).pdf_header.startswith("%PDF-")


@pytest.mark.pdf
def test_build_accepts_a_string_and_returns_a_typed_result(tiny_project: Path) -> None:
    result = build(str(tiny_project), output=str(tiny_project / "out" / "x.pdf"))
    assert isinstance(result, BuildResult)
    [out] = result.outputs
    assert out.path == str(tiny_project / "out" / "x.pdf") and out.pages and out.bytes > 10_000
    assert result.problems == () and result.warnings == []
    assert Path(out.path).read_bytes().startswith(b"%PDF-")
    again = check(load_project(tiny_project))  # a loaded project is accepted too
    assert again.outputs == () and again.project == str(tiny_project.resolve())


def test_problems_are_typed_and_located(mini_project: Path) -> None:
    (mini_project / "report.yml").write_text(
        (mini_project / "report.yml").read_text(encoding="utf-8") + "colour: blue\n",
        encoding="utf-8",
    )
    with pytest.raises(ProjectError) as raised:
        load_project(mini_project)
    [problem] = raised.value.problems
    assert isinstance(problem, Problem)
    assert problem.stage is Stage.PROJECT and problem.severity is Severity.ERROR
    assert problem.path == "report.yml" and problem.line == 20
    assert problem.as_json()["stage"] == "project"
    assert str(problem).startswith("report.yml:20: unknown key 'colour'")


def test_undefined_name_is_a_compose_problem(mini_project: Path) -> None:
    (mini_project / "content" / "03-bad.md").write_text(
        "# Bad\n\nThe {{ data.survey.nope }} figure.\n", encoding="utf-8"
    )
    with pytest.raises(ComposeError) as raised:
        render_html(load_project(mini_project))
    [problem] = raised.value.problems
    assert (problem.stage, problem.path, problem.line) == (Stage.COMPOSE, "content/03-bad.md", 3)


@pytest.mark.pdf
def test_warnings_are_problems_and_strict_editions_fail(tiny_project: Path) -> None:
    chapter = tiny_project / "content" / "01-only.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\nAn icon ![Remote](https://example.org/x.png).\n",
        encoding="utf-8",
    )  # refused, the network being off: a warning (a figure's picture would be an error)
    result = build(tiny_project)
    [warning] = result.warnings
    assert warning.severity is Severity.WARNING and warning.stage is Stage.RENDER
    assert warning.path == "content/01-only.md" and warning.line is not None
    assert "network access is off: refused https://example.org/x.png" in warning.message
    with pytest.raises(RenderError) as raised:
        build(tiny_project, Edition(strict=True), output=tiny_project / "out" / "strict.pdf")
    assert raised.value.problems[0].severity is Severity.ERROR
    assert not (tiny_project / "out" / "strict.pdf").exists()


def test_edition_values_are_checked() -> None:
    with pytest.raises(ValueError, match="pdf_variant"):
        Edition(pdf_variant="pdf/a-9z")
    with pytest.raises(ValueError, match="lang"):
        Edition(lang="xx-nope")
    with pytest.raises(ValueError, match="page_size"):
        Edition(page_size="A7")
    with pytest.raises(ValueError, match="brand"):
        Edition(brand={"primary": "blue"})
    with pytest.raises(ValueError, match="timeout"):
        Limits(timeout=0)


def test_a_page_size_and_brand_edition(mini_project: Path) -> None:
    project = load_project(mini_project)
    html = render_html(project, Edition(page_size="A5", brand={"primary": "#8a1538"}))
    assert "size: A5" in html.text and "--primary: #8a1538" in html.text
    assert "size: A4" in render_html(project).text  # the project itself is unchanged


def test_deadline_from_a_worker_thread(mini_project: Path) -> None:
    (mini_project / "content" / "09-slow.md").write_text(
        "# Slow\n\n"
        "{% for i in [0] * 100000 %}{% for j in [0] * 100000 %}{% endfor %}{% endfor %}\n",
        encoding="utf-8",
    )
    outcome: list[BaseException | BuildResult] = []
    # Loaded first: the deadline covers reading the project too, and on a loaded machine
    # that alone took more than the 2 s (a ProjectError, not the template's interruption).
    project = load_project(mini_project)

    def work() -> None:
        try:
            outcome.append(check(project, Edition(limits=Limits(timeout=2))))
        except BaseException as error:  # handed to the test thread below
            outcome.append(error)

    started = time.monotonic()
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    elapsed = time.monotonic() - started
    assert not worker.is_alive()
    assert elapsed < 2 + 20, elapsed  # the loops would run for hours; generous under load
    [error] = outcome
    assert isinstance(error, ComposeError), error
    [problem] = error.problems
    assert problem.path == "content/09-slow.md" and problem.line == 3
    assert "time limit of 2 s" in problem.message and problem.setting == "timeout"


@pytest.mark.pdf  # imports WeasyPrint
def test_the_pdf_variants_are_weasyprints() -> None:
    from weasyprint.pdf import VARIANTS

    from reportbuilder.variants import PDF_VARIANTS

    assert sorted(PDF_VARIANTS) == sorted(name for name in VARIANTS if name != "debug")


@pytest.mark.slow
def test_mypy_strict_sees_the_public_signatures(tmp_path: Path) -> None:
    script = tmp_path / "use.py"
    script.write_text(
        "import reportbuilder\n"
        "reportbuilder.build('some/path', outptu='x.pdf')\n"
        "result: reportbuilder.BuildResult = reportbuilder.build('some/path')\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, done.stdout
    assert 'Unexpected keyword argument "outptu"' in errors[0]
