"""A merge's journal: what was made and sent for each row, kept in the output folder.

One JSON object per line (row, file, SHA-256, sent or not, the SMTP server's answer), each
appended with a single write and flushed to disk before the merge goes on, so that a merge
stopped at any point (a crash, Ctrl-C, a killed job) leaves every finished row recorded and
nothing half-written that counts: a torn last line is ignored when the journal is read. The
latest line of a row wins. A re-run reads it and skips what is done; a row recorded as sent is
never sent again, nor is one recorded as being sent with no answer after it (in doubt: the
server may have it), unless the user says so. Each shard keeps its own journal, so shards
sharing a folder never write the same file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
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


class Journal:
    """The journal at `path`, read at once; `record` appends to it (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self._torn = False  # the file ends inside a line: start the next record on a new one
        try:
            text = path.read_text("utf-8", errors="replace")
        except FileNotFoundError:
            return
        except OSError as error:
            message = f"cannot read the merge journal: {error.strerror}"
            raise OutputError(Problem(str(path), None, message, stage=Stage.OUTPUT)) from None
        self._torn = bool(text) and not text.endswith("\n")
        for line in text.splitlines():
            try:
                values = json.loads(line)
                entry = Entry(**values)
            except (ValueError, TypeError):
                continue  # a line torn by a crash, or not ours
            self.entries[entry.key] = entry

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def record(self, entry: Entry) -> Entry:
        """Append `entry` and make it durable before returning."""
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
