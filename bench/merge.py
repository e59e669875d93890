"""Benchmark: `reportbuilder merge` against separate `reportbuilder build` runs.

Run by hand: `.venv/bin/python bench/merge.py [--rows 20] [--big 1000] [--runs 3] [--jobs 2]`.

1. A merge of `--rows` requesters (one process, `--jobs` render processes) against as many
   separate `reportbuilder build --force` runs of the example (no output cache), one after
   the other: the merge's copies
   are personalised, the builds' are not, so the builds are the cheaper side of the
   comparison. Runs alternate (merge, builds, merge, builds …); the ratio is taken run by run.
2. A merge of `--big` requesters, timed once or `--big-runs` times.

Printed: wall seconds (median, min–max), CPU seconds of the whole process tree, and rows/s.
The machine is shared: CPU seconds are steadier than wall time when it is loaded, and the
load average is printed beside each figure.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PARTS = ("report.yml", "content", "data", "contacts.yml", "assets", "templates", "styles")
FIRST = ["Ana", "Jean", "Mary", "Luis", "Sofía", "Marc", "Élodie", "John", "Carmen", "Pierre"]
LAST = ["Pérez", "Dupont", "Smith", "García", "Martin", "Núñez", "Bernard", "Brown", "López"]
ORGS = ["Fundación Sol", "Mairie de Lyon", "", "Ministerio del Interior", "ONG Horizon", ""]


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the process and every child it reaped) of one command."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def requesters(path: Path, rows: int, langs: list[str]) -> Path:
    rng = random.Random(rows)
    lines = ["name,email,organisation,lang,reference"]
    for n in range(rows):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        lines.append(
            f"{name},p{n}@example.org,{rng.choice(ORGS)},{langs[n % len(langs)]},R-{n:05d}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--big", type=int, default=1000, help="0 to skip")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--langs", default="fr", help="languages of the rows, e.g. fr,en,es")
    args = parser.parse_args()
    langs = args.langs.split(",")
    tool = str(BIN / "reportbuilder")
    with tempfile.TemporaryDirectory(prefix="bench-merge-") as tmp:
        work = Path(tmp)
        project = work / "example"
        project.mkdir()
        for name in PARTS:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, project / name)
            elif source.is_file():
                shutil.copy2(source, project / name)
        small = requesters(work / "small.csv", args.rows, langs)
        merge_cmd = [tool, "merge", str(project), str(small), "-o", str(work / "m")]
        merge_cmd += ["--jobs", str(args.jobs), "--json"]
        merges, builds, ratios, merge_cpu, build_cpu = [], [], [], [], []
        for run in range(args.runs):
            shutil.rmtree(work / "m", ignore_errors=True)
            wall, cpu = timed(merge_cmd, work)
            merges.append(wall)
            merge_cpu.append(cpu)
            total_wall = total_cpu = 0.0
            for n in range(args.rows):
                out = work / "b" / f"{n}.pdf"
                # --force: a build restored from the output cache would not be a build.
                wall, cpu = timed([tool, "build", str(project), "-o", str(out), "--force"], work)
                total_wall += wall
                total_cpu += cpu
            builds.append(total_wall)
            build_cpu.append(total_cpu)
            ratios.append(total_wall / merges[-1])
            print(
                f"run {run + 1}: merge {merges[-1]:.2f} s, {args.rows} builds {total_wall:.2f} s,"
                f" ×{ratios[-1]:.1f} (load {load()})",
                flush=True,
            )
        print(f"merge of {args.rows} ({','.join(langs)}, --jobs {args.jobs}):")
        print(f"  merge  wall {summary(merges)} s, cpu {summary(merge_cpu)} s")
        print(f"  builds wall {summary(builds)} s, cpu {summary(build_cpu)} s (one at a time)")
        print(f"  speed-up, run by run: {summary(ratios)}×")
        cpu_ratio = statistics.median(b / m for b, m in zip(build_cpu, merge_cpu, strict=True))
        print(f"  speed-up in CPU seconds: {cpu_ratio:.1f}×")
        if args.big:
            big = requesters(work / "big.csv", args.big, langs)
            cmd = [tool, "merge", str(project), str(big), "-o", str(work / "big")]
            cmd += ["--jobs", str(args.jobs), "--json"]
            walls, cpus = [], []
            for _ in range(args.big_runs):
                shutil.rmtree(work / "big", ignore_errors=True)
                wall, cpu = timed(cmd, work)
                walls.append(wall)
                cpus.append(cpu)
                print(f"  {args.big} rows: {wall:.1f} s wall, {cpu:.1f} s cpu (load {load()})")
            rate = args.big / statistics.median(walls)
            print(
                f"merge of {args.big}: wall {summary(walls)} s, cpu {summary(cpus)} s, "
                f"{rate:.1f} rows/s"
            )


if __name__ == "__main__":
    main()
