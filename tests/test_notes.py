"""Notes and sources printed (issue 8): key figures' `note` and `source` under their boxes,
one note as "Note: …", several numbered, labels in the report's language; a breakdown's
`decimals:`; through the CLI, read with pypdf."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import built_text

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF

NBSP = "\u00a0"

STUDY = """\
victims:
  value: 99
  label: victims
  source: Field interviews
  note: {en: Women and girls only., fr: Femmes et filles seulement., es: Solo mujeres y niñas.}
months: {value: 5, label: months, note: {en: From March., fr: Depuis mars., es: Desde marzo.}}
age:
  label: Age
  base: 7
  decimals: 1
  categories:
    adults: {label: Adults, count: 6}
    minors: {label: Minors, count: 1}
"""

CONTENT = """\
# Key figures

{{ keyfigure(data.s.victims) }}

{{ keyfigures(data.s.victims, data.s.months) }}

{{ table(data.s.age) }}
"""


def build(root: Path, lang: str, study: str = STUDY) -> tuple[int, str]:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text(f"title: Notes\nlang: {lang}\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(CONTENT, encoding="utf-8")
    (root / "data" / "s.yml").write_text(study, encoding="utf-8")
    return built_text(root)


@pytest.mark.parametrize(
    ("lang", "one", "several", "source", "percent"),
    [
        ("en", "Note: Women and girls only.", "Notes: ", "Source: Field interviews", "85.7%"),
        ("fr", f"Note{NBSP}: Femmes et filles seulement.", f"Notes{NBSP}: ",
         f"Source{NBSP}: Field interviews", f"85,7{NBSP}%"),
        ("es", "Nota: Solo mujeres y niñas.", "Notas: ", "Fuente: Field interviews",
         f"85,7{NBSP}%"),
    ],
)  # fmt: skip
def test_notes_and_sources_under_key_figures(
    tmp_path: Path, lang: str, one: str, several: str, source: str, percent: str
) -> None:
    code, text = build(tmp_path, lang)
    assert code == 0, text
    assert one in text
    assert several in text
    assert text.count(source) == 2  # under each row that shows the figure
    assert percent in text  # the breakdown's decimals: 1


def test_breakdown_decimals_must_be_a_small_whole_number(tmp_path: Path) -> None:
    code, output = build(tmp_path, "en", STUDY.replace("decimals: 1", "decimals: two"))
    assert code == 1
    assert "breakdown 'age': 'decimals' must be a whole number from 0 to 6 (got 'two')" in output
