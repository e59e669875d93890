"""compose.vcard: a contact as a vCard 3.0 and as a QR code of it that decodes back."""

from __future__ import annotations

from reportbuilder.compose.vcard import qr_image, qr_svg, vcard
from reportbuilder.project.contacts import Contact

SANTIAGO = Contact(
    id="santiago",
    name="Gabriela Rodriguez",
    role="Jefa; oficina, Santiago",
    organisation="OIM Santiago",
    office="Bureau de l’OIM au Chili",
    phone="+56-2-2746713",
    email="iomsantiago@iom.int",
    url="https://chile.iom.int/",
    address="Av. Apoquindo 2930\nLas Condes",
)


def test_the_vcard_carries_every_field_escaped_with_the_phone_in_e164() -> None:
    text = vcard(SANTIAGO)
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and text.endswith("END:VCARD\r\n")
    lines = text.split("\r\n")
    assert "FN:Gabriela Rodriguez" in lines
    assert "ORG:OIM Santiago;Bureau de l’OIM au Chili" in lines
    assert "TITLE:Jefa\\; oficina\\, Santiago" in lines
    assert "TEL;TYPE=WORK,VOICE:+5622746713" in lines
    assert "EMAIL;TYPE=INTERNET:iomsantiago@iom.int" in lines
    assert "URL:https://chile.iom.int/" in lines
    assert "ADR;TYPE=WORK:;;Av. Apoquindo 2930\\nLas Condes;;;;" in lines


def test_a_contact_with_an_office_only_is_named_by_it() -> None:
    office = Contact(id="press", office="Press office", email="press@example.org")
    assert "FN:Press office" in vcard(office).split("\r\n")


def test_the_qr_code_is_an_svg_image_with_its_alt_text() -> None:
    svg = qr_svg(SANTIAGO)
    assert svg.startswith("<svg") and "<path" in svg and "<?xml" not in svg
    image = qr_image(SANTIAGO, "QR code: the contact card of <Gabriela>")
    assert image.startswith('<img class="c-qr" src="data:image/svg+xml;base64,')
    assert 'alt="QR code: the contact card of &lt;Gabriela&gt;"' in image
