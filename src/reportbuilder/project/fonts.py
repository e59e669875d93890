"""Font families a report may name in `brand.fonts`: the ones the theme's and the project's
stylesheets declare with `@font-face`, the system's (fontconfig) and CSS's generic families.

A family nobody provides would not fail the layout: WeasyPrint silently falls back to another
font, so a misspelt or missing font is caught here, at its line in report.yml.
"""

from __future__ import annotations

import ctypes
import difflib
import functools
import re
from collections.abc import Iterable
from pathlib import Path

from reportbuilder.errors import Problem, ProjectError, Stage
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.validation import LineOf

MAX_LISTED = 30  # families named in a message; a desktop has hundreds
GENERIC = ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui")
_FONT_FACE = re.compile(r"@font-face\s*\{([^{}]*)\}", re.IGNORECASE)  # linear: stops at `{`
_FAMILY_LIST = re.compile(r"(?:font-family|--font[\w-]*)\s*:\s*([^;}]+)", re.IGNORECASE)
_FAMILY = re.compile(r"font-family\s*:\s*(?:\"([^\"]+)\"|'([^']+)'|([^;}]+))", re.IGNORECASE)


def declared_families(css: str) -> set[str]:
    """The families a stylesheet's `@font-face` rules declare."""
    found = set()
    for block in _FONT_FACE.findall(css):
        for match in _FAMILY.finditer(block):
            name = next(group for group in match.groups() if group is not None).strip()
            if name:
                found.add(name)
    return found


_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
HYPHEN = 0x2010  # what WeasyPrint adds where it hyphenates a word (`hyphenate-character`)


def font_face_files(stylesheets: Iterable[Path], files: FilePolicy) -> list[Path]:
    """The font files the stylesheets' `@font-face` rules load (theme's or project's), each
    once, in the order met; web and data: addresses left out."""
    found: list[Path] = []
    for path in stylesheets:
        try:
            css = files.read_theme_text(path, files.shown(path))
        except ProjectError:
            continue
        for block in _FONT_FACE.findall(css):
            for match in _URL.finditer(block):
                written = next((g for g in match.groups() if g is not None), "")
                if not written or ":" in written.split("/")[0]:
                    continue  # a data: or web address, or one the fetcher refuses anyway
                font = (path.parent / written.split("#")[0].split("?")[0]).resolve()
                if font.is_file() and font not in found:
                    found.append(font)
    return found


def lack_hyphen(stylesheets: Iterable[Path], files: FilePolicy) -> list[str]:
    """The project's font files (`@font-face` `src: url(…)`) without a glyph for U+2010, the
    hyphen the layout adds where it breaks a word: drawn in a fallback font in the middle
    of the brand's text, it would be a character the author never typed set in a font the
    stylesheets do not name."""
    lacking: list[str] = []
    for font in font_face_files(stylesheets, files):
        if not files.in_project(font):
            continue
        # Imported when there is a font to read: most projects have none, and
        # `check` spent its import (fontTools.ttLib, ~20 ms) for nothing.
        from fontTools.ttLib import TTFont

        try:
            with TTFont(font, lazy=True, fontNumber=0) as opened:
                cmap = opened.getBestCmap() or {}
        except Exception:  # not a font fontTools reads: the renderer says why
            continue
        if HYPHEN not in cmap:
            lacking.append(files.shown(font))
    return lacking


@functools.lru_cache(maxsize=1)
def system_families() -> frozenset[str]:
    """Families fontconfig knows (what `fc-list : family` prints), asked in-process through
    the library WeasyPrint's Pango uses anyway; empty when it cannot be loaded."""
    try:
        return frozenset(_fontconfig_families())
    except (OSError, AttributeError, ValueError):
        return frozenset()


class FontSet(ctypes.Structure):
    """fontconfig's `FcFontSet`."""

    _fields_ = [
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    ]


@functools.lru_cache(maxsize=1)
def fontconfig() -> ctypes.CDLL:
    """The fontconfig library WeasyPrint's Pango uses, with the signatures of the calls
    that list fonts (`FcFontList` and what it needs); raises OSError when it is not there."""
    try:  # by its usual name: `find_library` runs ldconfig (0.1 s)
        lib = ctypes.CDLL("libfontconfig.so.1")
    except OSError:
        from ctypes.util import find_library  # here: it imports subprocess

        lib = ctypes.CDLL(find_library("fontconfig") or "libfontconfig.so")
    lib.FcPatternCreate.restype = ctypes.c_void_p
    lib.FcObjectSetBuild.restype = ctypes.c_void_p
    lib.FcFontList.restype = ctypes.POINTER(FontSet)
    lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    lib.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(FontSet)]
    return lib


def _fontconfig_families() -> set[str]:
    lib = fontconfig()
    lib.FcPatternGetString.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_char_p),
    ]
    pattern = lib.FcPatternCreate()
    objects = lib.FcObjectSetBuild(ctypes.c_char_p(b"family"), ctypes.c_void_p(None))
    fonts = lib.FcFontList(None, pattern, objects)
    found: set[str] = set()
    try:
        if fonts:
            for index in range(fonts.contents.nfont):
                which = 0
                text = ctypes.c_char_p()
                while (
                    lib.FcPatternGetString(
                        fonts.contents.fonts[index], b"family", which, ctypes.byref(text)
                    )
                    == 0
                ):
                    if text.value:
                        found.add(text.value.decode("utf-8", "replace"))
                    which += 1
    finally:
        if fonts:
            lib.FcFontSetDestroy(fonts)
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(pattern)
    return found


def named_families(stylesheets: Iterable[Path], files: FilePolicy) -> frozenset[str]:
    """Every family the stylesheets name: in `font-family` lists and `@font-face` rules. A
    font in the PDF outside them is one the layout engine fell back to."""
    names: set[str] = set()
    for path in stylesheets:
        try:
            css = files.read_theme_text(path, files.shown(path))
        except ProjectError:
            continue
        for listed in _FAMILY_LIST.findall(css):
            for name in listed.split(","):
                name = name.strip().strip("\"'").strip()
                if name and not name.startswith("var(") and name.lower() not in GENERIC:
                    names.add(name)
    return frozenset(names)


def available_families(stylesheets: Iterable[Path], files: FilePolicy) -> dict[str, str]:
    """Every family the report can use, by its lower-case name (CSS compares them so)."""
    names: set[str] = set(GENERIC) | system_families()
    for path in stylesheets:
        try:
            css = files.read_theme_text(path, files.shown(path))
        except ProjectError:
            continue  # a stylesheet that cannot be read is reported where it is rendered
        names |= declared_families(css)
    return {name.lower(): name for name in sorted(names)}


def font_problems(
    wanted: dict[str, str | None],
    stylesheets: Iterable[Path],
    files: FilePolicy,
    line_of: LineOf,
) -> list[Problem]:
    """A problem for each `brand.fonts` family (by role: heading, body) nobody provides, at
    its line in report.yml, listing the families there are."""
    asked = {role: name for role, name in wanted.items() if name}
    if not asked:
        return []
    known = available_families(stylesheets, files)
    problems = []
    for role, name in asked.items():
        if name.strip().strip("\"'").lower() in known:
            continue
        close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.6)
        tip = f"did you mean '{known[close[0]]}'? " if close else ""
        real = sorted((n for n in known.values() if n not in GENERIC), key=str.lower)
        choices = ", ".join(real[:MAX_LISTED]) + (", …" if len(real) > MAX_LISTED else "")
        line = line_of(["brand", "fonts", role])
        message = (
            f"brand.fonts.{role}: no font family '{name}' in the theme, the project's styles/ "
            f"or this system ({tip}available: {choices}); add an @font-face rule for it to a "
            "stylesheet in styles/"
        )
        problems.append(Problem("report.yml", line, message, stage=Stage.PROJECT))
    return problems


# What a font file's first four bytes are: TrueType, OpenType (CFF), Apple TrueType, a
# collection, WOFF and WOFF2.
_FONT_SIGNATURES = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")


def font_file_problem(path: Path) -> str | None:
    """Why the font file at `path` (there, readable) cannot be loaded, or None: not a font
    by its first bytes (a text file, an LFS pointer, a PNG renamed .ttf), or one fontTools
    cannot read, or whose tables run past its end (a truncated download). Cheap: the table
    directory only, no glyph is read (a WOFF2 is decompressed)."""
    from fontTools.ttLib import TTFont, TTLibError

    from reportbuilder.project.image_files import what_bytes

    try:
        with path.open("rb") as stream:
            head = stream.read(16)
        size = path.stat().st_size
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if head[:4] not in _FONT_SIGNATURES:
        text = head and all(32 <= byte < 127 or byte in b"\t\r\n" for byte in head)
        found = "text" if text else what_bytes(head)  # a Git LFS pointer, an HTML error page
        return f"is not a font file (its bytes are {found})"
    try:
        font = TTFont(path, lazy=True, fontNumber=0)
        try:
            tables = getattr(font.reader, "tables", {})
            if head[:4] not in (b"wOFF", b"wOF2"):  # their offsets are in the compressed data
                for tag, entry in tables.items():
                    if entry.offset + entry.length > size:
                        return f"is cut short: its '{tag}' table runs past the end of the file"
            if "cmap" not in font.reader or "head" not in font.reader:
                return "is not a usable font: it has no character map"
        finally:
            font.close()
    except (TTLibError, OSError, ValueError, KeyError, AssertionError, EOFError) as error:
        return f"is not a font fontTools can read ({error})"
    return None


def font_face_problems(
    families: Iterable[str], stylesheets: Iterable[Path], files: FilePolicy
) -> list[Problem]:
    """An error at the `@font-face` rule of each of `families` (the brand's) whose font
    files cannot be loaded, in the project's `stylesheets`: WeasyPrint would warn and set
    the whole report in another font (trial 6 #51). A rule with several `src` fails only
    when none of them loads; web and data: addresses are not looked at."""
    wanted = {name.strip().strip("\"'").lower() for name in families if name}
    if not wanted:
        return []
    problems: list[Problem] = []
    for path in stylesheets:
        rel = files.shown(path)
        try:
            css = files.read_theme_text(path, rel)
        except ProjectError:
            continue
        for rule in _FONT_FACE.finditer(css):
            block = rule[1]
            family = next(
                (
                    next(g for g in m.groups() if g is not None).strip()
                    for m in _FAMILY.finditer(block)
                ),
                "",
            )
            if family.lower() not in wanted:
                continue
            why = _face_problem(block, path, files)
            if why:
                line = css.count("\n", 0, rule.start()) + 1
                message = (
                    f"the @font-face '{family}' cannot be loaded: {why}; the report would be "
                    "set in another font (replace the file with the font itself: .ttf, .otf, "
                    ".woff or .woff2)"
                )
                problems.append(Problem(rel, line, message, stage=Stage.PROJECT))
    return problems


def _face_problem(block: str, css: Path, files: FilePolicy) -> str | None:
    """Why none of an `@font-face` rule's local `src` files loads, or None when one does
    (or when it names only web or data: addresses, said elsewhere)."""
    reasons: list[str] = []
    for match in _URL.finditer(block):
        written = next((g for g in match.groups() if g is not None), "")
        if not written or ":" in written.split("/")[0]:
            return None  # a web or data: address: the fetcher's and the renderer's to say
        font = css.parent / written.split("#")[0].split("?")[0]
        try:
            if not files.readable(font):
                reasons.append(f"{written} is outside the project")
                continue
            if not font.is_file():
                reasons.append(f"there is no file {written}")
                continue
        except (OSError, ValueError):
            reasons.append(f"{written} cannot be read")
            continue
        why = font_file_problem(font)
        if why is None:
            return None
        reasons.append(f"{written} {why}")
    return "; ".join(reasons) or None
