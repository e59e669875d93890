"""`mail`: build the report (or take a PDF) and send it as one email, or write it as `.eml`.

    load_project -> build (or --pdf) -> render_mail_body -> compose_message
        -> write_atomic(.eml) | smtp.send

`compose_report_message` is the reusable middle (a merge makes one per row). Every address
and header is checked before anything is built; SMTP settings too, so that a missing
password fails in a second, not after the layout.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from reportbuilder.addresses import check_address
from reportbuilder.compose.mailbody import render_mail_body
from reportbuilder.deliver.files import write_atomic
from reportbuilder.deliver.message import Attachment, compose_message, message_bytes
from reportbuilder.deliver.smtp import Delivery, SmtpSettings, send
from reportbuilder.edition import Edition, source_date
from reportbuilder.errors import DeliveryError, OutputError, Problem, Stage
from reportbuilder.project.config import SOURCE_PLACES, ReportConfig, for_edition
from reportbuilder.project.contacts import text
from reportbuilder.project.load import Project, load_project
from reportbuilder.render.renderer import PdfRenderer

__all__ = ["MailResult", "compose_report_message", "mail", "smtp_settings"]


@dataclass(frozen=True)
class MailResult:
    """What `mail` did: the message, where it went, the PDF it carried."""

    project: str
    message_id: str
    recipients: tuple[str, ...]
    message_bytes: int
    pdf: str | None  # the PDF file attached (built, or given)
    pdf_bytes: int
    eml: str | None = None
    smtp: str | None = None
    delivery: Delivery | None = None
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    images: str | None = None  # how the PDF's images were lightened to fit max_size

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "project": self.project,
            "message_id": self.message_id,
            "recipients": list(self.recipients),
            "message_bytes": self.message_bytes,
            "pdf": self.pdf,
            "pdf_bytes": self.pdf_bytes,
            "eml": self.eml,
            "smtp": self.smtp,
            "attempts": self.delivery.attempts if self.delivery else None,
            "images": self.images,
            "problems": [p.as_json() for p in self.problems],
            "seconds": self.seconds,
        }


class NowhereToSend(DeliveryError):
    """No --eml, no --smtp and no mail.smtp: how the command was called, not the content
    (the CLI says it as a usage error, exit 2)."""


def _problem(where: str | None, message: str, hint: str | None = None) -> Problem:
    return Problem(where, None, message, stage=Stage.DELIVER, hint=hint)


def _anchored(root: Path, value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


def smtp_settings(
    project: Project, smtp: str | SmtpSettings | None, environ: Mapping[str, str] | None = None
) -> SmtpSettings:
    """The SMTP settings to send with: `smtp` (`HOST[:PORT]`) over report.yml's `mail.smtp`,
    whose other keys (security, user, password_file, ca_file) still apply. Checks that a
    password can be read when a user is set."""
    if isinstance(smtp, SmtpSettings):
        settings = smtp
    else:
        configured = project.config.mail.smtp
        values: dict[str, Any] = {}
        if configured is not None:
            values = {
                "security": configured.security,
                "user": configured.user,
                "password_file": _anchored(project.root, configured.password_file),
                "ca_file": _anchored(project.root, configured.ca_file),
            }
        if smtp is not None:
            if configured is None or "security" not in configured.model_fields_set:
                values.pop("security", None)  # let the port choose (465: implicit TLS)
            settings = SmtpSettings.parse(smtp, **values)
        elif configured is not None:
            settings = SmtpSettings(host=configured.host, port=configured.port, **values)
        else:
            raise NowhereToSend(
                _problem(
                    None,
                    "nowhere to send the message",
                    hint="give --eml FILE or --smtp HOST[:PORT], or set mail.smtp in report.yml",
                )
            )
    settings.login(environ)  # a user without a readable password fails now, not after the build
    return settings


def _sender(config: ReportConfig, project: Project) -> tuple[str, str | None]:
    """From and Reply-To: report.yml's `mail.from`/`mail.reply_to`, else the contact's."""
    contact = project.contacts.get(config.contact) if config.contact else None
    contact_box = None
    if contact is not None and contact.email:
        shown = (
            contact.name
            or text(contact.organisation, config.lang)
            or text(contact.office, config.lang)
        )
        name = (shown or "").replace('"', "'")
        contact_box = f'"{name}" <{contact.email}>' if name else contact.email
    sender = config.mail.sender or contact_box
    if sender is None:
        raise DeliveryError(
            _problem(
                "report.yml",
                "no sender for the message",
                hint="set mail.from in report.yml, or give the report's contact an email",
            )
        )
    reply_to = config.mail.reply_to
    if reply_to is None and config.mail.sender and contact_box:
        reply_to = contact_box  # answers reach the person named in the report
    return sender, reply_to


def compose_report_message(
    project: Project,
    edition: Edition,
    pdf: bytes,
    pages: int,
    to: Sequence[str],
    *,
    recipient: Mapping[str, str] | None = None,
    date: dt.datetime | None = None,
    filename: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> EmailMessage:
    """The message carrying `pdf` to `to`: localised bodies, sender from report.yml or the
    contact, the PDF named after the title (and the contact's vCard with `mail.vcard`)."""
    config = for_edition(project.config, edition)
    body = render_mail_body(project, edition, pages=pages, size=len(pdf), recipient=recipient)
    sender, reply_to = _sender(config, project)
    attachments = [Attachment(filename or f"{config.title}.pdf", pdf)]
    contact = project.contacts.get(config.contact) if config.contact else None
    if config.mail.vcard and contact is not None:
        from reportbuilder.compose.vcard import vcard

        attachments.append(
            Attachment(f"{contact.id}.vcf", vcard(contact, config.lang).encode(), "text/vcard")
        )
    return compose_message(
        sender=sender,
        to=to,
        subject=body.subject,
        text=body.text,
        html=body.html,
        reply_to=reply_to,
        attachments=attachments,
        # The message's own date is when it is written or sent: SOURCE_DATE_EPOCH (a CI
        # sets it to the last commit's time) dates the PDF only, as `merge` does.
        date=date or dt.datetime.now(dt.UTC).replace(microsecond=0),
        headers=headers,
    )


def _check_recipients(to: Sequence[str]) -> None:
    problems: list[Problem] = []
    for value in to:
        try:
            check_address(value, "--to")
        except DeliveryError as error:
            problems.extend(error.problems)
    if not to:
        problems.append(_problem("--to", "no recipient given"))
    if problems:
        raise DeliveryError(problems)


def _eml_path(project: Project, eml: str | os.PathLike[str]) -> Path:
    path = Path(eml).resolve()
    if path.is_relative_to(project.root):
        inside = path.relative_to(project.root)
        if inside.parts and inside.parts[0] in SOURCE_PLACES:
            message = "the message would overwrite a source of the project"
            raise OutputError(Problem(inside.as_posix(), None, message, stage=Stage.OUTPUT))
    return path


def _read_pdf(path: Path, titles: Sequence[str]) -> tuple[bytes, int]:
    """The given PDF and its page count, if it is this report (its title one of `titles`,
    the report's or this edition's): last year's report, another project's or a draft
    from Downloads went out under this report's title and message."""
    import logging

    import pypdf

    # What pypdf repairs it logs on stderr: the first bytes of a file that is no PDF too.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    data = path.read_bytes()
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = len(reader.pages)
        title = str(reader.metadata.get("/Title") or "").strip() if reader.metadata else ""
    except Exception:  # pypdf raises assorted errors on what is not a PDF
        raise DeliveryError(_problem(str(path), "not a readable PDF")) from None
    if title not in titles:
        shown = f'"{title}"' if title else "a PDF with no title"
        message = (
            f'is {shown}, not this report ("{titles[-1]}"): it would go out under this '
            "report's title and message"
        )
        hint = "give this report's PDF, or leave out --pdf to build it"
        raise DeliveryError(_problem(str(path), message, hint))
    return data, pages


def mail(
    project: str | os.PathLike[str] | Project,
    edition: Edition | None = None,
    *,
    to: Sequence[str],
    eml: str | os.PathLike[str] | None = None,
    smtp: str | SmtpSettings | None = None,
    pdf: str | os.PathLike[str] | None = None,
    renderer: PdfRenderer | None = None,
    environ: Mapping[str, str] | None = None,
) -> MailResult:
    """Build the report (or take `pdf`) and write it as an `.eml` file (`eml`) or send it
    (`smtp`, `HOST[:PORT]`, or report.yml's `mail.smtp` when neither is given).

    Raises `DeliveryError` for a bad address or header, SMTP settings that cannot work, or a
    message the server refused; the build's own errors as `build` does.
    """
    started = time.perf_counter()
    if eml is not None and smtp is not None:
        raise ValueError("give eml or smtp, not both")
    _check_recipients(to)
    loaded = project if isinstance(project, Project) else load_project(project)
    edition = edition or Edition()
    if edition.created is None:
        edition = replace(edition, created=source_date())
    settings = smtp_settings(loaded, smtp, environ) if eml is None else None
    target = _eml_path(loaded, eml) if eml is not None else None
    config = for_edition(loaded.config, edition)
    # Checked before the build, so that a bad sender costs no layout.
    _sender(config, loaded)
    problems: tuple[Problem, ...] = ()
    images = None
    if pdf is not None:
        pdf_path = Path(pdf)
        data, pages = _read_pdf(pdf_path, [loaded.config.title, config.title])
        if config.max_size is not None and len(data) > config.max_size:
            from reportbuilder.render.budget import format_size

            heavy = f"weighs {format_size(len(data))}, over max_size {format_size(config.max_size)}"
            hint = "build it with --max-size, or leave out --pdf to build it here"
            raise DeliveryError(_problem(str(pdf_path), heavy, hint))
    else:
        from reportbuilder.pipeline import build

        mail_copy = None
        if edition.max_size is not None and edition.max_size != loaded.config.max_size:
            # A copy lightened for the mail only (`--max-size`) goes beside the report's PDF,
            # never over it: out/report.pdf stays what `build` makes (the print shop's).
            written = Path(config.output or loaded.output_name)
            mail_copy = loaded.root / written.with_name(f"{written.stem}-mail.pdf")
        built = build(loaded, edition, renderer=renderer, output=mail_copy)
        output = built.outputs[0]
        pdf_path = Path(output.path)
        data, pages = pdf_path.read_bytes(), output.pages or 0
        problems, images = built.problems, output.images
    message = compose_report_message(loaded, edition, data, pages, to)
    wire = message_bytes(message)
    recipients = tuple(a.addr_spec for a in message["To"].addresses)
    ident = str(message["Message-ID"])
    common: dict[str, Any] = {
        "project": str(loaded.root),
        "message_id": ident,
        "recipients": recipients,
        "message_bytes": len(wire),
        "pdf": str(pdf_path),
        "pdf_bytes": len(data),
        "problems": problems,
        "images": images,
    }
    if target is not None:
        write_atomic(target, wire)
        seconds = round(time.perf_counter() - started, 3)
        return MailResult(**common, eml=str(target), seconds=seconds)
    assert settings is not None
    (delivery,) = send([message], settings, environ=environ)
    where = f"{settings.host}:{settings.effective_port}"
    if delivery.status == "in doubt":
        raise DeliveryError(
            _problem(
                "smtp",
                f"{where}: {delivery.answer}: check the server for Message-ID {ident} "
                "before sending again",
            )
        )
    if not delivery.ok:
        code = f"{delivery.code} " if delivery.code else ""
        raise DeliveryError(
            _problem("smtp", f"{where} did not take the message: {code}{delivery.answer}")
        )
    if delivery.refused:
        # Sent to the others: say who did not get it, and that the rest did.
        got = [r for r in recipients if not any(x.startswith(f"{r}: ") for x in delivery.refused)]
        raise DeliveryError(
            [
                _problem("smtp", f"{where} refused a recipient: {refused}")
                for refused in delivery.refused
            ]
            + [_problem("smtp", f"sent to {', '.join(got)} only ({ident})")]
        )
    seconds = round(time.perf_counter() - started, 3)
    return MailResult(**common, smtp=where, delivery=delivery, seconds=seconds)
