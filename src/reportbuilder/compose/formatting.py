"""Locale-aware formatting of numbers, percents, dates (Babel/CLDR) and phone numbers
(phonenumbers), in one place.

Templates and content call these through the `number`, `percent` and `date` filters;
nothing else in the package formats a figure for display.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent

from reportbuilder.errors import CallError
from reportbuilder.language import parse_locale
from reportbuilder.project.data.model import (
    Breakdown,
    Category,
    Code,
    Figure,
    HundredfoldPart,
    PercentPoints,
    Plus,
    Share,
    ShownPercent,
    Table,
    Year,
)
from reportbuilder.project.dates import iso_hint, read_date

NBSP = "\u00a0"
MINUS = "\u2212"
# Languages whose CLDR data set minimumGroupingDigits to 2 (no separator in 4-digit numbers).
_MIN_GROUPING_TWO = frozenset({"es", "pl", "bg"})
# Money signs a unit may be: set where the edition's language puts money (CLDR's currency
# pattern), before the amount in English ("$1,234.5"), after it in French and Spanish.
CURRENCY_SYMBOLS = frozenset({"$", "€", "£", "¥", "₹", "₩", "₽", "₺", "₪", "US$", "R$", "A$", "C$"})
# What a spreadsheet shows for a true or false cell, in the languages Excel is sold in that
# reports are written in; English's elsewhere.
_BOOLEANS = {
    "en": ("TRUE", "FALSE"),
    "fr": ("VRAI", "FAUX"),
    "es": ("VERDADERO", "FALSO"),
    "pt": ("VERDADEIRO", "FALSO"),
    "de": ("WAHR", "FALSCH"),
    "it": ("VERO", "FALSO"),
    "nl": ("WAAR", "ONWAAR"),
}


# Below this, a computed value with more decimals than written is taken for float noise.
_NOISE = Decimal("1e-10")


def _decimals_of(value: float | int | Decimal, most: int = 2) -> int:
    """Decimals that show a value as written, up to `most` (three below 1: `12.5` → 1,
    `0.125` → 3); a computed value with more (`26.5314…`) gets one, or below 1 three
    significant digits (`0.01714…` → 0.0171, `1/300` → 0.00333, `1e-7` → 0.0000001), so that
    a small figure never prints as 0.0, nor a third off (one digit printed 0.02 for 0.015:
    trial 6 #60)."""
    if isinstance(value, int):
        return 0
    exact = Decimal(repr(value)) if isinstance(value, float) else value
    exponent = exact.normalize().as_tuple().exponent
    if not isinstance(exponent, int):
        return 0
    places = max(-exponent, 0)
    small = bool(exact) and abs(exact) < 1
    if places <= (max(most, 3) if small else most):
        return places
    if small and abs(exact) < _NOISE:
        return 0  # `0.1 + 0.2 - 0.3` is 5.55e-17: the noise of binary fractions, printed 0
    if small:
        shown = exact.quantize(Decimal(1).scaleb(-max(-exact.adjusted() + 2, 1)))
        last = shown.normalize().as_tuple().exponent  # 0.300 is 0.3 (float noise: 0.1 + 0.2)
        return max(-last, 1) if isinstance(last, int) else 1
    return 1


# A month and year in each date style: `Jan 2023` (medium), `January 2023` (long).
_PARTIAL_SKELETONS = {"short": "yMM", "medium": "yMMM", "long": "yMMMM", "full": "yMMMM"}
_DAY_SKELETONS = {"short": "dM", "medium": "MMMd", "long": "MMMMd", "full": "MMMMd"}


def _grouped(
    format_number: Callable[..., str], value: Decimal | float, pattern: str, locale: Locale
) -> str:
    """Babel's `format_decimal`/`format_percent` of `value` by `pattern`, right where Babel
    2.19 is not: with an apostrophe as the group mark (de_CH, fr_CH, it_CH…) it leaves a
    number of seven digits or more ungrouped ("1234567" beside "123'456"). There the number
    is formatted with English marks and they are swapped for the locale's."""
    symbols = locale.number_symbols.get("latn", {})
    group, decimal = symbols.get("group", ","), symbols.get("decimal", ".")
    if "'" not in group:
        return format_number(value, format=pattern, locale=locale, decimal_quantization=True)
    english = format_number(value, format=pattern, locale="en", decimal_quantization=True)
    return english.translate(str.maketrans({",": group, ".": decimal}))


@dataclass(frozen=True)
class Formatter:
    """Formats figures for one report language. `wide_column`: numbers printed in a column that
    holds a number of five digits or more, where Spanish groups a four-digit one too (`1.234`
    under `83.517`: RAE's exception to writing 1234)."""

    lang: str
    wide_column: bool = False

    def for_column(self, values: Iterable[object]) -> Formatter:
        """The formatter for a table column of `values` (see `wide_column`)."""
        wide = False
        for value in values:
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                wide = wide or abs(float(value)) >= 10_000
        return dataclasses.replace(self, wide_column=True) if wide else self

    @property
    def locale(self) -> Locale:
        return parse_locale(self.lang)

    def number(
        self, value: float | int | Decimal, decimals: int | None = None, unit: str | None = None
    ) -> str:
        """`1234567` → `1 234 567` (fr), `1,234,567` (en); `unit` is joined by a no-break space.
        `decimals` is not limited here: a total shows its cells' decimals, however many (the
        `number` filter limits what an author asks for)."""
        value = _check_number(value, "number")
        # A number written in a template is a float: `{{ 2.675 | number }}` prints as written.
        places = written_decimals(value, most=3) if decimals is None else decimals
        exact = rounded(value, places)
        # A year or a code names, it does not count: `75011`, never `75 011` (trial 7 #13).
        named = isinstance(value, Code | Year)
        grouping = "#,##0" if self._groups(exact) and not named else "0"
        pattern = grouping + ("." + "0" * places if places else "")
        text = _grouped(format_decimal, exact, pattern, self.locale)
        text = with_minus(text)
        if isinstance(value, Plus) and not text.startswith(MINUS):
            text = f"+{text}"  # written `+1,1` in a change column (trial 8 #8)
        if unit == "%":  # as `| percent` writes it: "12.5%" in English, "12,5 %" in French
            return self.percent(value, places)
        if unit in CURRENCY_SYMBOLS:  # where the language puts money: "$1,234.5", "1 234,5 $"
            pattern = self.locale.currency_formats["standard"].pattern.split(";")[0]
            if pattern.startswith("¤"):
                sign, digits = (text[0], text[1:]) if text[:1] in (MINUS, "+") else ("", text)
                return f"{sign}{unit}{NBSP if pattern[1:2].isspace() else ''}{digits}"
        return f"{text}{NBSP}{unit}" if unit else text

    def _groups(self, value: float | int | Decimal) -> bool:
        """CLDR's minimumGroupingDigits, which Babel ignores: Spanish writes 1200 but 12 000."""
        two = self.locale.language in _MIN_GROUPING_TWO or str(self.locale) == "pt_PT"
        return not two or self.wide_column or abs(float(value)) >= 10_000

    def printed(self, value: float | int | Decimal) -> str:
        """A number printed by `{{ … }}` as it is: a percent with its sign (`62,5 %`), a year
        or a code as written; a share (0 to 1), a difference of percents or a percent times
        a number, whose figure printed alone says something else, refused with what to
        write."""
        value = _check_number(value, "the value printed here")
        if isinstance(value, Code | Year):
            return str(int(value))
        if isinstance(value, ShownPercent):
            return self.percent(value)
        if isinstance(value, Share):
            shown = self.percent(float(value) * 100)
            raise CallError(
                f"this is a share from 0 to 1 ({self.number(value)}, that is {shown}), printed "
                "without its percent sign: print the category's .percent instead, or write "
                "'| number' to print the fraction"
            )
        if isinstance(value, PercentPoints):
            points = self.number(value)
            raise CallError(
                f"this is a difference of two percents: {points} percentage points, not "
                f"{points} %: print it with '| number' followed by the word points, or with "
                "'| percent' if a change in percent is meant"
            )
        return self.number(value)

    def boolean(self, value: bool) -> str:
        """A true/false cell as a spreadsheet in the report's language shows it: `TRUE`,
        `VRAI`, `VERDADERO` (Python's `True` is no word of a report)."""
        true, false = _BOOLEANS.get(self.locale.language, _BOOLEANS["en"])
        return true if value else false

    def filters(self) -> dict[str, Any]:
        """The Jinja filters content and templates format with; their arguments are checked
        so that a misspelt one gets "did you mean" (never Python's own message)."""
        from reportbuilder.compose.helpers import checked  # helpers import this module

        def number(
            value: float | int | Decimal, decimals: int | None = None, unit: str | None = None
        ) -> str:
            places = None if decimals is None else _check_places("number", decimals)
            return self.number(value, places, unit)

        def percent(value: float | int | Decimal, decimals: int | None = None) -> str:
            places = None if decimals is None else _check_places("percent", decimals)
            return self.percent(value, places)

        return {
            "number": _per_edition(checked("number", self.number, number)),
            "percent": _per_edition(checked("percent", self.percent, percent)),
            "date": _per_edition(checked("date", self.date, self.date)),
        }

    def percent(self, value: float | int | Decimal, decimals: int | None = None) -> str:
        """A share given in 0–100: `89` → `89 %` (no-break space) in French, `89%` in English."""
        value = _check_number(value, "percent")
        if isinstance(value, Share):
            raise CallError(
                f"percent: this is a share from 0 to 1 ({float(value):g}), and percent takes 0 "
                "to 100: print the category's .percent, or the share multiplied by 100"
            )
        places = written_decimals(value) if decimals is None else decimals
        pattern = self.locale.percent_formats[None].pattern
        if places:
            pattern = pattern.replace("#,##0", "#,##0." + "0" * places, 1)
        exact = rounded(value, places) / 100
        text = with_minus(_grouped(format_percent, exact, pattern, self.locale))
        return f"+{text}" if isinstance(value, Plus) and not text.startswith(MINUS) else text

    def date(self, value: dt.date | str, style: str = "long") -> str:
        """`2026-11-28` → `28 novembre 2026` (fr, long); `style` is a CLDR style or pattern."""
        if isinstance(value, str):
            day = read_date(value, None)
            if day is None:
                raise CallError(f"date: {iso_hint(value)}")
            value = day
        if not isinstance(value, dt.date):
            raise CallError(f"date: expected a date, got {_described(value)}")
        _check_style(style)
        shows = getattr(value, "shows", None)  # a workbook's month or year (`PartialDate`)
        if shows and style in _PARTIAL_SKELETONS:
            skeleton = {"year": "y", "day": _DAY_SKELETONS[style]}.get(
                shows, _PARTIAL_SKELETONS[style]
            )
            return format_skeleton(skeleton, value, locale=self.locale)
        return format_date(value, format=style, locale=self.locale)


def format_phone(number: str, lang: str, country: str | None = None) -> str:
    """A phone number as its country writes it: `+56 2 2274 6713`; the national form
    (`(2) 2274 6713`) when the edition's locale is of the number's country (`es-CL`).

    A number the current plan does not list is printed as written (contacts.yml warns of
    it): regrouped as its country groups valid ones, `+971 4 123 4567` read `+971 412 3
    4567`. `number` must have passed contacts.yml's check.
    """
    import phonenumbers

    from reportbuilder.project.contacts import parse_phone

    parsed = parse_phone(number, country)
    region = phonenumbers.region_code_for_number(parsed)
    if phonenumbers.is_valid_number(parsed):
        national = parse_locale(lang).territory == region
        style = phonenumbers.PhoneNumberFormat
        return phonenumbers.format_number(
            parsed, style.NATIONAL if national else style.INTERNATIONAL
        )
    return " ".join(number.split())


def rounded(value: float | int | Decimal, places: int) -> Decimal:
    """`value` at `places` decimals, half away from zero as Excel and a reader round (Babel
    alone rounds half to even: 12.5 would print 12), from the number as written (`repr`),
    so that 2.675 is 2.68, not the binary 2.67499…. A value that rounds to zero is plain
    zero: `-0.004` at one decimal is `0.0`, never a "−0.0" a reader takes for a fall."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        exact = Decimal(value)
    result = exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def with_minus(text: str) -> str:
    """A printed negative with the true minus sign (U+2212): CLDR gives most languages the
    ASCII hyphen, which print typography (en, fr, es alike) does not use for numbers."""
    return text.replace("-", MINUS, 1) if text.lstrip().startswith("-") else text


def written_decimals(value: float | int | Decimal, most: int = 2) -> int:
    """A CSV number's own decimals (`501,00` → 2), else what `_decimals_of` says."""
    written = getattr(value, "decimals", None)
    return written if isinstance(written, int) else _decimals_of(value, most)


def _check_number(value: object, name: str = "number") -> float | int | Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise CallError(f"{name}: expected a number, got {_described(value)}")
    if isinstance(value, HundredfoldPart) and name != "percent":  # `| percent`: a percent scaled
        raise CallError(
            f"{name}: this is a percent (0 to 100) times a number, a hundred times the part it "
            f"stands for ({float(value):g} where {float(value) / 100:g} is meant): divide it "
            "by 100, e.g. (….percent * ….count / 100), or write '| percent' for a percent "
            "scaled (….percent * 1.1)"
        )
    return value


def _check_places(name: str, decimals: object) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise CallError(f"{name}(): decimals must be a whole number from 0 to 6, got {decimals!r}")
    return decimals


def _described(value: object) -> str:
    """A value as an author knows it: `a key figure (use its .value)`, `the text 'a'`."""
    if isinstance(value, Figure):
        return "a key figure (use its value: ….value)"
    if isinstance(value, Category):
        return "a category (use its count or percent: ….count, ….percent)"
    if isinstance(value, Breakdown):
        return "a whole breakdown (pick a category and its count or percent)"
    if isinstance(value, Table):
        return 'a whole table (pick a cell: ….rows[0]["column"])'
    if isinstance(value, str):
        # As printed, not as Python writes it: '12,5\xa0%' for a French edition's "12,5 %"
        # (the control characters are escaped by `Problem` itself).
        shown = value[:40].replace("\u00a0", " ").replace("\u202f", " ")
        return f"the text '{shown}'"
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, Mapping):
        return "a group of values (pick one by its key)"
    if isinstance(value, list | tuple):
        return "a list (pick one element, e.g. [0])"
    return f"a {type(value).__name__}"


def _per_edition(function: Callable[..., str]) -> Callable[..., str]:
    """`function` as a filter Jinja never runs while compiling. Its text depends on the
    edition's language, and a compiled chapter is shared by the editions (and kept in the
    compose cache): Jinja folds a filter of constants (`{{ 1234.5 | number }}`) into the
    code, in the language of the edition that compiled it first."""
    import jinja2

    @jinja2.pass_context
    @functools.wraps(function)
    def per_edition(context: Any, *args: Any, **kwargs: Any) -> str:
        return function(*args, **kwargs)

    return per_edition


_STYLES = ("short", "medium", "long", "full")
# CLDR letters of a date that mean what an author means: year, month, day of the month,
# weekday. `D` (day of the year), `Y` (the week's year), `m` (minutes), `h`… do not.
_DATE_LETTERS = frozenset("yMLdEec")


def _check_style(style: str) -> None:
    """A `date` style is one of CLDR's four, or a pattern of the letters of a date only:
    `DD/MM/YYYY` (as Excel writes it) printed "60/03/2026" (day 60 of the year), a misspelt
    `ful` printed "f2026l"."""
    import difflib
    import re

    if style in _STYLES:
        return
    named = difflib.get_close_matches(style.lower(), _STYLES, n=1, cutoff=0.6)
    letters = {c for c in re.sub(r"'[^']*'", "", style) if c.isalpha()}
    wrong = sorted(letters - _DATE_LETTERS)
    if not wrong and letters:
        return
    if named and (not letters & _DATE_LETTERS or style.isalpha()):
        raise CallError(f"date: no style '{style}' (did you mean '{named[0]}'?)")
    raise CallError(
        f"date: the pattern '{style}' uses {', '.join(wrong) or 'no letter of a date'}, which "
        "CLDR does not read as the day, month or year (D is the day of the year, Y the "
        "week's year); write a style (short, medium, long, full) or a pattern such as "
        "'dd/MM/y' or 'd MMMM y'"
    )
