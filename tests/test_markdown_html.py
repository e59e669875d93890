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
<time datetime="2026-03-01">March</time>, <ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>.</p>

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
        "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>",
        '<ol start="4" type="a" reversed="">',
        '<li value="7">seven</li>',
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
    assert '<h1 align="center">Project <em>Name</em></h1>' in html
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
