"""A merge's messages: .eml files and SMTP to a real server on 127.0.0.1 (aiosmtpd), each row
delivered exactly once across a dropped connection and a re-run."""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.deliver.smtp import SmtpSettings
from reportbuilder.merge.delivery import Outbox
from reportbuilder.merge.run import MergeOptions, merge
from smtp_server import SmtpServer

pytestmark = pytest.mark.pdf

PEOPLE = (
    "name,email,lang,reference\n"
    "Jeanne Dupont,jeanne@example.fr,fr,R-1\n"
    "Mary Smith,mary@example.com,en,R-2\n"
    "Ana Pérez,ana@example.org,es,R-3\n"
    "Tom Brown,tom@example.com,en,R-4\n"
    "Luis García,luis@example.org,es,R-5\n"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SmtpServer]:
    started = SmtpServer(tmp_path)
    yield started
    started.close()


def people(tmp_path: Path, text: str = PEOPLE) -> Path:
    path = tmp_path / "requesters.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_eml_files_carry_each_row_its_own_pdf(
    mini_project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out, eml = tmp_path / "copies", tmp_path / "eml"
    rows = people(tmp_path, PEOPLE.split("Tom")[0])
    result = runner.invoke(
        main,
        ["merge", str(mini_project), str(rows), "-o", str(out), "--eml-dir", str(eml), "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [r["sent"] for r in summary["rows"]] == [True, True, True]
    for row in summary["rows"]:
        pdf = out / row["file"]
        message = email.message_from_bytes(
            (eml / (pdf.stem + ".eml")).read_bytes(), policy=email.policy.default
        )
        assert message["To"].addresses[0].addr_spec == row["email"]
        assert message["From"].addresses[0].addr_spec == "desk@example.org"
        (attachment,) = list(message.iter_attachments())  # type: ignore[attr-defined]
        assert attachment.get_filename() == row["file"]
        assert attachment.get_content() == pdf.read_bytes()
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert row["name"] in text  # greeted by name, in the row's language
    greeting = {r["lang"]: r for r in summary["rows"]}
    assert (
        "Bonjour Jeanne Dupont" in (eml / (Path(greeting["fr"]["file"]).stem + ".eml")).read_text()
    )


def test_a_rerun_says_the_rows_were_sent_before_not_now(
    mini_project: Path, tmp_path: Path, server: SmtpServer, runner: CliRunner
) -> None:
    """The third trial's item 21: a re-run after every row was sent said "6 sent" while it
    (rightly) sent nothing."""
    out, rows = tmp_path / "copies", people(tmp_path, PEOPLE.split("Ana")[0])
    args = ["merge", str(mini_project), str(rows), "-o", str(out), "--smtp", server.address]
    first = runner.invoke(main, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert ": 2 made, 2 sent (journal: " in first.stdout
    again = runner.invoke(main, args, catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert ": 2 kept, 2 sent before (journal: " in again.stdout
    assert len(server.received) == 2


def test_smtp_each_row_exactly_once_across_a_dropped_connection_and_a_rerun(
    mini_project: Path, tmp_path: Path, server: SmtpServer
) -> None:
    rows = people(tmp_path)
    out = tmp_path / "copies"
    settings = SmtpSettings.parse(server.address, retries=1, backoff=0.01, timeout=10)
    options = MergeOptions(out, outbox=Outbox(smtp=settings))
    drops = server_drops_after(server, 2)
    first = merge(mini_project, rows, options)
    assert len(server.received) == 2
    assert [r.sent for r in first.rows] == [True, True, False, False, False]
    failed = [p for p in first.problems if p.severity == "error"]
    assert [p.line for p in failed] == [4, 5, 6] and "not sent" in failed[0].message
    assert drops["dropped"] >= 1
    drops["on"] = False  # the server is well again
    second = merge(mini_project, rows, options)
    assert second.ok, second.problems
    assert [r.status for r in second.rows] == ["kept"] * 5  # no PDF made again
    assert [r.sent for r in second.rows] == [True] * 5
    received = [m.message["To"].addresses[0].addr_spec for m in server.received]
    assert sorted(received) == sorted(line.split(",")[1] for line in PEOPLE.splitlines()[1:])
    third = merge(mini_project, rows, options)
    assert third.ok and len(server.received) == 5  # nothing sent twice
    # A copy deleted, and the names changed: made again, still never sent again.
    (out / third.rows[0].file).unlink()
    renamed = MergeOptions(out, name_template="{reference}", outbox=Outbox(smtp=settings))
    fourth = merge(mini_project, rows, renamed)
    assert fourth.ok and len(server.received) == 5
    assert [r.status for r in fourth.rows] == ["made"] + ["kept"] * 4
    assert fourth.rows[0].file == "R-1.pdf" and fourth.rows[0].sent
    journal = [json.loads(x) for x in (out / "merge-journal.jsonl").read_text().splitlines()]
    # Each message has a "sending" line before its answer's; the latest line of each row wins.
    latest = {j["line"]: j for j in journal}
    assert all(j["sent"] and not j["sending"] for j in latest.values())
    # One per message handed over: 5, and rows 4-6 once more in the first, dropped run.
    assert sum(1 for j in journal if j["sending"]) == 8
    assert journal[-1]["answer"].startswith("250") and journal[-1]["file"] == "R-1.pdf"


def test_a_450_is_retried_and_a_550_fails_its_row_only(
    mini_project: Path, tmp_path: Path, server: SmtpServer
) -> None:
    rows = people(tmp_path, PEOPLE.split("Ana")[0])
    server.answers = ["450 4.2.0 busy", "250 OK", "550 5.1.1 mailbox unavailable"]
    settings = SmtpSettings.parse(server.address, retries=1, backoff=0.01, timeout=10)
    result = merge(mini_project, rows, MergeOptions(tmp_path / "c", outbox=Outbox(smtp=settings)))
    assert [r.sent for r in result.rows] == [True, False]
    assert result.rows[0].answer == "250 accepted (after 2 attempts)"
    # (The French row also warns that the chapters have no French translation.)
    (problem,) = [p for p in result.problems if p.severity == "error"]
    assert (problem.path, problem.line) == (str(rows), 3)
    assert "550" in problem.message and "mailbox unavailable" in problem.message
    assert len(server.received) == 1


def test_rate_paces_the_messages(mini_project: Path, tmp_path: Path, server: SmtpServer) -> None:
    import time

    rows = people(tmp_path, PEOPLE.split("Ana")[0])
    settings = SmtpSettings.parse(server.address, retries=0, timeout=10)
    outbox = Outbox(smtp=settings, per_minute=60)  # one a second
    merge(mini_project, rows, MergeOptions(tmp_path / "c", dry_run=False))  # the copies first
    started = time.monotonic()
    result = merge(mini_project, rows, MergeOptions(tmp_path / "c", outbox=outbox))
    assert result.ok and [r.status for r in result.rows] == ["kept", "kept"]
    assert time.monotonic() - started >= 1.0
    assert len(server.received) == 2
    bad = CliRunner().invoke(main, ["merge", str(mini_project), str(rows), "--rate", "fast"])
    assert bad.exit_code == 2 and "N/min" in bad.output


def server_drops_after(server: SmtpServer, count: int) -> dict[str, Any]:
    """From message `count + 1` on, the server closes the connection instead of answering
    RCPT (before any of the message is sent: it is not in doubt), until `state["on"]` is
    set False. (Closed after the whole message, it is in doubt: test_merge_in_doubt.)"""
    state: dict[str, Any] = {"on": True, "dropped": 0}
    handler = server.handler
    original = handler.handle_RCPT

    async def handle_rcpt(
        smtp: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if state["on"] and len(handler.received) >= count:
            state["dropped"] += 1
            smtp.transport.close()
            return "421 4.3.0 going away"
        return await original(smtp, session, envelope, address, options)

    handler.handle_RCPT = handle_rcpt  # type: ignore[method-assign]
    return state


def test_smtp_and_eml_together_are_refused(mini_project: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["merge", str(mini_project), str(people(tmp_path)), "--eml-dir", "x", "--smtp", "h"],
    )
    assert result.exit_code == 2 and "not both" in result.output


def test_plain_smtp_to_another_host_is_refused(mini_project: Path, tmp_path: Path) -> None:
    config = mini_project / "report.yml"
    config.write_text(
        config.read_text() + "mail:\n  smtp: {host: example.org, security: none}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["merge", str(mini_project), str(people(tmp_path)), "--smtp", "mail.example.org"]
    )
    assert result.exit_code == 2 and "unencrypted" in result.output
