"""After rendering: prove the PDF carries nothing active — no embedded files, JavaScript,
launch or form actions, and no links with schemes other than http, https, mailto and tel.

The check reads the PDF's own bytes: the objects written in the clear, and the compressed
object streams where WeasyPrint puts most dictionaries. (A full parse with pypdf costs close
to a second on a 100-page tagged report; this costs milliseconds.)

Names are looked for only outside strings: the report's own text reaches the PDF as strings
(outline titles, /Alt, /Contents, link targets), and a heading "Ruta /AA" or a link to
".../Web/JavaScript" is no action. pydyf writes a string as a literal with every backslash and
parenthesis escaped, `(Ruta \\(a\\) /AA)`, or, when it is not ASCII, as hex UTF-16BE after a
byte order mark, `<feff0053…>`. Literals with balanced unescaped parentheses, which the PDF
syntax also allows, are read too, up to `_NESTING` deep; a parenthesis left over once the
strings are gone means a string this check cannot read, and the PDF is refused.
"""

from __future__ import annotations

import codecs
import re
import zlib
from urllib.parse import urlsplit

ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}  # tel: a contact card's phone (RFC 3966)
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
_END_OF_NAME = rb"(?![^\s/<>\[\]()%{}])"  # a delimiter, white space or the end
# `/JS` does not match `/JSON…`.
_NAMES = re.compile(rb"(" + b"|".join(re.escape(k) for k in _ACTIVE) + rb")" + _END_OF_NAME)

# A literal string: runs of plain bytes between escapes and nested strings (possessive, so a
# string that never closes fails in linear time).
_NESTING = 4
_LITERAL_PATTERN = rb"\([^\\()]*+(?:\\.[^\\()]*+)*+\)"
for _ in range(_NESTING - 1):
    _LITERAL_PATTERN = rb"\([^\\()]*+(?:(?:\\.|" + _LITERAL_PATTERN + rb")[^\\()]*+)*+\)"
_LITERAL = re.compile(_LITERAL_PATTERN, re.DOTALL)
# A hex string holds only hex digits and white space, so neither the `<<` that opens a
# dictionary nor the `>>` that closes one can start or end one (`<<>>` may lose its `<>`,
# which holds no name). Run once the literals are gone: a literal may hold `<41>`.
_HEX = re.compile(rb"<[0-9A-Fa-f\s]*+>")
# A link's target. pydyf escapes every parenthesis inside a literal, so an unescaped one
# after /URI opens a string at the top level; a hex one is looked for once literals are gone.
_URI_LITERAL = re.compile(rb"/URI\s*+(" + _LITERAL_PATTERN + rb")", re.DOTALL)
_URI_HEX = re.compile(rb"/URI\s*+<([0-9A-Fa-f\s]*+)>")
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.DOTALL)
_ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

# The clear part of the file, up to the next `stream` keyword outside a literal string (the
# string may hold "stream" itself), or up to a parenthesis that opens no readable string.
_UP_TO_STREAM = re.compile(rb"(?:[^(s]++|" + _LITERAL_PATTERN + rb"|s(?!tream\r?\n))*+", re.DOTALL)
_STREAM_KEYWORD = re.compile(rb"stream\r?\n")
_LENGTH = re.compile(rb"/Length\s++(\d++)(?![\d.]|\s++\d++\s++R)")
_END_STREAM = re.compile(rb"\s*+endstream")
_OBJECT_STREAM = re.compile(rb"/Type\s*+/ObjStm" + _END_OF_NAME)


class _Unreadable(Exception):
    """Part of the PDF this check cannot read, so cannot vouch for."""


def _parts(data: bytes) -> list[bytes]:
    """The objects written in the clear (streams' data left out), then the decompressed
    object streams. Streams are skipped by their /Length, so no stream data (fonts, images,
    the XMP metadata of PDF/A, which repeats the title) is read as objects."""
    clear = []
    object_streams = []
    position = 0
    while True:
        up_to = _UP_TO_STREAM.match(data, position)
        if up_to is None:
            raise _Unreadable("a string this check cannot read")
        end = up_to.end()
        clear.append(data[position:end])
        if end == len(data):
            break
        keyword = _STREAM_KEYWORD.match(data, end)
        if keyword is None:
            raise _Unreadable("a string this check cannot read")
        # The stream's dictionary: from its object's `obj` keyword to `stream`.
        dictionary = data[max(data.rfind(b"obj", position, end), position) : end]
        lengths = _LENGTH.findall(dictionary)
        start = keyword.end()
        stop = start + int(lengths[-1]) if lengths else -1
        after = _END_STREAM.match(data, stop) if lengths else None
        if after is None:  # no usable /Length: the stream ends at the first `endstream`
            stop = data.find(b"endstream", start)
            if stop < 0:
                raise _Unreadable("a stream that does not end")
            after = _END_STREAM.match(data, stop)
            if after is None:
                raise _Unreadable("a stream that does not end")
        if _OBJECT_STREAM.search(dictionary):
            content = data[start:stop]
            if b"/FlateDecode" in dictionary:
                try:
                    content = zlib.decompressobj().decompress(content)
                except zlib.error:
                    raise _Unreadable("an object stream this check cannot read") from None
            object_streams.append(content)
        position = after.end()
    return [b"\n".join(clear), *object_streams]


def _unescape(escape: re.Match[bytes]) -> bytes:
    code = escape[1]
    if code[:1].isdigit():
        return bytes([int(code, 8) & 0xFF])
    if code in (b"\n", b"\r", b"\r\n"):
        return b""  # a backslash at the end of a line continues the string
    return _ESCAPED.get(code, code)


def _text(raw: bytes) -> str:
    """A string's bytes as text: UTF-16BE or UTF-8 after a byte order mark, else Latin-1
    (which PDFDocEncoding matches on everything a URI may hold)."""
    if raw.startswith(codecs.BOM_UTF16_BE):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", "replace")
    return raw.decode("latin-1")


def _hex_bytes(digits: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", digits)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())  # odd: a final 0


def _scan(part: bytes) -> tuple[list[str], list[bytes]]:
    """The link targets in `part`, and the active names outside its strings."""
    uris = []
    if b"/URI" in part:
        uris = [_ESCAPE.sub(_unescape, s[1:-1]) for s in _URI_LITERAL.findall(part)]
    part = _LITERAL.sub(b" ", part)
    if b"(" in part or b")" in part:
        raise _Unreadable("a string this check cannot read")
    if b"/URI" in part:
        uris += [_hex_bytes(digits) for digits in _URI_HEX.findall(part)]
    part = _HEX.sub(b" ", part)
    return [_text(uri) for uri in uris], _NAMES.findall(part)


# What embedding the sources (`--embed-sources`, PDF/A-3) writes, and only then allowed.
EMBEDDING = frozenset({b"/EmbeddedFiles", b"/EmbeddedFile"})


def active_content(data: bytes, *, allow: frozenset[bytes] = frozenset()) -> list[str]:
    """What in this PDF could act or leak when opened; empty when it is inert. `allow`
    names what the caller put there itself (`EMBEDDING` for its own attached sources)."""
    found: list[str] = []
    try:
        parts = _parts(data)
        scans = [_scan(part) for part in parts]
    except _Unreadable as error:
        return [f"the PDF has {error}"]
    for uris, names in scans:
        for uri in uris:
            scheme = urlsplit(uri).scheme.lower()
            if scheme not in ALLOWED_SCHEMES:
                what = f"the PDF links to a '{scheme}:' URI ({uri[:60]})"
                if what not in found:
                    found.append(what)
        for name in names:
            if name in allow:
                continue
            what = f"the PDF has {_ACTIVE[name]}"
            if what not in found:
                found.append(what)
    return found
