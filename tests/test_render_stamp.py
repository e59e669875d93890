"""render/stamp.py: which footers can be laid out apart from their pages, the stamp document
(one empty page per page, of the same name, numbered from the right page), and a stamp laid
over a page as an artifact: the page shows its footer, read back with pdftotext."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from reportbuilder.project.files import FilePolicy
from reportbuilder.render import stamp
from reportbuilder.render.renderer import PdfRenderer, RenderJob

HEAD = (
    "<!DOCTYPE html><html lang='fr'><head><style>\n"
    "@page { size: A5; margin: 20mm; }\n"
    "@page wide { size: A5 landscape; }\n"
    "@page body, wide { @top-left { content: 'Titre'; }\n"
    "  @bottom-right { content: 'Page ' counter(page) ' sur ' counter(pages); } }\n"
    "</style></head><body>"
)


def test_footers_that_show_what_the_pages_hold_are_not_stamped() -> None:
    assert stamp.unstampable([HEAD]) is None
    top = "@page { @top-right { content: counter(page) } }"
    assert "outside the footer" in str(stamp.unstampable([top]))
    chapter = "@page { @bottom-left { content: string(chapter) } }"
    assert "what the pages hold" in str(stamp.unstampable([chapter]))
    logo = "@page { @bottom-center { content: element(page-logo) } }"
    assert "running element" in str(stamp.unstampable([logo]))


def test_a_stamp_document_has_a_page_of_each_name() -> None:
    text = stamp.document(HEAD, ["body", "wide", "body", ""], 5, 40)
    assert "counter-reset: page 5;" in text and "' sur ' \"40\"" in text
    assert text.count("<div") == 4 and "page: wide;" in text and "page: auto;" in text
    assert "@top-left { content: none !important; }" in text


def _text(data: bytes) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


@pytest.mark.pdf
def test_stamps_laid_over_pages_give_the_whole_documents_text(tmp_path: Path) -> None:
    body = (
        '<section style="page: body"><p>Un.</p></section>'
        '<section style="page: wide; break-before: page"><p>Deux.</p></section>'
        '<section style="page: body; break-before: page"><p>Trois.</p></section>'
    )
    whole_html = HEAD + body + "</body></html>"
    parts_head = HEAD.replace("</head>", stamp.WITHOUT_FOOTER + "</head>")
    base = RenderJob(text="", base_url=tmp_path.as_uri() + "/", files=FilePolicy(tmp_path))
    with PdfRenderer() as renderer:
        whole = renderer.render(replace(base, text=whole_html))
        bare = renderer.render(
            replace(base, text=parts_head + body + "</body></html>", page_map=True)
        )
        assert bare.page_names == ("body", "wide", "body")
        names = bare.page_names
        stamps = renderer.render(replace(base, text=stamp.document(HEAD, names, 1, 3)))
    assert "Page" not in " ".join(_text(bare.data)) and "Titre" in _text(bare.data)[0]
    with pikepdf.open(io.BytesIO(bare.data)) as pdf:
        stamp.overlay(pdf, [stamps.data])
        buffer = io.BytesIO()
        pdf.save(buffer)
        content = pdf.pages[1].obj.Contents
        last = content[-1] if isinstance(content, pikepdf.Array) else content
        assert b"/Artifact BMC" in last.read_bytes()
    assert _text(buffer.getvalue()) == _text(whole.data)
    assert "Page 2 sur 3" in _text(buffer.getvalue())[1]
