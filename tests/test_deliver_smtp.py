"""`send` against a real SMTP server (aiosmtpd) on 127.0.0.1: plain to loopback only,
STARTTLS with a certificate made here, login with a password from the environment or an
owner-only file, 4xx retried, 5xx reported for its message only."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reportbuilder.deliver.message import Attachment, compose_message
from reportbuilder.deliver.smtp import (
    PASSWORD_ENV,
    SmtpSettings,
    is_loopback,
    read_password_file,
    send,
)
from reportbuilder.errors import DeliveryError
from smtp_server import SmtpServer

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 100 + b"\n%%EOF\n"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SmtpServer]:
    started = SmtpServer(tmp_path)
    yield started
    started.close()


def message(to: str = "ana@example.org", subject: str = "Rapport") -> object:
    return compose_message(
        sender="OIM Santiago <iomsantiago@iom.int>",
        to=[to],
        subject=subject,
        text="Bonjour\n",
        html="<p>Bonjour</p>",
        attachments=[Attachment("rapport.pdf", PDF)],
        date=dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
    )


def settings(server: SmtpServer, **more: object) -> SmtpSettings:
    values: dict[str, object] = {"backoff": 0.01, "timeout": 10}
    values.update(more)
    return SmtpSettings.parse(server.address, **values)


def test_a_message_arrives_whole_on_a_loopback_server(server: SmtpServer) -> None:
    (result,) = send([message()], settings(server), environ={})
    assert result.ok and result.attempts == 1
    (received,) = server.received
    assert received.sender == "iomsantiago@iom.int"
    assert received.recipients == ["ana@example.org"]
    assert not received.tls  # loopback, no STARTTLS offered: plain is allowed here only
    parsed = received.message
    assert parsed["Message-ID"] == result.message_id
    (attached,) = list(parsed.iter_attachments())
    assert attached.get_content() == PDF


def test_starttls_with_a_self_signed_certificate(tmp_path: Path) -> None:
    server = SmtpServer(tmp_path, tls=True)
    try:
        # Not trusted: the certificate is refused, nothing is sent.
        (refused,) = send([message()], settings(server), environ={})
        assert not refused.ok and "TLS failed" in refused.answer
        assert server.received == []
        (result,) = send([message()], settings(server, ca_file=server.cert), environ={})
        assert result.ok
        (received,) = server.received
        assert received.tls
    finally:
        server.close()


def test_login_with_the_password_from_the_environment(tmp_path: Path) -> None:
    server = SmtpServer(tmp_path, tls=True, auth=("reports", "s3cret"))
    try:
        ok = settings(server, ca_file=server.cert, user="reports")
        (result,) = send([message()], ok, environ={PASSWORD_ENV: "s3cret"})
        assert result.ok
        (wrong,) = send([message()], ok, environ={PASSWORD_ENV: "nope"})
        assert not wrong.ok and "login refused" in wrong.answer
        assert len(server.received) == 1
    finally:
        server.close()


def test_a_user_without_a_password_fails_before_connecting(server: SmtpServer) -> None:
    with pytest.raises(DeliveryError, match="has no password"):
        send([message()], settings(server, user="reports"), environ={})


def test_the_password_file_must_be_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "password"
    path.write_text("s3cret\nignored\n")
    path.chmod(0o644)
    with pytest.raises(DeliveryError, match=r"others can read or change .* \(mode 644\)"):
        read_password_file(path)
    path.chmod(0o620)
    with pytest.raises(DeliveryError, match=r"\(mode 620\)"):
        read_password_file(path)
    path.chmod(0o600)
    assert read_password_file(path) == "s3cret"
    settings = SmtpSettings("127.0.0.1", user="reports", password_file=path)
    assert settings.login({}) == ("reports", "s3cret")
    assert settings.login({PASSWORD_ENV: "from-env"}) == ("reports", "from-env")
    link = tmp_path / "link"
    link.symlink_to(path)
    with pytest.raises(DeliveryError, match="cannot read"):
        read_password_file(link)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(DeliveryError, match="not a regular file"):
        read_password_file(fifo)  # and does not wait for a writer


def test_plain_smtp_is_refused_to_a_host_that_is_not_this_machine() -> None:
    with pytest.raises(DeliveryError, match="refusing to send unencrypted"):
        SmtpSettings("smtp.example.org", security="none")
    assert SmtpSettings("127.0.0.1", security="none").effective_port == 25
    assert is_loopback("localhost") and is_loopback("::1") and is_loopback("127.1.2.3")
    assert not is_loopback("127.0.0.1.example.org") and not is_loopback("10.0.0.1")


def test_parse_reads_host_port_and_implicit_tls() -> None:
    assert SmtpSettings.parse("smtp.example.org").effective_port == 587
    tls = SmtpSettings.parse("smtp.example.org:465")
    assert (tls.host, tls.port, tls.security) == ("smtp.example.org", 465, "tls")
    v6 = SmtpSettings.parse("[::1]:2525")
    assert (v6.host, v6.port) == ("::1", 2525)
    with pytest.raises(DeliveryError, match="port must be a number"):
        SmtpSettings.parse("smtp.example.org:abc")
    with pytest.raises(DeliveryError, match="not a host name"):
        SmtpSettings.parse("user@smtp.example.org")


def test_a_450_is_retried_and_a_550_fails_that_message_only(server: SmtpServer) -> None:
    server.answers = ["450 4.2.0 mailbox busy", "250 OK", "550 5.1.1 no such user"]
    pauses: list[float] = []
    results = send(
        [message("ana@example.org"), message("bob@example.org"), message("cy@example.org")],
        settings(server, backoff=0.5),
        environ={},
        sleep=pauses.append,
    )
    assert [(r.status, r.attempts) for r in results] == [("sent", 2), ("failed", 1), ("sent", 1)]
    assert results[1].code == 550 and "no such user" in results[1].answer
    assert pauses == [0.5]
    assert [r.recipients for r in server.received] == [["ana@example.org"], ["cy@example.org"]]


def test_a_refused_recipient_is_reported_and_retries_end(server: SmtpServer) -> None:
    server.handler.rcpt_answers["gone@example.org"] = "550 5.1.1 unknown user"
    server.handler.rcpt_answers["later@example.org"] = "451 4.3.0 try later"
    pauses: list[float] = []
    results = send(
        [message("gone@example.org"), message("later@example.org")],
        settings(server, retries=2),
        environ={},
        sleep=pauses.append,
    )
    assert [(r.status, r.code, r.attempts) for r in results] == [
        ("failed", 550, 1),
        ("failed", 451, 3),
    ]
    assert "unknown user" in results[0].answer and "after 3 attempts" in results[1].answer
    assert pauses == [0.01, 0.02]
    assert server.received == []


def test_a_server_that_is_not_there_is_a_temporary_failure(tmp_path: Path) -> None:
    server = SmtpServer(tmp_path)
    server.close()
    pauses: list[float] = []
    first, second = send(
        [message(), message("bo@example.org")],
        settings(server, retries=1),
        environ={},
        sleep=pauses.append,
    )
    assert not first.ok and first.attempts == 2 and "cannot connect" in first.answer
    # The next message does not wait out retries of its own: it is not tried.
    assert not second.ok and second.answer.startswith("not tried: cannot connect")
    assert pauses == [0.01]


def test_a_tls_failure_is_not_retried_for_every_message(tmp_path: Path) -> None:
    server = SmtpServer(tmp_path, tls=True)
    try:
        results = send([message(), message("bo@example.org")], settings(server), environ={})
        assert [r.ok for r in results] == [False, False]
        assert "TLS failed" in results[0].answer
        assert results[1].answer.startswith("not tried: TLS failed")
    finally:
        server.close()


def test_a_recipient_refused_while_another_gets_it_is_reported(server: SmtpServer) -> None:
    server.handler.rcpt_answers["gone@example.org"] = "550 5.1.1 unknown user"
    both = compose_message(
        sender="desk@example.org",
        to=["ana@example.org", "gone@example.org"],
        subject="Rapport",
        text="Bonjour\n",
    )
    (result,) = send([both], settings(server), environ={})
    assert result.ok and result.refused == ("gone@example.org: 550 5.1.1 unknown user",)
    assert [r.recipients for r in server.received] == [["ana@example.org"]]


def test_a_connection_lost_after_the_whole_message_leaves_it_in_doubt(server: SmtpServer) -> None:
    """The server has the message but the answer never comes (RFC 5321 §6.1): sent again, it
    would arrive twice. It is reported in doubt and not retried; the next message goes."""
    server.handler.drop_after_data = {1}
    first, second = send(
        [message("ana@example.org"), message("tom@example.org")], settings(server), environ={}
    )
    assert first.status == "in doubt" and not first.ok and first.attempts == 1
    assert "after the whole message was sent" in first.answer
    assert second.ok
    got = [r.recipients for r in server.received]
    assert got == [["ana@example.org"], ["tom@example.org"]]  # each once


def test_a_connection_lost_before_the_data_ends_is_retried(server: SmtpServer) -> None:
    """Lost at RCPT, the server threw the message away: sent again, it arrives once."""
    server.handler.drop_at_rcpt = {1}
    (result,) = send([message()], settings(server), environ={})
    assert result.ok and result.attempts == 2
    assert [r.recipients for r in server.received] == [["ana@example.org"]]
