"""Characters no font can print: what `check` finds without laying out pages.

WeasyPrint (through Pango and fontconfig) sets a character in the first font that has it:
the stylesheets' families, then any font of the system. A character none of them has
prints as an empty box — a lost word. The fonts' character maps say so before any layout:
the union of every system font's (fontconfig's charsets) and of the fonts the stylesheets
load with `@font-face` (their cmaps, read with fontTools). What the layout really draws is
the build's to say (WeasyPrint's ".notdef glyph" warning); this is the same answer where
the fonts are the same.
"""

from __future__ import annotations

import ctypes
import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from reportbuilder.errors import Problem, Severity
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.fonts import font_face_files, fontconfig

MISSING_GLYPH = "no font of the report or the system has the character"
MISSING_HINT = "use a font that has it, in styles/, or another character"


def missing_message(character: str) -> str:
    """What is said of one character no font has (its line is found afterwards)."""
    code = ord(character[0]) if character else 0
    return f"{MISSING_GLYPH} {character!r} (U+{code:04X}): it prints as an empty box"


def grouped(problems: Iterable[Problem]) -> list[Problem]:
    """The missing-character problems at one line said once, listing the characters (a
    Thai word is five problems otherwise), as errors: a word printed as boxes is lost."""
    problems = list(problems)
    at: dict[tuple[str | None, int | None], list[str]] = {}
    for problem in problems:
        if found := _ONE.match(problem.message):
            at.setdefault((problem.path, problem.line), []).append(found[1])
    out = []
    for problem in problems:
        if not _ONE.match(problem.message):
            out.append(problem)
            continue
        characters = at.pop((problem.path, problem.line), None)
        if characters is None:
            continue  # said with the first at its line
        if len(characters) == 1:
            message, hint = problem.message, MISSING_HINT
        else:
            message = (
                "no font of the report or the system has the characters "
                f"{', '.join(characters)}: they print as empty boxes"
            )
            hint = "use a font that has them, in styles/, or other characters"
        out.append(replace(problem, message=message, severity=Severity.ERROR, hint=hint))
    return out


def missing_character(problem: Problem) -> str | None:
    """The character `problem` says no font has (as the layout says it), or None."""
    found = _ONE.match(problem.message)
    return found[1][1:].partition("' (U+")[0] if found else None


_ONE = re.compile(
    re.escape(MISSING_GLYPH) + r" ('.+?' \(U\+[0-9A-F]+\)): it prints as an empty box$"
)

_NOT_TEXT = re.compile(r"<(style|script)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")
# Drawn as nothing, never as a box: controls, format characters (soft hyphen, joiners,
# marks of direction), separators and variation selectors.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Zs"}


def _drawn(character: str) -> bool:
    code = ord(character)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return False
    return unicodedata.category(character) not in _INVISIBLE


def printed_characters(text: str) -> list[str]:
    """The characters beyond ASCII an HTML document prints (its text, not its tags or
    stylesheets), each once, in the order first met."""
    shown = html.unescape(_TAG.sub(" ", _NOT_TEXT.sub(" ", text)))
    return [c for c in dict.fromkeys(shown) if ord(c) > 0x7E and _drawn(c)]


def unprintable(
    characters: Iterable[str], stylesheets: Iterable[Path], files: FilePolicy
) -> list[str]:
    """Those of `characters` that no system font and no `@font-face` font of the
    stylesheets has; empty when fontconfig cannot be asked (the build still says so)."""
    lacking = list(characters)
    if not lacking:
        return []
    # The stylesheets' own fonts first: the theme's cover what most reports write, and
    # their maps are known without opening them (asking fontconfig costs `check` 0.15 s).
    for font in font_face_files(stylesheets, files):
        if not lacking:
            break  # the first fonts had them all: the others' maps are not needed
        covered = _cmap(font, font.stat().st_size)
        lacking = [c for c in lacking if ord(c) not in covered]
    system = _system_coverage() if lacking else None
    if system is None:
        return []
    return [c for c in lacking if not system(ord(c))]


BUNDLED = Path(__file__).parent.parent / "themes" / "base" / "fonts"


@functools.lru_cache(maxsize=1)
def _bundled() -> dict[str, dict[str, object]]:
    """The theme's own fonts' maps (`coverage.json`: each file's size and code point
    ranges, written from the files; a test keeps it true)."""
    import json

    with open(BUNDLED / "coverage.json", encoding="utf-8") as file:
        kept: dict[str, dict[str, object]] = json.load(file)
    return kept


@functools.lru_cache(maxsize=64)
def _cmap(font: Path, size: int) -> frozenset[int]:
    """The code points a font file maps to glyphs (empty for a file fontTools cannot read:
    the renderer says why)."""
    known = _bundled().get(font.name) if font.parent == BUNDLED else None
    if known is not None and known["bytes"] == size:
        ranges: list[list[int]] = known["ranges"]  # type: ignore[assignment]
        return frozenset(code for first, last in ranges for code in range(first, last + 1))
    from fontTools.ttLib import TTFont

    try:
        with TTFont(font, lazy=True, fontNumber=0) as opened:
            return frozenset(opened.getBestCmap() or {})
    except Exception:
        return frozenset()


@functools.lru_cache(maxsize=1)
def _system_coverage() -> _Coverage | None:
    """Whether some font fontconfig knows has a code point, asked of the union of every
    font's charset (built once a process); None if fontconfig cannot be loaded."""
    try:
        return _Coverage()
    except (OSError, AttributeError, ValueError):
        return None


class _Coverage:
    def __init__(self) -> None:
        lib = fontconfig()
        lib.FcPatternGetCharSet.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_void_p),
        ]
        lib.FcCharSetCreate.restype = ctypes.c_void_p
        lib.FcCharSetMerge.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.FcCharSetHasChar.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        self._lib = lib
        self._union = lib.FcCharSetCreate()
        pattern = lib.FcPatternCreate()
        objects = lib.FcObjectSetBuild(ctypes.c_char_p(b"charset"), ctypes.c_void_p(None))
        fonts = lib.FcFontList(None, pattern, objects)
        try:
            if fonts:
                for index in range(fonts.contents.nfont):
                    charset = ctypes.c_void_p()
                    found = lib.FcPatternGetCharSet(
                        fonts.contents.fonts[index], b"charset", 0, ctypes.byref(charset)
                    )
                    if found == 0 and charset.value:
                        lib.FcCharSetMerge(self._union, charset, None)
        finally:
            if fonts:
                lib.FcFontSetDestroy(fonts)
            lib.FcObjectSetDestroy(objects)
            lib.FcPatternDestroy(pattern)

    def __call__(self, code: int) -> bool:
        return bool(self._lib.FcCharSetHasChar(self._union, code))
