"""Writing outputs atomically: a temporary file beside the target, fsync, then rename.

A failed write leaves the previous file as it was and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Protocol

from reportbuilder import watchdog
from reportbuilder.errors import OutputError, Problem, Stage

MAX_NAME_BYTES = 255  # of one file name, on Linux, macOS and Windows file systems


class HasData(Protocol):
    @property
    def data(self) -> bytes: ...


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or what the umask gives a new file."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(
    path: str | os.PathLike[str], content: bytes | HasData, *, durable: bool = True
) -> Path:
    """Replace `path` with `content` (bytes, or a `Pdf`) in one step; raises `OutputError`.

    On any failure the old file is untouched and no temporary file is left. `durable`: the
    data is on the disk before the file is replaced (fsync), so a crash leaves the old file
    or the new one, never a torn one. A cache, whose entries are checked when read (a torn
    one is a miss), passes False: a first build writes hundreds of them, and each fsync
    costs 5–20 ms of waiting.
    """
    target = Path(path)
    data = content if isinstance(content, bytes) else content.data
    if (kind := special_file(target)) is not None:
        # Renamed over, `/dev/null` (as root: a Docker CI job) became our PDF (trial 8 #32).
        message = f"cannot write the output: it is {kind}, not a regular file; give a file name"
        raise OutputError(Problem(str(target), None, message, stage=Stage.OUTPUT))
    try:
        _write(target, data, durable)
    except OSError as error:
        reason = error.strerror or str(error)
        message = f"cannot write the output: {reason}"
        if (file := _file_in_the_way(target)) is not None:  # mkdir's "File exists"
            message = f"cannot write the output: {file} is a file, not a folder"
        raise OutputError(Problem(str(target), None, message, stage=Stage.OUTPUT)) from None
    return target


_SPECIAL = (
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def special_file(target: Path) -> str | None:
    """What `target` is when it exists and is a device, a pipe or a socket (`/dev/null`),
    which a write must not replace; None for a file, a folder, a link or nothing."""
    try:
        mode = os.lstat(target).st_mode
    except (OSError, ValueError):
        return None
    return next((kind for test, kind in _SPECIAL if test(mode)), None)


def _file_in_the_way(target: Path) -> Path | None:
    """The nearest folder of `target`'s path that is a file (`out` written by mistake)."""
    for folder in target.parents:
        try:
            if folder.exists() and not folder.is_dir():
                return folder
        except OSError:
            return None
    return None


def temporary_prefix(name: str) -> str:
    """`.NAME.` for the temporary file beside NAME, NAME cut so that the temporary name stays
    within the 255 bytes a file name may have (mkstemp adds 8 characters, we add `.tmp`)."""
    kept = os.fsencode(name)[: MAX_NAME_BYTES - 2 - 8 - len(".tmp") - 16]
    return "." + kept.decode("utf-8", "ignore") + "."  # a character cut in two is dropped


def _write(path: Path, data: bytes, durable: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temporary_prefix(path.name), suffix=".tmp")
    watchdog.keep_path(tmp)  # removed if the command is stopped during the write
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        watchdog.drop_path(tmp)
