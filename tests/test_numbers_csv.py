"""Reading numbers as they were written (issue 8): a CSV's decimal mark found from the whole
file or declared in report.yml, ambiguous cells refused with both readings, written precision
kept, and spreadsheets refused with a located message — through the CLI, read with pypdf."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import add_catalog, built_text, page_texts
from reportbuilder.cli import main
from reportbuilder.project.data.model import WrittenNumber
from reportbuilder.project.data.readers import decimal_readings, read_csv, read_number

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF

NBSP = "\u00a0"
NNBSP = "\u202f"
EURO = "site;country;migrants\nTapachula;Mexico;1.322\nTijuana;Mexico;845\n"


def test_read_number_by_decimal_mark() -> None:
    assert read_number("1.322", ",") == 1322 and read_number("1.322", ".") == 1.322
    assert read_number("1 234 567", ".") == 1234567 and read_number("1\u202f234,5", ",") == 1234.5
    assert read_number("388,10", ",") == 388.1 and read_number("388,10", ",").decimals == 2  # type: ignore[union-attr]
    assert read_number("12,5", ".") is None and read_number("01", ",") is None
    assert decimal_readings("1,322") == {",": 1.322, ".": 1322}
    assert decimal_readings("0,125") == {",": 0.125}  # a leading 0 never groups thousands
    assert decimal_readings("1234.567") == {".": 1234.567}  # nor do four digits
    assert decimal_readings("1.234.567") == {",": 1234567}


def test_ambiguous_cell_names_both_readings() -> None:
    table, found = read_csv(EURO, "data/euro.csv", "euro")
    assert [str(p) for p in found] == [
        "data/euro.csv:2: column 'migrants': '1.322' could be 1322 ('.' grouping thousands) or "
        "1.322 ('.' as the decimal mark), and no other number in the file says which; declare "
        "whole numbers in the header ('migrants [int]') or the file's decimal mark in "
        "report.yml (data: {euro.csv: {decimal: ','}})"
    ]
    assert table is not None and table[0]["migrants"] is None
    # Another cell of the file shows the mark: no doubt left.
    table, found = read_csv(EURO + "Tecun;Guatemala;12,5\n", "data/euro.csv", "euro")
    assert found == [] and table is not None and table[0]["migrants"] == 1322


def build(
    root: Path, lang: str, csv: str, settings: str = "", name: str = "euro.csv"
) -> tuple[int, str]:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text(f"title: Numbers\nlang: {lang}\n{settings}", encoding="utf-8")
    (root / "content" / "01.md").write_text("# Sites\n\n{{ table(data.euro) }}\n", encoding="utf-8")
    (root / "data" / name).write_bytes(csv.encode("utf-8"))
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    if result.exit_code != 0:
        return result.exit_code, result.output
    pdf = next((root / "out").glob("*.pdf"))
    return 0, "\n".join(page_texts(pypdf.PdfReader(pdf)))


def test_european_csv_undeclared_fails_with_both_readings(tmp_path: Path) -> None:
    code, output = build(tmp_path, "fr", EURO)
    assert code == 1
    assert "data/euro.csv:2: column 'migrants': '1.322' could be 1322" in output
    assert "1.322 ('.' as the decimal mark)" in output
    assert "Error" not in output


@pytest.mark.parametrize(
    ("csv", "settings"),
    [
        (EURO.replace("migrants", "migrants [int]"), ""),
        (EURO, "data:\n  euro.csv: {decimal: ','}\n"),
    ],
)
def test_european_csv_declared_prints_1322(tmp_path: Path, csv: str, settings: str) -> None:
    code, text = build(tmp_path, "fr", csv, settings)
    assert code == 0, text
    assert f"Tapachula Mexico 1{NNBSP}322" in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", ["A 388,10", "B 501,00", "C 1,5"]), ("en", ["A 388.10", "B 501.00", "C 1.5"])],
)
def test_written_precision_is_kept(tmp_path: Path, lang: str, expected: list[str]) -> None:
    code, text = build(tmp_path, lang, "site;amount\nA;388,10\nB;501,00\nC;1,5\n")
    assert code == 0, text
    for row in expected:
        assert row in text


def test_written_number_survives_pickling() -> None:
    import pickle

    number = pickle.loads(pickle.dumps(WrittenNumber(388.1, 2)))
    assert number == 388.1 and number.decimals == 2


def test_unknown_data_setting_is_located(tmp_path: Path) -> None:
    code, output = build(tmp_path, "en", "a,b\n1,2\n", "data:\n  other.csv: {decimal: ','}\n")
    assert code == 1
    assert "report.yml: data: 'other.csv' is not a CSV file in data/" in output


def test_unread_workbooks_are_located_errors(tmp_path: Path) -> None:
    code, output = build(tmp_path, "en", "not really a workbook", name="budget.xlsx")
    assert code == 1
    assert "data/budget.xlsx: cannot be read as an Excel workbook; save it again" in output
    code, output = build(tmp_path / "ods", "en", "x", name="budget.ods")
    assert code == 1
    assert "data/budget.ods: .ods workbooks are not read: save 'budget.ods' as .xlsx or" in output


# As LibreOffice Calc exports a sheet in a German locale: BOM, CRLF, quoted text, ';',
# grouped thousands, decimal commas, percents with '%', day-first dates.
LIBREOFFICE_DE = (
    '\ufeff"Ort";"Anzahl";"Anteil";"Datum [date:%d.%m.%Y]";"Betrag"\r\n'
    '"Tapachula";1.322;12,5%;24.08.2020;1.234,50\r\n'
    '"Tijuana";845;50,0%;03.04.2021;501,00\r\n'
)


@pytest.mark.parametrize(
    ("lang", "rows", "sentence"),
    [
        (
            "de",
            ["Tapachula 1.322 12,5 % 24.08.2020 1.234,50", "Tijuana 845 50,0 % 03.04.2021 501,00"],
            "12,5 % von 1.322",
        ),
        (
            "en",
            ["Tapachula 1,322 12.5% Aug 24, 2020 1,234.50", "Tijuana 845 50.0% Apr 3, 2021 501.00"],
            "12.5% von 1,322",
        ),
    ],
)
def test_a_libreoffice_german_export(
    tmp_path: Path, lang: str, rows: list[str], sentence: str
) -> None:
    (tmp_path / "content").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "report.yml").write_text(f"title: Orte\nlang: {lang}\n", encoding="utf-8")
    (tmp_path / "content" / "01.md").write_text(
        "# Orte\n\n{{ table(data.orte) }}\n\n"
        "{{ data.orte.rows[0].Anteil | percent }} von {{ data.orte.rows[0].Anzahl | number }}\n",
        encoding="utf-8",
    )
    (tmp_path / "data" / "orte.csv").write_bytes(LIBREOFFICE_DE.encode("utf-8"))
    if lang == "de":
        add_catalog(tmp_path, "de")  # the theme has no German words of its own
    code, text = built_text(tmp_path)
    assert code == 0, text
    flat = text.replace(NBSP, " ").replace(NNBSP, " ")
    for row in rows:
        assert row in flat
    assert sentence in flat


def test_percent_cells_type_their_column_and_show_the_decimal_mark() -> None:
    text = 'site,people,share\nA,"1,322",12.5%\nB,845,7 %\n'
    table, found = read_csv(text, "data/us.csv", "us")
    assert found == [] and table is not None
    assert table.types["share"] == "percent" and table[0]["share"] == 12.5
    assert table[0]["people"] == 1322  # 12.5% says the file writes decimals with '.'
    table, _ = read_csv("site,growth\nA,150%\nB,-12%\n", "data/g.csv", "g")
    assert table is not None and table.types["growth"] == "percent"  # a growth, a fall
    assert table[0]["growth"] == 150 and table[1]["growth"] == -12
