"""A CSV file's own description: `data/NAME.csv.yml` beside `data/NAME.csv`, with the keys
report.yml's `data: {NAME.csv: …}` takes (`labels`, `decimal`, `delimiter`, `header_row`).

The data file then travels with its column headings. Both may be given; report.yml, the
project's word, wins: its decimal mark and delimiter when it sets them, and per column its
label — replacing the sidecar's, except that two per-language labels are merged, language by
language, report.yml's first.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from reportbuilder.errors import Problem, ReportError
from reportbuilder.project.data._problem import problem
from reportbuilder.project.data.model import Localized
from reportbuilder.project.data.readers import CsvSettings
from reportbuilder.project.data.spreadsheets import Layout
from reportbuilder.project.files import FilePolicy
from reportbuilder.project.validation import problems_from
from reportbuilder.project.yamlio import load_yaml

SIDECAR_SUFFIXES = (".csv.yml", ".csv.yaml", ".xlsx.yml", ".xlsx.yaml")


def is_sidecar(name: str) -> bool:
    return name.lower().endswith(SIDECAR_SUFFIXES)


def described(name: str) -> str:
    """The data file a sidecar describes: `monthly.csv.yml` → `monthly.csv`."""
    return name[: name.rindex(".")]


def read_sidecar(files: FilePolicy, rel: str) -> tuple[CsvSettings | None, list[Problem]]:
    """The settings a sidecar gives, with the line of each label; None and problems when it
    cannot be read or is not valid."""
    from reportbuilder.project.config import DataFile

    try:
        doc = load_yaml(files.read_project_text(rel), rel)
    except ReportError as error:
        return None, error.problems
    if doc.value is None:
        return CsvSettings(), []
    try:
        given = DataFile.model_validate(doc.value)
    except ValidationError as error:
        return None, problems_from(error, DataFile, rel, doc.line)
    return CsvSettings(
        decimal=given.decimal,
        delimiter=given.delimiter,
        header_row=given.header_row,
        labels={c: t if isinstance(t, str) else Localized.of(t) for c, t in given.labels.items()},
        label_places={column: (rel, doc.line(["labels", column])) for column in given.labels},
    ), []


def read_workbook_sidecar(files: FilePolicy, rel: str) -> tuple[Layout | None, list[Problem]]:
    """Where a workbook's table is (`data/NAME.xlsx.yml`: `header_row`, `range`)."""
    from reportbuilder.project.config import WorkbookFile

    try:
        doc = load_yaml(files.read_project_text(rel), rel)
    except ReportError as error:
        return None, error.problems
    if doc.value is None:
        return Layout(), []
    value = doc.value
    # A sheet's own settings (`Datos: {header_row: 3}`): a key holding a mapping (trial 8 #3).
    sheets = {
        str(key): settings
        for key, settings in (value.items() if isinstance(value, dict) else ())
        if key not in ("header_row", "range") and isinstance(settings, dict)
    }
    if sheets:
        value = {k: v for k, v in value.items() if str(k) not in sheets}
    found: list[Problem] = []
    own: dict[str, Layout] = {}
    for sheet, settings in sheets.items():

        def line_of(keys: Sequence[str | int], sheet: str = sheet) -> int | None:
            return doc.line([sheet, *keys])

        try:
            given = WorkbookFile.model_validate(settings)
        except ValidationError as error:
            found += problems_from(error, WorkbookFile, rel, line_of)
            continue
        if given.header_row is not None and given.range is not None:
            found.append(problem(rel, doc.line([sheet, "range"]),
                                 "give header_row or range, not both"))  # fmt: skip
        elif given.range is not None and "!" in given.range:
            found.append(problem(rel, doc.line([sheet, "range"]), (
                f"the range under '{sheet}:' names a sheet itself; give its cells alone "
                f"('{given.range.rpartition('!')[2]}')")))  # fmt: skip
        else:
            own[sheet] = Layout(given.header_row, given.range, line=doc.line([sheet]))
    try:
        top = WorkbookFile.model_validate(value or {})
    except ValidationError as error:
        return None, [*found, *problems_from(error, WorkbookFile, rel, doc.line)]
    if top.header_row is not None and top.range is not None:
        found.append(problem(rel, doc.line(["range"]), "give header_row or range, not both"))
    if found:
        return None, found
    return Layout(top.header_row, top.range, sheets=own), []


def merged(own: CsvSettings | None, project: CsvSettings | None) -> CsvSettings | None:
    """The sidecar's settings (`own`) with report.yml's (`project`) over them."""
    if own is None or project is None:
        return project or own
    labels = dict(own.labels)
    places = dict(own.label_places)
    for column, text in project.labels.items():
        mine = labels.get(column)
        if isinstance(text, Localized) and isinstance(mine, Localized):
            text = Localized.of(
                {**text.texts, **{k: v for k, v in mine.pairs if k not in text.texts}}
            )
        labels[column] = text
        places.pop(column, None)  # report.yml's now: its own wording if the column is missing
    return CsvSettings(
        decimal=project.decimal or own.decimal,
        delimiter=project.delimiter or own.delimiter,
        header_row=project.header_row or own.header_row,
        labels=labels,
        label_places=places,
    )


def orphan(rel: str) -> Problem:
    """The problem of a sidecar with no CSV file beside it."""
    name = rel.rsplit("/", 1)[-1]
    return problem(rel, None, f"describes '{described(name)}', which is not in data/")


__all__ = ["described", "is_sidecar", "merged", "orphan", "read_sidecar", "read_workbook_sidecar"]
