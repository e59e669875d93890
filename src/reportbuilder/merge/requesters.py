"""The requesters of a mail merge: a CSV or XLSX file read into checked `Requester` rows.

Columns `name` and `email` are required; `organisation`, `lang`, `reference` and `date` are
optional; any other column is kept for templates (`recipient.<column>`). Every bad row is a
`Problem` at its line (`requesters.csv:7: …`) and is left out; the good rows are still
returned, so a merge produces them and then exits 1. Problems of the whole file (no `email`
column, an unreadable workbook) leave no row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reportbuilder.errors import Problem, ProjectError, Severity, Stage
from reportbuilder.language import is_known_locale, normalize
from reportbuilder.project.printable import refuse_unprintable
from reportbuilder.project.textio import read_text

REQUIRED = ("name", "email")
OPTIONAL = ("organisation", "lang", "reference", "date")
MAX_ROWS = 100_000
MAX_FIELD = 300  # characters in one cell: a name, an organisation, a reference
MAX_BYTES = 50_000_000
_COLUMN = re.compile(r"^[a-z][a-z0-9_]*$")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")


@dataclass(frozen=True)
class Requester:
    """One checked row: who asked for a copy, and in which language.

    `line` is the row's line in the file (its row number in a workbook); `lang` is None when
    the row leaves it to report.yml; `date` is ISO (`2026-12-07`) or empty; `extra` holds the
    file's other columns.
    """

    line: int
    name: str
    email: str
    organisation: str = ""
    index: int = 0  # its position among the file's rows, good and bad (shards split by it)
    occurrence: int = 0  # 1 for the second row with exactly these values, and so on
    lang: str | None = None
    reference: str = ""
    date: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    # The extra columns that tell one request from another (those a copy, its message or its
    # file name use); None: every column. A column added to the sheet after a mailing (a
    # "status" to tick) is then no new request.
    key_columns: frozenset[str] | None = None

    @property
    def key(self) -> str:
        """A stable identity for the journal: the row's values, not its position, so that a
        row inserted above it does not make it a new row."""
        extra = {
            k: v for k, v in self.extra.items() if self.key_columns is None or k in self.key_columns
        }
        values = [self.name, self.email, self.organisation, self.lang or "", self.reference]
        values += [self.date, *(f"{k}={v}" for k, v in sorted(extra.items()))]
        digest = hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]
        return f"{digest}-{self.occurrence}" if self.occurrence else digest

    @property
    def full_key(self) -> str:
        """`key` with every column the file has (the journals of earlier versions')."""
        return replace(self, key_columns=None).key

    def values(self) -> dict[str, str]:
        """Every column's text, by column name (what a file-name template may use)."""
        found = {
            "name": self.name,
            "email": self.email,
            "organisation": self.organisation,
            "lang": self.lang or "",
            "reference": self.reference,
            "date": self.date,
        }
        return {**self.extra, **found}


@dataclass(frozen=True)
class Requesters:
    """What a requesters file gave: its good rows, and a problem for each bad one."""

    path: str
    rows: tuple[Requester, ...]
    problems: tuple[Problem, ...]
    lines: int  # data rows read, good and bad
    positions: Mapping[int, int] = field(default_factory=dict)  # line → position of a row


def _problem(rel: str, line: int | None, message: str) -> Problem:
    return Problem(rel, line, message, stage=Stage.PROJECT)


def read_requesters(path: Path, shown: str | None = None) -> Requesters:
    """Read and check a `.csv` or `.xlsx` requesters file; raises `ProjectError` when the
    file as a whole cannot be used (no row would be right)."""
    rel = shown or str(path)
    suffix = path.suffix.lower()
    # What refuses the whole sheet (hidden rows …), said with every row's own problems: the
    # author fixed one thing per run when it alone was said.
    sheet_problems: list[Problem] = []
    if suffix == ".csv":
        table = _csv_rows(path, rel)
    elif suffix == ".xlsx":
        table, sheet_problems = _xlsx_rows(path, rel)
    else:
        message = "a requesters file is a .csv or .xlsx file (save it as one of these)"
        raise ProjectError(_problem(rel, None, message))
    header_line, header, body = table
    try:
        columns = _columns(header, rel, header_line)
    except ProjectError as error:
        hint = _other_sheet(path, rel) if suffix == ".xlsx" else []
        raise ProjectError([*sheet_problems, *error.problems, *hint]) from None
    rows: list[Requester] = []
    problems: list[Problem] = []
    count = 0
    positions: dict[int, int] = {}
    seen: dict[str, int] = {}  # identical rows are distinct requests, journaled apart
    first: dict[str, int] = {}  # the line of each row's first twin
    mailboxes: dict[str, tuple[int, str]] = {}  # casefolded email → first line, as written
    for line, cells in body:
        if not any(cell.strip() for cell in cells):
            continue
        positions[line] = count
        count += 1
        if count > MAX_ROWS:
            raise ProjectError(_problem(rel, line, f"more than {MAX_ROWS} rows; split the file"))
        row, found = _requester(rel, line, count - 1, columns, cells)
        problems.extend(found)
        if row is not None:
            twin = seen.get(row.key, 0)
            seen[row.key] = twin + 1
            first.setdefault(row.key, line)
            if twin:
                # Distinct requests as far as the merge knows; in a list kept by hand, more
                # often a row pasted twice: said, so that the sender decides.
                message = (
                    f"the same as row {first[row.key]} in every column: another copy will be "
                    "made (and sent); delete the row if it is there by mistake"
                )
                problems.append(
                    Problem(rel, line, message, stage=Stage.PROJECT, severity=Severity.WARNING)
                )
            elif (mailbox := mailboxes.get(row.email.casefold())) and mailbox[1] != row.email:
                # `Ana@x.org` and `ana@x.org` reach one mailbox (servers ignore the case):
                # two copies, two mails for one person unless said.
                message = (
                    f"the email '{row.email}' is row {mailbox[0]}'s '{mailbox[1]}' in other "
                    "capitals (the same mailbox): another copy will be made (and sent) to it; "
                    "delete the row if it is there by mistake"
                )
                problems.append(
                    Problem(rel, line, message, stage=Stage.PROJECT, severity=Severity.WARNING)
                )
            mailboxes.setdefault(row.email.casefold(), (line, row.email))
            rows.append(replace(row, occurrence=twin) if twin else row)
    if sheet_problems:
        raise ProjectError([*sheet_problems, *problems])
    if count == 0:
        raise ProjectError(_problem(rel, header_line, "no requester rows under the header"))
    return Requesters(rel, tuple(rows), tuple(problems), count, positions)


def _columns(header: Sequence[str], rel: str, line: int) -> list[str]:
    names = [unicodedata.normalize("NFC", cell).strip().lower() for cell in header]
    problems = []
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            problems.append(_problem(rel, line, f"the column '{name}' appears twice"))
        seen.add(name)
        if name and not _COLUMN.match(name):
            meant = re.sub(r"[^a-z0-9_]", "", name)
            hint = f"; did you mean '{meant}'?" if meant in REQUIRED + OPTIONAL else ""
            problems.append(
                _problem(
                    rel,
                    line,
                    f"the column name '{name[:40]}' must be lower-case letters, digits and _ "
                    f"(templates use it as recipient.<column>){hint}",
                )
            )
    for name in REQUIRED:
        if name not in seen and not any(re.sub(r"[^a-z0-9_]", "", n) == name for n in names):
            found = ", ".join(n for n in names if n) or "none"
            message = f"no '{name}' column (columns found: {found})"
            problems.append(_problem(rel, line, message))
    if problems:
        raise ProjectError(problems)
    return names


def _requester(
    rel: str, line: int, index: int, columns: Sequence[str], cells: Sequence[str]
) -> tuple[Requester | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(message: str) -> None:
        problems.append(_problem(rel, line, message))

    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
        bad(f"{len(cells)} cells, but the header names {len(columns)} columns")
    values: dict[str, str] = {}
    for column, cell in zip(columns, cells, strict=False):
        if not column:
            continue
        text = unicodedata.normalize("NFC", cell).strip()
        if _LINE_BREAK.search(text):
            bad(f"{column}: a line break inside the cell")
        elif len(text) > MAX_FIELD:
            bad(f"{column}: {len(text)} characters; at most {MAX_FIELD}")
        else:
            # The check contacts.yml has: a bidi override in an organisation reversed the
            # rest of the cover line, date included; a control could drive a terminal.
            try:
                refuse_unprintable(text, multiline=False)
            except ValueError as error:
                bad(f"{column}: {error}")
        values[column] = text
    name = values.get("name", "")
    if not name:
        bad("missing name")
    email = _email(values.get("email", ""), bad)
    lang = values.get("lang", "") or None
    if lang is not None:
        if is_known_locale(lang):
            lang = normalize(lang)
        else:
            bad(f"unknown language '{lang}' (a language code such as fr, en or es)")
    date = values.get("date", "")
    if date:
        try:
            date = dt.date.fromisoformat(date).isoformat()
        except ValueError:
            bad(f"date '{date}' is not a date written YYYY-MM-DD")
    if problems:
        return None, problems
    extra = {k: v for k, v in values.items() if k not in REQUIRED + OPTIONAL}
    requester = Requester(
        line=line,
        index=index,
        name=name,
        email=email,
        organisation=values.get("organisation", ""),
        lang=lang,
        reference=values.get("reference", ""),
        date=date,
        extra=extra,
    )
    return requester, []


def _email(text: str, bad: Callable[[str], None]) -> str:
    from email_validator import EmailNotValidError, validate_email

    if not text:
        bad("missing email")
        return ""
    try:
        # ASCII before the @, as when sent (no SMTPUTF8): refused here, not after the copy
        found = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        bad(f"invalid email '{text}': {error}")
        return ""
    return str(found.normalized)


def _csv_rows(path: Path, rel: str) -> tuple[int, list[str], Iterator[tuple[int, list[str]]]]:
    text = read_text(path, rel, max_bytes=MAX_BYTES, rows=True)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ProjectError(_problem(rel, 1, "the file is empty")) from None
    except csv.Error as error:
        raise ProjectError(_problem(rel, 1, f"not readable as CSV: {error}")) from None
    return 1, header, _csv_body(reader, rel)


def _csv_body(reader: Iterable[list[str]], rel: str) -> Iterator[tuple[int, list[str]]]:
    assert hasattr(reader, "line_num")
    previous = reader.line_num
    iterator = iter(reader)
    while True:
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except csv.Error as error:
            raise ProjectError(
                _problem(rel, reader.line_num, f"not readable as CSV: {error}")
            ) from None
        yield previous + 1, cells  # the line the row starts on (a quoted cell may span lines)
        previous = reader.line_num


def _xlsx_rows(
    path: Path, rel: str
) -> tuple[tuple[int, list[str], Iterator[tuple[int, list[str]]]], list[Problem]]:
    """The first sheet's header and rows, and what refuses the sheet as a whole (hidden
    rows or columns, formulas without a value): the rows are still read, for their own
    problems to be said with it."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from reportbuilder.project.data.zipcheck import archive_problem

    try:
        if path.stat().st_size > MAX_BYTES:
            raise ProjectError(_problem(rel, None, f"larger than {MAX_BYTES // 1_000_000} MB"))
        bomb = archive_problem(path)
        if bomb:
            raise ProjectError(_problem(rel, None, bomb))
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        message = "cannot be read as an Excel workbook; save it again as .xlsx, or as .csv"
        raise ProjectError(_problem(rel, None, message)) from None
    sheet = book.worksheets[0]
    hidden = _sheet_problems(path, rel, sheet)
    if hidden and sheet.sheet_state != "visible":
        book.close()
        raise ProjectError(hidden)
    # Read as stored: a sheet whose declared size reaches its last row (one formatted empty
    # cell there) is not padded into a million empty rows (trial 6 #50).
    sheet.reset_dimensions()
    rows = []
    formatted: list[Problem] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        values = [getattr(cell, "value", None) for cell in row]
        cells = [_cell_text(v) for v in values]
        if any(c.strip() for c in cells):
            rows.append((number, cells))
        formatted += [
            _problem(rel, number, _formatted_number(cell))
            for cell in row
            if _formatted_number(cell)
        ]
    book.close()
    hidden = [*hidden, *formatted]
    if not rows:
        raise ProjectError(_problem(rel, None, "the first sheet is empty"))
    (header_line, header), body = rows[0], rows[1:]
    return (header_line, header, iter(body)), hidden


def _other_sheet(path: Path, rel: str) -> list[Problem]:
    """Where the first sheet has no requester columns: a later sheet that has them, named
    (a workbook that opens on an "Instructions" sheet), as a problem; none when none has."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception:  # read once already; a hint is not worth a second error
        return []
    try:
        first = book.worksheets[0].title
        for sheet in book.worksheets[1:]:
            for values in sheet.iter_rows(max_row=20, values_only=True):
                names = {_cell_text(v).strip().lower() for v in values}
                if not any(names - {""}):
                    continue
                if all(name in names for name in REQUIRED):
                    message = (
                        f"the first sheet, '{first}', is read; sheet '{sheet.title}' has the "
                        f"{' and '.join(REQUIRED)} columns: move it first (drag its tab to "
                        "the left) or save it as a workbook of its own"
                    )
                    return [_problem(rel, None, message)]
                break  # its header row has other columns
    finally:
        book.close()
    return []


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _sheet_problems(path: Path, rel: str, sheet: Any) -> list[Problem]:
    """Hidden rows (by hand, outline or autofilter), hidden columns, or a hidden first sheet
    of a requester list: refused, each at its place. A data table leaves hidden parts out
    with a warning; a list that reports are made and sent from must not depend on what a
    filter happened to show, so the author unhides or deletes them. And formulas the file
    holds no value of (a workbook written by a program, never saved by Excel): they read as
    empty, and a requester's organisation vanished from the cover without a word."""
    import zipfile
    from xml.etree.ElementTree import iterparse

    from reportbuilder.project.data.spreadsheets import spans

    where = f"{rel}:{sheet.title}"
    if sheet.sheet_state != "visible":
        return [_problem(where, None, "the first sheet is hidden; a requester list must be "
                         "its first sheet, shown")]  # fmt: skip
    rows: list[int] = []
    columns: list[tuple[int, int]] = []
    unsaved: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive, archive.open(sheet._worksheet_path) as xml:
            for _, element in iterparse(xml, events=("end",)):
                if element.tag == f"{_MAIN}row":
                    unsaved += [str(c.get("r")) for c in element if _unsaved(c)]
                    if element.get("hidden") in ("1", "true") and any(
                        (c.findtext(f"{_MAIN}v") or c.findtext(f".//{_MAIN}t") or "").strip()
                        for c in element
                    ):
                        rows.append(int(element.get("r", "0")))
                    element.clear()
                elif element.tag == f"{_MAIN}col" and element.get("hidden") in ("1", "true"):
                    columns.append((int(element.get("min", "0")), int(element.get("max", "0"))))
    except (AttributeError, KeyError, OSError, SyntaxError, ValueError):
        return []  # read below as before; openpyxl has read the sheet already
    from openpyxl.utils import get_column_letter

    fix = ("a requester list is read whole: unhide them, or delete the rows of people who "
           "should not get the report")  # fmt: skip
    found = [
        _problem(f"{where}!{a}" if a == b else f"{where}!{a}:{b}", None, f"hidden rows; {fix}")
        for a, b in spans(rows)
    ]
    for first, last in columns:
        span = get_column_letter(first) + ("" if first == last else f":{get_column_letter(last)}")
        found.append(_problem(f"{where}!{span}", None, "hidden columns; unhide or delete them"))
    found += [
        _problem(f"{where}!{cell}", None, "the formula has no saved value (the file was never "
                 "opened and saved in Excel or LibreOffice); open it there and save it again")
        for cell in unsaved
    ]  # fmt: skip
    return found


def _unsaved(cell: Any) -> bool:
    """A formula cell with no saved value: no `<v>`, or an empty one not typed as text
    (`t="str"` with `<v></v>` is a formula whose result is the empty string)."""
    if cell.find(f"{_MAIN}f") is None:
        return False
    value = cell.find(f"{_MAIN}v")
    return value is None or (not (value.text or "") and cell.get("t") != "str")


def _formatted_number(cell: object) -> str:
    """Why a number cell of a requesters workbook is refused, or "": its format shows it
    otherwise than its value reads (reference 123 formatted `000000` shows 000123; 4500.5
    formatted `# ##0,00 €` shows "4 500,50 €"), and a cover or file name would print the bare
    value. Dates are read as dates; a plain number (General) is printed as it is."""
    value = getattr(cell, "value", None)
    shape = str(getattr(cell, "number_format", "General") or "General")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    if shape in ("General", "@") or (shape == "0" and float(value).is_integer()):
        return ""
    where = getattr(cell, "coordinate", "")
    return (
        f"cell {where} holds the number {_cell_text(value)} shown with the format "
        f"'{shape}': a copy would print {_cell_text(value)}, not what Excel shows; format the "
        "column as Text and type the values again (or save the sheet as CSV)"
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
