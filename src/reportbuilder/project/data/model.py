"""The statistics model: `Figure`, `Category`, `Breakdown`, `Table`, and `Localized` texts.

The model is language-neutral: a text given per language stays a `Localized` until `localize`
resolves a whole set of namespaces for one edition's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from reportbuilder.language import pick_text

Number = int | float


class WrittenNumber(float):
    """A number read from a CSV cell that remembers the decimals it was written with, so that
    `388,10` prints `388,10` (fr) or `388.10` (en), not `388.1`. Arithmetic gives plain floats."""

    __slots__ = ("decimals",)
    decimals: int | None

    def __new__(cls, value: float, decimals: int | None) -> WrittenNumber:
        number = super().__new__(cls, value)
        number.decimals = decimals
        return number

    def __reduce__(self) -> tuple[type[WrittenNumber], tuple[float, int | None]]:
        return (WrittenNumber, (float(self), self.decimals))


class DashZero(WrittenNumber):
    """A zero its spreadsheet format shows as a dash (an accounting format's `-`): printed
    as the dash in a table, summed as 0."""

    __slots__ = ()

    def __new__(cls, value: float = 0.0, decimals: int = 0) -> DashZero:
        return super().__new__(cls, 0.0, 0)  # type: ignore[return-value]

    def __reduce__(self) -> tuple[type[WrittenNumber], tuple[float, int]]:
        return (DashZero, (0.0, 0))


class Plus:
    """A number written with an explicit `+` (`+1,1` in a change column): printed with it,
    as readers scan a change column for it (trial 8 #8). Arithmetic gives plain numbers."""

    __slots__ = ()


class PlusInt(Plus, int):
    """A whole number written `+3`."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[PlusInt], tuple[int]]:
        return (PlusInt, (int(self),))


class PlusNumber(Plus, WrittenNumber):
    """A number with decimals written `+1,1`."""

    __slots__ = ()

    def __new__(cls, value: float, decimals: int | None) -> PlusNumber:
        return super().__new__(cls, value, decimals)  # type: ignore[return-value]

    def __reduce__(self) -> tuple[type[PlusNumber], tuple[float, int | None]]:
        return (PlusNumber, (float(self), self.decimals))


class Share(float):
    """A category's share of its base, from 0 to 1 (`.share`, 0.58 for 58 %): the `percent`
    filter, which takes 0 to 100, refuses it rather than print 0.58 %. Times 100 it is the
    percent (`ShownPercent`), printed with its sign."""

    __slots__ = ()

    def __mul__(self, other: Any) -> Any:
        product = float(self) * other
        hundred = isinstance(other, int | float) and not isinstance(other, bool) and other == 100
        return ShownPercent(product) if hundred else product

    __rmul__ = __mul__

    # Still a share, refused when printed alone: `c.share | round(2)` printed "0.33", and
    # `1 - c.share` "0.667", without a word.
    def __add__(self, other: Any) -> Any:
        total = float(self) + other
        return Share(total) if isinstance(other, Share) else total

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        rest = float(self) - other
        return Share(rest) if isinstance(other, Share) else rest

    def __rsub__(self, other: Any) -> Any:
        rest = other - float(self)
        whole = isinstance(other, int | float) and not isinstance(other, bool) and other == 1
        return Share(rest) if whole else rest

    def __round__(self, places: int | None = None) -> Any:  # type: ignore[override]
        return round(float(self)) if places is None else Share(round(float(self), places))

    def __reduce__(self) -> tuple[type[Share], tuple[float]]:
        return (Share, (float(self),))


class Year(int):
    """A year read from data (a column headed `year`, `año`, `année` …, a YAML key so named;
    see `data.years`): printed as written, `2023` (never `2,023`), and never summed."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[Year], tuple[int]]:
        return (Year, (int(self),))

    # A year plus or minus years is a year (`{{ data.s.year + 1 }}` printed "2 025" in French);
    # a year minus a year is a number of years.
    def __add__(self, other: Any) -> Any:
        total = int(self) + other
        return Year(total) if _whole(other) and not isinstance(other, Year) else total

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        rest = int(self) - other
        return Year(rest) if _whole(other) and not isinstance(other, Year) else rest


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Code(int):
    """A whole number that names rather than counts, read under a key or column named like
    a code (`zip`, `postcode`, `code`, `id`, `siret` …; see `data.years`): printed as
    written, `75011` (never the grouped `75 011`); a table's total refuses its column (by its
    name, see `compose.helpers._no_sum_kind`). Arithmetic on it gives plain numbers."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[Code], tuple[int]]:
        return (Code, (int(self),))


class PartialDate(dt.date):
    """A workbook date its format shows without the day (`mmm-yy` shows Jan-23, `yyyy`
    2023) or without the year (`d/m` shows 14/3): `shows` is "month", "year" or "day" (the
    day and month), and the report prints that much (`Jan 2023`, `Mar 14`)."""

    shows: str

    def __new__(cls, year: int, month: int = 1, day: int = 1, shows: str = "month") -> PartialDate:
        date = super().__new__(cls, year, month, day)
        date.shows = shows
        return date

    def __reduce__(self) -> tuple[type[PartialDate], tuple[int, int, int, str]]:
        return (PartialDate, (self.year, self.month, self.day, self.shows))


class ShownPercent(WrittenNumber):
    """A percent (0–100): a CSV cell of a `percent` column (`62,5 %`), a spreadsheet cell
    shown as a percent (even among other numbers: a sheet of indicators, population, growth
    2.5 %, households), a category's `.percent`. Printed with its percent sign wherever it is
    printed (`{{ }}` included: "took 62.5 of the budget" lost it, trial 7 #27), never summed
    with other numbers in a table's total.

    Arithmetic stays honest: the sum of percents, a percent plus or minus a number, a
    percent divided by a number (an average) are percents; a percent divided by 100 is the
    plain fraction; a difference of two percents is in percentage points (`PercentPoints`),
    and a percent times a number is a hundred times the part (`HundredfoldPart`): both are
    refused when printed as they are, with what to write."""

    __slots__ = ()

    def __new__(cls, value: float, decimals: int | None = None) -> ShownPercent:
        return super().__new__(cls, value, decimals)  # type: ignore[return-value]

    def __reduce__(self) -> tuple[type[WrittenNumber], tuple[float, int | None]]:
        return (ShownPercent, (float(self), self.decimals))

    def __str__(self) -> str:  # as written: `89`, not the float's `89.0`
        places = self.decimals
        if places is None or round(float(self), places) != float(self):
            return float.__repr__(self)
        return f"{float(self):.{places}f}"

    def _joined(self, other: Any, value: float) -> ShownPercent:
        """A sum's or a difference's decimals: the most either has (`60 % + 2.5` is 62.5 %)."""
        return ShownPercent(value, max(_places(self), _places(other)))

    def __add__(self, other: Any) -> Any:
        if not _plain_number(other):
            return float(self) + other
        return self._joined(other, float(self) + float(other))

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        if isinstance(other, ShownPercent):
            return PercentPoints(float(self) - float(other))
        if not _plain_number(other):
            return float(self) - other
        return self._joined(other, float(self) - float(other))

    def __rsub__(self, other: Any) -> Any:  # `100 - p`: the rest, a percent
        if not _plain_number(other):
            return other - float(self)
        return self._joined(other, float(other) - float(self))

    def __mul__(self, other: Any) -> Any:
        if isinstance(other, ShownPercent):
            return float(self) * float(other)
        if not _plain_number(other):
            return float(self) * other
        return HundredfoldPart(float(self) * float(other))

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Any:
        if isinstance(other, ShownPercent):
            return float(self) / float(other)  # a ratio of two percents is a plain number
        if not _plain_number(other):
            return float(self) / other  # a ratio of two percents is a plain number
        if other == 100:
            return float(self) / 100  # the fraction: 0.625 for 62.5 %
        return ShownPercent(float(self) / float(other))  # an average of percents

    def __rtruediv__(self, other: Any) -> Any:
        return other / float(self)

    def __neg__(self) -> ShownPercent:
        return ShownPercent(-float(self), self.decimals)

    def __pos__(self) -> ShownPercent:
        return self

    def __abs__(self) -> ShownPercent:
        return ShownPercent(abs(float(self)), self.decimals)

    def __round__(self, places: int | None = None) -> Any:  # type: ignore[override]
        if places is None:
            return round(float(self))
        return ShownPercent(round(float(self), places), places)


def _places(value: Any) -> int:
    """The decimals a number shows: as written, else those of its shortest form (`2.5` 1)."""
    written = getattr(value, "decimals", None)
    if isinstance(written, int):
        return written
    if isinstance(value, int):
        return 0
    text = repr(float(value))
    if "e" in text or "inf" in text or "nan" in text:
        return 6
    return len(text.partition(".")[2].rstrip("0"))


def _plain_number(value: Any) -> bool:
    """A number that arithmetic with a percent keeps a percent (not a share, a year …)."""
    kept_apart = bool | Share | PercentPoints | HundredfoldPart | Year
    return isinstance(value, int | float) and not isinstance(value, kept_apart)


class PlusPercent(Plus, ShownPercent):
    """A percent written `+1,1 %`: printed with its `+`."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[WrittenNumber], tuple[float, int | None]]:
        return (PlusPercent, (float(self), self.decimals))


class PercentPoints(float):
    """The difference of two percents (62.5 % − 57.5 %): 5 percentage points, not 5 %.
    Printed only through `number` (followed by "points") or `percent` if meant."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[PercentPoints], tuple[float]]:
        return (PercentPoints, (float(self),))


def same_kind(original: Any, number: float, places: int | None = None) -> Any:
    """`number` (`original` rounded) of the same kind as `original`: a rounded percent is
    still a percent printed with its sign, a rounded share still refused alone."""
    if isinstance(original, ShownPercent):
        return ShownPercent(number, places)
    if isinstance(original, Share | PercentPoints | HundredfoldPart):
        return type(original)(number)
    return number


class HundredfoldPart(float):
    """A percent (0–100) times a number: a hundred times the part it means (62.5 % × 200 is
    12 500, where 125 is meant). Divided by 100 it is that part; printed as it is, refused."""

    __slots__ = ()

    def __truediv__(self, other: Any) -> Any:
        if isinstance(other, int | float) and not isinstance(other, bool) and other == 100:
            return float(self) / 100
        return HundredfoldPart(float(self) / other)

    def __mul__(self, other: Any) -> Any:
        return HundredfoldPart(float(self) * other)

    __rmul__ = __mul__

    def __round__(self, places: int | None = None) -> Any:  # type: ignore[override]
        if places is None:
            return round(float(self))
        return HundredfoldPart(round(float(self), places))

    def __reduce__(self) -> tuple[type[HundredfoldPart], tuple[float]]:
        return (HundredfoldPart, (float(self),))


# Types a CSV header may declare (`victims [int]`); numeric ones are right-aligned in tables.
CSV_TYPES = ("text", "int", "number", "percent", "date")
NUMERIC_TYPES = ("int", "number", "percent")
# Category keys that `breakdown.<key>` could not reach, because an attribute has that name.
RESERVED_CATEGORY_KEYS = (
    "label", "base", "unit", "source", "note", "categories", "key", "total_count", "total_percent",
    "largest", "smallest", "rounded", "multiple", "decimals",
)  # fmt: skip


@dataclass(frozen=True)
class Localized:
    """One text per language (`{fr: Adultes, en: Adults}`), in the order written.

    Frozen and hashable; `texts` is the mapping by language code, `pick` the text for an
    edition's language (its base language, else the first given; see `pick_text`).
    """

    pairs: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        if not self.pairs:
            raise ValueError("a Localized text needs at least one language")

    @classmethod
    def of(cls, texts: Mapping[str, str]) -> Localized:
        return cls(tuple(texts.items()))

    @property
    def texts(self) -> dict[str, str]:
        return dict(self.pairs)

    def pick(self, lang: str) -> str:
        return pick_text(self.texts, lang)


Text = str | Localized


@dataclass(frozen=True)
class Figure:
    """A key figure: `value` (of `of`, as `percent_of` percent when `of` is given)."""

    value: Number
    label: Text | None = None
    unit: Text | None = None
    of: Number | None = None
    source: Text | None = None
    note: Text | None = None
    percent_of: float | None = None
    key: str = ""

    @property
    def rest(self) -> Number | None:
        """The complement: `of` − `value` (e.g. victims not interviewed), None without `of`."""
        return None if self.of is None else self.of - self.value


@dataclass(frozen=True)
class Category:
    """One part of a breakdown. `decimals`: how the percent was written (None when derived);
    `base`: the breakdown's base, when known."""

    key: str
    label: Text | None
    count: Number | None
    percent: Number | None
    share: float | None
    note: Text | None = None
    decimals: int | None = None
    base: Number | None = None

    @property
    def rest_percent(self) -> Number | None:
        """The complement: 100 − percent (`11` for adults at 89 %), None if percent is unknown.

        Rounded to the decimals the percent was written with, so `100 − 33.3` is `66.7`.
        """
        if self.percent is None:
            return None
        rest = 100 - self.percent
        return rest if self.decimals is None else round(rest, self.decimals)

    @property
    def rest_count(self) -> Number | None:
        """The complement: base − count (those not in this category), None when unknown."""
        if self.base is None or self.count is None:
            return None
        return self.base - self.count


@dataclass(frozen=True, eq=False)
class Breakdown:
    """A population split into categories; `breakdown.adults` and `breakdown['adults']` work.

    `rounded`: the percents are rounded and may miss 100 by one unit of their last decimal;
    `multiple`: several answers were possible, so nothing adds up; `decimals`: how many
    decimals its percents are printed with (None: as written, or one when derived).
    """

    key: str
    label: Text | None
    base: Number | None
    unit: Text | None
    source: Text | None
    note: Text | None
    categories: dict[str, Category]
    rounded: bool = False
    multiple: bool = False
    decimals: int | None = None

    def __getattr__(self, name: str) -> Category:
        # Only called when normal lookup fails; `categories` may be unset during copy/unpickle.
        categories = self.__dict__.get("categories") or {}
        if not name.startswith("_") and name in categories:
            return categories[name]
        raise AttributeError(name)

    def __getitem__(self, key: str | int) -> Category:
        if isinstance(key, int):
            return list(self.categories.values())[key]
        return self.categories[key]

    def __iter__(self) -> Iterator[Category]:
        return iter(self.categories.values())

    def __len__(self) -> int:
        return len(self.categories)

    def __dir__(self) -> list[str]:
        # Lets "did you mean" hints in templates suggest category names.
        return sorted({*super().__dir__(), *self.categories})

    @property
    def total_count(self) -> Number | None:
        counts = [c.count for c in self.categories.values()]
        return None if None in counts else sum(counts)  # type: ignore[arg-type]

    @property
    def total_percent(self) -> Number | None:
        percents = [c.percent for c in self.categories.values()]
        return None if None in percents else sum(percents)  # type: ignore[arg-type]

    @property
    def largest(self) -> Category | None:
        """The category with the highest percent (or count); the first one on a tie.

        Compared by percent when every category has one, else by count when every category
        has one; None when neither is known for all (a breakdown mixing both without a base,
        which is a problem reported when loading).
        """
        return self._extreme(max)

    @property
    def smallest(self) -> Category | None:
        """The category with the lowest percent (or count); the first one on a tie."""
        return self._extreme(min)

    def _extreme(self, pick: Callable[..., Category]) -> Category | None:
        items = list(self.categories.values())
        if not items:
            return None
        if all(c.percent is not None for c in items):
            return pick(items, key=lambda c: c.percent)
        if all(c.count is not None for c in items):
            return pick(items, key=lambda c: c.count)
        return None


class Table:
    """A CSV file: `columns`, and `rows` as dicts by column name; iterable over rows.

    `types` maps every column to its type: declared (`text`, `int`, `number`, `percent`,
    `date`) or guessed from the cells (`int`, `number`, `text`); see `guess_type`.
    `source` and `sheet`: the workbook and its one visible sheet, for a workbook read as
    one table (so that `data.m.Main` can be told to write `data.m`).
    """

    source: str | None = None
    sheet: str | None = None

    def __init__(
        self,
        name: str,
        columns: list[str],
        rows: list[dict[str, Any]],
        types: dict[str, str] | None = None,
        labels: Mapping[str, Text] | None = None,
    ) -> None:
        self.name = name
        self.columns = columns
        self.rows = rows
        self.labels: dict[str, Text] = dict(labels or {})  # column headings, from report.yml
        given = types or {}
        self.types: dict[str, str] = {
            column: given.get(column) or guess_type(row.get(column) for row in rows)
            for column in columns
        }

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.rows[index]

    def __repr__(self) -> str:
        return f"Table({self.name!r}, {len(self.columns)} columns, {len(self.rows)} rows)"


def guess_type(values: Iterable[Any]) -> str:
    """`int` if every non-empty cell is int, `number` if all are numbers, else (or with no
    non-empty cell) `text`."""
    kinds = set()
    for value in values:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "text"
        kinds.add(type(value))
    if not kinds:
        return "text"
    return "int" if kinds == {int} else "number"


# --- One edition's language --------------------------------------------------------------


def localize(namespaces: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A copy of `namespaces` with every `Localized` text picked for `lang`.

    Figures, breakdowns and categories are copied with `dataclasses.replace` (only when one
    of their texts is per language); plain dicts and lists are walked; tables and every other
    value are shared, since nothing in them is per language.
    """
    return {key: _localized(value, lang) for key, value in namespaces.items()}


def _localized(value: Any, lang: str) -> Any:
    if isinstance(value, Localized):
        return value.pick(lang)
    if isinstance(value, Breakdown):
        categories = {key: _texts_picked(c, lang) for key, c in value.categories.items()}
        return _texts_picked(replace(value, categories=categories), lang)
    if isinstance(value, Figure | Category):
        return _texts_picked(value, lang)
    if isinstance(value, dict):
        return {key: _localized(child, lang) for key, child in value.items()}
    if isinstance(value, list):
        return [_localized(child, lang) for child in value]
    return value


def _texts_picked(item: Any, lang: str) -> Any:
    """The dataclass `item` with its `Localized` fields picked for `lang` (itself if none)."""
    changes = {
        field.name: text.pick(lang)
        for field in fields(item)
        if isinstance(text := getattr(item, field.name), Localized)
    }
    return replace(item, **changes) if changes else item
