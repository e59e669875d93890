"""Reading requesters files: good rows kept, every bad row located at its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reportbuilder.errors import ProjectError
from reportbuilder.merge.requesters import read_requesters


def write(tmp_path: Path, text: str, name: str = "requesters.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_read_with_optional_and_other_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Name,Email,organisation,lang,reference,date,Office\n"
        "Ana Pérez,Ana@Example.org,Fundación Sol,es,R-1,2026-12-01,Lima\n"
        "Mary Smith,mary@example.com,,,,,\n",
    )
    read = read_requesters(path, "requesters.csv")
    assert read.problems == ()
    ana, mary = read.rows
    assert (ana.name, ana.email, ana.organisation, ana.lang) == (
        "Ana Pérez",
        "Ana@example.org",
        "Fundación Sol",
        "es",
    )
    assert (ana.reference, ana.date, dict(ana.extra)) == ("R-1", "2026-12-01", {"office": "Lima"})
    assert (mary.lang, mary.organisation, mary.line, mary.index) == (None, "", 3, 1)
    assert ana.key != mary.key


def test_bad_rows_are_located_and_good_rows_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name;email;lang;date\n"
        "Good One;one@example.org;fr;\n"
        "Bad Mail;not-an-email;fr;\n"
        '"Two\nLines";two@example.org;en;\n'
        ";noname@example.org;en;\n"
        "Unknown;u@example.org;xx;\n"
        "\n"
        "Wrong Date;d@example.org;en;31/12/2026\n"
        "Good Two;two@example.org;es;2026-01-05\n",
    )
    read = read_requesters(path, "requesters.csv")
    assert [r.name for r in read.rows] == ["Good One", "Good Two"]
    shown = [str(p) for p in read.problems]
    assert shown == [
        "requesters.csv:3: invalid email 'not-an-email': An email address must have an @-sign.",
        "requesters.csv:4: name: a line break inside the cell",
        "requesters.csv:6: missing name",
        "requesters.csv:7: unknown language 'xx' (a language code such as fr, en or es)",
        "requesters.csv:9: date '31/12/2026' is not a date written YYYY-MM-DD",
    ]
    assert read.rows[1].line == 10  # the blank line counts as a line, not as a row
    assert read.lines == 7


def test_a_file_without_an_email_column_makes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "name,mail\nAna,ana@example.org\n")
    with pytest.raises(ProjectError) as caught:
        read_requesters(path, "requesters.csv")
    assert [str(p) for p in caught.value.problems] == [
        "requesters.csv:1: no 'email' column (columns found: name, mail)"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,email,name\n", "the column 'name' appears twice"),
        ("name,email,Home Town\na,a@example.org,x\n", "the column name 'home town' must be"),
        ("name,email\n", "no requester rows under the header"),
    ],
)
def test_header_problems(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProjectError) as caught:
        read_requesters(write(tmp_path, text), "r.csv")
    assert message in str(caught.value.problems[0])


def test_other_formats_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"\.csv or \.xlsx"):
        read_requesters(write(tmp_path, "x", "people.ods"))


def test_xlsx_rows_at_their_row_numbers(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["name", "email", "reference", "date"])
    sheet.append(["Ana", "ana@example.org", 1234, dt.datetime(2026, 12, 1)])
    sheet.append(["Bad", "bad@", None, None])
    path = tmp_path / "people.xlsx"
    book.save(path)
    read = read_requesters(path, "people.xlsx")
    assert [(r.name, r.reference, r.date, r.line) for r in read.rows] == [
        ("Ana", "1234", "2026-12-01", 3)
    ]
    assert [p.line for p in read.problems] == [4]
    assert str(read.problems[0]).startswith("people.xlsx:4: invalid email 'bad@'")


def test_identical_rows_are_distinct_in_the_journal_and_said(tmp_path: Path) -> None:
    """Two copies are made and sent, as asked; but a row pasted twice by mistake mailed the
    same report twice without a word: a warning at the second row lets the sender decide."""
    path = write(
        tmp_path, "name,email\nAna,ana@example.org\nTom,tom@example.org\nAna,ana@example.org\n"
    )
    read = read_requesters(path, "r.csv")
    first, _, second = read.rows
    assert first.key != second.key and second.key.startswith(first.key)
    (warning,) = read.problems
    assert warning.severity == "warning"
    assert str(warning) == (
        "r.csv:4: the same as row 2 in every column: another copy will be made (and sent); "
        "delete the row if it is there by mistake"
    )


def test_a_language_is_read_in_bcp47_case(tmp_path: Path) -> None:
    """`ES` typed in a sheet printed `/Lang ES` and named the file `…-ES-…` beside `…-es-…`."""
    path = write(tmp_path, "name,email,lang\nAna,a@example.org,ES\nBo,b@example.org,pt_br\n")
    assert [r.lang for r in read_requesters(path).rows] == ["es", "pt-BR"]


def test_an_address_that_cannot_be_sent_is_refused_when_read(tmp_path: Path) -> None:
    """Non-ASCII before the @ passed the row checks and `--dry-run`, the copy was made, and
    only sending failed (no SMTPUTF8). A non-ASCII domain can be sent (IDNA)."""
    path = write(tmp_path, "name,email\nJosé,josé@example.org\nAna,ana@exämple.org\n")
    read = read_requesters(path, "r.csv")
    assert [r.name for r in read.rows] == ["Ana"]
    (problem,) = read.problems
    assert str(problem).startswith("r.csv:2: invalid email 'josé@example.org': ")


def test_a_heading_written_e_mail_suggests_email(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,E-mail\nAna,ana@example.org\n")
    with pytest.raises(ProjectError) as caught:
        read_requesters(path, "r.csv")
    assert [str(p) for p in caught.value.problems] == [
        "r.csv:1: the column name 'e-mail' must be lower-case letters, digits and _ "
        "(templates use it as recipient.<column>); did you mean 'email'?"
    ]


def test_hidden_rows_and_columns_of_a_requester_workbook_are_refused(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "List"
    sheet.append(["name", "email", "note"])
    sheet.append(["Ana", "ana@example.org", "x"])
    sheet.append(["Filtered", "out@example.org", "y"])  # an autofilter hid this row
    sheet.append(["Ben", "ben@example.org", "z"])
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["C"].hidden = True
    path = tmp_path / "requesters.xlsx"
    book.save(path)
    with pytest.raises(ProjectError) as caught:
        read_requesters(path, "requesters.xlsx")
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "requesters.xlsx:List!3: hidden rows; a requester list is read whole: unhide them, or "
        "delete the rows of people who should not get the report",
        "requesters.xlsx:List!C: hidden columns; unhide or delete them",
    ]
    sheet.row_dimensions[3].hidden = False
    sheet.column_dimensions["C"].hidden = False
    book.save(path)
    assert len(read_requesters(path, "requesters.xlsx").rows) == 3


def test_a_formula_without_a_saved_value_is_refused_at_its_cell(tmp_path: Path) -> None:
    """`=UPPER("acme")` written by a program that does not calculate read as empty: Bob's
    organisation vanished from his cover (trial 4). A formula saved with "" is a value."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "List"
    sheet.append(["name", "email", "organisation"])
    sheet.append(["Bob", "bob@example.org", '=UPPER("acme")'])
    path = tmp_path / "requesters.xlsx"
    book.save(path)
    with pytest.raises(ProjectError) as caught:
        read_requesters(path, "requesters.xlsx")
    assert [str(p) for p in caught.value.problems] == [
        "requesters.xlsx:List!C2: the formula has no saved value (the file was never opened "
        "and saved in Excel or LibreOffice); open it there and save it again"
    ]


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Org\u202eX", "a bidirectional control (U+202E)"),
        ("Org\u2067X", "a bidirectional control (U+2067)"),
        ("Org\u200bX", "an invisible character (U+200B)"),
        ("Org\x9b31mX", "a control character (U+009B)"),
        ("Org\tX", "a control character (U+0009)"),
    ],
)
def test_control_and_bidi_characters_in_a_cell_refuse_the_row(
    tmp_path: Path, cell: str, code: str
) -> None:
    path = write(
        tmp_path,
        f'name,email,organisation\nAna,ana@example.org,Sol\nBob,bob@example.org,"{cell}"\n',
    )
    read = read_requesters(path, "req.csv")
    assert [r.name for r in read.rows] == ["Ana"]
    assert [str(p) for p in read.problems] == [
        f"req.csv:3: organisation: contains {code}: it would print or send as something "
        "else; remove it"
    ]


def test_control_characters_in_a_workbook_row_refuse_it(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "email", "reference"])
    sheet.append(["Ana", "ana@example.org", "R-1"])
    sheet.append(["Bob\u202e", "bob@example.org", "R-2"])
    path = tmp_path / "req.xlsx"
    book.save(path)
    read = read_requesters(path, "req.xlsx")
    assert [r.name for r in read.rows] == ["Ana"]
    assert [str(p) for p in read.problems] == [
        "req.xlsx:3: name: contains a bidirectional control (U+202E): it would print or send "
        "as something else; remove it"
    ]
