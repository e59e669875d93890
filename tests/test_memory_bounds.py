"""Memory and time stay bounded in the main process too (issue 15), not only in the render
process: each case below took 1.5 to 8 GB, or ran for minutes, on the main branch before.

Each runs the real command in a process of its own and measures it with `os.wait4`: the peak
resident memory of the command and of the render process it waited for stays under 1 GiB, the
run ends within its --timeout plus 5 s, with exit 1 and one located line on stderr. The cases
of CASES run forked from the warm command (`warm_cli.py`: the imports paid once, the same
output; its peak counts the server's pages a run touches, about 35 MiB above a fresh
interpreter's); the tests of --max-memory, an address-space limit that the server's imports
would take their share of, start a fresh interpreter.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from warm_cli import WarmCli

pytestmark = pytest.mark.pdf

GIB_KB = 1024 * 1024  # ru_maxrss is in KiB on Linux
TIMEOUT = 20
BASE = Path(__file__).resolve().parent / "hostile" / "base"


def _chapter(text: str) -> dict[str, str | bytes]:
    return {"content/02-case.md": "# Case\n\n" + text + "\n"}


def _footnote() -> dict[str, str | bytes]:
    refs = "".join("See[^a]. " for _ in range(1000))
    return _chapter(refs + "\n\n[^a]: " + "word " * 100_000)


def _wide_csv() -> dict[str, str | bytes]:
    header = ",".join(f"c{i}" for i in range(2000)) + "\n"
    row = "1" + "," * 1999 + "\n"
    body = header + row * 9000  # 18 MB: under the 20 MB file cap, 18 M cells
    return {"data/a.csv": body, "data/b.csv": body}


CASES: dict[str, tuple[dict[str, str | bytes], str, int]] = {  # files, on stderr, lines
    "ljust": (_chapter('{{ "x".ljust(1500000000) }}'), "content/02-case.md:3:", 1),
    "rjust": (_chapter('{{ "x".rjust(1500000000) }}'), "content/02-case.md:3:", 1),
    "center filter": (_chapter('{{ "x"|center(1500000000) }}'), "content/02-case.md:3:", 1),
    "percent format filter": (
        _chapter('{{ "%1500000000s"|format("x") }}'),
        "content/02-case.md:3:",
        1,
    ),
    "str.format width": (
        _chapter('{{ "{:>1500000000}".format("x") }}'),
        "content/02-case.md:3:",
        1,
    ),
    "str.format nested width": (
        _chapter('{{ "{:>{}}".format("x", 1500000000) }}'),
        "content/02-case.md:3:",
        1,
    ),
    "expandtabs": (
        _chapter('{{ ("\\t" * 100000).expandtabs(100000) }}'),
        "content/02-case.md:3:",
        1,
    ),
    "nested loops printing 100 kB": (
        _chapter(
            '{% for a in "x"*1000 %}{% for b in "x"*1000 %}{{ "y"*100000 }}{% endfor %}{% endfor %}'
        ),
        "content/02-case.md: the chapter grows past",
        1,
    ),
    "repetition in a project template": (
        {"templates/cover.html": '{{ ("x" * 1500000000)|length }}'},
        "templates/cover.html",
        1,
    ),
    "loops in a project template": (
        {
            "templates/cover.html": '{% for a in "x"*1000 %}{% for b in "x"*1000 %}'
            '{{ "y"*100000 }}{% endfor %}{% endfor %}'
        },
        "the output grows past 50000000 characters",
        1,
    ),
    "one long footnote referred to 1000 times": (_footnote(), "content/02-case.md:", 1),
    "two wide CSVs": (_wide_csv(), "data/a.csv:", 3),  # one line each, and the count
}


def _run(
    command: list[str], env: dict[str, str], limit: float = 300
) -> tuple[int, str, float, int]:
    """Exit code, stderr, seconds and peak RSS (KiB) of the command and its reaped children.
    A command still running after `limit` seconds is killed with its process group (the test
    fails on its exit code instead of hanging the run)."""
    started = time.monotonic()
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(
            command, stdout=devnull, stderr=subprocess.PIPE, env=env, start_new_session=True
        )
    killer = threading.Timer(limit, os.killpg, (process.pid, signal.SIGKILL))
    killer.start()
    try:
        assert process.stderr is not None
        stderr = process.stderr.read().decode("utf-8", "replace")
        process.stderr.close()
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        killer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    return process.returncode, stderr, time.monotonic() - started, usage.ru_maxrss


@pytest.mark.parametrize("name", list(CASES))
def test_memory_case_is_refused_under_one_gib(
    name: str, tmp_path: Path, warm_cli: WarmCli, cli_env: dict[str, str]
) -> None:
    files, expected, lines = CASES[name]
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    for rel, text in files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode() if isinstance(text, str) else text)
    out = tmp_path / "out.pdf"
    command = ["build", str(project), "-o", str(out), "--timeout", str(TIMEOUT)]
    started = time.monotonic()
    code, _, stderr, killed, peak = warm_cli.run_measured(command, tmp_path, cli_env, 300)
    seconds = time.monotonic() - started
    assert not killed and code == 1, stderr
    assert peak is not None
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) == lines, stderr
    assert expected in stderr, stderr
    assert seconds < TIMEOUT + 5, seconds
    assert peak < GIB_KB, f"peak {peak // 1024} MiB"
    assert not out.exists()


def _big_data(tmp_path: Path) -> Path:
    """The base project with an 18 MB CSV of 250 000 rows (within the data caps)."""
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    (project / "data" / "big.csv").write_text(
        "name,value\n" + "".join(f"{'n' * 60}{i},{i}\n" for i in range(250_000)), "utf-8"
    )
    return project


def test_the_html_stage_runs_under_max_memory(tmp_path: Path) -> None:
    """Data loaded within the sandbox's caps but beyond --max-memory: a located problem
    naming the option, not a machine swapping (the cap applies to the main process too)."""
    project = _big_data(tmp_path)
    command = [sys.executable, "-m", "reportbuilder", "check", str(project)]
    code, stderr, _, peak = _run([*command, "--max-memory", "256"], {**os.environ})
    assert code == 1, stderr
    assert "over the memory limit" in stderr and "--max-memory" in stderr, stderr
    assert peak < GIB_KB


@pytest.mark.slow
def test_a_build_under_a_small_max_memory_fails_in_one_line(tmp_path: Path) -> None:
    """Whichever stage runs out first (reading the data, the chapters, the layout, where
    GLib prints its own error as it fails to start a thread): one line naming --max-memory,
    exit 1, within --timeout, nothing written, TMPDIR left empty."""
    project = _big_data(tmp_path)
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    out = tmp_path / "out.pdf"
    command = [sys.executable, "-m", "reportbuilder", "build", str(project), "-o", str(out)]
    command += ["--max-memory", "256", "--timeout", "240"]
    code, stderr, seconds, _ = _run(command, {**os.environ, "TMPDIR": str(tmpdir)})
    assert code == 1, stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert "--max-memory" in stderr and "Traceback" not in stderr, stderr
    assert seconds < 240 + 30
    assert not out.exists()
    assert list(tmpdir.iterdir()) == []


def test_a_small_report_builds_under_the_smallest_max_memory(tmp_path: Path) -> None:
    """--max-memory 256 (the least allowed) lays out a five-page report. Threads' malloc
    arenas (64 MiB of address space each, counted by RLIMIT_AS) made it die: Pango's in the
    render process, and the command's watchdog thread, whose mappings the render process
    inherits ("GLib-ERROR: creating thread", exit 1)."""
    project = shutil.copytree(Path(__file__).parent / "fixtures" / "mini", tmp_path / "mini")
    out = tmp_path / "out.pdf"
    command = [sys.executable, "-m", "reportbuilder", "build", str(project), "-o", str(out)]
    code, stderr, _, _ = _run([*command, "--max-memory", "256"], {**os.environ})
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"%PDF")
