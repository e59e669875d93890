"""The SVG allow-list's value checks (`compose/inline_svg.py`); the sanitiser's use of them is
tested in test_markdown_html.py and test_compose_markup.py."""

from __future__ import annotations

import pytest

from reportbuilder.compose.inline_svg import (
    allowed_attribute,
    refused_value,
    style_as_attributes,
    svg_tag,
    without_html_titles,
)


@pytest.mark.parametrize(
    ("tag", "attribute", "value"),
    [
        ("use", "href", "#dot"),
        ("use", "xlink:href", " #a.b-c "),
        ("rect", "fill", "url(#grad)"),
        ("rect", "fill", "url('#grad') red"),
        ("rect", "fill", "rgb(1, 2, 3)"),
        ("path", "style", "fill: none; stroke: url(#g); stroke-width: 2"),
        ("text", "font-family", "Inter, sans-serif"),
    ],
)
def test_local_references_and_presentation_are_kept(tag: str, attribute: str, value: str) -> None:
    assert refused_value(tag, attribute, value) is None


@pytest.mark.parametrize(
    ("tag", "attribute", "value", "why"),
    [
        ("use", "href", "other.svg#a", "#an-id"),
        ("use", "xlink:href", "file:///etc/passwd", "#an-id"),
        ("linearGradient", "href", "http://example.org/g.svg#g", "#an-id"),
        ("rect", "fill", "url(file:///etc/x.svg#a)", "url(#an-id)"),
        ("rect", "fill", "url(#a) url(x.svg#b)", "url(#an-id)"),
        ("rect", "fill", "URL(  x.svg#b )", "url(#an-id)"),
        ("rect", "fill", "image-set('x.png' 1x)", "image-set()"),
        ("rect", "fill", "u\\72l(x.svg)", "escapes"),
        ("path", "style", "fill: url(http://example.org/x#a)", "url(#an-id)"),
        ("path", "style", "background-image: none", "'background-image'"),
        ("path", "style", "fill: red; @import 'x.css'", "presentation"),
        ("path", "style", "fill: r\\65 d", "presentation"),
    ],
)
def test_references_leaving_the_drawing_are_refused(
    tag: str, attribute: str, value: str, why: str
) -> None:
    reason = refused_value(tag, attribute, value)
    assert reason is not None and why in reason


def test_names_in_any_case() -> None:
    assert svg_tag("lineargradient") == "linearGradient" and svg_tag("foreignobject") is None
    assert allowed_attribute("svg", "viewbox") and allowed_attribute("use", "xlink:href")
    assert not allowed_attribute("svg", "onload") and not allowed_attribute("rect", "mask")


def test_style_becomes_presentation_attributes_and_wins() -> None:
    html = '<path fill="red" style="fill: none; stroke: black" d="M0 0"></path>'
    assert style_as_attributes(html) == '<path fill="none" stroke="black" d="M0 0"></path>'


def test_titles_outside_drawings_lose_their_tags_only() -> None:
    html = "<title>a</title><svg><title>b</title></svg><p>c<title>d</title></p>"
    assert without_html_titles(html) == "a<svg><title>b</title></svg><p>cd</p>"
