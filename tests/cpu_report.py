"""`pytest --cpu-report=N`: the CPU seconds each test cost, with every process it started.

On a machine shared with other work, `--durations` measures the load as much as the tests (a
test of 38 CPU s took 6 minutes at load 16); the CPU a test and its processes spend does not
change with the load. Each test is charged with what the test process and all its descendants
(alive, or ended and waited for: the render processes, the CLI runs forked by the warm
command) spent from the start of its setup to the end of its teardown, read from /proc: a
module fixture's build is charged to the first test that uses it. The summary lists the N
costliest tests and the costliest files, and the sum; under pytest-xdist the workers measure
and the controller adds up. Opt-in: reading /proc costs ~6 ms a test.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

__all__ = ["CpuReport"]

_TICKS = os.sysconf("SC_CLK_TCK")
_KEY = "cpu_seconds"


def tree_cpu_seconds(root: int | None = None) -> float:
    """User + system CPU seconds of process `root` (this one by default) and of all its
    descendants, alive or waited for (/proc/PID/stat: utime, stime, cutime, cstime)."""
    root = os.getpid() if root is None else root
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        ticks[pid] = sum(int(value) for value in fields[11:15])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += ticks.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total / _TICKS


class CpuReport:
    """Measures each test where it runs; adds up and prints where the session is reported."""

    def __init__(self, shown: int) -> None:
        self.shown = shown
        self.started: dict[str, float] = {}
        self.spent: dict[str, float] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.started[item.nodeid] = tree_cpu_seconds()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport:
        report: pytest.TestReport = yield
        if call.when == "teardown" and item.nodeid in self.started:
            spent = tree_cpu_seconds() - self.started.pop(item.nodeid)
            report.user_properties.append((_KEY, round(spent, 2)))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == _KEY:
                self.spent[report.nodeid] = float(value)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.spent:
            return
        write = terminalreporter.write_line
        total = sum(self.spent.values())
        terminalreporter.section(f"CPU seconds (tests and their processes): {total:.0f} in all")
        ranked = sorted(self.spent.items(), key=lambda item: -item[1])
        for nodeid, spent in ranked[: self.shown]:
            write(f"{spent:8.2f}  {nodeid}")
        files: Counter[str] = Counter()
        for nodeid, spent in self.spent.items():
            files[nodeid.split("::")[0]] += spent
        write("by file:")
        for name, spent in files.most_common(self.shown):
            write(f"{spent:8.2f}  {name}")
