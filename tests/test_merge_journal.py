"""The merge journal: durable lines, latest wins, a torn line ignored."""

from __future__ import annotations

from pathlib import Path

from reportbuilder.merge.journal import Entry, Journal, journal_name


def test_records_survive_and_the_latest_wins(tmp_path: Path) -> None:
    path = tmp_path / journal_name(None)
    journal = Journal(path)
    journal.record(Entry("k1", 2, "a@example.org", "a.pdf", "11"))
    journal.record(Entry("k2", 3, "b@example.org", "b.pdf", "22"))
    journal.record(Entry("k1", 2, "a@example.org", "a.pdf", "11", sent=True, answer="250 OK"))
    again = Journal(path)
    assert again.get("k1") is not None and again.get("k1").sent  # type: ignore[union-attr]
    assert again.get("k1").answer == "250 OK"  # type: ignore[union-attr]
    assert again.get("k2") is not None and not again.get("k2").sent  # type: ignore[union-attr]
    assert all(e.at.endswith("Z") for e in again.entries.values())


def test_a_torn_last_line_is_ignored_and_the_next_record_kept(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    Journal(path).record(Entry("k1", 2, "a@example.org", "a.pdf", "11"))
    with path.open("a") as handle:
        handle.write('{"key": "k2", "line": 3, "ema')  # the process died mid-write
    journal = Journal(path)
    assert set(journal.entries) == {"k1"}
    journal.record(Entry("k3", 4, "c@example.org", "c.pdf", "33"))
    assert set(Journal(path).entries) == {"k1", "k3"}


def test_shards_keep_separate_journals() -> None:
    assert journal_name("2/3") == "merge-journal-2of3.jsonl"
    assert journal_name(None) == "merge-journal.jsonl"
