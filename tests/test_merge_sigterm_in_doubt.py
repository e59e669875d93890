"""Trial 5 #27: SIGTERM while the SMTP server holds a message (taken, not yet answered)
leaves that row *in doubt*: the run's last words and the journal say so, and the next run
reports it with its Message-ID instead of sending it again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from smtp_server import SmtpServer

pytestmark = pytest.mark.pdf

PEOPLE = "name,email\nJeanne Dupont,jeanne@example.fr\nMary Smith,mary@example.com\n"


def test_sigterm_during_a_transaction_leaves_the_row_in_doubt_and_says_so(
    mini_project: Path, tmp_path: Path
) -> None:
    server = SmtpServer(tmp_path)
    state: dict[str, Any] = {"pid": None, "done": False}
    original = server.handler.handle_DATA

    async def handle_data(smtp: Any, session: Any, envelope: Any) -> str:
        answer = await original(smtp, session, envelope)
        if state["pid"] is not None and not state["done"]:
            state["done"] = True
            os.kill(state["pid"], signal.SIGTERM)  # the message is taken, not yet answered
            await asyncio.sleep(2)
        return answer

    server.handler.handle_DATA = handle_data  # type: ignore[method-assign]
    try:
        rows = tmp_path / "requesters.csv"
        rows.write_text(PEOPLE, encoding="utf-8")
        out = tmp_path / "copies"
        args = ["merge", str(mini_project), str(rows), "-o", str(out), "--smtp", server.address]
        process = subprocess.Popen(
            [sys.executable, "-m", "reportbuilder", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        state["pid"] = process.pid
        output, err = process.communicate(timeout=900)
        assert process.returncode == 143, err
        assert len(server.received) == 1
        ident = str(server.received[0].message["Message-ID"])
        lines = (out / "merge-journal.jsonl").read_text("utf-8").splitlines()
        last = {entry["line"]: entry for entry in map(json.loads, filter(None, lines))}
        assert last[2]["sending"] is True and last[2]["sent"] is False
        assert last[2]["message_id"] == ident
        said = output + err
        assert "stopped by SIGTERM" in said
        assert "in doubt" in said and ident in said, said
        result = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
        (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["line"] == 2]
        assert problem["message"].startswith(
            f"in doubt: sent? check the server for Message-ID {ident}"
        )
        assert len(server.received) == 2  # Mary sent; Jeanne not again
    finally:
        server.close()
