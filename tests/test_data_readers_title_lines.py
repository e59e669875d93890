"""A CSV with title lines above its table, as INE, Eurostat and INSEE export them (trial 8
#4): the delimiter was taken from the first line alone (a title, with no `;`), the table was
read as one column of raw `;`-joined lines and printed so, and `check` found no problem. The
delimiter now comes from the table's lines; the title is one problem pointing to
`header_row:`, with which the table prints; a one-column table whose rows hold another
delimiter is refused. Built through the CLI and read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import built_text
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF

NBSP = "\u00a0"

INE = (
    "Tabla 1. Población por comunidad autónoma\n"
    "Unidades: personas\n"
    ";Total;Total;Hombres;Mujeres\n"
    "Comunidad;2023;2024;2024H;2024M\n"
    "Andalucía;8.584.147;8.631.862;4.250.120;4.381.742\n"
    "Cataluña;7.901.963;8.012.231;3.950.001;4.062.230\n"
    "Ceuta;83.052;83.517;42.100;41.417\n"
    "\n"
    "Fuente: INE.\n"
)


def project(root: Path, csv: str, data: str = "") -> Path:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text(f"title: Padrón\nlang: es\n{data}", encoding="utf-8")
    (root / "content" / "01.md").write_text(
        "# Datos\n\n{{ table(data.poblacion) }}\n", encoding="utf-8"
    )
    (root / "data" / "poblacion.csv").write_text(csv, encoding="utf-8")
    return root


def check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    return result.exit_code, result.output


def test_title_lines_above_a_semicolon_table_are_one_problem(tmp_path: Path) -> None:
    root = project(tmp_path, INE)
    code, output = check(root)
    assert code == 1, output
    assert (
        "data/poblacion.csv:1: is line 1 ('Tabla 1. Población por comunidad autóno…') a title "
        "above the table? It holds one cell, and the lines below hold 5, separated by ';' "
        "(the first at line 3)"
    ) in output
    assert "header_row: 3" in output and "no problems found" not in output
    code, output = built_text(root)
    assert code == 1 and "Andalucía;8.584.147" not in output


def test_with_header_row_the_table_prints_in_columns(tmp_path: Path) -> None:
    csv = INE.replace("\n\nFuente: INE.\n", "\n")
    root = project(tmp_path, csv, "data:\n  poblacion.csv: {header_row: 4}\n")
    code, text = built_text(root)
    assert code == 0, text
    assert "Andalucía 8.584.147 8.631.862 4.250.120 4.381.742" in text.replace(NBSP, " ")
    assert ";" not in text


def test_a_title_holding_a_comma_does_not_decide_the_delimiter(tmp_path: Path) -> None:
    csv = "Tabla 2, población activa\nregión;tasa\nNorte;12,5\nSur;9,75\n"
    code, output = check(project(tmp_path, csv))
    assert code == 1, output
    assert "is line 1 ('Tabla 2, población activa') a title above the table?" in output


def test_a_semicolon_table_with_decimal_commas_reads_as_before(tmp_path: Path) -> None:
    csv = "región;tasa;otra\nNorte;12,5;1,25\nSur;9,75;2,5\nEste;3,5;4,5\n"
    code, text = built_text(project(tmp_path, csv))
    assert code == 0, text
    assert "Norte 12,5 1,25" in text and "Sur 9,75 2,5" in text


def test_a_one_column_table_whose_rows_hold_semicolons_is_refused(tmp_path: Path) -> None:
    """The delimiter given is not the file's: every row read whole as one cell."""
    csv = "Comunidad;2024\nAndalucía;8.631.862\nCeuta;83.517\n"
    root = project(tmp_path, csv, "data:\n  poblacion.csv: {delimiter: ','}\n")
    code, output = check(root)
    assert code == 1, output
    assert (
        "data/poblacion.csv:1: the table has one column, yet 2 of its 2 rows hold ';' (e.g. "
        "'Andalucía;8.631.862'): the file seems separated by ';'"
    ) in output


def test_a_true_one_column_table_still_prints(tmp_path: Path) -> None:
    csv = "Comunidad\nAndalucía\nCeuta\n"
    code, text = built_text(project(tmp_path, csv))
    assert code == 0, text
    assert "Andalucía" in text and "Ceuta" in text
