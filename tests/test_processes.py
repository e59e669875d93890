"""Everything ends with the command (issue 15): whatever stops a build – success, a located
error, `--timeout`, SIGTERM, SIGHUP, SIGINT, even SIGKILL of the command itself – no process
of the build stays alive and nothing is left in TMPDIR or beside the output.

Each test runs the real command in a subprocess, in its own process group, with TMPDIR set to
an empty folder of its own and a token in the environment: a process still carrying the
token afterwards is one the build left behind (the render process inherits the environment).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SLOW_LAYOUT_CHAPTER, as_a_terminal_job
from reportbuilder.deliver.files import write_atomic

pytestmark = pytest.mark.pdf


def _processes_with(token: str) -> list[int]:
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


@dataclass
class Build:
    process: subprocess.Popen[str]
    token: str
    tmpdir: Path
    out: Path

    def left_behind(self, wait: float = 5.0) -> list[int]:
        """Processes of the build still alive after up to `wait` seconds."""
        end = time.monotonic() + wait
        while (alive := _processes_with(self.token)) and time.monotonic() < end:
            time.sleep(0.1)
        for pid in alive:  # never leave them to the rest of the session
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return alive

    def temporary_files(self) -> list[str]:
        here = [str(p.relative_to(self.tmpdir)) for p in self.tmpdir.rglob("*")]
        return here + [p.name for p in self.out.parent.iterdir() if p.name.endswith(".tmp")]


def _start(project: Path, tmp_path: Path, *extra: str) -> Build:
    token = f"RB_TEST_{uuid.uuid4().hex}"
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    out = tmp_path / "out" / "report.pdf"
    out.parent.mkdir()
    env = {**os.environ, token: "1", "TMPDIR": str(tmpdir)}
    command = [sys.executable, "-m", "reportbuilder", "build", str(project), "-o", str(out)]
    process = subprocess.Popen(
        [*command, *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=as_a_terminal_job,
    )
    return Build(process, token, tmpdir, out)


def _slow(project: Path) -> Path:
    (project / "content" / "09-long.md").write_text(SLOW_LAYOUT_CHAPTER, "utf-8")
    return project


def _wait_for_render(build: Build) -> None:
    """Until the render process has started work (WeasyPrint's font copies appear)."""
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if (
            any(build.tmpdir.glob("reportbuilder-render-*/*"))
            and len(_processes_with(build.token)) >= 2
        ):
            time.sleep(1.0)  # well into the layout
            return
        time.sleep(0.1)
    pytest.fail("the render never started")


def test_the_example_leaves_tmpdir_empty(example_project: Path, tmp_path: Path) -> None:
    """WeasyPrint copies fonts into `weasyprint-XXXXXXXX/` (2.8 MiB a build) and never removes
    them; they go into the render process's own folder, removed with it."""
    build = _start(example_project, tmp_path)
    _, stderr = build.process.communicate(timeout=180)
    assert build.process.returncode == 0, stderr
    assert build.out.read_bytes().startswith(b"%PDF")
    assert build.temporary_files() == []
    assert build.left_behind() == []


def test_a_failed_build_leaves_tmpdir_empty(tiny_project: Path, tmp_path: Path) -> None:
    (tiny_project / "content" / "03-bad.md").write_text("# Bad\n\n{{ nope }}\n", "utf-8")
    build = _start(tiny_project, tmp_path)
    _, stderr = build.process.communicate(timeout=120)
    assert build.process.returncode == 1, stderr
    assert "content/03-bad.md:3:" in stderr
    assert build.temporary_files() == []
    assert build.left_behind() == []


def test_a_timed_out_build_leaves_tmpdir_empty(tiny_project: Path, tmp_path: Path) -> None:
    build = _start(_slow(tiny_project), tmp_path, "--timeout", "3")
    _, stderr = build.process.communicate(timeout=60)
    assert build.process.returncode == 1, stderr
    assert "time limit of 3 s" in stderr
    assert build.temporary_files() == []
    assert build.left_behind() == []


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_to_the_command_ends_the_render_and_cleans_up(
    tiny_project: Path, tmp_path: Path, name: str
) -> None:
    """Sent to the command alone (not its group, as `kill PID` or a CI runner does): before,
    the render process went on for minutes, re-parented to PID 1."""
    number = signal.Signals[name]
    build = _start(_slow(tiny_project), tmp_path, "--json")
    _wait_for_render(build)
    os.kill(build.process.pid, number)
    stdout, stderr = build.process.communicate(timeout=30)
    assert "Traceback" not in stderr
    assert build.process.returncode == 128 + number
    assert stderr.strip() == f"stopped by {name}"
    document = json.loads(stdout)  # --json's one document, a stop included
    assert [p["message"] for p in document["problems"]] == [f"stopped by {name}"]
    assert build.left_behind() == []
    assert build.temporary_files() == []
    assert not build.out.exists()


def test_the_render_process_dies_with_a_killed_command(tiny_project: Path, tmp_path: Path) -> None:
    """SIGKILL gives the command no chance to clean up: the render process notices (the kernel
    signals it, and its pipe from the parent closes) and removes its folder itself."""
    build = _start(_slow(tiny_project), tmp_path)
    _wait_for_render(build)
    os.kill(build.process.pid, signal.SIGKILL)
    build.process.communicate(timeout=30)
    assert build.left_behind(wait=10) == []
    assert build.temporary_files() == []


def test_a_signal_during_the_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while the output is being written (it left `.NAME.pdf.XXXX.tmp` before): the
    command's handler raises, the atomic write removes its temporary file, the old file stays."""
    from reportbuilder import cli

    out = tmp_path / "report.pdf"
    out.write_bytes(b"previous")
    previous = signal.signal(signal.SIGTERM, cli._stop)
    real_fsync = os.fsync

    def fsync_then_signal(fd: int) -> None:
        real_fsync(fd)
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(os, "fsync", fsync_then_signal)
    try:
        with pytest.raises(SystemExit) as stopped:
            write_atomic(out, b"%PDF new")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


@pytest.fixture(autouse=True)
def _no_stray_copies(tmp_path: Path) -> Iterator[None]:
    """Keep the session's own TMPDIR out of it: these tests look at their own folder."""
    yield
    shutil.rmtree(tmp_path / "tmpdir", ignore_errors=True)


WORKER_RENDERERS = """
import sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from reportbuilder.render.renderer import PdfRenderer

with ThreadPoolExecutor(2) as pool:  # as `--jobs 2` starts them: from worker threads
    renderers = list(pool.map(lambda _: PdfRenderer(), range(3)))
print(" ".join(str(r.pid) for r in renderers), flush=True)
time.sleep(120)
"""


def test_renderers_started_from_worker_threads_die_with_a_killed_parent(tmp_path: Path) -> None:
    """No PR_SET_PDEATHSIG for them (it follows the thread), so each relies on its pipe: a
    renderer forked later must not hold an earlier one's end, or that one outlives a SIGKILL."""
    token = f"RB_TEST_{uuid.uuid4().hex}"
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    env = {**os.environ, token: "1", "TMPDIR": str(tmpdir)}
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER_RENDERERS],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    pids = [int(pid) for pid in process.stdout.readline().split()]
    assert len(pids) == 3
    build = Build(process, token, tmpdir, tmp_path / "unused.pdf")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert build.left_behind(wait=15) == []
    assert list(tmpdir.iterdir()) == []


def test_render_folders_left_by_killed_builds_are_removed_by_the_next(tmp_path: Path) -> None:
    """A build killed together with its render process (SIGKILL to the process group, a CI
    job cancelled) leaves its render folder (WeasyPrint's font copies): the next build that
    starts a render process removes those of processes that are gone, untouched for ten
    minutes, and no other."""
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(timeout=60)
    hour_ago = time.time() - 3600

    def folder(name: str, old: bool) -> Path:
        path = tmpdir / name
        (path / "weasyprint-abcdefgh").mkdir(parents=True)
        (path / "weasyprint-abcdefgh" / "font").write_bytes(b"x" * 1000)
        if old:
            os.utime(path, (hour_ago, hour_ago))
        return path

    left = folder(f"reportbuilder-render-{gone.pid}-k1ll3d00", old=True)
    recent = folder(f"reportbuilder-render-{gone.pid}-r3c3nt00", old=False)
    running = folder(f"reportbuilder-render-{os.getpid()}-runn1ng0", old=True)
    other = folder("reportbuilder-render-abcdefgh", old=True)  # not named by a process
    script = "from reportbuilder.render.renderer import PdfRenderer\nPdfRenderer().close()\n"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "TMPDIR": str(tmpdir)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert not left.exists()
    assert recent.exists() and running.exists() and other.exists()
    assert sorted(p.name for p in tmpdir.iterdir()) == sorted(
        p.name for p in (recent, running, other)
    )
