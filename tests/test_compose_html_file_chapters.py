"""Trial 8 #6: a second `# Heading` in one chapter file (several chapters in a file, as a
Pandoc user writes them) was in the PDF outline and the running header but not in the
contents. It is a chapter everywhere: in the contents with its sections and its number, on a
page of its own with that number, in the outline beside the others. Trial 8 #7: the contact
page sat under the last chapter in the outline; it is an entry of its own."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from markupsafe import Markup

from conftest import one_chapter_project
from reportbuilder import Edition, build
from reportbuilder.compose.html import Heading, RenderedChapter, contents_entries

CONTACTS = """contacts:
  - id: office
    name: Andrea Example
    organisation: Example Office
    email: research@example.org
"""


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every outline entry, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                page = reader.get_destination_page_number(item) + 1  # type: ignore[arg-type]
                found.append((depth, item.title, page))  # type: ignore[attr-defined]

    walk(reader.outline, 0)  # type: ignore[arg-type]
    return found


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


@pytest.mark.pdf
def test_every_hash_heading_of_a_file_is_a_chapter_of_the_contents(tmp_path: Path) -> None:
    chapter = (
        "# Large\n\nText one.\n\n## Part A\n\nA.\n\n"
        "# Long\n\nText two.\n\n## Part B\n\nB.\n\n# Last\n\nThree.\n"
    )
    root = one_chapter_project(tmp_path / "p", "Multi", chapter)
    (root / "content" / "02.md").write_text("# Second file\n\nText.\n", encoding="utf-8")
    (root / "contacts.yml").write_text(CONTACTS, encoding="utf-8")
    with (root / "report.yml").open("a", encoding="utf-8") as config:
        config.write("number_chapters: true\ncontact: office\n")
    out = tmp_path / "multi.pdf"
    build(root, Edition(), output=out)
    pages = _pages(out)
    contents = [" ".join(line.split()) for line in pages[1].splitlines() if line.strip()]
    entries = [re.sub(r"\s*\.{3,}\s*", " … ", line) for line in contents if "..." in line]
    assert entries == [
        "1. Large … 3",
        "Part A … 3",
        "2. Long … 4",
        "Part B … 4",
        "3. Last … 5",
        "4. Second file … 6",
    ]
    # Each starts its page, with its number and its running header, as the contents says.
    for page, title in ((3, "1. Large"), (4, "2. Long"), (5, "3. Last"), (6, "4. Second file")):
        lines = [" ".join(line.split()) for line in pages[page - 1].splitlines() if line.strip()]
        assert lines[0] == f"Multi {title.split(' ', 1)[1]}", lines
        assert lines[1] == title, lines
    outline = _outline(pypdf.PdfReader(out))
    assert outline == [
        (0, "Multi", 1),
        (1, "Contents", 2),
        (0, "Large", 3),
        (1, "Part A", 3),
        (0, "Long", 4),
        (1, "Part B", 4),
        (0, "Last", 5),
        (0, "Second file", 6),
        (0, "To obtain a copy of the report or for more information", 7),
    ]


def test_a_further_heading_of_an_annex_is_listed_without_a_letter_or_a_number() -> None:
    def heading(level: int, name: str) -> Heading:
        return Heading(level, name.lower(), name)

    annex = RenderedChapter(
        slug="annex",
        title="Tables",
        html=Markup(""),
        css_class="",
        headings=[heading(1, "Tables"), heading(2, "One"), heading(1, "Maps"), heading(3, "Deep")],
        in_toc=True,
        annex="A",
    )
    entries = contents_entries([annex], depth=2)
    assert [(e.title, e.slug, e.annex, e.continues, s) for e, s in entries] == [
        ("Tables", "annex", "A", False, [heading(2, "One")]),
        ("Maps", "maps", "A", True, []),  # its level-3 section is below toc_depth
    ]
    hidden = RenderedChapter("x", "X", Markup(""), "", [heading(1, "X"), heading(1, "Y")], False)
    assert contents_entries([hidden], depth=3) == []
