"""What changed between two PDFs: pages, metadata, fonts, outline, drawings and text.

The text of the whole document is compared as one sequence of lines, so a paragraph added
on page 5 shows as added there and does not make every later page "different"; lines that
only moved are reported as moved, and a line whose words are equal but one of its numbers
changed is reported as that number's change ("89 % → 88 %"). Pages whose text is equal but
whose drawing differs (a chart's bar, a colour) are found by comparing what each page draws,
so a change never goes unreported just because no word changed.

Text comes from PDFium (pypdfium2), which also reads text inside form XObjects (our charts);
structure (metadata, fonts, outline, page content) from pypdf.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Dates change with every build unless SOURCE_DATE_EPOCH is set; they are not content.
_IGNORED_METADATA = {"/CreationDate", "/ModDate"}
# A number as a report prints it: 1 234 567 / 1,234.5 / 1.234,5 / 89 % / -3. Its grouping
# spaces are the no-break ones a formatter sets (Babel's fr: U+202F); a plain space parts two
# numbers, as between two table cells ("812 170" is 812 and 170).
_SPACES = "\u00a0\u202f\u2009"
_NUMBER_PATTERN = (
    rf"[-−+]?\d{{1,3}}(?:[{_SPACES},.]\d{{3}})+(?:[.,]\d+)?(?:[{_SPACES} ]?%)?"
    rf"|[-−+]?\d+(?:[.,]\d+)?(?:[{_SPACES} ]?%)?"
)
_NUMBER = re.compile(_NUMBER_PATTERN)
# A number (with its grouping spaces and percent sign) or any other run of non-space.
_TOKEN = re.compile(
    rf"(?<![^\s(\[«“‘\"'])(?:{_NUMBER_PATTERN})(?=[\s,.;:!?)\]»”’\"']|$)"
    r"|[(\[«“‘\"']|\S+?(?=[,.;:!?)\]»”’\"']*(?:\s|$))[,.;:!?)\]»”’\"']*"
)
# Runs of white space a line is split at: every kind but the no-break grouping spaces.
_BLANKS = re.compile(rf"[^\S{_SPACES}]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What a content stream says, without the strings it shows: glyph codes change when the
# font subset changes, and the text itself is compared word by word.
_STRINGS = re.compile(rb"<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\)", re.DOTALL)


class UnreadablePdf(Exception):
    """A file given to compare is not a PDF we can read."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: not a readable PDF ({reason})")
        self.path = path


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str


@dataclass(frozen=True)
class NumberChange:
    old_page: int
    new_page: int
    old: str
    new: str
    context: str  # the words around it, in the new document

    def as_json(self) -> dict[str, Any]:
        return {
            "old_page": self.old_page,
            "new_page": self.new_page,
            "old": self.old,
            "new": self.new,
            "context": self.context,
        }


@dataclass(frozen=True)
class Hunk:
    """Words removed from the old document and added in the new one, at one place."""

    old_page: int
    new_page: int
    removed: str
    added: str
    before: str  # context
    after: str

    def as_json(self) -> dict[str, Any]:
        return {
            "old_page": self.old_page,
            "new_page": self.new_page,
            "removed": self.removed,
            "added": self.added,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class Move:
    text: str
    old_page: int
    new_page: int


@dataclass(frozen=True)
class Document:
    path: Path
    pages: tuple[tuple[str, ...], ...]  # the lines of each page
    drawings: tuple[str, ...]  # a hash of what each page draws, its images aside
    metadata: dict[str, str]
    fonts: frozenset[str]
    outline: tuple[tuple[int, str, int], ...]  # level, title, page
    images: tuple[str, ...] = ()  # a hash of the raster images each page shows


@dataclass
class Comparison:
    old: Document
    new: Document
    metadata: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    fonts_added: list[str] = field(default_factory=list)
    fonts_removed: list[str] = field(default_factory=list)
    outline_removed: list[tuple[int, str, int]] = field(default_factory=list)
    outline_added: list[tuple[int, str, int]] = field(default_factory=list)
    hunks: list[Hunk] = field(default_factory=list)
    numbers: list[NumberChange] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    drawings: list[tuple[int, int]] = field(default_factory=list)  # old page, new page
    images: list[tuple[int, int]] = field(default_factory=list)  # a photo changed, same text

    @property
    def equal(self) -> bool:
        return not (
            len(self.old.pages) != len(self.new.pages)
            or self.metadata
            or self.fonts_added
            or self.fonts_removed
            or self.outline_removed
            or self.outline_added
            or self.hunks
            or self.numbers
            or self.moves
            or self.drawings
            or self.images
        )

    def changed_pages(self) -> list[tuple[int, int]]:
        """Pairs (old page, new page) that differ, in order, each new page once."""
        pairs: dict[int, int] = {}
        for number in self.numbers:
            pairs.setdefault(number.new_page, number.old_page)
        for hunk in self.hunks:
            pairs.setdefault(hunk.new_page, hunk.old_page)
        for old_page, new_page in [*self.drawings, *self.images]:
            pairs.setdefault(new_page, old_page)
        for move in self.moves:
            pairs.setdefault(move.new_page, move.old_page)
        return sorted(((old, new) for new, old in pairs.items()), key=lambda p: p[1])

    def as_json(self) -> dict[str, Any]:
        return {
            "equal": self.equal,
            "old": str(self.old.path),
            "new": str(self.new.path),
            "pages": {"old": len(self.old.pages), "new": len(self.new.pages)},
            "metadata": [{"key": k, "old": o, "new": n} for k, o, n in self.metadata],
            "fonts": {"added": self.fonts_added, "removed": self.fonts_removed},
            "outline": {
                "removed": [_outline_json(x) for x in self.outline_removed],
                "added": [_outline_json(x) for x in self.outline_added],
            },
            "numbers": [n.as_json() for n in self.numbers],
            "text": [h.as_json() for h in self.hunks],
            "moved": [
                {"text": m.text, "old_page": m.old_page, "new_page": m.new_page} for m in self.moves
            ],
            "drawings": [{"old_page": o, "new_page": n} for o, n in self.drawings],
            "images": [{"old_page": o, "new_page": n} for o, n in self.images],
            "changed_pages": [n for _, n in self.changed_pages()],
        }

    def report(self) -> Iterator[str]:
        """The comparison as lines a reviewer reads."""
        old_count, new_count = len(self.old.pages), len(self.new.pages)
        if self.equal:
            yield f"no difference ({new_count} pages)"
            return
        if old_count != new_count:
            yield f"pages: {old_count} → {new_count}"
        for key, old_value, new_value in self.metadata:
            yield f"metadata {key[1:]}: {_shown(old_value)} → {_shown(new_value)}"
        for font in self.fonts_removed:
            yield f"font removed: {font}"
        for font in self.fonts_added:
            yield f"font added: {font}"
        for level, title, page in self.outline_removed:
            yield f"outline removed: {'  ' * (level - 1)}{title} (page {page})"
        for level, title, page in self.outline_added:
            yield f"outline added: {'  ' * (level - 1)}{title} (page {page})"
        for number in self.numbers:
            where = _pages(number.old_page, number.new_page)
            yield f"{where}: {number.old} → {number.new}    … {number.context} …"
        for hunk in self.hunks:
            yield f"{_pages(hunk.old_page, hunk.new_page)}: {_wdiff(hunk)}"
        for move in self.moves:
            yield f"moved from page {move.old_page} to page {move.new_page}: {move.text}"
        for old_page, new_page in self.drawings:
            yield f"{_pages(old_page, new_page)}: drawing changed (same text)"
        for old_page, new_page in self.images:
            yield f"{_pages(old_page, new_page)}: image changed (same text)"
        pages = ", ".join(str(n) for _, n in self.changed_pages())
        if pages:
            yield f"changed pages (new): {pages}"


def compare(old: Path | Document, new: Path | Document) -> Comparison:
    """Compare two PDFs (files, or documents read earlier); `UnreadablePdf` if either
    cannot be read."""
    result = Comparison(
        old if isinstance(old, Document) else read_document(old),
        new if isinstance(new, Document) else read_document(new),
    )
    _compare_structure(result)
    _compare_text(result)
    return result


def read_document(path: Path) -> Document:
    """Text lines, page drawings, metadata, fonts and outline of one PDF; everything is
    read at once, so the file may be replaced afterwards (`build --compare`)."""
    import pypdf
    import pypdfium2

    path = Path(path)
    data = _read(path)

    # pypdf logs what it repairs; a file it cannot read is reported once, by us.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadablePdf(path, "it is encrypted")
        memo: dict[int, bytes] = {}
        drawings = tuple(_page_drawing(page, memo) for page in reader.pages)
        seen: dict[int, bytes] = {}
        images = tuple(_page_images(page, seen) for page in reader.pages)
        metadata = {
            str(k): str(v) for k, v in (reader.metadata or {}).items() if k not in _IGNORED_METADATA
        }
        lang = reader.root_object.get("/Lang")
        if lang is not None:
            metadata["/Lang"] = str(lang)
        fonts = frozenset(_fonts(reader))
        outline = tuple(_outline(reader, reader.outline, 1))
        pdfium = pypdfium2.PdfDocument(data)
        try:
            pages = tuple(_page_lines(pdfium[i]) for i in range(len(pdfium)))
        finally:
            pdfium.close()
    except UnreadablePdf:
        raise
    except (OSError, ValueError, KeyError, pypdf.errors.PyPdfError, pypdfium2.PdfiumError) as error:
        raise UnreadablePdf(path, str(error) or type(error).__name__) from None
    return Document(path, pages, drawings, metadata, fonts, outline, images)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UnreadablePdf(path, error.strerror or type(error).__name__) from None


def _page_lines(page: Any) -> tuple[str, ...]:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_bounded()
    finally:
        textpage.close()
        page.close()
    lines = (
        " ".join(_BLANKS.split(line.strip())) for line in text.replace("\r\n", "\n").split("\n")
    )
    return tuple(line for line in lines if line)


def _page_drawing(page: Any, memo: dict[int, bytes]) -> str:
    """A hash of everything the page draws: its content without the strings it shows, the
    resources that content uses (forms and images by their own content, fonts by name),
    and none of the object numbers, which change when anything earlier in the file does.

    WeasyPrint gives every page the same resource dictionary, so only the resources a
    page's content names are counted; `memo` keeps each shared object's hash."""
    return _drawing_hash(page.get("/Contents"), page.get("/Resources"), memo).hex()


_RESOURCE_KINDS = ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading", "/ColorSpace")
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")


def _drawing_hash(contents: Any, resources: Any, memo: dict[int, bytes]) -> bytes:
    import pypdf.generic as g

    digest = hashlib.sha256()
    streams = contents.get_object() if contents is not None else None
    if isinstance(streams, g.ArrayObject):
        data = b"\n".join(s.get_object().get_data() for s in streams)
    elif isinstance(streams, g.StreamObject):
        data = streams.get_data()
    else:
        data = b""
    data = _STRINGS.sub(b"()", data)
    used = {b"/" + name for name in _NAME.findall(data)}
    resources = resources.get_object() if resources is not None else None
    # WeasyPrint names an image after its pixels: the name is the image, compared apart
    # (`_page_images`), so it is left out here (as `/Image`) like the pixels are.
    images = _image_names(resources, used)
    if images:
        data = _NAME.sub(lambda m: b"/Image" if b"/" + m[1] in images else m[0], data)
    digest.update(hashlib.sha256(data).digest())
    if isinstance(resources, g.DictionaryObject):
        for kind in _RESOURCE_KINDS:
            entries = resources.get(kind)
            entries = entries.get_object() if entries is not None else None
            if not isinstance(entries, g.DictionaryObject):
                continue
            for name in sorted(k for k in entries if k.encode() in used - images):
                digest.update(f"{kind}{name}".encode())
                digest.update(_resource_hash(entries[name], memo))
    return digest.digest()


def _image_names(resources: Any, used: set[bytes]) -> set[bytes]:
    """The names, among `used`, of the image XObjects in `resources`."""
    import pypdf.generic as g

    if not isinstance(resources, g.DictionaryObject):
        return set()
    entries = resources.get("/XObject")
    entries = entries.get_object() if entries is not None else None
    if not isinstance(entries, g.DictionaryObject):
        return set()
    found = set()
    for name in entries:
        if name.encode() in used:
            obj = entries[name].get_object()
            if isinstance(obj, g.StreamObject) and obj.get("/Subtype") == "/Image":
                found.add(name.encode())
    return found


def _resource_hash(value: Any, memo: dict[int, bytes]) -> bytes:
    import pypdf.generic as g

    key = value.idnum if isinstance(value, g.IndirectObject) else None
    if key is not None and key in memo:
        return memo[key]
    if key is not None:
        memo[key] = b"(cycle)"
    obj = value.get_object()
    if isinstance(obj, g.StreamObject) and obj.get("/Subtype") == "/Image":
        # A photo is compared apart (`_page_images`): a changed one is an image change.
        result = hashlib.sha256(b"/Image").digest()
    elif isinstance(obj, g.DictionaryObject) and obj.get("/Type") == "/Font":
        # A font is its name: its program holds the subset, which follows the text.
        name = re.sub(r"^/[A-Z]{6}\+", "/", str(obj.get("/BaseFont", "")))
        result = hashlib.sha256(name.encode()).digest()
    elif isinstance(obj, g.StreamObject) and obj.get("/Subtype") == "/Form":
        result = _drawing_hash(obj, obj.get("/Resources"), memo)
    else:
        digest = hashlib.sha256()
        _hash_value(obj, digest, memo)
        result = digest.digest()
    if key is not None:
        memo[key] = result
    return result


def _page_images(page: Any, seen: dict[int, bytes]) -> str:
    """A hash of the raster images (image XObjects) the page draws, in any form or pattern
    its content names, each by its pixels and size; `seen` keeps each shared image's hash.
    WeasyPrint gives every page the same resources: only those the content names count."""
    import pypdf.generic as g

    found: list[bytes] = []
    visited: set[int] = set()
    stack: list[Any] = list(_used(page.get("/Contents"), page.get("/Resources")))
    while stack:
        value = stack.pop()
        if isinstance(value, g.IndirectObject):
            if value.idnum in visited:
                continue
            visited.add(value.idnum)
            if value.idnum in seen:
                found.append(seen[value.idnum])
                continue
            obj = value.get_object()
            if isinstance(obj, g.StreamObject) and obj.get("/Subtype") == "/Image":
                digest = hashlib.sha256(obj.get_data())
                digest.update(f"{obj.get('/Width')}x{obj.get('/Height')}".encode())
                seen[value.idnum] = digest.digest()
                found.append(seen[value.idnum])
                continue
            value = obj
        if isinstance(value, g.StreamObject) and (
            value.get("/Subtype") == "/Form" or value.get("/PatternType") == 1
        ):  # a form or a tiling pattern (a CSS background image): what its content names
            stack.extend(_used(value, value.get("/Resources")))
        elif isinstance(value, g.DictionaryObject) and value.get("/Type") != "/Font":
            stack.extend(v for k, v in value.items() if k not in ("/Parent", "/Resources"))
        elif isinstance(value, g.ArrayObject):
            stack.extend(value)
    return hashlib.sha256(b"".join(sorted(found))).hexdigest()


def _used(contents: Any, resources: Any) -> Iterator[Any]:
    """The resources (XObjects, patterns, shadings …) that `contents` names."""
    import pypdf.generic as g

    streams = contents.get_object() if contents is not None else None
    if isinstance(streams, g.ArrayObject):
        data = b"\n".join(s.get_object().get_data() for s in streams)
    elif isinstance(streams, g.StreamObject):
        data = streams.get_data()
    else:
        return
    used = {b"/" + name for name in _NAME.findall(_STRINGS.sub(b"()", data))}
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, g.DictionaryObject):
        return
    for kind in ("/XObject", "/Pattern", "/Shading"):
        entries = resources.get(kind)
        entries = entries.get_object() if entries is not None else None
        if isinstance(entries, g.DictionaryObject):
            yield from (entries.raw_get(k) for k in entries if k.encode() in used)


def _hash_value(value: Any, digest: Any, memo: dict[int, bytes]) -> None:
    import pypdf.generic as g

    if isinstance(value, g.IndirectObject):
        digest.update(_resource_hash(value, memo))
    elif isinstance(value, g.StreamObject):
        digest.update(hashlib.sha256(value.get_data()).digest())
        for key in sorted(k for k in value if k not in ("/Length", "/Filter", "/DecodeParms")):
            digest.update(str(key).encode())
            _hash_value(value[key], digest, memo)
    elif isinstance(value, g.DictionaryObject):
        for key in sorted(value):
            if key != "/Parent":
                digest.update(str(key).encode())
                _hash_value(value[key], digest, memo)
    elif isinstance(value, g.ArrayObject):
        digest.update(b"[")
        for item in value:
            _hash_value(item, digest, memo)
        digest.update(b"]")
    else:
        digest.update(repr(value).encode())


def _fonts(reader: Any) -> Iterator[str]:
    """Font names with the subset tag (`ABCDEF+`) removed."""
    seen: set[int] = set()
    for page in reader.pages:
        yield from _fonts_in(page.get("/Resources"), seen)


def _fonts_in(resources: Any, seen: set[int]) -> Iterator[str]:
    import pypdf.generic as g

    if isinstance(resources, g.IndirectObject):
        if resources.idnum in seen:
            return
        seen.add(resources.idnum)
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, g.DictionaryObject):
        return
    fonts = resources.get("/Font")
    if fonts is not None:
        for font in fonts.get_object().values():
            name = str(font.get_object().get("/BaseFont", "")).lstrip("/")
            if name:
                yield re.sub(r"^[A-Z]{6}\+", "", name)
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        for xobject in xobjects.get_object().values():
            if isinstance(xobject, g.IndirectObject) and xobject.idnum in seen:
                continue
            if isinstance(xobject, g.IndirectObject):
                seen.add(xobject.idnum)
            obj = xobject.get_object()
            if obj.get("/Subtype") == "/Form":
                yield from _fonts_in(obj.get("/Resources"), seen)


def _outline(reader: Any, items: Sequence[Any], level: int) -> Iterator[tuple[int, str, int]]:
    for item in items:
        if isinstance(item, list):
            yield from _outline(reader, item, level + 1)
            continue
        try:
            page = reader.get_destination_page_number(item) + 1
        except (KeyError, ValueError, AttributeError):
            page = 0
        yield level, str(item.title), page


def _compare_structure(result: Comparison) -> None:
    old, new = result.old, result.new
    for key in sorted(set(old.metadata) | set(new.metadata)):
        if old.metadata.get(key) != new.metadata.get(key):
            result.metadata.append((key, old.metadata.get(key), new.metadata.get(key)))
    result.fonts_added = sorted(new.fonts - old.fonts)
    result.fonts_removed = sorted(old.fonts - new.fonts)
    # Page numbers are compared through the text and drawings; the outline by title.
    old_titles = Counter((level, title) for level, title, _ in old.outline)
    new_titles = Counter((level, title) for level, title, _ in new.outline)
    result.outline_removed = _outline_difference(old.outline, old_titles - new_titles)
    result.outline_added = _outline_difference(new.outline, new_titles - old_titles)


def _outline_difference(
    outline: Sequence[tuple[int, str, int]], wanted: Counter[tuple[int, str]]
) -> list[tuple[int, str, int]]:
    found = []
    for level, title, page in outline:
        if wanted[(level, title)] > 0:
            wanted[(level, title)] -= 1
            found.append((level, title, page))
    return found


_CONTEXT = 6  # words shown on each side of a change
_MIN_MOVE = 4  # words: a shorter run found elsewhere is a coincidence, not a move
_HYPHENS = ("\u2010", "\u00ad")  # what the layout adds when it hyphenates a word


def _words(document: Document, start: int, end: int) -> list[Word]:
    """The words of pages start..end-1 (0-based) in reading order; a number with its
    grouping and its percent sign is one word, and words the layout hyphenated across lines
    are joined again."""
    words: list[Word] = []
    carry = ""
    for number in range(start + 1, end + 1):
        for line in document.pages[number - 1]:
            tokens = _TOKEN.findall(line)
            if carry and tokens:
                tokens[0] = carry + tokens[0]
                carry = ""
            if tokens and tokens[-1].endswith(_HYPHENS) and len(tokens[-1]) > 1:
                carry = tokens.pop()[:-1]
            words.extend(Word(number, token) for token in tokens)
    if carry:
        words.append(Word(end, carry))
    return words


@dataclass
class _Change:
    removed: list[Word]
    added: list[Word]
    old_page: int
    new_page: int
    before: str
    after: str


def _compare_text(result: Comparison) -> None:
    # Pages first: equal pages cost nothing more, and words are compared only on the runs
    # of pages that differ (with one equal page on each side, for context).
    pages = difflib.SequenceMatcher(None, result.old.pages, result.new.pages, autojunk=False)
    changed_old: set[int] = set()
    changed_new: set[int] = set()
    changes: list[_Change] = []
    equal_pages: list[tuple[int, int]] = []
    old_count, new_count = len(result.old.pages), len(result.new.pages)
    for tag, p1, p2, q1, q2 in pages.get_opcodes():
        if tag == "equal":
            equal_pages.extend((p1 + k + 1, q1 + k + 1) for k in range(p2 - p1))
            continue
        old_words = _words(result.old, max(0, p1 - 1), min(old_count, p2 + 1))
        new_words = _words(result.new, max(0, q1 - 1), min(new_count, q2 + 1))
        _compare_words(result, old_words, new_words, changes, changed_old, changed_new)
    result.moves = _moves(changes)
    result.hunks = [
        Hunk(c.old_page, c.new_page, _join(c.removed), _join(c.added), c.before, c.after)
        for c in changes
        if c.removed or c.added
    ]
    # Pages whose text is equal but whose drawing differs, paired in document order.
    for old_page, new_page in equal_pages:
        if old_page in changed_old or new_page in changed_new:
            continue
        if result.old.drawings[old_page - 1] != result.new.drawings[new_page - 1]:
            result.drawings.append((old_page, new_page))
        old_images, new_images = result.old.images, result.new.images
        if old_images and new_images and old_images[old_page - 1] != new_images[new_page - 1]:
            result.images.append((old_page, new_page))


def _compare_words(
    result: Comparison,
    old_words: list[Word],
    new_words: list[Word],
    changes: list[_Change],
    changed_old: set[int],
    changed_new: set[int],
) -> None:
    old_text = [_key(w.text) for w in old_words]
    new_text = [_key(w.text) for w in new_words]
    matcher = difflib.SequenceMatcher(None, old_text, new_text, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = old_words[i1:i2], new_words[j1:j2]
        old_page = removed[0].page if removed else _page_at(old_words, i1)
        new_page = added[0].page if added else _page_at(new_words, j1)
        changed_old.update({w.page for w in removed} or {old_page})
        changed_new.update({w.page for w in added} or {new_page})
        before = _join(new_words[max(0, j1 - _CONTEXT) : j1])
        after = _join(new_words[j2 : j2 + _CONTEXT])
        if _all_numbers(removed, added):
            for old, new in zip(removed, added, strict=True):
                if old.text != new.text:
                    context = f"{before} {new.text} {after}".strip()
                    result.numbers.append(
                        NumberChange(old.page, new.page, old.text, new.text, context)
                    )
            continue
        changes.append(_Change(removed, added, old_page, new_page, before, after))


def _join(words: Sequence[Word]) -> str:
    """Words as text again: no space after an opening bracket or before a closing one."""
    text = " ".join(w.text for w in words)
    return re.sub(r"([(\[“‘]) | ([)\]”’])", r"\1\2", text)


def _all_numbers(removed: list[Word], added: list[Word]) -> bool:
    return (
        bool(removed)
        and len(removed) == len(added)
        and all(_NUMBER.fullmatch(w.text) for w in [*removed, *added])
    )


def _moves(changes: list[_Change]) -> list[Move]:
    """A run of words removed in one place and added, unchanged, in another is a move
    (taken out of both changes); the words around it stay changes of their own."""
    moves: list[Move] = []
    for target in changes:
        for source in changes:
            if source is target:
                continue
            for run in _runs(target.added):
                at = _find(source.removed, run)
                if at is not None:
                    moves.append(Move(_join(run), source.removed[at].page, run[0].page))
                    del source.removed[at : at + len(run)]
                    start = _find(target.added, run)
                    assert start is not None
                    del target.added[start : start + len(run)]
    return moves


def _runs(words: list[Word]) -> list[list[Word]]:
    """The whole of `words` first: a moved passage is usually added as one piece."""
    return [list(words)] if len(words) >= _MIN_MOVE else []


def _find(words: list[Word], run: list[Word]) -> int | None:
    keys = [_key(w.text) for w in words]
    wanted = [_key(w.text) for w in run]
    for start in range(len(keys) - len(wanted) + 1):
        if keys[start : start + len(wanted)] == wanted:
            return start
    return None


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _page_at(words: list[Word], index: int) -> int:
    if not words:
        return 1
    return words[min(index, len(words) - 1)].page


def _pages(old_page: int, new_page: int) -> str:
    return f"page {new_page}" if old_page == new_page else f"page {old_page} → {new_page}"


def _wdiff(hunk: Hunk) -> str:
    removed = f"[-{hunk.removed}-]" if hunk.removed else ""
    added = f"{{+{hunk.added}+}}" if hunk.added else ""
    return " ".join(x for x in ("…", hunk.before, removed, added, hunk.after, "…") if x)


def printable(text: str) -> str:
    """Text with control characters shown as escapes, so a PDF's text cannot drive the
    terminal and one entry stays on one line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _shown(value: str | None) -> str:
    return "(none)" if value is None else repr(value)


def _outline_json(entry: tuple[int, str, int]) -> dict[str, Any]:
    return {"level": entry[0], "title": entry[1], "page": entry[2]}
