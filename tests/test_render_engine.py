"""render/engine.py: WeasyPrint imported without ctypes' library search (no ldconfig, gcc,
ld processes), and imported the usual way where a library is found only by searching."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.pdf  # processes that import WeasyPrint

FAST = """
import ctypes.util
calls = []
real = ctypes.util.find_library
def counting(name):
    calls.append(name)
    return real(name)
ctypes.util.find_library = counting
from reportbuilder.render.engine import import_weasyprint
module = import_weasyprint()
assert ctypes.util.find_library is counting  # put back
assert import_weasyprint() is module
print(len(calls), hasattr(module, "HTML"))
"""

SEARCH_NEEDED = """
import ctypes.util, cffi.api
dlopen = cffi.api.FFI.dlopen
tries = []
def picky(self, name, flags=0):
    # A system where no library loads without the search.
    if ctypes.util.find_library.__name__ == "_not_searched":
        tries.append(name)
        raise OSError("cannot load " + str(name))
    return dlopen(self, name, flags)
cffi.api.FFI.dlopen = picky
from reportbuilder.render.engine import import_weasyprint
module = import_weasyprint()
print(bool(tries), hasattr(module, "HTML"), module.HTML(string="<p>x</p>").write_pdf()[:5])
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )


def test_weasyprint_is_imported_without_searching_for_libraries() -> None:
    assert _run(FAST).stdout.split() == ["0", "True"]


def test_a_system_that_needs_the_search_gets_it_and_no_advice_is_printed() -> None:
    done = _run(SEARCH_NEEDED)
    assert done.stdout.split() == ["True", "True", "b'%PDF-'"]
    assert "could not import some external libraries" not in done.stdout + done.stderr
