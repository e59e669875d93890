"""What authors write besides prose survives: table alignment and caption ids, the harmless
HTML the sanitiser keeps, warnings for what it removes, no control characters, chapter titles
from front matter or an HTML `<h1>` (issue 9)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts
from reportbuilder import Edition, ReportError, check, load_project, render_html
from reportbuilder.cli import main
from reportbuilder.errors import Severity
from test_markdown_code import chapter_html, project_with


def test_table_alignment_survives(tmp_path: Path) -> None:
    source = "# T\n\n| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |\n"
    html = chapter_html(project_with(tmp_path, **{"01": source}))
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html
    assert '<td align="center">3</td>' in html


def test_table_caption_id_on_the_caption_line(tmp_path: Path) -> None:
    source = "# T\n\n| a |\n|---|\n| 1 |\n\nTable: Numbers {#tab-x}\n\nSee [](#tab-x).\n"
    html = chapter_html(project_with(tmp_path, **{"01": source}))
    assert '<table id="tab-x">' in html
    assert "{#tab-x}" not in html
    assert re.search(r"<caption><span [^>]*>Table\xa01\.</span> Numbers</caption>", html)
    assert '<a class="xref" href="#tab-x">table\xa01</a>' in html


HTML_KEPT = """# Kept

<details><summary>More</summary>

Hidden text.

</details>

<p>A <cite>Book</cite>, a <dfn>term</dfn>, <var>x</var>, <samp>output</samp>,
<time datetime="2026-03-01">March</time>, <ruby>Мир<rp>(</rp><rt>Mir</rt><rp>)</rp></ruby>.</p>

<ol start="4" type="a" reversed><li value="7">seven</li></ol>

<a name="old-anchor"></a><span id="new-anchor">here</span>

<table><colgroup><col span="2"></colgroup><tr><th>h</th></tr>
<tr><td style="text-align: right">r</td></tr></table>

<p align="center">Centred</p>
"""


def test_harmless_html_is_kept(tmp_path: Path) -> None:
    result = check(project_with(tmp_path, **{"01": HTML_KEPT}))
    assert result.warnings == []
    html = chapter_html(project_with(tmp_path / "again", **{"01": HTML_KEPT}))
    for kept in (
        '<details open=""><summary>More</summary>',
        "Hidden text.",
        "<cite>Book</cite>",
        "<dfn>term</dfn>",
        "<var>x</var>",
        "<samp>output</samp>",
        '<time datetime="2026-03-01">March</time>',
        "<ruby>Мир<rp>(</rp><rt>Mir</rt><rp>)</rp></ruby>",
        # the letters and numbers WeasyPrint prints: from d counting down, the item g (7)
        '<ol start="4" type="a" reversed="" style="list-style-type: lower-alpha; '
        'counter-reset: list-item 5">',
        '<li value="7" style="counter-set: list-item 8; counter-increment: list-item -1">seven',
        '<a name="old-anchor"></a>',
        '<span id="new-anchor">',
        '<colgroup><col span="2"></colgroup>',
        '<td align="right">r</td>',
        '<p align="center">Centred</p>',
    ):
        assert kept in html


HOSTILE = """# Removed

Text <script>alert(1)</script> here.

<a href="https://example.org" onclick="steal()">link</a>

<p style="color: red; text-align: right">styled</p>

[file](file:///etc/passwd) and <iframe src="https://example.org"></iframe>
"""


def test_what_the_sanitiser_removes_is_a_located_warning(tmp_path: Path) -> None:
    result = check(project_with(tmp_path, **{"01-bad": HOSTILE}))
    found = [(w.path, w.line, w.message) for w in result.warnings]
    assert all(w.severity is Severity.WARNING for w in result.warnings)
    assert ("content/01-bad.md", 3, "removed <script> element and its content") in found
    assert ("content/01-bad.md", 5, "removed onclick attribute from <a>") in found
    assert (
        "content/01-bad.md",
        7,
        "removed style color from <p> (only text-align is kept)",
    ) in found
    assert any(line == 9 and "file:///etc/passwd" in message for _, line, message in found)
    assert ("content/01-bad.md", 9, "removed <iframe> element (its text is kept)") in found
    html = chapter_html(project_with(tmp_path / "again", **{"01-bad": HOSTILE}))
    assert "<script" not in html and "onclick" not in html and "color" not in html
    assert '<p align="right">styled</p>' in html


def test_removals_fail_a_strict_build(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01-bad": HOSTILE})
    with pytest.raises(ReportError) as caught:
        check(project, Edition(strict=True))
    assert all(p.severity is Severity.ERROR for p in caught.value.problems)
    assert "content/01-bad.md:3: removed <script> element and its content" in str(caught.value)


def test_comments_are_not_reported(tmp_path: Path) -> None:
    result = check(project_with(tmp_path, **{"01": "# T\n\n<!-- a note to myself -->\n\nText.\n"}))
    assert result.warnings == []


@pytest.mark.parametrize(
    "source",
    [
        "<foo\\+@bar.example.com>",  # CommonMark example 606
        "<http://example.com/\\[\\>",
        "a \\* b <mailto:x\\_y@example.com>",
    ],
)
def test_no_control_characters_reach_the_html(tmp_path: Path, source: str) -> None:
    html = render_html(load_project(project_with(tmp_path, **{"01": f"# T\n\n{source}\n"}))).text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html)
    assert not re.search(r"&#x?0*(?:[0-8]|1[1-9]|2\d|3[01]);", html)


def test_example_606_keeps_its_characters(tmp_path: Path) -> None:
    html = chapter_html(project_with(tmp_path, **{"01": "# T\n\n<foo\\+@bar.example.com>\n"}))
    assert "foo+@bar.example.com" in html


def test_front_matter_title_is_the_visible_title(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        **{
            "01-first": "# First\n\nText.\n",
            "02-second": "---\ntitle: Second part\n---\nNo heading here.\n",
        },
    )
    html = chapter_html(project)
    assert '<h1 id="second--second-part">Second part</h1>\n<p>No heading here.</p>' in html
    toc = render_html(load_project(project)).text
    assert toc.count("Second part") >= 2  # the contents and the chapter


def test_html_h1_counts_as_a_title(tmp_path: Path) -> None:
    source = '<h1 align="center">Project <em>Name</em></h1>\n\nIntro.\n'
    project = project_with(tmp_path, **{"01-readme": source})
    check(project)  # no "no title" error
    html = render_html(load_project(project)).text
    # a raw heading gets the id a Markdown heading of its text gets (trial 6 #7)
    assert '<h1 align="center" id="readme--project-name">Project <em>Name</em></h1>' in html
    assert "Project Name" in html.split('<section class="chapter')[0]  # in the contents


@pytest.mark.slow
def test_front_matter_title_is_the_running_header(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        **{
            "01-first": "# First\n\nText.\n",
            "02-second": "---\ntitle: Second part\n---\nNo heading here.\n",
        },
    )
    result = CliRunner().invoke(main, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(io.BytesIO((project / "out" / "mini.pdf").read_bytes()))
    page = next(t for t in page_texts(reader) if "No heading here." in t)
    assert page.startswith("Second part\n")  # the visible title
    assert "Water Access Survey Second part" in page  # the running header, not "First"


SVG = """# Drawing

Result: <svg width="120" height="40" viewBox="0 0 120 40"><rect x="1" y="1" width="60" height="30" fill="#ccc" stroke="black"/><text x="4" y="20" font-size="9">Inline drawing</text></svg> and after.

<svg width="220" height="100" viewBox="0 0 220 100" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
  <title>Pump diagram</title>
  <defs>
    <circle id="dot" r="5" fill="black"/>
  </defs>

  <path d="M0 60 L50 90 L100 60 Z" style="fill: none; stroke: black; stroke-width: 2"/>
  <polygon points="120,10 150,40 120,40" fill="gray"/>
  <use xlink:href="#dot" x="180" y="75"/>
  <text x="110" y="95" font-size="12">Block <tspan font-weight="bold">label</tspan></text>
</svg>

<svg width="50" height="50" onload="alert(1)"><script>alert(2)</script><foreignObject><p>foreign</p></foreignObject><image href="file:///etc/passwd"/><use href="other.svg#a"/><rect width="9" height="9" fill="url(file:///etc/x#a)" style="fill: url(#ok); stroke: url('http://example.org/x#b')"/></svg>
"""  # noqa: E501


def test_inline_svg_keeps_its_drawing_in_the_html(tmp_path: Path) -> None:
    html = chapter_html(project_with(tmp_path, **{"01": SVG}))
    assert 'Result: <svg width="120" height="40" viewBox="0 0 120 40"><rect ' in html
    assert "<title>Pump diagram</title>" in html and '<circle id="dot"' in html
    assert '<path d="M0 60 L50 90 L100 60 Z" fill="none" stroke="black" stroke-width="2">' in html
    assert 'xlink:href="#dot"' in html and '<tspan font-weight="bold">label</tspan>' in html
    for gone in ("onload", "<script", "alert", "foreign", "<image", "passwd", "other.svg", "url("):
        assert gone not in html, gone


def test_what_svg_loses_is_a_located_warning(tmp_path: Path) -> None:
    result = check(project_with(tmp_path, **{"01": SVG}))
    found = {(w.line, w.message) for w in result.warnings if w.path == "content/01.md"}
    assert found == {
        (17, "removed onload attribute from <svg>"),
        (17, "removed <script> and its content from an SVG drawing"),
        (17, "removed <foreignobject> and its content from an SVG drawing"),
        (17, "removed <image> and its content from an SVG drawing"),
        (17, "removed href from <use> (an SVG reference must be #an-id in the same document)"),
        (
            17,
            "removed fill from <rect> (url() in an SVG drawing must be url(#an-id) in the "
            "same document)",
        ),
        (
            17,
            "removed style from <rect> (url() in an SVG drawing must be url(#an-id) in the "
            "same document)",
        ),
    }


def test_svg_elements_outside_a_drawing_are_reported(tmp_path: Path) -> None:
    source = "# T\n\nA <title>lost title</title> and <text>lost text</text>.\n"
    result = check(project_with(tmp_path, **{"01": source}))
    assert [(w.line, w.message) for w in result.warnings] == [
        (3, "removed <title> element (its text is kept)"),
        (3, "removed <text> and its content (an SVG element outside <svg>)"),
    ]
    html = chapter_html(project_with(tmp_path / "again", **{"01": source}))
    assert "A lost title and ." in html and "<title" not in html


@pytest.mark.pdf
def test_inline_svg_is_drawn_in_the_pdf(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01": SVG})
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(io.BytesIO((tmp_path / "r.pdf").read_bytes()))
    texts = page_texts(reader)
    page = next(i for i, text in enumerate(texts) if "Drawing" in text and "after" in text)
    assert "Inline drawing" in texts[page] and "Block" in texts[page] and "label" in texts[page]
    content = reader.pages[page].get_contents()
    assert content is not None
    ops = content.get_data().decode("latin-1").split()
    # the rectangle, the triangle path, the polygon and the <use>d circle are vector paths
    assert ops.count("re") >= 1 and ops.count("h") >= 2 and ops.count("c") >= 4
    assert "foreign" not in texts[page]


def _image(size: tuple[int, int], colour: str, kind: str = "PNG") -> str:
    import base64

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.pdf
def test_data_images_are_kept_or_reported_never_dropped_silently(tmp_path: Path) -> None:
    good = _image((30, 20), "red")
    jpeg_named_png = _image((5, 5), "blue", "JPEG")
    source = (
        "# Pictures\n\n"
        f"![A red swatch](data:image/png;base64,{good})\n\n"
        f"Inline <img src='data:image/png;base64,{jpeg_named_png}' alt='broken'> here.\n\n"
        "And <img src=\"data:text/html,<b>x</b>\" alt='html'>.\n"
    )
    project = project_with(tmp_path, **{"01": source})
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "data: image" in line]
    assert warnings == [
        "warning: content/01.md:5: removed data: image (declared PNG but the data is a JPEG)",
        "warning: content/01.md:7: removed data: image (text/html is not an image type "
        "(PNG, JPEG, GIF, WebP or SVG))",
    ], result.stderr
    reader = pypdf.PdfReader(io.BytesIO((tmp_path / "r.pdf").read_bytes()))
    page = next(p for p in reader.pages if "A red swatch" in (p.extract_text() or ""))
    assert [image.image.size for image in page.images if image.image] == [(30, 20)]


@pytest.mark.pdf
def test_footnote_with_a_space_before_a_line_break_is_laid_out(tmp_path: Path) -> None:
    # Python-Markdown's docs/sanitization.md: WeasyPrint 70 failed on the whole document
    source = (
        "# T\n\nUse bleach[^1].\n\n[^1]: The project has been [deprecated](https://x.example/698)."
        " \nHowever, it may be the only option.\n"
    )
    project = project_with(tmp_path, **{"01": source})
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    text = " ".join(page_texts(pypdf.PdfReader(tmp_path / "r.pdf")))
    assert "deprecated. However, it may be the only option." in " ".join(text.split())


def test_a_removed_link_is_located_at_its_own_line_not_inside_a_longer_url(
    tmp_path: Path,
) -> None:
    source = "# T\n\n[part]: index.md#part\n\nSee [the index](index.md).\n\nAnd [part] too.\n"
    result = check(project_with(tmp_path, **{"01": source}))
    lines = {w.message.split("'")[1]: w.line for w in result.warnings}
    assert lines == {"index.md#part": 3, "index.md": 5}


GITHUB_DETAILS = """# Results

<details>
<summary>Show the results</summary>

The **key result**:

- first ITEM1
- second ITEM2

| a | b |
|---|---|
| 1 | 2 |

</details>

<div class="note">

*emphasis* and `<div>`:

1. DIVITEM1
2. DIVITEM2

</div>

<div>raw <b>html</b> *kept as written*</div>

The figures:
| region | cases |
|---|---|
| North | 12 |
"""


@pytest.mark.pdf
def test_markdown_after_a_blank_line_in_an_html_block_is_read(tmp_path: Path) -> None:
    """GitHub's habit: `<details>`, a blank line, Markdown, `</details>`. The list, table and
    bold printed as one line of marks (trial 4); CommonMark ends the HTML block at the blank
    line, so what follows is Markdown, inside the element."""
    project = project_with(tmp_path, **{"01": GITHUB_DETAILS})
    result = CliRunner().invoke(main, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(next((project / "out").glob("*.pdf")))
    text = "\n".join(page_texts(reader))
    for gone in ("**", "|---|", "- first", "1. DIVITEM1 2."):
        assert gone not in text
    assert "first ITEM1\nsecond ITEM2" in text and "DIVITEM1\nDIVITEM2" in text
    assert "a b\n1 2" in text and "raw html *kept as written*" in text
    # a pipe table right under a paragraph line, as GitHub reads it (trial 4 #25)
    assert "The figures:\nregion cases\nNorth 12" in text
    html = chapter_html(project_with(tmp_path / "again", **{"01": GITHUB_DETAILS}))
    assert "<strong>key result</strong>" in html and "<td>1</td>" in html
    assert "<em>emphasis</em>" in html and "markdown=" not in html
    assert "<li>first ITEM1</li>" in html and "<li>DIVITEM2</li>" in html
