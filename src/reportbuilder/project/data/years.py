"""Whole numbers that are no quantities, known by their name: years and codes.

Years: a column headed `year` (`año`, `année`, `Jahr`, `since`, `depuis` …) or a YAML key so
named, holding whole numbers from 1000 to 2999, holds years. A year prints as written (`2023`,
never the grouped `2,023`) and is no quantity: a table's total leaves it out.

Codes: a column or YAML key named like a code or an identifier (`zip`, `postcode`, `code`,
`id`, `siret`, `insee` …) holding whole numbers holds codes (`Code`): printed as written,
`75011` (never `75 011`, trial 7 #13), never summed.

Read by name because a year is a whole number like any other: nothing in `2023` says it is
not 2,023 people. Both conditions are needed, so `years of schooling` (0 to 20) stays a count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from reportbuilder.project.data.model import Code, Table, Year

# Words that name a year or a period of years, in the report's languages and their neighbours.
_YEAR_WORDS = frozenset(
    {
        *("year", "years", "yr", "yrs", "fy", "period", "periods"),  # en
        *("annee", "annees", "an", "ans", "exercice", "periode", "periodes"),  # fr, unaccented
        *("ano", "anos", "anio", "anios", "ejercicio", "gestion", "periodo", "periodos"),  # es, pt
        *("jahr", "jahre", "zeitraum", "anno", "anni"),  # de, it
        # The year something began: `since: 1998` printed "1 998" in French.
        *("since", "depuis", "desde", "seit", "founded", "established", "fondation", "creation"),
        *("fundacion", "fundado", "fundada", "fonde", "fondee", "creado", "creada", "cree"),
    }
)
# Words that name a code or an identifier: its numbers name, they do not count.
CODE_WORDS = frozenset(
    {
        *("id", "ids", "code", "codes", "zip", "zipcode", "postcode", "postal", "cp", "ref"),
        *("codigo", "siret", "siren", "insee", "ine", "iso", "plz", "cep", "nif", "rut"),
        *("ean", "isbn", "issn", "fips", "ubigeo"),
        # file, register and phone numbers in the report's languages (trial 8 #44)
        *("dossier", "expediente", "reference", "referencia", "matricule"),
        *("phone", "telephone", "telefono", "telefon", "tel", "fax"),
    }
)
# Keys of a period's bounds (`period: {from: 2019, to: 2023}`), years under a year word only.
_BOUNDS = frozenset(
    {"from", "to", "start", "end", "since", "until", "begin", "desde", "hasta", "inicio", "fin",
     "de", "a", "du", "au"}
)  # fmt: skip
FIRST, LAST = 1000, 2999


def names_a_year(name: object) -> bool:
    """Whether a column heading or key names a year: one of its words is a year word."""
    return bool(_words(name) & _YEAR_WORDS)


def names_a_code(name: object) -> bool:
    """Whether a column heading or key names a code: `zip`, `postal code`, `Code INSEE`,
    `region_id`, `codigo_postal` (its last word is a code word; `id_cards`, `zip_files`,
    `code_reviews` count things)."""
    words = _word_list(name)
    return bool(words) and words[-1] in CODE_WORDS


def _words(name: object) -> set[str]:
    return set(_word_list(name))


def _word_list(name: object) -> list[str]:
    if not isinstance(name, str):
        return []
    plain = unicodedata.normalize("NFKD", name.lower())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return [word for word in re.split(r"[^a-z]+", plain) if word]


def a_code(value: Any) -> bool:
    """A whole number a code can be (not a bool, not a float, not negative)."""
    return type(value) is int and value >= 0


def a_year(value: Any) -> bool:
    """A whole number a year can be (not a bool, not a float)."""
    return type(value) is int and FIRST <= value <= LAST


def years_in_table(table: Table) -> Table:
    """`table` with each column that names a year and holds only years (or empty cells)
    typed `year`, its cells `Year`s; the cells of a whole-number column named like a code
    `Code`s (the column stays `int`, so that a total names it)."""
    for column in table.columns:
        if table.types.get(column) == "int" and names_a_code(column) and not names_a_year(column):
            for row in table.rows:
                if a_code(row.get(column)):
                    row[column] = Code(row[column])
            continue
        if table.types.get(column) != "int" or not names_a_year(column):
            continue
        values = [row.get(column) for row in table.rows]
        filled = [v for v in values if v is not None and v != ""]
        if filled and all(a_year(v) for v in filled):
            for row in table.rows:
                if a_year(row.get(column)):
                    row[column] = Year(row[column])
            table.types[column] = "year"
    return table


def years_in_read(read: Any) -> Any:
    """A CSV's table, or a workbook's tables by sheet, with their years typed."""
    if isinstance(read, Table):
        return years_in_table(read)
    if isinstance(read, Mapping):
        for table in read.values():
            if isinstance(table, Table):
                years_in_table(table)
    return read


def years_in_values(value: Any, under_year: bool = False, under_code: bool = False) -> Any:
    """YAML or JSON values with the whole numbers under a year key made `Year`s: `year:
    2023`, `years: [2019, 2023]`, `period: {from: 2019, to: 2023}`; those under a code key
    `Code`s: `zip: 75011`, `codes: [75011, 13001]`."""
    if isinstance(value, dict):
        for key, child in value.items():
            named = names_a_year(key)
            # A key figure named so holds it in its `value`: `founded: {value: 1998, label: …}`.
            bound = under_year and isinstance(key, str) and key.lower() in {*_BOUNDS, "value"}
            code = names_a_code(key) and not named
            value[key] = years_in_values(child, named or bound, code)
        return value
    if isinstance(value, list):
        return [years_in_values(child, under_year, under_code) for child in value]
    if under_year and a_year(value):
        return Year(value)
    return Code(value) if under_code and a_code(value) else value
