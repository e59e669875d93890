"""A `+` written in a CSV cell (`+1,1` in an "Évolution" column) was dropped: the table
printed `1,1` beside `−1,2` (trial 8 #8), where the explicit sign is what a reader scans a
change column for. It is printed as written, in a table and by `{{ }}`, for a whole number,
a decimal and a percent; a total of such cells is a plain sum. Built and read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import built_text

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF

NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"

INSEE = (
    "Département;Population;Évolution;Écart;Part\n"
    "01 - Ain;657 856;\u22121,2;-3;+2,5 %\n"
    "02 - Aisne; 531 345;-0,4;+0;-1,5 %\n"
    "2A - Corse-du-Sud;158 507;+1,1;+12;+0,5 %\n"
)


def test_a_plus_written_in_a_csv_cell_is_printed(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "report.yml").write_text("title: Insee\nlang: fr\n", encoding="utf-8")
    (tmp_path / "data" / "insee.csv").write_text(INSEE, encoding="utf-8")
    (tmp_path / "content" / "01.md").write_text(
        "# D\n\n{{ table(data.insee) }}\n\n"
        'Corse : {{ data.insee.rows[2]["Évolution"] }} ; '
        'somme : {{ (data.insee.rows[0]["Écart"] + data.insee.rows[2]["Écart"]) | number }}.\n',
        encoding="utf-8",
    )
    code, text = built_text(tmp_path)
    assert code == 0, text
    text = text.replace(NBSP, " ").replace(NNBSP, " ")
    assert f"01 - Ain 657 856 {MINUS}1,2 {MINUS}3 +2,5 %" in text
    assert f"02 - Aisne 531 345 {MINUS}0,4 +0 {MINUS}1,5 %" in text
    assert "2A - Corse-du-Sud 158 507 +1,1 +12 +0,5 %" in text
    assert "Corse : +1,1 ; somme : 9." in text
