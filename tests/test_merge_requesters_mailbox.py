"""Requesters whose emails differ only by their capitals: one mailbox, said at the second
row's line (two copies, two mails for one person otherwise went unnoticed)."""

from __future__ import annotations

from pathlib import Path

from reportbuilder.errors import Severity
from reportbuilder.merge.requesters import read_requesters


def test_an_email_in_other_capitals_is_warned_at_the_second_rows_line(tmp_path: Path) -> None:
    path = tmp_path / "requesters.csv"
    path.write_text(
        "name,email\nAna Pérez,Ana@x.org\nMary Smith,mary@example.com\nAna Pérez,ana@X.ORG\n",
        encoding="utf-8",
    )
    read = read_requesters(path, "requesters.csv")
    assert len(read.rows) == 3  # still made: the sender decides
    (said,) = read.problems
    assert (said.path, said.line, said.severity) == ("requesters.csv", 4, Severity.WARNING)
    assert "'ana@x.org' is row 2's 'Ana@x.org'" in said.message
    assert "the same mailbox" in said.message


def test_the_same_email_written_alike_for_two_people_is_not_warned(tmp_path: Path) -> None:
    """A shared address (an office's) with two names is two requests, as before."""
    path = tmp_path / "requesters.csv"
    path.write_text(
        "name,email\nAna Pérez,office@x.org\nMary Smith,office@x.org\n", encoding="utf-8"
    )
    assert read_requesters(path, "requesters.csv").problems == ()
