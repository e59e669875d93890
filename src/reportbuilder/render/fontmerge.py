"""One font program per font in a PDF assembled from several: merge the subsets.

A PDF put together from pages of several renders (a personalised cover swapped into a body
laid out once, chapters laid out apart) carries one subset of each font per render, each
with the same name: a copy weighs up to twice what a single render would. WeasyPrint embeds
every font as a Type0 font over one CIDFont whose glyph ids are the original font's
(HarfBuzz subsets with *retain gids*, `CIDToGIDMap /Identity`): two subsets of one font
draw a glyph id the same way, so one program holding the union of their glyphs, one
widths array (`/W`) and one ToUnicode CMap can replace them all without changing a pixel
or a character of text.

Two fonts are merged only when they are provably the same program: the same name after the
`XXXXXX+` subset tag, the same `head` (units per em, creation and modification dates,
revision) and naming records, the same glyph names where both have them, and — for every
glyph both subsets draw — the same outline, advance, width and text; at least one drawn
glyph must be shared. Anything else (another encoding than Identity-H, a bare CFF, a font
that fontTools cannot read, a conflict) is left as it is: merging only ever saves bytes,
it never loses a glyph. The merged program gets a fresh subset tag derived from its bytes.

    merge_fonts(pdf_bytes) -> pdf_bytes      (or merge_fonts_in(pikepdf.Pdf) -> count)
"""

from __future__ import annotations

import hashlib
import io
import itertools
import marshal
import re
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportbuilder.signed import SignedFolder

__all__ = ["merge_fonts", "merge_fonts_in"]

_TAG = re.compile(r"^/?[A-Z]{6}\+(.+)$")
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
# WeasyPrint writes a glyph's width (1/1000 em) rounded from the first size the document sets
# it at: two subsets of one font may say 388 and 389 for one glyph. A unit is 0.01 pt at 10 pt.
_WIDTH_TOLERANCE = 1.0
_OFFSET_FORMATS = {1: "B", 2: "H", 4: "I"}  # struct formats of a CFF INDEX's offsets


@dataclass(frozen=True)
class _Program:
    """An embedded font program as read (kept between calls: a body's fonts come back with
    every copy assembled from it; and, with a `SignedFolder`, between builds)."""

    kind: str  # "ttf" (FontFile2, glyf) or "otf" (FontFile3 /OpenType, CFF)
    data: bytes
    glyphs: dict[int, bytes]  # glyph id -> outline bytes, for the glyphs it draws
    order: list[str]
    identity: tuple[Any, ...]
    metrics: dict[str, tuple[int, int]]  # hmtx: glyph name -> (advance, left side bearing)
    read: list[Any] = field(default_factory=list, compare=False)  # the TTFont, once read

    @property
    def ttfont(self) -> Any:
        """The program as fontTools reads it (read when first asked for)."""
        if not self.read:
            self.read.append(_ttfont(self.data))
        return self.read[0]

    def kept(self) -> bytes:
        """What `SignedFolder` keeps of it (signed: `marshal` is for trusted data only)."""
        return marshal.dumps((self.glyphs, self.order, self.identity, self.metrics))

    @classmethod
    def of(cls, kind: str, data: bytes, kept: bytes) -> _Program:
        glyphs, order, identity, metrics = marshal.loads(kept)
        return cls(kind, data, glyphs, order, identity, metrics)


def _ttfont(data: bytes) -> Any:
    from fontTools.ttLib import TTFont

    return TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)


@dataclass
class _Member:
    """One Type0 font of the PDF: its program and what the document draws with it."""

    font: Any  # the pikepdf Type0 dictionary (indirect)
    name: str  # the base name, without the subset tag
    program: _Program
    widths: dict[int, float]
    text: dict[int, str]
    used: set[int] = field(default_factory=set)

    @property
    def kind(self) -> str:
        return self.program.kind

    @property
    def glyphs(self) -> dict[int, bytes]:
        return self.program.glyphs


_CACHE_SIZE = 48
_programs: OrderedDict[tuple[str, bytes], _Program | None] = OrderedDict()
_maps: OrderedDict[tuple[str, bytes], Any] = OrderedDict()  # widths and ToUnicode maps
# Fonts read by several threads at once (a merge's rows) would race in fontTools' lazy
# tables: one merge at a time.
_lock = threading.Lock()
_kept: SignedFolder | None = None  # where programs read are kept, during a merge
# `_glyf_shape` of each glyph record met during one merge, by program: a subset is compared
# with every other of its font (`_clusters`), so each record would be decompiled once a pair.
_shapes: dict[tuple[int, bytes], tuple[Any, ...]] = {}


def merge_fonts(data: bytes) -> bytes:
    """`data` (a PDF) with every font that several subsets embed merged into one; `data`
    itself when there is nothing to merge."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not merge_fonts_in(pdf):
            return data
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
        return out.getvalue()


def merge_fonts_in(pdf: Any, kept: SignedFolder | None = None) -> int:
    """Merge the subsets of each font of a pikepdf `Pdf` in place; how many font
    dictionaries were folded into another. `kept`: where programs read are kept for later
    builds (an edited report's unchanged parts bring the same programs back)."""
    global _kept
    with _lock:
        _kept = kept
        try:
            return _merge_fonts_in(pdf)
        finally:
            _kept = None
            _shapes.clear()  # keyed by the programs' ids: only while they are alive


def _merge_fonts_in(pdf: Any) -> int:
    resources = list(_resources(pdf))
    groups: dict[tuple[str, str], list[Any]] = {}
    for font in _fonts(resources):
        key = _candidate(font)
        if key is not None:
            groups.setdefault(key, []).append(font)
    replaced: dict[tuple[int, int], Any] = {}
    for fonts in groups.values():
        if len(fonts) < 2:
            continue
        members = [m for m in (_read(font) for font in fonts) if m is not None]
        for cluster in _clusters(members):
            if len(cluster) < 2:
                continue
            merged = _merged(pdf, cluster)
            if merged is None:
                continue
            for member in cluster[1:]:
                replaced[member.font.objgen] = merged
    if replaced:
        _repoint(resources, replaced)
    return len(replaced)


# -- finding the fonts ------------------------------------------------------------------------


def _resources(pdf: Any) -> Iterator[Any]:
    """Every resource dictionary a page, a form, a pattern, an annotation's appearance or a
    Type3 font draws with (each once)."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = []
    for page in pdf.pages:
        stack.append(page.obj)
        for annot in page.obj.get("/Annots", []):
            appearance = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
            if isinstance(appearance, pikepdf.Dictionary):
                for state in appearance.values():
                    if isinstance(state, pikepdf.Stream):
                        stack.append(state)
                    elif isinstance(state, pikepdf.Dictionary):
                        stack.extend(s for s in state.values() if isinstance(s, pikepdf.Stream))
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and isinstance(form.get("/DR"), pikepdf.Dictionary):
        yield form.DR
    while stack:
        holder = stack.pop()
        if holder.is_indirect:
            if holder.objgen in seen:
                continue
            seen.add(holder.objgen)
        resources = holder.get("/Resources")
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        yield resources
        for kind in ("/XObject", "/Pattern", "/Font"):
            entries = resources.get(kind)
            if not isinstance(entries, pikepdf.Dictionary):
                continue
            for item in entries.values():
                if isinstance(item, pikepdf.Dictionary | pikepdf.Stream) and "/Resources" in item:
                    stack.append(item)


def _fonts(dictionaries: list[Any]) -> list[Any]:
    """The indirect font dictionaries the resource dictionaries name, in order."""
    import pikepdf

    found: dict[tuple[int, int], Any] = {}
    for resources in dictionaries:
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for font in fonts.values():
                if isinstance(font, pikepdf.Dictionary) and font.is_indirect:
                    found.setdefault(font.objgen, font)
    return list(found.values())


def _candidate(font: Any) -> tuple[str, str] | None:
    """(base name, kind) of a Type0 font this module knows how to merge, else None."""
    import pikepdf

    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None
    match = _TAG.match(str(font.get("/BaseFont", "")))
    descendants = font.get("/DescendantFonts")
    if match is None or not isinstance(descendants, pikepdf.Array) or len(descendants) != 1:
        return None
    cid = descendants[0]
    descriptor = cid.get("/FontDescriptor")
    if not isinstance(descriptor, pikepdf.Dictionary):
        return None
    if cid.get("/Subtype") == "/CIDFontType2" and "/FontFile2" in descriptor:
        if cid.get("/CIDToGIDMap", pikepdf.Name.Identity) != "/Identity":
            return None
        return match[1], "ttf"
    program = descriptor.get("/FontFile3")
    if (
        cid.get("/Subtype") == "/CIDFontType0"
        and isinstance(program, pikepdf.Stream)
        and program.stream_dict.get("/Subtype") == "/OpenType"
    ):
        return match[1], "otf"
    return None


# -- reading one subset -----------------------------------------------------------------------


def _read(font: Any) -> _Member | None:
    """What a candidate font's subset holds, or None when any part of it cannot be read."""
    key = _candidate(font)
    assert key is not None
    name, kind = key
    cid = font.DescendantFonts[0]
    stream = cid.FontDescriptor["/FontFile2" if kind == "ttf" else "/FontFile3"]
    try:
        program = _program(kind, stream)
        widths = _cached(_maps, ("W", cid.get("/W")), _widths)
        text = _cached(_maps, ("ToUnicode", font.get("/ToUnicode")), _to_unicode)
    except Exception:  # a font or map this module cannot read is left as it is
        return None
    if program is None or widths is None or text is None or "/DW" in cid:
        return None
    member = _Member(font, name, program, widths, text)
    member.used = set(widths) | set(text) | set(program.glyphs)
    if max(member.used, default=0) >= len(program.order):
        return None
    return member


def _cached(cache: OrderedDict[Any, Any], key: tuple[str, Any], read: Any) -> Any:
    """`read(key[1])`, kept by the PDF object's bytes: a body's widths and maps come back
    with every copy assembled from it."""
    import pikepdf

    value = key[1]
    if value is None:
        return read(None)
    raw = value.read_raw_bytes() if isinstance(value, pikepdf.Stream) else value.unparse()
    digest = (key[0], hashlib.sha256(raw).digest())
    if digest not in cache:
        cache[digest] = read(value)
        while len(cache) > 4 * _CACHE_SIZE:
            cache.popitem(last=False)
    cache.move_to_end(digest)
    return cache[digest]


def _program(kind: str, stream: Any) -> _Program | None:
    """The font program of a FontFile stream, read once (then from the caches)."""
    key = (kind, hashlib.sha256(stream.read_raw_bytes()).digest())
    if key in _programs:
        _programs.move_to_end(key)
        return _programs[key]
    found: _Program | None = None
    name = f"{kind}-{key[1].hex()}.font"
    try:
        data = stream.read_bytes()
        kept = _kept.get(name) if _kept is not None else None
        if kept is not None:
            try:
                found = _Program.of(kind, data, kept)
            except (ValueError, EOFError, TypeError):
                found = None
        if found is None:
            ttfont = _ttfont(data)
            glyphs = _cff_glyphs(ttfont) if kind == "otf" else _glyf_glyphs(ttfont)
            if glyphs is not None:
                order = ttfont.getGlyphOrder()
                metrics = {n: (int(a), int(b)) for n, (a, b) in ttfont["hmtx"].metrics.items()}
                identity = _identity(kind, ttfont)
                found = _Program(kind, data, glyphs, order, identity, metrics, [ttfont])
                if _kept is not None:
                    _kept.put(name, found.kept())
    except Exception:  # not a font fontTools can read: left as it is
        found = None
    _programs[key] = found
    while len(_programs) > _CACHE_SIZE:
        _programs.popitem(last=False)
    return found


def _widths(array: Any) -> dict[int, float] | None:
    """A CIDFont's /W array as {cid: width}: `c [w1 w2 …]` and `c_first c_last w`."""
    import pikepdf

    if array is None:
        return {}
    items = list(array)
    widths: dict[int, float] = {}
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1] if index + 1 < len(items) else None
        if isinstance(following, pikepdf.Array):
            for offset, value in enumerate(following):
                widths[first + offset] = float(value)
            index += 2
        elif following is not None and index + 2 < len(items):
            for cid in range(first, int(following) + 1):
                widths[cid] = float(items[index + 2])
            index += 3
        else:
            return None
    return widths


def _utf16(hexa: bytes) -> str:
    return bytes.fromhex(hexa.decode("ascii")).decode("utf-16-be")


def _to_unicode(stream: Any) -> dict[int, str] | None:
    """A ToUnicode CMap with two-byte codes as {code: text} (bfchar and bfrange)."""
    if stream is None:
        return {}
    data = stream.read_bytes()
    found: dict[int, str] = {}
    for block in re.finditer(rb"beginbfchar(.*?)endbfchar", data, re.S):
        codes = _HEX.findall(block[1])
        if len(codes) % 2:
            return None
        for code, text in zip(codes[::2], codes[1::2], strict=True):
            if len(code) != 4:
                return None
            found[int(code, 16)] = _utf16(text)
    for block in re.finditer(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for line in re.finditer(rb"<(\w+)>\s*<(\w+)>\s*(<\w*>|\[[^\]]*\])", block[1]):
            low, high = int(line[1], 16), int(line[2], 16)
            if len(line[1]) != 4 or high < low:
                return None
            target = line[3]
            if target.startswith(b"["):
                for offset, text in enumerate(_HEX.findall(target)):
                    found[low + offset] = _utf16(text)
            else:
                start = _utf16(target[1:-1])
                for offset in range(high - low + 1):
                    found[low + offset] = start[:-1] + chr(ord(start[-1]) + offset)
    return found


def _cff_glyphs(ttfont: Any) -> dict[int, bytes] | None:
    """The CFF charstrings of the glyphs a subset draws (not a bare `endchar`), read from
    the CharStrings INDEX directly: making a charstring object for each of a few thousand
    glyph ids, most of them empty, would cost more than the rest of the merge."""
    cff = ttfont["CFF "].cff
    top = cff.topDictIndex[0]
    if hasattr(top, "ROS") or len(cff.GlobalSubrs) or hasattr(top.Private, "Subrs"):
        return None  # CID-keyed or subroutinised: its charstrings are not self-contained
    codes = _cff_index(bytes(ttfont.reader["CFF "]), int(top.rawDict["CharStrings"]))
    if len(codes) != len(ttfont.getGlyphOrder()):
        return None
    return {gid: code for gid, code in enumerate(codes) if not _empty_charstring(code)}


def _cff_index(raw: bytes, at: int) -> list[bytes]:
    """The items of the CFF INDEX structure at offset `at`."""
    count = int.from_bytes(raw[at : at + 2], "big")
    if count == 0:
        return []
    size = raw[at + 2]
    start = at + 3
    if size in _OFFSET_FORMATS:
        offsets = list(struct.unpack_from(f">{count + 1}{_OFFSET_FORMATS[size]}", raw, start))
    else:
        offsets = [
            int.from_bytes(raw[start + i * size : start + (i + 1) * size], "big")
            for i in range(count + 1)
        ]
    base = start + (count + 1) * size - 1
    return [raw[base + offsets[i] : base + offsets[i + 1]] for i in range(count)]


def _empty_charstring(code: bytes) -> bool:
    """Whether a Type 2 charstring draws nothing: numbers (a width) then `endchar`."""
    if not code.endswith(b"\x0e") or len(code) > 12:
        return False
    at = 0
    while at < len(code) - 1:
        byte = code[at]
        if 32 <= byte <= 246:
            at += 1
        elif 247 <= byte <= 254:
            at += 2
        elif byte == 28:
            at += 3
        elif byte == 255:
            at += 5
        else:
            return False  # an operator before endchar
    return at == len(code) - 1


def _glyf_glyphs(ttfont: Any) -> dict[int, bytes]:
    """The `glyf` outlines (raw bytes) of the glyphs a subset draws."""
    glyf = ttfont["glyf"]
    order = ttfont.getGlyphOrder()
    found = {}
    for gid, name in enumerate(order):
        glyph = glyf.glyphs.get(name)
        data = getattr(glyph, "data", None)
        if data is None and glyph is not None:
            data = glyph.compile(glyf)
        if data:
            found[gid] = bytes(data)
    return found


# -- deciding what is the same font -----------------------------------------------------------


def _identity(kind: str, ttfont: Any) -> tuple[Any, ...]:
    """What every subset of one font program keeps unchanged."""
    head = ttfont["head"]
    names = ttfont["name"] if "name" in ttfont else None  # noqa: SIM401 (not a dict)
    records: tuple[Any, ...] = ()
    if names is not None:
        records = tuple(
            sorted(
                (r.nameID, r.platformID, r.platEncID, r.langID, r.toUnicode())
                for r in names.names
                if r.nameID in (1, 2, 3, 4, 5, 6)
            )
        )
    private: tuple[Any, ...] = ()
    if kind == "otf":
        top = ttfont["CFF "].cff.topDictIndex[0]
        private = tuple(sorted((k, repr(v)) for k, v in top.Private.rawDict.items()))
        private += (repr(getattr(top, "FontMatrix", None)),)
    extra = tuple(_table_bytes(ttfont, tag) for tag in ("fpgm", "prep", "cvt ") if tag in ttfont)
    return (
        head.unitsPerEm,
        head.created,
        head.modified,
        head.fontRevision,
        head.macStyle,
        ttfont["OS/2"].usWeightClass if "OS/2" in ttfont else None,
        records,
        private,
        extra,
    )


def _table_bytes(ttfont: Any, tag: str) -> bytes:
    return bytes(ttfont.reader[tag]) if ttfont.reader is not None else b""


def _shares_outlines(one: _Member, two: _Member) -> bool:
    """Whether two subsets draw a glyph in common (an outline to compare)."""
    return not one.glyphs.keys().isdisjoint(two.glyphs.keys())


def _agree(one: _Member, two: _Member) -> bool:
    """Whether two subsets come from the same font program and draw alike: the same
    identity, no glyph both use set otherwise (see `_shares_outlines` for the proof that
    they are one font)."""
    if one.program.identity != two.program.identity:
        return False
    order_one, order_two = one.program.order, two.program.order
    shared = one.used & two.used
    metrics_one = one.program.metrics
    metrics_two = two.program.metrics
    for gid in shared:
        # A subset may leave a glyph unnamed (fontTools then makes up `glyph00081`): the
        # names both give must agree.
        names = {order_one[gid], order_two[gid]}
        if len(names - {f"glyph{gid:05d}"}) > 1 or not _same_outline(one, two, gid):
            return False
        if metrics_one.get(order_one[gid]) != metrics_two.get(order_two[gid]):
            return False
        both = gid in one.widths and gid in two.widths
        if both and abs(one.widths[gid] - two.widths[gid]) > _WIDTH_TOLERANCE:
            return False
        if gid in one.text and gid in two.text and one.text[gid] != two.text[gid]:
            return False
    return True


# Composite glyph flags that say how the record is written, not what it draws.
_ENCODING_FLAGS = 0x0001 | 0x0008 | 0x0020 | 0x0040 | 0x0080 | 0x0100


def _same_outline(one: _Member, two: _Member, gid: int) -> bool:
    """Whether two subsets draw glyph `gid` alike. A TrueType glyph written again by
    fontTools (a subset already merged, see `_union_program`) is encoded otherwise than
    HarfBuzz wrote it (flags repeated, padding): compared as points and components."""
    first, second = one.glyphs.get(gid), two.glyphs.get(gid)
    if first == second:
        return True
    if first is None or second is None or one.kind != "ttf":
        return False
    return _shape(one, first) == _shape(two, second)


def _shape(member: _Member, data: bytes) -> tuple[Any, ...]:
    """`_glyf_shape`, once a record and program during a merge (`_shapes`)."""
    key = (id(member.program), data)
    found = _shapes.get(key)
    if found is None:
        found = _shapes[key] = _glyf_shape(member, data)
    return found


def _glyf_shape(member: _Member, data: bytes) -> tuple[Any, ...]:
    """What a `glyf` record draws: contours' points and on-curve flags, or components (glyph,
    offset or anchors, transform, meaning flags), and instructions."""
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    glyph = Glyph(data)
    glyph.expand(member.program.ttfont["glyf"])
    program = glyph.program.getBytecode() if hasattr(glyph, "program") else b""
    if glyph.isComposite():
        parts = tuple(
            (
                c.glyphName,
                getattr(c, "x", None),
                getattr(c, "y", None),
                getattr(c, "firstPt", None),
                getattr(c, "secondPt", None),
                repr(getattr(c, "transform", None)),
                c.flags & ~_ENCODING_FLAGS,
            )
            for c in glyph.components
        )
        return ("composite", parts, program)
    return (
        "simple",
        tuple(glyph.endPtsOfContours),
        tuple(glyph.coordinates),
        tuple(f & 1 for f in glyph.flags),
        program,
    )


def _safely_agree(one: _Member, two: _Member) -> bool:
    try:
        return _agree(one, two)
    except Exception:  # a table fontTools cannot read: not proven the same
        return False


def _clusters(members: list[_Member]) -> list[list[_Member]]:
    """Members grouped so that every two in a group agree and each draws a glyph outline
    that another of its group draws the same (proof of one font program). The subsets that
    draw the most come first: a small one (a closing page's few glyphs) may share outlines
    with one part and not with another, and joins the group through the large ones."""
    clusters: list[list[_Member]] = []
    for member in sorted(members, key=lambda m: -len(m.glyphs)):
        for cluster in clusters:
            if any(_shares_outlines(member, other) for other in cluster) and all(
                _safely_agree(member, other) for other in cluster
            ):
                cluster.append(member)
                break
        else:
            clusters.append([member])
    return clusters


# -- writing the merged font ------------------------------------------------------------------


def _merged(pdf: Any, cluster: list[_Member]) -> Any | None:
    """Make the first member of `cluster` the merged font (its object is kept, so every
    reference to it stays right); None when the program cannot be written."""
    import pikepdf

    base = max(cluster, key=lambda m: (len(m.program.order), len(m.used)))
    old_cid = base.font.DescendantFonts[0]
    old_descriptor = old_cid.FontDescriptor
    file_key = "/FontFile2" if base.kind == "ttf" else "/FontFile3"
    if all(member.used <= base.used for member in cluster):
        # The largest subset draws every glyph the others do (a cover's glyphs are the
        # body's): its program serves them all as it is.
        program, stream = base.program.data, old_descriptor[file_key]
    else:
        try:
            quick = (_cff_union if base.kind == "otf" else _glyf_union)(base, cluster)
            program = quick or _union_program(base, cluster)
        except Exception:  # fontTools could not write it: leave the fonts as they are
            return None
        stream = _flate(pdf, program)
        if base.kind == "ttf":
            stream.Length1 = len(program)
        else:
            stream.Subtype = pikepdf.Name.OpenType
    widths: dict[int, float] = {}
    text: dict[int, str] = {}
    for member in (base, *cluster):  # the base's widths where they differ (`_WIDTH_TOLERANCE`)
        for gid, width in member.widths.items():
            widths.setdefault(gid, width)
        for gid, char in member.text.items():
            text.setdefault(gid, char)
    tag = _tag(cluster[0].name, program)
    name = pikepdf.Name(f"/{tag}+{cluster[0].name}")

    first = cluster[0].font

    descriptor = pikepdf.Dictionary({k: v for k, v in old_descriptor.items() if k != "/CIDSet"})
    descriptor.FontName = name
    descriptor[file_key] = stream
    boxes = [[float(v) for v in m.font.DescendantFonts[0].FontDescriptor.FontBBox] for m in cluster]
    descriptor.FontBBox = pikepdf.Array(
        [
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        ]
    )
    if any("/CIDSet" in m.font.DescendantFonts[0].FontDescriptor for m in cluster):
        descriptor.CIDSet = _flate(pdf, _cid_set(widths))

    cid = pikepdf.Dictionary({k: v for k, v in old_cid.items()})
    cid.BaseFont = name
    # The largest subset's widths and map, when they already say it all (a cover's text is
    # mostly the body's), are kept as they are: making them again costs more than the rest.
    cid.W = old_cid.W if widths == base.widths and "/W" in old_cid else _width_array(widths)
    cid.FontDescriptor = pdf.make_indirect(descriptor)

    first.BaseFont = name
    first.DescendantFonts = pikepdf.Array([pdf.make_indirect(cid)])
    if text == base.text and "/ToUnicode" in base.font:
        first.ToUnicode = base.font.ToUnicode
    elif text:
        first.ToUnicode = _flate(pdf, _cmap(text))
    return first


def _flate(pdf: Any, data: bytes) -> Any:
    """A new indirect stream holding `data`, compressed."""
    import pikepdf

    stream = pikepdf.Stream(pdf, b"")
    stream.write(zlib.compress(data, 6), filter=pikepdf.Name.FlateDecode)
    return pdf.make_indirect(stream)


def _union_program(base: _Member, cluster: list[_Member]) -> bytes:
    """The base subset's program with every glyph another subset draws and it does not."""
    from fontTools.misc.psCharStrings import T2CharString
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    # TrueType's maxp limits (points, contours) must cover the glyphs added: recomputed.
    # A CFF's bounding box is the PDF's FontBBox's business, and recomputing it would draw
    # every glyph.
    recompute = base.kind == "ttf"
    font = TTFont(io.BytesIO(base.program.data), recalcBBoxes=recompute, recalcTimestamp=False)
    order = font.getGlyphOrder()
    hmtx = font["hmtx"].metrics
    have = set(base.used)
    if base.kind == "otf":
        cff = font["CFF "].cff
        top = cff.topDictIndex[0]
        strings = top.CharStrings
    for member in cluster:
        if member is base:
            continue
        source = member.program.ttfont
        member_order = member.program.order
        member_hmtx = source["hmtx"].metrics
        for gid in sorted(member.used - have):
            name = order[gid]
            if base.kind == "otf":
                code = member.glyphs.get(gid)
                if code is None:  # drawn empty, used for its width (a space)
                    code = _cff_index(
                        bytes(source.reader["CFF "]),
                        int(source["CFF "].cff.topDictIndex[0].rawDict["CharStrings"]),
                    )[gid]
                strings[name] = T2CharString(
                    bytecode=code, private=top.Private, globalSubrs=cff.GlobalSubrs
                )
            else:
                # The outline's bytes, whose components are glyph ids (the same in every
                # subset), not names (which differ).
                font["glyf"].glyphs[name] = Glyph(member.glyphs.get(gid, b""))
            if member_order[gid] in member_hmtx:
                hmtx[name] = member_hmtx[member_order[gid]]
            have.add(gid)
    _merge_cmaps(font, cluster, base)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cff_union(base: _Member, cluster: list[_Member]) -> bytes | None:
    """The union program of CFF subsets written byte for byte: the base's CharStrings INDEX
    with the other subsets' charstrings put in, the Top DICT offsets that follow it moved,
    the `hmtx` entries copied, every other table as it is. Writing the font again with
    fontTools costs about ten times more, for every copy of a merge. None when the font is
    not laid out so (an offset not written on five bytes, short horizontal metrics); the
    caller then uses fontTools."""
    from fontTools.ttLib.sfnt import SFNTReader, SFNTWriter

    reader = SFNTReader(io.BytesIO(base.program.data))
    raw = bytes(reader["CFF "])
    top_at = _cff_index_end(raw, raw[2])  # after the header and the Name INDEX
    tops = _cff_index(raw, top_at)
    if len(tops) != 1:
        return None
    operands = _top_dict_offsets(tops[0])
    if operands is None or 17 not in operands:
        return None
    start = operands[17][0][1]
    end = _cff_index_end(raw, start)
    codes = _cff_index(raw, start)
    hmtx = bytearray(reader["hmtx"])
    metrics = _long_metrics(reader)
    have = set(base.used)
    for member in cluster:
        if member is base:
            continue
        theirs = SFNTReader(io.BytesIO(member.program.data))
        their_codes = _cff_index(bytes(theirs["CFF "]), _charstrings_at(theirs))
        their_hmtx, their_metrics = bytes(theirs["hmtx"]), _long_metrics(theirs)
        for gid in sorted(member.used - have):
            if gid >= metrics or gid >= their_metrics or gid >= len(codes):
                return None
            codes[gid] = their_codes[gid]
            hmtx[4 * gid : 4 * gid + 4] = their_hmtx[4 * gid : 4 * gid + 4]
            have.add(gid)
    index = _cff_index_bytes(codes)
    shift = len(index) - (end - start)
    top = bytearray(tops[0])
    for values in operands.values():
        for at, value in values:
            if value <= start:
                continue  # before the charstrings (or a predefined charset): unmoved
            if top[at] != 29:
                return None  # not a five-byte integer: cannot be moved in place
            top[at + 1 : at + 5] = (value + shift).to_bytes(4, "big", signed=True)
    if len(top) != len(tops[0]):
        return None
    top_index = _cff_index_bytes([bytes(top)])
    if len(top_index) != _cff_index_end(raw, top_at) - top_at:
        return None
    cff = raw[:top_at] + top_index + raw[top_at + len(top_index) : start] + index + raw[end:]
    out = io.BytesIO()
    writer = SFNTWriter(out, len(reader.tables), sfntVersion=reader.sfntVersion)
    for tag in reader.tables:
        writer[tag] = cff if tag == "CFF " else bytes(hmtx) if tag == "hmtx" else reader[tag]
    writer.close()
    return out.getvalue()


def _glyf_union(base: _Member, cluster: list[_Member]) -> bytes | None:
    """The union program of TrueType subsets written byte for byte, as `_cff_union` does
    for CFF: the base's `glyf` with the other subsets' glyph records put in (composite
    glyphs name their components by glyph id, the same in every subset), `loca` made again,
    the `hmtx` entries copied, `maxp` limits and the `head` bounding box the largest of the
    subsets', every other table as it is. None when the font is not laid out so."""
    from fontTools.ttLib.sfnt import SFNTReader, SFNTWriter

    reader = SFNTReader(io.BytesIO(base.program.data))
    if any(tag not in reader for tag in ("glyf", "loca", "head", "hmtx", "maxp", "hhea")):
        return None
    if any(tag in reader for tag in ("hdmx", "LTSH", "VDMX", "gvar")):
        return None  # per-glyph tables that would also need the glyphs added
    glyphs = _glyf_records(reader)
    head, maxp = bytearray(reader["head"]), bytearray(reader["maxp"])
    if glyphs is None or len(maxp) < 32 or len(head) < 54:
        return None
    hmtx, metrics = bytearray(reader["hmtx"]), _long_metrics(reader)
    have = set(base.used)
    box = list(struct.unpack(">4h", head[36:44]))
    for member in cluster:
        if member is base:
            continue
        theirs = SFNTReader(io.BytesIO(member.program.data))
        if "maxp" not in theirs or "hmtx" not in theirs or "head" not in theirs:
            return None
        their_hmtx, their_metrics = bytes(theirs["hmtx"]), _long_metrics(theirs)
        for gid in sorted(member.used - have):
            if gid >= metrics or gid >= their_metrics or gid >= len(glyphs):
                return None
            glyphs[gid] = member.glyphs.get(gid, b"")
            hmtx[4 * gid : 4 * gid + 4] = their_hmtx[4 * gid : 4 * gid + 4]
            have.add(gid)
        their_maxp = bytes(theirs["maxp"])
        if len(their_maxp) < 32:
            return None
        for at in range(6, 32, 2):  # maxPoints … maxComponentDepth
            value = max(int.from_bytes(maxp[at : at + 2]), int.from_bytes(their_maxp[at : at + 2]))
            maxp[at : at + 2] = value.to_bytes(2, "big")
        theirs_box = struct.unpack(">4h", bytes(theirs["head"])[36:44])
        low = [min(box[0], theirs_box[0]), min(box[1], theirs_box[1])]
        box = [*low, max(box[2], theirs_box[2]), max(box[3], theirs_box[3])]
    glyf = bytearray()
    offsets = []
    for record in glyphs:
        offsets.append(len(glyf))
        glyf += record + b"\0" * (-len(record) % 4)  # 4-byte aligned, as fontTools writes
    offsets.append(len(glyf))
    short = offsets[-1] < 0x20000
    loca = (
        struct.pack(f">{len(offsets)}H", *(o // 2 for o in offsets))
        if short
        else (struct.pack(f">{len(offsets)}I", *offsets))
    )
    head[36:44] = struct.pack(">4h", *box)
    head[50:52] = (0 if short else 1).to_bytes(2, "big")  # indexToLocFormat
    out = io.BytesIO()
    writer = SFNTWriter(out, len(reader.tables), sfntVersion=reader.sfntVersion)
    made = {"glyf": bytes(glyf), "loca": loca, "hmtx": bytes(hmtx), "maxp": bytes(maxp)}
    for tag in reader.tables:
        writer[tag] = bytes(head) if tag == "head" else made.get(tag, reader[tag])
    writer.close()
    return out.getvalue()


def _glyf_records(reader: Any) -> list[bytes] | None:
    """The `glyf` records of each glyph id, by `loca`."""
    loca, glyf = bytes(reader["loca"]), bytes(reader["glyf"])
    long = int.from_bytes(bytes(reader["head"])[50:52], "big") == 1
    count = int.from_bytes(bytes(reader["maxp"])[4:6], "big")
    size = 4 if long else 2
    if len(loca) < (count + 1) * size:
        return None
    offsets = struct.unpack(f">{count + 1}{'I' if long else 'H'}", loca[: (count + 1) * size])
    if not long:
        offsets = tuple(2 * o for o in offsets)
    if any(b < a for a, b in itertools.pairwise(offsets)) or offsets[-1] > len(glyf):
        return None
    return [glyf[offsets[i] : offsets[i + 1]] for i in range(count)]


def _charstrings_at(reader: Any) -> int:
    raw = bytes(reader["CFF "])
    top_at = _cff_index_end(raw, raw[2])
    operands = _top_dict_offsets(_cff_index(raw, top_at)[0])
    assert operands is not None
    return operands[17][0][1]


def _long_metrics(reader: Any) -> int:
    """How many glyphs have a full (advance, side bearing) entry in `hmtx`."""
    hhea = bytes(reader["hhea"])
    return int.from_bytes(hhea[34:36], "big")


def _cff_index_end(raw: bytes, at: int) -> int:
    """Where the CFF INDEX at `at` ends."""
    count = int.from_bytes(raw[at : at + 2], "big")
    if count == 0:
        return at + 2
    size = raw[at + 2]
    start = at + 3
    last = int.from_bytes(raw[start + count * size : start + (count + 1) * size], "big")
    return start + (count + 1) * size - 1 + last


def _cff_index_bytes(items: list[bytes]) -> bytes:
    """A CFF INDEX holding `items`, its offsets on as few bytes as they need."""
    if not items:
        return b"\0\0"
    total = sum(len(item) for item in items) + 1
    size = 1 if total < 1 << 8 else 2 if total < 1 << 16 else 3 if total < 1 << 24 else 4
    offsets = [1]
    for item in items:
        offsets.append(offsets[-1] + len(item))
    head = len(items).to_bytes(2, "big") + bytes([size])
    return head + b"".join(o.to_bytes(size, "big") for o in offsets) + b"".join(items)


def _top_dict_offsets(data: bytes) -> dict[int, list[tuple[int, int]]] | None:
    """The offsets a CFF Top DICT gives (charset 15, Encoding 16, CharStrings 17, Private
    18: its second operand), each as (where its operand starts, value); None for a DICT
    this reader does not follow."""
    found: dict[int, list[tuple[int, int]]] = {}
    operands: list[tuple[int, int]] = []
    at = 0
    while at < len(data):
        byte = data[at]
        if byte == 29:
            operands.append((at, int.from_bytes(data[at + 1 : at + 5], "big", signed=True)))
            at += 5
        elif byte == 28:
            operands.append((at, int.from_bytes(data[at + 1 : at + 3], "big", signed=True)))
            at += 3
        elif 32 <= byte <= 246:
            operands.append((at, byte - 139))
            at += 1
        elif 247 <= byte <= 250:
            operands.append((at, (byte - 247) * 256 + data[at + 1] + 108))
            at += 2
        elif 251 <= byte <= 254:
            operands.append((at, -(byte - 251) * 256 - data[at + 1] - 108))
            at += 2
        elif byte == 30:  # a real number: nibbles up to an 0xf
            at += 1
            while at < len(data) and (data[at] & 0x0F) != 0x0F and (data[at] >> 4) != 0x0F:
                at += 1
            operands.append((at, 0))
            at += 1
        elif byte == 12:
            if at + 1 >= len(data):
                return None
            operands = []
            at += 2
        elif byte <= 21:
            if byte in (15, 16, 17, 18):  # Private's offset is its last operand
                found[byte] = operands[-1:]
            operands = []
            at += 1
        else:
            return None
    return found


def _merge_cmaps(font: Any, cluster: list[_Member], base: _Member) -> None:
    """The characters the other subsets map, added to the program's own cmap."""
    tables = {(t.platformID, t.platEncID): t for t in font["cmap"].tables}
    for member in cluster:
        if member is base or "cmap" not in member.program.ttfont:
            continue
        for table in member.program.ttfont["cmap"].tables:
            mine = tables.get((table.platformID, table.platEncID))
            if mine is None or not hasattr(mine, "cmap"):
                continue
            # By glyph id: the other subset may name a glyph otherwise.
            theirs = {name: gid for gid, name in enumerate(member.program.order)}
            order = font.getGlyphOrder()
            for code, name in table.cmap.items():
                gid = theirs.get(name)
                if gid is not None and gid < len(order):
                    mine.cmap.setdefault(code, order[gid])


def _tag(name: str, program: bytes) -> str:
    """A subset tag (six capitals) made from the merged program: the same union gives the
    same tag, another union another one."""
    digest = hashlib.sha256(name.encode() + b"\0" + program).digest()
    return "".join(chr(65 + byte % 26) for byte in digest[:6])


def _width_array(widths: dict[int, float]) -> Any:
    import pikepdf

    array: list[Any] = []
    run: list[Any] = []
    previous = None
    for cid in sorted(widths):
        if previous is None or cid != previous + 1:
            run = []
            array.extend([cid, run])
        value = widths[cid]
        run.append(int(value) if value == int(value) else round(value, 4))
        previous = cid
    return pikepdf.Array([pikepdf.Array(x) if isinstance(x, list) else x for x in array])


def _cmap(text: dict[int, str]) -> bytes:
    """A ToUnicode CMap (bfchar, in blocks of 100) for two-byte codes."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(text.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        for code, chars in batch:
            lines.append(f"<{code:04x}> <{chars.encode('utf-16-be').hex()}>".encode())
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _cid_set(widths: dict[int, float]) -> bytes:
    """A CIDSet: one bit per CID the font draws (PDF/A-1 wants it)."""
    size = (max(widths, default=0) + 8) // 8
    bits = bytearray(size)
    for cid in widths:
        bits[cid // 8] |= 0x80 >> (cid % 8)
    return bytes(bits)


# -- pointing every use at the merged font ----------------------------------------------------


def _repoint(dictionaries: list[Any], replaced: dict[tuple[int, int], Any]) -> None:
    """Every font resource (and ExtGState /Font) naming a folded font now names the
    merged one; the folded fonts, no longer referenced, are not written."""
    import pikepdf

    for resources in dictionaries:
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for key in list(fonts.keys()):
                font = fonts[key]
                if font.is_indirect and font.objgen in replaced:
                    fonts[key] = replaced[font.objgen]
        states = resources.get("/ExtGState")
        if isinstance(states, pikepdf.Dictionary):
            for state in states.values():
                entry = state.get("/Font") if isinstance(state, pikepdf.Dictionary) else None
                if isinstance(entry, pikepdf.Array) and len(entry) == 2:
                    font = entry[0]
                    if font.is_indirect and font.objgen in replaced:
                        state.Font = pikepdf.Array([replaced[font.objgen], entry[1]])
