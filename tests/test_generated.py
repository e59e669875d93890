"""What `dataclasses` and `typing` compile, kept between runs of the command (`generated`):
the next run runs the kept code and the classes behave as freshly compiled ones do; a file
that is not ours is never used; a text that does not compile fails as it did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.pdf  # runs Python in subprocesses

# In a process of its own: keep_generated() changes two modules for the whole process. With
# `forbid`, compiling with the built-in raises: what works came from the file.
SCRIPT = """
import builtins, dataclasses, json, sys, typing
from reportbuilder.generated import keep_generated
keep_generated()
if sys.argv[1] == "forbid":
    real = builtins.compile
    def refuse(*args, **kwargs):
        if args[0] == "int |":  # never kept: it does not compile
            return real(*args, **kwargs)
        raise AssertionError("compiled again: " + repr(args[0])[:60])
    import reportbuilder.generated as generated
    generated.compile = refuse  # the module's own look-up of the built-in
classes = []
for i in range(12):  # a run with fewer new texts than MIN_NEW does not write the file
    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: "list[str]" = dataclasses.field(default_factory=list)
        z: int = i
    classes.append(Point)
Point = classes[5]
p = Point(1, ["a"])
try:
    p.x = 2
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
hints = typing.get_type_hints(Point)
try:
    typing.ForwardRef("int |")
    bad = "compiled"
except SyntaxError as error:
    bad = "SyntaxError"
print(json.dumps({
    "repr": repr(p),
    "eq": p == Point(1, ["a"]) and p < Point(2),
    "frozen": frozen,
    "default": Point(0).z,
    "hints": {k: str(v) for k, v in hints.items()},
    "init": {k: str(v) for k, v in Point.__init__.__annotations__.items()},
    "bad": bad,
}))
"""


def _run(cache: Path, mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], env=env, capture_output=True, text=True
    )


EXPECTED = {
    "eq": True,
    "frozen": True,
    "default": 5,
    "hints": {"x": "<class 'int'>", "y": "list[str]", "z": "<class 'int'>"},
    # as Python makes them: this module's `from __future__ import annotations` not applied
    "init": {"x": "<class 'int'>", "y": "list[str]", "z": "<class 'int'>", "return": "None"},
    "bad": "SyntaxError",
}


def _found(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert isinstance(found, dict)
    return found


def test_the_next_run_runs_the_kept_code_and_classes_behave_alike(tmp_path: Path) -> None:
    first = _found(_run(tmp_path, "compile"))
    kept = list((tmp_path / "reportbuilder" / "generated").iterdir())
    assert len(kept) == 1 and kept[0].stat().st_size > 1000
    second = _found(_run(tmp_path, "forbid"))  # nothing compiled again: all from the file
    assert first == second
    assert str(first.pop("repr")).endswith("Point(x=1, y=['a'], z=5)")
    assert first == EXPECTED


def test_a_file_that_is_not_ours_is_not_used(tmp_path: Path) -> None:
    _found(_run(tmp_path, "compile"))
    (path,) = (tmp_path / "reportbuilder" / "generated").iterdir()
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # changed after it was signed
    path.write_bytes(bytes(data))
    refused = _run(tmp_path, "forbid")  # the file is refused: compiling is needed again
    assert refused.returncode != 0 and "compiled again" in refused.stderr
    again = _found(_run(tmp_path, "compile"))  # and compiling as Python does works
    assert again["eq"] is True and again["bad"] == "SyntaxError"
