"""Importing WeasyPrint without the library search that costs a third of its import.

WeasyPrint asks cffi for each C library under several names (`gobject-2.0-0`, `gobject-2.0`,
`libgobject-2.0-0`, then `libgobject-2.0.so.0`); for every name the loader does not find,
cffi calls `ctypes.util.find_library`, which on Linux runs `ldconfig`, `gcc` and `ld`: 215
processes and about 0.3 s of CPU for each render process. The names that load on Linux
need no search, so the search is switched off while WeasyPrint is imported; where some
library is found only by searching (another system), the import is simply done again the
usual way.

Once imported, WeasyPrint's pagination is patched where it loses footnotes (see
`render.carried_notes`), so every process that lays out gets it.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import io
import sys
from types import ModuleType


def import_weasyprint() -> ModuleType:
    """The `weasyprint` module, imported now if it is not yet."""
    if (found := sys.modules.get("weasyprint")) is not None:
        return _patched(found)
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        # WeasyPrint prints its installation advice on stdout when a library is missing:
        # a first try without the search must not print it.
        with contextlib.redirect_stdout(io.StringIO()):
            return _patched(importlib.import_module("weasyprint"))
    except OSError:
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    return _patched(importlib.import_module("weasyprint"))


def _patched(weasyprint: ModuleType) -> ModuleType:
    """`weasyprint` with our fixes of its layout installed (once a process)."""
    from reportbuilder.render import carried_notes

    carried_notes.install()
    return weasyprint


def _not_searched(name: str) -> str | None:
    return None
