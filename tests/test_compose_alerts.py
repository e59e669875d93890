"""GitHub's alerts as the theme's callouts (`compose/alerts.py`, trial 4 #20: `[!NOTE]` printed
as text of an ordinary quote, two alerts merged into one quote)."""

from __future__ import annotations

import pytest

from reportbuilder.compose.markup import make_markdown, to_html

ALERTS = """Intro.
> [!NOTE]
> Useful information ALERT1.
>
> - a

> [!caution]
> Careful ALERT2.

> a plain quote
"""


@pytest.mark.parametrize(
    ("lang", "titles"), [("en", ("Note", "Caution")), ("es", ("Nota", "Precaución"))]
)
def test_each_alert_is_a_titled_callout_in_the_reports_language(
    lang: str, titles: tuple[str, str]
) -> None:
    html = to_html(ALERTS, make_markdown(lang, lambda value, separator: value))
    assert "[!" not in html
    assert (
        f'<div class="admonition note">\n<p class="admonition-title">{titles[0]}</p>\n'
        "<p>Useful information ALERT1.</p>\n<ul>\n<li>a</li>\n</ul>\n</div>"
    ) in html
    assert f'<div class="admonition caution">\n<p class="admonition-title">{titles[1]}</p>' in html
    assert "<blockquote>\n<p>a plain quote</p>\n</blockquote>" in html
    assert html.startswith("<p>Intro.</p>")


def test_a_marker_in_code_or_mid_quote_is_left_alone() -> None:
    md = make_markdown("en", lambda value, separator: value)
    assert "admonition" not in to_html("```\n> [!NOTE]\n> x\n```", md)
    quoted = to_html("> text\n> [!NOTE] inline", md)
    assert "admonition" not in quoted and "[!NOTE] inline" in quoted
    second = to_html("> text\n> [!NOTE]\n> more", md)  # GitHub: the quote's first line only
    assert "admonition" not in second and "[!NOTE]" in second
