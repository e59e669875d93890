"""project.dates: ISO dates everywhere; day-first or month-first only where a CSV column
declares its form (`[date:%d/%m/%Y]`); every other `31/03/2026` is a located problem naming
the form expected and the readings — through the CLI, printed dates read back from the PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import built_text
from reportbuilder.cli import main
from reportbuilder.project.dates import (
    check_date_format,
    column_problem,
    iso_hint,
    read_date,
    slashed_readings,
)


def test_readings_of_a_slashed_date() -> None:
    assert slashed_readings("24/08/2020") == {"%d/%m/%Y": dt.date(2020, 8, 24)}
    assert slashed_readings("03.04.2021") == {
        "%d.%m.%Y": dt.date(2021, 4, 3),
        "%m.%d.%Y": dt.date(2021, 3, 4),
    }
    assert slashed_readings("08/24/2020") == {"%m/%d/%Y": dt.date(2020, 8, 24)}
    assert slashed_readings("2020-08-24") == {} and slashed_readings("31/31/2020") == {}


def test_iso_hint_names_the_form_and_the_readings() -> None:
    assert iso_hint("31/03/2026") == (
        "'31/03/2026' is not written YYYY-MM-DD: it is 2026-03-31 read day first; write 2026-03-31"
    )
    assert iso_hint("03/04/2026") == (
        "'03/04/2026' is not written YYYY-MM-DD: it could be 2026-04-03 (day first) or "
        "2026-03-04 (month first); write the one meant"
    )
    assert (
        iso_hint("March 2026") == "'March 2026' is not a date written YYYY-MM-DD (e.g. 2026-03-31)"
    )


def test_declared_forms() -> None:
    assert read_date("24/08/2020", "%d/%m/%Y") == dt.date(2020, 8, 24)
    assert read_date("08/24/2020", "%m/%d/%Y") == dt.date(2020, 8, 24)
    assert read_date("24/08/2020", None) is None and read_date("2024-02-30", None) is None
    assert check_date_format("%d/%m/%Y") is None
    assert check_date_format("%H:%M") == "'%H:%M' has %H, %M, which is not part of a date"
    assert check_date_format("%m/%Y") == "'%m/%Y' needs a day (%d) and a year (%Y)"


def test_an_undeclared_column_of_dates() -> None:
    # One cell that only reads day first settles the column.
    assert column_problem("since", ["03/04/2021", "24/08/2020"]) == (
        1,
        "column 'since' holds dates not written YYYY-MM-DD: '24/08/2020' is 2020-08-24 read "
        "day first; declare it: 'since [date:%d/%m/%Y]', or 'since [text]' to keep them as "
        "written",
    )
    assert column_problem("since", ["03/04/2021", ""]) == (
        0,
        "column 'since' holds dates not written YYYY-MM-DD: '03/04/2021' could be 2021-04-03 "
        "(day first) or 2021-03-04 (month first); declare which: 'since [date:%d/%m/%Y]' (day "
        "first) or 'since [date:%m/%d/%Y]' (month first), or 'since [text]' to keep them as "
        "written",
    )
    assert column_problem("code", ["03/04/2021", "A-12"]) is None


def project(root: Path, lang: str, csv: str, yml: str = "") -> Path:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text(f"title: Dates\nlang: {lang}\n{yml}", encoding="utf-8")
    (root / "content" / "01.md").write_text(
        "# Sites\n\n{{ table(data.sites) }}\n\nFirst: {{ data.sites.rows[0].since | date }}\n",
        encoding="utf-8",
    )
    (root / "data" / "sites.csv").write_text(csv, encoding="utf-8")
    return root


DAY_FIRST = "site,since [date:%d/%m/%Y],n [int]\nArica,24/08/2020,3\nIquique,03/04/2021,4\n"


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("lang", "printed", "long"),
    [
        ("fr", ["24 août 2020", "3 avr. 2021"], "24 août 2020"),
        ("en", ["Aug 24, 2020", "Apr 3, 2021"], "August 24, 2020"),
        ("en-GB", ["24 Aug 2020", "3 Apr 2021"], "24 August 2020"),
    ],
)
def test_declared_day_first_column_prints_in_the_editions_locale(
    tmp_path: Path, lang: str, printed: list[str], long: str
) -> None:
    code, text = built_text(project(tmp_path, lang, DAY_FIRST))
    assert code == 0, text
    for day in printed:
        assert day in text.replace("\u00a0", " ")
    assert f"First: {long}" in text.replace("\u00a0", " ")


@pytest.mark.pdf
def test_month_first_column(tmp_path: Path) -> None:
    csv = "site,since [date:%m/%d/%Y]\nArica,08/24/2020\n"
    code, text = built_text(project(tmp_path, "en", csv))
    assert code == 0, text
    assert "Aug 24, 2020" in text


@pytest.mark.parametrize(
    ("csv", "expected"),
    [
        (
            "site,since\nArica,03/04/2021\nIquique,24/08/2020\n",
            "data/sites.csv:3: column 'since' holds dates not written YYYY-MM-DD: '24/08/2020' is "
            "2020-08-24 read day first; declare it: 'since [date:%d/%m/%Y]', or 'since [text]' to "
            "keep them as written",
        ),
        (
            "site,since [date]\nArica,24/08/2020\n",
            "data/sites.csv:2: column 'since' expects a date as YYYY-MM-DD, got '24/08/2020', "
            "which is 2020-08-24 read day first; declare the column's form in the header, e.g. "
            "[date:%d/%m/%Y] or [date:%m/%d/%Y]",
        ),
        (
            "site,since [date:%d/%m/%Y]\nArica,2020-08-24\n",
            "data/sites.csv:2: column 'since' expects a date written %d/%m/%Y, got '2020-08-24'",
        ),
    ],
    ids=["undeclared", "iso-declared", "other-form"],
)
def test_dates_not_in_the_declared_form_are_located(
    tmp_path: Path, csv: str, expected: str
) -> None:
    result = CliRunner().invoke(main, ["check", str(project(tmp_path, "en", csv))])
    assert result.exit_code == 1
    first, *rest = result.output.strip().splitlines()
    assert first == expected
    # The chapter's table of the file is checked once the file is right, and said so.
    assert rest == [
        "warning: content/01.md:5: not checked yet: the line uses data.sites, whose file has "
        "problems of its own (above); check again once they are fixed",
        "1 problem found, and 1 warning.",
    ]


def test_day_first_dates_in_yaml(tmp_path: Path) -> None:
    root = project(tmp_path, "en", "site,since\nArica,2020-08-24\n", "date: 31/03/2026\n")
    (root / "data" / "study.yml").write_text(
        'fieldwork:\n  start: 24/08/2020\n  label: "24/08/2020"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "report.yml:3: 'date': '31/03/2026' is not written YYYY-MM-DD: it is 2026-03-31 read day "
        "first; write 2026-03-31",
        "data/study.yml:2: fieldwork.start: '24/08/2020' is not written YYYY-MM-DD: it is "
        "2020-08-24 read day first; write 2020-08-24 (or quote it to keep text)",
        "2 problems found.",
    ]
