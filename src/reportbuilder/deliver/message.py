"""MIME messages: one `EmailMessage` with a plain-text and an HTML body and attached files,
every header checked before it is set.

Nothing here sends or writes: `compose_message` returns a standard-library message, and
`message_bytes` its wire form (CRLF lines), for an `.eml` file or SMTP. A value that would
smuggle a header in (a newline, a control character) or an address that is not one raises
`DeliveryError` naming the field, never a half-built message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from reportbuilder.addresses import CONTROL_CHARS, check_address, check_header_text
from reportbuilder.errors import DeliveryError, Problem, Stage

__all__ = [
    "Attachment",
    "check_address",
    "check_header_text",
    "compose_message",
    "message_bytes",
    "message_id",
    "safe_filename",
]

_WIRE = policy.SMTP  # CRLF line ends, RFC 2047/2231 for non-ASCII, 78-column folding


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name as the reader sees it, its bytes and its media type."""

    filename: str
    data: bytes
    mime_type: str = "application/pdf"


def safe_filename(name: str) -> str:
    """A file name for an attachment: no folders, no control characters, NFC, not empty,
    and one every reader's system can save (Windows refuses `: * ? " < > |`, and names
    such as CON or NUL).

    Non-ASCII letters are kept: the header is written with RFC 2231 (filename*=utf-8'').
    """
    name = unicodedata.normalize("NFC", name)
    name = CONTROL_CHARS.sub("", name).replace("/", "-").replace("\\", "-")
    name = name.replace(":", " -").replace("|", "-").replace('"', "'")
    name = re.sub(r"[*?<>]", "", name)
    name = re.sub(r" {2,}", " ", name).strip(" .")
    stem, dot, suffix = name.partition(".")
    if stem.strip().upper() in WINDOWS_RESERVED:
        name = f"{stem}_{dot}{suffix}"
    return name[:200] or "attachment"


# Names Windows refuses for a file, whatever its extension.
WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"{k}{n}" for k in ("COM", "LPT") for n in range(1, 10)),
}


def message_id(domain: str, *parts: str | bytes) -> str:
    """`<hash@domain>`: the same parts give the same id (a re-run of a merge can tell a
    message it already sent), and the domain is the sender's, never this machine's name."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\0")
    domain = check_header_text(domain, "Message-ID").strip("<>@ ") or "reportbuilder.invalid"
    if not re.fullmatch(r"[A-Za-z0-9.-]+", domain):
        domain = domain.encode("idna").decode("ascii")
    return f"<{digest.hexdigest()[:32]}@{domain}>"


def compose_message(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    reply_to: str | None = None,
    cc: Sequence[str] = (),
    attachments: Sequence[Attachment] = (),
    date: dt.datetime | None = None,
    msgid: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> EmailMessage:
    """A complete message: headers checked, plain-text body, HTML alternative, attachments.

    `date` defaults to now (UTC); `msgid` to `message_id(sender's domain, date, recipients,
    subject, attachments)`. `headers` adds others (`("X-Report-Reference", "…")`), checked the
    same way. Every problem found is raised at once as one `DeliveryError`.
    """
    problems: list[Problem] = []

    def checked(call: object, *args: str) -> object:
        try:
            return call(*args)  # type: ignore[operator]
        except DeliveryError as error:
            problems.extend(error.problems)
            return None

    from_address = checked(check_address, sender, "From")
    to_addresses = [checked(check_address, value, "To") for value in to]
    cc_addresses = [checked(check_address, value, "Cc") for value in cc]
    reply_address = checked(check_address, reply_to, "Reply-To") if reply_to else None
    subject_text = checked(check_header_text, subject, "Subject")
    extra = [(name, checked(check_header_text, value, name)) for name, value in headers]
    for name, _ in headers:
        if not re.fullmatch(r"X-[A-Za-z0-9-]+", name):
            problems.append(
                Problem(name, None, "only X- headers may be added", stage=Stage.DELIVER)
            )
    if not to:
        problems.append(Problem("To", None, "no recipient given", stage=Stage.DELIVER))
    if problems:
        raise DeliveryError(problems)
    assert isinstance(from_address, Address) and isinstance(subject_text, str)

    when = date or dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    message = EmailMessage(policy=_WIRE)
    message["From"] = from_address
    message["To"] = to_addresses
    if cc_addresses:
        message["Cc"] = cc_addresses
    if reply_address is not None:
        message["Reply-To"] = reply_address
    message["Subject"] = subject_text
    message["Date"] = format_datetime(when)
    message["Message-ID"] = msgid or message_id(
        from_address.domain,
        when.isoformat(),
        *(str(a) for a in to_addresses),
        subject_text,
        *(hashlib.sha256(item.data).hexdigest() for item in attachments),
    )
    message["MIME-Version"] = "1.0"
    for name, value in extra:
        message[name] = value
    message.set_content(_body_text(text), cte=_transfer_encoding(text))
    if html is not None:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
    for item in attachments:
        maintype, _, subtype = item.mime_type.partition("/")
        message.add_attachment(
            item.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=safe_filename(item.filename),
        )
    # Boundaries from the Message-ID, not at random: the same message gives the same bytes.
    seed = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:24]
    for index, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_rb{seed}_{index}")
    return message


def _body_text(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _transfer_encoding(text: str) -> str:
    return (
        "7bit"
        if text.isascii() and all(len(line) <= 78 for line in text.splitlines())
        else ("quoted-printable")
    )


def message_bytes(message: EmailMessage) -> bytes:
    """The message as it travels: CRLF line ends, every line within 998 octets."""
    return message.as_bytes(policy=_WIRE)
