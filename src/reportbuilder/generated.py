"""The methods `dataclasses` writes for each class, compiled by one run of the command and
kept for the next.

`@dataclass` writes the source of `__init__`, `__repr__`, `__eq__`, `__setattr__` … of every
class it decorates and compiles it with `exec`: about 430 small functions when `check`
imports what it needs (ours, annotated-types', pydantic's, Jinja's …), and their compiling
was the largest single cost left in `check` (measured 7 December 2026, issue 13: 86 ms of
compiling on a loaded machine, against 3 ms to load the same code objects; callgrind: about
6 % of the command's instructions). `keep_generated()` gives the `dataclasses` module an
`exec` of its own: a text it has compiled before is run from its kept code object, signed
with the user's key (`signed.SignedFolder`) in one file per Python (its version, the magic
number of its bytecode and the digest of `dataclasses`' source); anything else is `exec` as
it was.

Why it is safe: the key is the whole text handed to `exec`, and the code kept is what
`compile` made of that text under the same Python, so running it is running the text;
only `exec` as the `dataclasses` module calls it is changed (a global of that module, not
the built-in), only by the `reportbuilder` command (`cli.run`), never by importing the
package. A file not signed with the user's key, made by another Python, or that cannot be
read means compiling as Python does.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import hashlib
import marshal
import sys
from types import CodeType
from typing import Any

MAX_TEXTS = 2048  # kept in the file; the texts used by this run are kept first
MIN_NEW = 8  # a run with fewer new texts does not write the file
_FILENAME = "<string>"  # what `exec` of a text calls it


def keep_generated() -> None:
    """Run the methods `dataclasses` writes from code kept by earlier runs, and keep this
    run's when the process ends. Does nothing the second time, or where it cannot work."""
    import dataclasses

    if sys.implementation.name != "cpython" or "exec" in vars(dataclasses):
        return
    source = _source(dataclasses)
    if source is None:
        return
    from importlib.util import MAGIC_NUMBER

    from reportbuilder.signed import signed_folder, user_folder

    folder = user_folder()
    store = signed_folder(folder / "generated", max_files=8) if folder is not None else None
    if store is None:
        return
    name = f"{sys.implementation.cache_tag}-{MAGIC_NUMBER.hex()}-{source}.marshal"
    known = _read(store.get(name))
    used: dict[str, CodeType] = {}
    fresh: dict[str, CodeType] = {}

    def kept_exec(text: Any, globals: Any = None, locals: Any = None, /) -> None:
        if isinstance(text, str):
            code = known.get(text) or fresh.get(text)
            if code is None:
                # dont_inherit: not this module's `from __future__ import annotations` (which
                # would make the methods' annotations strings); `dataclasses` has none
                code = compile(text, _FILENAME, "exec", dont_inherit=True)
                fresh[text] = code
            else:
                used[text] = code
            text = code
        builtins.exec(text, globals, locals)

    def save() -> None:
        if len(fresh) < MIN_NEW:
            return
        kept = {**fresh, **used}
        for text, code in known.items():
            if len(kept) >= MAX_TEXTS:
                break
            kept.setdefault(text, code)
        with contextlib.suppress(ValueError, OSError):  # not kept: compiled again next time
            store.put(name, marshal.dumps(kept))

    dataclasses.exec = kept_exec  # type: ignore[attr-defined]
    atexit.register(save)


def _source(module: Any) -> str | None:
    """A digest of `module`'s source as this Python has it (a patched `dataclasses` under
    the same version writes other texts, but the digest says so); None where unreadable."""
    try:
        with open(module.__file__ or "", "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()[:16]
    except (AttributeError, OSError):
        return None


def _read(data: bytes | None) -> dict[str, CodeType]:
    if not data:
        return {}
    try:
        found = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, CodeType)}


__all__ = ["keep_generated"]
