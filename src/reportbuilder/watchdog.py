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
- `faulthandler`'s watchdog, a C thread that needs no GIL, `BACKSTOP` seconds later: it ends
  the process with exit 1 without our line (its traceback goes to /dev/null). Render
  processes still end and remove their folders themselves (they watch their parent).

What the process would leave behind is registered here while it exists: the temporary file
beside an output (`deliver.files`), each render process and its scratch folder (`renderer`).
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import shutil
import signal
import threading
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


def keep_path(path: str, *, folder: bool = False) -> None:
    """Note a temporary file or folder to remove if the process is stopped."""
    with _lock:
        _paths[path] = folder


def drop_path(path: str) -> None:
    """The temporary path is gone (renamed into place or removed)."""
    with _lock:
        _paths.pop(path, None)


def keep_process(pid: int) -> None:
    """Note a child process (a render process) to kill if this one is stopped."""
    with _lock:
        _processes.add(pid)


def drop_process(pid: int) -> None:
    with _lock:
        _processes.discard(pid)


def clean_up() -> None:
    """Kill the registered processes and remove the registered paths (what a stop leaves)."""
    with _lock:
        pids, paths = sorted(_processes), dict(_paths)
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


class Watchdog:
    """Armed for one command: `seconds` after it is armed, unless disarmed, the process ends
    with `stderr` (one line) and `stdout` (the --json document, or nothing) written, after
    `clean_up()`, exit 1."""

    def __init__(self, seconds: float, stderr: str, stdout: str = "") -> None:
        # Encoded now: at the end, memory may be what is short.
        self._stderr = stderr.rstrip("\n").encode("utf-8", "replace") + b"\n"
        self._stdout = stdout.encode("utf-8", "replace") if stdout else b""
        self._seconds = seconds
        self._disarmed = threading.Event()
        self._null: IO[str] | None = None
        self._thread = threading.Thread(target=self._watch, name="watchdog", daemon=True)

    def arm(self) -> None:
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

    def _watch(self) -> None:
        if self._disarmed.wait(self._seconds):
            return
        clean_up()
        for fd, data in ((1, self._stdout), (2, self._stderr)):
            with contextlib.suppress(OSError):
                if data:
                    os.write(fd, data)
        os._exit(1)
