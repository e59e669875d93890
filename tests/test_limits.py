"""Bounded time, Ctrl-C and validation-only runs, through the real command in a subprocess:
a runaway layout ends with exit 1 and a clear message, leaves no process behind, and never
touches the previous PDF."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from click.testing import CliRunner

from reportbuilder.cli import main


def _slow_project(project: Path) -> Path:
    """The mini fixture plus one chapter that takes WeasyPrint half a minute to lay out."""
    (project / "content" / "09-long.md").write_text(
        "# Long\n\n" + "word " * 300_000 + "\n", encoding="utf-8"
    )
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
    )
    return process, token


def _previous_pdf(out: Path) -> bytes:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(b"%PDF-1.7 previous good output\n")
    return out.read_bytes()


def test_check_on_the_example_reports_no_problem(example_project: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(example_project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.stdout
    assert not (example_project / "out").exists()


def test_timeout_ends_the_render_and_leaves_nothing_behind(mini_project: Path) -> None:
    out = mini_project / "out" / "report.pdf"
    previous = _previous_pdf(out)
    started = time.monotonic()
    process, token = _run_build(_slow_project(mini_project), out, "--timeout", "3")
    _, stderr = process.communicate(timeout=60)
    elapsed = time.monotonic() - started
    assert process.returncode == 1, stderr
    # One deadline covers the whole build: on a loaded machine even filling in the long
    # chapter may pass it, which is reported at the chapter; otherwise the layout is killed.
    [line] = stderr.strip().splitlines()
    assert line in (
        "render: the layout took longer than the time limit of 3 s (see --timeout)",
        "content/09-long.md: stopped: the build took longer than the time limit of 3 s"
        " (see --timeout)",
    ), line
    assert "Traceback" not in stderr
    assert elapsed < 3 + 6, elapsed
    assert out.read_bytes() == previous
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]
    assert _processes_with(token) == []


def test_ctrl_c_stops_the_build_cleanly(mini_project: Path) -> None:
    out = mini_project / "out" / "report.pdf"
    previous = _previous_pdf(out)
    process, token = _run_build(_slow_project(mini_project), out)
    time.sleep(2.5)  # well into the layout
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends the whole job on Ctrl-C
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "Traceback" not in stderr
    assert "Aborted" in stderr
    assert out.read_bytes() == previous
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]
    time.sleep(0.2)
    assert _processes_with(token) == []
