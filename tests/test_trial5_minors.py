"""Trial 5 #19, minors: `mail` with nowhere to send is a usage error (exit 2, as PRODUCT.md
has it for how a command is called); `watch` on a project that never built does not speak
of a last good PDF it does not have."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
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
    try:
        # The first build fails at the template within seconds; 20 s on a busy machine.
        time.sleep(20)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert "content/01-overview.md:" in err, err
    assert "the build failed; nothing was written" in err, err
    assert "last good PDF" not in err


@pytest.mark.parametrize("count", [0, -2])
def test_a_shard_count_below_one_is_said_as_such(count: int) -> None:
    from reportbuilder.merge.naming import Shard

    with pytest.raises(ValueError, match=f"shard 1/{count}: the number of shards is at least 1"):
        Shard(1, count)
