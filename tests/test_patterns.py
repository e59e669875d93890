"""Compiled regular expressions kept between runs of the command (`patterns`): the next run
takes them from the user's cache folder and they match as compiled ones do; a file that is
not ours (tampered, or code the engine refuses) is never used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.pdf  # runs Python in subprocesses

# Run in a process of its own: keep_compiled() replaces re's compiler for the whole process.
# With `forbid`, compiling anything the usual way raises: what works came from the file.
SCRIPT = """
import json, re, sys
from reportbuilder.patterns import keep_compiled
keep_compiled()
if sys.argv[1] == "forbid":  # the compiler the wrapper falls back to refuses
    from re import _compiler
    def refuse(pattern, flags=0):
        raise AssertionError("compiled again: " + repr(pattern))
    for cell in _compiler.compile.__closure__:
        if getattr(cell.cell_contents, "__module__", "") == "re._compiler":
            cell.cell_contents = refuse
many = [re.compile(f"(?:k{i})+z").fullmatch(f"k{i}k{i}z") is not None for i in range(20)]
found = {
    "many": all(many),
    "date": re.compile(r"(?P<y>\\d{4})-(?P<m>\\d\\d)", re.I).search("on 2026-12-07").groupdict(),
    "wide": bool(re.compile("[\\u0080-\\U0010FFFF]+").fullmatch("éà€")),
    "bytes": [m.decode() for m in re.compile(rb"a+b").findall(b"aab ab b")],
    "verbose": re.compile(r"(?x) x  y # comment").pattern,
}
print(json.dumps(found))
"""


def _run(cache: Path, mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], env=env, capture_output=True, text=True
    )


EXPECTED = {
    "many": True,  # a run with fewer new patterns than MIN_NEW does not write the file
    "date": {"y": "2026", "m": "12"},
    "wide": True,
    "bytes": ["aab", "ab"],
    "verbose": "(?x) x  y # comment",
}


def test_the_next_run_takes_the_compiled_patterns_and_they_match_alike(tmp_path: Path) -> None:
    first = _run(tmp_path, "compile")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == EXPECTED
    assert len(list((tmp_path / "reportbuilder" / "patterns").iterdir())) == 1
    second = _run(tmp_path, "forbid")  # compiling again would fail
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == EXPECTED


def test_a_file_that_is_not_ours_is_not_used(tmp_path: Path) -> None:
    assert _run(tmp_path, "compile").returncode == 0
    [kept] = (tmp_path / "reportbuilder" / "patterns").iterdir()
    data = bytearray(kept.read_bytes())
    data[-40] ^= 0xFF  # inside the code: the signature no longer matches
    kept.write_bytes(bytes(data))
    refused = _run(tmp_path, "forbid")
    assert refused.returncode == 1 and "compiled again" in refused.stderr
    again = _run(tmp_path, "compile")  # compiled as usual, and kept anew
    assert again.returncode == 0 and json.loads(again.stdout) == EXPECTED
    assert _run(tmp_path, "forbid").returncode == 0
