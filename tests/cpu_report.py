"""`pytest --cpu-report=N`: the CPU seconds each test cost, with every process it started.

On a machine shared with other work, `--durations` measures the load as much as the tests (a
test of 38 CPU s took 6 minutes at load 16); the CPU a test and its processes spend does not
change with the load. Each test is charged with what the test process and all its descendants
(alive, or ended and waited for: the render processes, the CLI runs forked by the warm
command) spent from the start of its setup to the end of its teardown, read from /proc: a
module fixture's build is charged to the first test that uses it. The summary lists the N
costliest tests and the costliest files, and the sum; under pytest-xdist the workers measure
and the controller adds up. Opt-in: reading /proc costs ~6 ms a test.

It also counts, per file, what the CPU went to: the layouts (every `render_in_process`, in any
process the test started, logged through `REPORTBUILDER_RENDER_LOG`: CPU, pages, title), the
render processes started (cold: WeasyPrint imported in it), the fresh interpreters started
(`sys.executable`, `python -m reportbuilder`, the `reportbuilder` script) and the runs of the
warm command; then the documents laid out most often (by title) and the fixed and per-page
CPU of a layout (a least-squares line through every one-pass layout).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

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


_RENDER_LOG = "REPORTBUILDER_RENDER_LOG"  # see reportbuilder.render.renderer.RENDER_LOG


def _is_interpreter(args: Any) -> bool:
    """Whether a Popen's command starts a fresh Python (the command, a script, a tool)."""
    if isinstance(args, (str, bytes, os.PathLike)):
        args = [args]
    first = os.fsdecode(args[0]) if args else ""
    return first == sys.executable or Path(first).name in ("python", "python3", "reportbuilder")


class CpuReport:
    """Measures each test where it runs; adds up and prints where the session is reported."""

    def __init__(self, shown: int) -> None:
        self.shown = shown
        self.started: dict[str, float] = {}
        self.spent: dict[str, float] = {}
        self.windows: dict[str, tuple[str, float, float]] = {}  # worker, start, end
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.current: Counter[str] = Counter()
        # The controller (or a run without xdist) names the log; workers inherit it.
        if not os.environ.get(_RENDER_LOG):
            folder = tempfile.mkdtemp(prefix="cpu-report-")
            os.environ[_RENDER_LOG] = str(Path(folder, "layouts.jsonl"))
        self._count_processes()

    def _count_processes(self) -> None:
        from warm_cli import WarmCli

        popen, warm = subprocess.Popen.__init__, WarmCli.run
        current = self.current

        def counted_popen(process: Any, args: Any, *more: Any, **named: Any) -> None:
            if _is_interpreter(args):
                current["interpreters"] += 1
            popen(process, args, *more, **named)

        def counted_warm(cli: Any, *args: Any, **named: Any) -> Any:
            current["warm runs"] += 1
            return warm(cli, *args, **named)

        subprocess.Popen.__init__ = counted_popen  # type: ignore[method-assign]
        WarmCli.run = counted_warm  # type: ignore[method-assign]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.current.clear()
        self.started[item.nodeid] = tree_cpu_seconds()
        self.windows[item.nodeid] = (os.environ.get("PYTEST_XDIST_WORKER", ""), time.time(), 0.0)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport:
        report: pytest.TestReport = yield
        if call.when == "teardown" and item.nodeid in self.started:
            spent = tree_cpu_seconds() - self.started.pop(item.nodeid)
            report.user_properties.append((_KEY, round(spent, 2)))
            worker, start, _ = self.windows.pop(item.nodeid)
            report.user_properties.append(("cpu_window", (worker, start, time.time())))
            report.user_properties.append(("cpu_counts", dict(self.current)))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == _KEY:
                self.spent[report.nodeid] = float(value)
            elif name == "cpu_window":
                worker, start, end = value
                self.windows[report.nodeid] = (worker, float(start), float(end))
            elif name == "cpu_counts":
                self.counts[report.nodeid].update(value)

    def _layouts(self) -> list[dict[str, Any]]:
        """Every layout and render process start logged, each with the test it ran for."""
        path = Path(os.environ.get(_RENDER_LOG, ""))
        if not path.is_file():
            return []
        by_worker: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
        for nodeid, (worker, start, end) in self.windows.items():
            by_worker[worker].append((start, end, nodeid))
        found = []
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            entry["test"] = next(
                (
                    nodeid
                    for start, end, nodeid in by_worker.get(entry["worker"], ())
                    if start <= entry["start"] <= end
                ),
                "(outside any test)",
            )
            found.append(entry)
        return found

    def _structure(self, write: Any) -> None:
        """Layouts, pages, processes per file; the documents laid out most; CPU per page."""
        entries = self._layouts()
        if entries:  # each layout with its test, for a closer look (which tests build what)
            kept = Path(os.environ[_RENDER_LOG]).with_name("layouts-by-test.jsonl")
            kept.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
            write(f"every layout with its test: {kept}")
        files: dict[str, Counter[str]] = defaultdict(Counter)
        cpu: Counter[str] = Counter()
        for nodeid, counts in self.counts.items():
            files[nodeid.split("::")[0]].update(counts)
        titles: Counter[str] = Counter()
        title_cpu: Counter[str] = Counter()
        layouts = [e for e in entries if e.get("event") == "layout"]
        for entry in entries:
            name = entry["test"].split("::")[0]
            if entry.get("event") == "start":
                files[name]["render starts"] += 1
                files[name]["cold render starts"] += int(entry["cold"])
                continue
            files[name]["layouts"] += 1
            files[name]["pages"] += entry["pages"]
            cpu[name] += entry["cpu"]
            key = f"{entry['title'] or '(no title)'} [{entry['pages']} p]"
            titles[key] += 1
            title_cpu[key] += entry["cpu"]
        pages = sum(e["pages"] for e in layouts)
        total = sum(files.values(), Counter())
        write(
            f"layouts: {len(layouts)}, {pages} pages, {sum(cpu.values()):.0f} CPU s in them; "
            f"render processes started: {total['render starts']} "
            f"({total['cold render starts']} cold); fresh interpreters: "
            f"{total['interpreters']}; warm runs: {total['warm runs']}"
        )
        points = [(e["pages"], e["cpu"]) for e in layouts if e["pages"] and e["passes"] == 1]
        if len(points) > 2:
            n = len(points)
            mean_x = sum(x for x, _ in points) / n
            mean_y = sum(y for _, y in points) / n
            var = sum((x - mean_x) ** 2 for x, _ in points)
            slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / var if var else 0.0
            write(
                f"a one-pass layout: {mean_y - slope * mean_x:.3f} CPU s + {slope:.3f} per page "
                f"(least squares over {n}; mean {mean_x:.1f} pages, {mean_y:.3f} s)"
            )
        write(
            "by file: CPU s (all), layouts, pages, their CPU s, render processes (cold), "
            "interpreters, warm runs"
        )
        spent: Counter[str] = Counter()
        for nodeid, seconds in self.spent.items():
            spent[nodeid.split("::")[0]] += seconds
        for name, seconds in spent.most_common(self.shown):
            f = files[name]
            write(
                f"{seconds:8.2f}  {f['layouts']:4d} {f['pages']:5d} {cpu[name]:7.1f} "
                f"{f['render starts']:4d} ({f['cold render starts']}) {f['interpreters']:4d} "
                f"{f['warm runs']:4d}  {name}"
            )
        write("documents laid out most often (title [pages]: times, CPU s):")
        for key, times in titles.most_common(self.shown):
            write(f"{times:5d} {title_cpu[key]:7.1f}  {key}")

    def _timeline(self, write: Any) -> None:
        """When each worker started its first test and ended its last, how long it was in a
        test, and its last tests: the tail where one worker works and the other waits."""
        by_worker: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
        for nodeid, (worker, start, end) in self.windows.items():
            by_worker[worker].append((start, end, nodeid))
        if not by_worker:
            return
        zero = min(start for runs in by_worker.values() for start, _, _ in runs)
        last = max(end for runs in by_worker.values() for _, end, _ in runs)
        write(f"timeline (wall s from the first test; the last test ended at {last - zero:.0f}):")
        for worker, runs in sorted(by_worker.items()):
            runs.sort()
            busy = sum(end - start for start, end, _ in runs)
            write(
                f"  {worker or 'main'}: {len(runs)} tests, {runs[0][0] - zero:.0f}–"
                f"{runs[-1][1] - zero:.0f} s, in tests {busy:.0f} s, idle at the end "
                f"{last - runs[-1][1]:.0f} s; its last tests:"
            )
            for start, end, nodeid in runs[-3:]:
                write(f"    {start - zero:7.0f} {end - start:6.1f} s  {nodeid}")
        # A test that waits (a fixed sleep, a time limit run out, a server's retry) holds its
        # worker without using a core: on 2 cores it costs the run its wall time, not its CPU.
        waits = sorted(
            (
                (end - start - self.spent.get(nodeid, 0.0), end - start, nodeid)
                for runs in by_worker.values()
                for start, end, nodeid in runs
            ),
            reverse=True,
        )
        write("tests that waited most (wall s minus CPU s, wall s; under load: for a core too):")
        for waited, wall, nodeid in waits[: min(self.shown, 15)]:
            write(f"  {waited:7.1f} {wall:7.1f}  {nodeid}")

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.spent:
            return
        write = terminalreporter.write_line
        total = sum(self.spent.values())
        terminalreporter.section(f"CPU seconds (tests and their processes): {total:.0f} in all")
        ranked = sorted(self.spent.items(), key=lambda item: -item[1])
        for nodeid, spent in ranked[: self.shown]:
            write(f"{spent:8.2f}  {nodeid}")
        self._structure(write)
        self._timeline(write)
