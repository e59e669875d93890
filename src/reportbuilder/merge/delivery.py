"""Delivering a merge's copies: one message per requester, as an `.eml` file or by SMTP.

Each message is the report's (subject, plain-text and HTML bodies from the theme's `mail.txt`
and `mail.html` in the row's language, greeting the requester by name) with the row's own PDF
attached. Its Message-ID is made from the row and the PDF's hash: a row a crash left in
doubt (handed to the server, no answer journaled) is reported with it, so that the server can
be searched for it, and a message sent again on `--resend-in-doubt` is the same one.
Sending is sequential over one SMTP connection (`deliver.smtp.send`: temporary failures
retried with backoff, permanent ones reported for their row, `per_minute` keeping a pace), and
each answer is journaled as soon as it is known.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from reportbuilder.compose.mailbody import render_mail_body
from reportbuilder.deliver.files import write_atomic
from reportbuilder.deliver.message import Attachment, compose_message, message_bytes, message_id
from reportbuilder.deliver.smtp import Delivery, SmtpSettings, send
from reportbuilder.edition import Edition
from reportbuilder.errors import DeliveryError, Problem, ProjectError, ReportError, Stage
from reportbuilder.merge.requesters import Requester
from reportbuilder.project.config import CONFIG_FILE
from reportbuilder.project.load import Project


@dataclass(frozen=True)
class Outbox:
    """Where a merge's messages go: `.eml` files in `eml_dir`, or an SMTP server."""

    eml_dir: Path | None = None
    smtp: SmtpSettings | None = None
    per_minute: float | None = None  # at most this many messages a minute (SMTP)

    def __post_init__(self) -> None:
        if (self.eml_dir is None) == (self.smtp is None):
            raise ValueError("an Outbox writes .eml files or sends by SMTP: give one of them")
        if self.per_minute is not None and not self.per_minute > 0:
            raise ValueError("the rate must be more than 0 messages a minute")

    @property
    def kind(self) -> str:
        return "eml" if self.eml_dir is not None else "smtp"


@dataclass(frozen=True)
class Parcel:
    """One row's copy, ready to send: the row, its language, the PDF and its pages."""

    row: Requester
    lang: str
    path: Path
    data: bytes
    pages: int
    sha256: str


@dataclass(frozen=True)
class Outcome:
    """What became of one parcel: sent (or written), with the answer to journal."""

    parcel: Parcel
    sent: bool
    answer: str
    in_doubt: bool = False  # handed over whole, no answer: the server may have it


def smtp_settings(project: Project, address: str) -> SmtpSettings:
    """`--smtp HOST[:PORT]` with report.yml's `mail.smtp` security, user and files."""
    configured = project.config.mail.smtp
    values: dict[str, object] = {}
    if configured is not None:
        values["security"] = configured.security
        if configured.user:
            values["user"] = configured.user
        for name in ("password_file", "ca_file"):
            value = getattr(configured, name)
            if value:
                values[name] = (project.root / Path(value).expanduser()).resolve()
    return SmtpSettings.parse(address, **values)


def senders(project: Project) -> tuple[str, str | None]:
    """From and Reply-To: report.yml's `mail.from`/`mail.reply_to`, else the report's contact
    (answers then reach the person named in the report). Raises `ProjectError`."""
    config = project.config
    contact = project.contacts.get(config.contact) if config.contact else None
    contact_box = None
    if contact is not None and contact.email:
        contact_box = f"{contact.name} <{contact.email}>" if contact.name else contact.email
    sender = config.mail.sender or contact_box
    if sender is None:
        message = (
            "no sender for the messages: set mail: {from: …} in report.yml, or a contact "
            "with an email"
        )
        raise ProjectError(Problem(CONFIG_FILE, None, message, stage=Stage.PROJECT))
    reply_to = config.mail.reply_to
    if reply_to is None and config.mail.sender and contact_box:
        reply_to = contact_box
    return sender, reply_to


def _mailbox(name: str, email: str) -> str:
    """`Name <address>`, the name quoted where RFC 5322 wants it: a name written as offices
    do ("Pérez, Ana <DG Migraciones>", "Smith & Co") was refused only when sending."""
    from email.headerregistry import Address

    if not name:
        return email
    try:
        return str(Address(display_name=name, addr_spec=email))
    except (ValueError, IndexError):  # an address the registry's parser reads otherwise
        return f"{name} <{email}>"


def compose(project: Project, edition: Edition, parcel: Parcel, when: dt.datetime) -> EmailMessage:
    """The message carrying one row's copy; raises `ReportError` (a bad name, a template)."""
    sender, reply_to = senders(project)
    row = parcel.row
    values = {"name": row.name, "organisation": row.organisation, "reference": row.reference}
    body = render_mail_body(
        project,
        dataclasses.replace(edition, lang=parcel.lang, personalisation=None),
        pages=parcel.pages,
        size=len(parcel.data),
        recipient=values,
    )
    domain = sender.rpartition("@")[2].strip(">").strip() or "reportbuilder.invalid"
    to = _mailbox(row.name, row.email)
    return compose_message(
        sender=sender,
        to=[to],
        subject=body.subject,
        text=body.text,
        html=body.html,
        reply_to=reply_to,
        attachments=[Attachment(parcel.path.name, parcel.data)],
        date=when,
        msgid=message_id(domain, row.key, parcel.sha256),
        headers=[("X-Report-Reference", row.reference)] if row.reference else (),
    )


def deliver(
    project: Project,
    edition: Edition,
    outbox: Outbox,
    parcels: Sequence[Parcel],
    on_outcome: Callable[[Outcome], None],
    on_problem: Callable[[Parcel, Sequence[Problem]], None],
    *,
    on_sending: Callable[[Parcel, str], None] | None = None,
    when: dt.datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Write or send every parcel, in order, reporting each outcome as soon as it is known;
    `on_sending(parcel, message_id)` hears of each message about to be handed to the SMTP
    server, before it is (a merge journals it durably there)."""
    moment = when or dt.datetime.now(dt.UTC)
    messages: list[tuple[Parcel, EmailMessage]] = []
    for parcel in parcels:
        try:
            messages.append((parcel, compose(project, edition, parcel, moment)))
        except ReportError as error:
            on_problem(parcel, error.problems)
    if outbox.eml_dir is not None:
        for parcel, message in messages:
            target = outbox.eml_dir / (parcel.path.stem + ".eml")
            try:
                write_atomic(target, message_bytes(message))
            except ReportError as error:
                on_problem(parcel, error.problems)
                continue
            on_outcome(Outcome(parcel, True, f"written {target.name}"))
        return
    assert outbox.smtp is not None
    by_id = {str(message["Message-ID"]): parcel for parcel, message in messages}

    def heard(result: Delivery) -> None:
        parcel = by_id.pop(result.message_id)
        if result.ok:
            answer = "250 accepted" + (
                f" (after {result.attempts} attempts)" if result.attempts > 1 else ""
            )
            on_outcome(Outcome(parcel, True, answer))
        elif result.status == "in doubt":
            on_outcome(Outcome(parcel, False, result.answer, in_doubt=True))
        else:
            code = f"{result.code} " if result.code else ""
            answer = f"not sent: {code}{result.answer}".strip()
            on_outcome(Outcome(parcel, False, answer))

    def stream() -> Iterator[EmailMessage]:
        started = time.monotonic()
        gap = 60.0 / outbox.per_minute if outbox.per_minute else 0.0
        for number, (_, message) in enumerate(messages):
            wait = started + number * gap - time.monotonic()
            if wait > 0:
                sleep(wait)
            yield message

    if messages:
        try:
            sending = None
            if on_sending is not None:
                hook = on_sending

                def sending(ident: str) -> None:
                    hook(by_id[ident], ident)

            send(stream(), outbox.smtp, on_delivery=heard, before_data=sending)
        except DeliveryError as error:  # settings that cannot work at all (no password)
            for parcel, message in messages:
                if str(message["Message-ID"]) in by_id:
                    on_problem(parcel, error.problems)
