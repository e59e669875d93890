"""MathML written out as HTML text (compose/mathml.py): the formula a reader reads, in the
order the converters (pandoc --mathml, Word, MathJax) write it. The PDF side is in
tests/test_silent_loss_trial6.py."""

from __future__ import annotations

import pytest

from reportbuilder.compose.mathml import as_html, formula_html


@pytest.mark.parametrize(
    ("math", "shown"),
    [
        ("<math><mi>x</mi><mo>=</mo><mn>42</mn></math>", "<i>x</i> = 42"),
        ("<math><msup><mi>E</mi><mn>2</mn></msup></math>", "<i>E</i><sup>2</sup>"),
        ("<math><msub><mi>x</mi><mi>i</mi></msub></math>", "<i>x</i><sub><i>i</i></sub>"),
        (
            "<math><mfrac><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow><mn>2</mn></mfrac></math>",
            "(<i>a</i> + <i>b</i>)/2",
        ),
        ("<math><msqrt><mi>y</mi></msqrt></math>", "√<i>y</i>"),
        ("<math><mroot><mi>y</mi><mn>3</mn></mroot></math>", "<sup>3</sup>√(<i>y</i>)"),
        ("<math><mi>sin</mi><mo>&lt;</mo><mn>1</mn></math>", "sin &lt; 1"),
        (
            '<math><semantics><mi>x</mi><annotation encoding="application/x-tex">x</annotation>'
            "</semantics></math>",
            "<i>x</i>",
        ),
        ('<math><mfenced open="[" close="]"><mn>1</mn><mn>2</mn></mfenced></math>', "[1, 2]"),
    ],
)
def test_formulas_are_written_as_html_text(math: str, shown: str) -> None:
    assert formula_html(math) == shown


def test_each_formula_is_replaced_and_reported() -> None:
    html, written = as_html('a <math><mn>1</mn></math> b <math display="block"><mn>2</mn></math>')
    assert html == (
        'a <span class="rb-math">1</span> b <span class="rb-math rb-math-block">2</span>'
    )
    assert written == ["1", "2"]


def test_text_without_mathml_is_left_alone() -> None:
    assert as_html("<p>no formula</p>") == ("<p>no formula</p>", [])
