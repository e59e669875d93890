"""The `reportbuilder` command through click's CliRunner (and a real process where stdout
purity or exit codes are the point): build, check, init, --json, --version."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import MINI_EPOCH, ExampleBuild, MiniBuild, RunCli, page_texts
from reportbuilder import __version__, cli
from reportbuilder.cli import main

NBSP = "\u00a0"
NNBSP = "\u202f"


def read_pdf(path: Path) -> tuple[pypdf.PdfReader, list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, page_texts(reader)


# --- build ------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_build_json_is_one_document(example_build: ExampleBuild) -> None:
    doc = json.loads(example_build.stdout)  # the whole of stdout, nothing before or after
    assert doc["ok"] is True
    assert doc["problems"] == []
    assert Path(doc["project"]) == example_build.project
    assert isinstance(doc["seconds"], int | float) and doc["seconds"] > 0
    [out] = doc["outputs"]
    assert out["format"] == "pdf"
    assert Path(example_build.project, out["path"]) == example_build.pdf
    assert out["bytes"] == len(example_build.data) == example_build.pdf.stat().st_size
    assert out["pages"] == len(example_build.reader.pages)


EPOCH = {"SOURCE_DATE_EPOCH": MINI_EPOCH}  # as mini_build's


@pytest.mark.pdf
def test_build_reports_what_it_wrote(mini_build: MiniBuild) -> None:
    stdout, pdf = mini_build.stdout, mini_build.pdf
    assert mini_build.stderr == ""
    reader, _ = read_pdf(pdf)
    assert stdout.startswith(f"wrote {pdf} (")
    assert f", {len(reader.pages)} pages) in " in stdout
    assert len(stdout.strip().splitlines()) == 1
    assert sorted(p.name for p in pdf.parent.iterdir()) == ["mini.pdf"]  # no temp files left


@pytest.mark.pdf
def test_output_option_and_reproducible_build(mini_build: MiniBuild, tmp_path: Path) -> None:
    """`-o` writes elsewhere; with SOURCE_DATE_EPOCH the same input gives the same bytes."""
    project, pdf = mini_build.project, mini_build.pdf
    other = tmp_path / "elsewhere" / "copy.pdf"
    result = CliRunner(env=EPOCH).invoke(
        main, ["build", str(project), "-o", str(other)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {other} (" in result.stdout
    assert other.read_bytes() == pdf.read_bytes()
    reader, _ = read_pdf(other)
    assert str(reader.metadata["/CreationDate"]).startswith("D:20260101")


@pytest.mark.pdf
def test_mini_pdf_content(mini_build: MiniBuild) -> None:
    reader, texts = read_pdf(mini_build.pdf)
    text = "\n".join(texts)
    assert reader.metadata["/Title"] == "Water Access Survey"
    assert reader.metadata["/Author"] == "Field Research Unit"
    assert texts[1].lstrip().startswith("Contents")
    for expected in (
        "1,250 households",  # English thousands separator
        "40% of households",  # English percent, no space
        "6\u00a0weeks",  # number(unit=…) joins with a no-break space
        "Table\u00a01. Water points counted by the survey teams",
        "Table\u00a02. Main source of drinking water",
        "Figure\u00a01. Hand pump at a village well",
        "Figure\u00a02. Households by main water source",
        "Households were drawn at random",  # the footnote
        "desk@example.org",
    ):
        assert expected in text, expected
    assert texts[-1].lstrip().startswith("To obtain a copy of the report")
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_build_html_format(mini_project: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["build", str(mini_project), "--format", "html", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0
    [out] = json.loads(result.stdout)["outputs"]
    assert out["format"] == "html"
    assert out["pages"] is None
    path = Path(mini_project, out["path"])
    assert path == mini_project / "out" / "mini.html"
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert out["bytes"] == len(html.encode("utf-8"))
    assert not (mini_project / "out" / "mini.pdf").exists()


def test_the_output_extension_sets_the_format(mini_project: Path, runner: CliRunner) -> None:
    target = mini_project / "out" / "preview.html"
    result = runner.invoke(main, ["build", str(mini_project), "-o", str(target), "--json"])
    assert result.exit_code == 0, result.output
    [out] = json.loads(result.stdout)["outputs"]
    assert out["format"] == "html"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- check ------------------------------------------------------------------------------------


def test_check_json_writes_nothing(mini_project: Path, runner: CliRunner) -> None:
    before = sorted(p.relative_to(mini_project) for p in mini_project.rglob("*"))
    result = runner.invoke(main, ["check", str(mini_project), "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["ok"] is True
    assert doc["outputs"] == []
    assert doc["problems"] == []
    assert sorted(p.relative_to(mini_project) for p in mini_project.rglob("*")) == before


def test_check_plain(mini_project: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(mini_project)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "no problems found" in result.stdout


def test_check_takes_the_edition_build_takes(mini_project: Path, runner: CliRunner) -> None:
    """`check` had no `--set` or `--variant` (trial 4): an A5 edition could not be checked."""
    wide = ",".join(f"column{n}" for n in range(14)) + "\n" + ",".join(["123456789"] * 14) + "\n"
    (mini_project / "data" / "wide.csv").write_text(wide, encoding="utf-8")
    chapter = next((mini_project / "content").glob("*.md"))
    chapter.write_text(chapter.read_text() + "\n{{ table(data.wide) }}\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(mini_project), "--set", "page_size=A4"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["check", str(mini_project), "--set", "page_size=A5"])
    assert result.exit_code == 1 and "table(): wide has 14 columns, too many" in result.output
    result = runner.invoke(main, ["check", str(mini_project), "--variant", "nope"])
    assert result.exit_code == 1 and "no variant 'nope'" in result.output


def test_check_leaves_the_cycle_collector_as_it_found_it(
    mini_project: Path, runner: CliRunner
) -> None:
    """`check` imports with the collector off and freezes what it imported for the command:
    in a long-lived process (this one), the collector is on and nothing frozen after, even
    when the check fails; a caller's own frozen objects stay frozen."""
    import gc

    gc.unfreeze()  # the test worker froze its imports (conftest): start from none frozen
    try:
        assert gc.isenabled() and gc.get_freeze_count() == 0
        result = runner.invoke(main, ["check", str(mini_project)], catch_exceptions=False)
        assert result.exit_code == 0 and "no problems found" in result.stdout
        assert gc.isenabled() and gc.get_freeze_count() == 0
        (mini_project / "report.yml").write_text("title: [unclosed\n", encoding="utf-8")
        result = runner.invoke(main, ["check", str(mini_project)])
        assert result.exit_code == 1 and "report.yml:2: a '[' or '{' opened" in result.output
        assert gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.freeze()
    frozen = gc.get_freeze_count()
    result = runner.invoke(main, ["check", str(mini_project)])
    assert result.exit_code == 1
    # Still frozen (gc.unfreeze thaws all: 0); the command's garbage may have left the count.
    assert gc.isenabled() and gc.get_freeze_count() > frozen // 2 > 0


def test_check_on_the_example_reports_no_problem(example_project: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(example_project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.stdout
    assert not (example_project / "out").exists()
    # Silent: not a warning either (a chapter left out, a resource missing …).
    result = runner.invoke(main, ["check", str(example_project), "--strict", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["problems"] == []


def break_mini(project: Path) -> None:
    path = project / "data" / "survey.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("count: 450", "count: 45"), encoding="utf-8")
    chapter = project / "content" / "01-overview.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\n{{ data.survey.housholds.value }}\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("command", [pytest.param("build", marks=pytest.mark.pdf), "check"])
def test_json_failure_is_one_document(mini_project: Path, runner: CliRunner, command: str) -> None:
    break_mini(mini_project)
    result = runner.invoke(main, [command, str(mini_project), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    assert doc["problems"]
    for problem in doc["problems"]:
        assert set(problem) >= {"severity", "stage", "path", "line", "message", "hint"}
        # An error, or (check) a chapter line put off until the data file is right.
        assert problem["severity"] == "error" or problem["message"].startswith("not checked yet")
    [problem] = [p for p in doc["problems"] if p["path"] == "data/survey.yml"]
    assert isinstance(problem["line"], int) and "source" in problem["message"]
    assert problem["stage"] == "project"
    assert not (mini_project / "out").exists()


@pytest.mark.pdf
def test_json_failure_stdout_is_pure_json_in_a_process(mini_project: Path, run_cli: RunCli) -> None:
    """Its stdout is the process's own pipe (the warm command's process: a fresh
    interpreter's start is not what is checked)."""
    break_mini(mini_project)
    done = run_cli(["build", mini_project, "--json"])
    assert done.returncode == 1
    doc = json.loads(done.stdout)
    assert doc["ok"] is False and doc["problems"]
    assert "data/survey.yml:" in done.stderr
    assert "Traceback" not in done.stderr


# --- init -------------------------------------------------------------------------------------

# What Babel/CLDR gives for the scaffold's figures (1200 households, 58 % owners), and the
# theme's words: contents heading and the "Page X of Y" footer.
LANGUAGES = {
    "fr": {
        "thousands": f"1{NNBSP}200",
        "percent": f"58{NBSP}%",
        "contents": "Sommaire",
        "page": "Page {i} sur {n}",
        "contact": "Pour obtenir une copie du rapport",
        "date": "15 janvier 2026",
    },
    "en": {
        "thousands": "1,200",
        "percent": "58%",
        "contents": "Contents",
        "page": "Page {i} of {n}",
        "contact": "To obtain a copy of the report",
        "date": "January 15, 2026",
    },
    "es": {
        # CLDR's minimumGroupingDigits for Spanish: no separator in a four-digit number.
        "thousands": "1200",
        "percent": f"58{NBSP}%",
        "contents": "Índice",
        "page": "Página {i} de {n}",
        "contact": "Para obtener una copia del informe",
        "date": "15 de enero de 2026",
    },
}


@pytest.mark.pdf
@pytest.mark.parametrize("lang", LANGUAGES)
def test_init_then_build(tmp_path: Path, runner: CliRunner, lang: str) -> None:
    expected = LANGUAGES[lang]
    project = tmp_path / f"proj-{lang}"
    made = runner.invoke(main, ["init", str(project), "--lang", lang], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    assert f"reportbuilder build {project}" in made.stdout
    assert (project / "report.yml").is_file()
    built = runner.invoke(main, ["build", str(project), "--json"], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    doc = json.loads(built.stdout)
    reader, texts = read_pdf(Path(project, doc["outputs"][0]["path"]))
    n = len(texts)
    assert n == doc["outputs"][0]["pages"] >= 4
    text = "\n".join(texts)
    assert expected["date"] in texts[0]
    assert texts[1].lstrip().startswith(expected["contents"])
    assert expected["thousands"] in text
    assert f"({expected['percent']})" in text  # the sentence: "… (58 %) …"
    for other in LANGUAGES.values():
        if other["percent"] != expected["percent"]:
            assert f"({other['percent']})" not in text
    for i in range(3, n + 1):
        assert expected["page"].format(i=i, n=n) in texts[i - 1]
    assert texts[-1].lstrip().startswith(expected["contact"])
    assert reader.trailer["/Root"]["/Lang"] == lang


def test_init_into_empty_existing_folder(tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    result = runner.invoke(main, ["init", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0
    assert (folder / "report.yml").is_file()
    check = runner.invoke(main, ["check", str(folder)], catch_exceptions=False)
    assert check.exit_code == 0, check.output


@pytest.mark.pdf
def test_init_into_non_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "reportbuilder", "init", str(folder), "--lang", "fr"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2  # the DIR argument is wrong: usage
    assert "DIR" in done.stderr and "not empty" in done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine\n"


# --- misc -------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_version_in_a_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reportbuilder", "--version"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"reportbuilder, version {__version__}"


@pytest.mark.pdf
def test_relative_link_in_markdown_is_dropped_not_fatal(
    mini_project: Path, runner: CliRunner
) -> None:
    """README: links other than http, https, mailto and in-document anchors are removed. A
    relative link (`notes.pdf`) must not reach the PDF as a file: URI — nor fail the build."""
    chapter = mini_project / "content" / "01-overview.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\nSee [the field notes](notes.pdf).\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["build", str(mini_project), "--json"])
    assert result.exit_code == 0, result.output
    reader, texts = read_pdf(Path(mini_project, json.loads(result.stdout)["outputs"][0]["path"]))
    assert "See the field notes." in "\n".join(texts)
    uris = [
        str(annot.get_object()["/A"].get("/URI"))
        for page in reader.pages
        for annot in page.get("/Annots") or []
        if "/A" in annot.get_object()
    ]
    assert not [u for u in uris if u.startswith("file:")], uris


@pytest.mark.pdf
def test_warnings_in_json_and_strict_turns_them_into_errors(
    tiny_project: Path, runner: CliRunner
) -> None:
    chapter = tiny_project / "content" / "01-only.md"
    remote = "https://example.org/map.png"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + f"\nSee the map ![Map]({remote}) here.\n",
        encoding="utf-8",
    )  # refused, the network being off: in a line of text a warning (a figure's, an error)
    result = runner.invoke(main, ["build", str(tiny_project), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ok"] is True
    [warning] = [p for p in doc["problems"] if remote in p["message"]]
    assert warning["severity"] == "warning" and warning["stage"] == "render"
    assert warning["path"] == "content/01-only.md" and isinstance(warning["line"], int)
    pdf = Path(tiny_project, doc["outputs"][0]["path"])
    previous = pdf.read_bytes()

    strict = runner.invoke(main, ["build", str(tiny_project), "--strict"])
    assert strict.exit_code == 1
    assert remote in strict.stderr
    assert "Traceback" not in strict.stderr
    assert pdf.read_bytes() == previous  # a failed build leaves the previous PDF alone


def test_our_own_bug_is_one_line_asking_for_a_report(
    mini_project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reportbuilder.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("pdf/a-4b")

    monkeypatch.setattr(reportbuilder.pipeline, "check", broken)
    monkeypatch.delenv("REPORTBUILDER_DEBUG")
    result = runner.invoke(main, ["check", str(mini_project)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "internal error: KeyError: 'pdf/a-4b'"
    assert "bug in reportbuilder" in result.stderr and "Traceback" not in result.stderr
    monkeypatch.setenv("REPORTBUILDER_DEBUG", "1")  # tests see our bugs as tracebacks
    with pytest.raises(KeyError):
        runner.invoke(main, ["check", str(mini_project)], catch_exceptions=False)


@pytest.mark.pdf
def test_every_pdf_variant_is_accepted_and_a_bad_one_is_a_usage_error(
    tiny_project: Path, runner: CliRunner
) -> None:
    from reportbuilder.variants import PDF_VARIANTS

    bad = runner.invoke(main, ["build", str(tiny_project), "--pdf-variant", "pdf/a-4b"])
    assert bad.exit_code == 2 and "pdf/a-4b" in bad.stderr
    out = tiny_project / "out" / "x4.pdf"
    done = runner.invoke(
        main, ["build", str(tiny_project), "--pdf-variant", "pdf/x-4", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert "pdf/x-4" in PDF_VARIANTS and out.read_bytes().startswith(b"%PDF-")


def test_an_in_process_call_gives_back_the_callers_signal_handlers(tmp_path: Path) -> None:
    """The command turns SIGTERM and SIGHUP into a clean exit while it runs; called from
    another program (or a test run), it leaves that program's own handlers behind it."""
    import signal

    mine = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        result = CliRunner().invoke(main, ["check", str(tmp_path / "nowhere")])
        assert result.exit_code != 0
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        assert signal.getsignal(signal.SIGHUP) is not cli._stop
    finally:
        signal.signal(signal.SIGTERM, mine)
