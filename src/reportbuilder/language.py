"""Everything that depends on the report's language, in one place: language codes and
typographic rules (quotes, French spacing, the colon).

Numbers, percents and dates are formatted by `compose.formatting` (Babel/CLDR) from the codes
parsed here; data files may give a text per language, picked by `pick_text`.

The theme's words ("Contents", "Page 3 of 8" …) are gettext catalogs in the theme's
`locale/` folder, read by `project.strings`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from babel import Locale, UnknownLocaleError

# --- Language codes ----------------------------------------------------------------------


def parse_locale(lang: str) -> Locale:
    """The Babel locale for a report language code such as `fr`, `es` or `en-GB`."""
    return Locale.parse(lang.replace("-", "_"))


def language_name(lang: str) -> str:
    """`English`, `Spanish`, `French (Canada)`: a language's name in English, for messages."""
    try:
        return str(parse_locale(lang).english_name or lang)
    except (ValueError, UnknownLocaleError):
        return lang


def is_known_locale(lang: str) -> bool:
    try:
        parse_locale(lang)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def normalize(lang: str) -> str:
    """One spelling everywhere: BCP 47 (`en-GB`, `zh-Hant-TW`), as in `<html lang>`, in
    BCP 47's cases (`ES` typed in a sheet is `es`: its file name and `/Lang` too)."""
    parts = lang.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            out.append(part.upper())  # region
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())  # script
        else:
            out.append(part.lower())
    return "-".join(out)


def base_language(lang: str) -> str:
    """`fr` for `fr-CA`."""
    return normalize(lang).split("-")[0].lower()


def pick_text(texts: Mapping[str, str], lang: str) -> str:
    """The text for `lang`, else for its base language (`en` for `en-GB`), else the first."""
    by_code = {str(code).lower().replace("_", "-"): text for code, text in texts.items()}
    wanted = normalize(lang).lower()
    for code in (wanted, wanted.split("-")[0]):
        if code in by_code:
            return by_code[code]
    for code, text in by_code.items():
        if code.split("-")[0] == wanted.split("-")[0]:
            return text
    return next(iter(texts.values()))


# --- Typography --------------------------------------------------------------------------


def colon(lang: str) -> str:
    """What goes between a label and its value: French puts a no-break space before ':'."""
    return "\u00a0: " if base_language(lang) == "fr" else ": "


_QUOTES: dict[str, dict[str, str]] = {
    "fr": {
        "left-double-quote": "«\u202f",
        "right-double-quote": "\u202f»",
        "left-single-quote": "‘",
        "right-single-quote": "’",
    },
    "es": {"left-double-quote": "«", "right-double-quote": "»"},
}


def quote_substitutions(lang: str) -> dict[str, str]:
    """Python-Markdown's smarty substitutions for the language's quotation marks."""
    return dict(_QUOTES.get(base_language(lang), {}))


_FR_BEFORE = re.compile(r"[ \u00a0]([;!?])")
_FR_COLON = re.compile(r" :(?=\s|$)")
_FR_OPEN = re.compile(r"« ")
_FR_CLOSE = re.compile(r" »")


# `Vraiment?!` typed without the space French wants (trial 5 #19): one narrow no-break space
# before the group, where the group ends a word (not `?q=` in an address written as text).
_FR_MISSING = re.compile(r"(?<=[^\W_]|[»)\]’”])([;!?]+)(?=\s|$|[»)\]’”\"])")


def _french(text: str) -> str:
    text = _FR_MISSING.sub("\u202f\\1", text)
    text = _FR_BEFORE.sub("\u202f\\1", text)
    text = _FR_COLON.sub("\u00a0:", text)
    text = _FR_OPEN.sub("«\u202f", text)
    return _FR_CLOSE.sub("\u202f»", text)


# French ordinals set as superscripts: 1er, 1re, 2e, 2nd, XXIe, 3es (not "Le", "Ce": a
# lone L or C before the ending is a word).
FRENCH_ORDINAL = re.compile(r"\b(\d+|(?!L\b|C\b)[IVXLC]+)(ers?|res?|es?|nde?s?|d)\b(?![-'’]\w)")


def has_spacing_rules(lang: str) -> bool:
    """Whether `typeset` changes text in this language."""
    return base_language(lang) in _UNIT_LANGUAGES


# A space between a figure and its unit or sign (12,5 %, 30 €, 5 km): French and Spanish
# write one, and a line must not break there; "12,5 %" printed "12,5" and "%" on two lines.
_UNIT_SPACE = re.compile(
    r"(?<=\d) (?=(?:%|‰|€|\$|£|¥|°[CF]?|(?:km|cm|mm|µm|kg|mg|ml|mL|cl|ha|min|kWh|kW|MW|GW|"
    r"Mo|Go|Ko|To|m|g|s|h|t|l|L|W|V)[²³]?)(?!\w))"
)
_UNIT_LANGUAGES = frozenset({"fr", "es"})


# A figure typed with spaces between its digit groups (1 234 567, French habit): one figure,
# never broken over two lines ("1 234" then "567" reads as two figures).
_DIGIT_GROUPS = re.compile(r"(?<![\d])\d{1,3}(?: \d{3})+(?!\d)")


def typeset(text: str, lang: str) -> str:
    """Plain text with the language's spacing rules: French no-break spaces before ; : ! ?
    and inside « »; in French and Spanish, a no-break space between a figure and its unit,
    and between the digit groups of a figure typed with spaces (narrow in French)."""
    language = base_language(lang)
    if language in _UNIT_LANGUAGES:
        joiner = "\u202f" if language == "fr" else "\u00a0"
        if " " in text:
            text = _DIGIT_GROUPS.sub(lambda m: m[0].replace(" ", joiner), text)
        text = _UNIT_SPACE.sub("\u00a0", text)
    return _french(text) if language == "fr" else text
