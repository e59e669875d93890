"""Years in data (`project/data/years.py`): a column or key named as a year, holding whole
numbers from 1000 to 2999, holds years; anything else stays as it was. The printed figures
(2023, not 2,023; no year in a total) are checked in a PDF in test_numbers_trust.py."""

from __future__ import annotations

import pytest

from reportbuilder.project.data.model import Table, Year
from reportbuilder.project.data.years import names_a_year, years_in_table, years_in_values


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("year", True), ("Año", True), ("Année", True), ("Jahr", True), ("Survey year", True),
        ("periodo", True), ("FY", True), ("yearly_total", False), ("people", False),
        ("an", True), ("anno", True), (2023, False),
    ],
)  # fmt: skip
def test_a_year_is_named_by_one_of_its_words(name: object, expected: bool) -> None:
    assert names_a_year(name) is expected


def test_a_year_column_needs_every_cell_a_year() -> None:
    rows = [{"year": 2023, "years of schooling": 12, "people": 2023}, {"year": None,
            "years of schooling": 9, "people": 5}]  # fmt: skip
    table = years_in_table(Table("t", ["year", "years of schooling", "people"], rows))
    assert table.types == {"year": "year", "years of schooling": "int", "people": "int"}
    assert type(table.rows[0]["year"]) is Year and table.rows[1]["year"] is None
    assert type(table.rows[0]["people"]) is int
    odd = years_in_table(Table("t", ["year"], [{"year": 2023}, {"year": 12}]))
    assert odd.types == {"year": "int"} and type(odd.rows[0]["year"]) is int


def test_yaml_years_under_year_keys_and_period_bounds() -> None:
    value = years_in_values(
        {"year": 2023, "years": [2019, 2020, True], "period": {"from": 2019, "to": 2023},
         "count": {"from": 2019}, "base": 2000, "year_label": "x", "ano": 2023.0}
    )  # fmt: skip
    assert type(value["year"]) is Year
    assert [type(v) for v in value["years"]] == [Year, Year, bool]
    assert type(value["period"]["from"]) is Year and type(value["period"]["to"]) is Year
    assert type(value["count"]["from"]) is int and type(value["base"]) is int
    assert value["ano"] == 2023.0 and type(value["ano"]) is float  # a float is no year
