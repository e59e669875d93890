"""A contact as a vCard (RFC 2426, version 3.0, which every phone reads) and as a QR code of
that vCard (SVG, segno), for a card a reader can scan into their address book."""

from __future__ import annotations

import base64
import io

from reportbuilder.project.contacts import Contact, phone_uri, text

__all__ = ["qr_svg", "vcard"]


def _escape(value: str) -> str:
    """RFC 2426 text: backslash, comma, semicolon and line breaks escaped."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def vcard(contact: Contact, lang: str = "en") -> str:
    """The contact's vCard 3.0, CRLF line ends; the phone in E.164 (`+56222746713`); texts
    given per language in `lang`'s."""
    office, organisation = text(contact.office, lang), text(contact.organisation, lang)
    role, address = text(contact.role, lang), text(contact.address, lang)
    name = contact.name or office or organisation or contact.id
    parts = ";".join(_escape(part) for part in name_parts(contact.name or "", contact.family))
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{parts}", f"FN:{_escape(name)}"]
    org = [part for part in (organisation, office) if part]
    if org and org != [name]:
        lines.append("ORG:" + ";".join(_escape(part) for part in org))
    if role:
        lines.append(f"TITLE:{_escape(role)}")
    if contact.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{phone_uri(contact.phone, contact.country)[4:]}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{contact.email}")
    if contact.url:
        lines.append(f"URL:{contact.url}")
    if address:
        lines.append(f"ADR;TYPE=WORK:;;{_escape(address)};;;;")
    lines.append("END:VCARD")
    return "\r\n".join(_folded(line) for line in lines) + "\r\n"


def name_parts(name: str, family: str | None = None) -> tuple[str, str, str, str, str]:
    """A person's name as vCard's N field wants it: family; given; additional; title;
    suffix (`Dr. Ana María Rojas PhD` → `Rojas; Ana; María; Dr.; PhD`), so that address books
    sort by the family name. `family` (contacts.yml's `family:`) says which words it is
    where the usual order misleads (`García López`, two family names); nothing for a card
    without a person's name (an office)."""
    from nameparser import HumanName

    if not name.strip():
        return "", "", "", "", ""
    parsed = HumanName(name)
    if family and family.strip() in name:
        rest = HumanName(name.replace(family.strip(), " ", 1))
        given = " ".join(part for part in (rest.first, rest.middle, rest.last) if part)
        return family.strip(), given, "", rest.title, rest.suffix
    return parsed.last, parsed.first, parsed.middle, parsed.title, parsed.suffix


_LINE_OCTETS = 75  # RFC 2425 5.8.1: lines SHOULD NOT be longer, line breaks excluded


def _folded(line: str) -> str:
    """A line over 75 octets folded (CRLF and a space before each further part), never
    inside a UTF-8 character: an address book unfolds it to the line as written."""
    parts: list[str] = []
    current, size = "", 0
    room = _LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > room:
            parts.append(current)
            current, size, room = "", 0, _LINE_OCTETS - 1  # the space takes one octet
        current += char
        size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def qr_svg(contact: Contact, dark: str = "#000000", lang: str = "en") -> str:
    """A QR code of the contact's vCard as an SVG document (medium error correction)."""
    import segno

    code = segno.make(vcard(contact, lang), error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=1, border=2, dark=dark, light="#ffffff", xmldecl=False)
    return out.getvalue().decode("utf-8")


def qr_image(contact: Contact, alt: str, lang: str = "en", dark: str = "#000000") -> str:
    """The QR code as an `<img>` (a data URI, like the charts), with `alt` text."""
    from markupsafe import escape

    data = base64.b64encode(qr_svg(contact, dark, lang).encode("utf-8")).decode("ascii")
    return f'<img class="c-qr" src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'
