"""One lock for every call into PDFium (pypdfium2) in this process.

PDFium is not thread-safe, not even for different documents (pypdfium2's documentation:
"It is not allowed to call pdfium functions simultaneously across different threads"). A
build of several editions with `--jobs 2` lints each PDF in its own thread, and two lints at
once crashed the command (a general protection fault in libpdfium, exit without a word).
Whoever opens a PDFium document holds `LOCK` until it is closed.
"""

from __future__ import annotations

import threading

LOCK = threading.RLock()
