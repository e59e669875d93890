"""The active-content check on real WeasyPrint PDFs: names and URI schemes in the report's
own text (outline titles, /Alt, link targets) are no actions; real actions, attachments and
non-web links are still found, in the object stream and in PDF/A-1's clear layout."""

from __future__ import annotations

import io
from pathlib import Path

import pydyf
import pytest
import weasyprint

from reportbuilder.render.pdfcheck import active_content

PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDw"
    "ADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# The default layout (dictionaries in a compressed object stream) and PDF/A-1b (no object
# streams: every dictionary in the clear).
VARIANTS = [None, "pdf/a-1b"]


def render(body: str, title: str = "Informe", variant: str | None = None) -> bytes:
    html = (
        f'<!doctype html><html lang="es"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body>{body}</body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True, pdf_variant=variant)


def pydyf_pdf(*objects: pydyf.Object, compress: bool = True) -> bytes:
    """A small PDF written by pydyf itself, holding `objects`."""
    pdf = pydyf.PDF()
    for item in objects:
        pdf.add_object(item)
    output = io.BytesIO()
    pdf.write(output, compress=compress)
    return output.getvalue()


def link(uri: pydyf.String | bytes) -> pydyf.Dictionary:
    action = pydyf.Dictionary({"S": "/URI", "URI": uri})
    return pydyf.Dictionary({"Type": "/Annot", "Subtype": "/Link", "A": action})


@pytest.mark.pdf
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_link_to_a_page_about_javascript_is_no_javascript(variant: str | None) -> None:
    url = "https://developer.mozilla.org/es/docs/Web/JavaScript"
    data = render(f'<p>Véase <a href="{url}">{url}</a>.</p>', variant=variant)
    if variant:  # PDF/A-1 writes the link in the clear
        assert f"/URI ({url})".encode() in data
    assert active_content(data) == []


PLACES = {
    "heading": "<h2>Ruta {} (norte)</h2>",
    "heading, not ASCII": "<h2>Señal {} (¿norte?)</h2>",  # a hex UTF-16 outline title
    "paragraph": "<p>Ruta {} (norte)</p>",
    "link text": '<p><a href="https://example.org/">Ruta {} (norte)</a></p>',
    "alt": '<p><img alt="Ruta {} (norte)" src="' + PIXEL + '"></p>',
}


@pytest.mark.pdf
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("name", ["/AA", "/JS", "/Launch", "/EmbeddedFiles"])
def test_action_names_in_the_text_are_no_actions(place: str, name: str) -> None:
    assert active_content(render(PLACES[place].format(name))) == []


@pytest.mark.pdf
@pytest.mark.parametrize("variant", VARIANTS)
def test_parentheses_and_names_in_titles_and_alt_text(variant: str | None) -> None:
    body = (
        "<h1>Ruta (a (b) c) /AA</h1><h2>Paréntesis ) sueltos ( y \\ barra /JS</h2>"
        f'<p><img alt="foto /Launch (x" src="{PIXEL}"></p>'
        "<h2>/URI (javascript:alert(1)) /URI&lt;6a733a78&gt; /S /Launch</h2>"
    )
    data = render(body, title="Informe (versión 2) /JS (a (b) c)", variant=variant)
    assert active_content(data) == []


@pytest.mark.pdf
@pytest.mark.parametrize("variant", VARIANTS)
def test_an_attachment_link_element_is_found(tmp_path: Path, variant: str | None) -> None:
    attached = tmp_path / "x.txt"
    attached.write_text("adjunto", encoding="utf-8")
    data = render(f'<link rel="attachment" href="{attached.as_uri()}"><p>x</p>', variant=variant)
    assert "the PDF has an embedded file" in active_content(data)


@pytest.mark.pdf
@pytest.mark.parametrize("variant", VARIANTS)
def test_an_attachment_anchor_is_found(tmp_path: Path, variant: str | None) -> None:
    attached = tmp_path / "x.txt"
    attached.write_text("adjunto", encoding="utf-8")
    data = render(f'<p><a rel="attachment" href="{attached.as_uri()}">x</a></p>', variant=variant)
    found = active_content(data)
    assert "the PDF has a file attachment" in found
    assert "the PDF has an embedded file" in found


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(
    ("href", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("smb://servidor/compartido", "smb"),
        ("javascript:alert(1)", "javascript"),
        ("JavaScript:alert('(a) \\ ü')", "javascript"),
    ],
)
@pytest.mark.pdf
def test_links_to_other_schemes_are_found(href: str, scheme: str, variant: str | None) -> None:
    data = render(f'<p><a href="{href}">enlace</a></p>', variant=variant)
    assert [p for p in active_content(data) if p.startswith(f"the PDF links to a '{scheme}:'")]


@pytest.mark.pdf
def test_web_and_mail_links_pass() -> None:
    body = (
        '<p><a href="https://example.org/a(b)c?q=ü#JS">a</a> <a href="http://example.org/">b</a>'
        ' <a href="mailto:jose@example.org">c</a> <a href="#s">d</a></p><h2 id="s">s</h2>'
    )
    assert active_content(render(body)) == []


def test_the_link_target_is_read_with_escapes_undone() -> None:
    target = pydyf.String("smb://a\\b(c)")
    assert target.data == b"(smb://a\\\\b\\(c\\))"
    data = pydyf_pdf(link(target))
    assert active_content(data) == ["the PDF links to a 'smb:' URI (smb://a\\b(c))"]


@pytest.mark.parametrize("compress", [True, False])
def test_a_hex_utf16_link_target_is_read(compress: bool) -> None:
    """pydyf writes a string that is not ASCII as hex UTF-16BE after a byte order mark."""
    target = pydyf.String("javascript:alert('é')")
    assert target.data.startswith(b"<feff006a")
    bad = pydyf_pdf(link(target), compress=compress)
    assert active_content(bad) == ["the PDF links to a 'javascript:' URI (javascript:alert('é'))"]
    good = pydyf_pdf(link(pydyf.String("https://exämple.org/JavaScript")), compress=compress)
    assert active_content(good) == []


def test_balanced_parentheses_inside_a_literal_string() -> None:
    """The PDF syntax allows unescaped balanced parentheses in a literal (pydyf escapes all)."""
    title = pydyf.Dictionary({"Title": b"(Ruta (a (b) /AA) \\) /JS)", "Alt": b"<2f4141>"})
    assert active_content(pydyf_pdf(title)) == []
    nested = pydyf_pdf(link(b"(javascript:alert((1)))"))
    assert active_content(nested) == [
        "the PDF links to a 'javascript:' URI (javascript:alert((1)))"
    ]


def test_a_string_that_cannot_be_read_is_refused() -> None:
    data = pydyf_pdf(pydyf.Dictionary({"Title": b"(Ruta (a /AA c)"}))
    assert active_content(data) == ["the PDF has a string this check cannot read"]


def test_names_outside_strings_are_still_found() -> None:
    action = pydyf.Dictionary({"S": "/JavaScript", "JS": pydyf.String("app.alert(1)")})
    data = pydyf_pdf(pydyf.Dictionary({"OpenAction": action, "Title": pydyf.String("/x")}))
    found = active_content(data)
    assert "the PDF has JavaScript" in found
    assert "the PDF has an action run on opening" in found
