"""A merge's journal: what was made and sent for each row, kept in the output folder.

One JSON object per line (row, file, SHA-256, sent or not, the SMTP server's answer), each
appended with a single write and flushed to disk before the merge goes on, so that a merge
stopped at any point (a crash, Ctrl-C, a killed job) leaves every finished row recorded and
nothing half-written that counts: a torn last line is ignored when the journal is read. The
latest line of a row wins. A re-run reads it and skips what is done; a row recorded as sent is
never sent again, nor is one recorded as being sent with no answer after it (in doubt: the
server may have it), unless the user says so. Each shard keeps its own journal, so shards
sharing a folder never write the same file; every journal of the folder is read, so a run
split another way (or not at all) never sends again what a shard sent.

A run that makes or sends holds a lock on its journal (`flock`, released by the system when
the process ends, however it ends): a second run of the same split in the same folder, or a
run split another way while one runs, is refused before anything is made or sent.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from reportbuilder.errors import OutputError, Problem, Stage


@dataclass(frozen=True)
class Entry:
    """One row's state: `key` is the row's identity (its values), `line` where it was."""

    key: str
    line: int
    email: str
    file: str
    sha256: str
    sent: bool = False
    answer: str | None = None  # the SMTP server's last answer, or where the .eml went
    method: str = ""  # "assembled" (body laid out once) or "full" (a whole build)
    pages: int = 0
    at: str = ""
    # Journaled, durably, before the message is handed to the server; cleared by its answer.
    # A row left `sending` by a crash is in doubt: it may have been delivered.
    sending: bool = False
    message_id: str = ""
    written: str = ""  # where --eml-dir last wrote the row's message (not a delivery)
    source: str = ""  # the hash of the project the copy was made from (`sources_digest`)
    # The report the copy is of (its output name, which survives a move of the project):
    # another report merged into the same folder for the same people is another request.
    # Empty in journals of earlier versions: any report's.
    project: str = ""

    @property
    def in_doubt(self) -> bool:
        return self.sending and not self.sent

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def journal_name(shard: str | None) -> str:
    """`merge-journal.jsonl`, or `merge-journal-2of3.jsonl` for shard 2/3."""
    if shard is None:
        return "merge-journal.jsonl"
    index, _, count = shard.partition("/")
    return f"merge-journal-{index}of{count}.jsonl"


_ONLY_WRITTEN = re.compile(r"written .+\.eml$")
_JOURNAL = re.compile(r"merge-journal(?:-(\d+)of(\d+))?\.jsonl")


def _split(name: str) -> int | None:
    """How many shards the journal `name` is one of (None: not sharded)."""
    found = _JOURNAL.fullmatch(name)
    return int(found[2]) if found and found[2] else None


def _read(path: Path, project: str = "") -> tuple[dict[str, Entry], bool, set[str]]:
    """The entries of the journal at `path` for `project` (the latest line of each row
    wins; a line of an earlier version, which names no project, is any project's), whether
    the file ends mid-line, and the files of other projects' rows."""
    try:
        text = path.read_text("utf-8", errors="replace")
    except FileNotFoundError:
        return {}, False, set()
    except OSError as error:
        message = f"cannot read the merge journal: {error.strerror}"
        raise OutputError(Problem(str(path), None, message, stage=Stage.OUTPUT)) from None
    entries: dict[str, Entry] = {}
    foreign: set[str] = set()
    for line in text.splitlines():
        try:
            values = json.loads(line)
            entry = Entry(**values)
        except (ValueError, TypeError):
            continue  # a line torn by a crash, or not ours
        if entry.sent and _ONLY_WRITTEN.match(entry.answer or ""):
            # Journaled by a version that counted an .eml written as sent: it was not.
            entry = Entry(**{**entry.as_json(), "sent": False, "written": entry.answer})
        if entry.project in ("", project) or not project:
            entries[entry.key] = entry
        else:
            foreign.add(entry.file)
    return entries, bool(text) and not text.endswith("\n"), foreign


class Journal:
    """The journal at `path`, read at once with the other journals of its folder; `record`
    appends to it (thread-safe). `lock()` before making or sending anything."""

    def __init__(self, path: Path, project: str = "") -> None:
        self.path = path
        self.project = project
        self._lock = threading.Lock()
        self._held: int | None = None  # the journal's descriptor while we hold its lock
        self.entries: dict[str, Entry] = {}
        # Rows sent, or in doubt, by runs split another way (other shards' journals).
        self.others: dict[str, Entry] = {}
        self._torn = False  # the file ends inside a line: start the next record on a new one
        self.foreign_files: set[str] = set()  # copies of other projects merged here
        self._load()

    def _load(self) -> None:
        self.entries, self._torn, self.foreign_files = _read(self.path, self.project)
        self.others = {}
        for other in sorted(self.path.parent.glob("merge-journal*.jsonl")):
            if other.name == self.path.name or not _JOURNAL.fullmatch(other.name):
                continue
            entries, _, foreign = _read(other, self.project)
            self.foreign_files |= foreign
            for key, entry in entries.items():
                known = self.others.get(key)
                if (entry.sent or entry.in_doubt) and not (known and known.sent):
                    self.others[key] = entry

    def get(self, key: str) -> Entry | None:
        """The row's state; sent (or in doubt) by another split wins over not sent here."""
        own, other = self.entries.get(key), self.others.get(key)
        if other is None or (own is not None and (own.sent or (own.in_doubt and not other.sent))):
            return own
        if own is None:
            return other
        return Entry(**{**own.as_json(), **{k: getattr(other, k) for k in _SENDING}})

    def lock(self) -> None:
        """Hold this journal's lock until `unlock` (or the process ends); refuse when
        another merge holds it, or is running in the folder split another way."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError as error:
            message = f"cannot open the merge journal: {error.strerror or error}"
            raise OutputError(Problem(str(self.path), None, message, stage=Stage.OUTPUT)) from None
        if not _try_lock(fd):
            os.close(fd)
            raise OutputError(_busy(self.path))
        mine = _split(self.path.name)
        for other in sorted(self.path.parent.glob("merge-journal*.jsonl")):
            if other.name == self.path.name or _split(other.name) == mine:
                continue  # the same split's other shards take other rows: they may run
            if _JOURNAL.fullmatch(other.name) and _held_elsewhere(other):
                os.close(fd)
                raise OutputError(_busy(other))
        self._held = fd
        self._load()  # read again: a run that ended while we started may have sent rows

    def unlock(self) -> None:
        fd, self._held = self._held, None
        if fd is not None:
            os.close(fd)  # releases the flock

    def record(self, entry: Entry) -> Entry:
        """Append `entry` and make it durable before returning."""
        if self.project and entry.project != self.project:
            entry = Entry(**{**entry.as_json(), "project": self.project})
        if not entry.at:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            entry = Entry(**{**entry.as_json(), "at": stamp})
        data = (json.dumps(entry.as_json(), ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            if self._torn:
                data = b"\n" + data
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    written = os.write(fd, data)
                    if written != len(data):
                        raise OSError(0, "short write")
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as error:
                message = f"cannot write the merge journal: {error.strerror or error}"
                raise OutputError(
                    Problem(str(self.path), None, message, stage=Stage.OUTPUT)
                ) from None
            self._torn = False
            self.entries[entry.key] = entry
        return entry


# What another split's journal says of a row's sending.
_SENDING = ("sent", "sending", "answer", "message_id")


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _held_elsewhere(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        if _try_lock(fd):
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        return True
    finally:
        os.close(fd)


def _busy(journal: Path) -> Problem:
    split = _split(journal.name)
    what = f"a merge with --shard I/{split}" if split else "another merge"
    message = (
        f"{what} is running with this output folder ({journal.name} is in use): the same "
        "rows would be sent twice; wait for it to end"
    )
    return Problem(str(journal.parent), None, message, stage=Stage.OUTPUT)
