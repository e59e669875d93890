"""No message sent twice, even when the merge is killed between the SMTP server taking a
message and the journal recording its answer: the row is *in doubt*, reported with its
Message-ID, and sent again only on `--resend-in-doubt`."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder.cli import main
from smtp_server import SmtpServer

pytestmark = pytest.mark.pdf

PEOPLE = (
    "name,email\n"
    "Jeanne Dupont,jeanne@example.fr\n"
    "Mary Smith,mary@example.com\n"
    "Tom Brown,tom@example.com\n"
)


@pytest.fixture
def slim_project(tmp_path: Path) -> Path:
    """mini without its second chapter (a chart, a contact card): each merge lays the body out
    per language, and the delivery of the copies needs no more."""
    project = copy_fixture("mini", tmp_path / "mini")
    (project / "content" / "02-findings.md").unlink()
    return project


def kill_after_first_accepted(server: SmtpServer) -> dict[str, Any]:
    """The server takes the first message, then SIGKILLs the merge (`state["pid"]`) before
    answering it: the message is delivered, the merge never hears so."""
    state: dict[str, Any] = {"pid": None, "killed": False}
    handler = server.handler
    original = handler.handle_DATA

    async def handle_data(smtp: Any, session: Any, envelope: Any) -> str:
        answer = await original(smtp, session, envelope)
        if state["pid"] is not None and not state["killed"]:
            state["killed"] = True
            os.kill(state["pid"], signal.SIGKILL)
        return answer

    handler.handle_DATA = handle_data  # type: ignore[method-assign]
    return state


def counts(server: SmtpServer) -> collections.Counter[str]:
    return collections.Counter(m.message["To"].addresses[0].addr_spec for m in server.received)


def journal(out: Path) -> list[dict[str, Any]]:
    lines = (out / "merge-journal.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_a_merge_killed_after_the_server_took_a_message_never_sends_it_twice(
    slim_project: Path, tmp_path: Path
) -> None:
    server = SmtpServer(tmp_path)
    try:
        rows = tmp_path / "requesters.csv"
        rows.write_text(PEOPLE, encoding="utf-8")
        out = tmp_path / "copies"
        args = ["merge", str(slim_project), str(rows), "-o", str(out), "--smtp", server.address]
        state = kill_after_first_accepted(server)
        process = subprocess.Popen(
            [sys.executable, "-m", "reportbuilder", *args, "--json"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        state["pid"] = process.pid
        _, err = process.communicate(timeout=900)
        assert process.returncode == -signal.SIGKILL, err.decode()
        assert counts(server) == {"jeanne@example.fr": 1}
        (taken,) = server.received
        ident = str(taken.message["Message-ID"])
        last = {entry["line"]: entry for entry in journal(out)}
        assert last[2]["sending"] is True and last[2]["sent"] is False
        assert last[2]["message_id"] == ident  # journaled, durably, before the server had it

        dry = CliRunner().invoke(main, [*args, "--dry-run"], catch_exceptions=False)
        assert dry.exit_code == 0
        (doubt,) = [line for line in dry.stdout.splitlines() if "in doubt" in line]
        assert doubt.startswith("row 2: already made") and "--resend-in-doubt" in doubt

        # Resumed: the row in doubt is reported with its Message-ID, not sent; the others are.
        for _ in range(2):
            result = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
            assert result.exit_code == 1
            summary = json.loads(result.stdout)
            (problem,) = [p for p in summary["problems"] if p["severity"] == "error"]
            assert problem["line"] == 2
            assert problem["message"].startswith(
                f"in doubt: sent? check the server for Message-ID {ident}"
            )
            assert [r["sent"] for r in summary["rows"]] == [False, True, True]
            assert counts(server) == {
                "jeanne@example.fr": 1,
                "mary@example.com": 1,
                "tom@example.com": 1,
            }

        # Only when the user says so is it sent again (here: a second copy, as asked).
        result = CliRunner().invoke(
            main, [*args, "--resend-in-doubt", "--json"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        assert counts(server)["jeanne@example.fr"] == 2
        assert str(server.received[-1].message["Message-ID"]) == ident  # the same message
        result = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
        assert result.exit_code == 0 and len(server.received) == 4
    finally:
        server.close()


def test_a_connection_lost_before_the_answer_leaves_the_row_in_doubt(
    slim_project: Path, tmp_path: Path
) -> None:
    """The server keeps the second message and closes the connection without answering: a
    blind retry gave Mary two copies and exit 0. The row is in doubt at its line (exit 1),
    the next is not handed to that server in this run, and a re-run sends it, not Mary's."""
    server = SmtpServer(tmp_path)
    try:
        server.handler.drop_after_data = {2}
        rows = tmp_path / "requesters.csv"
        rows.write_text(PEOPLE, encoding="utf-8")
        out = tmp_path / "copies"
        args = ["merge", str(slim_project), str(rows), "-o", str(out), "--smtp", server.address]
        first = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
        assert first.exit_code == 1, first.output
        summary = json.loads(first.stdout)
        doubt, untried = [p for p in summary["problems"] if p["severity"] == "error"]
        assert (doubt["line"], untried["line"]) == (3, 4)
        assert doubt["message"].startswith("in doubt: sent? check the server")
        assert "connection lost after the whole message was sent" in doubt["message"]
        assert "not tried: 127.0.0.1 did not answer an earlier message" in untried["message"]
        assert [r["sent"] for r in summary["rows"]] == [True, False, False]
        assert counts(server) == {"jeanne@example.fr": 1, "mary@example.com": 1}
        for _ in range(2):
            result = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
            assert result.exit_code == 1, result.output
            summary = json.loads(result.stdout)
            (problem,) = [p for p in summary["problems"] if p["severity"] == "error"]
            assert problem["line"] == 3
            assert problem["message"].startswith("in doubt: sent? check the server")
            assert "connection lost after the whole message was sent" in problem["message"]
            assert [r["sent"] for r in summary["rows"]] == [True, False, True]
            assert counts(server) == {
                "jeanne@example.fr": 1,
                "mary@example.com": 1,
                "tom@example.com": 1,
            }
        last = {entry["line"]: entry for entry in journal(out)}
        assert last[3]["sending"] is True and last[3]["sent"] is False
    finally:
        server.close()


def test_a_run_split_another_way_never_sends_again_what_a_shard_sent(
    slim_project: Path, tmp_path: Path
) -> None:
    """Shards 1/2 and 2/2 sent every row; the plain re-run "to make sure" and a 1/3 run after
    the job matrix changed sent each again (10 messages for 4 rows)."""
    server = SmtpServer(tmp_path)
    try:
        rows = tmp_path / "requesters.csv"
        rows.write_text(PEOPLE, encoding="utf-8")
        out = tmp_path / "copies"
        args = ["merge", str(slim_project), str(rows), "-o", str(out), "--smtp", server.address]
        for split in (["--shard", "1/2"], ["--shard", "2/2"], [], ["--shard", "1/3"]):
            result = CliRunner().invoke(main, [*args, *split, "--json"], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            summary = json.loads(result.stdout)
            assert all(row["sent"] for row in summary["rows"]), split
        assert counts(server) == {
            "jeanne@example.fr": 1,
            "mary@example.com": 1,
            "tom@example.com": 1,
        }
    finally:
        server.close()


def test_a_second_merge_on_the_same_folder_is_refused_while_one_runs(
    slim_project: Path, tmp_path: Path
) -> None:
    """Two merges at once on one folder (a double click, a retried CI job) both sent every
    row. The second is refused at once, before anything is made or sent."""
    from reportbuilder.merge.journal import Journal, journal_name

    server = SmtpServer(tmp_path)
    running = Journal(tmp_path / "copies" / journal_name(None))
    running.lock()  # as the first merge holds it, until its process ends
    try:
        rows = tmp_path / "requesters.csv"
        rows.write_text(PEOPLE, encoding="utf-8")
        out = tmp_path / "copies"
        args = ["merge", str(slim_project), str(rows), "-o", str(out), "--smtp", server.address]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 1
        assert result.stderr.strip() == (
            f"{out}: another merge is running with this output folder (merge-journal.jsonl "
            "is in use): the same rows would be sent twice; wait for it to end"
        )
        assert list(out.glob("*.pdf")) == [] and server.received == []
    finally:
        running.unlock()
        server.close()
