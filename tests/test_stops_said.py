"""Every stop says what stopped, where and why (trial 6: `build --timeout 120` ended after
150 s with exit 1 and not a word on stdout or stderr).

A command whose main thread sits in C code holding the GIL lets none of its own threads run:
the watcher process (`reportbuilder.watchdog`) says the line, naming what was being done and
on which file. A signal while the command still imports its modules said nothing (SIGTERM)
or printed a traceback (Ctrl-C): `reportbuilder.__main__` answers from the first instant.

Each test runs the real command in a subprocess; the grace after --timeout is shortened to
2 s (REPORTBUILDER_STOP_GRACE).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import as_a_terminal_job

pytestmark = pytest.mark.pdf

GRACE = 2
# The command with one stage replaced by a C call that holds the GIL for two minutes (as a
# regular expression that backtracks does): `PyDLL` keeps the GIL during the call.
STUCK = """
import ctypes, sys
stage = sys.argv.pop(1)
def stuck(*args, **kwargs):
    ctypes.PyDLL(None).sleep(120)
if stage == "compose":
    import reportbuilder.compose.html as module
    module.render_content = stuck
elif stage == "data":
    import reportbuilder.project.data.load as module
    module.read_file = stuck
sys.argv[0] = "reportbuilder"
from reportbuilder.__main__ import run
run()
"""


def _stuck(stage: str, args: list[str], tmp_path: Path) -> tuple[int, str, str, float]:
    env = {**os.environ, "REPORTBUILDER_STOP_GRACE": str(GRACE), "TMPDIR": str(tmp_path)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", STUCK, stage, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # the command stops itself long before; CI must never hang here
        start_new_session=True,
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def test_a_build_holding_the_gil_in_a_chapter_says_which_chapter(
    tiny_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "report.pdf"
    args = ["build", str(tiny_project), "-o", str(out), "--timeout", "1", "--json"]
    code, stdout, stderr, seconds = _stuck("compose", args, tmp_path)
    assert code == 1, stderr
    assert stderr.splitlines() == [
        "content/01-only.md: the build was still running 2 s after its time limit of 1 s "
        "while composing this file: stopped, nothing written (see --timeout)"
    ]
    problem = json.loads(stdout)["problems"][0]
    assert (problem["path"], problem["stage"], problem["setting"]) == (
        "content/01-only.md",
        "compose",
        "timeout",
    )
    assert seconds < 100  # not the two minutes the C call takes
    assert not out.parent.exists()


def test_a_check_holding_the_gil_in_a_data_file_says_which_file(
    tiny_project: Path, tmp_path: Path
) -> None:
    code, stdout, stderr, seconds = _stuck(
        "data", ["check", str(tiny_project), "--timeout", "1"], tmp_path
    )
    assert code == 1, stderr
    assert stdout == ""
    assert stderr.splitlines() == [
        "data/count.yml: the check was still running 2 s after its time limit of 1 s "
        "while reading this file: stopped, nothing written (see --timeout)"
    ]
    assert seconds < 100


# The command's start made slow: importing `reportbuilder.cli` says so on stdout, then waits.
SLOW_START = """
import importlib.abc, sys, time
class Slow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "reportbuilder.cli":
            print("importing", flush=True)
            time.sleep(60)
        return None
sys.meta_path.insert(0, Slow())
sys.argv[0] = "reportbuilder"
from reportbuilder.__main__ import run
run()
"""


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_the_command_starts_is_said(
    number: signal.Signals, tiny_project: Path
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_START, "check", str(tiny_project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # SIGINT as a shell job has it: a suite started in the background has it ignored,
        # and the command never saw the signal (60 s waited, then failed: `make test &`).
        preexec_fn=as_a_terminal_job,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "importing\n"
        process.send_signal(number)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 128 + number
    assert stderr == f"stopped by {number.name}\n"  # no traceback
    assert stdout == ""


def test_the_command_is_started_through_main() -> None:
    """The installed `reportbuilder` script runs `reportbuilder.__main__:run`."""
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "reportbuilder"]
    assert script.value == "reportbuilder.__main__:run"
