"""Reading the project's text files: size cap, UTF-8 (BOM stripped), LF line ends, no control
characters. Every refusal names the file, and the line and column where the format has one."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from reportbuilder.errors import Problem, ProjectError, Stage

BOM = b"\xef\xbb\xbf"
# C0 controls except tab (09) and newline (0A); CR (0D) is gone after normalising; DEL, the
# C1 controls (what text decoded with the wrong code page leaves: U+0085), and the line and
# paragraph separators Word's Shift+Enter pastes (read as a space, or as a box, by the rest).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SEPARATORS = {
    "\u2028": "a line separator (U+2028, as Word's Shift+Enter pastes it) at column {}: end "
    "the line there, or write <br>",
    "\u2029": "a paragraph separator (U+2029) at column {}: leave an empty line instead",
}
# One problem per line is enough to find a pattern; more would bury the first ones.
MAX_PROBLEMS = 20


def read_text(path: Path, rel: str, *, max_bytes: int = 2_000_000) -> str:
    """The text of `path` (a regular file, at most `max_bytes`), decoded and normalised.

    `rel` is the project-relative name used in problems. Raises `ReportError` with every
    problem found in the file. Whether the file may be read at all is `FilePolicy`'s call.
    """
    data = _read_bytes(path, rel, max_bytes)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows "Unicode" text: every character would be an error, so say it once.
        raise ProjectError(
            Problem(rel, 1, "the file is saved as UTF-16; save it as UTF-8", stage=Stage.PROJECT)
        )
    if data.startswith(BOM):
        data = data[len(BOM) :]
    # Safe on bytes: 0x0D never occurs inside a multi-byte UTF-8 sequence.
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    problems = _decode_problems(data, rel)
    text = data.decode("utf-8", errors="replace")
    problems += control_problems(text, rel, MAX_PROBLEMS - len(problems))
    if problems:
        raise ProjectError(problems)
    return text


def _read_bytes(path: Path, rel: str, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ProjectError(Problem(rel, None, "not a regular file", stage=Stage.PROJECT))
        if info.st_size > max_bytes:
            raise ProjectError(_too_large(rel, info.st_size, max_bytes))
        with path.open("rb") as handle:
            # Read one byte more than allowed: the file may have grown since stat().
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise ProjectError(
            Problem(rel, None, f"cannot read the file: {error.strerror}", stage=Stage.PROJECT)
        ) from None
    if len(data) > max_bytes:
        raise ProjectError(_too_large(rel, max(len(data), info.st_size), max_bytes))
    return data


def _too_large(rel: str, size: int, limit: int) -> Problem:
    return Problem(
        rel, None, f"file is too large ({size} bytes, limit {limit})", stage=Stage.PROJECT
    )


def _decode_problems(data: bytes, rel: str) -> list[Problem]:
    """One problem per line holding bytes that are not UTF-8 (at the first such byte)."""
    problems: list[Problem] = []
    start = 0
    while len(problems) < MAX_PROBLEMS:
        try:
            data[start:].decode("utf-8")
            break
        except UnicodeDecodeError as error:
            offset = start + error.start
        line = data.count(b"\n", 0, offset) + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
        problems.append(
            Problem(
                rel,
                line,
                f"not valid UTF-8 at column {column} (save the file as UTF-8)",
                stage=Stage.PROJECT,
            )
        )
        start = data.find(b"\n", offset) + 1  # go on with the next line
        if start == 0:
            break
    return problems


def control_problems(text: str, rel: str, limit: int = MAX_PROBLEMS) -> list[Problem]:
    """Problems for control characters in `text` (LF line ends), one per line, at most `limit`."""
    problems: list[Problem] = []
    line, counted, pos = 1, 0, 0
    while len(problems) < limit:
        match = _CONTROL.search(text, pos)
        if match is None:
            break
        offset = match.start()
        line += text.count("\n", counted, offset)
        counted = offset
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        code = f"U+{ord(match.group()):04X}"
        message = _SEPARATORS.get(match.group(), f"control character {code} at column {{}}")
        problems.append(Problem(rel, line, message.format(column), stage=Stage.PROJECT))
        pos = text.find("\n", offset) + 1  # one problem per line
        if pos == 0:
            break
    return problems
