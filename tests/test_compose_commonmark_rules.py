"""The CommonMark readings `compose/commonmark_rules.py` gives Python-Markdown (each checked
against what the CommonMark spec's examples expect) and the leniency it keeps."""

from __future__ import annotations

import time

import pytest

from reportbuilder.compose.markup import make_markdown, to_html

URL = '<span class="url">https://x.org</span>'  # a bare address in the text may break


def html(text: str) -> str:
    return to_html(text, make_markdown("en", lambda value, separator: f"c--{value}"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # escapes: any ASCII punctuation (spec example 12, 14)
        ("\\$ \\% \\& \\/ \\: \\; \\= \\? \\@ \\^ \\~", "<p>$ % &amp; / : ; = ? @ ^ ~</p>"),
        ("\\<br/> not a tag", "<p>&lt;br/&gt; not a tag</p>"),
        # a backslash at the end of a line is a hard break (example 633)
        ("foo\\\nbar", "<p>foo<br>\nbar</p>"),
        # ATX headings (examples 62–76)
        ("####### foo", "<p>####### foo</p>"),
        ("   # foo", '<h1 id="c--foo">foo</h1>'),
        ("## foo ##\n  ###   bar    ###", '<h2 id="c--foo">foo</h2>\n<h3 id="c--bar">bar</h3>'),
        ("# C#", '<h1 id="c--C#">C#</h1>'),
        ("### foo \\###", '<h3 id="c--foo ###">foo ###</h3>'),
        ("#Title", '<h1 id="c--Title">Title</h1>'),  # kept as Python-Markdown read it
        # ordered lists: `)` and at most nine digits (examples 266, 268, 304)
        ("1) one\n2) two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("1234567890. not ok", "<p>1234567890. not ok</p>"),
        # a change of delimiter, bullet or kind starts a new list (examples 301, 302)
        (
            "- foo\n- bar\n+ baz",
            "<ul>\n<li>foo</li>\n<li>bar</li>\n</ul>\n<ul>\n<li>baz</li>\n</ul>",
        ),
        (
            "1. foo\n2. bar\n3) baz",
            '<ol>\n<li>foo</li>\n<li>bar</li>\n</ol>\n<ol start="3" style="counter-reset: '
            'list-item 2">\n<li>baz</li>\n</ol>',
        ),
        ("1. a\n\n1) b", "<ol>\n<li>a</li>\n</ol>\n<ol>\n<li>b</li>\n</ol>"),
        ("1. a\n- b", "<ol>\n<li>a</li>\n</ol>\n<ul>\n<li>b</li>\n</ul>"),
        ("- a\n\n- b", "<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>"),
        # a reference's label right after its text (examples 544, 545): "bar" was lost
        ("[foo] [bar]\n\n[bar]: https://x.org/", '<p>[foo] <a href="https://x.org/">bar</a></p>'),
        ("[foo]\n[bar]\n\n[bar]: https://x.org/", '<p>[foo]\n<a href="https://x.org/">bar</a></p>'),
        # a destination with a space is no link (examples 490, 570); a title in parentheses
        ("[foo](not a link)", "<p>[foo](not a link)</p>"),
        (
            "[foo](not a link)\n\n[foo]: https://x.org/1",
            '<p><a href="https://x.org/1">foo</a>(not a link)</p>',
        ),
        ("[x](https://a.org (paren))", '<p><a href="https://a.org" title="paren">x</a></p>'),
        ('[x]( https://a.org "t" )', '<p><a href="https://a.org" title="t">x</a></p>'),
        # what CommonMark does not read as a link prints as written (examples 491, 494, 508);
        # Python-Markdown linked a part, and the rest of the text was gone
        ("[link](<foo\nbar>)", "<p>[link](&lt;foo\nbar&gt;)</p>"),
        ("[a](<b)c", "<p>[a](&lt;b)c</p>"),
        ('[link](/url "title "and" title")', "<p>[link](/url “title “and” title”)</p>"),
        ("[a](https://x.org/a\\(b\\))", '<p><a href="https://x.org/a(b)">a</a></p>'),  # ex 495
        ("[a](https://x.org/a(b(c)))", '<p><a href="https://x.org/a(b(c))">a</a></p>'),
        # a link's text holds no link; an autolink opened in it wins (examples 532, 526)
        (
            "[foo [bar](https://x.org)][ref]\n\n[ref]: https://y.org",
            '<p>[foo <a href="https://x.org">bar</a>]<a href="https://y.org">ref</a></p>',
        ),
        (
            "[foo<https://x.org/?q=](uri)>",
            '<p>[foo<a href="https://x.org/?q=](uri)">https://x.org/?q=](uri)</a></p>',
        ),
        # a badge: an image in a link's text is fine
        (
            "[![b](https://x.org/b.svg)](https://x.org)",
            '<p><a href="https://x.org"><img alt="b" src="https://x.org/b.svg"></a></p>',
        ),
        # an autolink's text as written, no space in it (examples 20, 602)
        (
            "<https://x.org?find=\\*>",
            '<p><a href="https://x.org?find=\\*">https://x.org?find=\\*</a></p>',
        ),
        ("<https://x.org/b c>", '<p>&lt;<span class="url">https://x.org/\u200bb</span> c&gt;</p>'),
        ("\\<https://x.org>", f"<p>&lt;{URL}&gt;</p>"),
        (
            "<a\\+b@x.org> <a+b@x.org>",
            '<p>&lt;a+b@x.org&gt; <a href="mailto:a+b@x.org">a+b@x.org</a></p>',
        ),
        # a link definition: not in a paragraph, not with a blank label (examples 213, 551,
        # 201); a setext underline after one is text (example 216)
        ("Foo\n[bar]: https://x.org\n\n[bar]", f"<p>Foo\n[bar]: {URL}</p>\n<p>[bar]</p>"),
        ("[]\n\n[]: https://x.org", f"<p>[]</p>\n<p>[]: {URL}</p>"),
        ("[foo]: <bar>(baz)\n\n[foo]", "<p>[foo]: &lt;bar&gt;(baz)</p>\n<p>[foo]</p>"),
        (
            "[foo]: https://x.org\n===\n[foo]",
            '<p>===\n<a href="https://x.org">foo</a></p>',
        ),
        (
            "[a]: https://x.org/a\n[b]: https://x.org/b\n\n[a] [b]",
            '<p><a href="https://x.org/a">a</a> <a href="https://x.org/b">b</a></p>',
        ),
        # a tag CommonMark does not read as HTML is text (examples 619, 624, 632)
        ('<a h*#ref="hi">', "<p>&lt;a h*#ref=”hi”&gt;</p>"),
        ('</a href="foo">', "<p>&lt;/a href=”foo”&gt;</p>"),
        ('x <a href="\\"">', '<p>x &lt;a href=”"“&gt;</p>'),
        ('x <b class="k">bold</b> <br/>', '<p>x <b class="k">bold</b> <br></p>'),
        # braces that are no attribute list stay text; attribute lists still apply
        ("# Results {2025}", '<h1 id="c--Results {2025}">Results {2025}</h1>'),
        ("# Budget {#}", '<h1 id="c--Budget {#}">Budget {#}</h1>'),
        ("Text *x*{ y }", "<p>Text <em>x</em>{ y }</p>"),
        ("# Title {#my-id .wide}", '<h1 class="wide" id="my-id">Title</h1>'),
        ("Para\n{: .note lang=en }", '<p class="note" lang="en">Para</p>'),
        # no [TOC] marker: the text as written
        ("Intro\n\n[TOC]", "<p>Intro</p>\n<p>[TOC]</p>"),
        # a `---` under a list item, a quote or a rule is a rule (examples 92, 94, 98, 99)
        ("- Foo\n---", "<ul>\n<li>Foo</li>\n</ul>\n<hr>"),
        ("> Foo\n---", "<blockquote>\n<p>Foo</p>\n</blockquote>\n<hr>"),
        # two quotes separated by a blank line are two quotes (trial 4 #20: one was made)
        (
            "> a\n\n> b",
            "<blockquote>\n<p>a</p>\n</blockquote>\n<blockquote>\n<p>b</p>\n</blockquote>",
        ),
        ("> a\n>\n> b", "<blockquote>\n<p>a</p>\n<p>b</p>\n</blockquote>"),
        ("> a\nlazy", "<blockquote>\n<p>a\nlazy</p>\n</blockquote>"),
        (
            "> > a\n>\n> > b",
            "<blockquote>\n<blockquote>\n<p>a</p>\n</blockquote>\n"
            "<blockquote>\n<p>b</p>\n</blockquote>\n</blockquote>",
        ),
        ("---\n---", "<hr>\n<hr>"),
        ("Title\n---", '<h2 id="c--Title">Title</h2>'),
        # thematic breaks with any spaces (example 53)
        ("-     -      -      -", "<hr>"),
        # a numeric reference out of Unicode's range is text (example 28)
        ("&#87654321;", "<p>&amp;#87654321;</p>"),
        # an HTML block ends at a blank line; Markdown follows, inside it (examples 161, 188)
        (
            "<div>\n\n*Emphasized* text.\n\n</div>",
            "<div>\n<p><em>Emphasized</em> text.</p>\n</div>",
        ),
        (
            '<DIV CLASS="foo">\n\n*Markdown*\n\n</DIV>',
            '<div class="foo">\n<p><em>Markdown</em></p>\n</div>',
        ),
        # also with the tag indented (example 184: the code block was gone)
        (
            "  <div>\n\n    <div>",
            '<div>\n<div class="language-text highlight"><pre><span></span><code>&lt;div&gt;\n'
            "</code></pre></div>\n</div>",
        ),
        # …but not when it closes before the blank line, or has none (examples 148, 149)
        ("<div>*not md*</div>", "<div>*not md*</div>"),
        ("<div>\n*still raw*\n</div>", "<div>\n*still raw*\n</div>"),
    ],
)
def test_commonmark_reading(source: str, expected: str) -> None:
    assert html(source) == expected


def test_code_and_escapes_still_print_as_typed() -> None:
    assert html("`\\$ \\#`") == "<p><code>\\$ \\#</code></p>"
    code = html("```\n# not a heading\n1) not a list\n```")
    assert "<code># not a heading\n1) not a list\n</code>" in code and "<h1" not in code


@pytest.mark.parametrize(
    "source",
    [
        "# " + " " * 20_000 + "x",
        "# " + " #" * 20_000 + " x",
        "-" + " " * 20_000 + "x",
        "[a](" + "a(" * 20_000 + ")" * 20_000,
        "[a](<" + "a" * 20_000 + ")",
        "x <a " + "b " * 20_000 + "!>",
    ],
)
def test_long_lines_are_read_in_linear_time(source: str) -> None:
    started = time.process_time()  # CPU time: a loaded machine stretches the clock
    html(source)
    assert time.process_time() - started < 2.0
