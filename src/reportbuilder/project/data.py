"""The project's data files (`data/*.yml|*.yaml|*.json|*.csv`, one namespace per file stem) and
the statistics model found in them: key figures, breakdowns and their categories, with the
consistency checks that keep the numbers of a report honest.

Derived values, so that authors never compute a number by hand:

- `Figure.percent_of` (value as a percent of `of`) and `Figure.rest` (`of` − value);
- `Breakdown.base`, when not given, is the sum of the counts if every category gives one (a
  breakdown without a base may also give percents only, but not mix the two);
- `Category.count` / `Category.percent` derived from each other when the base is known;
  `Category.rest_percent` (100 − percent) and `Category.rest_count` (base − count), the
  complement of the category; `Breakdown.total_count`, `total_percent`, `largest`, `smallest`.

CSV files become a `Table`. A header cell may declare its column's type in brackets:
`region,victims [int],share [percent],year [text],rate [number],day [date]`. The column is
named without the bracket part (`victims`); only the last bracket is the type, so
`amount [USD] [number]` is the column `amount [USD]`. Types:

- `text`: the cell as written;
- `int`: a whole number (`-3`, `40`; no thousands separators, no `12.0`);
- `number`: a float (`12.5`, `1e3`; `12,5` too when the file is separated by `;`);
- `percent`: a number from 0 to 100 (a float), a trailing `%` accepted (`40.4 %`);
- `date`: an ISO date `YYYY-MM-DD`, read as `datetime.date`.

An empty (or blank) cell in a typed column is None, whatever the type: missing values are
allowed, and the table shows them as empty cells. A cell that does not read as its type is a
problem naming the line, e.g. `column 'victims' expects a whole number, got 'abc'` (every cell
is checked); the row is kept with None in that cell. An unknown type is a problem too, and the
column is then read as if undeclared. Undeclared columns are guessed cell by cell, as before:
whole numbers become int, other numbers float (`12,5` with `;`), everything else stays text
(codes with leading zeros such as `01` included), an empty cell stays `""`.

`Table.types` gives every column's type: the declared one, or for an undeclared column a guess
from its non-empty cells: `int` if all are int, `number` if all are numbers, else `text`.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reportbuilder.errors import Problem, ReportError, Stage
from reportbuilder.language import pick_text
from reportbuilder.project.textio import read_text
from reportbuilder.project.validation import LineOf, dotted
from reportbuilder.project.yamlio import MAX_DEPTH, YamlDoc, load_yaml

DATA_DIR = "data"
SUFFIXES = (".yml", ".yaml", ".json", ".csv")
CSV_MAX_BYTES = 20_000_000  # exported spreadsheets run larger than hand-written files

FIGURE_KEYS = ("value", "label", "unit", "of", "source", "note")
BREAKDOWN_KEYS = ("label", "base", "unit", "source", "note", "categories")
CATEGORY_KEYS = ("label", "count", "percent", "note")
# Category keys that `breakdown.<key>` could not reach, because an attribute has that name.
RESERVED_CATEGORY_KEYS = (
    "label", "base", "unit", "source", "note", "categories", "key", "total_count", "total_percent",
    "largest", "smallest",
)  # fmt: skip
# Types a CSV header may declare (`victims [int]`); numeric ones are right-aligned in tables.
CSV_TYPES = ("text", "int", "number", "percent", "date")
NUMERIC_TYPES = ("int", "number", "percent")
_EPSILON = 1e-9  # float noise in sums and ratios, far below any written precision

Number = int | float
Key = str | int


def _problem(path: str, line: int | None, message: str) -> Problem:
    return Problem(path, line, message, stage=Stage.PROJECT)


# --- The model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A key figure: `value` (of `of`, as `percent_of` percent when `of` is given)."""

    value: Number
    label: str | None = None
    unit: str | None = None
    of: Number | None = None
    source: str | None = None
    note: str | None = None
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
    label: str | None
    count: Number | None
    percent: Number | None
    share: float | None
    note: str | None = None
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
    """A population split into categories; `breakdown.adults` and `breakdown['adults']` work."""

    key: str
    label: str | None
    base: Number | None
    unit: str | None
    source: str | None
    note: str | None
    categories: dict[str, Category]

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
    `date`) or guessed from the cells (`int`, `number`, `text`); see the module docstring.
    """

    def __init__(
        self,
        name: str,
        columns: list[str],
        rows: list[dict[str, Any]],
        types: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.columns = columns
        self.rows = rows
        given = types or {}
        self.types: dict[str, str] = {
            column: given.get(column) or _guess_type(row.get(column) for row in rows)
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


# --- Loading -----------------------------------------------------------------------------


@dataclass
class _Source:
    rel: str
    value: Any
    line: LineOf
    number_texts: dict[tuple[Key, ...], str]


def load_data(root: Path, lang: str) -> tuple[dict[str, Any], list[Problem]]:
    """Every data file by stem, statistics turned into `Figure`/`Breakdown`, CSV into `Table`.

    Never raises for user errors: returns all problems found. A file that cannot be read is
    left out of the namespaces; a file with inconsistent figures is kept (with what is known).
    """
    folder = root / DATA_DIR
    if not folder.is_dir():
        return {}, []
    problems: list[Problem] = []
    namespaces: dict[str, Any] = {}
    sources: dict[str, _Source] = {}
    owner: dict[str, str] = {}
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        return {}, [_problem(f"{DATA_DIR}/", None, f"cannot list the folder: {error.strerror}")]
    for path in entries:
        suffix = path.suffix.lower()
        # Hidden files, editor backups and Office lock files (`~$x.csv`) are not data.
        if suffix not in SUFFIXES or path.name.startswith((".", "~$")) or path.name.endswith("~"):
            continue
        rel = f"{DATA_DIR}/{path.name}"
        stem = path.stem
        if stem in owner:
            problems.append(
                _problem(
                    rel, None, f"two data files are named '{stem}' ({owner[stem]}); rename one"
                )
            )
            continue
        owner[stem] = rel
        try:
            if suffix == ".csv":
                table, found = _load_csv(read_text(path, rel, max_bytes=CSV_MAX_BYTES), rel, stem)
                problems += found
                if table is not None:
                    namespaces[stem] = table
                continue
            text = read_text(path, rel)
            source = _load_json(text, rel) if suffix == ".json" else _load_yaml(text, rel)
        except ReportError as error:
            problems += error.problems
            continue
        sources[stem] = source
    model = _Model(sources, lang)
    for stem, source in sources.items():
        namespaces[stem] = model.build(stem, source)
    problems += model.problems
    return dict(sorted(namespaces.items())), problems


def _load_yaml(text: str, rel: str) -> _Source:
    doc = load_yaml(text, rel)
    value = {} if doc.value is None else doc.value
    return _Source(rel, value, doc.line, doc.number_texts)


class _BadConstant(Exception):
    pass


def _load_json(text: str, rel: str) -> _Source:
    """JSON, strictly: no NaN/Infinity, no duplicate keys; lines come from reading it as YAML."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    def constant(name: str) -> Any:
        raise _BadConstant(name)

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as error:
        raise ReportError(
            _problem(rel, error.lineno, f"{error.msg} (column {error.colno})")
        ) from None
    except _BadConstant:
        raise ReportError(_constant_problems(text, rel)) from None
    except RecursionError:
        raise ReportError(_problem(rel, None, "nested too deeply")) from None
    except ValueError:  # an integer beyond Python's 4300-digit conversion limit
        match = re.search(r"\d{4000,}", text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        raise ReportError(_problem(rel, line, "the number has too many digits")) from None
    deep = _depth_beyond(value, MAX_DEPTH)
    if deep:
        raise ReportError(_problem(rel, None, f"nested more than {MAX_DEPTH} levels deep"))
    # JSON without NaN is YAML too: read it again only to learn the line of every key.
    try:
        doc: YamlDoc | None = load_yaml(text, rel)
    except ReportError as error:
        doc = None
        found = [p for p in error.problems if p.message.startswith("duplicate key")]
        if duplicates:
            raise ReportError(
                found or [_problem(rel, None, f"duplicate key '{key}'") for key in duplicates]
            ) from None
    if duplicates:  # YAML and JSON disagree about the text: still refuse it
        raise ReportError([_problem(rel, None, f"duplicate key '{key}'") for key in duplicates])
    if doc is None:
        return _Source(rel, value, lambda path: None, {})
    return _Source(rel, value, doc.line, doc.number_texts)


def _constant_problems(text: str, rel: str) -> list[Problem]:
    problems = []
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', text):
        if match.group(1):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(
                _problem(rel, line, f"'{match.group(1)}' is not a number (write a number or null)")
            )
    return problems or [_problem(rel, None, "NaN or Infinity is not a number")]


def _depth_beyond(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


# --- CSV ---------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_FLOAT = re.compile(r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_COMMA_FLOAT = re.compile(r"[+-]?(?:0|[1-9]\d*),\d+")


_TYPED_HEADER = re.compile(r"(.*?)\s*\[([^\[\]]*)\]\s*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXPECTS = {
    "int": "a whole number",
    "number": "a number",
    "percent": "a percent from 0 to 100",
    "date": "a date as YYYY-MM-DD",
}


class _BadCell(Exception):
    """A cell that does not read as its column's declared type."""


def _load_csv(text: str, rel: str, stem: str) -> tuple[Table | None, list[Problem]]:
    """A CSV with a header row; `,` or `;` (French spreadsheets: then `12,5` is a number)."""
    first = next((line for line in text.split("\n") if line.strip()), None)
    if first is None:
        return None, [_problem(rel, 1, "empty CSV file: the first row must name the columns")]
    unquoted = re.sub(r'"[^"]*"', "", first)
    delimiter = max((",", ";", "\t"), key=unquoted.count)  # ties go to the first: ','
    comma = delimiter == ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    problems: list[Problem] = []
    header: list[str] | None = None
    declared: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(_problem(rel, reader.line_num, f"cannot read CSV: {error}"))
            break
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header, declared, found = _read_header(row)
            problems += [_problem(rel, line, message) for message in found]
            continue
        if len(row) != len(header):
            problems.append(
                _problem(rel, line, f"row has {len(row)} fields, the header has {len(header)}")
            )
            continue
        values: dict[str, Any] = {}
        for name, cell in zip(header, row, strict=True):
            kind = declared.get(name)
            if kind is None:
                values[name] = _cell(cell, comma)
                continue
            try:
                values[name] = _typed_cell(cell, kind, comma)
            except _BadCell as error:
                values[name] = None
                problems.append(_problem(rel, line, f"column '{name}' {error}"))
        rows.append(values)
    if header is None:
        return None, problems
    return Table(stem, header, rows, declared), problems


def _read_header(row: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
    """Column names without their `[type]`, the declared types by name, and problems."""
    names: list[str] = []
    declared: dict[str, str] = {}
    problems: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(row, start=1):
        name, written = cell.strip(), None
        match = _TYPED_HEADER.fullmatch(name)
        if match:
            name, written = match[1].strip(), match[2].strip()
        names.append(name)
        if not name:
            problems.append(f"column {index} has no name in the header row")
        elif name in seen:
            problems.append(f"column '{name}' appears twice in the header row")
        seen.add(name)
        if written is None or not name:
            continue
        kind = written.lower()  # `[Int]` is `[int]`
        if kind in CSV_TYPES:
            declared[name] = kind
            continue
        close = difflib.get_close_matches(kind, CSV_TYPES, n=1, cutoff=0.5)
        tip = f"did you mean '{close[0]}'? " if close else ""
        problems.append(
            f"column '{name}' has an unknown type '{written}' "
            f"({tip}known types: {', '.join(CSV_TYPES)})"
        )
    return names, declared, problems


def _cell(field: str, decimal_comma: bool) -> Any:
    """Numbers become int/float; codes with leading zeros, and everything else, stay text."""
    text = field.strip()
    try:
        if _INT.fullmatch(text):
            return int(text)
        if _FLOAT.fullmatch(text):
            number = float(text)
        elif decimal_comma and _COMMA_FLOAT.fullmatch(text):
            number = float(text.replace(",", "."))
        else:
            return field
    except ValueError:  # more digits than Python converts
        return field
    return number if math.isfinite(number) else field


def _typed_cell(field: str, kind: str, decimal_comma: bool) -> Any:
    """The cell read as `kind`; None when blank. Raises `_BadCell` with the message's end."""
    text = field.strip()
    if not text:
        return None
    if kind == "text":
        return field
    bad = _BadCell(f"expects {_EXPECTS[kind]}, got '{text}'")
    if kind == "int":
        if not _INT.fullmatch(text):
            raise bad
        try:
            return int(text)
        except ValueError:  # more digits than Python converts
            raise bad from None
    if kind == "date":
        try:
            if _ISO_DATE.fullmatch(text):
                return dt.date.fromisoformat(text)
        except ValueError:  # 2024-02-30
            pass
        raise bad
    if kind == "percent" and text.endswith("%"):
        text = text[:-1].rstrip()
    if _FLOAT.fullmatch(text):
        number = float(text)
    elif _COMMA_FLOAT.fullmatch(text):
        if not decimal_comma:
            raise _BadCell(f"{bad} (a decimal comma needs ';' between the columns)")
        number = float(text.replace(",", "."))
    else:
        raise bad
    if not math.isfinite(number) or (kind == "percent" and not 0 <= number <= 100):
        raise bad
    return number


def _guess_type(values: Iterable[Any]) -> str:
    """`int`, `number` or `text`, from a column's non-empty cells (none: `text`)."""
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


# --- Statistics --------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: Any) -> str | None:
    """'figure', 'breakdown' or None (plain data), by the shape of a mapping."""
    if not isinstance(value, dict):
        return None
    if "categories" in value:
        return "breakdown"
    if "base" in value and any(
        difflib.get_close_matches(str(key), ["categories"], cutoff=0.75) for key in value
    ):
        return "breakdown"  # with a misspelt `categories`, which must not pass silently
    if "value" in value and (_is_number(value["value"]) or set(value) <= set(FIGURE_KEYS)):
        return "figure"
    return None


def _fmt(number: float) -> str:
    """A number for a message: `70`, `99.9`, never `70.00000000001`."""
    if not math.isfinite(number):
        return str(number)
    rounded = round(number, 6)
    return str(int(rounded)) if rounded == int(rounded) else repr(rounded)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__ if not isinstance(value, int | float) else _fmt(value)


def _hint(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(known)}"


def _decimals(value: Number, text: str | None) -> int:
    """Decimals a number was written with: from its source text when known (`89.0` → 1)."""
    if isinstance(value, int) and text is None:
        return 0
    for candidate in (text.replace("_", "") if text else None, repr(value)):
        if candidate is None:
            continue
        try:
            exponent = Decimal(candidate).as_tuple().exponent
        except InvalidOperation:
            continue
        if isinstance(exponent, int):
            return max(-exponent, 0)
    return 0


_INVALID = object()  # a figure whose value is wrong: references to it stay silent


class _Model:
    """Builds figures and breakdowns for every source, collecting problems."""

    def __init__(self, sources: dict[str, _Source], lang: str) -> None:
        self.sources = sources
        self.lang = lang
        self.problems: list[Problem] = []
        self.figures: dict[tuple[str, ...], Any] = {}
        self.stem = ""  # the file being built, set by `build`
        self.source = _Source("", None, lambda path: None, {})
        for stem, source in sources.items():
            self._index(stem, source.value, ())

    def _index(self, stem: str, value: Any, path: tuple[Key, ...]) -> None:
        kind = _kind(value)
        if kind == "figure":
            number = value["value"]
            ok = _is_number(number) and math.isfinite(number) and number >= 0
            self.figures[(stem, *map(str, path))] = number if ok else _INVALID
        elif kind is None and isinstance(value, dict):
            for key, child in value.items():
                self._index(stem, child, (*path, key))
        elif kind is None and isinstance(value, list):
            for index, child in enumerate(value):
                self._index(stem, child, (*path, index))

    # -- walking --

    def build(self, stem: str, source: _Source) -> Any:
        self.stem, self.source = stem, source
        return self._walk(source.value, ())

    def _walk(self, value: Any, path: tuple[Key, ...]) -> Any:
        kind = _kind(value)
        if kind == "figure":
            return self._figure(value, path)
        if kind == "breakdown":
            return self._breakdown(value, path)
        if isinstance(value, dict):
            return {key: self._walk(child, (*path, key)) for key, child in value.items()}
        if isinstance(value, list):
            return [self._walk(child, (*path, index)) for index, child in enumerate(value)]
        return value

    def _add(self, path: Sequence[Key], message: str) -> None:
        self.problems.append(_problem(self.source.rel, self.source.line(path), message))

    def _name(self, path: Sequence[Key]) -> str:
        return dotted(path) or self.stem

    # -- values --

    def _number(
        self, mapping: dict[str, Any], key: str, path: tuple[Key, ...], what: str
    ) -> Number | None:
        """The number at `mapping[key]` if it is a non-negative finite number, else a problem."""
        value = mapping[key]
        at = (*path, key)
        if value is None:
            self._add(at, f"{what}: '{key}' has no value")
        elif isinstance(value, bool):
            self._add(at, f"{what}: '{key}' must be a number, not yes/no (got {_shown(value)})")
        elif not _is_number(value):
            self._add(at, f"{what}: '{key}' must be a number (got {_shown(value)})")
        elif not math.isfinite(value):
            self._add(at, f"{what}: '{key}' must be a finite number (got {value})")
        elif value < 0:
            self._add(at, f"{what}: '{key}' must not be negative (got {_fmt(value)})")
        else:
            return value
        return None

    def _whole(self, number: Number | None, key: str, at: tuple[Key, ...], what: str) -> bool:
        if number is None or float(number).is_integer():
            return True
        self._add(at, f"{what}: '{key}' must be a whole number (got {_fmt(number)})")
        return False

    def _text(
        self, mapping: dict[str, Any], key: str, path: tuple[Key, ...], what: str
    ) -> str | None:
        """Text, or one text per language (`{fr: …, en: …}`) resolved to the report's language."""
        value = mapping.get(key)
        if isinstance(value, dict):
            if not value:
                return None
            chosen = pick_text(value, self.lang)
            if isinstance(chosen, str):
                return chosen
            if _is_number(chosen):
                return str(chosen)
            self._add((*path, key), f"{what}: '{key}' must be text in every language")
            return None
        if value is None or isinstance(value, str):
            return value
        if _is_number(value):
            return str(value)
        self._add(
            (*path, key),
            f"{what}: '{key}' must be text or one text per language (got {_shown(value)})",
        )
        return None

    def _unknown_keys(
        self, mapping: dict[Any, Any], known: Sequence[str], path: tuple[Key, ...], what: str
    ) -> None:
        for key in mapping:
            if key not in known:
                self._add((*path, key), f"{what}: unknown key '{key}'{_hint(str(key), known)}")

    def _reference(
        self, mapping: dict[str, Any], key: str, path: tuple[Key, ...], what: str
    ) -> tuple[Number | None, bool]:
        """A number, or a reference to a key figure ('victims', 'study.victims').

        Returns (number, known): `known` is False after a problem or an unusable target.
        """
        value = mapping[key]
        if isinstance(value, str) and _FLOAT.fullmatch(value.strip()):
            self._add(
                (*path, key), f"{what}: '{key}' must be a number, without quotes (got '{value}')"
            )
            return None, False
        if not isinstance(value, str):
            number = self._number(mapping, key, path, what)
            if number is not None and number == 0:
                self._add((*path, key), f"{what}: '{key}' must be more than 0")
                return None, False
            return number, number is not None
        parts = tuple(value.strip().split("."))
        for target in ((self.stem, *parts), parts):
            if target in self.figures:
                number = self.figures[target]
                if number is _INVALID:
                    return None, False  # the figure itself is reported
                if number == 0:
                    self._add((*path, key), f"{what}: '{key}' refers to '{value}', which is 0")
                    return None, False
                return number, True
        names = [".".join(k[1:]) for k in self.figures if k[0] == self.stem]
        names += [".".join(k) for k in self.figures]
        close = difflib.get_close_matches(value, names, n=1)
        tip = f" (did you mean '{close[0]}'?)" if close else ""
        self._add(
            (*path, key), f"{what}: '{key}' refers to '{value}', which is not a key figure{tip}"
        )
        return None, False

    # -- figures --

    def _figure(self, mapping: dict[str, Any], path: tuple[Key, ...]) -> Figure | dict[str, Any]:
        what = f"key figure '{self._name(path)}'"
        self._unknown_keys(mapping, FIGURE_KEYS, path, what)
        value = self._number(mapping, "value", path, what)
        of = None
        if "of" in mapping and mapping["of"] is not None:
            of, _ = self._reference(mapping, "of", path, what)
        texts = {
            key: self._text(mapping, key, path, what) for key in ("label", "unit", "source", "note")
        }
        if value is None:
            return mapping
        percent_of = value / of * 100 if of else None
        return Figure(value=value, of=of, percent_of=percent_of, key=_key_of(path), **texts)

    # -- breakdowns --

    def _breakdown(
        self, mapping: dict[str, Any], path: tuple[Key, ...]
    ) -> Breakdown | dict[str, Any]:
        name = self._name(path)
        what = f"breakdown '{name}'"
        self._unknown_keys(mapping, BREAKDOWN_KEYS, path, what)
        texts = {
            key: self._text(mapping, key, path, what) for key in ("label", "unit", "source", "note")
        }
        base, base_ok = None, True
        if "base" in mapping:
            base, base_ok = self._reference(mapping, "base", path, what)
            if not self._whole(base, "base", (*path, "base"), what):
                base, base_ok = None, False
        raw = mapping.get("categories")
        at = (*path, "categories")
        if "categories" not in mapping:
            self._add(path, f"{what}: 'categories' is missing")
            return mapping
        if not isinstance(raw, dict) or not raw:
            self._add(at, f"{what}: 'categories' must be a mapping of categories (adults: …)")
            return mapping
        categories: dict[str, Category] = {}
        stated: dict[str, tuple[Number | None, Number | None]] = {}
        places: dict[str, tuple[Key, ...]] = {}
        complete = True
        for raw_key, raw_category in raw.items():
            category, ok = self._category(raw_key, raw_category, (*at, raw_key), what, base)
            complete = complete and ok
            if category is None:
                continue
            if category.key in categories:
                self._add((*at, raw_key), f"{what}: category '{category.key}' appears twice")
                complete = False
                continue
            categories[category.key] = category
            stated[category.key] = (raw_category.get("count"), raw_category.get("percent"))
            places[category.key] = (*at, raw_key)
        if "base" not in mapping:
            base, base_ok = self._base_from_counts(raw, categories, places, complete, path, what)
        if complete and base_ok:
            self._check_sums(categories, stated, base, path, what)
        return Breakdown(key=_key_of(path), base=base, categories=categories, **texts)

    def _base_from_counts(
        self,
        raw: dict[Any, Any],
        categories: dict[str, Category],
        places: dict[str, tuple[Key, ...]],
        complete: bool,
        path: tuple[Key, ...],
        what: str,
    ) -> tuple[Number | None, bool]:
        """Without a `base`: the sum of the counts when every category gives one (its categories
        then get their percents, checked against a written one); None with percents only.

        Categories are updated in place. Returns (base, known) like `_reference`.
        """
        shapes = [set(c) & {"count", "percent"} for c in raw.values() if isinstance(c, dict)]
        if {"percent"} in shapes and any("count" in shape for shape in shapes):
            self._add(
                path,
                f"{what}: give 'base' (a number or a key figure) when categories have "
                "percents only",
            )
            return None, False
        counts = [c.count for c in categories.values()]
        if not complete or not counts or None in counts:
            return None, True  # percents only (or a broken category, reported already)
        base = sum(counts)  # type: ignore[arg-type]
        if base == 0 or not math.isfinite(base):
            total = "0" if base == 0 else "too large a number"
            self._add(path, f"{what}: counts add up to {total}, so no percent can come from them")
            return None, False
        known = True
        for key, category in categories.items():
            where = f"{what}, category '{key}'"
            categories[key], ok = self._with_base(category, base, places[key], where, True)
            known = known and ok
        return base, known

    def _category(
        self, raw_key: Any, raw: Any, at: tuple[Key, ...], what: str, base: Number | None
    ) -> tuple[Category | None, bool]:
        """The category (None if it cannot be made), and whether it passed its own checks."""
        if isinstance(raw_key, bool):
            self._add(at, f"{what}: category '{_shown(raw_key)}' was read as yes/no; quote it")
            return None, False
        key = str(raw_key)
        if key in RESERVED_CATEGORY_KEYS:
            self._add(at, f"{what}: category key '{key}' is reserved (a breakdown attribute)")
            return None, False
        where = f"{what}, category '{key}'"
        if not isinstance(raw, dict):
            self._add(at, f"{where}: must be a mapping with 'count' and/or 'percent'")
            return None, False
        self._unknown_keys(raw, CATEGORY_KEYS, at, where)
        label = self._text(raw, "label", at, where)
        note = self._text(raw, "note", at, where)
        ok = True
        if "count" not in raw and "percent" not in raw:
            self._add(at, f"{where}: give 'count' or 'percent' (or both)")
            ok = False
        count = percent = decimals = None
        if "count" in raw:
            count = self._number(raw, "count", at, where)
            if not self._whole(count, "count", (*at, "count"), where):
                count = None
            ok = ok and count is not None
        if "percent" in raw:
            percent = self._number(raw, "percent", at, where)
            if percent is not None and percent > 100:
                self._add(
                    (*at, "percent"),
                    f"{where}: 'percent' must be at most 100 (got {_fmt(percent)})",
                )
                percent = None
            ok = ok and percent is not None
        if percent is not None:
            decimals = _decimals(percent, self.source.number_texts.get((*at, "percent")))
        share = None if percent is None else percent / 100
        category = Category(key, label, count, percent, share, note=note, decimals=decimals)
        if base is None:
            return category, ok
        return self._with_base(category, base, at, where, ok)

    def _with_base(
        self, category: Category, base: Number, at: tuple[Key, ...], where: str, ok: bool
    ) -> tuple[Category, bool]:
        """The category with the base known: checked (if `ok` so far), the unknown derived."""
        count, percent = category.count, category.percent
        if ok:
            ok = self._consistent(count, percent, category.decimals, base, at, where)
        if count is None and percent is not None:
            count = round(percent / 100 * base)  # not base * percent: 1e308 × 89 overflows
        elif percent is None and count is not None:
            percent = count / base * 100
        share = None if percent is None else percent / 100
        return replace(category, count=count, percent=percent, share=share, base=base), ok

    def _consistent(
        self,
        count: Number | None,
        percent: Number | None,
        decimals: int | None,
        base: Number,
        at: tuple[Key, ...],
        where: str,
    ) -> bool:
        """Count within the base; percent reachable from a whole count and agreeing with it."""
        if count is not None and count > base:
            self._add(
                (*at, "count"), f"{where}: count {_fmt(count)} is more than the base {_fmt(base)}"
            )
            return False
        if percent is None or decimals is None:
            return True
        if _counts_giving(percent, decimals, base) is None:
            low = math.floor(percent / 100 * base)
            closest = [k for k in (low, low + 1) if 0 <= k <= base]
            options = ", ".join(f"{k} gives {k / base * 100:.{decimals + 1}f} %" for k in closest)
            self._add(
                (*at, "percent"),
                f"{where}: {_fmt(percent)} % cannot come from a whole count out of "
                f"{_fmt(base)} (closest: {options})",
            )
            return False
        half = 0.5 * 10.0**-decimals + _EPSILON
        if count is not None and abs(count / base * 100 - percent) > half:
            self._add(
                (*at, "percent"),
                f"{where}: count {_fmt(count)} is {count / base * 100:.{decimals + 1}f} % "
                f"of the base {_fmt(base)}, not {_fmt(percent)} %",
            )
            return False
        return True

    def _check_sums(
        self,
        categories: dict[str, Category],
        stated: dict[str, tuple[Number | None, Number | None]],
        base: Number | None,
        path: tuple[Key, ...],
        what: str,
    ) -> None:
        counts = [count for count, _ in stated.values()]
        written = sum(c for c in counts if c is not None)
        if base is not None and None not in counts and written != base:
            self._add(path, f"{what}: counts add up to {_fmt(written)}, not the base {_fmt(base)}")
            return  # percents derived from these counts cannot add up either
        if base is not None and written > base:
            self._add(
                path, f"{what}: counts add up to {_fmt(written)}, more than the base {_fmt(base)}"
            )
            return
        percents = [c.percent for c in categories.values()]
        if None in percents:
            return
        # A written percent may be off by half a unit of its last decimal; derived ones are exact.
        tolerance = sum(
            0.5 * 10.0**-c.decimals for c in categories.values() if c.decimals is not None
        )
        total = sum(percents)  # type: ignore[arg-type]
        if abs(total - 100) > tolerance + _EPSILON:
            self._add(path, f"{what}: percents add up to {_fmt(round(total, 2))}, not 100")
            return  # the exact check below would only say it again
        if base is None or None not in counts:
            return  # with every count given, their sum has said it all
        # Exact: the whole counts each category allows must be able to add up to the base.
        low = high = 0
        for key, category in categories.items():
            count, _ = stated[key]
            if count is not None:  # a given count allows itself only
                allowed: tuple[int, int] | None = (int(count), int(count))
            elif category.percent is not None and category.decimals is not None:
                allowed = _counts_giving(category.percent, category.decimals, base)
            else:
                allowed = None
            if allowed is None:
                return  # cannot happen after the category's own checks
            low, high = low + allowed[0], high + allowed[1]
        if high < base:
            side = f"{high} at most"
        elif low > base:
            side = f"{low} at least"
        else:
            return
        self._add(
            path,
            f"{what}: no whole counts out of {_fmt(base)} give these percents (they allow {side})",
        )


def _counts_giving(percent: Number, decimals: int, base: Number) -> tuple[int, int] | None:
    """The least and the greatest whole count k in 0..base whose share of `base` is `percent`
    as written with `decimals` (|100·k/base − percent| ≤ half a unit of the last decimal);
    None if there is none. Every count in between gives it too (the share grows with k)."""
    half = 0.5 * 10.0**-decimals + _EPSILON

    def first(wanted: Callable[[int], bool]) -> int:
        """The least k in 0..base+1 for which `wanted` holds (it holds from some k on)."""
        low, high = 0, int(base) + 1
        while low < high:  # by halves: a base beyond 2**53 leaves floats too coarse to step
            middle = (low + high) // 2
            if wanted(middle):
                high = middle
            else:
                low = middle + 1
        return low

    least = first(lambda k: k / base * 100 - percent >= -half)
    greatest = first(lambda k: k / base * 100 - percent > half) - 1
    return (least, greatest) if least <= min(greatest, int(base)) else None


def _key_of(path: Sequence[Key]) -> str:
    return str(path[-1]) if path and isinstance(path[-1], str) else ""
