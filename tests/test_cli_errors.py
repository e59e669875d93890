"""The command's failures. Broken projects: exit code 1, one `path:line: message` per problem,
no traceback, nothing written — and a previous good PDF at the output path left
byte-identical. Wrong usage: exit 2. A runaway layout or Ctrl-C: exit 1 and a clear message,
no process left behind, the previous PDF untouched.

Each case breaks a fresh copy of the example project; the line a message must name is found
in the broken file itself, so the tests follow the example's text if it changes.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import SLOW_LAYOUT_CHAPTER, ExampleBuild, RunCli, as_a_terminal_job
from reportbuilder.cli import main
from warm_cli import WarmCli


def line_of(path: Path, pattern: str) -> int:
    """1-based number of the only line of `path` matching the regex `pattern`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if re.search(pattern, line)]
    assert len(found) == 1, f"{pattern!r} matches lines {found} of {path}"
    return found[0]


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def insert_line(path: Path, after: int, line: str) -> int:
    """Insert `line` after line `after`; return its 1-based number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(after, line + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return after + 1


def append_line(path: Path, line: str) -> int:
    """Append a blank line and `line` to a text file; return the 1-based number of `line`."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    text += "\n" + line + "\n"
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


def source_chapters(project: Path) -> list[Path]:
    """The chapters in report.yml's language (not their translations, `01-x.en.md`)."""
    return sorted(
        p for p in (project / "content").glob("*.md") if not re.search(r"\.[a-z]{2}\.md$", p.name)
    )


def first_chapter(project: Path) -> Path:
    return source_chapters(project)[0]


# --- The broken projects: each function breaks `project` and returns regexes the error output
# --- (stderr) must match, in order of appearance not required.

Breaker = Callable[[Path], list[str]]


def typo_key(project: Path) -> list[str]:
    config = project / "report.yml"
    line = line_of(config, r"^subtitle:")
    replace_once(config, "\nsubtitle:", "\nsubtitel:")
    return [rf"^report\.yml:{line}: .*unknown key 'subtitel' \(did you mean 'subtitle'\?\)"]


def undefined_name(project: Path) -> list[str]:
    chapter = first_chapter(project)
    line = append_line(chapter, "Adultes : {{ data.study.agee.adults.percent }}.")
    rel = f"content/{chapter.name}"
    return [
        rf"^{re.escape(rel)}:{line}: 'data\.study\.agee' is undefined"
        r" \(did you mean 'data\.study\.age'\?\)"
    ]


def breakdown_sum(project: Path) -> list[str]:
    data = project / "data" / "study.yml"
    replace_once(data, "percent: 89", "percent: 59")
    lines = {line_of(data, r"^age:"), line_of(data, r"percent: 59")}
    where = "|".join(str(n) for n in sorted(lines))
    return [rf"^data/study\.yml:({where}): .*'age'.*\b100\b"]


def broken_yaml_config(project: Path) -> list[str]:
    line = insert_line(project / "report.yml", 1, "broken: [1, 2")
    return [rf"^report\.yml:({line}|{line + 1}): .*(line {line}|\])"]


def broken_yaml_data(project: Path) -> list[str]:
    line = insert_line(project / "data" / "study.yml", 1, "broken: [1, 2")
    return [rf"^data/study\.yml:({line}|{line + 1}): .*(line {line}|\])"]


def undefined_in_two_chapters(project: Path) -> list[str]:
    chapters = source_chapters(project)
    first, last = chapters[0], chapters[-1]
    a = append_line(first, "{{ data.study.victimz.value }}")
    b = append_line(last, "{{ data.study.route.abroad.percent }}")
    return [
        rf"^content/{re.escape(first.name)}:{a}: 'data\.study\.victimz' is undefined",
        rf"^content/{re.escape(last.name)}:{b}: .*'abroad'",
        r"^2 problems found\.$",
    ]


def data_contacts_and_front_matter(project: Path) -> list[str]:
    expected = breakdown_sum(project)
    contacts = project / "contacts.yml"
    email = line_of(contacts, r"email:")
    replace_once(contacts, "iomsantiago@iom.int", "iomsantiago-at-iom.int")
    chapter = first_chapter(project)
    text = chapter.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        chapter.write_text("---\ntitel: Résumé\n" + text[4:], encoding="utf-8")
    else:
        chapter.write_text("---\ntitel: Résumé\n---\n" + text, encoding="utf-8")
    return [
        *expected,
        rf"^contacts\.yml:{email}: .*email",
        rf"^content/{re.escape(chapter.name)}:2: unknown front matter key 'titel'"
        r" \(did you mean 'title'\?\)",
        r"^[3-9] problems found\.$",
    ]


def config_typo_and_data(project: Path) -> list[str]:
    """A typo in report.yml must not hide the problems in the data (collect, then fail)."""
    return [*typo_key(project), *breakdown_sum(project), r"^2 problems found\.$"]


CASES: dict[str, Breaker] = {
    "typo-key": typo_key,
    "undefined-name": undefined_name,
    "breakdown-sum": breakdown_sum,
    "broken-yaml-config": broken_yaml_config,
    "broken-yaml-data": broken_yaml_data,
    "undefined-in-two-chapters": undefined_in_two_chapters,
    "data-contacts-front-matter": data_contacts_and_front_matter,
    "config-typo-and-data": config_typo_and_data,
}


def output_of(project: Path) -> Path:
    config = yaml.safe_load((project / "report.yml").read_text(encoding="utf-8"))
    return project / config["output"]


def assert_problems(stderr: str, patterns: list[str]) -> None:
    for pattern in patterns:
        assert re.search(pattern, stderr, re.MULTILINE), f"{pattern!r} not in:\n{stderr}"
    assert "Traceback" not in stderr
    # One line per problem: every line is `path[:line]: message` or the closing count.
    for line in stderr.splitlines():
        assert re.match(r"^(\S+?(:\d+)?: \S|\d+ problems found\.$)", line), line


@pytest.mark.pdf
@pytest.mark.parametrize("case", CASES)
def test_broken_project_fails_and_writes_nothing(
    example_project: Path, runner: CliRunner, case: str
) -> None:
    output = output_of(example_project)
    patterns = CASES[case](example_project)
    result = runner.invoke(main, ["build", str(example_project)])
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert_problems(result.stderr, patterns)
    assert not output.exists()
    assert not output.parent.exists() or not any(output.parent.iterdir())


@pytest.mark.pdf
@pytest.mark.parametrize("case", CASES)
def test_broken_project_keeps_the_previous_pdf(
    example_project: Path,
    example_build: ExampleBuild,
    case: str,
    warm_cli: WarmCli,
    cli_env: dict[str, str],
) -> None:
    """Process boundary: exit 1, the problems on stderr, no traceback, old PDF untouched.
    The process is forked from the warm command (a cold start is tested below)."""
    output = output_of(example_project)
    output.parent.mkdir(parents=True)
    output.write_bytes(example_build.data)  # the previous good build of this very project
    patterns = CASES[case](example_project)
    args = ["build", str(example_project)]
    code, stdout, stderr, killed = warm_cli.run(args, example_project.parent, cli_env, 120)
    assert code == 1 and not killed, stderr
    assert stdout == ""
    assert_problems(stderr, patterns)
    assert output.read_bytes() == example_build.data
    assert sorted(p.name for p in output.parent.iterdir()) == [output.name]  # no temp files


@pytest.mark.pdf  # build starts the render process before it reads the project
def test_a_refused_build_says_every_chapters_problem_at_once(
    tiny_project: Path, runner: CliRunner
) -> None:
    """A problem found reading the files (a control character) does not hide those found
    filling the chapters in (a template's): one run says both, as `check` does; nothing is
    written."""
    content = tiny_project / "content"
    (content / "02-control.md").write_text("# Control\n\nA \x1b[31m red word.\n", "utf-8")
    (content / "03-template.md").write_text("# Template\n\nSee {{ data.nosuch }}.\n", "utf-8")
    (content / "04-class.md").write_text("# Class\n\n{{ data.__class__ }}\n", "utf-8")
    expected = [
        r"^content/02-control\.md:3: control character U\+001B",
        r"^content/03-template\.md:3: .*nosuch",
        r"^content/04-class\.md:3: not allowed in content",
    ]
    built = runner.invoke(main, ["build", str(tiny_project)])
    assert built.exit_code == 1, built.output
    assert_problems(built.stderr, expected)
    assert built.stderr.strip().endswith("3 problems found."), built.stderr
    assert not (tiny_project / "out").exists()
    checked = runner.invoke(main, ["check", str(tiny_project)])
    assert checked.exit_code == 1
    assert checked.stderr == built.stderr


def test_check_reports_the_same_problem(example_project: Path, runner: CliRunner) -> None:
    patterns = typo_key(example_project)
    result = runner.invoke(main, ["check", str(example_project)])
    assert result.exit_code == 1
    assert_problems(result.stderr, patterns)
    assert not (example_project / "out").exists()


def test_invalid_contact_is_not_reported_as_missing(
    example_project: Path, runner: CliRunner
) -> None:
    """A contact with a bad email is one problem, at its line; report.yml's `contact:` must
    not be blamed as well with the untrue 'contacts.yml has no contacts'."""
    contacts = example_project / "contacts.yml"
    line = line_of(contacts, r"email:")
    replace_once(contacts, "iomsantiago@iom.int", "iomsantiago-at-iom.int")
    result = runner.invoke(main, ["check", str(example_project)])
    assert result.exit_code == 1
    assert_problems(result.stderr, [rf"^contacts\.yml:{line}: .*email"])
    assert "has no contacts" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_missing_project_folder_is_a_usage_error(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["build", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.pdf
def test_folder_without_report_yml_is_exit_1_naming_report_yml(
    tmp_path: Path, runner: CliRunner
) -> None:
    result = runner.invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 1
    assert "report.yml" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.pdf
def test_unwritable_output_is_exit_1_without_traceback(tiny_project: Path, run_cli: RunCli) -> None:
    """`-o` under a path whose parent is a regular file cannot be written: a problem, not a
    crash (the PDF was rendered; writing it failed). The warm command's process: what is
    checked is the exit code and the message, not the interpreter's start."""
    blocker = tiny_project / "report.yml"
    target = blocker / "report.pdf"  # "report.yml/report.pdf": its parent is a file
    done = run_cli(["build", tiny_project, "-o", target])
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    assert "report.pdf" in done.stderr
    assert blocker.is_file()


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--no-such-option"],
        ["check", "--no-such-option"],
        ["build", "--format", "docx"],
        ["build", "-o", "x.docx"],
        ["build", "-o", "x.pdf", "--format", "html"],
        ["build", "-o", "x.html", "--format", "pdf"],
        ["init"],
        ["init", "x", "--lang", "de"],
        ["no-such-command"],
    ],
    ids=[
        "build-option",
        "check-option",
        "bad-format",
        "unknown-extension",
        "pdf-named-html",
        "html-named-pdf",
        "init-no-dir",
        "init-lang",
        "command",
    ],
)
def test_wrong_usage_is_exit_2(tmp_path: Path, runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert not (Path.cwd() / "x.docx").exists()
    assert "Usage:" in result.stderr
    assert result.stdout == ""


@pytest.mark.pdf
def test_wrong_usage_is_exit_2_across_the_process_boundary(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reportbuilder", "build", "--no-such-option"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "No such option" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("option", "value"),
    [("--lang", "xx"), ("--pdf-variant", "pdf/z-9")],
)
def test_bad_option_value_is_usage_error_naming_the_option(
    mini_project: Path, runner: CliRunner, option: str, value: str
) -> None:
    """A bad value given on the command line is wrong usage (exit 2) and must be blamed on the
    option, not on a line of report.yml that does not hold it."""
    result = runner.invoke(main, ["build", str(mini_project), option, value])
    assert result.exit_code == 2, result.stderr
    assert option in result.stderr
    assert "report.yml:" not in result.stderr
    assert not (mini_project / "out").exists()


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("value", ["inf", "nan", "0.5"])
def test_a_timeout_that_is_no_number_of_seconds_is_a_usage_error(
    mini_project: Path, runner: CliRunner, command: str, value: str
) -> None:
    result = runner.invoke(main, [command, str(mini_project), "--timeout", value])
    assert result.exit_code == 2, (result.output, result.exception)
    assert "--timeout" in result.stderr and "Traceback" not in result.stderr
    assert not (mini_project / "out").exists()


# --- Time limits and Ctrl-C, through the real command in a subprocess ----------------------------


def _slow_project(project: Path) -> Path:
    """The project (tiny) plus one chapter that takes WeasyPrint minutes to lay out but almost
    no time to compose."""
    (project / "content" / "09-long.md").write_text(SLOW_LAYOUT_CHAPTER, encoding="utf-8")
    return project


def _processes_with(token: str) -> list[int]:
    """Processes still running whose environment carries `token` (ours and their children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if token.encode() in environ:
            found.append(int(entry.name))
    return found


def _run_build(project: Path, out: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    token = f"RB_TEST_{uuid.uuid4().hex}"
    env = {**os.environ, token: "1"}
    command = [sys.executable, "-m", "reportbuilder", "build", str(project), "-o", str(out)]
    process = subprocess.Popen(
        [*command, *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job would be
        preexec_fn=as_a_terminal_job,
    )
    return process, token


def _previous_pdf(out: Path) -> bytes:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(b"%PDF-1.7 previous good output\n")
    return out.read_bytes()


@pytest.mark.pdf
def test_timeout_ends_the_render_and_leaves_nothing_behind(tiny_project: Path) -> None:
    out = tiny_project / "out" / "report.pdf"
    previous = _previous_pdf(out)
    # One deadline covers the whole build. Composing the tiny project and its long chapter takes
    # well under a second on an idle machine, laying it out minutes; on a loaded machine (seen:
    # load 18 on 2 cores) composing took more than 3 s. The limit is set from what `check`
    # (the same reading and composing, plus starting Python) takes now, so that only the
    # layout can run out of time.
    project = _slow_project(tiny_project)
    started = time.monotonic()
    check = subprocess.run(
        [sys.executable, "-m", "reportbuilder", "check", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr
    limit = max(8, math.ceil(4 * (time.monotonic() - started)))
    started = time.monotonic()
    process, token = _run_build(project, out, "--timeout", str(limit))
    _, stderr = process.communicate(timeout=limit + 60)
    elapsed = time.monotonic() - started
    assert process.returncode == 1, stderr
    assert stderr.strip().splitlines() == [
        f"render: the layout took longer than the time limit of {limit} s (see --timeout)"
    ]
    assert "Traceback" not in stderr
    assert elapsed < limit + 30, elapsed  # generous: the machine may be loaded
    assert out.read_bytes() == previous
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]
    assert _processes_with(token) == []


@pytest.mark.pdf
@pytest.mark.slow
def test_timeout_counts_reading_a_huge_data_file(tiny_project: Path) -> None:
    """The limit is for the whole command: a 300 000-row CSV in a table took 63 s under
    --timeout 40 (its reading was not counted, nor stopped)."""
    rows = "".join(f"{n},R{n % 7},{(n * 7919) % 100_000}\n" for n in range(300_000))
    (tiny_project / "data" / "big.csv").write_text(f"id,region,value\n{rows}", encoding="utf-8")
    chapter = next((tiny_project / "content").iterdir())
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n{{ table(data.big) }}\n")
    out = tiny_project / "out" / "report.pdf"
    previous = _previous_pdf(out)
    started = time.monotonic()
    process, token = _run_build(tiny_project, out, "--timeout", "3", "--json")
    stdout, stderr = process.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert process.returncode == 1, stderr
    [problem] = json.loads(stdout)["problems"]
    assert problem["setting"] == "timeout" and "time limit of 3 s" in problem["message"]
    assert "Traceback" not in stderr
    assert elapsed < 3 + 30, elapsed  # generous: the machine may be loaded
    assert out.read_bytes() == previous
    assert _processes_with(token) == []


@pytest.mark.pdf
@pytest.mark.parametrize("as_json", [False, True], ids=["lines", "json"])
def test_ctrl_c_stops_the_build_cleanly(tiny_project: Path, as_json: bool) -> None:
    out = tiny_project / "out" / "report.pdf"
    previous = _previous_pdf(out)
    process, token = _run_build(_slow_project(tiny_project), out, *(["--json"] * as_json))
    time.sleep(2.5)  # well into the layout
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends the whole job on Ctrl-C
    stdout, stderr = process.communicate(timeout=30)
    # As SIGTERM and SIGHUP: 128 + 2 and one line, not click's "Aborted!" with exit 1 (what a
    # CI step reads as "the content is wrong"); --json still gives its one document.
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == "stopped by SIGINT"
    if as_json:
        document = json.loads(stdout)
        assert document["ok"] is False
        assert [p["message"] for p in document["problems"]] == ["stopped by SIGINT"]
    assert out.read_bytes() == previous
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]
    time.sleep(0.2)
    assert _processes_with(token) == []


@pytest.mark.pdf  # build starts the render process before it reads the project
@pytest.mark.parametrize(
    "args",
    [
        ["build", "{p}", "--set", "brand.primary=notacolour"],
        ["build", "{p}", "--set", "page_size=A6"],
        ["mail", "{p}", "--to", "not an email", "--eml", "{p}/x.eml"],
        ["mail", "{p}", "--to", "ana@example.org", "--to", "a@b@c", "--eml", "{p}/x.eml"],
    ],
    ids=["colour", "page-size", "to", "second-to"],
)
def test_a_wrong_option_value_is_usage_and_json_still_answers(
    tiny_project: Path, runner: CliRunner, args: list[str]
) -> None:
    args = [a.replace("{p}", str(tiny_project)) for a in args]
    plain = runner.invoke(main, args)
    assert plain.exit_code == 2, plain.output
    assert "Usage:" in plain.stderr and "Invalid value for '--" in plain.stderr
    assert plain.stdout == "" and "Traceback" not in plain.stderr
    as_json = runner.invoke(main, [*args, "--json"])
    assert as_json.exit_code == 2, as_json.output
    document = json.loads(as_json.stdout)
    assert document["ok"] is False
    problem = document["problems"][0]
    assert problem["path"] in ("--set", "--to") or "Invalid value for '--" in problem["message"]
    assert not (tiny_project / "x.eml").exists() and not (tiny_project / "out").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{t}/nonexistent", "--json"],
        ["provenance", "{t}/note.txt", "--json"],
        ["diff", "{t}/note.txt", "{t}/note.txt", "--json"],
        ["build", "--no-such-option", "--json"],
    ],
    ids=["no-project", "provenance", "diff", "option"],
)
def test_every_usage_error_prints_one_json_object_with_json(
    tmp_path: Path, runner: CliRunner, args: list[str]
) -> None:
    (tmp_path / "note.txt").write_text("vm\n")  # what `provenance /etc/hostname` read
    result = runner.invoke(main, [a.replace("{t}", str(tmp_path)) for a in args])
    assert result.exit_code == 2, result.output
    document = json.loads(result.stdout)
    assert document["ok"] is False and len(document["problems"]) == 1
    assert document["problems"][0]["message"]
    # one clean error on stderr: no pypdf log lines ("invalid pdf header", "EOF marker")
    assert "pdf header" not in result.stderr and "EOF marker" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.pdf
def test_editions_written_when_another_fails_are_listed(mini_project: Path) -> None:
    """Trial 6 #30: `build --lang all --json` with the French edition failing wrote the
    English PDF but said nothing of it (no `outputs`): a CI step read "nothing changed"."""
    config = mini_project / "report.yml"
    config.write_text(
        config.read_text("utf-8") + "languages:\n  fr: {title: Enquête sur l'eau}\n", "utf-8"
    )
    (mini_project / "content" / "01-overview.fr.md").write_text(
        "# Aperçu\n\n{{ data.survey.nope }}\n", encoding="utf-8"
    )
    args = ["build", str(mini_project), "--lang", "all"]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    english = str(mini_project / "out" / "mini.pdf")
    assert document["ok"] is False and [o["path"] for o in document["outputs"]] == [english]
    assert [(p["path"], p["line"]) for p in document["problems"]] == [
        ("content/01-overview.fr.md", 3)
    ]
    assert Path(english).is_file()
    again = CliRunner().invoke(main, [*args, "--force"])
    assert again.exit_code == 1
    assert f"wrote {english} (this edition built; another failed)" in again.stdout
