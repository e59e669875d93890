"""Regular expressions compiled by one run of the command, kept for the next.

A run of `check` compiles about 400 regular expressions — email-validator's (its Unicode
classes alone take 25 ms), YAML's, Markdown's, Jinja's, ours — and Python keeps them in
memory only. `keep_compiled()` keeps what `re`'s compiler makes of each (pattern, flags) —
the code that `_sre.compile` takes — in the user's cache folder, signed with the user's key
(`signed.SignedFolder`), in one file per Python version, regular-expression engine and source
of `re`'s compiler and parser; the next run hands the code to `_sre.compile` instead of
compiling the pattern again.

Why it is worth replacing a private function (measured 7 December 2026, `check .` on the
example, issue 13): without it a run executes 1.97 billion instructions against 1.55 billion
with it (callgrind; −21 %), about 0.09 s of the 0.66 s the command took. Nothing else cuts
as much: the patterns are the libraries' own, compiled at import or on first use.

What keeps it safe: it replaces `re._compiler.compile`, a private function of CPython; on
another implementation, where its shape differs, or where the compiler's source cannot be
read, nothing is replaced. A file is used only if it is signed with the user's key and was
made by the same Python (version, engine's magic number, the digest of `re._compiler`,
`re._parser` and `re._constants`). `_sre.compile` checks the code it is given; code it
refuses, or any error, is compiled as usual (and dropped), and a file that cannot be read or
written only means compiling as Python does. Installed by the `reportbuilder` command only
(`cli.run`), never by importing the package: programs that use the library keep Python's
own compiler.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import marshal
import sys
from typing import Any

MAX_PATTERNS = 4096  # kept in the file; patterns used by this run are kept first
# A run whose new patterns are fewer does not write the file: some patterns are new on every
# run (tokenize's is built from a set, in an order that changes run to run; the helpers'
# placeholders hold a nonce), and writing them every time would only grow the file.
MIN_NEW = 16
_Args = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


def keep_compiled() -> None:
    """Take compiled patterns from the user's cache folder, and keep this run's there when
    the process ends. Does nothing the second time, or where it cannot work."""
    try:
        import _sre
        from re import _compiler  # type: ignore[attr-defined]
    except ImportError:
        return
    original = getattr(_compiler, "compile", None)
    if sys.implementation.name != "cpython" or original is None or getattr(original, "kept", False):
        return
    if not all(hasattr(_compiler, name) for name in ("_code", "_parser", "SRE_FLAG_DEBUG")):
        return
    from reportbuilder.signed import signed_folder, user_folder

    folder = user_folder()
    store = signed_folder(folder / "patterns", max_files=8) if folder is not None else None
    if store is None:
        return
    version = ".".join(map(str, sys.version_info[:3]))
    source = _compiler_source()
    if source is None:
        return
    # `-v2`: each pattern's code marshalled apart, read only when the pattern is compiled
    # (the file holds every pattern of the user's runs, a run uses a third: reading all of
    # them was a twentieth of `check`)
    name = f"{sys.implementation.cache_tag}-{version}-{_sre.MAGIC}-{source}-v2.marshal"
    known = _read(store.get(name))
    used: set[tuple[str | bytes, int]] = set()
    fresh: dict[tuple[str | bytes, int], bytes] = {}

    def compile(pattern: Any, flags: int = 0) -> Any:
        if not isinstance(pattern, str | bytes) or flags & _compiler.SRE_FLAG_DEBUG:
            return original(pattern, flags)
        key = (pattern, int(flags))
        found = known.get(key)
        if found is not None:
            try:
                compiled = _sre.compile(pattern, *marshal.loads(found))
                used.add(key)
                return compiled
            except Exception:  # refused by the engine's own check: compiled as usual
                known.pop(key, None)
        compiled = original(pattern, flags)
        with contextlib.suppress(Exception):  # not kept: compiled as usual all the same
            fresh[key] = marshal.dumps(_args(_compiler, pattern, flags))
        return compiled

    def save() -> None:
        if len(fresh) < MIN_NEW:
            return
        kept: dict[tuple[str | bytes, int], bytes] = dict(fresh)
        for key in [*used, *known]:
            if len(kept) >= MAX_PATTERNS:
                break
            kept.setdefault(key, known[key])
        with contextlib.suppress(ValueError, OSError):  # not kept: compiled again next time
            store.put(name, marshal.dumps(kept))

    compile.kept = True  # type: ignore[attr-defined]
    _compiler.compile = compile
    atexit.register(save)


def _args(compiler: Any, pattern: str | bytes, flags: int) -> _Args:
    """What `_sre.compile` takes after the pattern, as `re._compiler.compile` makes it, in
    types marshal keeps (the engine's opcodes are an int subclass)."""
    parsed = compiler._parser.parse(pattern, flags)
    code = compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for group, index in groupindex.items():
        indexgroup[index] = group
    return (
        int(flags | parsed.state.flags),
        [int(op) for op in code],
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _compiler_source() -> str | None:
    """A digest of the source of `re`'s compiler and parser, as this Python has them: the
    code kept is what they made, and a Python patched under the same version number (a
    distribution's fix) must not be handed another compiler's code. None where the source
    cannot be read (nothing is replaced then)."""
    digest = hashlib.sha256()
    for name in ("re._compiler", "re._parser", "re._constants"):
        try:
            with open(sys.modules[name].__file__ or "", "rb") as file:
                digest.update(file.read())
        except (KeyError, AttributeError, OSError):
            return None
    return digest.hexdigest()[:16]


def _read(data: bytes | None) -> dict[tuple[str | bytes, int], bytes]:
    if not data:
        return {}
    try:
        found = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


__all__ = ["keep_compiled"]
