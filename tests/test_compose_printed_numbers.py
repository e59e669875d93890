"""What `{{ … }}` prints for a number that is not a plain quantity (trial 7 #27, #13): a
percent keeps its sign, a year or a code prints as written, and a share, a difference of
percents or a percent times a count is refused at its line with what to write; in PDFs
built through the CLI and read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.compose.formatting import Formatter
from reportbuilder.errors import CallError
from reportbuilder.project.data.model import Code, ShownPercent, Year
from reportbuilder.project.data.years import names_a_code
from test_data_office_sheets import project, sheet_file
from test_data_total_rows import build_with_output

BREAKDOWN = """\
answers:
  label: Answers
  base: 3
  categories:
    yes: {count: 1}
    no: {count: 2}
"""


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("lang", "cell", "shown"),
    [("en", "62.5 %", "62.5%"), ("fr", "62,5 %", "62,5 %"), ("en", "62.5", "62.5%")],
)
def test_a_percent_cell_printed_alone_keeps_its_sign(
    tmp_path: Path, lang: str, cell: str, shown: str
) -> None:
    root = project(tmp_path, "North took {{ data.budget.rows[0].share }} of the budget.", lang)
    kind = " [percent]" if "%" not in cell else ""
    (root / "data" / "budget.csv").write_text(
        f"region;share{kind};people\nNorth;{cell};120\nSouth;37{cell[2:]};80\n",
        encoding="utf-8",
    )
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert f"North took {shown} of the budget." in text.replace("\u00a0", " ")


@pytest.mark.pdf
def test_a_workbook_cell_shown_as_a_percent_keeps_its_sign(tmp_path: Path) -> None:
    root = project(
        tmp_path, "North took {{ data.budget.rows[0].share }}, {{ data.s.answers.yes.percent }}."
    )
    sheet_file(
        root / "data" / "budget.xlsx",
        [["region", "share"], ["North", 0.625], ["South", 0.375]],
        {"B2": "0.0%", "B3": "0.0%"},
    )
    (root / "data" / "s.yml").write_text(BREAKDOWN, encoding="utf-8")
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "North took 62.5%, 33.3%." in text  # not 62.5 nor 0.625; a category's percent too


@pytest.mark.pdf
def test_sums_averages_and_parts_of_percents_print_right(tmp_path: Path) -> None:
    rows = "data.budget.rows"
    root = project(
        tmp_path,
        f"Both {{{{ {rows}[0].share + {rows}[1].share }}}}; "
        f"mean {{{{ ({rows}[0].share + {rows}[1].share) / 2 }}}}; "
        f"rest {{{{ 100 - {rows}[0].share }}}}; "
        f"part {{{{ {rows}[0].share * {rows}[0].people / 100 }}}} people; "
        f"gap {{{{ ({rows}[0].share - {rows}[1].share) | number }}}} points; "
        f"rounded {{{{ ({rows}[0].share + 0.44) | round(1) }}}}; "
        f"scaled {{{{ ({rows}[0].share * 1.1) | percent }}}}; "
        "share {{ data.s.answers.yes.share * 100 }}.",
    )
    (root / "data" / "budget.csv").write_text(
        "region,share,people\nNorth,60 %,120\nSouth,25 %,80\n", encoding="utf-8"
    )
    (root / "data" / "s.yml").write_text(BREAKDOWN, encoding="utf-8")
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert (
        "Both 85%; mean 42.5%; rest 40%; part 72 people; gap 35 points; rounded 60.4%; "
        + "scaled 66%; share 33.3%."
    ) in " ".join(text.split())


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "{{ data.s.answers.yes.share }}",
            "content/01.md:3: this is a share from 0 to 1 (0.333, that is 33.3%), printed without "
            "its percent sign: print the category's .percent instead, or write '| number' to "
            "print the fraction",
        ),
        (
            "{{ keyfigure(data.s.answers.yes.share) }}",
            "content/01.md:3: this is a share from 0 to 1 (0.333, that is 33.3%)",
        ),
        (
            "{{ (1 - data.s.answers.yes.share) | round(2) }}",
            "content/01.md:3: this is a share from 0 to 1 (0.67, that is 67%)",
        ),
        (
            "{{ data.budget.rows[0].share - data.budget.rows[1].share }}",
            "content/01.md:3: this is a difference of two percents: 35 percentage points, not 35 "
            "%: print it with '| number' followed by the word points",
        ),
        (
            "{{ data.budget.rows[0].share * data.budget.rows[0].people }}",
            "content/01.md:3: the value printed here: this is a percent (0 to 100) times a "
            "number, a hundred times the part it stands for (7200 where 72 is meant): divide it "
            "by 100",
        ),
        (
            "{{ (data.budget.rows[0].share * 80) | number }}",
            "content/01.md:3: number: this is a percent (0 to 100) times a number",
        ),
    ],
)
def test_a_share_a_gap_or_a_hundredfold_part_is_refused_at_its_line(
    tmp_path: Path, expression: str, message: str
) -> None:
    root = project(tmp_path, f"Figure: {expression}.")
    (root / "data" / "budget.csv").write_text(
        "region,share,people\nNorth,60 %,120\nSouth,25 %,80\n", encoding="utf-8"
    )
    (root / "data" / "s.yml").write_text(BREAKDOWN, encoding="utf-8")
    code, output, _ = build_with_output(root)
    assert code == 1
    assert message in output
    assert "Traceback" not in output


@pytest.mark.pdf
def test_codes_and_years_print_as_written_in_french(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "Bureau {{ data.s.office.zip }}, code {{ data.s.office.code_insee }}, depuis "
        "{{ data.s.office.since }}, en {{ data.s.office.year }} et {{ data.s.office.year + 1 }}, "
        "{{ data.s.office.staff }} agents, {{ data.s.office.id_cards }} cartes, codes "
        "{{ data.s.codes[1] }}, "
        "{{ data.s.office.zip | number }}, ligne {{ data.t.rows[0].zip }}, fondé en "
        "{{ data.s.founded.value }}.\n\n{{ keyfigure(data.s.founded) }}\n\n"
        "{{ table(data.t) }}",
        "fr",
    )
    (root / "data" / "s.yml").write_text(
        "office:\n  zip: 75011\n  code_insee: 75111\n  since: 1998\n  year: 2024\n"
        "  staff: 12500\n  id_cards: 4500\ncodes: [13001, 69003]\n"
        "founded:\n  value: 1998\n  label: Fondation\n",
        encoding="utf-8",
    )
    (root / "data" / "t.csv").write_text(
        "office,zip,people\nParis,75011,12500\nLyon,69003,8000\n", encoding="utf-8"
    )
    code, output, text = build_with_output(root)
    assert code == 0, output
    flat = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert (
        "Bureau 75011, code 75111, depuis 1998, en 2024 et 2025, 12 500 agents, 4 500 cartes, "
        "codes 69003, 75011, ligne 75011, fondé en 1998." in flat
    )
    assert "Paris 75011 12 500" in flat and "Lyon 69003 8 000" in flat
    assert "1998Fondation" in flat and "1 998" not in flat  # the box: big figure, caption


def test_the_formatter_prints_codes_years_and_percents_as_they_are() -> None:
    fr = Formatter("fr")
    assert fr.printed(Code(75011)) == "75011" and fr.number(Code(75011)) == "75011"
    assert fr.printed(Year(2024)) == "2024" and fr.number(12500) == "12\u202f500"
    assert fr.printed(ShownPercent(62.5, 1)) == "62,5\u00a0%"
    with pytest.raises(CallError, match="difference of two percents"):
        fr.printed(ShownPercent(60.0, 0) - ShownPercent(25.0, 0))


@pytest.mark.pdf
def test_a_percent_sign_typed_after_a_percent_is_refused_at_its_line(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "Fine: {{ data.s.answers.yes.count }} %.\n\nYes: {{ data.s.answers.yes.percent }} %.",
    )
    (root / "data" / "s.yml").write_text(BREAKDOWN, encoding="utf-8")
    code, output, _ = build_with_output(root)
    assert code == 1
    assert (
        "content/01.md:5: a percent prints its own sign, and this line types another '%' after '}}'"
    ) in output


@pytest.mark.pdf
def test_a_percent_key_figure_and_a_percent_cell_in_a_box_keep_their_sign(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "Rate {{ data.s.rate.value }}.\n\n{{ keyfigure(data.budget.rows[0].share) }}",
    )
    (root / "data" / "s.yml").write_text(
        "rate:\n  value: 12.5\n  unit: '%'\n  label: Unemployment\n", encoding="utf-8"
    )
    (root / "data" / "budget.csv").write_text(
        "region,share\nNorth,62.5 %\nSouth,37.5 %\n", encoding="utf-8"
    )
    code, output, text = build_with_output(root)
    assert code == 0, output
    assert "Rate 12.5%." in text
    assert "62.5%" in text.split("Rate", 1)[1].split(".", 1)[1]


def test_arithmetic_on_percents_keeps_what_each_result_is() -> None:
    en = Formatter("en")
    share, other = ShownPercent(60.0, 0), ShownPercent(2.25, 2)
    assert en.printed(share + 2.5) == "62.5%"  # the decimals of either, not 63%
    assert en.printed(share + other) == "62.25%" and en.printed(100 - share) == "40%"
    assert en.printed(sum([share, other])) == "62.25%"
    assert en.printed((share + other) / 2) == "31.1%"  # an average: computed, one decimal
    assert en.printed(share / 100) == "0.6" and en.printed(share / other) == "26.7"
    assert en.printed(share * 200 / 100) == "120" and round(share * 2.1) == 126
    assert en.printed(Year(2024) + 1) == "2025" and Year(2024) - Year(2019) == 5


@pytest.mark.parametrize(
    ("name", "code"),
    [("zip", True), ("postal code", True), ("Code INSEE", True), ("region_id", True),
     ("codigo_postal", True), ("CP", True), ("id_cards", False), ("zip_files", False),
     ("code_reviews", False), ("people", False)],
)  # fmt: skip
def test_a_code_is_named_by_its_last_word(name: str, code: bool) -> None:
    assert names_a_code(name) is code


@pytest.mark.pdf
def test_pour_cent_typed_after_a_percent_is_refused_in_french(tmp_path: Path) -> None:
    root = project(tmp_path, "Oui : {{ data.s.answers.yes.percent }} pour cent.", "fr")
    (root / "data" / "s.yml").write_text(BREAKDOWN, encoding="utf-8")
    code, output, _ = build_with_output(root)
    assert code == 1
    assert "content/01.md:3: a percent prints its own sign" in output
