"""`poblacion: {value: 1.234}` in a Spanish report printed "1,234 habitantes" — a thousand
times too small, and deliberate-looking (trial 8 #35): in a report whose language groups
thousands with a dot, a YAML number written like a dotted thousand is an error at its line,
unless it is written with a fourth decimal."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import one_chapter_project
from reportbuilder import ReportError, check
from reportbuilder.project.data.dotted_thousands import groups_with_a_dot


def _project(tmp_path: Path, lang: str, data: str) -> Path:
    project = one_chapter_project(
        tmp_path / "p", "Ciudad", "# Ciudad\n\n{{ data.k.poblacion.value | number }}\n"
    )
    config = project / "report.yml"
    config.write_text(config.read_text().replace("lang: en", f"lang: {lang}"), encoding="utf-8")
    (project / "data" / "k.yml").write_text(data, encoding="utf-8")
    return project


@pytest.mark.parametrize("lang", ["es", "de", "it", "pt"])
def test_a_dotted_thousand_is_refused_where_the_language_writes_one(
    tmp_path: Path, lang: str
) -> None:
    project = _project(tmp_path, lang, "poblacion:\n  value: 1.234\ngasto:\n  value: 2.500\n")
    with pytest.raises(ReportError) as refused:
        check(project)
    # (a report in de, it or pt also needs its theme words: not what is tested here)
    said = [str(p) for p in refused.value.problems if p.path == "data/k.yml"]
    assert said == [
        "data/k.yml:2: 'value': 1.234 could be 1234 (a dot grouping thousands, as the report's "
        "language writes) or 1.234 (YAML's decimal point): write 1234, or 1.2340 for the "
        "decimal number",
        "data/k.yml:4: 'value': 2.500 could be 2500 (a dot grouping thousands, as the report's "
        "language writes) or 2.500 (YAML's decimal point): write 2500, or 2.5000 for the "
        "decimal number",
    ]


@pytest.mark.parametrize(
    ("lang", "data"),
    [
        ("en", "poblacion:\n  value: 1.234\n"),  # English writes 1,234 for a thousand
        ("fr", "poblacion:\n  value: 1.234\n"),  # French groups with a space
        ("es", "poblacion:\n  value: 1.2340\n"),  # a fourth decimal: the decimal number
        ("es", "poblacion:\n  value: 1234\n"),
        ("es", "poblacion:\n  value: 0.125\n"),  # no thousand has a leading zero
        ("es", "poblacion:\n  value: 12.5\n"),
    ],
)
def test_a_number_that_is_not_in_doubt_is_read(tmp_path: Path, lang: str, data: str) -> None:
    assert check(_project(tmp_path, lang, data)).warnings is not None


def test_the_languages_that_group_with_a_dot() -> None:
    assert [
        lang
        for lang in ("es", "de", "it", "pt", "nl", "fr", "en", "de-CH")
        if groups_with_a_dot(lang)
    ] == ["es", "de", "it", "pt", "nl"]
