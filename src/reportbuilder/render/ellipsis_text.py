"""The text of a cut running header's "…" in the PDF is "…".

WeasyPrint maps each glyph to the text of the first cluster it drew, and the ellipsis that
`text-overflow` puts at the end of a cut header stands, for Pango, for all the text it hid:
the font's "…" glyph then read as "about the regional distribution …" in every copy, search
and screen reader, also where the body has a real "…", and poppler refuses the entry when
it is longer than 64 characters ("Illegal entry in bfchar block in ToUnicode CMap", trial 5
#19). A glyph no font draws for more than a few characters — a ligature is 2–3 letters, an
emoji sequence holds no letters — is mapped back to "…".
"""

from __future__ import annotations

import re
from typing import Any

_CMAP_START = b"/CIDInit /ProcSet findresource begin"
_ENTRY = re.compile(rb"<([0-9a-fA-F]{4})> <([0-9a-fA-F]+)>")
_ELLIPSIS = b"2026"
_MIN_CHARS = 6  # shorter clusters are a ligature or a conjunct, left as they are
_MIN_LETTERS = 5


def hidden_text(text: str) -> bool:
    """Whether `text`, mapped to one glyph, is text an ellipsis stands for: six characters
    or more, holding a space or five letters."""
    if len(text) < _MIN_CHARS:
        return False
    return " " in text or sum(char.isalpha() for char in text) >= _MIN_LETTERS


def restore_ellipses(pdf: Any) -> None:
    """In every ToUnicode CMap of `pdf` (WeasyPrint's pydyf document, before it is written),
    a glyph mapped to hidden text is mapped to "…"."""
    import pydyf

    for item in pdf.objects:
        if not isinstance(item, pydyf.Stream) or not item.stream:
            continue
        if item.stream[0] != _CMAP_START:
            continue
        for index, line in enumerate(item.stream):
            entry = _ENTRY.fullmatch(line) if isinstance(line, bytes) else None
            if entry is None or len(entry[2]) < 4 * _MIN_CHARS:
                continue
            try:
                text = bytes.fromhex(entry[2].decode()).decode("utf-16-be")
            except ValueError:
                continue
            if hidden_text(text):
                item.stream[index] = b"<" + entry[1] + b"> <" + _ELLIPSIS + b">"
