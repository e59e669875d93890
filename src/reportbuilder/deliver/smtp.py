"""Sending messages over SMTP: encrypted (STARTTLS or implicit TLS) unless the server is on
this machine, the password never from the command line, temporary failures retried.

    settings = SmtpSettings.parse("smtp.example.org:587", user="reports")
    results = send([message], settings)      # one `Delivery` per message, in order

`send` keeps one connection for many messages and reconnects when it drops. A 4xx answer or
a dropped connection is retried with growing pauses; a 5xx answer fails that message only.
The password is read from `REPORTBUILDER_SMTP_PASSWORD` or from a file that only its owner
may read (`password_file`, or `REPORTBUILDER_SMTP_PASSWORD_FILE`).
"""

from __future__ import annotations

import contextlib
import copy
import ipaddress
import os
import smtplib
import ssl
import stat
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

from reportbuilder.deliver.message import message_bytes
from reportbuilder.errors import DeliveryError, Problem, Stage

__all__ = [
    "PASSWORD_ENV",
    "PASSWORD_FILE_ENV",
    "USER_ENV",
    "Delivery",
    "SmtpSettings",
    "is_loopback",
    "send",
]

PASSWORD_ENV = "REPORTBUILDER_SMTP_PASSWORD"
PASSWORD_FILE_ENV = "REPORTBUILDER_SMTP_PASSWORD_FILE"
USER_ENV = "REPORTBUILDER_SMTP_USER"
Security = Literal["starttls", "tls", "none"]
_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


def _problem(message: str, where: str | None = "smtp", hint: str | None = None) -> Problem:
    return Problem(where, None, message, stage=Stage.DELIVER, hint=hint)


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine: `localhost`, 127.0.0.0/8 or ::1 (no DNS asked)."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send.

    - `security`: `starttls` (the default; on a loopback host, plain when the server does
      not offer it), `tls` (implicit TLS, port 465) or `none` (loopback hosts only).
    - `user`: the login; None reads `REPORTBUILDER_SMTP_USER`; no user, no login.
    - `password_file`: a file readable by its owner only; the environment variable
      `REPORTBUILDER_SMTP_PASSWORD` wins over it. There is no way to give the password itself.
    - `ca_file`: certificates to trust besides the system's (a company's own CA).
    - `retries`, `backoff`: a temporary failure is tried again `retries` times, after
      `backoff`, 2×`backoff`, 4×`backoff` … seconds.
    """

    host: str
    port: int | None = None
    security: Security = "starttls"
    user: str | None = None
    password_file: Path | None = None
    ca_file: Path | None = None
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0
    local_hostname: str | None = "reportbuilder.localdomain"  # never the machine's name

    def __post_init__(self) -> None:
        if not self.host or any(c in self.host for c in " \t\r\n/@"):
            raise DeliveryError(_problem(f"'{self.host}' is not a host name"))
        if self.security not in _DEFAULT_PORTS:
            raise DeliveryError(
                _problem(f"unknown security '{self.security}'", hint="starttls, tls or none")
            )
        if self.port is not None and not 0 < self.port < 65536:
            raise DeliveryError(_problem(f"port {self.port} is not between 1 and 65535"))
        if self.security == "none" and not is_loopback(self.host):
            raise DeliveryError(
                _problem(
                    f"refusing to send unencrypted to {self.host}: plain SMTP is only for a "
                    "relay on this machine (localhost, 127.0.0.1)",
                    hint="use starttls or tls",
                )
            )
        if self.retries < 0 or self.backoff < 0 or self.timeout <= 0:
            raise DeliveryError(_problem("retries, backoff and timeout cannot be negative"))

    @classmethod
    def parse(cls, address: str, **settings: object) -> SmtpSettings:
        """`HOST`, `HOST:PORT` or `[IPv6]:PORT`; port 465 means implicit TLS unless
        `security` says otherwise."""
        host, port = address.strip(), None
        if host.startswith("["):
            inside, _, rest = host[1:].partition("]")
            host, port_text = inside, rest.removeprefix(":")
        elif host.count(":") == 1:
            host, _, port_text = host.partition(":")
        else:
            port_text = ""
        if port_text:
            if not port_text.isdigit():
                raise DeliveryError(_problem(f"'{address}': the port must be a number"))
            port = int(port_text)
        if port == 465 and "security" not in settings:
            settings["security"] = "tls"
        return cls(host=host, port=port, **settings)  # type: ignore[arg-type]

    @property
    def effective_port(self) -> int:
        return self.port or _DEFAULT_PORTS[self.security]

    def login(self, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
        """(user, password) to log in with, or None; raises `DeliveryError` when a user is
        set and no password can be read safely."""
        env = os.environ if environ is None else environ
        user = self.user or env.get(USER_ENV) or None
        if user is None:
            return None
        password = env.get(PASSWORD_ENV)
        if password:
            return user, password
        path = self.password_file or (
            Path(env[PASSWORD_FILE_ENV]) if env.get(PASSWORD_FILE_ENV) else None
        )
        if path is None:
            raise DeliveryError(
                _problem(
                    f"SMTP user '{user}' has no password",
                    hint=f"set {PASSWORD_ENV}, or password_file (a file only you can read)",
                )
            )
        return user, read_password_file(path.expanduser())


def read_password_file(path: Path) -> str:
    """The first line of `path`, if the file belongs to this user and no one else may read or
    write it (mode 0600 or 0400)."""
    try:
        # No link followed, and a FIFO does not block: only a regular file is read.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except OSError as error:
        raise DeliveryError(
            _problem(f"cannot read the password file: {error.strerror}", str(path))
        ) from None
    with os.fdopen(fd, "r", encoding="utf-8") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise DeliveryError(_problem("the password file is not a regular file", str(path)))
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise DeliveryError(_problem("the password file belongs to another user", str(path)))
        if info.st_mode & 0o077:
            raise DeliveryError(
                _problem(
                    f"others can read or change the password file (mode {info.st_mode & 0o777:o})",
                    str(path),
                    hint=f"chmod 600 {path}",
                )
            )
        password = handle.readline().rstrip("\r\n")
    if not password:
        raise DeliveryError(_problem("the password file is empty", str(path)))
    return password


@dataclass(frozen=True)
class Delivery:
    """What became of one message: `sent`, or `failed` with the server's answer."""

    message_id: str
    recipients: tuple[str, ...]
    # "in doubt": the connection was lost after the whole message was handed over and
    # before the server's answer; it may have it (RFC 5321 §6.1): not sent again.
    status: Literal["sent", "failed", "in doubt"]
    code: int | None = None
    answer: str = ""
    attempts: int = 1
    # Recipients refused while others got the message: `ana@example.org: 550 no such user`.
    refused: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status == "sent"


class _InDoubt(Exception):
    def __init__(self, answer: str) -> None:
        super().__init__(answer)
        self.answer = answer


class _Temporary(Exception):
    def __init__(self, code: int | None, answer: str) -> None:
        super().__init__(code, answer)
        self.code, self.answer = code, answer


class _Permanent(Exception):
    def __init__(self, code: int | None, answer: str) -> None:
        super().__init__(code, answer)
        self.code, self.answer = code, answer


class _SMTP(smtplib.SMTP):
    """Knows whether the server has been handed a whole message: the data's end (`CRLF .
    CRLF`) written, its answer not read yet. A connection lost then leaves the message in
    doubt; lost earlier, the server threw the message away and it can be sent again."""

    handed = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.handed = False
        code, answer = super().data(msg)
        self.handed = False  # answered: known either way
        return code, answer

    def send(self, s: Any) -> None:
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed = True


class _SMTP_SSL(_SMTP, smtplib.SMTP_SSL):
    pass


def _text(answer: bytes | str) -> str:
    raw = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    return " ".join(raw.split())[:300]


class _Connection:
    """One SMTP session, opened on first use and again after it drops."""

    def __init__(self, settings: SmtpSettings, environ: Mapping[str, str] | None) -> None:
        self.settings = settings
        self.credentials = settings.login(environ)  # before any connection: fail early
        self.client: _SMTP | None = None
        # Why no session can be had (TLS refused, login refused, server unreachable after
        # every retry): the messages after that are not tried, each fails with this reason.
        self.broken: str | None = None

    def _context(self) -> ssl.SSLContext:
        cafile = str(self.settings.ca_file) if self.settings.ca_file else None
        context = ssl.create_default_context(cafile=cafile)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def open(self) -> _SMTP:
        if self.client is not None:
            return self.client
        if self.broken is not None:
            raise _Permanent(None, f"not tried: {self.broken}")
        try:
            return self._open()
        except _Permanent as error:
            self.broken = error.answer  # no later message could get through either
            raise

    def _open(self) -> _SMTP:
        s = self.settings
        try:
            if s.security == "tls":
                client: _SMTP = _SMTP_SSL(
                    s.host,
                    s.effective_port,
                    local_hostname=s.local_hostname,
                    timeout=s.timeout,
                    context=self._context(),
                )
            else:
                client = _SMTP(
                    s.host, s.effective_port, local_hostname=s.local_hostname, timeout=s.timeout
                )
            client.ehlo()
            if s.security == "starttls":
                if client.has_extn("starttls"):
                    client.starttls(context=self._context())
                    client.ehlo()
                elif not is_loopback(s.host):
                    client.close()
                    raise _Permanent(
                        None,
                        f"{s.host} does not offer STARTTLS: refusing to send unencrypted",
                    )
            if self.credentials is not None:
                client.login(*self.credentials)
        except smtplib.SMTPAuthenticationError as error:
            raise _Permanent(error.smtp_code, "login refused: " + _text(error.smtp_error)) from None
        except ssl.SSLError as error:
            raise _Permanent(None, f"TLS failed: {error.reason or error}") from None
        except smtplib.SMTPResponseException as error:
            if 400 <= error.smtp_code < 500:
                raise _Temporary(error.smtp_code, _text(error.smtp_error)) from None
            raise _Permanent(error.smtp_code, _text(error.smtp_error)) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected) as error:
            raise _Temporary(None, f"connection lost: {error}") from None
        except OSError as error:  # refused, reset, unreachable, unknown host
            raise _Temporary(None, f"cannot connect to {s.host}:{s.effective_port}: {error}") from (
                None
            )
        self.client = client
        return client

    def drop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            with contextlib.suppress(OSError):
                client.close()

    def quit(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def send_one(self, sender: str, recipients: Sequence[str], data: bytes) -> tuple[str, ...]:
        """Send; the recipients refused while others accepted. Raises _Temporary/_Permanent."""
        client = self.open()
        try:
            refused = client.sendmail(sender, list(recipients), data)
        except smtplib.SMTPRecipientsRefused as error:
            self._reset(client)
            codes = [code for code, _ in error.recipients.values()]
            answer = "; ".join(f"{r}: {c} {_text(m)}" for r, (c, m) in error.recipients.items())
            if all(400 <= code < 500 for code in codes):
                raise _Temporary(codes[0], answer) from None
            raise _Permanent(max(codes), answer) from None
        except smtplib.SMTPResponseException as error:
            # MAIL FROM or DATA refused (SMTPSenderRefused, SMTPDataError …)
            self._reset(client)
            if 400 <= error.smtp_code < 500:
                raise _Temporary(error.smtp_code, _text(error.smtp_error)) from None
            raise _Permanent(error.smtp_code, _text(error.smtp_error)) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, ConnectionError) as error:
            handed = client.handed
            self.drop()
            if handed:
                raise _InDoubt(
                    f"connection lost after the whole message was sent, before the server "
                    f"answered ({error or 'closed'}): it may have it"
                ) from None
            raise _Temporary(None, f"connection lost: {error}") from None
        return tuple(f"{rcpt}: {code} {_text(answer)}" for rcpt, (code, answer) in refused.items())

    def _reset(self, client: _SMTP) -> None:
        try:
            client.rset()
        except (smtplib.SMTPException, OSError):
            self.drop()


def _envelope(message: EmailMessage) -> tuple[str, list[str]]:
    sender = message["From"].addresses[0].addr_spec
    recipients: list[str] = []
    for name in ("To", "Cc", "Bcc"):
        header = message[name]
        if header is not None:
            recipients.extend(a.addr_spec for a in header.addresses)
    return sender, list(dict.fromkeys(recipients))


def send(
    messages: Iterable[EmailMessage],
    settings: SmtpSettings,
    *,
    environ: Mapping[str, str] | None = None,
    on_delivery: Callable[[Delivery], None] | None = None,
    before_data: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send each message (made by `compose_message`); one `Delivery` per message, in order.

    A message's failure does not stop the others: a 5xx answer fails it at once, a 4xx answer
    or a dropped connection is retried `settings.retries` times with growing pauses. When no
    session can be had at all (TLS or login refused, the server unreachable after every
    retry), the messages after it are not tried: each fails at once with that reason
    (`attempts` 1, answer `not tried: …`), rather than waiting out its own retries. Bcc is
    sent to but never transmitted. `on_delivery` hears of each result as soon as it is known
    (a merge journals it). `before_data(message_id)` is called before a message is first
    handed to the server (a merge journals, durably, that it is being sent: a crash before
    the answer then leaves it in doubt, never sent twice). Raises `DeliveryError` only for
    settings that cannot work at all (a user without a readable password).
    """
    connection = _Connection(settings, environ)
    results: list[Delivery] = []
    try:
        for message in messages:
            result = _deliver(connection, message, settings, sleep, before_data)
            results.append(result)
            if on_delivery is not None:
                on_delivery(result)
    finally:
        connection.quit()
    return results


def _deliver(
    connection: _Connection,
    message: EmailMessage,
    settings: SmtpSettings,
    sleep: Callable[[float], None],
    before_data: Callable[[str], None] | None = None,
) -> Delivery:
    sender, recipients = _envelope(message)
    ident = str(message["Message-ID"] or "")
    if message["Bcc"] is not None:
        message = copy.deepcopy(message)
        del message["Bcc"]
    data = message_bytes(message)
    if before_data is not None:
        before_data(ident)
    attempt = 0
    while True:
        attempt += 1
        try:
            refused = connection.send_one(sender, recipients, data)
        except _Permanent as error:
            return Delivery(ident, tuple(recipients), "failed", error.code, error.answer, attempt)
        except _InDoubt as error:  # sent again, it may arrive twice: the caller decides
            return Delivery(ident, tuple(recipients), "in doubt", None, error.answer, attempt)
        except _Temporary as error:
            if attempt > settings.retries:
                answer = f"{error.answer} (still failing after {attempt} attempts)"
                if connection.client is None:  # the server could not be reached at all
                    connection.broken = answer
                return Delivery(ident, tuple(recipients), "failed", error.code, answer, attempt)
            if error.code is None:
                connection.drop()
            sleep(settings.backoff * 2 ** (attempt - 1))
            continue
        return Delivery(ident, tuple(recipients), "sent", 250, "", attempt, refused)
