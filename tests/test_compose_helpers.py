"""compose.helpers: key-figure boxes, tables and charts take the model's types, and say so
when given something they cannot show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportbuilder import ComposeError, Edition, load_project, render_html
from reportbuilder.compose.charts import ChartStyle
from reportbuilder.compose.formatting import Formatter
from reportbuilder.compose.helpers import Helpers
from reportbuilder.project.data import Breakdown, Category, Figure, Localized, Table
from reportbuilder.project.strings import builtin_labels

ADULTS = Category("adults", "Adults", 88, 89, 0.89, decimals=0, base=99)
MINORS = Category("minors", "Minors", 11, 11, 0.11, decimals=0, base=99)
AGE = Breakdown("age", "Age", 99, None, "IOM", None, {"adults": ADULTS, "minors": MINORS})
VICTIMS = Figure(99, "victims", of=120, key="victims")
REGIONS = Table("regions", ["region", "n"], [{"region": "North", "n": 3}])


@pytest.fixture
def parts() -> Helpers:
    return Helpers(Formatter("en"), builtin_labels("en"), {}, ChartStyle())


def test_keyfigures_take_figures_categories_and_numbers(parts: Helpers) -> None:
    assert parts.figure_text(VICTIMS) == ("99", "victims (of 120)")
    assert parts.figure_text(ADULTS) == ("89%", "Adults")
    assert parts.figure_text(1234) == ("1,234", "")
    assert parts.figure_text(Figure(40, unit="%")) == ("40%", "")
    html = parts.keyfigures(VICTIMS, (ADULTS, "grown-ups"))
    assert ">grown-ups</span>" in html and "kf-2" in html


def test_tables_take_breakdowns_csv_tables_and_lists_of_categories(parts: Helpers) -> None:
    html = parts.table(AGE)
    assert "<caption>" in html and "Age</caption>" in html and "IOM" in html
    assert "<td class='num'>89%</td>" in html and "<tfoot>" in html
    assert "<td>North</td><td class='num'>3</td>" in parts.table(REGIONS)
    listed = parts.table([MINORS], total=False)
    assert "Minors" in listed and "Adults" not in listed and "<tfoot>" not in listed


def test_charts_take_breakdowns_and_lists_of_categories(parts: Helpers) -> None:
    assert "Age</figcaption>" in parts.chart(AGE)
    assert 'alt="Adults: 89%"' in parts.chart([ADULTS], title="t")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p.table(VICTIMS), "table() takes a breakdown or a CSV table, got a key figure"),
        (lambda p: p.table({"a": 1}), "table() takes a breakdown or a CSV table, got plain data"),
        (lambda p: p.table(ADULTS), "table() takes a breakdown or a CSV table, got a category"),
        (
            lambda p: p.chart(REGIONS),
            "chart() takes a breakdown or a list of its categories, got a CSV table",
        ),
        (lambda p: p.chart([ADULTS, 3]), "chart() takes a list of categories, got a number"),
        (
            lambda p: p.keyfigures(AGE),
            "keyfigure() takes a key figure, a category or a number, got a breakdown",
        ),
        (lambda p: p.keyfigures("12"), "got text"),
        (lambda p: p.keyfigures(True), "got yes/no"),
        (lambda p: p.keyfigures(None), "got nothing"),
    ],
)
def test_helpers_say_what_they_cannot_show(parts: Helpers, call: object, message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        call(parts)  # type: ignore[operator]


def test_helpers_pick_texts_not_yet_localized() -> None:
    # `localize` normally resolves them first; a helper given the model directly still works.
    label = Localized.of({"fr": "Âge", "en": "Age"})
    age = Breakdown("age", label, 99, None, None, None, {"adults": ADULTS})
    french = Helpers(Formatter("fr"), builtin_labels("fr"), {}, ChartStyle())
    assert "Âge</caption>" in french.table(age)


def test_contact_cards_come_from_contacts_yml_by_id_or_entry(mini_project: Path) -> None:
    (mini_project / "content" / "03-contact.md").write_text(
        "# Contact\n\nBy id:\n\n{{ contact('desk') }}\n\nBy entry:\n\n"
        "{{ contact(contacts.desk) }}\n",
        encoding="utf-8",
    )
    html = render_html(load_project(mini_project)).text
    chapter = html.split('id="contact"', 1)[-1]
    cards = re.findall(r'<div class="contact-card">(.*?)</div>', chapter, re.S)
    assert len(cards) >= 2
    assert all("Sam Fixture" in card and "mailto:desk@example.org" in card for card in cards)


SANTIAGO = (
    "contacts:\n"
    "  - id: desk\n"
    "    name: Gabriela Rodriguez\n"
    '    phone: "+56-2-2746713"\n'
    "    email: iomsantiago@iom.int\n"
    "  - id: mobile\n"
    "    name: Mobile desk\n"
    "    country: CL\n"
    '    phone: "9 6123 4567"\n'
    "    qr: true\n"
)


@pytest.mark.parametrize(
    ("lang", "seed", "mobile"),
    [
        ("fr", "+56-2-2746713", "+56\u00a09\u00a06123\u00a04567"),  # not in the plan: as written
        ("es-CL", "+56-2-2746713", "9\u00a06123\u00a04567"),
    ],
)
def test_cards_link_phones_and_emails_and_show_numbers_as_chile_writes_them(
    mini_project: Path, lang: str, seed: str, mobile: str
) -> None:
    (mini_project / "contacts.yml").write_text(SANTIAGO, encoding="utf-8")
    (mini_project / "content" / "03-contact.md").write_text(
        "# Contact\n\n{{ contact('desk') }}\n\n{{ contact('mobile') }}\n\n"
        "{{ contact('desk', qr=true) }}\n",
        encoding="utf-8",
    )
    html = render_html(load_project(mini_project), Edition(lang=lang)).text
    chapter = html.split('id="contact"', 1)[-1]
    desk, mobile_card, desk_qr = re.findall(r'<div class="contact-card">(.*?)</div>', chapter)[:3]
    assert f'<a href="tel:+5622746713">{seed}</a>' in desk
    assert '<a href="mailto:iomsantiago@iom.int">iomsantiago@iom.int</a>' in desk
    assert f'<a href="tel:+56961234567">{mobile}</a>' in mobile_card
    assert 'class="c-qr"' not in desk  # a QR code only when asked
    assert 'class="c-qr"' in mobile_card and 'class="c-qr"' in desk_qr
    assert 'alt="' in desk_qr and "Gabriela Rodriguez" in desk_qr.split('alt="')[1]


@pytest.mark.parametrize("written", ["contact({'name': 'Eve'})", "contact(3)", "contact('nobody')"])
def test_contact_refuses_what_is_not_a_contact(mini_project: Path, written: str) -> None:
    (mini_project / "content" / "03-contact.md").write_text(
        "# Contact\n\n{{ " + written + " }}\n", encoding="utf-8"
    )
    with pytest.raises(ComposeError) as raised:
        render_html(load_project(mini_project))
    [problem] = raised.value.problems
    assert (problem.path, problem.line) == ("content/03-contact.md", 3)
    assert "contact" in problem.message


def test_csv_tables_take_labels_per_language_and_a_total_row() -> None:
    table = Table(
        "monthly",
        ["country", "jan", "share"],
        [
            {"country": "Peru", "jan": 1200, "share": 0.5},
            {"country": "Chile", "jan": 34, "share": 0.5},
        ],
        {"share": "percent"},
        {"country": Localized.of({"en": "Country", "fr": "Pays"}), "jan": "January"},
    )
    fr = Helpers(Formatter("fr"), builtin_labels("fr"), {}, ChartStyle())
    html = fr.table(table, total=True)
    assert "<th>Pays</th><th class='num'>January</th><th class='num'>share</th>" in html
    # The numbers add up; a percent does not.
    assert "<tfoot><tr><td>Total</td><td class='num'>1\u202f234</td><td></td></tr></tfoot>" in html
    assert "<tfoot>" not in fr.table(table)  # a CSV table has a total row only when asked


def test_long_tables_run_on_and_landscape_is_asked_for(parts: Helpers) -> None:
    rows = [{"n": i} for i in range(16)]
    assert 'class="table-wrap table-long"' in parts.table(Table("t", ["n"], rows))
    assert 'class="table-wrap"' in parts.table(Table("t", ["n"], rows[:15]))
    turned = parts.table(REGIONS, landscape=True)
    assert 'class="table-wrap rb-landscape"><table class="data rb-landscape"' in turned


def test_a_figure_grouped_with_no_break_spaces_is_one_word_in_the_width_estimate() -> None:
    """French and Spanish figures group thousands with a no-break space: "343 483" never
    wraps, so its column is as wide as the whole figure (it counted as two 3-digit words)."""
    from reportbuilder.compose.helpers import estimated_width_mm

    grouped = estimated_width_mm(["n"], [["343\u202f483"], ["1\u00a0234"]])
    assert grouped == estimated_width_mm(["n"], [["343,483"]])
    assert grouped > estimated_width_mm(["n"], [["343 483"]])  # a plain space may break
