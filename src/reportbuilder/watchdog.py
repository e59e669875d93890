"""The command's last word on time: a build or check still running well past its --timeout
ends anyway, with one line on stderr, exit 1, its render processes killed and its temporary
files removed (nothing partial written, no output replaced).

The deadline (`limits.Deadline`) interrupts Python code and kills a render process that
overruns; it cannot interrupt the main thread while it is inside C code, and neither can a
SIGTERM handler (seen: `check --max-memory 256` on a 250 000-row CSV spinning for 12 minutes
in glibc's malloc under RLIMIT_AS). Two guards stand behind it, armed by the command line
only (never in a caller's own process, which `os._exit` would end):

- a thread that, `GRACE` seconds after the deadline, does the clean-up and `os._exit(1)`;
  it needs the GIL, which C code releases while it waits (I/O, a system call) but not while
  it computes;
- a watcher process, forked when the guard is armed (it needs none of our GIL), which says
  the line, kills the render processes and removes the temporary files `BACKSTOP / 2`
  seconds later; then `faulthandler`'s watchdog, a C thread that needs no GIL, ends the
  process with exit 1 (its traceback goes to /dev/null). Without the watcher that exit said
  nothing at all: `build --timeout 120` ended after 150 s, exit 1, with no word (trial 6).

What the process would leave behind is registered here while it exists: the temporary file
beside an output (`deliver.files`), each render process and its scratch folder (`renderer`);
so is what it is doing (`doing`: reading data/d.xlsx, composing content/02.md), which the
line names.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import json
import os
import select
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import IO

from reportbuilder.limits import one_malloc_arena


def _seconds(name: str, default: float) -> float:
    """A number of seconds from the environment (the tests shorten the waits), else `default`."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if 0 < value <= 3600 else default


# Seconds after --timeout for the command's own time-limit error (killing a render process,
# removing its folder) before the thread stops the command.
GRACE = _seconds("REPORTBUILDER_STOP_GRACE", 15.0)
BACKSTOP = GRACE  # seconds after that for the C watchdog, if the thread cannot run

STACK_BYTES = 256 * 1024  # the watchdog thread's: it calls a few functions deep

_lock = threading.Lock()
_paths: dict[str, bool] = {}  # a temporary path, whether it is a folder
_processes: set[int] = set()
_doing: list[tuple[str, str | None]] = [("", None)]  # what the command does, on which file
_watcher: list[int] = []  # the write end of the pipe to the watcher process, while armed


def _tell(*message: object) -> None:
    """Pass a registration on to the watcher process (one line of JSON, written at once:
    a pipe takes up to 4 KiB in one piece)."""
    with _lock:
        if not _watcher:
            return
        with contextlib.suppress(OSError):
            os.write(_watcher[0], json.dumps(message).encode("utf-8") + b"\n")


def keep_path(path: str, *, folder: bool = False) -> None:
    """Note a temporary file or folder to remove if the process is stopped."""
    with _lock:
        _paths[path] = folder
    _tell("path", path, folder)


def drop_path(path: str) -> None:
    """The temporary path is gone (renamed into place or removed)."""
    with _lock:
        _paths.pop(path, None)
    _tell("drop path", path)


def keep_process(pid: int) -> None:
    """Note a child process (a render process) to kill if this one is stopped."""
    with _lock:
        _processes.add(pid)
    _tell("process", pid)


def drop_process(pid: int) -> None:
    with _lock:
        _processes.discard(pid)
    _tell("drop process", pid)


def doing(what: str, path: str | None = None) -> None:
    """Note what the command is doing now ("composing", "content/02.md"): a stop names it."""
    _doing[0] = (what, path)
    _tell("doing", what, path)


def activity() -> tuple[str, str | None]:
    """What the command was doing last (`doing`); ("", None) before anything was said."""
    return _doing[0]


def inherited_ends() -> list[int]:
    """The descriptors a process forked from this one must close: the pipe to the watcher
    (held open by a render process, it would keep the watcher waiting after we end)."""
    return list(_watcher)


def clean_up() -> None:
    """Kill the registered processes and remove the registered paths (what a stop leaves)."""
    with _lock:
        pids, paths = sorted(_processes), dict(_paths)
    _remove(pids, paths)


def _remove(pids: list[int], paths: dict[str, bool]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)  # gone before its folder is removed
    for path, folder in paths.items():
        if folder:
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)


# The line and the --json document a stop writes, given what the command was doing.
Say = Callable[[tuple[str, str | None]], tuple[str, str]]


class Watchdog:
    """Armed for one command: `seconds` after it is armed, unless disarmed, the process ends
    with the line `say` gives on stderr and its --json document (or nothing) on stdout, after
    `clean_up()`, exit 1."""

    def __init__(self, seconds: float, say: Say) -> None:
        self._say = say
        self._seconds = seconds
        self._disarmed = threading.Event()
        self._null: IO[str] | None = None
        self._thread = threading.Thread(target=self._watch, name="watchdog", daemon=True)
        self._watcher: int | None = None

    def arm(self) -> None:
        # Forked first, while this process is small and has no other thread of ours.
        self._watcher = _fork_watcher(self._seconds + BACKSTOP / 2, self._say)
        # Started before any memory cap: a thread's stack is mapped when it starts. A render
        # process forked later inherits that mapping under its own RLIMIT_AS: a small stack,
        # and no malloc arena of its own (64 MiB of address space), or a five-page report no
        # longer laid out under --max-memory 256.
        one_malloc_arena()
        size = threading.stack_size(STACK_BYTES)
        try:
            self._thread.start()
        finally:
            threading.stack_size(size)
        self._null = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (kept open while armed)
        faulthandler.dump_traceback_later(self._seconds + BACKSTOP, exit=True, file=self._null)

    def disarm(self) -> None:
        self._disarmed.set()
        faulthandler.cancel_dump_traceback_later()
        if self._null is not None:
            self._null.close()
            self._null = None
        with _lock:
            ends, _watcher[:] = list(_watcher), []
        for fd in ends:  # end of file: the watcher leaves
            with contextlib.suppress(OSError):
                os.close(fd)
        if self._watcher is not None:
            with contextlib.suppress(OSError):
                os.waitpid(self._watcher, os.WNOHANG)
            self._watcher = None

    def _watch(self) -> None:
        if self._disarmed.wait(self._seconds):
            return
        clean_up()
        _write(*self._say(activity()))
        os._exit(1)


def _write(stderr: str, stdout: str) -> None:
    for fd, text in ((1, stdout), (2, stderr.rstrip("\n") + "\n")):
        with contextlib.suppress(OSError):
            if text:
                os.write(fd, text.encode("utf-8", "replace"))


def _fork_watcher(seconds: float, say: Say) -> int | None:
    """Fork the watcher process; its pid, or None where there is no fork. The pipe's write
    end stays here (`_watcher`): registrations go through it, and its end of file (this
    process ended or disarmed) ends the watcher."""
    if not hasattr(os, "fork"):
        return None
    reader, writer = os.pipe()
    parent = os.getpid()
    with _lock:  # what is registered already goes with the copy of the registries
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            return None
        if pid:
            os.close(reader)
            _watcher[:] = [writer]
            return pid
    try:  # the watcher: never back into the command's code, whatever happens
        os.close(writer)
        _watch_from_outside(reader, parent, seconds, say)
    finally:
        os._exit(0)


def _watch_from_outside(reader: int, parent: int, seconds: float, say: Say) -> None:
    """The watcher process: wait for `seconds` while the command's registrations come in;
    if it is still running then, stop it as its own thread would have."""
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the command to answer
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    pids, paths = set(_processes), dict(_paths)
    now = _doing[0]
    end = time.monotonic() + seconds
    pending = b""
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        if os.getppid() != parent:
            return
        ready, _, _ = select.select([reader], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(reader, 65536)
        if not chunk:
            return  # the command ended, or finished in time
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            kind, *args = json.loads(line)
            if kind == "path":
                paths[args[0]] = bool(args[1])
            elif kind == "drop path":
                paths.pop(args[0], None)
            elif kind == "process":
                pids.add(int(args[0]))
            elif kind == "drop process":
                pids.discard(int(args[0]))
            elif kind == "doing":
                now = (str(args[0]), args[1])
    if os.getppid() != parent:
        return
    _remove(sorted(pids), paths)
    _write(*say(now))
