"""Publication lint on the rendered PDF: what only the laid-out pages show.

Rules, each a warning located at the chapter the page belongs to and the page number
(errors under `--strict`): text set below the minimum size (charts scaled down, footnote
calls in small text); text set in a font the stylesheets do not name (a fallback the layout
engine picked for characters the brand's fonts lack, such as DejaVu); a font not embedded;
a link or contents entry that leads to no page; an image printed below the minimum resolution
(a small picture stretched over a page blurs).

Read with pdfium's page objects (one call per text run, not per character), so that a
100-page report costs a fraction of a second.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import unquote, urlsplit

from reportbuilder.errors import Location, Problem, Severity, Stage

DEFAULT_MIN_TEXT_PT = 7.0
DEFAULT_MIN_IMAGE_DPI = 96.0  # below a screen's resolution, a photo blurs even on screen
_TOLERANCE_PT = 0.05  # sizes come back as floats: 7 pt reads as 6.9998
_PT_PER_MM = 72 / 25.4
_MIN_DRAWN_PT = 10 * _PT_PER_MM  # smaller than 1 cm: an icon or a rule, not a picture
_SHOWN = 40  # characters of offending text quoted in a message

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class LintRules:
    """What the rendered lint checks against.

    `families` are the font families the stylesheets name (CSS `font-family` lists and
    `@font-face` rules); `chapters` are the chapters' anchor ids and files, in order, so a
    page is located at the chapter it belongs to; `sources` are the chapters' texts by file,
    so that text set in a fallback font is located at the line that holds it.
    """

    min_text_pt: float = DEFAULT_MIN_TEXT_PT
    min_image_dpi: float = DEFAULT_MIN_IMAGE_DPI
    families: frozenset[str] = frozenset()
    chapters: tuple[tuple[str, str], ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    # Where fallback fonts are looked for: "all" pages; the "chapters" only (a merge's body,
    # whose cover is each row's); or the "front" pages before the first chapter, and nothing
    # else (a merge row's own cover: its name or organisation in a font the brand lacks).
    fonts: Literal["all", "chapters", "front"] = "all"
    # The pictures the document asks for (URL → where, in the order written) and the project
    # folder, so that a blurred picture is named by its file and the line that shows it; and
    # how its images were lightened to fit `max_size` (None: as the author gave them): the
    # pixels in the PDF are then the lightened copy's, not the author's (trial 7 #26).
    images: Mapping[str, tuple[Location, ...]] = field(default_factory=dict)
    root: Path | None = None
    lightened: str | None = None


class _Run(NamedTuple):
    """One text object: its handle, size in pt, font handle, and the matrix of the forms it
    is drawn in (to place it on the page)."""

    handle: object
    size: float
    font: object
    outer: _Matrix


@dataclass
class _Page:
    small: list[tuple[tuple[float, float, float], float, str]] = field(default_factory=list)
    fonts: dict[str, list[str]] = field(default_factory=dict)  # base font name -> texts
    images: list[tuple[int, int, float, float]] = field(default_factory=list)  # in drawing order
    blurred: list[int] = field(default_factory=list)  # which of `images`


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _family_of(base_font: str) -> str:
    """`ABCDEF+Inter-Semi-Bold` → `Inter-Semi-Bold`: the subset tag says nothing."""
    return re.sub(r"^[A-Z]{6}\+", "", base_font)


def is_named(base_font: str, families: Iterable[str]) -> bool:
    """Whether a PDF font (PostScript name, style suffixed) is one of the CSS families."""
    font = _normal(_family_of(base_font))
    return any(font.startswith(_normal(family)) for family in families if _normal(family))


def _times(first: _Matrix, then: _Matrix) -> _Matrix:
    a, b, c, d, e, f = first
    aa, bb, cc, dd, ee, ff = then
    return (
        a * aa + b * cc,
        a * bb + b * dd,
        c * aa + d * cc,
        c * bb + d * dd,
        e * aa + f * cc + ee,
        e * bb + f * dd + ff,
    )


class _Reader:
    """Walks one document's page objects through pdfium's C interface."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        self.raw = raw
        self.document = pdfium.PdfDocument(data)
        self._matrix = raw.FS_MATRIX()
        self._size = ctypes.c_float()
        self._fonts: dict[int | None, tuple[str, bool]] = {}
        self.images: list[tuple[int, int, float, float]] = []  # of the page walked last

    def close(self) -> None:
        self.document.close()

    def __len__(self) -> int:
        return len(self.document)

    def font(self, handle: object) -> tuple[str, bool]:
        key = ctypes.cast(handle, ctypes.c_void_p).value  # type: ignore[arg-type]
        if key not in self._fonts:
            buffer = ctypes.create_string_buffer(256)
            self.raw.FPDFFont_GetBaseFontName(handle, buffer, 256)
            name = buffer.value.decode("latin-1")
            self._fonts[key] = (name, bool(self.raw.FPDFFont_GetIsEmbedded(handle)))
        return self._fonts[key]

    def matrix(self, handle: object) -> _Matrix:
        m = self._matrix
        self.raw.FPDFPageObj_GetMatrix(handle, m)
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def text_runs(self, page: object) -> Iterator[_Run]:
        """Each text object of a page, forms included, with its size in pt and position."""
        raw = self.raw
        handle = page.raw  # type: ignore[attr-defined]
        self.images = []

        def on_page(k: int) -> object:
            return raw.FPDFPage_GetObject(handle, k)

        yield from self._walk(on_page, raw.FPDFPage_CountObjects(handle), _IDENTITY)

    def _walk(self, get: Callable[[int], object], count: int, outer: _Matrix) -> Iterator[_Run]:
        raw = self.raw
        for k in range(count):
            handle = get(k)
            kind = raw.FPDFPageObj_GetType(handle)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                a, b, c, d, _, _ = _times(self.matrix(handle), outer)
                raw.FPDFTextObj_GetFontSize(handle, self._size)
                size = self._size.value * math.sqrt(abs(a * d - b * c))
                yield _Run(handle, size, raw.FPDFTextObj_GetFont(handle), outer)
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                self.images.append(self._image(handle, outer))
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                inner = _times(self.matrix(handle), outer)

                def in_form(j: int, form: object = handle) -> object:
                    return raw.FPDFFormObj_GetObject(form, j)

                yield from self._walk(in_form, raw.FPDFFormObj_CountObjects(handle), inner)

    def _image(self, handle: object, outer: _Matrix) -> tuple[int, int, float, float]:
        """An image object's size in pixels and as drawn on the page, in points."""
        width, height = ctypes.c_uint(), ctypes.c_uint()
        self.raw.FPDFImageObj_GetImagePixelSize(handle, width, height)
        a, b, c, d, _, _ = _times(self.matrix(handle), outer)  # the unit square, drawn
        return width.value, height.value, math.hypot(a, b), math.hypot(c, d)

    def box(self, run: _Run) -> tuple[float, float, float]:
        """Where a text object lies on the page: left, right, bottom."""
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        self.raw.FPDFPageObj_GetBounds(run.handle, left, bottom, right, top)
        a, b, c, d, e, f = run.outer
        xs = [
            a * x + c * y + e for x in (left.value, right.value) for y in (bottom.value, top.value)
        ]
        ys = [
            b * x + d * y + f for x in (left.value, right.value) for y in (bottom.value, top.value)
        ]
        return min(xs), max(xs), min(ys)

    def text(self, textpage: object, handle: object) -> str:
        raw = self.raw
        length = raw.FPDFTextObj_GetText(handle, textpage.raw, None, 0)  # type: ignore[attr-defined]
        buffer = (ctypes.c_ushort * max(length, 1))()
        raw.FPDFTextObj_GetText(handle, textpage.raw, buffer, length)  # type: ignore[attr-defined]
        return bytes(buffer).decode("utf-16-le", "replace").rstrip("\0").strip()

    def chapter_pages(self, anchors: Sequence[str]) -> dict[str, int]:
        """The 0-based page each named destination (a chapter's id) leads to."""
        raw = self.raw
        found = {}
        for anchor in anchors:
            dest = raw.FPDF_GetNamedDestByName(self.document.raw, anchor.encode("utf-8"))
            if dest:
                index = raw.FPDFDest_GetDestPageIndex(self.document.raw, dest)
                if index >= 0:
                    found[anchor] = index
        return found

    def broken_links(self, page: object) -> int:
        """Links of a page that lead to no page and to no address."""
        raw = self.raw
        position = ctypes.c_int(0)
        link = raw.FPDF_LINK()
        broken = 0
        while raw.FPDFLink_Enumerate(
            page.raw,  # type: ignore[attr-defined]
            ctypes.byref(position),
            ctypes.byref(link),
        ):
            dest = raw.FPDFLink_GetDest(self.document.raw, link)
            if dest:
                if raw.FPDFDest_GetDestPageIndex(self.document.raw, dest) < 0:
                    broken += 1
            elif not raw.FPDFLink_GetAction(link):
                broken += 1
        return broken


def _quote(texts: Iterable[str]) -> str:
    joined = " / ".join(dict.fromkeys(t for t in texts if t))
    return joined if len(joined) <= _SHOWN else joined[: _SHOWN - 1] + "…"


def _words(runs: Sequence[tuple[tuple[float, float, float], float, str]]) -> list[str]:
    """Text objects joined back into words: chart labels come one glyph per object, and a
    gap of a space's width parts words; a new line or a wider gap parts labels."""
    words: list[str] = []
    previous: tuple[float, float, float] | None = None
    for (left, right, bottom), size, text in runs:
        gap = left - previous[1] if previous is not None else math.inf
        same_line = previous is not None and abs(bottom - previous[2]) < size / 2
        if same_line and words and -size / 10 <= gap < size / 6:
            words[-1] += text
        elif same_line and words and 0 <= gap < size:
            words[-1] += " " + text
        else:
            words.append(text)
        previous = (left, right, bottom)
    return words


def lint_pdf(data: bytes, rules: LintRules) -> list[Problem]:
    """The rendered rules' warnings for one PDF."""
    from reportbuilder.review.pdfium import LOCK

    with LOCK:  # PDFium is not thread-safe (`review.pdfium`)
        reader = _Reader(data)
        try:
            return _lint(reader, rules)
        finally:
            reader.close()


def _lint(reader: _Reader, rules: LintRules) -> list[Problem]:
    pages: list[_Page] = []
    unembedded: dict[str, int] = {}
    limit = rules.min_text_pt - _TOLERANCE_PT
    broken: dict[int, int] = {}
    foreign_fonts: dict[str, bool] = {}
    starts = reader.chapter_pages([anchor for anchor, _ in rules.chapters])
    located = sorted((starts[anchor], rel) for anchor, rel in rules.chapters if anchor in starts)
    first_chapter = located[0][0] if located else len(reader)
    front_only = rules.fonts == "front"
    for index in range(len(reader)):
        page = _Page()
        fonts_here = rules.fonts == "all" or (index < first_chapter) == front_only
        pdf_page = reader.document[index]
        textpage = None
        for run in reader.text_runs(pdf_page):
            handle, size = run.handle, run.size
            name, embedded = reader.font(run.font)
            if not embedded and not front_only:
                unembedded.setdefault(name, index)
            small = size < limit and not front_only
            foreign = foreign_fonts.get(name)
            if foreign is None:
                foreign = bool(rules.families) and not is_named(name, rules.families)
                foreign_fonts[name] = foreign
            foreign = foreign and fonts_here
            if small or foreign:
                textpage = textpage or pdf_page.get_textpage()
                text = reader.text(textpage, handle)
                if small:
                    page.small.append((reader.box(run), run.size, text))
                if foreign:
                    page.fonts.setdefault(_family_of(name), []).append(text)
        page.images = list(reader.images)
        page.blurred = [
            k
            for k, (w, h, dx, dy) in enumerate(reader.images)
            if min(dx, dy) > _MIN_DRAWN_PT
            and min(w / dx, h / dy) * 72 < rules.min_image_dpi
            and not front_only
        ]
        broken[index] = 0 if front_only else reader.broken_links(pdf_page)
        if textpage is not None:
            textpage.close()
        pdf_page.close()
        pages.append(page)

    def where(index: int) -> str | None:
        found = None
        for start, rel in located:
            if start <= index:
                found = rel
        return found

    problems = []
    pictures: list[_Picture] | None = None  # read only when a picture is blurred
    drawn: dict[str | None, list[tuple[int, int]]] = {}

    def warn(
        index: int,
        message: str,
        hint: str | None = None,
        texts: Sequence[str] = (),
        by_character: bool = True,
    ) -> None:
        rel = where(index)
        problems.append(
            Problem(
                rel,
                _line_of(rules.sources.get(rel or "", ""), texts, by_character),
                f"page {index + 1}: {message}",
                stage=Stage.RENDER,
                severity=Severity.WARNING,
                hint=hint,
            )
        )

    for index, page in enumerate(pages):
        if page.small:
            smallest = min(size for _, size, _ in page.small)
            warn(
                index,
                f"text set in {smallest:.1f} pt, below the {rules.min_text_pt:g} pt minimum "
                f"({_quote(_words(page.small))})",
                "lint.min_text_pt in report.yml sets the minimum",
                # Words long enough to be found where they are written; one letter is not.
                texts=[w for w in _words(page.small) if len(w) >= 4],
                by_character=False,
            )
        for family, texts in page.fonts.items():
            # One warning for each line the texts are written on (an emoji on line 13 and
            # an Arabic name on line 17 are two places to look at, not one).
            source = rules.sources.get(where(index) or "", "")
            by_line: dict[int | None, list[str]] = {}
            for text in texts:
                by_line.setdefault(_line_of(source, [text]), []).append(text)
            for group in by_line.values():
                warn(
                    index,
                    f"text set in {family}, a font the stylesheets do not name: a fallback "
                    f"for characters the brand's fonts lack ({_quote(group)})",
                    texts=group,
                )
        for k in page.blurred:
            w, h, dx, dy = page.images[k]
            dpi = min(w / dx, h / dy) * 72
            needed = math.ceil(dx / 72 * rules.min_image_dpi)
            printed = f"{dx / _PT_PER_MM:.0f} × {dy / _PT_PER_MM:.0f} mm ({dpi:.0f} dpi)"
            if pictures is None:
                pictures = _pictures(rules.images, rules.root)
            chapter = where(index)
            if chapter not in drawn:  # every image of the chapter's pages, in order
                drawn[chapter] = [
                    (i, j)
                    for i, other in enumerate(pages)
                    if where(i) == chapter
                    for j in range(len(other.images))
                ]
            found = _source_of(pictures, w, h, chapter, drawn[chapter].index((index, k)))
            hint = "lint.min_image_dpi in report.yml sets the minimum"
            if found is None:
                warn(
                    index,
                    f"an image of {w}×{h} pixels printed {printed} will look blurred: give "
                    f"one at least {needed} pixels wide, or print it smaller",
                    hint,
                )
                continue
            name, pixels, at = found
            if rules.lightened and pixels is not None and pixels[0] > w:
                message = (
                    f"{name} ({pixels[0]}×{pixels[1]} pixels) was lightened to {w}×{h} to fit "
                    f"max_size and, printed {printed}, will look blurred: raise max_size, or"
                    " use fewer or lighter pictures so that it keeps more"
                )
            else:
                message = (
                    f"{name} ({w}×{h} pixels) printed {printed} will look blurred: give one "
                    f"at least {needed} pixels wide, or print it smaller"
                )
            problems.append(
                Problem(
                    at.path if at else where(index),
                    at.line if at else None,
                    f"page {index + 1}: {message}",
                    stage=Stage.RENDER,
                    severity=Severity.WARNING,
                    hint=hint,
                )
            )
        if broken[index]:
            warn(index, f"{broken[index]} link(s) lead to no page")
    for name, index in unembedded.items():
        warn(index, f"the font {name} is not embedded in the PDF")
    return problems


class _Picture(NamedTuple):
    """A picture the document asks for: as the project shows it, its pixels (None when they
    cannot be read), and where it is asked for."""

    name: str
    size: tuple[int, int] | None
    places: tuple[Location, ...]


_RASTER = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp")


def _pictures(images: Mapping[str, tuple[Location, ...]], root: Path | None) -> list[_Picture]:
    """The raster pictures among `images` that are project files, with their pixel sizes."""
    from PIL import Image

    found = []
    for url, places in images.items():
        parts = urlsplit(url)
        if parts.scheme != "file" or not parts.path.lower().endswith(_RASTER):
            continue
        path = Path(unquote(parts.path))
        name = path.as_posix()
        if root is not None and path.resolve().is_relative_to(root.resolve()):
            name = path.resolve().relative_to(root.resolve()).as_posix()
        size: tuple[int, int] | None
        try:
            with Image.open(path) as image:  # reads the header only
                size = image.size
        except (OSError, ValueError, Image.DecompressionBombError):
            size = None
        found.append(_Picture(name, size, tuple(places)))
    return found


def _source_of(
    pictures: Sequence[_Picture], w: int, h: int, chapter: str | None, nth: int
) -> tuple[str, tuple[int, int] | None, Location | None] | None:
    """Which picture an image of `w`×`h` pixels in the PDF, the `nth` drawn on its chapter's
    pages, is: of the same proportions and at least as many pixels (a lightened copy only
    loses some) — the `nth` picture the chapter asks for, else the only one that fits, asked
    for in the page's chapter if one is; None when no picture, or more than one, fits."""

    def fits(picture: _Picture) -> bool:
        if picture.size is None:
            return False
        width, height = picture.size
        return width >= w and height >= h and abs(width * h - height * w) <= 0.02 * width * h

    asked = sorted(
        ((place.line or 0, picture, place) for picture in pictures for place in picture.places
         if place.path == chapter),
        key=lambda entry: entry[0],
    )  # fmt: skip
    if nth < len(asked) and fits(asked[nth][1]):
        _, picture, place = asked[nth]
        return picture.name, picture.size, place
    candidates = [p for p in pictures if fits(p)]
    here = [p for p in candidates if any(place.path == chapter for place in p.places)]
    chosen = here or candidates
    if len(chosen) != 1:
        return None
    (picture,) = chosen
    # Where the page's chapter asks for it, else where anything does (a cover's picture is
    # asked for in report.yml).
    at = next((place for place in picture.places if place.path == chapter), None)
    at = at or (picture.places[0] if picture.places else None)
    return picture.name, picture.size, at


def _line_of(source: str, texts: Sequence[str], by_character: bool = True) -> int | None:
    """The first line of `source` holding one of `texts` (or, failing that and when
    `by_character`, one of their characters): where the author wrote what the PDF shows."""
    if not source:
        return None
    candidates = [text.strip() for text in texts if text.strip()]
    if by_character:
        candidates += [char for text in candidates for char in text if not char.isspace()]
    for needle in candidates:
        at = source.find(needle)
        if at >= 0:
            return source.count("\n", 0, at) + 1
    return None


__all__ = ["DEFAULT_MIN_TEXT_PT", "LintRules", "is_named", "lint_pdf"]
