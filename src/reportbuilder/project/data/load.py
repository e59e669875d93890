"""Loading `data/`: every data file read, its statistics built into the model and checked.

A mapping with `value` is a key figure, one with `categories` a breakdown; both may sit at any
depth of a YAML or JSON file, among plain data that passes through as read. A `base` or an
`of` may name a key figure (`victims`, or `study.victims` in another file). Texts given per
language (`label: {fr: …, en: …}`) stay `Localized`. Every problem found is collected with its
file and line; the rules themselves live in `rules`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from reportbuilder import watchdog
from reportbuilder.errors import Problem, Severity
from reportbuilder.project.data._problem import problem
from reportbuilder.project.data.dotted_thousands import dotted_thousands
from reportbuilder.project.data.model import (
    RESERVED_CATEGORY_KEYS,
    Breakdown,
    Category,
    Figure,
    Localized,
    Number,
    Share,
    ShownPercent,
    Table,
    Text,
)
from reportbuilder.project.data.readers import (
    SUFFIXES,
    CsvSettings,
    Key,
    Source,
    decimals_written,
    is_number_text,
    read_file,
)
from reportbuilder.project.data.rules import (
    Part,
    apportion,
    base_of_counts,
    base_problem,
    breakdown_problem,
    category_finding,
    is_number,
    needs_base_problem,
    number_text,
    percent_problem,
    shown,
    value_problem,
    whole_problem,
)
from reportbuilder.project.data.sidecar import (
    described,
    is_sidecar,
    merged,
    orphan,
    read_sidecar,
    read_workbook_sidecar,
)
from reportbuilder.project.data.spreadsheets import Layout, read_xlsx
from reportbuilder.project.data.total_rows import is_summary_label, is_total_label
from reportbuilder.project.data.years import years_in_read
from reportbuilder.project.dates import iso_hint
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.validation import dotted
from reportbuilder.project.yamlio import number_hint

DATA_DIR = "data"
SPREADSHEETS = (".xlsm", ".xls", ".ods")  # .xlsx is read (see `spreadsheets`)
FIGURE_KEYS = ("value", "label", "unit", "of", "source", "note")
BREAKDOWN_KEYS = (
    "label", "base", "unit", "source", "note", "categories", "rounded", "multiple", "decimals",
)  # fmt: skip
MAX_DECIMALS = 6
MAX_DATA_FILES = 200  # files in data/
MAX_DATA_BYTES = 100_000_000  # of all data files together (one CSV may have 20 MB)
CATEGORY_KEYS = ("label", "count", "percent", "note")
TEXT_KEYS = ("label", "unit", "source", "note")


def load_data(
    root: Path | FilePolicy,
    settings: Mapping[str, CsvSettings] | None = None,
    lang: str | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Every data file by stem, statistics turned into `Figure`/`Breakdown`, CSV into `Table`.

    Never raises for user errors: returns all problems found. A file that cannot be read is
    left out of the namespaces; a file with inconsistent figures is kept (with what is known).
    Files are read through the project's `FilePolicy` (a bare folder gets one of its own).
    `settings`: how CSV files are written, by file name (report.yml `data:`); a name that is
    no CSV in data/ is a problem. `lang`: the report's language, whose way of writing numbers
    makes some YAML numbers doubtful (`data.dotted_thousands`).
    """
    # Names compared as typed (NFC): macOS and zip archives made there write "région" with
    # its accent apart (NFD), report.yml and sidecar names are typed whole.
    settings = {_nfc(name): value for name, value in (settings or {}).items()}
    files = root if isinstance(root, FilePolicy) else FilePolicy(root)
    folder = files.root / DATA_DIR
    if not folder.is_dir():
        return {}, []
    problems: list[Problem] = []
    namespaces: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    owner: dict[str, str] = {}
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        return {}, [problem(f"{DATA_DIR}/", None, f"cannot list the folder: {error.strerror}")]
    names = {_nfc(path.name) for path in entries}
    for name in settings:
        if name not in names or not name.lower().endswith(".csv"):
            problems.append(
                problem("report.yml", None, f"data: '{name}' is not a CSV file in {DATA_DIR}/")
            )
    own: dict[str, CsvSettings] = {}  # data/NAME.csv.yml: what NAME.csv says of itself
    layouts: dict[str, Layout] = {}  # data/NAME.xlsx.yml: where NAME.xlsx's table is
    for path in entries:
        if is_sidecar(path.name) and not path.name.startswith("."):
            rel = f"{DATA_DIR}/{path.name}"
            if _nfc(described(path.name)) not in names:
                problems.append(orphan(rel))
                continue
            if path.name.lower().endswith((".xlsx.yml", ".xlsx.yaml")):
                read_layout, found = read_workbook_sidecar(files, rel)
                problems += found
                if read_layout is not None:
                    layouts[_nfc(described(path.name))] = read_layout
                continue
            read_own, found = read_sidecar(files, rel)
            problems += found
            if read_own is not None:
                own[_nfc(described(path.name))] = read_own
    total = 0
    count = 0
    for path in entries:
        if path.suffix.lower() in (*SUFFIXES, ".xlsx") and not path.name.startswith("."):
            count += 1
            with contextlib.suppress(OSError, ValueError):
                total += path.stat().st_size
    if count > MAX_DATA_FILES or total > MAX_DATA_BYTES:
        message = (
            f"{count} data files of {total} bytes together; the limits are {MAX_DATA_FILES} "
            f"files and {MAX_DATA_BYTES} bytes"
        )
        return {}, [*problems, problem(f"{DATA_DIR}/", None, message)]
    for path in entries:
        if path.suffix.lower() in SPREADSHEETS and not path.name.startswith((".", "~$")):
            message = (
                f"{path.suffix} workbooks are not read: save '{path.name}' as .xlsx or .csv "
                f"to use it as data.{path.stem}"
            )
            problems.append(problem(f"{DATA_DIR}/{path.name}", None, message))
            continue
        # Hidden files, editor backups and Office lock files (`~$x.csv`) are not data.
        if path.name.startswith((".", "~$")) or path.name.endswith("~") or is_sidecar(path.name):
            continue
        if path.suffix.lower() not in (*SUFFIXES, ".xlsx"):
            # Nothing in data/ is left out without a word (trial 7 #14: a sub-folder's CSV,
            # a .tsv, then "'data.regions' is undefined"); notes about the data are no data.
            if not _notes(path):
                problems.append(_not_read(path))
            continue
        rel = f"{DATA_DIR}/{path.name}"
        stem = _nfc(path.stem)  # as typed in a chapter: data.région
        if stem in owner:
            message = f"two data files are named '{stem}' ({owner[stem]}); rename one"
            problems.append(problem(rel, None, message))
            continue
        owner[stem] = rel
        watchdog.doing("reading", rel)
        if path.suffix.lower() == ".xlsx":
            read, found = read_xlsx(files, rel, stem, layouts.get(_nfc(path.name)))
        else:
            name = _nfc(path.name)
            read, found = read_file(files, rel, merged(own.get(name), settings.get(name)))
        problems += found
        if isinstance(read, Table) or (isinstance(read, dict) and read):
            namespaces[stem] = years_in_read(read)
        elif read is not None:
            sources[stem] = read
            if lang is not None:
                problems += dotted_thousands(read, lang)
    builder = _Builder(sources)
    for stem, source in sources.items():
        namespaces[stem] = builder.build(stem, source)
    problems += builder.problems
    return dict(sorted(namespaces.items())), problems


def _notes(path: Path) -> bool:
    """A README, a licence or a Markdown note beside the data (not data, not warned)."""
    name = path.name.upper()
    return path.is_file() and (
        name.startswith(("README", "LICENSE", "LICENCE")) or path.suffix.lower() == ".md"
    )


def _not_read(path: Path) -> Problem:
    """A warning for a file or folder of data/ that is not read."""
    rel = f"{DATA_DIR}/{path.name}"
    if path.is_dir():
        message = (
            "sub-folders are not read: move the files a chapter uses into data/ "
            "(each is data.NAME after its file's name)"
        )
        return dataclasses.replace(problem(f"{rel}/", None, message), severity=Severity.WARNING)
    if path.suffix.lower() in (".tsv", ".tab"):
        message = (
            f"{path.suffix} files are not read: name it {path.stem}.csv (a tab between the "
            "values is read as the delimiter)"
        )
    else:
        message = "not read: data files are .csv, .yml, .yaml, .json or .xlsx"
    return dataclasses.replace(problem(rel, None, message), severity=Severity.WARNING)


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


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
    if "value" in value and (is_number(value["value"]) or set(value) <= set(FIGURE_KEYS)):
        return "figure"
    return None


def _hint(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(known)}"


def _key_of(path: Sequence[Key]) -> str:
    return str(path[-1]) if path and isinstance(path[-1], str) else ""


_INVALID = object()  # a figure whose value is wrong: references to it stay silent


class _Builder:
    """Builds figures and breakdowns for every source, collecting located problems."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self.problems: list[Problem] = []
        self.figures: dict[tuple[str, ...], Any] = {}
        self.stem = ""  # the file being built, set by `build`
        self.source = Source("", None, lambda path: None, {})
        for stem, source in sources.items():
            self._index(stem, source.value, ())

    def _index(self, stem: str, value: Any, path: tuple[Key, ...]) -> None:
        kind = _kind(value)
        if kind == "figure":
            number = value["value"]
            ok = is_number(number) and math.isfinite(number) and number >= 0
            self.figures[(stem, *map(str, path))] = number if ok else _INVALID
        elif kind is None and isinstance(value, dict):
            for key, child in value.items():
                self._index(stem, child, (*path, key))
        elif kind is None and isinstance(value, list):
            for index, child in enumerate(value):
                self._index(stem, child, (*path, index))

    # -- walking --

    def build(self, stem: str, source: Source) -> Any:
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
        if isinstance(value, str) and path in self.source.date_texts:
            self._add(path, f"{self._name(path)}: {iso_hint(value)} (or quote it to keep text)")
        return value

    def _add(self, path: Sequence[Key], message: str) -> None:
        self.problems.append(problem(self.source.rel, self.source.line(path), message))

    def _name(self, path: Sequence[Key]) -> str:
        return dotted(path) or self.stem

    # -- values --

    def _number(
        self, mapping: dict[str, Any], key: str, path: tuple[Key, ...], what: str
    ) -> Number | None:
        """The number at `mapping[key]` if it is a non-negative finite number, else a problem."""
        value = mapping[key]
        message = value_problem(value)
        if message is None:
            number: Number = value
            return number
        self._add((*path, key), f"{what}: '{key}' {message}")
        return None

    def _whole(self, number: Number | None, key: str, at: tuple[Key, ...], what: str) -> bool:
        message = None if number is None else whole_problem(number)
        if message is None:
            return True
        self._add(at, f"{what}: '{key}' {message}")
        return False

    def _text(
        self, mapping: dict[str, Any], key: str, path: tuple[Key, ...], what: str
    ) -> Text | None:
        """Text, or one text per language (`{fr: …, en: …}`) kept as `Localized`."""
        value = mapping.get(key)
        texts_given = value.values() if isinstance(value, dict) else [value]
        if any(isinstance(t, str) and ("{{" in t or "{%" in t) for t in texts_given):
            self._add(
                (*path, key),
                f"{what}: '{key}' is plain text: its '{{{{' is not filled in here and would "
                "print as typed; write the value itself (templates are filled in in chapters)",
            )
            return None
        if isinstance(value, dict):
            if not value:
                return None
            texts: dict[str, str] = {}
            for code, text in value.items():
                if not isinstance(text, str) and not is_number(text):
                    self._add((*path, key), f"{what}: '{key}' must be text in every language")
                    return None
                texts[str(code)] = str(text)
            return Localized.of(texts)
        if value is None or isinstance(value, str):
            return value
        if is_number(value):
            return str(value)
        self._add(
            (*path, key),
            f"{what}: '{key}' must be text or one text per language (got {shown(value)})",
        )
        return None

    def _texts(self, mapping: dict[str, Any], path: tuple[Key, ...], what: str) -> dict[str, Any]:
        return {key: self._text(mapping, key, path, what) for key in TEXT_KEYS}

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
        if isinstance(value, str) and number_hint(value):
            self._add((*path, key), f"{what}: '{key}' {value_problem(value)}")
            return None, False
        if isinstance(value, str) and is_number_text(value):
            self._add(
                (*path, key), f"{what}: '{key}' must be a number, without quotes (got '{value}')"
            )
            return None, False
        if not isinstance(value, str):
            number = self._number(mapping, key, path, what)
            message = None if number is None else base_problem(number)
            if message:
                self._add((*path, key), f"{what}: '{key}' {message}")
                return None, False
            return number, number is not None
        parts = tuple(value.strip().split("."))
        for target in ((self.stem, *parts), parts):
            if target in self.figures:
                number = self.figures[target]
                if number is _INVALID:
                    return None, False  # the figure itself is reported
                if base_problem(number):
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
        texts = self._texts(mapping, path, what)
        if value is None:
            return mapping
        if of is not None and 0 <= of < value:  # a part larger than its whole (trial 6 #11)
            self._add(
                (*path, "value"),
                f"{what}: 'value' {number_text(value)} is more than its total 'of' "
                f"{number_text(of)}: a part cannot be more than its whole; check both",
            )
            return mapping
        percent_of = ShownPercent(value / of * 100) if of else None
        if texts.get("unit") == "%":  # `{{ f.value }}` prints its sign, as its box does
            written = getattr(value, "decimals", None)
            value = ShownPercent(value, written if isinstance(written, int) else None)
        return Figure(value=value, of=of, percent_of=percent_of, key=_key_of(path), **texts)

    # -- breakdowns --

    def _breakdown(
        self, mapping: dict[str, Any], path: tuple[Key, ...]
    ) -> Breakdown | dict[str, Any]:
        name = self._name(path)
        what = f"breakdown '{name}'"
        self._unknown_keys(mapping, BREAKDOWN_KEYS, path, what)
        texts = self._texts(mapping, path, what)
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
        stated: dict[str, Number | None] = {}
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
            stated[category.key] = raw_category.get("count")
            places[category.key] = (*at, raw_key)
        if "base" not in mapping:
            base, base_ok = self._base_from_counts(raw, categories, places, complete, path, what)
        rounded = self._flag(mapping, "rounded", path, what)
        multiple = self._flag(mapping, "multiple", path, what)
        decimals = self._decimals(mapping, path, what)
        if complete and base_ok:
            parts = [Part(stated[k], c.percent, c.decimals) for k, c in categories.items()]
            message = breakdown_problem(parts, base, rounded, multiple)
            if message:
                self._add(path, f"{what}: {message}")
            elif base is not None and not multiple:
                self._apportion(categories, parts, base)
        return Breakdown(
            key=_key_of(path), base=base, categories=categories, rounded=rounded,
            multiple=multiple, decimals=decimals, **texts,
        )  # fmt: skip

    def _apportion(self, categories: dict[str, Category], parts: list[Part], base: Number) -> None:
        """Counts derived from percents, made to add up to the base (largest remainder), so
        that a table's total is its base; categories are updated in place."""
        counts = apportion(parts, base)
        if counts is None:
            return  # only when a rule above has failed, and said so
        for (key, category), part, count in zip(categories.items(), parts, counts, strict=True):
            if part.count is None:
                categories[key] = replace(category, count=count)

    def _flag(self, mapping: dict[str, Any], key: str, path: tuple[Key, ...], what: str) -> bool:
        value = mapping.get(key, False)
        if isinstance(value, bool):
            return value
        self._add((*path, key), f"{what}: '{key}' must be true or false (got {shown(value)})")
        return False

    def _decimals(self, mapping: dict[str, Any], path: tuple[Key, ...], what: str) -> int | None:
        value = mapping.get("decimals")
        if value is None or (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DECIMALS
        ):
            return value
        self._add(
            (*path, "decimals"),
            f"{what}: 'decimals' must be a whole number from 0 to {MAX_DECIMALS} "
            f"(got {shown(value)})",
        )
        return None

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
        message = needs_base_problem([set(c) for c in raw.values() if isinstance(c, dict)])
        if message:
            self._add(path, f"{what}: {message}")
            return None, False
        counts = [c.count for c in categories.values()]
        if not complete or not counts or None in counts:
            return None, True  # percents only (or a broken category, reported already)
        base, message = base_of_counts(counts)  # type: ignore[arg-type]
        if base is None:
            self._add(path, f"{what}: {message}")
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
            self._add(at, f"{what}: category '{shown(raw_key)}' was read as yes/no; quote it")
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
        given = [key, *(label.texts.values() if isinstance(label, Localized) else [label])]
        texts = [t.replace("_", " ") for t in given if isinstance(t, str)]
        summary = (is_summary_label(t) or is_total_label(t) for t in texts)
        if named := next((t for t, found in zip(texts, summary, strict=True) if found), None):
            # An `average` category was drawn as one more part of the whole (trial 7).
            self._add(at, f"{where}: '{named}' names a summary (a total, an average or a "
                      "median), not a part of the breakdown: a chart would draw it as one more "
                      "category; give it as a key figure instead")  # fmt: skip
            return None, False
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
            message = None if percent is None else percent_problem(percent)
            if message:
                self._add((*at, "percent"), f"{where}: 'percent' {message}")
                percent = None
            ok = ok and percent is not None
        if percent is not None:
            decimals = decimals_written(percent, self.source.number_texts.get((*at, "percent")))
        share = None if percent is None else Share(percent / 100)
        if percent is not None:  # `{{ c.percent }}` prints its sign: "33,3 %" (trial 7 #27)
            percent = ShownPercent(percent, decimals)
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
            finding = category_finding(count, percent, category.decimals, base)
            if finding:
                self._add((*at, finding.key), f"{where}: {finding.message}")
                ok = False
        if count is None and percent is not None:
            count = round(percent / 100 * base)  # not base * percent: 1e308 × 89 overflows
        elif percent is None and count is not None:
            percent = count / base * 100
        share = None if percent is None else Share(percent / 100)
        if percent is not None and not isinstance(percent, ShownPercent):
            percent = ShownPercent(percent, category.decimals)
        return replace(category, count=count, percent=percent, share=share, base=base), ok
