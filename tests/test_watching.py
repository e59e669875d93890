"""`watch` in a subprocess, as a user runs it: a new PDF after an edit, a located error and the
previous PDF kept after a broken edit, nothing left behind after Ctrl-C; `--serve`'s preview
page loaded in headless Chromium, reloading itself after an edit."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import as_a_terminal_job, copy_fixture
from reportbuilder.watching import Status, is_source, page
from test_processes import _processes_with

WAIT = 90.0  # seconds a build may take on a loaded machine


def _until(condition: Callable[[], bool], seconds: float = WAIT) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@dataclass
class Watch:
    process: subprocess.Popen[str]
    token: str
    tmpdir: Path
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)

    def read(self) -> list[str]:
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return self.seen

    def saw(self, text: str) -> bool:
        return any(text in line for line in self.read())

    def port(self) -> int:
        assert _until(lambda: self.saw("preview at http://127.0.0.1:"), 30)
        line = next(line for line in self.read() if "preview at" in line)
        return int(line.rsplit(":", 1)[1].strip("/\n"))


def _pump(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[Callable[..., Watch]]:
    started: list[Watch] = []

    def start(project: Path, *extra: str) -> Watch:
        token = f"RB_TEST_{uuid.uuid4().hex}"
        tmpdir = tmp_path / "tmpdir"
        tmpdir.mkdir(exist_ok=True)
        env = {**os.environ, token: "1", "TMPDIR": str(tmpdir)}
        process = subprocess.Popen(
            [sys.executable, "-m", "reportbuilder", "watch", str(project), *extra],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=as_a_terminal_job,
        )
        watch = Watch(process, token, tmpdir)
        threading.Thread(target=_pump, args=(process.stdout, watch.lines), daemon=True).start()
        started.append(watch)
        return watch

    yield start
    for watch in started:
        if watch.process.poll() is None:
            os.killpg(watch.process.pid, signal.SIGKILL)
            watch.process.wait()
        for pid in _processes_with(watch.token):
            os.kill(pid, signal.SIGKILL)


def test_which_changes_start_a_build(tmp_path: Path) -> None:
    root = tmp_path
    assert is_source(str(root / "content" / "01.md"), root, None)
    assert is_source(str(root / "report.yml"), root, None)
    assert not is_source(str(root / "out" / "report.pdf"), root, None)
    assert not is_source(str(root / "content" / ".01.md.swp"), root, None)
    assert not is_source(str(root / "content" / "01.md~"), root, None)
    # The same files as the cache key: a folder named out below the top is watched.
    assert is_source(str(root / "assets" / "out" / "pic.png"), root, None)
    assert not is_source(str(root / "assets" / ".src" / "pic.png"), root, None)
    assert not is_source(str(root / "node_modules" / "x" / "pic.png"), root, None)
    assert not is_source(str(root / "elsewhere.pdf"), root, root / "elsewhere.pdf")


def test_the_page_shows_the_title_and_the_problems_escaped() -> None:
    status = Status(title="Water <Survey>", build=3, ok=False, problems=["a.md:2: <b>bad</b>"])
    text = page(status)
    assert "<title>Water &lt;Survey&gt;</title>" in text
    assert "<li>a.md:2: &lt;b&gt;bad&lt;/b&gt;</li>" in text
    assert 'data-build="3"' in text and "build failed" in text


@pytest.mark.pdf
@pytest.mark.slow
def test_watch_rebuilds_keeps_the_last_good_pdf_and_stops_cleanly(
    tmp_path: Path, watching: Callable[..., Watch]
) -> None:
    project = copy_fixture("tiny", tmp_path / "tiny")
    pdf = project / "out" / "tiny.pdf"
    watch = watching(project)
    assert _until(lambda: watch.saw("wrote ")), watch.read()
    first = pdf.read_bytes()

    chapter = project / "content" / "01-only.md"
    chapter.write_text(chapter.read_text() + "\nA sentence added while watching.\n")
    assert _until(lambda: pdf.read_bytes() != first), watch.read()
    assert _until(lambda: sum("wrote " in line for line in watch.read()) >= 2)
    second = pdf.read_bytes()

    chapter.write_text(chapter.read_text() + "\n{{ broken\n")
    assert _until(lambda: watch.saw("the last good PDF is kept")), watch.read()
    assert watch.saw("content/01-only.md:")
    assert pdf.read_bytes() == second

    os.killpg(watch.process.pid, signal.SIGINT)
    assert watch.process.wait(timeout=30) in (0, 130)
    assert _until(lambda: not _processes_with(watch.token), 10)
    assert list(watch.tmpdir.iterdir()) == []
    assert not [p.name for p in pdf.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.pdf
@pytest.mark.slow
def test_the_preview_loads_in_chromium_and_reloads_itself(
    tmp_path: Path, watching: Callable[..., Watch]
) -> None:
    assert shutil.which("chromium"), "scripts/system-deps.sh --test installs Chromium"
    project = copy_fixture("tiny", tmp_path / "tiny")
    watch = watching(project, "--serve", "--port", "0")
    port = watch.port()
    base = f"http://127.0.0.1:{port}"

    def status() -> dict[str, object]:
        with urllib.request.urlopen(f"{base}/status", timeout=5) as answer:
            return dict(json.load(answer))

    assert _until(lambda: status()["build"] == 1)
    dom = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            "--virtual-time-budget=2000",
            f"{base}/",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert '<b id="title">Tiny Report</b>' in dom

    # Killed, Chromium leaves its org.chromium.Chromium.* folder in TMPDIR: give it one of
    # ours, short (its socket's path must fit in 108 bytes, tmp_path's does not).
    scratch = Path(tempfile.mkdtemp(prefix="rb-chromium-"))
    browser = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"{base}/",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        loads = int(status()["page_loads"])  # type: ignore[call-overload]
        assert _until(lambda: int(status()["page_loads"]) > loads, 60)  # type: ignore[call-overload]
        opened = int(status()["page_loads"])  # type: ignore[call-overload]
        chapter = project / "content" / "01-only.md"
        chapter.write_text(chapter.read_text() + "\nEdited while the page is open.\n")
        assert _until(lambda: status()["build"] == 2)
        # The open page polls /status, sees the new build and loads itself again.
        assert _until(lambda: int(status()["page_loads"]) > opened, 30)  # type: ignore[call-overload]
    finally:
        os.killpg(browser.pid, signal.SIGKILL)
        browser.wait()
        shutil.rmtree(scratch, ignore_errors=True)


def _raw_get(port: int, host: str | None, path: str = "/") -> tuple[int, bytes]:
    """A GET sent byte for byte (urllib would write its own Host header)."""
    import socket

    lines = [f"GET {path} HTTP/1.1", *([f"Host: {host}"] if host is not None else [])]
    request = "\r\n".join([*lines, "Connection: close", "", ""]).encode("latin-1")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_the_preview_server_answers_only_its_own_local_host_names(tmp_path: Path) -> None:
    from reportbuilder.watching import serve

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7 draft")
    server = serve(Status(title="Draft", build=1, ok=True, pdf=pdf), 0)
    try:
        port = server.server_address[1]
        for good in (
            f"127.0.0.1:{port}",
            f"localhost:{port}",
            f"[::1]:{port}",
            f"LOCALHOST:{port}",
        ):
            code, body = _raw_get(port, good, "/report.pdf")
            assert (code, body) == (200, b"%PDF-1.7 draft"), good
        for bad in (
            f"evil.example.com:{port}",
            "evil.example.com",
            "127.0.0.1",
            f"127.0.0.1:{port + 1}",
            f"localhost.evil.example:{port}",
            f"127.0.0.1:{port}@evil.example",
            "",
            None,
        ):
            for path in ("/", "/status", "/report.pdf"):
                code, body = _raw_get(port, bad, path)
                assert code == 421, (bad, path)
                assert b"draft" not in body.lower() and b"Draft" not in body
    finally:
        server.shutdown()
        server.server_close()
