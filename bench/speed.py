"""Speed beyond the engine: what a user waits for, measured side by side in one run.

Run by hand: `.venv/bin/python bench/speed.py [--runs 3] [--sizes 1,5,13]`. For each size (the
example's French chapters repeated N times: about 8, 30 and 100 pages) it prints medians of:
a full build (`--force`), a rebuild with nothing changed (the cache), a rebuild after one
sentence changed in a middle chapter, `check`; then, once, a cold `--help` and the example's
three languages with `--jobs 1` and `--jobs 2`. Ratios are against the full build of the same
size. Compare with `bench/bench.py` (the full build against bare WeasyPrint).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, make_project

BIN = Path(sys.executable).parent
RB = str(BIN / "reportbuilder")


def wall(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{result.stderr.decode()}")
    return seconds


def median(runs: int, once: Callable[[], float]) -> float:
    return statistics.median(once() for _ in range(runs))


def edit_middle(project: Path, count: list[int]) -> None:
    """Change one sentence of a chapter in the middle of the report."""
    chapters = sorted((project / "content").glob("*.md"))
    chapter = chapters[len(chapters) // 2]
    count[0] += 1
    with chapter.open("a", encoding="utf-8") as file:
        file.write(f"\nUne phrase modifiée ({count[0]}).\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1,5,13", help="chapter repetitions, comma-separated")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    heads = ("size", "pages", "full s", "no-change", "×", "one edit", "×", "check s")
    print(" ".join(f"{h:>9}" for h in heads))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for repeat in (int(s) for s in args.sizes.split(",")):
            project = make_project(tmp, repeat)
            pdf = tmp / f"r{repeat}.pdf"
            build = [RB, "build", str(project), "-o", str(pdf)]
            wall([*build, "--force"], tmp)  # warm the file cache and the chart fonts
            full = median(args.runs, lambda b=build: wall([*b, "--force"], tmp))
            unchanged = median(args.runs, lambda b=build: wall(b, tmp))
            edits = [0]

            def one_edit(b: list[str] = build, p: Path = project, n: list[int] = edits) -> float:
                edit_middle(p, n)
                return wall(b, tmp)

            edited = median(args.runs, one_edit)
            checked = median(args.runs, lambda p=project: wall([RB, "check", str(p)], tmp))
            from pypdf import PdfReader

            pages = len(PdfReader(pdf).pages)
            cells = (
                repeat,
                pages,
                full,
                unchanged,
                unchanged / full,
                edited,
                edited / full,
                checked,
            )
            print(" ".join(f"{c:>9.2f}" if isinstance(c, float) else f"{c:>9}" for c in cells))
        helped = median(args.runs, lambda: wall([RB, "--help"], tmp))
        print(f"cold --help: {helped:.2f} s")
        example = make_project(tmp / "languages", 1)
        for name in ("content",):
            # the translations too: make_project keeps only the French chapters
            for path in (ROOT / name).glob("*.??.md"):
                (example / name / path.name).write_bytes(path.read_bytes())
        times = {}
        for jobs in (1, 2):
            cmd = [RB, "build", str(example), "--lang", "all", "--force", "--jobs", str(jobs)]
            times[jobs] = median(args.runs, lambda c=cmd: wall(c, tmp))
        print(
            f"3 languages: --jobs 1 {times[1]:.2f} s, --jobs 2 {times[2]:.2f} s "
            f"({times[1] / times[2]:.2f}× faster)"
        )
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
