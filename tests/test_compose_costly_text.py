"""Trial 5 #8: a few dozen KB of punctuation cost Markdown minutes. Each class that was
quadratic (or worse) in Python-Markdown is read in linear time now, its text kept as written,
or refused at its line before the costly reading; a paragraph of many real links keeps them
all. The bound is generous (a loaded machine): the old code took a minute or more on each."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import one_chapter_project
from reportbuilder import build
from reportbuilder.cli import main
from reportbuilder.compose.costly_text import MAX_TAG_SCAN, TooCostly, check_tag_scan
from reportbuilder.compose.markup import make_markdown, to_html

BOUND = 25.0  # seconds for 40–80 KB; before: minutes (measured figures in CHANGES.md)


def converted(text: str) -> tuple[str, float]:
    md = make_markdown("en", lambda value, separator: f"c--{value}")
    start = time.perf_counter()
    html = to_html(text, md)
    return html, time.perf_counter() - start


@pytest.mark.parametrize(
    ("written", "count"),
    [
        ("[a](", 20_000),  # 80 KB: unclosed links, more than 10 minutes before
        ("![a](", 16_000),  # unclosed images
        ("[^", 40_000),  # footnote marks that never close: 90 s before
    ],
)
def test_unclosed_marks_are_read_in_linear_time_and_kept(written: str, count: int) -> None:
    html, seconds = converted("# T\n\n" + written * count + "\n")
    assert seconds < BOUND
    assert html.replace("\u200b", "").count(written) == count  # each printed as written
    assert "<a " not in html and "<img" not in html


def test_a_paragraph_of_many_real_links_keeps_every_link() -> None:
    """2 000 links in one paragraph took minutes (Python-Markdown's memo of closing
    brackets was lost after each link); each is a link, in order, with its own address."""
    paragraph = " and ".join(f'see [site {i}](https://example.org/{i} "t{i}")' for i in range(2000))
    html, seconds = converted("# T\n\n" + paragraph + "\n")
    assert seconds < BOUND
    found = re.findall(r'<a href="https://example.org/(\d+)" title="t(\d+)">site (\d+)</a>', html)
    assert [int(a) for a, _, _ in found] == list(range(2000))
    assert all(a == b == c for a, b, c in found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("![a](my image.png)", 'src="my image.png"'),  # images keep their leniency
        ("![a](x(1).png)", 'src="x(1).png"'),
        ("![a](a(b(c)d)e.png)", 'src="a(b(c)d)e.png"'),
        ('![a](x.png "t")', 'title="t"'),
        ("![a](<my image.png>)", 'src="my image.png"'),
        ("[a](https://u.org (title))", 'title="title"'),
        ("[a](<https://x.org/a>)", 'href="https://x.org/a"'),
        ('[a [b] c](https://u.org "t")', '<a href="https://u.org" title="t">a [b] c</a>'),
        ("[a]( https://u.org )", '<a href="https://u.org">a</a>'),
        (
            "[a][b] [c]\n\n[b]: https://b.org\n[c]: https://c.org",
            '<a href="https://b.org">a</a> <a href="https://c.org">c</a>',
        ),
        ("x [^1] y\n\n[^1]: note", "note"),
    ],
)
def test_links_and_images_read_as_before(source: str, expected: str) -> None:
    html, _ = converted(source)
    assert expected in html


def test_tags_that_never_close_are_refused_at_their_line(tmp_path: Path) -> None:
    """`<a ` 13 000 times (40 KB) took Python's HTML parser more than a minute: refused at
    its line, quickly, by `check` (exit 1, nothing written)."""
    root = one_chapter_project(
        tmp_path / "p", "Tags", "# Tags\n\nFine.\n\n" + "<a " * 13_333 + "\n"
    )
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["check", str(root)])
    assert time.perf_counter() - start < BOUND
    assert result.exit_code == 1, result.output
    assert re.search(
        r"content/01\.md:5: 13332 '<' followed by a letter open no HTML tag", result.output
    )
    assert "&lt;" in result.output


def test_the_tag_scan_lets_real_html_and_odd_less_than_signs_through() -> None:
    """A report's own HTML and `a<b` in prose cost little: no refusal."""
    html = '<span class="x">word</span> and <abbr title="t">T</abbr>. ' * 2000
    check_tag_scan(html + "if a<b then " * 50 + "x" * 100_000)
    with pytest.raises(TooCostly):
        check_tag_scan("<a " * (int(MAX_TAG_SCAN**0.5) + 100))


@pytest.mark.pdf
def test_a_pasted_run_of_unclosed_links_builds_in_time_and_prints_whole(tmp_path: Path) -> None:
    """The PDF read back: 40 KB of `[a](` (79 s before, in the Markdown alone) and a
    paragraph of real links, all printed, every link a link annotation."""
    links = " ".join(f"[L{i}](https://example.org/{i})" for i in range(300))
    root = one_chapter_project(
        tmp_path / "p", "Paste", f"# Paste\n\n{links}\n\nSTART" + "[a](" * 10_000 + "END\n"
    )
    out = tmp_path / "paste.pdf"
    start = time.perf_counter()
    build(root, output=out)
    assert time.perf_counter() - start < 4 * BOUND
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Every page's foot ("Page 3 of 10") and running header (the title) left out.
    flat = re.sub(r"Page\d+of\d+|Paste", "", re.sub(r"\s+", "", text))
    assert "START" + "[a](" * 10_000 + "END" in flat
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in pypdf.PdfReader(out).pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/A", {}).get("/URI")
    ]
    assert sorted(set(uris)) == sorted(f"https://example.org/{i}" for i in range(300))


def test_side_by_side_images_are_looked_for_in_linear_time() -> None:
    """Before any layout, the project looks for `![…](…){.side-by-side}`: 500 unclosed
    `![a](` took 7 s (each try split the rest of the line every way), 8 000 minutes."""
    from reportbuilder.project.images import _SIDE

    start = time.perf_counter()
    assert not list(_SIDE.finditer("![a](" * 8_000))
    assert time.perf_counter() - start < BOUND
    found = _SIDE.finditer("![x](a.jpg){.side-by-side} and ![y](b.png){ .wide .side-by-side }")
    assert [m[1] for m in found] == ["a.jpg", "b.png"]
