"""Column labels declared in the data file: `data/NAME.csv.yml` beside the CSV, per language,
validated, merged with report.yml's `data:` (report.yml first) and printed in the table."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts
from reportbuilder.cli import main
from reportbuilder.project.data import load_data
from reportbuilder.project.data.model import Localized
from reportbuilder.project.data.readers import CsvSettings

CSV = "country;jan;feb\nPeru;3,5;4\nChile;2;1,5\n"


def _project(tmp_path: Path, sidecar: str) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "monthly.csv").write_text(CSV)
    (tmp_path / "data" / "monthly.csv.yml").write_text(sidecar)
    return tmp_path


def test_the_data_file_declares_its_labels_per_language(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        "decimal: ','\nlabels:\n  country: {en: Country, es: País}\n  jan: January\n",
    )
    data, problems = load_data(root)
    assert problems == []
    assert set(data) == {"monthly"}  # the sidecar is no data namespace of its own
    table = data["monthly"]
    assert table.rows[0] == {"country": "Peru", "jan": 3.5, "feb": 4}  # its decimal mark read
    assert table.labels["country"].pick("es") == "País"
    assert table.labels["jan"] == "January"


def test_report_yml_wins_and_per_language_labels_merge(tmp_path: Path) -> None:
    root = _project(
        tmp_path, "labels:\n  country: {en: Country, es: País}\n  jan: January\n  feb: Feb.\n"
    )
    given = CsvSettings(
        decimal=",",
        labels={"country": Localized.of({"fr": "Pays", "es": "Nación"}), "jan": "janvier"},
    )
    data, problems = load_data(root, {"monthly.csv": given})
    assert problems == []
    labels = data["monthly"].labels
    assert labels["country"].texts == {"fr": "Pays", "es": "Nación", "en": "Country"}
    assert labels["jan"] == "janvier"  # report.yml's label replaces the data file's
    assert labels["feb"] == "Feb."


def test_a_label_for_a_missing_column_is_located_in_the_data_file(tmp_path: Path) -> None:
    root = _project(tmp_path, "labels:\n  country: Country\n  nov: November\n")
    _, problems = load_data(root)
    assert [str(p) for p in problems] == [
        "data/monthly.csv.yml:3: a label for column 'nov', which data/monthly.csv does not have"
        " (its columns: country, jan, feb)"
    ]


def test_a_wrong_key_and_an_orphan_description_are_problems(tmp_path: Path) -> None:
    root = _project(tmp_path, "decimal: ','\nlables: {country: Country}\n")
    (root / "data" / "gone.csv.yml").write_text("labels: {a: A}\n")
    _, problems = load_data(root)
    found = sorted(str(p) for p in problems)
    assert found[0] == "data/gone.csv.yml: describes 'gone.csv', which is not in data/"
    assert found[1].startswith(
        "data/monthly.csv.yml:2: unknown key 'lables' (did you mean 'labels'?)"
    )


@pytest.mark.pdf
def test_the_data_file_s_labels_are_the_table_s_headings(tiny_project: Path) -> None:
    data = tiny_project / "data"
    (data / "monthly.csv").write_text(CSV)
    (data / "monthly.csv.yml").write_text(
        "decimal: ','\nlabels:\n  country: {en: Country of origin, es: País}\n  jan: January\n"
    )
    chapter = tiny_project / "content" / "01-only.md"
    chapter.write_text(chapter.read_text() + '\n{{ table(data.monthly, caption="By month") }}\n')
    out = tiny_project / "out" / "labels.pdf"
    result = CliRunner().invoke(main, ["build", str(tiny_project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    texts = page_texts(pypdf.PdfReader(io.BytesIO(out.read_bytes())))
    (page,) = [text for text in texts if "By month" in text]
    assert "Country of origin" in page and "January" in page
    assert "feb" in page  # a column not labelled keeps its name
    assert "3.5" in page  # the data file's decimal mark


@pytest.mark.pdf
def test_header_row_reads_a_csv_exported_with_a_title(tiny_project: Path) -> None:
    """Trial 4 #27: a CSV exported from a sheet with a title above the table could only be
    fixed by editing the export: `header_row` is now the CSV's as the workbook's."""
    data = tiny_project / "data"
    (data / "regions.csv").write_text(
        "Regional results 2025,,\nSource: survey,,\n,,\nregion,people,cost\nNorth,11,2.5\n"
        "South,13,4.25\n"
    )
    (data / "regions.csv.yml").write_text("header_row: 4\n")
    chapter = tiny_project / "content" / "01-only.md"
    chapter.write_text(chapter.read_text() + '\n{{ table(data.regions, caption="Regions") }}\n')
    out = tiny_project / "out" / "regions.pdf"
    result = CliRunner().invoke(main, ["build", str(tiny_project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    texts = page_texts(pypdf.PdfReader(io.BytesIO(out.read_bytes())))
    (page,) = [text for text in texts if "Regions" in text]
    assert "North" in page and "4.25" in page and "region" in page
    assert "Regional results 2025" not in page and "Source: survey" not in page
