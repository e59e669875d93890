"""Author-written links to headings and anchors (issue 9): `#slug` finds the heading in the
same chapter first, then anywhere in the report; `[](#heading)` prints the heading's title; a
link to an id that exists nowhere is a located warning (an error under strict)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from reportbuilder import ComposeError, Edition, ReportError, check, load_project, render_html
from reportbuilder.cli import main
from test_markdown_code import chapter_html, project_with

FIRST = """# Install

## Options

The first chapter's options. See [its results](#results) and [the options](#options).

<a name="legacy"></a>Old anchor.
"""
SECOND = """# Usage

## Options

See [the options](#options), [the install options](#install--options),
[the old anchor](#legacy) and [](#options).

## Results

Back to [the start](#install).
"""


def two_chapters(tmp_path: Path) -> Path:
    return project_with(tmp_path, **{"01-install": FIRST, "02-usage": SECOND})


def test_slug_links_resolve_in_the_same_chapter_first(tmp_path: Path) -> None:
    html = chapter_html(two_chapters(tmp_path))
    install, usage = html.split('<section class="chapter " id="usage">')
    assert '<a href="#install--options">the options</a>' in install
    assert '<a href="#usage--options">the options</a>' in usage


def test_slug_links_fall_back_to_another_chapter(tmp_path: Path) -> None:
    html = chapter_html(two_chapters(tmp_path))
    assert '<a href="#usage--results">its results</a>' in html
    assert '<a href="#install--options">the install options</a>' in html  # full ids work
    assert '<a href="#legacy">the old anchor</a>' in html
    assert '<a href="#install">the start</a>' in html  # a chapter's own id


def test_empty_link_to_a_heading_prints_its_title(tmp_path: Path) -> None:
    html = chapter_html(two_chapters(tmp_path))
    assert '<a class="xref" href="#usage--options">Options</a>' in html
    assert check(two_chapters(tmp_path / "again")).warnings == []


def test_dangling_link_is_a_located_warning_and_strict_error(tmp_path: Path) -> None:
    source = "# T\n\nText.\n\nSee [nowhere](#nowhere).\n"
    project = project_with(tmp_path, **{"01-t": source})
    result = check(project)
    assert [str(w) for w in result.warnings] == [
        "content/01-t.md:5: link to '#nowhere': no heading or element has this id"
    ]
    with pytest.raises(ReportError) as caught:
        check(project, Edition(strict=True))
    assert "content/01-t.md:5: link to '#nowhere'" in str(caught.value)
    assert "<a>nowhere</a>" in render_html(load_project(project)).text  # no href to repeat it


def test_empty_link_to_nothing_is_a_located_error(tmp_path: Path) -> None:
    project = project_with(tmp_path, **{"01-t": "# T\n\nText.\n\nAs in [](#nowhere).\n"})
    with pytest.raises(ComposeError) as caught:
        check(project)
    problem = caught.value.problems[0]
    assert (problem.path, problem.line) == ("content/01-t.md", 5)
    assert "nowhere" in problem.message


def _destinations(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(page of the link, named destination, page it lands on) for each internal link."""
    named = {
        name: reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            dest = annotation.get("/Dest") or (action.get_object().get("/D") if action else None)
            if dest is None:
                continue
            if isinstance(dest, pypdf.generic.ArrayObject):
                target = reader.get_destination_page_number(
                    pypdf.generic.Destination("", dest[0], dest[1], *dest[2:])
                )
                found.append((number, "", target))
            else:
                found.append((number, str(dest), named.get(str(dest), -1)))
    return found


@pytest.mark.slow
def test_heading_links_land_on_their_pages_in_the_pdf(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        **{
            "01-install": FIRST.replace("Old anchor.", "Old anchor.\n\n" + "Filler.\n\n" * 60),
            "02-usage": SECOND,
        },
    )
    result = CliRunner().invoke(main, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(io.BytesIO((project / "out" / "mini.pdf").read_bytes()))
    links = _destinations(reader)
    texts = [page.extract_text() for page in reader.pages]

    def page_of(text: str) -> int:
        return next(i for i, t in enumerate(texts) if text in t)

    assert all(target >= 0 for _, _, target in links), links
    by_name = {name: target for _, name, target in links}
    assert by_name["usage--options"] == page_of("See the options")
    assert by_name["install--options"] == page_of("The first chapter")
    assert by_name["legacy"] == page_of("Old anchor.")  # an <a name> anchor
    assert by_name["usage--results"] == page_of("Back to")
    assert page_of("The first chapter") != page_of("Back to")
    # the cross-reference prints the heading's title and its page
    here = page_of("See the options")
    assert f"and Options, page\xa0{here + 1}." in texts[here]


def test_an_id_two_chapters_give_is_made_unique_and_links_stay_in_their_chapter(
    tmp_path: Path,
) -> None:
    first = "# One\n\n## Prefix {: #lang_prefix }\n\nSee [it](#lang_prefix).\n"
    second = "# Two\n\n## Prefix again {: #lang_prefix }\n\nSee [it](#lang_prefix).\n"
    project = project_with(tmp_path, **{"01-one": first, "02-two": second})
    html = render_html(load_project(project)).text
    assert html.count('id="lang_prefix"') == 1 and html.count('id="two--lang_prefix"') == 1
    body = html.split('<section class="chapter', 1)[1]
    assert '<a href="#lang_prefix">it</a>' in body.split("Prefix again")[0]
    assert '<a href="#two--lang_prefix">it</a>' in body.split("Prefix again")[1]
    toc = html.split('<section class="chapter', 1)[0]
    assert '<a href="#two--lang_prefix">Prefix again</a>' in toc
    assert check(project).warnings == []


def test_a_table_id_two_chapters_give_is_each_chapters_own(tmp_path: Path) -> None:
    """A chapter copied with its `table(..., id=…)` and `ref(…)`: each reference finds the
    table of its own chapter, numbered, instead of an error about an unknown id."""
    chapter = (
        "# {}\n\nSee {{{{ ref('tab-a') }}}}.\n\n{{{{ table(data.survey.source, id='tab-a') }}}}\n"
    )
    project = project_with(tmp_path, **{"01-a": chapter.format("A"), "02-b": chapter.format("B")})
    html = render_html(load_project(project)).text
    first, second = html.split('<section class="chapter " id="b">')
    assert ">table 1<" in first.replace("\u00a0", " ") and 'href="#tab-a"' in first
    assert ">table 2<" in second.replace("\u00a0", " ") and 'href="#b--tab-a"' in second


def test_an_id_equal_to_a_chapters_own_id_is_renamed(tmp_path: Path) -> None:
    """`02-methods.md` is the section `id="methods"`: a heading `{#methods}` in it, or in another
    chapter, defined the anchor twice (WeasyPrint's "Anchor defined twice", no file or line)."""
    first = "# Intro\n\n## How {: #methods }\n\nSee [the methods](#methods).\n"
    second = "# Methods {: #methods }\n\nSee [above](#methods).\n"
    project = project_with(tmp_path, **{"01-intro": first, "02-methods": second})
    html = render_html(load_project(project)).text
    ids = [i for i in re.findall(r'\sid="([^"]+)"', html) if "methods" in i]
    assert sorted(ids) == ["intro--methods", "methods", "methods--methods"]
    assert check(project).warnings == []
