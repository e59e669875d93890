"""Rounding that adds up (issue 8): largest-remainder counts on plain values, the sum rules
with `rounded` and `multiple`, and the tables and notes as a reader sees them in the PDF."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import built_text
from reportbuilder.project.data.rules import Part, apportion, breakdown_problem, joint_problem

pytestmark = pytest.mark.pdf  # built through the CLI and read back from the PDF

NBSP = "\u00a0"


def p(percent: float, decimals: int = 0) -> Part:
    return Part(None, percent, decimals)


def test_apportion_adds_up_to_the_base() -> None:
    counts = apportion([p(41), p(22), p(14), p(12), p(11)], 48372)
    assert counts == [19832, 10642, 6772, 5805, 5321] and sum(counts) == 48372
    assert apportion([p(34), p(34), p(33)], 3000) == [1010, 1010, 980]  # 101 %, rounded
    assert apportion([p(89), p(11)], 99) == [88, 11]
    assert apportion([Part(count=1), p(88), p(11)], 99) == [1, 87, 11]  # a count is kept
    assert apportion([p(50), p(50)], 99) is None  # no whole count out of 99 is 50 %


def test_sum_rules_with_flags() -> None:
    assert breakdown_problem([p(41), p(22), p(14), p(12), p(12)], 48372) == (
        "percents add up to 101, not 100; if they are rounded, add 'rounded: true' to the breakdown"
    )
    assert breakdown_problem([p(41), p(22), p(14), p(12), p(12)], 48372, rounded=True) is None
    assert breakdown_problem([p(41), p(22), p(14), p(12), p(13)], 48372, rounded=True) == (
        "percents add up to 102, not 100 (rounded percents may miss 100 by 1 at most)"
    )
    assert breakdown_problem([p(70), p(60)], 100, multiple=True) is None


@st.composite
def rounded_percents(draw: st.DrawFn) -> tuple[int, int, list[float]]:
    """A base ≤ 10 000 and percents summing to 100 within rounding: drawn directly, or the
    rounded shares of real whole counts."""
    base = draw(st.integers(1, 10_000))
    decimals = draw(st.integers(0, 2))
    size = draw(st.integers(1, 6))
    unit = 10**decimals
    if draw(st.booleans()):
        cuts = sorted(draw(st.lists(st.integers(0, base), min_size=size - 1, max_size=size - 1)))
        bounds = [0, *cuts, base]
        percents = [round((b - a) / base * 100, decimals) for a, b in itertools.pairwise(bounds)]
    else:
        total = 100 * unit + draw(st.integers(-1, 1))
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=size - 1, max_size=size - 1)))
        bounds = [0, *cuts, total]
        percents = [(b - a) / unit for a, b in itertools.pairwise(bounds)]
    return base, decimals, percents


@settings(max_examples=300, deadline=None)
@given(rounded_percents())
def test_apportioned_counts_add_up_and_round_back(drawn: tuple[int, int, list[float]]) -> None:
    base, decimals, percents = drawn
    parts = [p(x, decimals) for x in percents]
    counts = apportion(parts, base)
    if joint_problem(parts, base) is not None or any(
        not any(abs(k / base * 100 - x) <= 0.5 * 10.0**-decimals + 1e-9 for k in range(base + 1))
        for x in percents
    ):
        assert counts is None  # no whole counts give them: the loader says why
        return
    assert counts is not None and sum(counts) == base
    for count, percent in zip(counts, percents, strict=True):
        assert abs(count / base * 100 - percent) <= 0.5 * 10.0**-decimals + 1e-9


# --- Through the CLI ---------------------------------------------------------------------

STUDY = """\
people: {value: 48372}
work:
  label: Work
  base: people
  source: Survey 2026
  categories:
    a: {label: Farming, percent: 41}
    b: {label: Trade, percent: 22}
    c: {label: Building, percent: 14}
    d: {label: Care, percent: 12}
    e: {label: Other, percent: 11, note: Mostly fishing}
three:
  label: Three
  base: 3000
  rounded: true
  categories:
    x: {label: Ex, percent: 34}
    y: {label: Why, percent: 34}
    z: {label: Zed, percent: 33}
needs:
  label: Needs
  base: 200
  multiple: true
  note: Asked of everyone.
  categories:
    food: {label: Food, percent: 70}
    water: {label: Water, percent: 60}
"""

CONTENT = """\
# Results

{{ table(data.s.work) }}

{{ table(data.s.three) }}

{{ table(data.s.needs) }}

{{ chart(data.s.three, kind="bar", decimals=1) }}
"""


def build(root: Path, lang: str, study: str, content: str = CONTENT) -> tuple[int, str]:
    (root / "content").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "report.yml").write_text(f"title: Rounding\nlang: {lang}\n", encoding="utf-8")
    (root / "content" / "01.md").write_text(content, encoding="utf-8")
    (root / "data" / "s.yml").write_text(study, encoding="utf-8")
    return built_text(root)


@pytest.mark.parametrize(
    ("lang", "total", "rounded_note", "multiple_note"),
    [
        ("en", "Total 48,372 100%", "Note: Percentages are rounded and may not add up to 100.",
         "Several answers were possible"),
        ("fr", f"Total 48\u202f372 100{NBSP}%", "Les pourcentages étant arrondis",
         "Plusieurs réponses étaient possibles"),
        ("es", f"Total 48.372 100{NBSP}%", "Los porcentajes están redondeados",
         "Se podían dar varias respuestas"),
    ],
)  # fmt: skip
def test_totals_equal_bases_and_notes_are_printed(
    tmp_path: Path, lang: str, total: str, rounded_note: str, multiple_note: str
) -> None:
    code, text = build(tmp_path, lang, STUDY)
    assert code == 0, text
    assert total in text
    assert "3,000" in text or "3\u202f000" in text or "3.000" in text or "3000" in text
    assert rounded_note in text
    assert multiple_note in text
    assert "Asked of everyone." in text
    assert "Mostly fishing" in text and "Survey 2026" in text
    if lang == "en":
        assert "Farming 19,832 41%" in text and "Other 5,321 11%" in text
        assert "Total 3,000 100%" in text and "Ex 1,010 34%" in text and "Zed 980 33%" in text
        assert "Food 140 70%" in text and "Total 48,373" not in text
        assert "34.0%" in text  # the chart's decimals=1


def test_one_off_100_without_the_flag_is_refused(tmp_path: Path) -> None:
    study = STUDY.replace("e: {label: Other, percent: 11", "e: {label: Other, percent: 12")
    code, output = build(tmp_path, "en", study)
    assert code == 1
    assert (
        "data/s.yml:2: breakdown 'work': percents add up to 101, not 100; if they are rounded, "
        "add 'rounded: true' to the breakdown"
    ) in output


def test_rounded_102_is_refused(tmp_path: Path) -> None:
    study = STUDY.replace("z: {label: Zed, percent: 33}", "z: {label: Zed, percent: 34}")
    code, output = build(tmp_path, "en", study)
    assert code == 1
    assert "breakdown 'three': percents add up to 102, not 100 (rounded percents may miss" in output


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('{{ chart(data.s.three, kind="pie") }}',
         "chart kind 'pie' is not one of bar, stacked, donut (did you mean 'donut'?)"),
        ("{{ table(data.s.three, decimls=1) }}",
         "table() has no argument 'decimls' (did you mean 'decimals'?); it takes: data, "
         "caption, source, total, id, decimals"),
        ("{{ 12.5 | percent(digits=1) }}",
         "percent() has no argument 'digits'; it takes: value, decimals"),
        ("{{ 12.5 | percnt }}", "percnt"),
    ],
)  # fmt: skip
def test_wrong_arguments_are_explained(tmp_path: Path, call: str, message: str) -> None:
    code, output = build(tmp_path, "en", STUDY, f"# R\n\n{call}\n")
    assert code == 1
    assert message in output
    for python in ("TypeError", "ValueError", "KeyError", "unexpected keyword"):
        assert python not in output
