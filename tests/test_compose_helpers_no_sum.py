"""`table(total=True)` over columns named in French or Spanish like file numbers, phone
numbers and coordinates (`N° dossier`, `Nº de expediente`, `Teléfono`, `Latitud`) is an
error naming the columns that add up, not a Total row of summed phone numbers (trial 8
#44); a phone number prints as written. Built through the CLI, the PDF read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_data_office_sheets import project
from test_data_total_rows import build_with_output

pytestmark = pytest.mark.pdf

GEO = (
    "ville;N° dossier;Latitud;Longitud;Teléfono;Nº de expediente;Habitantes\n"
    "Santiago;10234;-33,45;-70,66;223456789;5501;120\n"
    "Concepción;10567;-36,82;-73,05;412345678;5502;80\n"
)


def geo_project(tmp_path: Path, call: str) -> Path:
    root = project(tmp_path, call, lang="es")
    (root / "data" / "geo.csv").write_text(GEO, encoding="utf-8")
    return root


def test_codes_phones_and_coordinates_are_not_summed(tmp_path: Path) -> None:
    root = geo_project(tmp_path, "{{ table(data.geo, total=True) }}")
    code, output, text = build_with_output(root)
    assert code == 1
    assert (
        "content/01.md:3: table(total=True): the column 'N° dossier' of geo holds codes or "
        "identifiers, whose sum means nothing; name the columns to add up: "
        "total=['Habitantes']"
    ) in output
    assert "Traceback" not in output and text == ""


def test_the_columns_named_add_up_and_a_phone_prints_as_written(tmp_path: Path) -> None:
    root = geo_project(tmp_path, "{{ table(data.geo, total=['Habitantes']) }}")
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "Total 200" in text
    assert "223456789" in text  # not "223.456.789", a quantity's grouping
    assert "20801" not in text.replace(".", "")  # the file numbers' sum


@pytest.mark.parametrize(
    ("column", "kind"),
    [("téléphone", "phone numbers"), ("Longitude", "coordinates"),
     ("référence", "codes or identifiers"), ("numéro", "codes or identifiers"),
     ("code INSEE", "codes or identifiers")],
)  # fmt: skip
def test_each_word_is_refused_in_a_french_report(tmp_path: Path, column: str, kind: str) -> None:
    root = project(tmp_path, "{{ table(data.t, total=True) }}", lang="fr")
    (root / "data" / "t.csv").write_text(
        f"ville;{column};habitants\nLyon;4;120\nNice;6;80\n", encoding="utf-8"
    )
    code, output, _ = build_with_output(root)
    assert code == 1
    assert f"the column '{column}' of t holds {kind}, whose sum means nothing" in output
    assert "total=['habitants']" in output


def test_a_count_of_files_still_adds_up(tmp_path: Path) -> None:
    root = project(tmp_path, "{{ table(data.t, total=True) }}", lang="es")
    (root / "data" / "t.csv").write_text(
        "región;Número de empleados;Nº de habitantes\nNorte;4;120\nSur;6;80\n", encoding="utf-8"
    )
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "Total 10 200" in text
