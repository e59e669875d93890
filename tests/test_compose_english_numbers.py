"""Jinja's own text conversions of numbers (`format`, `.format()`, `string`, `join`, `~`)
are refused in chapters: they wrote "12,000" and "19.3" in a French report (trial 7 #22).
Built through the CLI; what works instead prints the French way."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.compose.english_numbers import prints_otherwise
from test_numbers_trust import build

CSV = "region,amount\nNord,1234.5\nSud,12000\n"


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ('{{ "%.1f" | format(data.t.rows[0].amount / 3) }}', "| format writes 411.5"),
        ('{{ "{:,}".format(data.t.rows[1].amount * 10) }}', "'.format()' writes 120000"),
        ("{{ data.t.rows[0].amount | string }}", "| string writes 1234.5"),
        ('{{ data.t.rows | map(attribute="amount") | join(" ; ") }}', "| join (format each"),
        ('{{ "Total : " ~ (data.t.rows | sum(attribute="amount")) }}', "'~' writes 13234.5"),
    ],
)
@pytest.mark.pdf
def test_numbers_written_the_english_way_are_refused(
    tmp_path: Path, source: str, said: str
) -> None:
    code, output, _ = build(tmp_path, f"Figures: {source}.", {"t.csv": CSV}, lang="fr")
    assert code == 1
    assert "content/01.md:3:" in output and said in output
    assert "the English way, whatever the report's language" in output


@pytest.mark.pdf
def test_what_writes_numbers_the_editions_way_passes(tmp_path: Path) -> None:
    content = (
        'A {{ data.t.rows | map(attribute="amount") | map("number") | join(" ; ") }}.\n\n'
        "B {{ (data.t.rows[0].amount / 3) | number(decimals=1) }}.\n\n"
        'C {{ "fig-" ~ 12 }} {{ "%s" | format("texte") }} {{ ["a", "b"] | join(", ") }}.\n'
    )
    code, output, text = build(tmp_path, content, {"t.csv": CSV}, lang="fr")
    assert code == 0, output
    assert "A 1\u202f234,5\u202f; 12\u202f000." in text  # French spaces, before ';' too
    assert "B 411,5." in text
    assert "C fig-12 texte a, b." in text


def test_which_numbers_print_otherwise() -> None:
    assert prints_otherwise(1234) and prints_otherwise(19.3) and prints_otherwise(-1000)
    assert not prints_otherwise(12) and not prints_otherwise(12.0) and not prints_otherwise(True)
    assert not prints_otherwise("1234")
