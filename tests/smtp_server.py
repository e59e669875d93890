"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the mail tests, started by the test.

    server = start_smtp(tmp_path)                       # plain, any free port
    server = start_smtp(tmp_path, tls=True)             # STARTTLS required, self-signed
    server.answers = ["450 4.2.0 busy", "250 OK"]       # DATA answers, one per message, then 250
    server.messages                                     # every message accepted, parsed
    server.handler.drop_after_data = {2}                # the 2nd DATA: kept, then the
                                                        # connection closed, never answered
    server.handler.drop_at_rcpt = {1}                   # the 1st RCPT: connection closed

The certificate is made by the test with `cryptography` (for 127.0.0.1 and localhost); its
path is `server.cert`, for the client's `ca_file`.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    tls: bool

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Handler:
    answers: list[str] = field(default_factory=list)
    rcpt_answers: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    data_commands: int = 0
    rcpt_commands: int = 0
    # Numbers (from 1) of the DATA commands whose message is kept and whose connection is
    # then closed unanswered, and of the RCPT commands closed before any answer.
    drop_after_data: set[int] = field(default_factory=set)
    drop_at_rcpt: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            self.rcpt_commands += 1
            if self.rcpt_commands in self.drop_at_rcpt:
                server.transport.close()
                return "421 closing"
        answer = self.rcpt_answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_commands += 1
            answer = self.answers.pop(0) if self.answers else "250 Message accepted"
            if answer.startswith("250"):
                self.received.append(
                    Received(
                        envelope.mail_from,
                        list(envelope.rcpt_tos),
                        bytes(envelope.original_content or envelope.content),
                        session.ssl is not None,
                    )
                )
            if self.data_commands in self.drop_after_data:
                server.transport.close()  # the client never hears the 250
        return answer


class SmtpServer:
    """aiosmtpd in a thread on 127.0.0.1: `port`, `messages`, `answers`, `close()`."""

    def __init__(self, folder: Path, *, tls: bool = False, auth: tuple[str, str] | None = None):
        self.handler = _Handler()
        self.port = _free_port()
        self.cert: Path | None = None
        options: dict[str, Any] = {}
        if tls:
            self.cert, key = make_certificate(folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert, key)
            options.update(tls_context=context, require_starttls=True)
        if auth is not None:
            from aiosmtpd.smtp import AuthResult

            def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                              data: Any) -> AuthResult:  # fmt: skip
                ok = (data.login.decode(), data.password.decode()) == auth
                return AuthResult(success=ok, handled=False)

            options.update(authenticator=authenticator, auth_require_tls=tls)
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            decode_data=False,
            server_hostname="smtp.test",
            **options,
        )
        self.controller.start()

    @property
    def answers(self) -> list[str]:
        return self.handler.answers

    @answers.setter
    def answers(self, values: list[str]) -> None:
        self.handler.answers[:] = values

    @property
    def received(self) -> list[Received]:
        return list(self.handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [item.message for item in self.handler.received]

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self.controller.stop()
