"""data.readers: YAML, JSON and CSV files into values, with every problem at its line; and
how a number was written (its decimals)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from reportbuilder.errors import ReportError
from reportbuilder.project.data import Table
from reportbuilder.project.data.readers import (
    CsvSettings,
    Source,
    decimals_written,
    is_number_text,
    read_cell,
    read_csv,
    read_file,
    read_json,
    read_typed_cell,
    read_yaml,
)
from reportbuilder.project.files import FilePolicy


def read(root: Path, name: str, text: str) -> tuple[Any, list[str]]:
    """`data/<name>` written with `text`, read back: (what it gives, its problems as text)."""
    path = root / "data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    value, found = read_file(FilePolicy(root), f"data/{name}")
    return value, [str(p) for p in found]


def problems(root: Path, text: str, name: str) -> list[str]:
    return read(root, name, text)[1]


# --- JSON --------------------------------------------------------------------------------


def test_json_nan_and_infinity(tmp_path: Path) -> None:
    text = '{\n  "a": 1,\n  "b": NaN,\n  "c": "NaN in a string",\n  "d": -Infinity\n}'
    assert problems(tmp_path, text, "s.json") == [
        "data/s.json:3: 'NaN' is not a number (write a number or null)",
        "data/s.json:5: '-Infinity' is not a number (write a number or null)",
    ]


def test_json_duplicate_keys(tmp_path: Path) -> None:
    text = '{\n  "a": 1,\n  "b": {"x": 1,\n        "x": 2}\n}'
    assert problems(tmp_path, text, "s.json") == [
        "data/s.json:4: duplicate key 'x' (first at line 3)"
    ]


def test_json_syntax_error(tmp_path: Path) -> None:
    assert problems(tmp_path, '{\n  "a": 1\n  "b": 2\n}', "s.json") == [
        "data/s.json:3: Expecting ',' delimiter (column 3)"
    ]


def test_json_huge_number(tmp_path: Path) -> None:
    assert problems(tmp_path, '{\n"a":\n' + "1" * 5000 + "}", "s.json") == [
        "data/s.json:3: the number has too many digits"
    ]


def test_json_deep_nesting(tmp_path: Path) -> None:
    assert problems(tmp_path / "a", "[" * 100_000 + "]" * 100_000, "a.json") == [
        "data/a.json: nested too deeply"
    ]
    assert problems(tmp_path / "b", "[" * 150 + "]" * 150, "b.json") == [
        "data/b.json: nested more than 100 levels deep"
    ]


# --- CSV ---------------------------------------------------------------------------------


def test_csv_with_commas(tmp_path: Path) -> None:
    text = "\ufeffregion,victims,share,code\r\nSantiago,40,40.4,01\r\nArica,3,,15\r\n\r\n"
    table, found = read(tmp_path, "regions.csv", text)
    assert found == []
    assert isinstance(table, Table)
    assert table.columns == ["region", "victims", "share", "code"]
    assert list(table) == [
        {"region": "Santiago", "victims": 40, "share": 40.4, "code": "01"},
        {"region": "Arica", "victims": 3, "share": "", "code": "15"},  # codes, as written
    ]
    assert len(table) == 2 and table[1]["region"] == "Arica"
    assert table.types == {"region": "text", "victims": "int", "share": "number", "code": "text"}


def test_csv_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    text = 'région;part;note\n"Santiago; RM";12,5;"a, b"\nArica;1,5;1000\n'
    table, found = read(tmp_path, "r.csv", text)
    assert found == []
    assert table.rows == [
        {"région": "Santiago; RM", "part": 12.5, "note": "a, b"},
        {"région": "Arica", "part": 1.5, "note": "1000"},  # a text column keeps it as written
    ]


def test_csv_declared_types(tmp_path: Path) -> None:
    text = (
        "region,victims [int],share [percent],year [text],rate [number], day [ Date ] ,n\n"
        "Santiago,40,40.4,2024,1.5,2024-03-01,1\n"
        "Arica,-3,11 %,01,2,2024-02-29,2.5\n"
        "Tarapacá,,,,,,\n"
    )
    table, found = read(tmp_path, "regions.csv", text)
    assert found == []
    assert table is not None
    assert table.columns == ["region", "victims", "share", "year", "rate", "day", "n"]
    assert table.types == {
        "region": "text",
        "victims": "int",
        "share": "percent",
        "year": "text",
        "rate": "number",
        "day": "date",
        "n": "number",
    }
    assert table.rows == [
        {
            "region": "Santiago", "victims": 40, "share": 40.4, "year": "2024", "rate": 1.5,
            "day": dt.date(2024, 3, 1), "n": 1,
        },
        {
            "region": "Arica", "victims": -3, "share": 11.0, "year": "01", "rate": 2.0,
            "day": dt.date(2024, 2, 29), "n": 2.5,
        },
        {
            "region": "Tarapacá", "victims": None, "share": None, "year": None, "rate": None,
            "day": None, "n": "",
        },
    ]  # fmt: skip
    assert isinstance(table[1]["rate"], float) and isinstance(table[0]["victims"], int)


def test_csv_declared_types_with_semicolons(tmp_path: Path) -> None:
    text = "région;part [percent];taux [number];n [int]\nRM;12,5 %;1,25;3\nArica;87,5%;1,5;4\n"
    table, found = read(tmp_path, "r.csv", text)
    assert found == []
    assert table.rows == [
        {"région": "RM", "part": 12.5, "taux": 1.25, "n": 3},
        {"région": "Arica", "part": 87.5, "taux": 1.5, "n": 4},
    ]
    # Issue 8: one file, one decimal mark; `1.5` beside `1,25` is not decided silently.
    mixed = text.replace("87,5%;1,5", "87,5%;1.5")
    assert problems(tmp_path / "m", mixed, "r.csv") == [
        "data/r.csv:3: numbers are written with both decimal marks: '12,5 %' (line 2) and "
        "'1.5' (line 3); declare the file's decimal mark in report.yml "
        "(data: {r.csv: {decimal: ','}}) or correct the cells"
    ]


def test_csv_cells_not_of_their_declared_type(tmp_path: Path) -> None:
    text = (
        "region,victims [int],share [percent],rate [number],day [date]\n"
        "Santiago,abc,40.4,1.5,2024-03-01\n"
        "Arica,12.0,140,x,01/03/2024\n"
        'Iquique,1 234,-1,"12,5x",2024-02-30\n'
        "Calama,7,ten %,1e999,20240301\n"
    )
    table, found = read(tmp_path, "regions.csv", text)
    assert found == [
        "data/regions.csv:2: column 'victims' expects a whole number, got 'abc'",
        "data/regions.csv:3: column 'victims' expects a whole number, got '12.0'",
        "data/regions.csv:3: column 'rate' expects a number, got 'x'",
        "data/regions.csv:3: column 'day' expects a date as YYYY-MM-DD, got '01/03/2024', which "
        "could be 2024-03-01 (day first) or 2024-01-03 (month first); declare the column's form "
        "in the header, e.g. [date:%d/%m/%Y] or [date:%m/%d/%Y]",
        "data/regions.csv:4: column 'rate' expects a number, got '12,5x'",
        "data/regions.csv:4: column 'day' expects a date as YYYY-MM-DD, got '2024-02-30'",
        "data/regions.csv:5: column 'share' expects a percent (a number, a trailing % "
        "allowed), got 'ten %'",
        "data/regions.csv:5: column 'rate' expects a number, got '1e999'",
        "data/regions.csv:5: column 'day' expects a date as YYYY-MM-DD, got '20240301'",
    ]
    assert table is not None  # kept, with None where a cell was wrong
    assert len(table) == 4 and table[0]["victims"] is None and table[0]["share"] == 40.4
    # a growth of 140 % and a change of -1 % are percents too
    assert table[1]["share"] == 140 and table[2]["share"] == -1


def test_csv_unknown_type(tmp_path: Path) -> None:
    text = "a [integer],b [percnt],c [USD],d [],e\n1,2,3,4,5\n"
    table, found = read(tmp_path, "r.csv", text)
    known = "known types: text, int, number, percent, date"
    assert found == [
        f"data/r.csv:1: column 'a' has an unknown type 'integer' (did you mean 'int'? {known})",
        f"data/r.csv:1: column 'b' has an unknown type 'percnt' (did you mean 'percent'? {known})",
        f"data/r.csv:1: column 'c' has an unknown type 'USD' ({known})",
        f"data/r.csv:1: column 'd' has an unknown type '' ({known})",
    ]
    assert table is not None  # read as if undeclared
    assert table.columns == ["a", "b", "c", "d", "e"]
    assert table.rows == [{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}]
    assert set(table.types.values()) == {"int"}


def test_csv_brackets_in_a_column_name(tmp_path: Path) -> None:
    text = "amount [USD] [number],[int],x [int],x\n1,2,3,4\n"
    table, found = read(tmp_path, "r.csv", text)
    assert found == [
        "data/r.csv:1: column 2 has no name in the header row",
        "data/r.csv:1: column 'x' appears twice in the header row",
    ]
    assert table.columns == ["amount [USD]", "", "x", "x"]
    assert table.types["amount [USD]"] == "number"


def test_csv_decimal_comma_in_quotes(tmp_path: Path) -> None:
    # Issue 8: the numbers, not the delimiter, say which decimal mark a file uses.
    table, _ = read(tmp_path, "r.csv", 'a,b\n"12,5",x\n')
    assert table.rows == [{"a": 12.5, "b": "x"}]


def test_csv_ragged_rows_name_their_line(tmp_path: Path) -> None:
    text = 'a,b\n1,2\n"multi\nline",3\n4\n5,6,7\n'
    table, found = read(tmp_path, "r.csv", text)
    assert found == [
        "data/r.csv:5: row has 1 fields, the header has 2",
        "data/r.csv:6: row has 3 fields, the header has 2",
    ]
    assert len(table) == 2


def test_csv_header_problems(tmp_path: Path) -> None:
    assert problems(tmp_path, "a,,b,a\n1,2,3,4\n", "r.csv") == [
        "data/r.csv:1: column 2 has no name in the header row",
        "data/r.csv:1: column 'a' appears twice in the header row",
    ]


def test_csv_empty(tmp_path: Path) -> None:
    assert problems(tmp_path, "\n\n", "r.csv") == [
        "data/r.csv:1: empty CSV file: the first row must name the columns"
    ]


def test_csv_bad_quoting(tmp_path: Path) -> None:
    (problem,) = problems(tmp_path, 'a,b\n1,"2"x\n', "r.csv")
    assert problem.startswith("data/r.csv:2: cannot read CSV: ")


def test_read_csv_takes_text() -> None:
    table, found = read_csv("région;part [percent]\nRM;12,5 %\nArica;x\n", "data/r.csv", "r")
    assert isinstance(table, Table) and table.name == "r"
    assert table.rows == [{"région": "RM", "part": 12.5}, {"région": "Arica", "part": None}]
    assert [str(p) for p in found] == [
        "data/r.csv:3: column 'part' expects a percent (a number, a trailing % allowed), got 'x'"
    ]


def test_cells_undeclared() -> None:
    assert read_cell("01", False) == "01"  # a code, not a number
    assert read_cell(" 40 ", False) == 40 and read_cell("-3", False) == -3
    assert read_cell("12,5", True) == 12.5 and read_cell("12,5", False) == "12,5"
    assert read_cell("1e999", False) == "1e999"  # not finite: kept as written
    assert read_cell("", False) == ""


def test_cells_declared() -> None:
    assert read_typed_cell(" ", "int", False) is None
    assert read_typed_cell("40.4 %", "percent", False) == 40.4
    assert read_typed_cell("12,5", "number", True) == 12.5
    assert read_typed_cell("2024-02-29", "date", False) == dt.date(2024, 2, 29)
    assert read_typed_cell(" x ", "text", False) == " x "
    with pytest.raises(ValueError, match=r"expects a whole number, got '1\.0'"):
        read_typed_cell("1.0", "int", False)
    with pytest.raises(ValueError, match=r"\(the file writes decimals with '\.'\)"):
        read_typed_cell("12,5", "number", False)


# --- YAML and JSON sources ---------------------------------------------------------------


def test_yaml_source_knows_lines_and_number_texts() -> None:
    source = read_yaml("a:\n  p: 89.0\n  q: 1\n", "data/s.yml")
    assert isinstance(source, Source) and source.rel == "data/s.yml"
    assert source.value == {"a": {"p": 89.0, "q": 1}}
    assert source.line(("a", "q")) == 3
    assert source.number_texts[("a", "p")] == "89.0"
    assert read_yaml("", "data/e.yml").value == {}  # an empty file is an empty mapping


def test_json_source_knows_lines() -> None:
    source = read_json('{\n  "a": {\n    "b": 1.50\n  }\n}', "data/s.json")
    assert source.value == {"a": {"b": 1.5}}
    assert source.line(("a", "b")) == 3
    assert source.number_texts[("a", "b")] == "1.50"


def test_json_raises_every_problem_at_once() -> None:
    with pytest.raises(ReportError) as caught:
        read_json('{"a": NaN,\n "b": Infinity}', "data/s.json")
    assert [str(p) for p in caught.value.problems] == [
        "data/s.json:1: 'NaN' is not a number (write a number or null)",
        "data/s.json:2: 'Infinity' is not a number (write a number or null)",
    ]


# --- how a number was written --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text", "decimals"),
    [
        (89, None, 0),
        (89, "89", 0),
        (89.0, "89.0", 1),
        (89.0, None, 1),  # no text: as Python writes the float
        (33.3, "33.30", 2),
        (0.001, None, 3),
        (1000.5, "1_000.5", 1),
        (89.0, "8.9e1", 0),
        (89.0, "not a number", 1),  # unreadable text: as Python writes it
    ],
)
def test_decimals_written(value: float, text: str | None, decimals: int) -> None:
    assert decimals_written(value, text) == decimals


def test_number_texts() -> None:
    assert all(is_number_text(t) for t in ("99", " 12.5 ", "1e3", "-3", ".5"))
    assert not any(is_number_text(t) for t in ("89 %", "abc", "", "12,5", "victims"))


def test_report_yml_labels_name_a_csv_table_s_columns() -> None:
    from reportbuilder.project.data.model import Localized
    from reportbuilder.project.data.readers import CsvSettings, read_csv

    labels = {"country": Localized.of({"en": "Country", "fr": "Pays"}), "nov": "November"}
    table, problems = read_csv(
        "country,jan\nPeru,3\n", "data/m.csv", "m", CsvSettings(labels=labels)
    )
    assert table is not None
    assert table.labels == {"country": labels["country"]}
    assert [str(p) for p in problems] == [
        "data/m.csv:1: report.yml gives a label to column 'nov', which the file does not have"
        " (its columns: country, jan)"
    ]


def test_excels_separator_hint_line_is_read_not_taken_for_the_header() -> None:
    """`sep=;` on the first line (Excel's European exports) gave "column 2 has no name" and
    "'people' is not a number" (trial 4): it names the separator, and lines keep their
    numbers in problems."""
    from reportbuilder.project.data.readers import read_csv

    table, found = read_csv("sep=;\nregion;people\nA;1\nB;2\nC;x\n", "data/sep.csv", "sep")
    assert table is not None and table.columns == ["region", "people"]
    assert [p.line for p in found] == [5] and "'x'" in found[0].message
    table, found = read_csv("\ufeffSEP=,\nregion,people\nA,1\n", "data/sep.csv", "sep")
    assert table is not None and table.rows == [{"region": "A", "people": 1}] and found == []


# --- CSV with a title above the table (trial 4 #27) --------------------------------------

TITLED = "Regional results 2025,,\nSource: survey,,\n,,\nregion,people,cost\nN,1,2.5\nS,3,4.25\n"


def test_a_title_above_a_csv_table_is_one_problem_naming_header_row(tmp_path: Path) -> None:
    """Four misleading errors ("column 2 has no name", "'people' is not a number like the
    others …") and no hint; the xlsx reader asks "is row 1 a title above the table?"."""
    assert problems(tmp_path, TITLED, "t.csv") == [
        "data/t.csv:1: is line 1 ('Regional results 2025') a title above the table? The "
        "first non-empty line must name the columns; line 4 seems to (region, people, cost): "
        "delete the lines above it, or say where the table starts in data/t.csv.yml "
        "('header_row: 4')"
    ]
    # A one-column file, and a header with a gap, are not taken for a title.
    assert problems(tmp_path, "name\nAna\nBo\n", "one.csv") == []
    assert problems(tmp_path, "Total,,\na,1,2\n", "num.csv") != []


def test_header_row_skips_the_lines_above_a_csv_table(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text(TITLED, encoding="utf-8")
    table, found = read_csv(TITLED, "data/t.csv", "t", CsvSettings(header_row=4))
    assert found == [] and table is not None
    assert table.columns == ["region", "people", "cost"]
    assert table.rows == [{"region": "N", "people": 1, "cost": 2.5},
                          {"region": "S", "people": 3, "cost": 4.25}]  # fmt: skip
    _, found = read_csv(TITLED, "data/t.csv", "t", CsvSettings(header_row=3))
    assert [str(p) for p in found] == [
        "data/t.csv: header_row: 3 names no line of the file that holds the columns' names "
        "(line 3 is empty)"
    ]
