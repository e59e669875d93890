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

import ctypes
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

from reportbuilder.review.visual import drawn_alike

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
# A contents entry: its title, dot leaders and the page it leads to.
_LEADER = re.compile(r"(.*?)\s*(?:[.…·]\s?){4,}\s*(\S{1,12})")
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
    figure: bool = False  # text of a drawing (a chart) that PDFium reads after the page's
    page_end: bool = False  # the last word of its page (before the running footer)


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
    pages: tuple[tuple[str, ...], ...]  # the lines of each page, running header/footer apart
    drawings: tuple[str, ...]  # a hash of what each page draws, its images aside
    metadata: dict[str, str]
    fonts: frozenset[str]
    outline: tuple[tuple[int, str, int], ...]  # level, title, page
    # The running header and footer of each page (the margin boxes), and each page's size in
    # points: a page-format change moves both, and neither is the report's text.
    furniture: tuple[tuple[str, ...], ...] = ()
    sizes: tuple[tuple[float, float], ...] = ()
    # How many of each page's last words are the text of its drawings (charts): PDFium reads
    # them after the page's text, so where a page ends decides where they stand.
    figures: tuple[int, ...] = ()
    images: tuple[str, ...] = ()  # a hash of the raster images each page shows
    # Where each link leads (page, target: a URL, or "#name" inside the file), and the
    # alternative texts of the figures (what a screen reader says): not in the page text.
    links: tuple[tuple[int, str], ...] = ()
    alternatives: tuple[str, ...] = ()
    # The files attached (`--embed-sources`, a file attachment on a page): name and bytes.
    attachments: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)
    # The file's bytes: a page whose drawing hash differs is drawn to be sure (`visual`).
    data: bytes = field(default=b"", repr=False, compare=False)

    def contents(self) -> list[tuple[str, str, int]]:
        """The contents entries (a line with dot leaders): title, page label, page."""
        return [
            (entry[1], entry[2], number)
            for number, lines in enumerate(self.pages, 1)
            for entry in map(_LEADER.fullmatch, lines)
            if entry is not None
        ]


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
    # Compared apart from the text: a page-format change moves them all.
    sizes: tuple[str, str] | None = None  # the page size (most pages), old and new
    furniture_removed: list[str] = field(default_factory=list)  # running headers, footers
    furniture_added: list[str] = field(default_factory=list)
    contents: list[tuple[str, str, str]] = field(default_factory=list)  # title, old, new page
    relaid: list[int] = field(default_factory=list)  # new pages with the same text laid anew
    images: list[tuple[int, int]] = field(default_factory=list)  # a photo changed, same text
    # Numbers after "page" in the text (a cross-reference's page: "Table 1, page 7"): they
    # follow the layout, as the contents' page numbers do.
    page_references: list[NumberChange] = field(default_factory=list)
    links_removed: list[tuple[int, str]] = field(default_factory=list)  # page, target
    links_added: list[tuple[int, str]] = field(default_factory=list)
    alternatives_removed: list[str] = field(default_factory=list)
    alternatives_added: list[str] = field(default_factory=list)
    # Attached files (trial 7 #4: a changed data file attached with --embed-sources said
    # "no difference"): by name; a changed one with its sizes and what changed in it.
    attachments_removed: list[str] = field(default_factory=list)
    attachments_added: list[str] = field(default_factory=list)
    attachments_changed: list[tuple[str, int, int, str]] = field(default_factory=list)

    @property
    def text_equal(self) -> bool:
        """The same words, numbers and order (the layout may differ)."""
        return not (self.hunks or self.numbers or self.moves)

    @property
    def equal(self) -> bool:
        return not (
            len(self.old.pages) != len(self.new.pages)
            or self.sizes
            or self.furniture_removed
            or self.furniture_added
            or self.contents
            or self.relaid
            or self.page_references
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
            or self.links_removed
            or self.links_added
            or self.alternatives_removed
            or self.alternatives_added
            or self.attachments_removed
            or self.attachments_added
            or self.attachments_changed
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
        if not self.reflowed:
            for new_page in self.relaid:
                pairs.setdefault(new_page, new_page)
        return sorted(((old, new) for new, old in pairs.items()), key=lambda p: p[1])

    @property
    def reflowed(self) -> bool:
        """The same text on pages of another size or number: the pages do not pair up."""
        return self.text_equal and (
            self.sizes is not None or len(self.old.pages) != len(self.new.pages)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "equal": self.equal,
            "old": str(self.old.path),
            "new": str(self.new.path),
            "pages": {"old": len(self.old.pages), "new": len(self.new.pages)},
            "page_size": {"old": self.sizes[0], "new": self.sizes[1]} if self.sizes else None,
            "text_equal": self.text_equal,
            "relaid_pages": self.relaid,
            "page_references": [n.as_json() for n in self.page_references],
            "running": {"removed": self.furniture_removed, "added": self.furniture_added},
            "contents": [{"title": t, "old_page": o, "new_page": n} for t, o, n in self.contents],
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
            "links": {
                "removed": [{"page": p, "target": t} for p, t in self.links_removed],
                "added": [{"page": p, "target": t} for p, t in self.links_added],
            },
            "alternative_texts": {
                "removed": self.alternatives_removed,
                "added": self.alternatives_added,
            },
            "attachments": {
                "removed": self.attachments_removed,
                "added": self.attachments_added,
                "changed": [
                    {"name": n, "old_bytes": o, "new_bytes": b, "change": c}
                    for n, o, b, c in self.attachments_changed
                ],
            },
            "changed_pages": [n for _, n in self.changed_pages()],
        }

    def report(self) -> Iterator[str]:
        """The comparison as lines a reviewer reads."""
        old_count, new_count = len(self.old.pages), len(self.new.pages)
        if self.equal:
            yield f"no difference ({new_count} pages)"
            return
        if self.sizes:
            yield f"page size: {self.sizes[0]} → {self.sizes[1]}"
        if self.reflowed:
            counts = f"{old_count} → {new_count}" if old_count != new_count else str(new_count)
            yield f"the same text laid out on {counts} pages"
        elif old_count != new_count:
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
        if self.relaid and not self.reflowed:
            pages = ", ".join(map(str, self.relaid))
            yield f"the same text laid out anew (other line or page breaks) on page(s) {pages}"
        for page, target in self.links_removed:
            yield f"page {page}: link removed: {_shown(target)}"
        for page, target in self.links_added:
            yield f"page {page}: link added: {_shown(target)}"
        for text in self.alternatives_removed:
            yield f"alternative text removed: {_shown(text)}"
        for text in self.alternatives_added:
            yield f"alternative text added: {_shown(text)}"
        for name in self.attachments_removed:
            yield f"attachment removed: {name}"
        for name in self.attachments_added:
            yield f"attachment added: {name}"
        for name, old_size, new_size, change in self.attachments_changed:
            yield f"attachment changed: {name} ({old_size} → {new_size} bytes; {change})"
        for text in self.furniture_removed:
            yield f"running header/footer removed: {text}"
        for text in self.furniture_added:
            yield f"running header/footer added: {text}"
        if self.page_references:
            shown = ", ".join(
                f"page {n.old} → {n.new}" for n in self.page_references[:_SHOWN_ENTRIES]
            )
            more = len(self.page_references) - _SHOWN_ENTRIES
            rest = f", and {more} more" if more > 0 else ""
            count = len(self.page_references)
            yield f"page references: {count} lead to other pages ({shown}{rest})"
        if self.contents:
            shown = ", ".join(f"{t} {o} → {n}" for t, o, n in self.contents[:_SHOWN_ENTRIES])
            more = len(self.contents) - _SHOWN_ENTRIES
            rest = f", and {more} more" if more > 0 else ""
            yield f"contents: {len(self.contents)} entries lead to other pages ({shown}{rest})"
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

    from reportbuilder.review.pdfium import LOCK

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
        links = tuple(_links(reader))
        alternatives = tuple(_alternatives(reader.root_object.get("/StructTreeRoot")))
        attachments = tuple(_attachments(reader))
        with LOCK:  # PDFium is not thread-safe (`review.pdfium`)
            pdfium = pypdfium2.PdfDocument(data)
            try:
                pages, furniture, sizes, figures = _read_pages(pdfium)
            finally:
                pdfium.close()
    except UnreadablePdf:
        raise
    except (OSError, ValueError, KeyError, pypdf.errors.PyPdfError, pypdfium2.PdfiumError) as error:
        raise UnreadablePdf(path, str(error) or type(error).__name__) from None
    return Document(
        path, pages, drawings, metadata, fonts, outline, furniture, sizes, figures, images,
        links, alternatives, attachments, data,
    )  # fmt: skip


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UnreadablePdf(path, error.strerror or type(error).__name__) from None


@dataclass(frozen=True)
class _Run:
    """One text object of a page: where it is (PDF points, y upwards) and what it says."""

    bottom: float
    top: float
    text: str  # numbers masked; "" for a form (a drawing's group)
    left: float = 0.0
    right: float = 0.0


def _read_pages(
    pdfium: Any,
) -> tuple[
    tuple[tuple[str, ...], ...],
    tuple[tuple[str, ...], ...],
    tuple[tuple[float, float], ...],
    tuple[int, ...],
]:
    """Each page's lines, with its running header and footer apart, and each page's size.

    The running header and footer are WeasyPrint's margin boxes, drawn after the page's
    content: they are the text objects that end a page's content stream and lie in a band
    where the same words (numbers aside) stand on many pages of the same size. A chapter's
    name in the header shares its band with the report's title, so it goes with it."""
    count = len(pdfium)
    pages = [pdfium[i] for i in range(count)]
    textpages = [page.get_textpage() for page in pages]
    try:
        sizes = tuple((float(w), float(h)) for w, h in (page.get_size() for page in pages))
        runs = [_runs_of(page, textpage) for page, textpage in zip(pages, textpages, strict=True)]
        bands = _furniture_bands(runs, sizes)
        body: list[tuple[str, ...]] = []
        furniture: list[tuple[str, ...]] = []
        figures: list[int] = []
        for textpage, page_runs, size in zip(textpages, runs, sizes, strict=True):
            lines, margins, start = _split_furniture(textpage, page_runs, size, bands.get(size, []))
            body.append(lines)
            furniture.append(margins)
            figures.append(_figure_words(textpage, page_runs[:start], lines))
    finally:
        for textpage in textpages:
            textpage.close()
        for page in pages:
            page.close()
    return tuple(body), tuple(furniture), sizes, tuple(figures)


def _figure_words(textpage: Any, runs: Sequence[_Run], lines: Sequence[str]) -> int:
    """How many of the page's last words were drawn out of reading order, above the text
    before them (a chart WeasyPrint draws after the page's text); 0 when none were."""
    lowest, start = float("inf"), len(runs)
    for k in range(len(runs) - 1, 0, -1):
        lowest = min(lowest, runs[k].bottom)
        if lowest > runs[k - 1].top:
            start = k
    if start == len(runs):
        return 0
    block = runs[start:]
    left, right = min(r.left for r in block), max(r.right for r in block)
    bottom, top = min(r.bottom for r in block), max(r.top for r in block)
    words = [
        t
        for line in _lines(textpage.get_text_bounded(left, bottom, right, top))
        for t in _TOKEN.findall(line)
    ]
    tokens = [token for line in lines for token in _TOKEN.findall(line)]
    if words and tokens[-len(words) :] == words:
        return len(words)
    return 0


def _runs_of(page: Any, textpage: Any) -> list[_Run]:
    import pypdfium2.raw as raw

    runs = []
    objects = list(page.get_objects(max_depth=2))
    tops = [i for i, obj in enumerate(objects) if obj.level == 0]
    # A form drawn last holds a footer laid over the page (a build by parts, `render.stamp`):
    # its text is read as the page's own, as the margin boxes a whole build draws last.
    stamp = tops[-1] if tops and objects[tops[-1]].type == raw.FPDF_PAGEOBJ_FORM else None
    for index, obj in enumerate(objects):
        inside_stamp = stamp is not None and index > stamp and obj.level == 1
        if obj.level != 0 and not inside_stamp:
            continue
        if obj.type == raw.FPDF_PAGEOBJ_FORM and index != stamp and obj.level == 0:
            left, bottom, right, top = obj.get_bounds()
            runs.append(_Run(bottom, top, "", left, right))
        if obj.type != raw.FPDF_PAGEOBJ_TEXT:
            continue
        length = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
        buffer = (ctypes.c_ushort * max(length, 1))()
        raw.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, length)
        text = bytes(buffer).decode("utf-16-le", "replace").rstrip("\0").strip()
        if text:
            left, bottom, right, top = obj.get_bounds()
            runs.append(_Run(bottom, top, _masked(text), left, right))
    return runs


_MIN_SHARE = 0.3  # of the pages of a size a running header's words must stand on
_MARGIN_SHARE = 0.2  # of the page's height, at the top or foot, where they may stand


def _furniture_bands(
    runs: Sequence[Sequence[_Run]], sizes: Sequence[tuple[float, float]]
) -> dict[tuple[float, float], list[tuple[float, float]]]:
    """For each page size, the bands (bottom, top) that hold a running header or footer:
    where the same masked words stand, at the same height, on many pages."""
    pages_of: Counter[tuple[float, float]] = Counter(sizes)
    seen: Counter[tuple[tuple[float, float], int, int, str]] = Counter()
    for page_runs, size in zip(runs, sizes, strict=True):
        seen.update({(size, round(r.bottom), round(r.top), r.text) for r in page_runs if r.text})
    bands: dict[tuple[float, float], list[tuple[float, float]]] = {}
    for (size, bottom, top, _), pages in seen.items():
        if pages >= max(2, _MIN_SHARE * pages_of[size]):
            bands.setdefault(size, []).append((bottom - 0.5, top + 0.5))
    return bands


def _split_furniture(
    textpage: Any,
    runs: Sequence[_Run],
    size: tuple[float, float],
    bands: Sequence[tuple[float, float]],
) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """The page's body lines, its running header and footer, and where in `runs` they
    start."""
    width, height = size
    low, high = 0.0, height  # the body lies between
    start = len(runs)
    while start > 0 and runs[start - 1].text and _in_bands(runs[start - 1], bands):
        start -= 1
    body = [r for r in runs[:start] if r.text]
    floor = min((r.bottom for r in body), default=height)
    ceiling = max((r.top for r in body), default=0.0)
    for run in runs[start:]:
        # Margin boxes lie outside the text block: below or above all of the page's body.
        if run.top <= floor and run.top < height * _MARGIN_SHARE:
            low = max(low, run.top)
        elif run.bottom >= ceiling and run.bottom > height * (1 - _MARGIN_SHARE):
            high = min(high, run.bottom)
    if (low, high) == (0.0, height):
        return _lines(textpage.get_text_bounded()), (), len(runs)
    lines = _lines(textpage.get_text_bounded(0, low, width, high))
    margins: tuple[str, ...] = ()
    if high < height:
        margins += _lines(textpage.get_text_bounded(0, high, width, height))
    if low > 0:
        margins += _lines(textpage.get_text_bounded(0, 0, width, low))
    return lines, margins, start


def _in_bands(run: _Run, bands: Sequence[tuple[float, float]]) -> bool:
    return any(run.bottom < top and run.top > bottom for bottom, top in bands)


def _lines(text: str) -> tuple[str, ...]:
    lines = (
        " ".join(_BLANKS.split(line.strip())) for line in text.replace("\r\n", "\n").split("\n")
    )
    # A no-break space a justified line stretched comes back with spaces around it.
    return tuple(_STRETCHED.sub(r"\1", line) for line in lines if line)


_STRETCHED = re.compile(rf" *([{_SPACES}]) *")


def _unmatched(lines: set[str], others: set[str]) -> set[str]:
    """`lines` but those that are one of `others` cut short with "…", or that one of
    `others` is: a running header the narrower page cuts ("… of the rep…") is the same
    header, only the page format changed (said on its own)."""

    def cut(text: str) -> str | None:
        return text[:-1].rstrip() if text.endswith("…") else None

    def same(line: str, other: str) -> bool:
        short = cut(line)
        if short is not None and other.startswith(short):
            return True
        short = cut(other)
        return short is not None and line.startswith(short)

    return {line for line in lines if not any(same(line, other) for other in others)}


def _masked(text: str) -> str:
    """Text with its numbers as `#`: "Page 4 of 8" and "Page 5 of 9" are one footer."""
    return re.sub(r"\d+", "#", text)


def _page_drawing(page: Any, memo: dict[int, bytes]) -> str:
    """A hash of everything the page draws: its content without the strings it shows, the
    resources that content uses (forms and images by their own content, fonts by name),
    and none of the object numbers, which change when anything earlier in the file does.

    WeasyPrint gives every page the same resource dictionary, so only the resources a
    page's content names are counted; `memo` keeps each shared object's hash."""
    return _drawing_hash(page.get("/Contents"), page.get("/Resources"), memo).hex()


_RESOURCE_KINDS = ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading", "/ColorSpace")
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")


def _content_bytes(contents: Any) -> bytes | None:
    """A page's or form's content stream(s) as one byte string; None when there is none."""
    import pypdf.generic as g

    streams = contents.get_object() if contents is not None else None
    if isinstance(streams, g.ArrayObject):
        return b"\n".join(s.get_object().get_data() for s in streams)
    if isinstance(streams, g.StreamObject):
        return bytes(streams.get_data())
    return None


def _drawing_hash(contents: Any, resources: Any, memo: dict[int, bytes]) -> bytes:
    import pypdf.generic as g

    digest = hashlib.sha256()
    data = _STRINGS.sub(b"()", _content_bytes(contents) or b"")
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

    data = _content_bytes(contents)
    if data is None:
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
    old_size, new_size = _usual_size(old), _usual_size(new)
    if old_size != new_size:
        result.sizes = (old_size, new_size)
    old_running = {line for lines in old.furniture for line in map(_masked, lines)}
    new_running = {line for lines in new.furniture for line in map(_masked, lines)}
    result.furniture_removed = sorted(_unmatched(old_running - new_running, new_running))
    result.furniture_added = sorted(_unmatched(new_running - old_running, old_running))
    old_contents, new_contents = old.contents(), new.contents()
    matcher = difflib.SequenceMatcher(
        None, [t for t, _, _ in old_contents], [t for t, _, _ in new_contents], autojunk=False
    )
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            title, old_label, _ = old_contents[block.a + k]
            _, new_label, _ = new_contents[block.b + k]
            if old_label != new_label:
                result.contents.append((title, old_label, new_label))
    old_titles = Counter((level, title) for level, title, _ in old.outline)
    new_titles = Counter((level, title) for level, title, _ in new.outline)
    result.outline_removed = _outline_difference(old.outline, old_titles - new_titles)
    result.outline_added = _outline_difference(new.outline, new_titles - old_titles)
    # A link's target and a figure's alternative text are not in the page's text: a link
    # pointed at another site, or a chart described otherwise, said "no difference".
    old_targets = Counter(target for _, target in old.links)
    new_targets = Counter(target for _, target in new.links)
    result.links_removed = _first(old.links, old_targets - new_targets)
    result.links_added = _first(new.links, new_targets - old_targets)
    old_alts, new_alts = Counter(old.alternatives), Counter(new.alternatives)
    result.alternatives_removed = sorted((old_alts - new_alts).elements())
    result.alternatives_added = sorted((new_alts - old_alts).elements())
    _compare_attachments(result)


def _compare_attachments(result: Comparison) -> None:
    old: dict[str, list[bytes]] = {}
    new: dict[str, list[bytes]] = {}
    for name, data in result.old.attachments:
        old.setdefault(name, []).append(data)
    for name, data in result.new.attachments:
        new.setdefault(name, []).append(data)
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name, []), new.get(name, [])
        for k in range(max(len(before), len(after))):
            if k >= len(after):
                result.attachments_removed.append(name)
            elif k >= len(before):
                result.attachments_added.append(name)
            elif before[k] != after[k]:
                change = _content_change(before[k], after[k])
                result.attachments_changed.append((name, len(before[k]), len(after[k]), change))


def _content_change(before: bytes, after: bytes) -> str:
    """What changed in an attached file: its first changed line for a text file, else that
    its bytes differ."""
    try:
        old_lines = before.decode("utf-8").splitlines()
        new_lines = after.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return "other content"
    removed = [line for line in difflib.ndiff(old_lines, new_lines) if line.startswith("- ")]
    added = [line for line in difflib.ndiff(old_lines, new_lines) if line.startswith("+ ")]
    parts = []
    if removed:
        parts.append(f"{len(removed)} line(s) removed, the first {_shown(removed[0][2:80])}")
    if added:
        parts.append(f"{len(added)} line(s) added, the first {_shown(added[0][2:80])}")
    return "; ".join(parts) or "the same lines, other line endings or encoding"


def _attachments(reader: Any) -> Iterator[tuple[str, bytes]]:
    """The files attached to the document (its embedded files) and to its pages (file
    attachment annotations, named `page N: name`)."""
    for name, contents in (reader.attachments or {}).items():
        for data in contents:
            yield str(name), bytes(data)
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or ():
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/FileAttachment":
                continue
            spec = annotation.get("/FS")
            spec = spec.get_object() if spec is not None else {}
            files = spec.get("/EF")
            stream = files.get_object().get("/F") if files is not None else None
            name = str(spec.get("/UF") or spec.get("/F") or "")
            data = stream.get_object().get_data() if stream is not None else b""
            yield f"page {number}: {name}", bytes(data)


def _first(links: Sequence[tuple[int, str]], wanted: Counter[str]) -> list[tuple[int, str]]:
    """The links whose target `wanted` counts, the first ones of each, with their pages."""
    found = []
    for page, target in links:
        if wanted[target] > 0:
            wanted[target] -= 1
            found.append((page, target))
    return found


def _links(reader: Any) -> Iterator[tuple[int, str]]:
    """Each link's page and target: its URL, or `#name` for a place in the file."""
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or ():
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            action = action.get_object() if action is not None else {}
            if "/URI" in action:
                yield number, str(action["/URI"])
            elif "/D" in action or "/Dest" in annotation:
                destination = action.get("/D", annotation.get("/Dest"))
                yield number, f"#{destination}" if isinstance(destination, str) else "#"


def _alternatives(node: Any, depth: int = 0) -> Iterator[str]:
    """The alternative texts (`/Alt`) of the tag tree, in order."""
    if node is None or depth > 200:
        return
    node = node.get_object()
    if isinstance(node, dict):
        if "/Alt" in node:
            yield str(node["/Alt"])
        kids = node.get("/K")
        if kids is not None:
            yield from _alternatives(kids, depth + 1)
    elif isinstance(node, list):
        for kid in node:
            yield from _alternatives(kid, depth + 1)


def _usual_size(document: Document) -> str:
    """The size most pages have, in millimetres ("210 × 297 mm")."""
    if not document.sizes:
        return "unknown"
    width, height = Counter(document.sizes).most_common(1)[0][0]
    return f"{width / _PT_PER_MM:.0f} × {height / _PT_PER_MM:.0f} mm"


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
_SHOWN_ENTRIES = 3  # contents entries named in the one line that reports them
_PT_PER_MM = 72 / 25.4
_MIN_MOVE = 4  # words: a shorter run found elsewhere is a coincidence, not a move
_HYPHENS = ("\u2010", "\u00ad")  # what the layout adds when it hyphenates a word


def _words(document: Document, start: int, end: int) -> list[Word]:
    """The words of pages start..end-1 (0-based) in reading order; a number with its
    grouping and its percent sign is one word, and words the layout hyphenated across lines
    are joined again."""
    words: list[Word] = []
    carry = ""
    for number in range(start + 1, end + 1):
        first = len(words)
        for line in document.pages[number - 1]:
            # A contents entry is its title here; its page is compared apart.
            entry = _LEADER.fullmatch(line)
            tokens = _TOKEN.findall(entry[1] if entry else line)
            if carry and tokens:
                tokens[0] = carry + tokens[0]
                carry = ""
            if tokens and tokens[-1].endswith(_HYPHENS) and len(tokens[-1]) > 1:
                carry = tokens.pop()[:-1]
            words.extend(Word(number, token) for token in tokens)
        if len(words) > first:
            words[-1] = Word(number, words[-1].text, page_end=True)
        figures = document.figures[number - 1] if document.figures else 0
        if figures and len(words) - first >= figures:
            words[len(words) - figures :] = [
                Word(w.page, w.text, True, w.page_end) for w in words[len(words) - figures :]
            ]
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
    laid: list[int] = []  # new pages whose lines differ
    for tag, p1, p2, q1, q2 in pages.get_opcodes():
        if tag == "equal":
            equal_pages.extend((p1 + k + 1, q1 + k + 1) for k in range(p2 - p1))
            continue
        laid.extend(range(q1 + 1, q2 + 1))
        old_words = _words(result.old, max(0, p1 - 1), min(old_count, p2 + 1))
        new_words = _words(result.new, max(0, q1 - 1), min(new_count, q2 + 1))
        _compare_words(result, old_words, new_words, changes, changed_old, changed_new)
    result.moves = _moves(changes)
    result.hunks = [
        Hunk(c.old_page, c.new_page, _join(c.removed), _join(c.added), c.before, c.after)
        for c in changes
        if c.removed or c.added
    ]
    if result.text_equal:
        # The same words broken into other lines or pages (a font, a margin, a page size):
        # named, never "no difference"; with a real edit, its reflow is not news.
        result.relaid = laid
    # Pages whose text is equal but whose drawing differs, paired in document order.
    for old_page, new_page in equal_pages:
        if old_page in changed_old or new_page in changed_new:
            continue
        if result.old.sizes[old_page - 1] != result.new.sizes[new_page - 1]:
            continue  # another page format draws everything elsewhere
        if result.old.furniture[old_page - 1] != result.new.furniture[new_page - 1]:
            # The footer's page numbers moved (a page came or went): the page draws other
            # glyphs there, so its drawing is not comparable; its text was equal.
            continue
        if result.old.drawings[old_page - 1] != result.new.drawings[new_page - 1] and (
            not drawn_alike(result.old.data, old_page, result.new.data, new_page)
        ):
            # The streams differ (another font subset, a page assembled from parts, a
            # footer laid over it): a change only if the page looks different.
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
            reference = j1 > 0 and _is_page_word(new_words[j1 - 1].text) and len(added) == 1
            for old, new in zip(removed, added, strict=True):
                if old.text != new.text:
                    context = f"{before} {new.text} {after}".strip()
                    change = NumberChange(old.page, new.page, old.text, new.text, context)
                    (result.page_references if reference else result.numbers).append(change)
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
                if at is None:
                    continue
                sides = (run, source.removed[at:][: len(run)])
                if any(all(w.figure for w in side) for side in sides) or all(
                    side[-1].page_end for side in sides
                ):
                    # A chart WeasyPrint draws after the page's text, or a footnote, ends a
                    # page in both: where the page breaks moved, not the words.
                    del source.removed[at : at + len(run)]
                    start = _find(target.added, run)
                    assert start is not None
                    del target.added[start : start + len(run)]
                else:
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
    # A no-break space may come back as a plain one where the line was stretched.
    return unicodedata.normalize("NFC", re.sub(f"[{_SPACES}]", " ", text))


# The word a cross-reference puts before a page number, in the theme's languages and some
# others ("page 7", "p. 7", "página 7", "Seite 7").
_PAGE_WORDS = {"page", "pages", "p.", "pp.", "página", "pág.", "pagina", "seite", "s.", "pag."}


def _is_page_word(text: str) -> bool:
    return text.lower().rstrip(",:") in _PAGE_WORDS


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
    """A text quoted as a reader sees it ("Adultes: 89 %", not Python's '89\\xa0%'), with
    only what is invisible written as a code (U+200B)."""
    if value is None:
        return "(none)"
    shown = "".join(
        " "
        if char in "\u00a0\u202f\u2009"
        else char
        if char == " " or unicodedata.category(char)[0] not in "CZ"
        else f"U+{ord(char):04X}"
        for char in value
    )
    return f"“{shown}”"


def _outline_json(entry: tuple[int, str, int]) -> dict[str, Any]:
    return {"level": entry[0], "title": entry[1], "page": entry[2]}
