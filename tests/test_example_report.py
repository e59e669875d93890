"""The example report (the repository root, a French study) built once per session with
`reportbuilder build --json`, then read back: qpdf, pypdf text, fonts, metadata, contents."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
import yaml

from conftest import REPO, SUBSET_PREFIX, ExampleBuild, pdf_fonts

pytestmark = pytest.mark.pdf

NBSP = "\u00a0"
NNBSP = "\u202f"


def chapters(project: Path) -> list[tuple[str, str]]:
    """(title in the contents, first `# Heading`) of each chapter the contents should list:
    front matter `title:` overrides the heading there; file-name order (or report.yml's
    `chapters:`); chapters with `toc: false` left out; translations (`01-x.en.md`) are other
    editions' chapters."""
    config = yaml.safe_load((project / "report.yml").read_text(encoding="utf-8"))
    names = config.get("chapters") or sorted(
        p.name
        for p in (project / "content").glob("*.md")
        if not re.search(r"\.[a-z]{2}\.md$", p.name)
    )
    found = []
    for name in names:
        text = (project / "content" / name).read_text(encoding="utf-8")
        meta: dict = {}
        match = re.match(r"^---\n(.*?)\n---[ \t]*\n", text, re.DOTALL)
        if match:
            meta = yaml.safe_load(match[1]) or {}
            text = text[match.end() :]
        if meta.get("toc") is False:
            continue
        heading = re.search(r"^# (.+?)\s*$", text, re.MULTILINE)
        assert heading, f"content/{name} has no '# Heading'"
        found.append((str(meta.get("title") or heading[1]), heading[1]))
    return found


def chapter_titles(project: Path) -> list[str]:
    return [title for title, _ in chapters(project)]


def contents_page(build: ExampleBuild) -> tuple[int, str]:
    """(1-based page number, text) of the contents page."""
    for index, text in enumerate(build.texts, start=1):
        if text.lstrip().startswith("Sommaire"):
            return index, text
    raise AssertionError("no page starts with 'Sommaire'")


def toc_number(toc_text: str, title: str) -> int:
    match = re.search(rf"^{re.escape(title)}\s*\.{{3,}}\s*(\d+)\s*$", toc_text, re.MULTILINE)
    assert match, f"{title!r} with leader dots and a page number not in contents:\n{toc_text}"
    return int(match[1])


def test_qpdf_check_passes(example_build: ExampleBuild) -> None:
    done = subprocess.run(
        ["qpdf", "--check", str(example_build.pdf)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout


def test_pdf_header_and_size(example_build: ExampleBuild) -> None:
    assert example_build.data.startswith(b"%PDF-")
    assert example_build.data.rstrip().endswith(b"%%EOF")
    assert len(example_build.data) < 1_000_000


def test_cover_contents_body_and_contact_pages(example_build: ExampleBuild) -> None:
    texts = example_build.texts
    assert len(texts) >= 6
    config = yaml.safe_load((example_build.project / "report.yml").read_text(encoding="utf-8"))
    cover = texts[0]
    assert config["title"] in cover.replace("\n", " ")
    assert config["organisation"]["name"] in cover
    assert "28 novembre 2026" in cover  # report.yml's date, in French
    toc_index, _ = contents_page(example_build)
    assert toc_index == 2
    assert texts[2].lstrip().startswith(chapters(example_build.project)[0][1])
    assert "Pour obtenir une copie" in texts[-1]


def test_contents_lists_every_chapter_with_a_page_number(example_build: ExampleBuild) -> None:
    _, toc = contents_page(example_build)
    titles = chapter_titles(example_build.project)
    assert "Principaux résultats" in titles
    numbers = [toc_number(toc, title) for title in titles]
    assert numbers == sorted(numbers)
    assert all(3 <= n <= len(example_build.texts) for n in numbers)


def test_toc_page_number_of_principaux_resultats_is_real(example_build: ExampleBuild) -> None:
    _, toc = contents_page(example_build)
    starts = [
        index
        for index, text in enumerate(example_build.texts, start=1)
        if text.lstrip().startswith("Principaux résultats")
    ]
    assert len(starts) == 1, starts
    assert toc_number(toc, "Principaux résultats") == starts[0]


def test_every_toc_page_number_is_where_the_chapter_starts(example_build: ExampleBuild) -> None:
    _, toc = contents_page(example_build)
    for title, heading in chapters(example_build.project):
        page = toc_number(toc, title)
        assert example_build.texts[page - 1].lstrip().startswith(heading), (title, page)


def test_all_fonts_embedded_and_subset(example_build: ExampleBuild) -> None:
    fonts = pdf_fonts(example_build.reader)
    assert fonts, "the PDF uses no fonts?"
    for font in fonts:
        descriptor = font["descriptor"]
        assert descriptor is not None, f"{font['name']} ({font['subtype']}) has no descriptor"
        embedded = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
        assert embedded, f"{font['name']} is not embedded"
        assert SUBSET_PREFIX.match(font["name"]), f"{font['name']} is not subset"
    families = {SUBSET_PREFIX.sub("", f["name"]) for f in fonts}
    assert any(name.startswith("Inter") for name in families), families
    assert any(name.startswith("Noto") for name in families), families


def test_metadata(example_build: ExampleBuild) -> None:
    config = yaml.safe_load((example_build.project / "report.yml").read_text(encoding="utf-8"))
    info = example_build.reader.metadata
    assert info is not None
    assert info["/Title"] == config["title"]
    assert info["/Author"]
    assert info["/Author"] == ", ".join(config["authors"])
    assert info["/Subject"] == config["subject"]
    for keyword in config["keywords"]:
        assert keyword in info["/Keywords"]
    catalog = example_build.reader.trailer["/Root"]
    assert catalog["/Lang"] == "fr"


def test_pdf_is_tagged(example_build: ExampleBuild) -> None:
    catalog = example_build.reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog


@pytest.mark.parametrize(
    "expected",
    [
        "99 victimes",
        f"(89{NBSP}%)",
        f"11{NBSP}% sont des mineures",
        f"(77{NBSP}%)",
        f"(23{NBSP}%)",
        f"5{NBSP}mois",
        "Pendant 5 mois",
        f"+56{NBSP}2{NBSP}2274{NBSP}6713",  # as Chile groups it
        "iomsantiago@iom.int",
    ],
)
def test_text_carries_the_seed_figures_the_french_way(
    example_build: ExampleBuild, expected: str
) -> None:
    assert expected in "\n".join(example_build.texts)


def test_french_punctuation_spacing(example_build: ExampleBuild) -> None:
    text = "\n".join(example_build.texts)
    assert f"Qui sont les victimes{NNBSP}?" in text
    assert f"Veuillez contacter{NBSP}:" in text
    assert f"Courriel{NBSP}: iomsantiago@iom.int" in text
    assert not re.search(r"\w [;:!?]", "\n".join(example_build.texts[2:])), "body pages"


def test_french_punctuation_spacing_in_the_contents(example_build: ExampleBuild) -> None:
    # The contents repeats the headings: "Qui sont les victimes ?" must keep its U+202F there too.
    _, toc = contents_page(example_build)
    assert f"Qui sont les victimes{NNBSP}?" in toc
    assert not re.search(r"\w [;:!?]", toc), toc


def test_numbered_tables_and_figures(example_build: ExampleBuild) -> None:
    text = "\n".join(example_build.texts)
    assert f"Tableau{NBSP}1. Répartition des victimes selon l’âge" in text
    assert f"Figure{NBSP}1. Victimes selon l’âge" in text
    assert f"Figure{NBSP}2. Victimes selon le lieu de la traite" in text


def test_running_footer_page_x_sur_y(example_build: ExampleBuild) -> None:
    n = len(example_build.texts)
    for number, text in enumerate(example_build.texts[2:], start=3):
        assert f"Page {number} sur {n}" in text, (number, text[-200:])
    assert "Page 1 sur" not in example_build.texts[0]  # the cover has no footer


def test_contact_page(example_build: ExampleBuild) -> None:
    last = example_build.texts[-1]
    assert last.lstrip().startswith("Pour obtenir une copie")
    for expected in (
        "Gabriela Rodriguez",
        f"+56{NBSP}2{NBSP}2274{NBSP}6713",
        "iomsantiago@iom.int",
    ):
        assert expected in last


def test_email_is_a_mailto_link(example_build: ExampleBuild) -> None:
    uris = [
        annot.get_object()["/A"].get("/URI")
        for page in example_build.reader.pages
        for annot in page.get("/Annots") or []
        if "/A" in annot.get_object()
    ]
    assert "mailto:iomsantiago@iom.int" in uris
    assert "tel:+56222746713" in uris  # the phone dials from the PDF too
    assert not [u for u in uris if u and str(u).startswith("file:")], uris


def _structure(node: object, found: list[tuple[str, str | None]]) -> None:
    node = node.get_object()  # type: ignore[attr-defined]
    if not isinstance(node, pypdf.generic.DictionaryObject):
        return
    if "/S" in node:
        alt = node.get("/Alt")
        found.append((str(node["/S"]), str(alt) if alt is not None else None))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]:
        if kid is not None and not isinstance(kid, int | pypdf.generic.NumberObject):
            _structure(kid, found)


def test_charts_are_vector_figures_with_alt_text(example_build: ExampleBuild) -> None:
    """Charts are drawn as vectors (form XObjects, no raster image) and the tagged PDF holds a
    Figure for each, whose alt text gives every category and its value."""
    for page in example_build.reader.pages:
        resources = page["/Resources"]
        for xobject in (resources.get("/XObject") or {}).values():
            assert xobject.get_object()["/Subtype"] != "/Image"
    found: list[tuple[str, str | None]] = []
    _structure(example_build.reader.trailer["/Root"]["/StructTreeRoot"], found)
    alts = [alt for kind, alt in found if kind == "/Figure" and alt]
    assert f"Adultes: 89{NBSP}%; Mineures: 11{NBSP}%" in alts
    assert any(f"Avec passage d’une frontière: 77{NBSP}%" in alt for alt in alts)
    # The chart's own labels are text a reader can select and search (pypdf does not read
    # text inside form XObjects; poppler does).
    page = next(i for i, t in enumerate(example_build.texts, 1) if f"Figure{NBSP}2." in t)
    poppler = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(example_build.pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Avec passage d’une frontière" in poppler
    assert "Victimes selon le lieu de la traite" in poppler


def test_cross_references_print_number_and_page(example_build: ExampleBuild) -> None:
    page = next(i for i, t in enumerate(example_build.texts, 1) if f"Figure{NBSP}1." in t)
    text = re.sub(r"[ \n]+", " ", example_build.texts[page - 1])
    assert f"tableau{NBSP}1, page{NBSP}{page}" in text
    assert f"figure{NBSP}1, page{NBSP}{page}" in text


def _size_pt(pdf: Path, page: int, needle: str) -> float:
    """The size (pt) the first character of `needle` is set in on `page` (0-based)."""
    document = pdfium.PdfDocument(pdf)
    try:
        textpage = document[page].get_textpage()
        index = textpage.get_text_range().find(needle)
        assert index >= 0, needle
        # WeasyPrint draws in CSS pixels under a 0.75 scale: pdfium's size is in pixels.
        return round(raw.FPDFText_GetFontSize(textpage.raw, index) * 0.75, 1)
    finally:
        document.close()


def test_the_house_layer_at_the_repository_root_is_in_effect(example_build: ExampleBuild) -> None:
    """templates/ and styles/ at the root are the organisation's layer over the theme."""
    assert (REPO / "templates" / "closing.html").is_file()
    assert (REPO / "styles" / "house.css").is_file()
    last = len(example_build.texts) - 1
    assert "Les opinions exprimées dans ce rapport" in example_build.texts[last]
    # styles/house.css: the note in 7.5 pt, the summary's first paragraph as an 11 pt lead.
    assert _size_pt(example_build.pdf, last, "Les opinions") == 7.5
    assert _size_pt(example_build.pdf, 2, "Pendant") == 11.0
    assert _size_pt(example_build.pdf, 2, "Les victimes rencontrées") < 11.0
