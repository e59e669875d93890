"""Progress on a terminal (`reportbuilder/progress.py`): a build run with stderr on a
pseudo-terminal shows one updating line (the stage, the page being laid out) and erases it;
with stderr not a terminal, with `--json` or with `CI` set, nothing of it is written."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.pdf

RB = str(Path(sys.executable).parent / "reportbuilder")
ERASE = b"\r\x1b[K"


def _run(args: list[str], *, tty: bool, env: dict[str, str] | None = None) -> tuple[bytes, bytes]:
    """(stdout, stderr) of reportbuilder; stderr on a pseudo-terminal when `tty`."""
    environment = {k: v for k, v in os.environ.items() if k != "CI"} | (env or {})
    if not tty:
        done = subprocess.run([RB, *args], capture_output=True, env=environment, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout, done.stderr
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [RB, *args], stdout=subprocess.PIPE, stderr=secondary, env=environment
    )
    os.close(secondary)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 600)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the other end closed: the process is gone
            break
        if not chunk:
            break
        seen += chunk
    stdout = process.stdout.read() if process.stdout else b""
    assert process.wait(timeout=600) == 0, seen
    os.close(main)
    return stdout, seen


def test_a_terminal_sees_pages_laid_out_then_nothing_left(tiny_project: Path) -> None:
    out = tiny_project / "r.pdf"
    stdout, stderr = _run(["build", str(tiny_project), "--force", "-o", str(out)], tty=True)
    assert b"composing the HTML" in stderr
    assert b"laying out page 1" in stderr
    assert b"writing the PDF" in stderr
    assert stderr.endswith(ERASE), stderr[-200:]  # erased at the end
    assert b"\n" not in stderr, "one line, rewritten in place"
    assert stdout.startswith(b"wrote ") and b"\x1b" not in stdout


def test_nothing_without_a_terminal_with_json_or_in_ci(tiny_project: Path) -> None:
    out = tiny_project / "r.pdf"
    build = ["build", str(tiny_project), "--force", "-o", str(out)]
    stdout, stderr = _run(build, tty=False)
    assert stderr == b"" and stdout.startswith(b"wrote ")
    _, stderr = _run([*build, "--json"], tty=True)
    assert stderr == b""
    _, stderr = _run(build, tty=True, env={"CI": "true"})
    assert stderr == b""
