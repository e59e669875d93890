"""reportbuilder.markup: Markdown → safe HTML (footnotes, figures, table captions, sanitiser,
French spacing)."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from reportbuilder.compose.markup import NUM_CLASS, make_markdown, sanitize, to_html

NBSP = "\u00a0"
NNBSP = "\u202f"


def slug(value: str, separator: str) -> str:
    return "ch--" + re.sub(r"\W+", separator, value.lower()).strip(separator)


def html_of(text: str, lang: str = "en") -> str:
    return to_html(text, make_markdown(lang, slug))


def text_of(text: str, lang: str) -> str:
    """The HTML with character references resolved (the sanitiser writes U+00A0 as &nbsp;)."""
    return htmllib.unescape(html_of(text, lang))


# --- Footnotes --------------------------------------------------------------------------------


def test_footnote_becomes_an_inline_span_at_its_reference() -> None:
    html = html_of("Two sources[^src] were used.\n\n[^src]: Registers and *interviews*.\n")
    assert html == (
        '<p>Two sources<span class="footnote">Registers and <em>interviews</em>.</span>'
        " were used.</p>"
    )


def test_footnote_list_and_backlinks_are_gone() -> None:
    html = html_of("A[^1] and B[^2].\n\n[^1]: First.\n[^2]: Second.\n")
    assert html.count('<span class="footnote">') == 2
    assert '<span class="footnote">First.</span>' in html
    assert '<span class="footnote">Second.</span>' in html
    for leftover in ("<sup", 'class="footnote"><hr', "<ol", "footnote-backref", "fnref", "↩"):
        assert leftover not in html


def test_footnote_with_two_paragraphs_is_joined_inline() -> None:
    html = html_of("Note[^a]\n\n[^a]: First para.\n\n    Second para.\n")
    assert '<span class="footnote">First para. Second para.</span>' in html
    assert "<p>First" not in html


# --- Figures and table captions ---------------------------------------------------------------


def test_lone_image_becomes_a_figure_captioned_by_its_alt_text() -> None:
    html = html_of("![Map of the regions](assets/map.png)\n")
    assert html == (
        '<figure class="figure"><figcaption>'
        f'<span class="{NUM_CLASS}" data-kind="figure"></span>Map of the regions</figcaption>'
        '<img alt="Map of the regions" src="assets/map.png"></figure>'
    )


def test_image_title_wins_over_alt_for_the_caption() -> None:
    html = html_of('![Map](assets/map.png "Regions covered by the study")\n')
    assert "</span>Regions covered by the study</figcaption>" in html


def test_image_inside_a_sentence_stays_inline() -> None:
    html = html_of("See ![icon](assets/i.png) here.\n")
    assert html == '<p>See <img alt="icon" src="assets/i.png"> here.</p>'
    assert "<figure" not in html


def test_table_caption_paragraph_becomes_the_tables_caption() -> None:
    html = html_of("| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: Counts by *region*\n")
    assert html.startswith(
        f'<table>\n<caption><span class="{NUM_CLASS}" data-kind="table"></span>'
        "Counts by <em>region</em></caption><thead>"
    )
    assert "<p>" not in html and "Table:" not in html


def test_a_table_caption_needs_a_table_before_it() -> None:
    html = html_of("Text.\n\nTable: not a caption\n")
    assert "<caption" not in html
    assert "<p>Table: not a caption</p>" in html


# --- Sanitiser --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "<style>body { display: none }</style>",
        '<link rel="stylesheet" href="evil.css">',
        '<base href="http://evil.example/">',
        '<iframe src="http://evil.example/"></iframe>',
        '<object data="x.pdf"></object>',
        "<svg><script>alert(1)</script></svg>",
        '<meta http-equiv="refresh" content="0;url=http://evil.example/">',
    ],
)
def test_sanitiser_removes_dangerous_elements(raw: str) -> None:
    html = html_of(f"Before.\n\n{raw}\n\nAfter.\n")
    lowered = html.lower()
    for word in ("<script", "alert", "<style", "display", "<link", "<base", "<iframe", "evil"):
        assert word not in lowered, (word, html)
    assert "<object" not in lowered and "<meta" not in lowered and "<svg" not in lowered
    assert "<p>Before.</p>" in html and "<p>After.</p>" in html


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "ftp://example.org/x",
    ],
)
def test_sanitiser_drops_foreign_link_schemes(href: str) -> None:
    html = html_of(f'[click]({href}) and <a href="{href}">raw</a>\n')
    assert "href" not in html, html
    assert ">click</a>" in html and ">raw</a>" in html


@pytest.mark.parametrize(
    "href",
    ["https://www.iom.int/", "http://example.org/a?b=c", "mailto:iomsantiago@iom.int", "#results"],
)
def test_sanitiser_keeps_web_mail_and_anchor_links(href: str) -> None:
    html = html_of(f"[link]({href})\n")
    assert f'href="{href.replace("&", "&amp;")}"' in html


def test_sanitiser_strips_attachment_links() -> None:
    html = html_of('<a href="secret.xlsx" rel="attachment">data</a>\n')
    assert "attachment" not in html
    assert "rel=" not in html


def test_relative_file_links_are_removed() -> None:
    """README: links other than http, https, mailto and in-document anchors are removed —
    a relative `notes.pdf` would become a file: link to the author's disk in the PDF."""
    html = html_of('[the notes](notes.pdf) and <a href="../secret.xlsx">this</a>\n')
    assert "href" not in html, html
    assert ">the notes</a>" in html and ">this</a>" in html


def test_sanitiser_strips_event_handlers_and_foreign_image_sources() -> None:
    html = html_of(
        '<img src="assets/ok.png" onerror="alert(1)"> '
        '<img src="file:///etc/passwd"> <img src="http://tracker.example/p.gif">\n'
    )
    assert "onerror" not in html and "alert" not in html
    assert "file:" not in html
    assert 'src="assets/ok.png"' in html


def test_sanitize_keeps_report_markup() -> None:
    kept = (
        '<figure class="figure"><figcaption>Caption</figcaption></figure>'
        '<table><caption>T</caption><tbody><tr><td align="right">1</td></tr></tbody></table>'
        '<span class="footnote">n</span>'
    )
    assert sanitize(kept) == kept


# --- French spacing ---------------------------------------------------------------------------


def test_french_spacing_before_high_punctuation() -> None:
    html = text_of("Pourquoi ? Voici : un ; deux ! « cité »\n", "fr")
    assert html == (
        f"<p>Pourquoi{NNBSP}? Voici{NBSP}: un{NNBSP}; deux{NNBSP}! «{NNBSP}cité{NNBSP}»</p>"
    )


def test_french_quotes_from_straight_quotes() -> None:
    assert text_of('Il dit "bonjour".\n', "fr") == f"<p>Il dit «{NNBSP}bonjour{NNBSP}».</p>"


def test_french_spacing_leaves_code_alone_but_not_the_text_after_it() -> None:
    html = text_of("Écrire `a : b ; c ?` ici : oui.\n", "fr")
    assert "<code>a : b ; c ?</code>" in html
    assert f"ici{NBSP}: oui." in html


def test_french_spacing_reaches_lists_headings_and_emphasis() -> None:
    html = text_of("## Qui sont-elles ?\n\n- un : deux\n- *vraiment* !\n", "fr")
    assert f"Qui sont-elles{NNBSP}?</h2>" in html
    assert f"<li>un{NBSP}: deux</li>" in html
    assert f"<em>vraiment</em>{NNBSP}!" in html


def test_no_french_spacing_in_english() -> None:
    html = html_of('Why ? Here : one ; two ! "quoted"\n', "en")
    assert html == "<p>Why ? Here : one ; two ! “quoted”</p>"
    assert NBSP not in html and NNBSP not in html


def test_spanish_quotes() -> None:
    assert html_of('Dijo "hola" ¿qué?\n', "es") == "<p>Dijo «hola» ¿qué?</p>"


def test_heading_ids_come_from_the_slugify_function() -> None:
    md = make_markdown("en", slug)
    html = to_html("# Main findings\n\n## Who they are\n", md)
    assert '<h1 id="ch--main-findings">Main findings</h1>' in html
    assert '<h2 id="ch--who-they-are">Who they are</h2>' in html
    assert [t["id"] for t in md.toc_tokens] == ["ch--main-findings"]  # type: ignore[attr-defined]
