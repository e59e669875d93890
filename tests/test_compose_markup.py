"""compose.markup: Markdown → safe HTML (footnotes, figures, table captions, sanitiser,
French spacing).

The sanitiser is the first gate hostile content meets, so it is also tested with Hypothesis:
whatever the text, Markdown → HTML → sanitiser never raises, and what comes out has no active
or fetching element, no event handler, no style, no attachment, and no URL with a scheme other
than http, https or mailto.
"""

from __future__ import annotations

import html as htmllib
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import slugify_unicode

from conftest import one_chapter_project
from reportbuilder import Edition, build
from reportbuilder.compose.markup import NUM_CLASS, make_markdown, sanitize, to_html
from reportbuilder.limits import Deadline, nesting_depth

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a note that refers to itself
            "Text[^1].\n\n[^1]: See [^1] again.\n",
            '<p>Text<span class="footnote">See again.</span>.</p>',
        ),
        (
            "Text[^1].\n\n[^1]: See *this[^1]* again.\n",
            '<p>Text<span class="footnote">See <em>this</em> again.</span>.</p>',
        ),
        (  # two notes that refer to each other
            "Text[^1] and[^2].\n\n[^1]: See [^2] again.\n[^2]: And [^1] again.\n",
            '<p>Text<span class="footnote">See again.</span>'
            ' and<span class="footnote">And again.</span>.</p>',
        ),
    ],
)
def test_a_note_that_refers_to_a_note_is_filled_in_once(text: str, expected: str) -> None:
    # Filling in the notes once followed such a reference for ever, the document and the
    # memory it takes growing without end; the deadline stops it if it comes back.
    with Deadline(10).enforce():
        html = html_of(text)
    assert " ".join(html.split()) == expected  # the reference left out, its spaces with it


def test_a_note_used_twice_is_filled_in_at_both_places() -> None:
    html = html_of("A[^n] and B[^n].\n\n[^n]: The *same* note.\n")
    assert html == (
        '<p>A<span class="footnote">The <em>same</em> note.</span> and'
        ' B<span class="footnote">The <em>same</em> note.</span>.</p>'
    )


def test_footnote_with_two_paragraphs_keeps_them_apart() -> None:
    """A second paragraph was run into the first (trial 4 #19); it is a span the theme sets
    as a block: a `<p>` would end the paragraph the note is in."""
    html = html_of("Note[^a]\n\n[^a]: First para.\n\n    Second para.\n")
    assert '<span class="footnote">First para.<span class="fn-p">Second para.</span></span>' in html
    assert "<p>First" not in html


def test_a_footnotes_list_code_and_table_keep_their_shape_inside_it() -> None:
    """Trial 4 #19: a list, a code block and a table in a note were run into one line of
    text, and a fenced code block went into the body, in the middle of its sentence."""
    html = html_of(
        "Claim[^1] and[^2].\n\n[^1]: First.\n\n        code = 1\n          indented\n\n"
        "    - item one\n    - item two\n\n    ```\n    fenced\n    ```\n\n"
        "[^2]: | a | b |\n    |---|--:|\n    | x | 2 |\n"
    )
    assert html == (
        '<p>Claim<span class="footnote">First.'
        '<span class="fn-code"><code>code = 1<br>  indented</code></span><span class="fn-list">'
        '<span class="fn-item">– item one</span><span class="fn-item">– item two</span></span>'
        '<span class="fn-code"><code>fenced</code></span></span> and'
        '<span class="footnote"><span class="fn-table"><span class="fn-tr">'
        '<span class="fn-th">a</span><span class="fn-th fn-num">b</span></span>'
        '<span class="fn-tr"><span class="fn-td">x</span><span class="fn-td fn-num">2</span>'
        "</span></span></span>.</p>"
    )


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
    assert "<object" not in lowered and "<meta" not in lowered
    assert "<svg" not in lowered or "<svg></svg>" in lowered  # a drawing's script is not kept
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


# 100 random examples each (about six CPU seconds in all, so `make test-fast` leaves them
# out: slow), beside a fixed corpus that gives every tag, URL, attribute and Markdown form of
# the strategies below at least once (`test_the_seed_corpus_is_sanitised`): 400 random
# examples each cost 24 CPU s, most of it Hypothesis drawing them, not the conversions.
FUZZ = settings(max_examples=100, deadline=None)

# --- Properties: whatever the text, the output is sanitised (Hypothesis) ---------------------

DANGEROUS_TAGS = [
    "script", "style", "link", "base", "iframe", "object", "embed", "svg", "math", "meta",
    "form", "input", "button", "textarea", "frame", "frameset", "applet", "video", "audio",
    "source", "template", "noscript", "img", "a", "div", "p", "span", "table", "td", "image",
    "use", "foreignObject", "linearGradient",
]  # fmt: skip
URL_ATTRIBUTES = [
    "href", "src", "srcset", "action", "formaction", "data", "poster", "background",
    "xlink:href", "lowsrc", "dynsrc", "cite", "longdesc", "usemap", "codebase",
]  # fmt: skip
HOSTILE_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:x",
    "java\nscript:x", "&#106;avascript:x", "&#x6A;avascript:x", "javascript&colon;x",
    "\x01javascript:x", "vbscript:msgbox(1)", "file:///etc/passwd", "FILE:///etc/passwd",
    "file://localhost/etc/passwd", "file:relative", "smb://evil.example/share",
    "data:text/html,<script>alert(1)</script>", "data:image/svg+xml;base64,PHN2Zz4=",
    "ftp://127.0.0.1/x", "jar:file:///x!/y", "//evil.example/share", "\\\\evil\\share",
    "../../../etc/passwd", "/etc/passwd", "assets/pump.svg", "#anchor",
    "https://example.org/ok", "http://example.org/ok", "mailto:desk@example.org",
]  # fmt: skip
OTHER_ATTRIBUTES = [
    ("rel", "attachment"), ("rel", "ATTACHMENT stylesheet"), ("rel", "stylesheet"),
    ("style", "width: calc(1px +)"), ("style", "background: url(file:///etc/passwd)"),
    ("onclick", "alert(1)"), ("onerror", "alert(1)"), ("ONLOAD", "x()"), ("onmouseover", "x"),
    ("type", "text/css"), ("http-equiv", "refresh"), ("content", "0;url=file:///etc/passwd"),
    ("target", "_blank"), ("download", "x"), ("class", "note"), ("id", "here"),
    ("title", "a title"), ("alt", "words"), ("width", "10"), ("lang", "en"),
    ("fill", "url(file:///etc/passwd#a)"), ("fill", "url(#ok)"), ("style", "fill: url(#ok)"),
    ("style", "stroke: url(http://example.org/x#a)"), ("mask", "url(#m)"),
]  # fmt: skip
# Text that cannot spell a scheme, so that a scheme seen in the output came from a URL.
SAFE_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghij klmnop 0123456789 .,;!?*_-#>\n")), max_size=30
)


def _quote_attr(value: str, style: str) -> str:
    if style == "none":
        return re.sub(r"[\s>\"']", "", value) or "x"
    if style == "'":
        return "'" + value.replace("'", "") + "'"
    return '"' + value.replace('"', "") + '"'


@st.composite
def html_fragments(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(DANGEROUS_TAGS))
    tag = draw(st.sampled_from([tag, tag.upper(), tag.capitalize()]))
    attributes = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            name, value = draw(st.sampled_from(URL_ATTRIBUTES)), draw(st.sampled_from(HOSTILE_URLS))
        else:
            name, value = draw(st.sampled_from(OTHER_ATTRIBUTES))
        quoting = draw(st.sampled_from(['"', "'", "none"]))
        attributes.append(f"{name}={_quote_attr(value, quoting)}")
    space = draw(st.sampled_from([" ", "  ", "\n", "\t"]))
    opening = f"<{tag}{space if attributes else ''}{' '.join(attributes)}"
    opening += draw(st.sampled_from([">", "/>", " >", ""]))
    inner = draw(SAFE_TEXT)
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>"]))
    return opening + inner + closing


@st.composite
def markdown_urls(draw: st.DrawFn) -> str:
    url = draw(st.sampled_from(HOSTILE_URLS))
    text = draw(SAFE_TEXT.filter(lambda t: "]" not in t and "[" not in t))
    form = draw(st.sampled_from(["link", "image", "reference", "autolink", "attr"]))
    if form == "link":
        return f"[{text}]({url})"
    if form == "image":
        return f"![{text}]({url})"
    if form == "reference":
        return f"[{text}][r]\n\n[r]: {url}\n"
    if form == "autolink":
        return f"<{url}>"
    attribute = draw(st.sampled_from([*URL_ATTRIBUTES, "onclick", "style", "rel"]))
    return f"# Heading {{: {attribute}=\"{url}\" }}\n\nPara {{: {attribute}='{url}' }}"


MARKDOWN_BITS = [
    "# Title\n", "## Sub\n", "> quote\n", "- item\n", "1. one\n", "    code\n", "```\nfence\n```\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "Table: caption\n", "Term\n:   definition\n",
    '!!! note "Title"\n    body\n', "text[^1]\n\n[^1]: note\n", "***\n", "\n\n", "<!-- c -->",
    "<![CDATA[x]]>", "<?php x ?>", "<!DOCTYPE html>", "&amp;", "&#0;", "&#x110000;", "\\",
]  # fmt: skip

hostile_documents = st.lists(
    st.one_of(
        st.text(max_size=40),
        html_fragments(),
        markdown_urls(),
        st.sampled_from(MARKDOWN_BITS),
        SAFE_TEXT,
    ),
    max_size=12,
).map("".join)

FORBIDDEN_TAGS = (
    "script", "style", "link", "base", "iframe", "object", "embed", "math", "meta",
    "form", "frame", "applet", "video", "audio", "source", "template", "image", "foreignobject",
)  # fmt: skip
LINKED = {"href", "src"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def _scheme(value: str) -> str:
    """The scheme a URL parser would see (WHATWG: C0 controls and spaces trimmed at both ends,
    tabs and newlines removed anywhere)."""
    cleaned = re.sub(r"[\t\n\r]", "", htmllib.unescape(value).strip(_C0_AND_SPACE)).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match[1] if match else ""


_LIST_NUMBER = re.compile(
    r"ol (list-style-type: (lower|upper)-(alpha|roman)(; )?)?(counter-reset: list-item -?\d+)?"
    r"|li (counter-set: list-item -?\d+)?(; )?(counter-increment: list-item -1)?"
)


def unsafe_parts(output: str) -> list[str]:
    """Everything in sanitised HTML that could act, fetch, or link off the web."""
    found = []
    lowered = output.lower()
    found += [f"<{tag}" for tag in FORBIDDEN_TAGS if f"<{tag}" in lowered]
    # Text's `<` is escaped, so every `<…>` left is a real tag: look inside them literally.
    for raw in re.findall(r"<[^>]*>", output):
        low = raw.lower()
        found += [f"{word} in {raw!r}" for word in ("javascript:", "file:") if word in low]
        if re.search(r"\son[a-z]+\s*=", low):
            found.append(f"event handler in {raw!r}")
        if 'rel="attachment"' in low or "rel=attachment" in low:
            found.append(f"attachment in {raw!r}")
    parser = _Tags()
    parser.feed(output)
    parser.close()
    for tag, attributes in parser.tags:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}> element")
        for name, value in attributes:
            value = value or ""
            if name == "style" and _LIST_NUMBER.fullmatch(f"{tag} {value}"):
                continue  # the sanitiser's own: a list's number (WeasyPrint ignores start=)
            if name.startswith("on") or name in ("style", "rel", "srcset", "action", "data"):
                found.append(f"{name}= on <{tag}>")
            # Inline SVG (issue 9): references only to `#an-id` in the same document.
            if tag != "a" and name in ("href", "xlink:href") and not value.startswith("#"):
                found.append(f"{name}={value!r} on <{tag}>")
            if re.search(r"url\(\s*(?![\"']?#)", value.lower()):
                found.append(f"url() leaving the document: {name}={value!r} on <{tag}>")
            if name in LINKED:
                scheme = _scheme(value)
                if scheme and scheme not in ALLOWED_SCHEMES:
                    found.append(f"{name}={value!r} on <{tag}>")
            # The README: links other than http, https, mailto and in-document anchors are
            # removed (a relative link would become a file: link in the PDF).
            web_or_anchor = value.startswith("#") or _scheme(value) in ALLOWED_SCHEMES
            if name == "href" and tag == "a" and not web_or_anchor:
                found.append(f"link to {value!r}")
    return found


def _slug(value: str, separator: str) -> str:
    return "c--" + slugify_unicode(value, separator)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr", "es"])
@FUZZ
@given(text=hostile_documents)
def test_markdown_output_is_sanitised(lang: str, text: str) -> None:
    output = to_html(text, make_markdown(lang, _slug))
    assert unsafe_parts(output) == [], output
    nesting_depth(output)  # the depth check that follows must not raise either


@pytest.mark.slow
@FUZZ
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    output = to_html(text, make_markdown("fr", _slug))
    assert unsafe_parts(output) == [], output


@pytest.mark.slow
@FUZZ
@given(fragment=html_fragments(), before=SAFE_TEXT, after=SAFE_TEXT)
def test_raw_html_fragment_is_sanitised(fragment: str, before: str, after: str) -> None:
    for text in (fragment, f"{before}\n\n{fragment}\n\n{after}", f"{before} {fragment} {after}"):
        output = to_html(text, make_markdown("en", _slug))
        assert unsafe_parts(output) == [], (text, output)


def _seed_fragments() -> list[str]:
    """Every dangerous tag (in each letter case, quoting, opening end and closing), each with
    URL attributes and other attributes in turn, so that every URL attribute, hostile URL
    and other attribute of the fuzzers' lists is on some tag."""
    fragments = []
    quotings, ends = ['"', "'", "none"], [">", "/>", " >", ""]
    for i, tag in enumerate(DANGEROUS_TAGS):
        spelled = [tag, tag.upper(), tag.capitalize()][i % 3]
        attributes = []
        for j in range(2):
            name = URL_ATTRIBUTES[(2 * i + j) % len(URL_ATTRIBUTES)]
            url = HOSTILE_URLS[(2 * i + j) % len(HOSTILE_URLS)]
            attributes.append(f"{name}={_quote_attr(url, quotings[(i + j) % 3])}")
            other, value = OTHER_ATTRIBUTES[(2 * i + j) % len(OTHER_ATTRIBUTES)]
            attributes.append(f"{other}={_quote_attr(value, quotings[(i + j + 1) % 3])}")
        closing = [f"</{spelled}>", "", f"</{spelled.upper()}>"][i % 3]
        fragments.append(f"<{spelled} {' '.join(attributes)}{ends[i % 4]}text{closing}")
    return fragments


def _seed_markdown() -> list[str]:
    """Every hostile URL in every Markdown form (a link, an image, a reference, an autolink,
    an attribute list with each attribute in turn), and every Markdown bit around them."""
    documents = []
    attributes = [*URL_ATTRIBUTES, "onclick", "style", "rel"]
    for i, url in enumerate(HOSTILE_URLS):
        attribute = attributes[i % len(attributes)]
        bit = MARKDOWN_BITS[i % len(MARKDOWN_BITS)]
        documents += [
            f"{bit}[text {i}]({url})",
            f"![text {i}]({url}){bit}",
            f"[text][r]\n\n[r]: {url}\n{bit}",
            f"{bit}<{url}>",
            f"# Heading {{: {attribute}=\"{url}\" }}\n\nPara {{: {attribute}='{url}' }}",
        ]
    documents += [bit + "".join(MARKDOWN_BITS) for bit in MARKDOWN_BITS]
    return documents


@pytest.mark.slow
def test_the_seed_corpus_is_sanitised() -> None:
    """The fuzzers' material, each piece at least once, in every language (the fuzzers draw
    100 random documents each on top): no run depends on the draw to meet a given tag or URL."""
    fragments, documents = _seed_fragments(), _seed_markdown()
    covered = " ".join(fragments + documents)
    for word in (*URL_ATTRIBUTES, *HOSTILE_URLS, *(f"{n}=" for n, _ in OTHER_ATTRIBUTES)):
        assert word in covered or _quote_attr(word, "none") in covered, word
    for i, fragment in enumerate(fragments):
        before, after = "ab cd", "12 ef."
        for text in (
            fragment,
            f"{before}\n\n{fragment}\n\n{after}",
            f"{before} {fragment} {after}",
        ):
            output = to_html(text, make_markdown(["en", "fr", "es"][i % 3], _slug))
            assert unsafe_parts(output) == [], (text, output)
    for i, text in enumerate(documents):
        output = to_html(text, make_markdown(["en", "fr", "es"][i % 3], _slug))
        assert unsafe_parts(output) == [], (text, output)
        nesting_depth(output)


def test_the_oracle_sees_what_it_should() -> None:
    """The checker itself: unsanitised Markdown output trips it."""
    raw = make_markdown("en", _slug).convert(
        '<script>x</script><a href="javascript:x" rel="attachment" onclick="y">l</a>'
        '<img src="file:///etc/passwd" style="a"><base href="file:///"><link rel=x>'
    )
    found = unsafe_parts(raw)
    for expected in ("<script", "<base", "<link", "javascript:", "file:", "event handler"):
        assert any(expected in item for item in found), (expected, found)


def test_landscape_on_a_table_caption_asks_for_a_turned_page() -> None:
    md = make_markdown("en", lambda value, separator: value)
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: Wide {#tab-w .landscape}\n"
    html = to_html(text, md)
    assert '<table class="rb-landscape" id="tab-w">' in html
    assert ".landscape" not in html


def test_urls_in_text_break_at_slashes_and_lead_ins_keep_with_next() -> None:
    md = make_markdown("en", lambda value, separator: value)
    html = to_html("See https://example.org/a/b-c.csv now.\n\nPlease contact:\n\nCard", md)
    assert '<span class="url">https://example.org/\u200ba/\u200bb-c.csv</span> now.' in html
    assert '<p class="lead-in">Please contact:</p>' in html


@pytest.mark.pdf
def test_a_footnotes_blocks_print_in_the_note_line_by_line(tmp_path: Path) -> None:
    """Trial 4 #19, read back from the PDF: the body sentence is whole, and each block of a
    note is on lines of its own at the page's foot, in the written order."""
    root = one_chapter_project(
        tmp_path / "p",
        "Notes",
        "# Notes\n\nClaim[^1] and table note[^2].\n\n[^1]: First para FN1.\n\n"
        "    - list item FNL1\n    - list item FNL2\n\n    ```\n    fenced FNFENCE\n    ```\n\n"
        "[^2]: | a | b |\n    |---|---|\n    | FNT1 | FNT2 |\n",
    )
    out = tmp_path / "notes.pdf"
    build(root, output=out)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    page = next(p for p in text.split("\f") if "FNL1" in p)
    lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
    assert "Claim1 and table note2." in lines  # nothing moved into the sentence
    at = lines.index("1. First para FN1.")
    assert lines[at + 1 : at + 4] == ["– list item FNL1", "– list item FNL2", "fenced FNFENCE"]
    assert lines[at + 4 : at + 7] == ["2.", "a b", "FNT1 FNT2"]


def test_a_long_run_without_spaces_may_break_after_its_separators() -> None:
    html = html_of("Path C:\\Users\\ana\\Trata_de_personas_final_v3.xlsx was used, not `x`.\n")
    assert html == (
        '<p>Path <span class="rb-long">C:\\\u200bUsers\\\u200bana\\\u200bTrata_\u200bde_\u200b'
        "personas_\u200bfinal_\u200bv3.\u200bxlsx</span> was used, not <code>x</code>.</p>"
    )
    assert "rb-long" not in html_of("Short words only, and a-hyphenated-but-short one.\n")
    assert "rb-long" not in html_of("    an_indented_code_line_without_any_spaces_at_all\n")


@pytest.mark.pdf
def test_a_long_token_in_prose_wraps_at_a5_and_nothing_is_cut(tmp_path: Path) -> None:
    """Trial 5 #7: a Windows path and a long ID ran past the paper's edge at A5 (a warning,
    exit 0), their ends cut: `END5` and `END3` were not in the PDF."""
    path = "C:\\Users\\maria.gonzalez\\Documents\\Informes\\2025\\Trata_de_personas_Chile_"
    root = one_chapter_project(
        tmp_path / "p",
        "Tokens",
        f"# Tokens\n\nPath {path}informe_final_revisado_v3_definitivo.xlsxEND5 was used.\n\n"
        f"Token: {'A' * 120}END3.\n",
    )
    out = tmp_path / "tokens.pdf"
    result = build(root, Edition(page_size="A5"), output=out)
    assert not [p for p in result.warnings if "past the right edge" in p.message]
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "END5" in text and "END3" in text
    assert "".join(text.split()).count("A" * 120 + "END3") == 1  # broken, no hyphen added
