"""Spanish writes 1234 but 83.517 — except in a column with numbers of five digits or more,
where a four-digit one is grouped as they are (RAE): "6.871.903 / 83.517 / 1234" did not
line up (trial 8 #25)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import one_chapter_project, page_texts
from reportbuilder.cli import main
from reportbuilder.compose.formatting import Formatter


def test_a_wide_column_groups_its_four_digit_numbers_in_spanish() -> None:
    fmt = Formatter("es")
    assert fmt.number(1234) == "1234"
    assert fmt.for_column([6871903, 83517, 1234]).number(1234) == "1.234"
    assert fmt.for_column([1234, 5678, None, "x"]).number(1234) == "1234"
    assert Formatter("en").for_column([1234]).number(1234) == "1,234"


@pytest.mark.pdf
def test_a_spanish_table_lines_its_digits_up(tmp_path: Path) -> None:
    import pypdf

    project = one_chapter_project(
        tmp_path / "p",
        "Población",
        "# Población\n\n{{ table(data.poblacion, total=['habitantes']) }}\n\n"
        "{{ table(data.pequena, total=['habitantes']) }}\n",
    )
    config = project / "report.yml"
    config.write_text(config.read_text().replace("lang: en", "lang: es"), encoding="utf-8")
    (project / "data" / "poblacion.csv").write_text(
        "region,habitantes\nNorte,6871903\nSur,83517\nIsla,1234\n", encoding="utf-8"
    )
    # four-digit rows whose total has five: grouped as their total
    (project / "data" / "pequena.csv").write_text(
        "region,habitantes\nEste,5000\nOeste,6000\n", encoding="utf-8"
    )
    out = project / "out" / "p.pdf"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(page_texts(pypdf.PdfReader(out)))
    for printed in ("6.871.903", "83.517", "1.234", "6.956.654", "5.000", "6.000", "11.000"):
        assert printed in text, printed
