"""A warm `python -m reportbuilder`: a server process that has imported the command and
WeasyPrint once, and forks a fresh process for each run.

Starting the command costs ~1.2 s of imports before it does anything (the command, then
WeasyPrint in its render process); a hostile case then builds in a fraction of that. Each run
is still a process of its own, in its own session and process group, with its own working
folder, environment, stdin (/dev/null), stdout and stderr (pipes to the test), exit code and
render process: what the test sees is what a shell sees, without the imports. What differs from
`python -m reportbuilder`: the modules were imported before the run's environment was set
(only `SOURCE_DATE_EPOCH` and TMPDIR-like settings vary per run here; the command reads them
when it runs), and WeasyPrint is already imported in the command's process as in its render
process. `test_hostile.py` checks that both give the same exit code and output.

Used by `test_hostile.py` (imported, not a fixture file):

    with WarmCli(folder) as cli:
        returncode, stdout, stderr, killed = cli.run(args, cwd, env, limit)

The server is `python tests/warm_cli.py SOCKET`. A run: the test connects, sends the run as
JSON with the write ends of its stdout and stderr pipes (SCM_RIGHTS); the server forks a
keeper, which forks the run, sends its pid, waits for it and sends its exit status.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import pkgutil
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

PROG_NAME = "python -m reportbuilder"  # what click names the command when run with -m


# --- The server (its own process) --------------------------------------------------------------


def _preload() -> None:
    """Import every module a run may import, so that no run pays for it."""
    import reportbuilder

    for module in pkgutil.walk_packages(reportbuilder.__path__, "reportbuilder."):
        if module.name != "reportbuilder.__main__":
            importlib.import_module(module.name)
    for name in ("weasyprint", "pypdf", "pikepdf", "pypdfium2", "PIL.Image"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    # The themes' stylesheets parsed once, as in a long-lived render process: each run's
    # render process inherits them (and checks them under its own job's policy).
    from reportbuilder.render import stylecache

    stylecache.warm_up_themes()


def _run_command(args: list[str]) -> int:
    """What `python -m reportbuilder ARGS` does, in this (forked) process: its exit code."""
    from reportbuilder.cli import main

    try:
        main(args=args, prog_name=PROG_NAME)
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    except BaseException:
        traceback.print_exc()  # as the interpreter prints an uncaught exception
        code = 1
    # As the interpreter ends: other threads joined, atexit functions run, output flushed.
    with contextlib.suppress(Exception):
        threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    return code


def _serve_one(conn: socket.socket, listener: socket.socket) -> None:
    """In the keeper (forked per run): fork the run, report its pid and its exit status."""
    listener.close()
    message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 2)
    request = json.loads(message)
    out, err = fds
    pid = os.fork()
    if pid == 0:  # the run
        try:
            conn.close()
            os.setsid()
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(out, 1)
            os.dup2(err, 2)
            for fd in (null, out, err):
                os.close(fd)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            tempfile.tempdir = None  # read TMPDIR again, as a fresh interpreter would
            sys.argv = [PROG_NAME, *request["args"]]
            code = _run_command(request["args"])
        except BaseException:
            traceback.print_exc()
            code = 70
        os._exit(code)
    os.close(out)
    os.close(err)
    conn.sendall(f"{pid}\n".encode())
    _, status, usage = os.wait4(pid, 0)
    # Then the peak resident memory (KiB) of the run and of the children it waited for (its
    # render process): what `os.wait4` tells of a `python -m reportbuilder` (test_memory_bounds).
    conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n{usage.ru_maxrss}\n".encode())
    conn.close()


def _end_with_the_worker() -> None:
    """End the server when the test process that started it is gone: a worker stopped by a
    timeout left its server running for hours (reparented to pid 1). Polled from a thread,
    as the server's own loop waits in accept()."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(2)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="warm-cli-parent").start()


def serve(path: str) -> None:
    _end_with_the_worker()
    _preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".new")
    listener.listen(16)
    os.rename(path + ".new", path)  # ready: the client connects once the path exists
    while True:
        conn, _ = listener.accept()
        sys.stdout.flush()
        sys.stderr.flush()
        if os.fork() == 0:
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _serve_one(conn, listener)
            finally:
                os._exit(0)
        conn.close()
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass  # reap the keepers that ended


# --- The client (in the test process) ----------------------------------------------------------


class WarmCli:
    """Starts the server in `folder`; `run` runs the command in a process forked from it."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.socket = str(folder / "warm.sock")
        self.log = folder / "warm.log"
        # The server's own temporary files (the themes' font copies, 2.8 MiB) go in a folder
        # removed when it is killed; each run reads its TMPDIR from its own environment.
        self.tmpdir = folder / "server-tmp"
        self.tmpdir.mkdir(exist_ok=True)
        with self.log.open("wb") as log:
            self.server = subprocess.Popen(
                [sys.executable, __file__, self.socket],
                env={**env, "TMPDIR": str(self.tmpdir)},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        end = time.monotonic() + 120
        while not os.path.exists(self.socket):
            if self.server.poll() is not None or time.monotonic() > end:
                self.close()
                raise RuntimeError(f"the warm command did not start: {self.log.read_text()}")
            time.sleep(0.05)

    def __enter__(self) -> WarmCli:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.server.poll() is None:
            self.server.kill()
        self.server.wait()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def run(
        self, args: list[str], cwd: Path, env: dict[str, str], limit: float
    ) -> tuple[int | None, str, str, bool]:
        """(exit code, stdout, stderr, killed): the run is killed with its process group
        (its render process too) if it outlives `limit` seconds."""
        return self.run_measured(args, cwd, env, limit)[:4]  # type: ignore[return-value]

    def run_measured(
        self, args: list[str], cwd: Path, env: dict[str, str], limit: float
    ) -> tuple[int | None, str, str, bool, int | None]:
        """`run`, and the peak resident memory in KiB of the run and of the children it
        waited for (`ru_maxrss` of `os.wait4`, as for a `python -m reportbuilder`; a forked
        run counts the pages of the server's it touches, WeasyPrint imported)."""
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(self.socket)
            request = {"args": args, "cwd": str(cwd), "env": env}
            socket.send_fds(conn, [json.dumps(request).encode()], [out_w, err_w])
        finally:
            os.close(out_w)
            os.close(err_w)
        chunks: dict[Any, list[bytes]] = {out_r: [], err_r: [], conn: []}
        selector = selectors.DefaultSelector()
        for source in chunks:
            selector.register(source, selectors.EVENT_READ)
        killed = False
        end = time.monotonic() + limit
        try:
            while selector.get_map():
                left = end - time.monotonic()
                told = b"".join(chunks[conn])
                if left <= 0 and not killed and b"\n" in told:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(int(told.split(b"\n")[0]), signal.SIGKILL)
                    killed = True
                for key, _ in selector.select(max(left, 0.1) if not killed else 1.0):
                    source = key.fileobj
                    data = source.recv(4096) if source is conn else os.read(source, 65536)
                    if data:
                        chunks[source].append(data)
                    else:
                        selector.unregister(source)
        finally:
            selector.close()
            os.close(out_r)
            os.close(err_r)
            conn.close()
        lines = b"".join(chunks[conn]).decode().split()
        returncode = int(lines[1]) if len(lines) > 1 else None
        peak = int(lines[2]) if len(lines) > 2 else None
        stdout = b"".join(chunks[out_r]).decode("utf-8", "replace")
        stderr = b"".join(chunks[err_r]).decode("utf-8", "replace")
        return returncode, stdout, stderr, killed, peak


if __name__ == "__main__":
    serve(sys.argv[1])
