"""A contact as a vCard (RFC 2426, version 3.0, which every phone reads) and as a QR code of
that vCard (SVG, segno), for a card a reader can scan into their address book."""

from __future__ import annotations

import base64
import io

from reportbuilder.project.contacts import Contact, phone_uri

__all__ = ["qr_svg", "vcard"]


def _escape(value: str) -> str:
    """RFC 2426 text: backslash, comma, semicolon and line breaks escaped."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def vcard(contact: Contact) -> str:
    """The contact's vCard 3.0, CRLF line ends; the phone in E.164 (`+56222746713`)."""
    name = contact.name or contact.office or contact.organisation or contact.id
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:;{_escape(name)};;;", f"FN:{_escape(name)}"]
    org = [part for part in (contact.organisation, contact.office) if part]
    if org and org != [name]:
        lines.append("ORG:" + ";".join(_escape(part) for part in org))
    if contact.role:
        lines.append(f"TITLE:{_escape(contact.role)}")
    if contact.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{phone_uri(contact.phone, contact.country)[4:]}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{contact.email}")
    if contact.url:
        lines.append(f"URL:{contact.url}")
    if contact.address:
        lines.append(f"ADR;TYPE=WORK:;;{_escape(contact.address)};;;;")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def qr_svg(contact: Contact, dark: str = "#000000") -> str:
    """A QR code of the contact's vCard as an SVG document (medium error correction)."""
    import segno

    code = segno.make(vcard(contact), error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=1, border=2, dark=dark, light="#ffffff", xmldecl=False)
    return out.getvalue().decode("utf-8")


def qr_image(contact: Contact, alt: str, dark: str = "#000000") -> str:
    """The QR code as an `<img>` (a data URI, like the charts), with `alt` text."""
    from markupsafe import escape

    data = base64.b64encode(qr_svg(contact, dark).encode("utf-8")).decode("ascii")
    return f'<img class="c-qr" src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'
