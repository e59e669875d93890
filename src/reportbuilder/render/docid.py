"""The PDF/X DocumentID derived from the document, not drawn at random.

WeasyPrint writes `xmpMM:DocumentID` as `xmp.did:<uuid4()>` in the XMP of PDF/X-4 and
PDF/X-5g: two builds of the same input differed by those 36 bytes, against "the same input
gives byte-identical PDFs" (a print workflow saw a changed PDF on every CI run). Within
`derived_from(text)` it is a UUID made from the SHA-256 of the document's HTML instead: the
same input, the same ID; another document, another ID.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import uuid
from collections.abc import Iterator

_seed = threading.local()  # each render thread writes its own document
_installed = False
_lock = threading.Lock()


def _document_uuid() -> uuid.UUID:
    seed: bytes | None = getattr(_seed, "value", None)
    if seed is None:
        return uuid.uuid4()
    return uuid.UUID(bytes=hashlib.sha256(seed).digest()[:16], version=4)


@contextlib.contextmanager
def derived_from(text: str) -> Iterator[None]:
    """Within the block, the DocumentID WeasyPrint writes is derived from `text`."""
    global _installed
    with _lock:
        if not _installed:
            from weasyprint.pdf import metadata

            metadata.uuid4 = _document_uuid
            _installed = True
    _seed.value = b"reportbuilder document id\0" + text.encode("utf-8", "surrogatepass")
    try:
        yield
    finally:
        _seed.value = None
