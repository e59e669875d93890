"""The two commands a user waits for most often, against their budgets (issue 13).

Run by hand: `.venv/bin/python bench/quick.py [--runs 10]`. Times `reportbuilder check .` on
the example (the repository's root) and a cold `reportbuilder --help`, each `--runs` times in
turn, and prints the median and the range of wall time and of CPU time (user + system: the
machine is shared, and CPU time moves less than wall time with the load), with the load
average. Exits 1 when a median is over its budget: `check` 0.5 s, `--help` 0.3 s (wall time
on an idle machine; on a loaded one, read the CPU figures). Bytecode is written as an
installed package has it (PYTHONDONTWRITEBYTECODE is dropped), and the user's cache folder is
the usual one, warmed by a first run not counted (what a user who runs `check` twice sees).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, Run, measured

RB = str(Path(sys.executable).parent / "reportbuilder")
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BUDGETS = {"check": 0.5, "--help": 0.3}


def commands() -> dict[str, list[str]]:
    return {"check": [RB, "check", "."], "--help": [RB, "--help"]}


def line(name: str, runs: list[Run]) -> str:
    walls = [r.wall for r in runs]
    cpus = [r.cpu for r in runs]
    return (
        f"{name:8} wall median {statistics.median(walls):.3f} s "
        f"({min(walls):.3f}–{max(walls):.3f}); CPU median {statistics.median(cpus):.3f} s "
        f"({min(cpus):.3f}–{max(cpus):.3f}); budget {BUDGETS[name]} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    cmds = commands()
    for cmd in cmds.values():  # bytecode and the user's cache folder, as after a first run
        measured(cmd, ROOT, env=ENV)
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    runs: dict[str, list[Run]] = {name: [] for name in cmds}
    for _ in range(args.runs):  # in turn: a change of load moves both alike
        for name, cmd in cmds.items():
            runs[name].append(measured(cmd, ROOT, env=ENV))
    over = False
    for name, timed in runs.items():
        print(line(name, timed))
        over |= statistics.median(r.wall for r in timed) > BUDGETS[name]
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
