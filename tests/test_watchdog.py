"""The command ends within --timeout plus a grace even when its main thread is stuck in C code
(where neither the deadline's interruption nor a SIGTERM handler runs): one line on stderr,
exit 1, render processes killed, nothing written and nothing left in TMPDIR or beside the
output (`reportbuilder.watchdog`).

Each test runs the real command in a subprocess, with one stage replaced by a C call that
does not return for two minutes: `libc.sleep` through ctypes, which lets other threads run
(`CDLL` releases the GIL), or holds the GIL all along (`PyDLL`) as a computing C loop would.
The grace after --timeout is shortened to 2 s here (REPORTBUILDER_STOP_GRACE).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import copy_fixture

pytestmark = pytest.mark.pdf

GRACE = 2
# What the command runs: STAGE replaced by a C call that sleeps 120 s, then `reportbuilder`.
STUCK = """
import ctypes, os, sys
stage, how = sys.argv.pop(1).split(":")
lib = ctypes.CDLL(None) if how == "gil-free" else ctypes.PyDLL(None)
def stuck(*args, **kwargs):
    lib.sleep(120)
if stage == "load":
    import reportbuilder.pipeline as module
    module.load_within = module._project = stuck
elif stage == "fsync":  # of the output (a file in a folder named out/), not of the cache's
    real = os.fsync
    def fsync(fd):
        if "/out/" in os.readlink(f"/proc/self/fd/{fd}"):
            stuck()
        real(fd)
    os.fsync = fsync
sys.argv[0] = "reportbuilder"
from reportbuilder.cli import run
run()
"""


def _alive(token: str, wait: float = 10.0) -> list[int]:
    """The processes carrying `token` in their environment after up to `wait` seconds (the
    render process inherits it); killed, never left to the rest of the session."""
    end = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            with contextlib.suppress(OSError):
                if entry.name.isdigit() and token.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
        if not found or time.monotonic() > end:
            break
        time.sleep(0.1)
    for pid in found:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return found


def _run(stage: str, args: list[str], tmp_path: Path) -> tuple[int, str, str, float, list[int]]:
    """Exit code, stdout, stderr, seconds, and the processes of the run left alive."""
    token = f"RB_TEST_{uuid.uuid4().hex}"
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    env = {**os.environ, token: "1", "TMPDIR": str(tmpdir), "REPORTBUILDER_STOP_GRACE": str(GRACE)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", STUCK, stage, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # the command stops itself long before; CI must never hang here
        start_new_session=True,
    )
    seconds = time.monotonic() - started
    return done.returncode, done.stdout, done.stderr, seconds, _alive(token)


def test_a_check_stuck_in_c_code_stops_with_one_line(tiny_project: Path, tmp_path: Path) -> None:
    code, stdout, stderr, seconds, alive = _run(
        "load:gil-free", ["check", str(tiny_project), "--timeout", "1", "--json"], tmp_path
    )
    assert code == 1, stderr
    message = "the check was still running 2 s after its time limit of 1 s: stopped"
    assert stderr.splitlines() == [f"{tiny_project}: {message}, nothing written (see --timeout)"]
    document = json.loads(stdout)
    assert document["ok"] is False
    assert document["problems"][0]["setting"] == "timeout"
    assert seconds < 120  # not the two minutes the C call would take
    assert alive == []
    assert list((tmp_path / "tmpdir").iterdir()) == []


def test_a_build_stuck_kills_its_render_process_and_writes_nothing(
    tiny_project: Path, tmp_path: Path
) -> None:
    """Stuck while reading the project, the render process started: it is killed and
    its folder (WeasyPrint's copies of fonts) removed; the earlier output stays as it was."""
    out = tmp_path / "out" / "report.pdf"
    out.parent.mkdir()
    out.write_bytes(b"earlier")
    args = ["build", str(tiny_project), "-o", str(out), "--timeout", "1"]
    code, _, stderr, seconds, alive = _run("load:gil-free", args, tmp_path)
    assert code == 1, stderr
    assert stderr.splitlines() == [
        f"{tiny_project}: the build was still running 2 s after its time limit of 1 s: "
        "stopped, nothing written (see --timeout)"
    ]
    assert seconds < 120
    assert alive == []
    assert list((tmp_path / "tmpdir").iterdir()) == []
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]
    assert out.read_bytes() == b"earlier"


@pytest.mark.slow
def test_a_write_stuck_leaves_no_temporary_file(tiny_project: Path, tmp_path: Path) -> None:
    """Stuck in fsync (a hung network drive), after the deadline passed: the temporary file
    beside the output is removed, the output not replaced."""
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    out.write_text("earlier", "utf-8")
    # The time limit leaves the HTML time to be ready first: four times what the same build
    # of a copy takes now (a fresh interpreter, reading, composing, writing: 7 s seen on a
    # loaded machine), at least 8 s; not a fixed 40 s, which the test then waited out.
    trial = copy_fixture("tiny", tmp_path / "trial")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "reportbuilder", "build", str(trial), "--format", "html"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    limit = max(8, math.ceil(4 * (time.monotonic() - started)))
    args = ["build", str(tiny_project), "-o", str(out), "--format", "html", "--timeout", str(limit)]
    code, _, stderr, seconds, alive = _run("fsync:gil-free", args, tmp_path)
    assert code == 1, stderr
    assert f"the build was still running 2 s after its time limit of {limit} s" in stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert seconds < limit + 60  # ends at its limit and grace, not when the C call returns
    assert alive == []
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]
    assert out.read_text("utf-8") == "earlier"
    assert list(tiny_project.rglob("*.tmp")) == []  # the cache's writes went through


def test_a_check_holding_the_gil_still_ends_with_exit_1(tiny_project: Path, tmp_path: Path) -> None:
    """C code that holds the GIL lets no Python thread run: faulthandler's C watchdog ends the
    process (exit 1; the watcher process says the line: test_stops_said.py)."""
    code, _, stderr, seconds, alive = _run(
        "load:gil-held", ["check", str(tiny_project), "--timeout", "1"], tmp_path
    )
    assert code == 1, stderr
    assert "Traceback" not in stderr and "Thread 0x" not in stderr
    assert seconds < 120
    assert alive == []


def test_in_a_callers_process_no_watchdog_is_armed(tiny_project: Path) -> None:
    """`main` called in a program's own process (CliRunner here) must never end that process:
    the deadline alone applies, and no faulthandler timer is left behind."""
    import threading

    from click.testing import CliRunner

    from reportbuilder.cli import main

    before = {thread.name for thread in threading.enumerate()}
    result = CliRunner().invoke(main, ["check", str(tiny_project), "--timeout", "120"])
    assert result.exit_code == 0, result.output
    assert "watchdog" not in {thread.name for thread in threading.enumerate()} - before
