"""render/foreign.py: a part laid out alone prints the page numbers of anchors of other parts
(`target-counter`) from the page map and keeps its links to them; its own anchors and
bookmarks are handed back."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdf
import pytest

from reportbuilder.project.files import FilePolicy
from reportbuilder.render.renderer import RenderJob, render_in_process

pytestmark = pytest.mark.pdf

PART = """<!DOCTYPE html><html lang="en"><head><style>
@page :first { counter-reset: page 5; }
a.x::after { content: " p. " target-counter(attr(href url), page); }
h1 { break-before: page; }
</style></head><body>
<h1 id="here">Here</h1><p><a class="x" href="#elsewhere">Elsewhere</a>
<a class="x" href="#here">Here</a> <a href="#nowhere">Nowhere</a></p>
<h1 id="next">Next</h1><h2 id="sub">Sub</h2>
</body></html>"""


def _render(tmp_path: Path, foreign: dict[str, int]) -> tuple[str, list[str], object]:
    job = RenderJob(
        PART, tmp_path.as_uri() + "/", FilePolicy(tmp_path), foreign_pages=foreign, page_map=True
    )
    pdf = render_in_process(job)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    with pikepdf.open(io.BytesIO(pdf.data)) as opened:
        dests = [str(a.Dest) for p in opened.pages for a in p.get("/Annots", []) if "/Dest" in a]
    return text, dests, pdf


def test_other_parts_anchors_print_their_pages_and_keep_their_links(tmp_path: Path) -> None:
    text, dests, pdf = _render(tmp_path, {"elsewhere": 42})
    assert "Elsewhere p. 42" in text and "Here p. 5" in text
    # (a link and its ::after are two boxes, two annotations)
    assert sorted(set(dests)) == ["elsewhere", "here"]  # the link to nowhere is dropped
    assert pdf.anchors == {"here": 0, "next": 1, "sub": 1}  # type: ignore[attr-defined]
    levels = [(b[0], b[1], b[2]) for b in pdf.bookmarks]  # type: ignore[attr-defined]
    assert levels == [(1, "Here", 0), (1, "Next", 1), (2, "Sub", 1)]


def test_without_a_page_map_the_link_is_dropped(tmp_path: Path) -> None:
    text, dests, _ = _render(tmp_path, {})
    assert "Elsewhere p. 42" not in text
    assert set(dests) == {"here"}
