"""Trial 5 #19, minors: `mail` with nowhere to send is a usage error (exit 2, as PRODUCT.md
has it for how a command is called); `watch` on a project that never built does not speak
of a last good PDF it does not have."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_fixture
from reportbuilder.cli import main


@pytest.mark.pdf  # the report is built before the message is addressed
def test_mail_with_nowhere_to_send_is_a_usage_error(mini_project: Path) -> None:
    result = CliRunner().invoke(main, ["mail", str(mini_project), "--to", "a@example.org"])
    assert result.exit_code == 2, result.output
    assert "nowhere to send the message: give --eml FILE or --smtp" in result.output


@pytest.mark.pdf
def test_watch_without_a_good_build_says_nothing_was_written(tmp_path: Path) -> None:
    project = copy_fixture("mini", tmp_path / "mini")
    chapter = project / "content" / "01-overview.md"
    chapter.write_text(chapter.read_text() + "\n{{ broken\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "reportbuilder", "watch", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # The first build fails at the template within seconds (20 s on a busy machine): stopped
    # once it has said so, not after a fixed wait (20 s of a worker in every run).
    lines: list[str] = []
    said = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if "nothing was written" in line:
                said.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        said.wait(120)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)
        reader.join(60)
    err = "".join(lines)
    assert said.is_set(), err
    assert "content/01-overview.md:" in err, err
    assert "the build failed; nothing was written" in err, err
    assert "last good PDF" not in err


@pytest.mark.parametrize("count", [0, -2])
def test_a_shard_count_below_one_is_said_as_such(count: int) -> None:
    from reportbuilder.merge.naming import Shard

    with pytest.raises(ValueError, match=f"shard 1/{count}: the number of shards is at least 1"):
        Shard(1, count)
