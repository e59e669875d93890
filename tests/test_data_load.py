"""data.load: data files by stem built into the model and checked, every problem at its file
and line (`data/x.yml:LINE: …`); one language-neutral load localized per edition."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportbuilder.compose.charts import ChartStyle
from reportbuilder.compose.formatting import Formatter
from reportbuilder.compose.helpers import Helpers
from reportbuilder.project.data import (
    Breakdown,
    Category,
    Figure,
    Localized,
    load_data,
    localize,
)
from reportbuilder.project.strings import builtin_labels

CHILE = """\
victims:
  value: 99
  label: {fr: victimes identifiées et interrogées, en: victims identified and interviewed}
female: {value: 99, of: victims, label: {fr: femmes et filles, en: women and girls}}
months: {value: 5, unit: {fr: mois, en: months}}
regions: {value: 5, of: 12, label: {fr: régions en plus de la métropolitaine, en: regions}}
age:
  label: {fr: Âge des victimes, en: Age of victims}
  base: victims
  categories:
    adults: {label: {fr: Adultes, en: Adults}, percent: 89}
    minors: {label: {fr: Mineures, en: Minors}, percent: 11}
route:
  label: {fr: Lieu de la traite, en: Where the trafficking happened}
  base: victims
  source: OIM Santiago
  categories:
    cross_border: {label: {fr: Avec passage d’une frontière, en: Crossed a border}, percent: 77}
    internal: {label: {fr: À l’intérieur du Chili, en: Inside the country}, percent: 23}
"""


def load(root: Path, files: dict[str, str | bytes], lang: str = "en") -> tuple[dict, list[str]]:
    folder = root / "data"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    namespaces, problems = load_data(root)
    return localize(namespaces, lang), [str(p) for p in problems]


def problems(root: Path, text: str, name: str = "study.yml") -> list[str]:
    return load(root, {name: text})[1]


def breakdown(base: Any, categories: str, rounded: bool = False) -> str:
    flag = "  rounded: true\n" if rounded else ""
    return f"victims: {{value: 99}}\nage:\n  base: {base}\n{flag}  categories:\n{categories}"


# --- the happy path ----------------------------------------------------------------------


def test_chile_study(tmp_path: Path) -> None:
    namespaces, found = load(tmp_path, {"study.yml": CHILE}, lang="fr")
    assert found == []
    study = namespaces["study"]
    assert study["victims"] == Figure(
        value=99, label="victimes identifiées et interrogées", key="victims"
    )
    assert study["female"].of == 99 and study["female"].percent_of == 100
    assert study["months"].unit == "mois"
    assert study["regions"].percent_of == pytest.approx(41.667, abs=1e-3)
    age = study["age"]
    assert isinstance(age, Breakdown)
    assert (age.key, age.label, age.base) == ("age", "Âge des victimes", 99)
    assert age.adults == Category("adults", "Adultes", 88, 89, 0.89, decimals=0, base=99)
    assert age["minors"].count == 11 and age[1] is age.minors
    assert [c.key for c in age] == ["adults", "minors"] and len(age) == 2
    assert (age.total_count, age.total_percent) == (99, 100)
    assert study["route"].cross_border.share == 0.77
    assert study["route"].source == "OIM Santiago"
    # Derived values: the complements, and the extremes of a breakdown.
    assert (age.adults.rest_percent, age.adults.rest_count) == (11, 11)
    assert (age.minors.rest_percent, age.minors.rest_count) == (89, 88)
    assert age.largest is age.adults and age.smallest is age.minors
    assert study["regions"].rest == 7 and study["female"].rest == 0
    assert study["victims"].rest is None


def test_labels_follow_the_language(tmp_path: Path) -> None:
    english = load(tmp_path, {"study.yml": CHILE}, lang="en-GB")[0]["study"]
    assert english["age"].label == "Age of victims"
    assert english["regions"].label == "regions"
    spanish = load(tmp_path, {"study.yml": CHILE}, lang="es")[0]["study"]
    assert spanish["age"].label == "Âge des victimes"  # first given


def test_one_load_serves_every_language(tmp_path: Path) -> None:
    text = "age:\n  categories:\n    adults:\n      label: {fr: Adultes, en: Adults}\n" + (
        "      percent: 100\n"
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "study.yml").write_text(text, encoding="utf-8")
    namespaces, found = load_data(tmp_path)
    assert found == []
    neutral = namespaces["study"]["age"].adults.label
    assert neutral == Localized.of({"fr": "Adultes", "en": "Adults"})
    assert localize(namespaces, "fr")["study"]["age"].adults.label == "Adultes"
    assert localize(namespaces, "en")["study"]["age"].adults.label == "Adults"
    assert localize(namespaces, "en-GB")["study"]["age"].adults.label == "Adults"
    assert namespaces["study"]["age"].adults.label is neutral  # localize copies, never changes


def test_texts_are_checked_in_every_language(tmp_path: Path) -> None:
    text = "v:\n  value: 1\n  label: {fr: un, en: [one]}\n  unit: {fr: 1, en: 2}\n  note: {}\n"
    namespaces, found = load(tmp_path, {"study.yml": text}, lang="fr")
    assert found == ["data/study.yml:3: key figure 'v': 'label' must be text in every language"]
    assert namespaces["study"]["v"] == Figure(1, unit="1", key="v")


def test_templates_read_the_model_in_the_sandbox(tmp_path: Path) -> None:
    namespaces, _ = load(tmp_path, {"study.yml": CHILE})
    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    template = env.from_string(
        "{{ data.study.age.adults.percent }} {{ data.study.age['minors'].count }} "
        "{% for c in data.study.route %}{{ c.key }}={{ c.percent }} {% endfor %}"
        "{{ data.study.victims.value }}"
    )
    assert template.render(data=namespaces) == "89 11 cross_border=77 internal=23 99"
    derived = env.from_string(
        "{{ data.study.age.adults.rest_percent }} {{ data.study.age.minors.rest_count }} "
        "{{ data.study.route.largest.key }} {{ data.study.route.smallest.label }} "
        "{{ data.study.regions.rest }}"
    )
    assert derived.render(data=namespaces) == "11 88 cross_border Inside the country 7"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ data.study.age.adultz }}").render(data=namespaces)
    assert "adults" in dir(namespaces["study"]["age"])


def test_counts_derive_percents(tmp_path: Path) -> None:
    text = breakdown("victims", "    adults: {count: 88}\n    minors: {count: 11}\n")
    namespaces, found = load(tmp_path, {"study.yml": text})
    assert found == []
    adults = namespaces["study"]["age"].adults
    assert adults.count == 88 and adults.percent == pytest.approx(88 / 99 * 100)
    assert adults.decimals is None


def test_no_base_with_percents_only_leaves_counts_empty(tmp_path: Path) -> None:
    text = "age:\n  categories:\n    a: {percent: 60}\n    b: {percent: 40}\n"
    namespaces, found = load(tmp_path, {"study.yml": text})
    assert found == []
    age = namespaces["study"]["age"]
    assert (age.base, age.a.count, age.b.count, age.total_count) == (None, None, None, None)
    assert (age.a.share, age.total_percent) == (0.6, 100)
    assert (age.a.rest_percent, age.a.rest_count) == (40, None)
    assert (age.largest.key, age.smallest.key) == ("a", "b")


def test_no_base_with_counts_takes_their_sum(tmp_path: Path) -> None:
    text = "tenure:\n  categories:\n    owners: {count: 3}\n    tenants: {count: 7}\n"
    namespaces, found = load(tmp_path, {"study.yml": text})
    assert found == []
    tenure = namespaces["study"]["tenure"]
    assert tenure.base == 10
    assert tenure.owners == Category("owners", None, 3, 30, 0.3, base=10)
    assert (tenure.tenants.percent, tenure.tenants.rest_count) == (70, 3)
    assert (tenure.total_count, tenure.total_percent) == (10, 100)


def test_no_base_with_counts_renders(tmp_path: Path) -> None:
    # Without a base these failed with "TypeError: expected a number, got NoneType".
    text = "tenure:\n  categories:\n    owners: {count: 1}\n    tenants: {count: 3}\n"
    tenure = load(tmp_path, {"study.yml": text})[0]["study"]["tenure"]
    parts = Helpers(Formatter("en"), builtin_labels("en"), {}, ChartStyle())
    assert Formatter("en").percent(tenure.owners.percent) == "25%"
    assert "<td class='num'>75%</td>" in parts.table(tenure)
    assert ">25%</span>" in parts.keyfigures(tenure.owners)


def test_no_base_with_counts_and_percents_checks_them(tmp_path: Path) -> None:
    good = "t:\n  categories:\n    a: {count: 3, percent: 30}\n    b: {count: 7, percent: 70}\n"
    namespaces, found = load(tmp_path / "good", {"study.yml": good})
    assert found == [] and namespaces["study"]["t"].base == 10
    bad = "t:\n  categories:\n    a: {count: 3, percent: 30}\n    b: {count: 7, percent: 60}\n"
    assert problems(tmp_path / "bad", bad) == [
        "data/study.yml:4: breakdown 't', category 'b': count 7 is 70.0 % of the base 10, not 60 %"
    ]


def test_no_base_with_percents_only_somewhere(tmp_path: Path) -> None:
    text = "tenure:\n  categories:\n    owners: {count: 3}\n    tenants: {percent: 40}\n"
    namespaces, found = load(tmp_path / "a", {"study.yml": text})
    assert found == [
        "data/study.yml:1: breakdown 'tenure': give 'base' (a number or a key figure) when "
        "categories have percents only"
    ]
    assert namespaces["study"]["tenure"].base is None
    both = "tenure:\n  categories:\n    owners: {count: 3, percent: 30}\n" + (
        "    tenants: {percent: 70}\n"
    )
    assert problems(tmp_path / "b", both) == [
        "data/study.yml:1: breakdown 'tenure': give 'base' (a number or a key figure) when "
        "categories have percents only"
    ]


def test_no_base_with_counts_adding_up_to_zero(tmp_path: Path) -> None:
    text = "t:\n  categories:\n    a: {count: 0}\n    b: {count: 0}\n"
    assert problems(tmp_path, text) == [
        "data/study.yml:1: breakdown 't': counts add up to 0, so no percent can come from them"
    ]


def test_rest_percent_keeps_the_written_decimals(tmp_path: Path) -> None:
    text = "s:\n  categories:\n    a: {percent: 33.3}\n    b: {percent: 66.7}\n"
    namespaces, found = load(tmp_path, {"study.yml": text})
    assert found == []
    assert namespaces["study"]["s"].a.rest_percent == 66.7  # not 66.7000000001
    assert namespaces["study"]["s"].b.rest_percent == 33.3


def test_rest_of_derived_percent_and_count(tmp_path: Path) -> None:
    text = breakdown("victims", "    adults: {count: 88}\n    minors: {count: 11}\n")
    age = load(tmp_path, {"study.yml": text})[0]["study"]["age"]
    assert age.minors.rest_percent == pytest.approx(88 / 99 * 100)
    assert (age.adults.rest_count, age.minors.rest_count) == (11, 88)


def test_largest_and_smallest(tmp_path: Path) -> None:
    counts = "s:\n  categories:\n    a: {count: 3}\n    b: {count: 7}\n    c: {count: 1}\n"
    ties = "t:\n  categories:\n    a: {percent: 40}\n    b: {percent: 20}\n" + (
        "    c: {percent: 40}\n    d: {percent: 0}\n    e: {percent: 0}\n"
    )
    namespaces, found = load(tmp_path, {"study.yml": counts + ties})
    assert found == []
    s, t = namespaces["study"]["s"], namespaces["study"]["t"]
    assert (s.largest.key, s.smallest.key) == ("b", "c")  # percents from the counts' sum
    assert (t.largest.key, t.smallest.key) == ("a", "d")  # ties: the first


def test_plain_data_passes_through(tmp_path: Path) -> None:
    text = (
        "title: Chile\nwhen: 2024-03-01\nregions: [Santiago, {name: Arica, value: x, code: 15}]\n"
    )
    namespaces, found = load(tmp_path, {"misc.yaml": text})
    assert found == []
    assert namespaces["misc"] == {
        "title": "Chile",
        "when": dt.date(2024, 3, 1),
        "regions": ["Santiago", {"name": "Arica", "value": "x", "code": 15}],
    }


def test_figures_nested_in_lists(tmp_path: Path) -> None:
    namespaces, found = load(tmp_path, {"k.yml": "boxes:\n  - {value: 3, label: x}\n"})
    assert found == [] and namespaces["k"]["boxes"][0] == Figure(3, "x")


def test_missing_data_folder(tmp_path: Path) -> None:
    assert load_data(tmp_path) == ({}, [])


def test_other_files_are_ignored(tmp_path: Path) -> None:
    namespaces, found = load(
        tmp_path, {"README.md": "x", ".study.yml.swp": "\x00", "a.yml": "b: 1"}
    )
    assert (namespaces, found) == ({"a": {"b": 1}}, [])


def test_same_stem_twice(tmp_path: Path) -> None:
    namespaces, found = load(tmp_path, {"study.json": '{"a": 1}', "study.yml": "a: 2\n"})
    assert found == [
        "data/study.yml: two data files are named 'study' (data/study.json); rename one"
    ]
    assert namespaces == {"study": {"a": 1}}


def test_problems_of_every_file_are_collected(tmp_path: Path) -> None:
    files = {"a.yml": "x: 1\nx: 2\n", "b.yml": "ok: true\n", "c.yml": b"caf\xe9: 1\n"}
    namespaces, found = load(tmp_path, files)
    assert found == [
        "data/a.yml:2: duplicate key 'x' (first at line 1)",
        "data/c.yml:1: not valid UTF-8 at column 4 (save the file as UTF-8)",
    ]
    assert namespaces == {"b": {"ok": True}}


def test_cross_file_reference(tmp_path: Path) -> None:
    files = {
        "study.yml": "victims: {value: 99}\n",
        "age.yml": "split:\n  base: study.victims\n  categories:\n    a: {percent: 89}\n"
        "    b: {percent: 11}\n",
    }
    namespaces, found = load(tmp_path, files)
    assert found == [] and namespaces["age"]["split"].base == 99


# --- JSON --------------------------------------------------------------------------------


def test_json_statistics_get_lines(tmp_path: Path) -> None:
    data = {
        "victims": {"value": 99},
        "age": {"base": "victims", "categories": {"a": {"percent": 50}, "b": {"percent": 20}}},
    }
    text = json.dumps(data, indent=2)
    assert problems(tmp_path, text, "study.json") == [
        "data/study.json:9: breakdown 'age', category 'a': 50 % cannot come from a whole count "
        "out of 99 (closest: 49 gives 49.5 %, 50 gives 50.5 %)",
    ]


def test_json_decimals_come_from_the_text(tmp_path: Path) -> None:
    text = (
        '{"v": {"value": 99}, "age": {"base": "v", '
        '"categories": {"a": {"percent": 89.0}, "b": {"percent": 11.0}}}}'
    )
    assert problems(tmp_path, text, "s.json") == [
        "data/s.json:1: breakdown 'age', category 'a': 89 % cannot come from a whole count out "
        "of 99 (closest: 88 gives 88.89 %, 89 gives 89.90 %)",
        "data/s.json:1: breakdown 'age', category 'b': 11 % cannot come from a whole count out "
        "of 99 (closest: 10 gives 10.10 %, 11 gives 11.11 %)",
    ]


# --- CSV ---------------------------------------------------------------------------------


# --- key figures -------------------------------------------------------------------------


def test_figure_unknown_key(tmp_path: Path) -> None:
    assert problems(tmp_path, "victims:\n  value: 99\n  lable: x\n  colour: red\n") == [
        "data/study.yml:3: key figure 'victims': unknown key 'lable' (did you mean 'label'?)",
        "data/study.yml:4: key figure 'victims': unknown key 'colour'; known keys: value, "
        "label, unit, of, source, note",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("~", "'value' has no value"),
        ("'99'", "'value' must be a number (got '99')"),
        ("true", "'value' must be a number, not yes/no (got true)"),
        ("yes", "'value' must be a number (got 'yes')"),
        (
            "010",
            "'value' must be a number: '010' has a leading zero (YAML 1.1 reads 010 as "
            'octal 8); write the number without it (10), or quote it ("010") if it is a code',
        ),
        (
            "1:30",
            "'value' must be a number: '1:30' is a time or a ratio, not a number (YAML "
            "1.1 reads 1:30 as 90); write the number itself (90 minutes: 90), or quote the text",
        ),
        (
            "0x1F",
            "'value' must be a number: '0x1F' is a hexadecimal, octal or binary number; "
            "write it in decimal (0x1F: 31)",
        ),
        (".nan", "'value' must be a finite number (got nan)"),
        ("[1]", "'value' must be a number (got a list)"),
    ],
)
def test_figure_bad_value(tmp_path: Path, value: str, message: str) -> None:
    assert problems(tmp_path, f"victims:\n  value: {value}\n  label: x\n") == [
        f"data/study.yml:2: key figure 'victims': {message}"
    ]


def test_figure_bad_of(tmp_path: Path) -> None:
    text = "victims: {value: 99}\nfemale: {value: 99, of: victim}\nzero: {value: 1, of: 0}\n"
    assert problems(tmp_path, text) == [
        "data/study.yml:2: key figure 'female': 'of' refers to 'victim', which is not a key "
        "figure (did you mean 'victims'?)",
        "data/study.yml:3: key figure 'zero': 'of' must be more than 0",
    ]


def test_figure_bad_label(tmp_path: Path) -> None:
    assert problems(tmp_path, "v:\n  value: 1\n  label: [a]\n") == [
        "data/study.yml:3: key figure 'v': 'label' must be text or one text per language "
        "(got a list)"
    ]


# --- breakdowns --------------------------------------------------------------------------


def test_percents_must_add_up(tmp_path: Path) -> None:
    text = breakdown("victims", "    adults: {percent: 59}\n    minors: {percent: 11}\n")
    assert problems(tmp_path, text) == [
        "data/study.yml:2: breakdown 'age': percents add up to 70, not 100"
    ]


def test_percents_no_whole_counts_give_together(tmp_path: Path) -> None:
    # 89 % of 99 is only 88, 10 % only 10: 98, not 99 (yet 89 + 10 is within 2 × 0.5 of 100).
    short = breakdown("victims", "    adults: {percent: 89}\n    minors: {percent: 10}\n", True)
    assert problems(tmp_path / "a", short) == [
        "data/study.yml:2: breakdown 'age': no whole counts out of 99 give these percents "
        "(they allow 98 at most)"
    ]
    # 90 % is only 89, 11 % only 11: 100.
    over = breakdown("victims", "    adults: {percent: 90}\n    minors: {percent: 11}\n", True)
    assert problems(tmp_path / "b", over) == [
        "data/study.yml:2: breakdown 'age': no whole counts out of 99 give these percents "
        "(they allow 100 at least)"
    ]
    # A count allows itself only: 1 + 87 (88 %) + 10 (10 %) = 98.
    mixed = breakdown("99", "    a: {count: 1}\n    b: {percent: 88}\n    c: {percent: 10}\n")
    assert problems(tmp_path / "c", mixed) == [
        "data/study.yml:2: breakdown 'age': no whole counts out of 99 give these percents "
        "(they allow 98 at most)"
    ]
    # 33.3 % of 1000 is 333 only, 66.6 % is 666 only: 999 (yet 99.9 is within 2 × 0.05).
    decimals = breakdown("1000", "    a: {percent: 33.3}\n    b: {percent: 66.6}\n", True)
    assert problems(tmp_path / "d", decimals) == [
        "data/study.yml:2: breakdown 'age': no whole counts out of 1000 give these percents "
        "(they allow 999 at most)"
    ]
    fine = breakdown("victims", "    adults: {percent: 89}\n    minors: {percent: 11}\n")
    assert problems(tmp_path / "e", fine) == []


def test_percents_off_are_reported_once(tmp_path: Path) -> None:
    # Beyond the tolerance, only the sum is reported (the exact check would say it again).
    text = breakdown("victims", "    adults: {percent: 89}\n    minors: {percent: 13}\n")
    assert problems(tmp_path, text) == [
        "data/study.yml:2: breakdown 'age': percents add up to 102, not 100"
    ]


def test_no_joint_check_after_a_category_problem(tmp_path: Path) -> None:
    text = breakdown(
        "victims",
        "    adults: {percent: 89}\n    minors: {percent: 10}\n    other: {count: -1}\n",
    )
    assert problems(tmp_path, text) == [
        "data/study.yml:7: breakdown 'age', category 'other': 'count' must not be negative (got -1)"
    ]


def test_percent_sum_tolerance_follows_precision(tmp_path: Path) -> None:
    # Issue 8: given percents add up to exactly 100, or to within one unit of their last
    # decimal with `rounded: true` (99.9 or 100.1 here; 99 or 101 for whole percents).
    three = "    a: {percent: 33.3}\n    b: {percent: 33.3}\n    c: {percent: 33.%s}\n"
    rounded = "age:\n  rounded: true\n  categories:\n"
    assert problems(tmp_path, "age:\n  categories:\n" + three % "4") == []
    assert problems(tmp_path, "age:\n  categories:\n" + three % "3") == [
        "data/study.yml:1: breakdown 'age': percents add up to 99.9, not 100; if they are "
        "rounded, add 'rounded: true' to the breakdown"
    ]
    assert problems(tmp_path, rounded + three % "3") == []
    assert problems(tmp_path, rounded + three % "1") == [
        "data/study.yml:1: breakdown 'age': percents add up to 99.7, not 100 (rounded percents "
        "may miss 100 by 0.1 at most)"
    ]
    whole = "    a: {percent: 33}\n    b: {percent: 33}\n    c: {percent: 33}\n"
    assert problems(tmp_path, rounded + whole) == []  # 99


def test_counts_must_add_up_to_the_base(tmp_path: Path) -> None:
    text = breakdown("victims", "    adults: {count: 80}\n    minors: {count: 10}\n")
    assert problems(tmp_path, text) == [
        "data/study.yml:2: breakdown 'age': counts add up to 90, not the base 99"
    ]


def test_count_and_percent_must_agree(tmp_path: Path) -> None:
    good = breakdown(
        "victims", "    adults: {count: 88, percent: 89}\n    minors: {count: 11, percent: 11}\n"
    )
    assert problems(tmp_path, good) == []
    bad = breakdown(
        "99", "    adults: {count: 95, percent: 89}\n    minors: {count: 4, percent: 11}\n"
    )
    assert problems(tmp_path, bad) == [
        "data/study.yml:5: breakdown 'age', category 'adults': count 95 is 96.0 % of the base "
        "99, not 89 %",
        "data/study.yml:6: breakdown 'age', category 'minors': count 4 is 4.0 % of the base "
        "99, not 11 %",
    ]


def test_percent_must_be_reachable_from_the_base(tmp_path: Path) -> None:
    text = breakdown("victims", "    a: {percent: 50}\n    b:\n      percent: 50\n")
    assert problems(tmp_path, text) == [
        "data/study.yml:5: breakdown 'age', category 'a': 50 % cannot come from a whole count "
        "out of 99 (closest: 49 gives 49.5 %, 50 gives 50.5 %)",
        "data/study.yml:7: breakdown 'age', category 'b': 50 % cannot come from a whole count "
        "out of 99 (closest: 49 gives 49.5 %, 50 gives 50.5 %)",
    ]


def test_written_decimals_count(tmp_path: Path) -> None:
    # 89.0 claims a precision that no count out of 99 gives (88.9 or 89.9).
    text = breakdown("victims", "    a: {percent: 89.0}\n    b: {percent: 11}\n")
    assert problems(tmp_path, text) == [
        "data/study.yml:5: breakdown 'age', category 'a': 89 % cannot come from a whole count "
        "out of 99 (closest: 88 gives 88.89 %, 89 gives 89.90 %)"
    ]


@pytest.mark.parametrize(
    ("category", "message"),
    [
        ("{count: -1}", "'count' must not be negative (got -1)"),
        ("{count: ~}", "'count' has no value"),
        ("{count: 12.5}", "'count' must be a whole number (got 12.5)"),
        ("{percent: '89 %'}", "'percent' must be a number (got '89 %')"),
        ("{percent: false}", "'percent' must be a number, not yes/no (got false)"),
        ("{percent: 120}", "'percent' must be at most 100 (got 120)"),
        ("{count: 120}", "count 120 is more than the base 99"),
        ("{}", "give 'count' or 'percent' (or both)"),
        ("{percnt: 3}", "unknown key 'percnt' (did you mean 'percent'?)"),
        ("89", "must be a mapping with 'count' and/or 'percent'"),
    ],
)
def test_bad_category(tmp_path: Path, category: str, message: str) -> None:
    text = breakdown("victims", f"    adults: {category}\n    minors: {{percent: 11}}\n")
    found = problems(tmp_path, text)
    assert found[0] == f"data/study.yml:5: breakdown 'age', category 'adults': {message}"
    # No noise from sums of broken categories.
    assert not any("add up" in p or "no whole counts" in p for p in found)


def test_bad_base(tmp_path: Path) -> None:
    ok = "    a: {percent: 100}\n"
    assert problems(tmp_path, breakdown("victim", ok)) == [
        "data/study.yml:3: breakdown 'age': 'base' refers to 'victim', which is not a key "
        "figure (did you mean 'victims'?)"
    ]
    assert problems(tmp_path, breakdown("-5", ok)) == [
        "data/study.yml:3: breakdown 'age': 'base' must not be negative (got -5)"
    ]
    assert problems(tmp_path, breakdown("0", ok)) == [
        "data/study.yml:3: breakdown 'age': 'base' must be more than 0"
    ]
    assert problems(tmp_path, breakdown("9.5", ok)) == [
        "data/study.yml:3: breakdown 'age': 'base' must be a whole number (got 9.5)"
    ]


def test_base_referring_to_a_broken_figure_is_reported_once(tmp_path: Path) -> None:
    text = "victims: {value: -1}\nage:\n  base: victims\n  categories:\n    a: {percent: 100}\n"
    assert problems(tmp_path, text) == [
        "data/study.yml:3: breakdown 'age': 'base' refers to 'victims', which is negative (-1): "
        "a total is never less than nothing"
    ]


def test_huge_numbers_do_not_overflow(tmp_path: Path) -> None:
    # 1.7e308 × 89 is infinite in floats: percents of such a base are taken as 0.89 × 1.7e308.
    huge = "age:\n  base: 1.7e+308\n  categories:\n    a: {percent: 89}\n    b: {percent: 11}\n"
    namespaces, found = load(tmp_path / "a", {"study.yml": huge})
    age = namespaces["study"]["age"]
    assert found == [] and age.a.count + age.b.count == int(1.7e308)  # apportioned exactly
    counts = "t:\n  categories:\n    a: {count: 1.0e+308}\n    b: {count: 1.0e+308}\n"
    assert problems(tmp_path / "b", counts) == [
        "data/study.yml:1: breakdown 't': counts add up to too large a number, so no percent "
        "can come from them"
    ]


def test_breakdown_shape_problems(tmp_path: Path) -> None:
    text = "age:\n  bsae: 3\n  categories: [a, b]\n"
    assert problems(tmp_path, text) == [
        "data/study.yml:2: breakdown 'age': unknown key 'bsae' (did you mean 'base'?)",
        "data/study.yml:3: breakdown 'age': 'categories' must be a mapping of categories "
        "(adults: …)",
    ]


def test_misspelt_categories_do_not_pass_silently(tmp_path: Path) -> None:
    text = "victims: {value: 99}\nage:\n  base: victims\n  categoris:\n    a: {percent: 100}\n"
    assert problems(tmp_path, text) == [
        "data/study.yml:4: breakdown 'age': unknown key 'categoris' (did you mean 'categories'?)",
        "data/study.yml:2: breakdown 'age': 'categories' is missing",
    ]


def test_quoted_number_as_base(tmp_path: Path) -> None:
    assert problems(tmp_path, breakdown("'99'", "    a: {percent: 100}\n")) == [
        "data/study.yml:3: breakdown 'age': 'base' must be a number, without quotes (got '99')"
    ]


def test_reserved_and_yes_no_category_keys(tmp_path: Path) -> None:
    text = (
        "age:\n  categories:\n    label: {percent: 50}\n    true: {percent: 50}\n"
        "    largest: {percent: 30}\n    smallest: {percent: 20}\n"
    )
    assert problems(tmp_path, text) == [
        "data/study.yml:3: breakdown 'age': category key 'label' is reserved (a breakdown "
        "attribute)",
        "data/study.yml:4: breakdown 'age': category 'true' was read as yes/no; quote it",
        "data/study.yml:5: breakdown 'age': category key 'largest' is reserved (a breakdown "
        "attribute)",
        "data/study.yml:6: breakdown 'age': category key 'smallest' is reserved (a breakdown "
        "attribute)",
    ]


def test_nested_breakdown_is_named_by_its_path(tmp_path: Path) -> None:
    text = "by_region:\n  north:\n    categories:\n      a: {percent: 10}\n"
    assert problems(tmp_path, text) == [
        "data/study.yml:2: breakdown 'by_region.north': percents add up to 10, not 100"
    ]


# --- properties --------------------------------------------------------------------------


def _load_text(text: str) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        return load(Path(folder), {"study.yml": text})[1]


@st.composite
def partitions(draw: st.DrawFn, max_base: int = 5000) -> tuple[int, list[int]]:
    base = draw(st.integers(1, max_base))
    cuts = sorted(draw(st.lists(st.integers(0, base), min_size=0, max_size=6)))
    bounds = [0, *cuts, base]
    return base, [b - a for a, b in itertools.pairwise(bounds)]


def _written(percent: float, decimals: int) -> str:
    return f"{percent:.{decimals}f}"


@settings(max_examples=100, deadline=None)
@given(partitions(), st.integers(0, 2), st.data())
def test_breakdowns_from_whole_counts_pass(
    parts: tuple[int, list[int]], decimals: int, data: st.DataObject
) -> None:
    """Percents rounded from real whole counts pass every check, the exact joint one included;
    so do counts without a base (it is then their sum)."""
    base, counts = parts
    kinds = data.draw(
        st.lists(
            st.sampled_from(["percent", "count", "both"]),
            min_size=len(counts),
            max_size=len(counts),
        )
    )
    with_base = "percent" in kinds or data.draw(st.booleans())
    lines = []
    for index, (count, kind) in enumerate(zip(counts, kinds, strict=True)):
        fields = {
            "percent": f"percent: {_written(count / base * 100, decimals)}",
            "count": f"count: {count}",
        }
        shown = ", ".join(fields.values()) if kind == "both" else fields[kind]
        lines.append(f"    c{index}: {{{shown}}}\n")
    if kinds.count("percent") == len(kinds):
        # Percents only, each rounded on its own: `rounded: true` allows one unit off 100.
        written = sum(float(_written(c / base * 100, decimals)) for c in counts)
        assume(abs(written - 100) <= 10.0**-decimals + 1e-9)
    if with_base:
        text = breakdown(base, "".join(lines), rounded=True)
    else:
        text = "age:\n  rounded: true\n  categories:\n" + "".join(lines)
    with tempfile.TemporaryDirectory() as folder:
        namespaces, found = load(Path(folder), {"study.yml": text})
    assert found == []
    assert namespaces["study"]["age"].base == base


@settings(max_examples=150, deadline=None)
@given(partitions(max_base=300), st.integers(0, 2), st.data())
def test_percents_are_reported_exactly_when_no_whole_counts_give_them(
    parts: tuple[int, list[int]], decimals: int, data: st.DataObject
) -> None:
    """Percents of nearly real counts (each nudged by up to one): the breakdown is reported,
    once, exactly when no whole counts (found by brute force) give them and add up to the base."""
    base, counts = parts
    nudged = [min(base, max(0, c + data.draw(st.integers(-1, 1)))) for c in counts]
    percents = [_written(k / base * 100, decimals) for k in nudged]
    half = 0.5 * 10.0**-decimals + 1e-9
    sums = {0}
    for p in percents:
        options = [k for k in range(base + 1) if abs(k / base * 100 - float(p)) <= half]
        sums = {total + k for total in sums for k in options if total + k <= base}
    lines = "".join(f"    c{i}: {{percent: {p}}}\n" for i, p in enumerate(percents))
    found = _load_text(breakdown(base, lines, rounded=True))
    within = abs(sum(float(p) for p in percents) - 100) <= 10.0**-decimals + 1e-9
    if base in sums and within:
        assert found == []
    else:
        assert len(found) == 1, found
        assert "percents add up to" in found[0] or "no whole counts out of" in found[0]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.integers(0, 1000), st.integers(0, 1))
def test_unreachable_percents_are_always_reported(base: int, tenths: int, decimals: int) -> None:
    percent = tenths / 10 if decimals else tenths // 10
    half = 0.5 * 10.0**-decimals
    assume(all(abs(k / base * 100 - percent) > half + 1e-9 for k in range(base + 1)))
    text = f"    a: {{percent: {percent}}}\n"
    found = _load_text(breakdown(base, text))
    assert any("cannot come from a whole count" in p for p in found), found


def test_a_data_file_named_on_a_mac_is_found_by_its_name_as_typed(tmp_path: Path) -> None:
    """macOS (and zip archives made there) write "région" with its accent apart (NFD):
    `data.région` typed in a chapter was "undefined (did you mean 'data.région'?)", and
    report.yml's `data: {région.csv: …}` named "no CSV file"."""
    from reportbuilder.project.data.readers import CsvSettings, Table

    (tmp_path / "data").mkdir()
    nfd = "re\u0301gion"
    (tmp_path / "data" / f"{nfd}.csv").write_text("zone;share\nNorte;12,5\n", encoding="utf-8")
    namespaces, problems = load_data(tmp_path, {"région.csv": CsvSettings(decimal=",")})
    assert problems == []
    table = namespaces["région"]
    assert isinstance(table, Table)
    assert table.rows[0]["zone"] == "Norte"
    assert str(table.rows[0]["share"]) == "12.5"  # the decimal comma of report.yml's setting


def test_what_data_does_not_read_is_named(tmp_path: Path) -> None:
    """Trial 7 #14: `data/2025/regions.csv` and `data/x.tsv` were left out with "no problems
    found", then a chapter's `data.regions` was only "undefined". Each is a warning naming
    it; a README or a Markdown note beside the data is not data and not warned."""
    data = tmp_path / "data"
    (data / "2025").mkdir(parents=True)
    (data / "2025" / "regions.csv").write_text("region,people\nNorth,1\n", encoding="utf-8")
    (data / "x.tsv").write_text("region\tpeople\nNorth\t1\n", encoding="utf-8")
    (data / "notes.txt").write_text("to check", encoding="utf-8")
    (data / "README.md").write_text("# Where the figures come from\n", encoding="utf-8")
    (data / ".DS_Store").write_bytes(b"")
    (data / "ok.csv").write_text("region,people\nNorth,1\n", encoding="utf-8")
    namespaces, problems = load_data(tmp_path)
    assert list(namespaces) == ["ok"]
    said = [(p.path, p.severity.value, p.message.split(":")[0]) for p in problems]
    assert said == [
        ("data/2025/", "warning", "sub-folders are not read"),
        ("data/notes.txt", "warning", "not read"),
        ("data/x.tsv", "warning", ".tsv files are not read"),
    ]
