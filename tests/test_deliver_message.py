"""`compose_message`: headers checked (no injection, real addresses), both bodies, the PDF
attached under a name that survives non-ASCII titles, a deterministic Message-ID."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage

import pytest

from reportbuilder.deliver.message import (
    Attachment,
    check_address,
    compose_message,
    message_bytes,
    message_id,
    safe_filename,
)
from reportbuilder.errors import DeliveryError

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
WHEN = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)


def compose(**changes: object) -> EmailMessage:
    values: dict[str, object] = {
        "sender": "OIM Santiago <iomsantiago@iom.int>",
        "to": ["Ana Pérez <ana@example.org>"],
        "subject": "La traite des personnes au Chili",
        "text": "Bonjour,\nveuillez trouver le rapport ci-joint.\n",
        "html": "<p>Bonjour,</p><p>veuillez trouver le rapport ci-joint.</p>",
        "attachments": [Attachment("La traite des personnes au Chili – été.pdf", PDF)],
        "date": WHEN,
        "reply_to": "iomsantiago@iom.int",
    }
    values.update(changes)
    return compose_message(**values)  # type: ignore[arg-type]


def reparse(message: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message_bytes(message), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_a_message_parses_back_with_both_bodies_headers_and_the_pdf() -> None:
    parsed = reparse(compose())
    assert parsed["From"].addresses[0].addr_spec == "iomsantiago@iom.int"
    assert parsed["From"].addresses[0].display_name == "OIM Santiago"
    assert str(parsed["To"]) == "Ana Pérez <ana@example.org>"
    assert parsed["Reply-To"].addresses[0].addr_spec == "iomsantiago@iom.int"
    assert parsed["Subject"] == "La traite des personnes au Chili"
    assert parsed["Date"].datetime == WHEN
    assert parsed["Message-ID"].endswith("@iom.int>")
    assert parsed.get_content_type() == "multipart/mixed"
    plain = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert plain == "Bonjour,\nveuillez trouver le rapport ci-joint.\n"
    assert "<p>Bonjour,</p>" in parsed.get_body(("html",)).get_content()
    (attached,) = list(parsed.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == "La traite des personnes au Chili – été.pdf"
    assert attached.get_content() == PDF


def test_a_non_ascii_file_name_is_written_with_rfc_2231() -> None:
    wire = message_bytes(compose()).decode("ascii")  # the whole message is 7-bit on the wire
    assert "filename*0*=utf-8''La%20traite%20des%20personnes%20au%20Chili%20%E2%80%93%20;" in wire
    assert "filename*1*=%C3%A9t%C3%A9.pdf" in wire
    assert "\r\n" in wire and "\n" not in wire.replace("\r\n", "")
    assert all(len(line) <= 998 for line in wire.split("\r\n"))


def test_the_message_id_is_deterministic_and_names_the_senders_domain() -> None:
    assert compose()["Message-ID"] == compose()["Message-ID"]
    assert compose()["Message-ID"] != compose(to=["bob@example.org"])["Message-ID"]
    assert message_id("iom.int", "a", "b") == message_id("iom.int", "a", "b")
    assert message_id("iom.int", "a", "b") != message_id("iom.int", "ab")
    assert message_id("exämple.org", "x").endswith("@xn--exmple-cua.org>")
    assert message_bytes(compose()) == message_bytes(compose())  # boundaries too


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Rapport\r\nBcc: everyone@example.org"),
        ("subject", "Rapport\nX-Injected: yes"),
        ("subject", "Rapport\u2028Bcc: x@example.org"),
        ("sender", "Eve <eve@example.org>\r\nBcc: victim@example.org"),
        ("reply_to", "eve@example.org\nBcc: victim@example.org"),
    ],
)
def test_a_newline_in_any_header_is_refused(field: str, value: str) -> None:
    with pytest.raises(DeliveryError) as raised:
        compose(**{field: value})
    (problem,) = raised.value.problems
    assert "control character" in problem.message


def test_a_newline_in_a_recipient_is_refused() -> None:
    with pytest.raises(DeliveryError, match="control character"):
        compose(to=["ana@example.org\r\nBcc: victim@example.org"])


@pytest.mark.parametrize(
    "value",
    [
        "not-an-address",
        "ana@",
        "@example.org",
        "ana@example",
        "ana@@example.org",
        "ana@example.org, bob@example.org",
        "Ana <ana@example.org> <bob@example.org>",
        "ana example@example.org",
        "",
    ],
)
def test_invalid_addresses_are_refused_naming_the_field(value: str) -> None:
    with pytest.raises(DeliveryError) as raised:
        compose(to=[value])
    assert [p.path for p in raised.value.problems] == ["To"]


def test_every_bad_header_is_reported_at_once() -> None:
    with pytest.raises(DeliveryError) as raised:
        compose(sender="nobody", to=["x@"], subject="a\nb")
    assert sorted(p.path or "" for p in raised.value.problems) == ["From", "Subject", "To"]


def test_addresses_in_their_usual_forms_are_accepted() -> None:
    assert check_address("ana@example.org").addr_spec == "ana@example.org"
    named = check_address('"Pérez, Ana" <ana@example.org>')
    assert (named.display_name, named.addr_spec) == ("Pérez, Ana", "ana@example.org")
    assert check_address("José <jose@exämple.org>").domain == "xn--exmple-cua.org"
    with pytest.raises(DeliveryError, match=r"josé@example\.org"):
        check_address("josé@example.org")  # would need SMTPUTF8, which not every server has


def test_only_x_headers_may_be_added() -> None:
    message = compose(headers=[("X-Report-Reference", "REF-12")])
    assert reparse(message)["X-Report-Reference"] == "REF-12"
    with pytest.raises(DeliveryError, match="only X- headers"):
        compose(headers=[("Bcc", "victim@example.org")])


def test_attachment_names_lose_folders_and_controls() -> None:
    assert safe_filename("../../etc/passwd") == "-..-etc-passwd"
    assert safe_filename("a\r\nb.pdf") == "ab.pdf"
    assert safe_filename("  ") == "attachment"


def test_attachment_names_every_reader_can_save() -> None:
    """A title with `:` or `?` named an attachment Outlook and Explorer refuse to save."""
    title = "Informe 2025/2026: trata de personas – ¿qué cambió?.pdf"
    assert safe_filename(title) == "Informe 2025-2026 - trata de personas – ¿qué cambió.pdf"
    assert safe_filename('The "big" <one> | two*.pdf') == "The 'big' one - two.pdf"
    assert safe_filename("CON.pdf") == "CON_.pdf" and safe_filename("nul") == "nul_"
