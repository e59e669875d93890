"""Code that Python generates and compiles on every run of the command — the methods
`dataclasses` writes, the annotations `typing` reads — compiled once and kept for the next.

`@dataclass` writes the source of `__init__`, `__repr__`, `__eq__`, `__setattr__` … of every
class it decorates and compiles it with `exec`: about 430 small functions when `check`
imports what it needs (ours, annotated-types', pydantic's, Jinja's …). `typing.ForwardRef`
compiles each annotation written as text (`from __future__ import annotations`) that
pydantic and others resolve: about 900 a run, 270 different. Their compiling was the largest
single cost left in `check` (measured 7 December 2026, issue 13, on a loaded machine: 86 and
42 ms, against 3 and 1 ms to load the same code objects; callgrind: about a seventh of the
command's instructions).

`keep_generated()` gives each of the two modules a `exec`/`compile` of its own (a global of
that module, not the built-in): a text it compiled before runs from its kept code object,
signed with the user's key (`signed.SignedFolder`) in one file per Python (its version, the
magic number of its bytecode and the digest of the two modules' source); anything else goes
to the built-in as it would have.

Why it is safe: the key is the whole text and the mode, and the code kept is what `compile`
made of that text under the same Python with the same flags (neither module has a
`__future__` import), so running it is running the text. Installed by the `reportbuilder`
command only (`cli.run`), never by importing the package. A file not signed with the
user's key, made by another Python, or that cannot be read means compiling as Python does.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import hashlib
import marshal
import sys
from types import CodeType, ModuleType
from typing import Any

MAX_TEXTS = 4096  # kept in the file; the texts used by this run are kept first
MIN_NEW = 8  # a run with fewer new texts does not write the file
_FILENAME = "<string>"  # what `exec` and `ForwardRef` call a text
_Key = tuple[str, str]  # mode ("exec", "eval"), text


class _Kept:
    """The code objects of earlier runs (`known`) and of this one."""

    def __init__(self, known: dict[_Key, CodeType]) -> None:
        self.known = known
        self.used: dict[_Key, CodeType] = {}
        self.fresh: dict[_Key, CodeType] = {}

    def code(self, text: str, mode: str) -> CodeType:
        key = (mode, text)
        code = self.known.get(key) or self.fresh.get(key)
        if code is not None:
            self.used[key] = code
            return code
        # dont_inherit: not this module's `from __future__ import annotations` (which would
        # make a method's annotations strings); the callers have no `__future__` import
        code = compile(text, _FILENAME, mode, dont_inherit=True)
        self.fresh[key] = code
        return code

    def to_keep(self) -> dict[_Key, CodeType] | None:
        """What the file should hold, or None when this run found too little new."""
        if len(self.fresh) < MIN_NEW:
            return None
        kept = {**self.fresh, **self.used}
        for key, code in self.known.items():
            if len(kept) >= MAX_TEXTS:
                break
            kept.setdefault(key, code)
        return kept


def keep_generated() -> None:
    """Run what `dataclasses` and `typing` compile from code kept by earlier runs, and keep
    this run's when the process ends. Does nothing the second time, or where it cannot
    work."""
    import dataclasses
    import typing

    modules: tuple[ModuleType, ...] = (dataclasses, typing)
    if sys.implementation.name != "cpython" or "exec" in vars(dataclasses):
        return
    source = _source(modules)
    if source is None:
        return
    from importlib.util import MAGIC_NUMBER

    from reportbuilder.signed import signed_folder, user_folder

    folder = user_folder()
    store = signed_folder(folder / "generated", max_files=8) if folder is not None else None
    if store is None:
        return
    name = f"{sys.implementation.cache_tag}-{MAGIC_NUMBER.hex()}-{source}.marshal"
    kept = _Kept(_read(store.get(name)))

    def kept_exec(text: Any, globals: Any = None, locals: Any = None, /) -> None:
        # dataclasses' only use: `exec(text, globals, namespace)`
        builtins.exec(kept.code(text, "exec") if isinstance(text, str) else text, globals, locals)

    def kept_compile(text: Any, filename: Any, mode: Any, *args: Any, **options: Any) -> Any:
        # typing's only use: `compile(text, '<string>', 'eval')` in `ForwardRef`
        if (
            isinstance(text, str)
            and filename == _FILENAME
            and mode == "eval"
            and not (args or options)
        ):
            return kept.code(text, "eval")
        return builtins.compile(text, filename, mode, *args, **options)

    def save() -> None:
        found = kept.to_keep()
        if found is not None:
            with contextlib.suppress(ValueError, OSError):  # not kept: compiled next time
                store.put(name, marshal.dumps(found))

    dataclasses.exec = kept_exec  # type: ignore[attr-defined]
    typing.compile = kept_compile  # type: ignore[attr-defined]
    atexit.register(save)


def _source(modules: tuple[ModuleType, ...]) -> str | None:
    """A digest of the modules' source as this Python has it (a patched `dataclasses` under
    the same version writes other texts, but the digest says so); None where unreadable."""
    digest = hashlib.sha256()
    for module in modules:
        try:
            with open(module.__file__ or "", "rb") as file:
                digest.update(file.read())
        except (AttributeError, OSError):
            return None
    return digest.hexdigest()[:16]


def _read(data: bytes | None) -> dict[_Key, CodeType]:
    if not data:
        return {}
    try:
        found = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        (k[0], k[1]): v
        for k, v in found.items()
        if isinstance(k, tuple)
        and len(k) == 2
        and all(isinstance(part, str) for part in k)
        and isinstance(v, CodeType)
    }


__all__ = ["keep_generated"]
