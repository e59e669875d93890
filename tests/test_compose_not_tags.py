"""compose/not_tags.py: angle-bracket text whose name is no HTML, SVG or MathML element is the
writer's text, printed as written; real elements are left to the sanitiser. (The PDF test is
in test_markdown_losses.py.)"""

from __future__ import annotations

import pytest

from reportbuilder.compose.not_tags import as_text


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Replace <your-name> here</p>", "<p>Replace &lt;your-name&gt; here</p>"),
        ("<p><Servicio Jurídico></p>", "<p>&lt;Servicio Jurídico&gt;</p>"),
        ("<p><localhost:5001/foo></p>", "<p>&lt;localhost:5001/foo&gt;</p>"),
        ("<p><foo.bar.baz> <m:abc></p>", "<p>&lt;foo.bar.baz&gt; &lt;m:abc&gt;</p>"),
        ("<p><x a='1>2'></p>", "<p>&lt;x a='1&gt;2'&gt;</p>"),  # a quoted > stays inside
        ("<p></your-name></p>", "<p>&lt;/your-name&gt;</p>"),
    ],
)
def test_a_tag_that_names_no_element_is_text(html: str, expected: str) -> None:
    assert as_text(html)[0] == expected


@pytest.mark.parametrize(
    "html",
    [
        '<p>a <b>b</b> <iframe src="x"></iframe> <FONT color=red>c</FONT></p>',
        '<svg viewBox="0 0 1 1"><linearGradient id="g"/><path d="M0 0"/></svg>',
        "<math><mrow><mi>x</mi></mrow></math>",
        "<!-- a comment --><!DOCTYPE html><p>x</p>",
        '<img alt="<not-a-tag>" src="a.png">',
    ],
)
def test_elements_and_other_markup_are_left_to_the_sanitiser(html: str) -> None:
    assert as_text(html) == (html, [])
