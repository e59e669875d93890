"""Data in the PDF: numbers, percents and derived values as a reader sees them, in French,
English and Spanish, and a table built from a typed CSV.

Each language's project is built once (module-scoped fixture) through the CLI, and its text
read back with pypdf, which keeps U+00A0 (no-break space) and U+202F (narrow no-break space).
The expected strings are written out as CLDR gives them through Babel, never computed here.
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts
from reportbuilder.cli import main

pytestmark = pytest.mark.pdf

STUDY = """\
victims: {value: 99}
age:
  base: victims
  categories:
    adults: {percent: 89}
    minors: {percent: 11}
"""

# `[int]` and `[percent]` declared; `region` is guessed (text).
REGIONS = """\
region,victims [int],share [percent]
Santiago,40,40.4
Arica,3,3 %
Tarapacá,56,56.6
"""

CONTENT = """\
# Figures

P1 {{ 89 | percent }} P2 {{ 1234567 | number }} P3 {{ data.s.age.adults.rest_percent | percent }} P4

Z1 {{ -0.4|number(0) }} Z2 {{ -0.004|percent(1) }} Z3 {{ -0.6|number(0) }} Z4

{{ table(data.regions) }}
"""

# A value that rounds to zero prints as zero, never "−0" (a reader takes it for a fall);
# one that rounds away from zero keeps its minus sign (U+2212).
ZEROS = {"fr": "Z1 0 Z2 0,0\u00a0% Z3 \u22121 Z4", "en": "Z1 0 Z2 0.0% Z3 \u22121 Z4"}
ZEROS["es"] = ZEROS["fr"]

# lang: (89 | percent, 1234567 | number, rest_percent 11 | percent, table rows)
EXPECTED = {
    "fr": (
        "89\u00a0%",
        "1\u202f234\u202f567",
        "11\u00a0%",
        ["Santiago 40 40,4\u00a0%", "Arica 3 3\u00a0%", "Tarapacá 56 56,6\u00a0%"],
    ),
    "en": (
        "89%",
        "1,234,567",
        "11%",
        ["Santiago 40 40.4%", "Arica 3 3%", "Tarapacá 56 56.6%"],
    ),
    "es": (
        "89\u00a0%",
        "1.234.567",
        "11\u00a0%",
        ["Santiago 40 40,4\u00a0%", "Arica 3 3\u00a0%", "Tarapacá 56 56,6\u00a0%"],
    ),
}


def make_project(root: Path, lang: str) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text(f"title: Data test\nlang: {lang}\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(CONTENT, encoding="utf-8")
    (root / "data" / "s.yml").write_text(STUDY, encoding="utf-8")
    (root / "data" / "regions.csv").write_text(REGIONS, encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """(lang, text of the PDF) for a small project in that language, built once."""
    lang = request.param
    folder = tmp_path_factory.mktemp(f"data-render-{lang}")
    project = make_project(folder / "project", lang)
    pdf = folder / "out.pdf"
    result = CliRunner().invoke(
        main, ["build", str(project), "-o", str(pdf)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return lang, "\n".join(page_texts(pypdf.PdfReader(pdf)))


def test_numbers_and_percents_follow_cldr(built: tuple) -> None:
    lang, text = built
    percent, number, rest, _ = EXPECTED[lang]
    assert f"P1 {percent} P2 {number} P3 {rest} P4" in text


def test_a_value_rounded_to_zero_has_no_minus_sign(built: tuple) -> None:
    lang, text = built
    assert ZEROS[lang] in text


def test_table_from_a_typed_csv(built: tuple) -> None:
    lang, text = built
    lines = text.splitlines()
    # The header shows the column names without their declared types.
    assert "region victims share" in lines
    assert "[int]" not in text and "[percent]" not in text
    for row in EXPECTED[lang][3]:
        assert row in lines, f"{row!r} not in the {lang} PDF text"
