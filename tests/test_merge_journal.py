"""The merge journal: durable lines, latest wins, a torn line ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbuilder.errors import OutputError
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


def test_a_row_sent_by_another_split_counts_as_sent(tmp_path: Path) -> None:
    """Shards keep their own journals; a run split another way (or not at all) reads them
    all: a row a shard sent is never sent again (it was, to every requester, twice)."""
    shard = Journal(tmp_path / journal_name("1/2"))
    shard.record(Entry("k1", 2, "a@example.org", "a.pdf", "11", sent=True, answer="250 OK"))
    shard.record(Entry("k2", 3, "b@example.org", "b.pdf", "22", sending=True, message_id="<m>"))
    shard.record(Entry("k3", 4, "c@example.org", "c.pdf", "33"))  # made, not sent
    whole = Journal(tmp_path / journal_name(None))
    whole.record(Entry("k1", 2, "a@example.org", "a.pdf", "11"))  # made here, never sent
    again = Journal(tmp_path / journal_name(None))
    k1, k2 = again.get("k1"), again.get("k2")
    assert k1 is not None and k1.sent and k1.answer == "250 OK"
    assert k2 is not None and k2.in_doubt and k2.message_id == "<m>"
    assert again.get("k3") is None  # made elsewhere but not sent: this run may send it
    other_way = Journal(tmp_path / journal_name("1/3"))
    assert other_way.get("k1") is not None and other_way.get("k1").sent  # type: ignore[union-attr]


def test_one_run_at_a_time_per_journal_and_no_other_split_beside_it(tmp_path: Path) -> None:
    """Two merges at once on one folder both sent every row (16 messages for 8 rows)."""
    first = Journal(tmp_path / journal_name(None))
    first.lock()
    with pytest.raises(OutputError) as refused:
        Journal(tmp_path / journal_name(None)).lock()
    (problem,) = refused.value.problems
    assert "another merge is running with this output folder" in problem.message
    with pytest.raises(OutputError) as refused:  # split another way: the same rows
        Journal(tmp_path / journal_name("2/3")).lock()
    assert "another merge is running" in refused.value.problems[0].message
    first.unlock()

    one = Journal(tmp_path / journal_name("1/2"))
    one.lock()
    two = Journal(tmp_path / journal_name("2/2"))
    two.lock()  # the same split's shards take other rows: side by side is fine
    with pytest.raises(OutputError) as refused:
        Journal(tmp_path / journal_name(None)).lock()
    assert "a merge with --shard I/2 is running" in refused.value.problems[0].message
    one.unlock()
    two.unlock()
    Journal(tmp_path / journal_name(None)).lock()  # free again (and when a process dies)
