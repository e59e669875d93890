"""`reportbuilder mail`: the report built and sent as one message, to an .eml file or through
a real SMTP server (aiosmtpd) on 127.0.0.1; every header checked, no password option."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import copy_fixture
from reportbuilder.cli import main
from reportbuilder.deliver.smtp import PASSWORD_ENV, USER_ENV
from smtp_server import SmtpServer

pytestmark = pytest.mark.pdf

TITLE = "Accès à l’eau : enquête « été » 2026"


def _in_french(project: Path) -> Path:
    config = project / "report.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("title: Water Access Survey", f"title: '{TITLE}'").replace(
        "lang: en", "lang: fr"
    )
    config.write_text(text, encoding="utf-8")
    return project


@pytest.fixture
def project(mini_project: Path) -> Path:
    """The mini fixture with a non-ASCII title, in French."""
    return _in_french(mini_project)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SmtpServer]:
    started = SmtpServer(tmp_path)
    yield started
    started.close()


@pytest.fixture(autouse=True)
def no_smtp_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (PASSWORD_ENV, USER_ENV, "REPORTBUILDER_SMTP_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["mail", *args], catch_exceptions=False)


def parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def plain(message: EmailMessage) -> str:
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")


def test_mail_writes_an_eml_with_both_bodies_and_the_built_pdf(project: Path) -> None:
    eml = project / "out" / "message.eml"
    result = run(str(project), "--to", "Ana Pérez <ana@example.org>", "--eml", str(eml))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {eml}: <")
    message = parse(eml.read_bytes())
    assert str(message["From"]) == "Sam Fixture <desk@example.org>"
    assert str(message["To"]) == "Ana Pérez <ana@example.org>"
    assert message["Subject"] == TITLE
    assert message["Date"].datetime.tzinfo is not None
    assert message["Message-ID"].endswith("@example.org>")
    text = plain(message)
    assert text.startswith("Bonjour,\n\nVeuillez trouver ci-joint le rapport «\u00a0" + TITLE)
    assert "A small fixture report" in text  # the summary: subtitle, then key figures
    signature = "Sam Fixture\nExample Water Trust\nResearch desk\n+1 202-555-0199\ndesk@example.org"
    assert text.rstrip().endswith("-- \n" + signature)
    html = message.get_body(("html",)).get_content()
    assert '<html lang="fr">' in html and 'href="mailto:desk@example.org"' in html
    (attached,) = list(message.iter_attachments())
    # RFC 2231 brings the name back whole, the colon made one Windows can save
    assert attached.get_filename() == f"{TITLE.replace(' :', ' -')}.pdf"
    assert attached.get_content() == (project / "out" / "mini.pdf").read_bytes()
    assert "filename*0*=utf-8''Acc%C3%A8s%20%C3%A0%20l%E2%80%99eau" in eml.read_text("ascii")


def test_mail_in_english_and_spanish(project: Path, tmp_path: Path) -> None:
    built = project / "out" / "given.pdf"
    assert CliRunner().invoke(main, ["build", str(project), "-o", str(built)]).exit_code == 0
    for lang, start in (("en", "Hello,\n\nPlease find attached"), ("es", "Buenos días:\n\n")):
        eml = tmp_path / f"{lang}.eml"
        result = run(
            str(project), "--to", "a@example.org", "--eml", str(eml), "--pdf", str(built),
            "--lang", lang,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert plain(parse(eml.read_bytes())).startswith(start)


def test_mail_through_a_real_smtp_server(project: Path, server: SmtpServer) -> None:
    result = run(str(project), "--to", "ana@example.org", "--to", "bo@example.org",
                 "--smtp", server.address)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"sent through {server.address}" in result.stdout
    (received,) = server.received
    assert received.sender == "desk@example.org"
    assert received.recipients == ["ana@example.org", "bo@example.org"]
    message = received.message
    assert message["Subject"] == TITLE and message["Message-ID"] in result.stdout
    assert plain(message).startswith("Bonjour,")
    assert message.get_body(("html",)) is not None
    (attached,) = list(message.iter_attachments())
    assert attached.get_content() == (project / "out" / "mini.pdf").read_bytes()


def test_the_message_is_dated_when_sent_and_the_pdf_by_source_date_epoch(
    project: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third trial's item 8: CI sets SOURCE_DATE_EPOCH to the last commit's date, and
    `mail` dated the message with it (back-dated mail sorts down and looks like spam)."""
    import io

    import pypdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    result = run(str(project), "--to", "ana@example.org", "--smtp", server.address)
    assert result.exit_code == 0, result.output
    (received,) = server.received
    sent = received.message["Date"].datetime
    assert before - dt.timedelta(seconds=1) <= sent <= dt.datetime.now(dt.UTC), sent
    (attached,) = list(received.message.iter_attachments())
    info = pypdf.PdfReader(io.BytesIO(attached.get_content())).metadata
    assert info is not None and str(info["/CreationDate"]).startswith("D:20231114")


def test_a_copy_lightened_for_the_mail_leaves_the_reports_pdf_alone(
    project: Path, tmp_path: Path
) -> None:
    """The third trial's item 20: `mail --max-size` wrote its lightened, 150-dpi copy over
    out/<report>.pdf, which then went to the print shop."""
    import random

    from PIL import Image

    # Noise (it does not compress) from bytes: a pixel at a time cost 1.5 CPU s.
    photo = Image.frombytes("RGB", (900, 700), random.Random(3).randbytes(900 * 700 * 3))
    photo.save(project / "assets" / "photo.jpg", quality=95)
    chapter = project / "content" / "01-overview.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n![A photo](assets/photo.jpg)\n", "utf-8")
    assert CliRunner().invoke(main, ["build", str(project)]).exit_code == 0
    report = project / "out" / "mini.pdf"
    built = report.read_bytes()
    eml = tmp_path / "light.eml"
    budget = len(built) * 2 // 3
    result = run(str(project), "--to", "a@example.org", "--eml", str(eml),
                 "--max-size", str(budget), "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert report.read_bytes() == built  # the report's own PDF, untouched
    copy = project / "out" / "mini-mail.pdf"
    assert summary["pdf"] == str(copy) and summary["images"]
    (attached,) = list(parse(eml.read_bytes()).iter_attachments())
    assert attached.get_content() == copy.read_bytes() and len(copy.read_bytes()) <= budget


def test_mail_with_starttls_and_a_self_signed_certificate(project: Path, tmp_path: Path) -> None:
    server = SmtpServer(tmp_path, tls=True, auth=("reports", "s3cret"))
    try:
        config = project / "report.yml"
        config.write_text(
            config.read_text()
            + f"mail:\n  smtp:\n    host: 127.0.0.1\n    port: {server.port}\n"
            + f"    user: reports\n    ca_file: {server.cert}\n",
            encoding="utf-8",
        )
        # A user and no password: refused before anything is built.
        result = run(str(project), "--to", "ana@example.org")
        assert result.exit_code == 1 and "has no password" in result.stderr
        assert not (project / "out").exists()
        secret = tmp_path / "smtp-password"
        secret.write_text("s3cret\n")
        secret.chmod(0o600)
        result = CliRunner(env={"REPORTBUILDER_SMTP_PASSWORD_FILE": str(secret)}).invoke(
            main, ["mail", str(project), "--to", "ana@example.org"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        (received,) = server.received
        assert received.tls
        (attached,) = list(received.message.iter_attachments())
        assert attached.get_content() == (project / "out" / "mini.pdf").read_bytes()
    finally:
        server.close()


def test_there_is_no_password_option() -> None:
    result = CliRunner().invoke(main, ["mail", "--help"])
    assert "--password" not in result.output
    command = main.commands["mail"]
    assert not [p.name for p in command.params if "pass" in (p.name or "")]
    result = run(".", "--to", "a@example.org", "--smtp", "127.0.0.1", "--password", "x")
    assert result.exit_code == 2 and "No such option '--password'" in result.stderr


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`project` built once for the tests that give `--pdf` (each reads a copy)."""
    project = _in_french(copy_fixture("mini", tmp_path_factory.mktemp("mailing") / "mini"))
    built = project / "out" / "given.pdf"
    assert CliRunner().invoke(main, ["build", str(project), "-o", str(built)]).exit_code == 0
    return built


@pytest.fixture
def given_pdf(project: Path, built_once: Path) -> Path:
    """This test's `project` built, at `out/given.pdf`: a copy of the same inputs' build."""
    built = project / "out" / "given.pdf"
    built.parent.mkdir(exist_ok=True)
    shutil.copyfile(built_once, built)
    return built


@pytest.mark.parametrize(
    ("to", "expected"),
    [
        ("ana@example.org\r\nBcc: victim@example.org", "'--to': contains a control character"),
        ("ana@example.org\nX-Evil: 1", "'--to': contains a control character"),
        ("not-an-address", "'--to': 'not-an-address' is not a valid email address"),
        ("ana@example.org, bo@example.org", "'--to': 'ana@example.org, bo@example.org' is not"),
    ],
)
def test_header_injection_and_invalid_addresses_are_refused(
    project: Path, given_pdf: Path, to: str, expected: str
) -> None:
    eml = project / "out" / "m.eml"
    result = run(str(project), "--to", to, "--eml", str(eml), "--pdf", str(given_pdf))
    assert result.exit_code == 2  # a wrong option value: usage, as click says of its own
    assert f"Error: Invalid value for {expected}" in result.stderr, result.stderr
    assert "Traceback" not in result.output and not eml.exists()


def test_a_newline_in_a_configured_header_is_refused(project: Path, given_pdf: Path) -> None:
    config = project / "report.yml"
    config.write_text(
        config.read_text() + 'mail:\n  subject: "Rapport\\nBcc: victim@example.org"\n',
        encoding="utf-8",
    )
    eml = project / "out" / "m.eml"
    result = run(str(project), "--to", "a@example.org", "--eml", str(eml), "--pdf", str(given_pdf))
    assert result.exit_code == 1
    assert result.stderr.startswith("report.yml:21: 'mail.subject': contains a line break")
    assert not eml.exists()
    config.write_text(
        config.read_text().replace('subject: "Rapport\\nBcc: victim@example.org"', "from: x@"),
        encoding="utf-8",
    )
    result = run(str(project), "--to", "a@example.org", "--eml", str(eml), "--pdf", str(given_pdf))
    assert result.exit_code == 1 and result.stderr.startswith("report.yml:21: 'mail.from': ")
    assert not eml.exists()


def test_a_450_is_retried_and_a_550_is_reported(
    project: Path, given_pdf: Path, server: SmtpServer
) -> None:
    server.answers = ["450 4.2.0 mailbox busy, try later"]
    args = [
        str(project),
        "--to",
        "a@example.org",
        "--smtp",
        server.address,
        "--pdf",
        str(given_pdf),
    ]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert len(server.received) == 1 and server.handler.data_commands == 2
    server.answers = ["550 5.7.1 message refused"]
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == (
        f"smtp: {server.address} did not take the message: 550 5.7.1 message refused\n"
    )
    assert len(server.received) == 1


def test_a_connection_lost_before_the_answer_is_not_sent_twice(
    project: Path, given_pdf: Path, server: SmtpServer
) -> None:
    """The server kept the message and closed the connection unanswered: sending it again
    (as before) gave the reader two copies with exit 0. One line says to check, exit 1."""
    server.handler.drop_after_data = {1}
    result = run(str(project), "--to", "ana@example.org", "--smtp", server.address,
                 "--pdf", str(given_pdf))  # fmt: skip
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"smtp: {server.address}: connection lost after the whole message")
    assert "check the server for Message-ID <" in line
    assert len(server.received) == 1 and server.handler.data_commands == 1


def test_a_refused_recipient_fails_the_command_and_names_who_got_it(
    project: Path, given_pdf: Path, server: SmtpServer
) -> None:
    server.handler.rcpt_answers["gone@example.org"] = "550 5.1.1 unknown user"
    result = run(str(project), "--to", "ana@example.org", "--to", "gone@example.org",
                 "--smtp", server.address, "--pdf", str(given_pdf))  # fmt: skip
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        lines[0]
        == f"smtp: {server.address} refused a recipient: gone@example.org: 550 5.1.1 unknown user"
    )
    assert lines[1].startswith("smtp: sent to ana@example.org only (<")
    assert len(server.received) == 1


def test_plain_smtp_to_another_host_is_refused(project: Path, given_pdf: Path) -> None:
    config = project / "report.yml"
    config.write_text(config.read_text() + "mail:\n  smtp:\n    host: smtp.example.org\n"
                      "    security: none\n", encoding="utf-8")  # fmt: skip
    result = run(str(project), "--to", "a@example.org", "--pdf", str(given_pdf))
    # Said at its line when the project is read (by `check` too), before any message.
    assert result.exit_code == 1
    assert "'mail.smtp': security: none (unencrypted) is only for a relay on this machine" in (
        result.stderr
    )


def test_both_eml_and_smtp_is_a_usage_error(project: Path) -> None:
    result = run(str(project), "--to", "a@example.org", "--eml", "x.eml", "--smtp", "localhost")
    assert result.exit_code == 2 and "not both" in result.stderr


def test_json_the_vcard_and_a_given_pdf_over_the_budget(
    project: Path, given_pdf: Path, tmp_path: Path
) -> None:
    config = project / "report.yml"
    config.write_text(config.read_text() + "mail:\n  vcard: true\n", encoding="utf-8")
    eml = tmp_path / "m.eml"
    args = [str(project), "--to", "a@example.org", "--eml", str(eml), "--pdf", str(given_pdf)]
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (
        summary["ok"] and summary["eml"] == str(eml) and summary["recipients"] == ["a@example.org"]
    )
    assert summary["pdf_bytes"] == given_pdf.stat().st_size
    assert summary["message_bytes"] == eml.stat().st_size
    pdf, card = list(parse(eml.read_bytes()).iter_attachments())
    assert pdf.get_content() == given_pdf.read_bytes()
    assert card.get_content_type() == "text/vcard" and card.get_filename() == "desk.vcf"
    assert "FN:Sam Fixture" in card.get_content()
    eml.unlink()
    result = run(*args, "--max-size", "2KB")
    assert result.exit_code == 1 and not eml.exists()
    assert (
        result.stderr.startswith(f"{given_pdf}: weighs ") and "over max_size 2 KB" in result.stderr
    )


def test_the_library_call_and_its_errors(project: Path, given_pdf: Path, tmp_path: Path) -> None:
    import reportbuilder

    eml = tmp_path / "lib.eml"
    result = reportbuilder.mail(project, to=["ana@example.org"], eml=eml, pdf=given_pdf)
    assert isinstance(result, reportbuilder.MailResult) and result.eml == str(eml)
    assert parse(eml.read_bytes())["Message-ID"] == result.message_id
    with pytest.raises(reportbuilder.DeliveryError) as raised:
        reportbuilder.mail(project, to=["x@", "y\n"], eml=eml, pdf=given_pdf)
    assert [p.path for p in raised.value.problems] == ["--to", "--to"]
    with pytest.raises(reportbuilder.DeliveryError, match="nowhere to send"):
        reportbuilder.mail(project, to=["ana@example.org"], pdf=given_pdf)


def test_a_given_pdf_must_be_this_report(project: Path, given_pdf: Path, tmp_path: Path) -> None:
    """`--pdf` attached any PDF under this report's title: another project's report (or last
    year's) went out with this one's subject and message."""
    eml = tmp_path / "m.eml"
    config = project / "report.yml"
    config.write_text(config.read_text().replace(f"title: '{TITLE}'", "title: Another study"))
    result = run(str(project), "--to", "a@example.org", "--eml", str(eml), "--pdf", str(given_pdf))
    assert result.exit_code == 1 and not eml.exists()
    assert result.stderr.splitlines() == [
        f'{given_pdf}: is "{TITLE}", not this report ("Another study"): it would go out under '
        "this report's title and message (give this report's PDF, or leave out --pdf to build it)"
    ]
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    result = run(str(project), "--to", "a@example.org", "--eml", str(eml), "--pdf", str(passwd))
    assert result.exit_code == 1 and "root:" not in result.stderr  # no byte of it echoed
    assert result.stderr.splitlines() == [f"{passwd}: not a readable PDF"]
