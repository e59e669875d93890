"""Dates as offices write them: ISO `2026-03-31` is read everywhere; a day-first or
month-first form (`31/03/2026`, `03/31/2026`) only where a column declares it
(`since [date:%d/%m/%Y]`), since `03/04/2026` is two different days in two countries.

Elsewhere such a date is a problem that names the form expected and the readings it has.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

ISO_FORM = "YYYY-MM-DD"
DAY_FIRST, MONTH_FIRST = "%d/%m/%Y", "%m/%d/%Y"
# 31/03/2026, 31.03.2026, 31-03-2026: two short numbers and a four-digit year.
_SLASHED = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
# 2026-13-01, 2026-2-30: written as an ISO date, whether or not it is a day.
_ISO_SHAPED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Directives that make a date; a time of day would be dropped without a word.
_DATE_DIRECTIVES = set("dmyYbBaAj%")


def slashed_readings(text: str) -> dict[str, dt.date]:
    """The days `text` can be, by the form that reads it: `{"%d/%m/%Y": …, "%m/%d/%Y": …}`
    (with the separator written); empty when it is no such date."""
    found = _SLASHED.fullmatch(text.strip())
    if found is None:
        return {}
    first, sep, second, year = int(found[1]), found[2], int(found[3]), int(found[4])
    readings = {}
    for form, (day, month) in (
        (DAY_FIRST, (first, second)),
        (MONTH_FIRST, (second, first)),
    ):
        try:
            readings[form.replace("/", sep)] = dt.date(year, month, day)
        except ValueError:
            continue
    return readings


def looks_like_a_date(text: str) -> bool:
    return _SLASHED.fullmatch(text.strip()) is not None


def readings_said(text: str) -> str:
    """`'31/03/2026' is 2026-03-31 read day first` / `… could be 2026-04-03 (day first) or
    2026-03-04 (month first)` / `… is no day, read day first or month first`."""
    return f"'{text.strip()[:40]}' {reading_words(text)}"


def reading_words(text: str) -> str:
    days = list(slashed_readings(text).items())
    if not days:
        return "is no day, read day first or month first"
    if len(days) == 1 or days[0][1] == days[1][1]:
        form, day = days[0]
        order = "day first" if form.startswith("%d") else "month first"
        return f"is {day.isoformat()} read {order}"
    return (
        f"could be {days[0][1].isoformat()} (day first) or {days[1][1].isoformat()} (month first)"
    )


def iso_hint(text: str) -> str:
    """What to write instead of `text` in YAML: the ISO form, with its readings."""
    readings = sorted(set(slashed_readings(text).values()))
    shown = text.strip()[:40]
    if len(readings) == 1:
        day = readings[0].isoformat()
        return f"'{shown}' is not written {ISO_FORM}: it {reading_words(text)}; write {day}"
    if readings:
        words = reading_words(text)
        return f"'{shown}' is not written {ISO_FORM}: it {words}; write the one meant"
    return f"'{shown}' is not a date written {ISO_FORM} (e.g. 2026-03-31)"


def check_date_format(form: str) -> str | None:
    """Why `form` (a strptime pattern from a header) cannot read dates, or None."""
    directives = re.findall(r"%(.)", form)
    if not directives:
        return f"'{form}' has no %d, %m or %Y"
    odd = [f"%{d}" for d in directives if d not in _DATE_DIRECTIVES]
    if odd:
        return f"'{form}' has {', '.join(odd)}, which is not part of a date"
    if not {"d", "j"} & set(directives) or not {"Y", "y", "j"} & set(directives):
        return f"'{form}' needs a day (%d) and a year (%Y)"
    return None


def read_date(text: str, form: str | None) -> dt.date | None:
    """`text` as a date: ISO, or in `form` when one is declared; None when it is not one."""
    text = text.strip()
    if form is None:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:  # 2024-02-30
            return None
    try:
        return dt.datetime.strptime(text, form).date()
    except ValueError:
        return None


def column_problem(column: str, cells: list[str]) -> tuple[int, str] | None:
    """For an undeclared column whose every cell is a slashed date: the index of the cell to
    show (the one that settles the form, else one two forms read) and the problem, naming its
    readings and how to declare the column; None for any other column."""
    written = [(index, cell.strip()) for index, cell in enumerate(cells) if cell.strip()]
    if not written or not all(looks_like_a_date(cell) for _, cell in written):
        return None
    sep = _SLASHED.fullmatch(written[0][1])[2]  # type: ignore[index]
    # The forms that read every cell: one cell such as 24/08/2020 can settle the column.
    forms = set.intersection(*(set(slashed_readings(cell)) for _, cell in written))
    day_first, month_first = DAY_FIRST.replace("/", sep), MONTH_FIRST.replace("/", sep)
    count = 1 if len(forms) == 1 else 2
    index, sample = next(
        ((i, c) for i, c in written if len(slashed_readings(c)) == count), written[0]
    )
    if forms == {day_first}:
        how = f"declare it: '{column} [date:{day_first}]'"
    elif forms == {month_first}:
        how = f"declare it: '{column} [date:{month_first}]'"
    elif not forms:
        how = "no one form reads them all (correct the cells, then declare the form)"
    else:
        how = (
            f"declare which: '{column} [date:{day_first}]' (day first) or "
            f"'{column} [date:{month_first}]' (month first)"
        )
    return index, (
        f"column '{column}' holds dates not written {ISO_FORM}: {readings_said(sample)}; "
        f"{how}, or '{column} [text]' to keep them as written"
    )


def looks_like_a_day(text: str) -> bool:
    """`text` is written as a date (`2026-13-01`, `31/02/2026`), whether or not it is a day."""
    return _ISO_SHAPED.fullmatch(text.strip()) is not None or looks_like_a_date(text)


def a_column_of_dates(dates: int, others: list[str]) -> bool:
    """Whether a column holding `dates` real dates and the texts `others` is a column of dates
    whose other cells are mistakes (a typo, a date typed as text): the dates outnumber them,
    or one of them is written as a date. Otherwise it is a column of text with a few dates."""
    return dates > 0 and (dates > len(others) or any(looks_like_a_day(t) for t in others))


def odd_date_words(text: str) -> str:
    """What `text`, found among dates, is: `is 2025-01-31 read day first`, `is no day: there is
    no month 13`, `is no day: February 2026 has no day 30`, `is not a date`."""
    text = text.strip()
    iso = _ISO_SHAPED.fullmatch(text)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
        if not 1 <= month <= 12:
            return f"is no day: there is no month {month}"
        try:
            return f"is {dt.date(year, month, day).isoformat()} not written {ISO_FORM}"
        except ValueError:
            return f"is no day: {calendar.month_name[month]} {year} has no day {day}"
    if looks_like_a_date(text):
        return reading_words(text)
    return "is not a date"


def odd_date_message(column: str, text: str, fix: str) -> str:
    """The problem of a cell `text` among a column's dates; `fix` says how to write a date
    in that file (`write it YYYY-MM-DD`, `type it as a date`)."""
    shown = text.strip()[:40]
    return (
        f"column '{column}': '{shown}' is not a date like the others (it {odd_date_words(text)}); "
        f"{fix}, leave the cell empty, or declare the column as text ('{column} [text]')"
    )
