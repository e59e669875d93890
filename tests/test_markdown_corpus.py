"""Markdown written by others (tests/corpus/, sources and licences in its README) built
through the command line and read back from the PDF: nothing lost, nothing mangled."""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import page_texts
from reportbuilder.cli import main
from test_compose_anchors import _destinations

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Built:
    html: str
    text: str  # all pages
    pages: list[str]
    layout: str
    outline: list[str]
    stderr: str
    links: list[tuple[int, str, int]]  # (page of the link, destination, page it lands on)


pytestmark = pytest.mark.pdf  # the corpus is built once, through the CLI, into a PDF


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(CORPUS, project)
    runner = CliRunner()
    pdf = runner.invoke(main, ["build", str(project)], catch_exceptions=False)
    assert pdf.exit_code == 0, pdf.output
    html = runner.invoke(main, ["build", str(project), "--format", "html"])
    assert html.exit_code == 0, html.output
    reader = pypdf.PdfReader(io.BytesIO((project / "out" / "corpus.pdf").read_bytes()))
    pages = page_texts(reader)
    layout = "\n".join(p.extract_text(extraction_mode="layout") for p in reader.pages)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    return Built(
        (project / "out" / "corpus.html").read_text("utf-8"),
        "\n".join(pages),
        pages,
        layout,
        outline,
        pdf.stderr,
        _destinations(reader),
    )


def test_no_fence_reaches_the_pdf(corpus: Built) -> None:
    # fences typed inside code blocks (the md-render examples) are code; no other may show
    shown = [line for line in corpus.text.splitlines() if "```" in line or "~~~" in line]
    assert shown == []


def test_code_keeps_its_lines_indentation_and_quotes(corpus: Built) -> None:
    assert "def foo(x)\nreturn 3\nend" in corpus.text
    assert re.search(r"def foo\(x\)\n +return 3\n", corpus.layout)
    assert "return '<pre>\\n' + re.sub('<', '&lt;', text) + '</pre>\\n'" in corpus.text
    assert '""" Wrap entire output in <pre> tags as a diagnostic. """' in corpus.text
    # the chapter after the <pre> example is prose again, not monospace to the end
    assert "Some postprocessors in the Markdown source tree include:" in corpus.text
    assert "<pre>" not in corpus.html.split("Some postprocessors")[1].split("</table>")[0]


def test_hash_lines_in_code_are_not_headings(corpus: Built) -> None:
    assert "extensions: [tables]" in corpus.text
    heads = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", corpus.html)
    assert all("---" not in h and "extensions" not in h for h in heads)
    chapters = [
        "CommonMark examples",
        "Postprocessors",
        "Footnotes",
        "Tables",
        "Writing Extensions for Python-Markdown",
        "Sane Lists",
    ]
    assert [t for t in corpus.outline if t in chapters] == chapters
    assert all(t in ("Markdown by others", "Contents", *chapters) for t in corpus.outline)


def test_commonmark_examples(corpus: Built) -> None:
    assert "foo`bar" in corpus.text  # a code span holding a backtick
    assert '<ol start="123456789" style="counter-reset: list-item 123456788">' in corpus.html
    assert "foo+@bar.example.com" in corpus.text  # example 606, no placeholder characters
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", corpus.html + corpus.text)
    assert "<code>bar\n</code>" in corpus.html  # a fence inside a list item


def test_table_alignment_and_caption_id(corpus: Built) -> None:
    assert '<table id="tab-php">' in corpus.html
    assert '<th align="left">First Header</th>' in corpus.html
    assert '<td align="right">Content Cell</td>' in corpus.html
    assert "Table\xa01. The same table, aligned" in corpus.text
    assert "{#tab-php}" not in corpus.text


def test_footnote_with_blocks_keeps_them(corpus: Built) -> None:
    note = corpus.text.split("The same definition, used")[1]
    for part in (
        "The first paragraph of the definition.",
        "Paragraph two of the definition.",
        "A blockquote with multiple lines.",
        "a code block",
        "A final para",
    ):
        assert part in note


def test_relative_file_links_are_reported_at_their_lines(corpus: Built) -> None:
    """Links to the docs' other pages, which are no chapters here (a chapter's file is a link
    to that chapter: test_compose_anchors_files)."""
    for line, page in ((31, "./attr_list.md"), (36, "index.md")):
        assert (
            f"content/04-tables.md:{line}: link to '{page}': no chapter of the report is this "
            "file; the words print without a link" in corpus.stderr
        )


def test_author_heading_links_land_on_their_headings(corpus: Built) -> None:
    """docs/extensions/api.md links its sections by their attr_list ids (`{: #preprocessors }`);
    `#postprocessors` is the title of another chapter here."""
    landing = {name: target for _, name, target in corpus.links}
    headings = {
        "preprocessors": "Preprocessors munge the source text",
        "blockprocessors": "A block processor parses blocks of text",
        "treeprocessors": "Tree processors manipulate the tree",
        "inlineprocessors": "Inline processors, previously called inline patterns",
        "postprocessors": "Postprocessors inherit from",
    }
    for name, text in headings.items():
        page = next(i for i, p in enumerate(corpus.pages) if text in " ".join(p.split()))
        assert landing.get(name) == page, (name, landing)
    assert '<h3 id="preprocessors">Preprocessors</h3>' in corpus.html
    assert '<h2 id="stages">Phases of processing</h2>' in corpus.html  # attr_list anchors kept


def test_dangling_link_is_a_located_warning(corpus: Built) -> None:
    assert (
        "content/05-extension-api.md:43: link to '#extendmarkdown': no heading or element has "
        "this id" in corpus.stderr
    )
    assert "No anchor" not in corpus.stderr  # said once, with its line, not again by the renderer


def test_list_numbering_details_and_admonitions_survive(corpus: Built) -> None:
    assert '<ol start="4" style="counter-reset: list-item 3">\n<li>Apples</li>' in corpus.html
    assert re.search(r"4\.\s+Apples", corpus.layout)
    assert '<details open="">\n<summary>Click to expand</summary>' in corpus.html
    # `markdown="1"` (md_in_html) asks for Markdown inside: read, not printed as an attribute
    assert "Click to expand" in corpus.text and "<em>foo</em>" in corpus.html
    assert "removed markdown attribute" not in corpus.stderr
    assert '<p class="admonition-title">Note</p>' in corpus.html
    assert "This extension is in maintenance mode." in " ".join(corpus.text.split())
