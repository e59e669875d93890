"""After rendering: prove the PDF carries nothing active — no embedded files, JavaScript,
launch or form actions, and no links with schemes other than http, https and mailto.

The check reads the PDF's own bytes: the objects written in the clear, and the compressed
object streams where WeasyPrint puts most dictionaries. (A full parse with pypdf costs close
to a second on a 100-page tagged report; this costs milliseconds.)
"""

from __future__ import annotations

import re
import zlib
from urllib.parse import urlsplit

ALLOWED_SCHEMES = {"http", "https", "mailto"}
_ACTIVE = {
    b"/EmbeddedFiles": "embedded files",
    b"/EmbeddedFile": "an embedded file",
    b"/FileAttachment": "a file attachment",
    b"/JavaScript": "JavaScript",
    b"/JS": "JavaScript",
    b"/Launch": "a launch action",
    b"/OpenAction": "an action run on opening",
    b"/AA": "an automatic action",
    b"/AcroForm": "a form",
    b"/SubmitForm": "a form submission",
    b"/ImportData": "a data import action",
    b"/GoToE": "a link into an embedded file",
    b"/GoToR": "a link to another file",
    b"/RichMedia": "rich media",
}
# A name ends at a delimiter or white space, so `/JS` does not match `/JSON…`.
_NAMES = re.compile(rb"(" + b"|".join(re.escape(k) for k in _ACTIVE) + rb")(?=[\s/<>\[\]()%{}])")
_OBJECT_STREAM = re.compile(rb"<<(?:(?!>>).)*?/ObjStm(?:(?!>>).)*?>>\s*stream\r?\n", re.DOTALL)
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_URI = re.compile(rb"/URI\s*(?:\(((?:\\.|[^\\)])*)\)|<([0-9A-Fa-f\s]*)>)")


def _dictionaries(data: bytes) -> list[bytes]:
    """The PDF's objects in the clear (streams left out) and its decompressed object streams."""
    parts = [_STREAM.sub(b"stream endstream", data)]
    for match in _OBJECT_STREAM.finditer(data):
        parts.append(zlib.decompressobj().decompress(data[match.end() :]))
    return parts


def _uri_text(match: re.Match[bytes]) -> str:
    if match[1] is not None:
        return match[1].decode("latin-1")
    raw = bytes.fromhex(re.sub(rb"\s", b"", match[2]).decode())
    return raw.decode("utf-16") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


def active_content(data: bytes) -> list[str]:
    """What in this PDF could act or leak when opened; empty when it is inert."""
    found: list[str] = []
    for part in _dictionaries(data):
        for match in _NAMES.finditer(part):
            what = f"the PDF has {_ACTIVE[match[1]]}"
            if what not in found:
                found.append(what)
        for match in _URI.finditer(part):
            uri = _uri_text(match)
            scheme = urlsplit(uri).scheme.lower()
            if scheme not in ALLOWED_SCHEMES:
                found.append(f"the PDF links to a '{scheme}:' URI ({uri[:60]})")
    return found
