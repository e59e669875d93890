"""Benchmark: `reportbuilder diff` on two long reports that differ by one figure.

Run by hand (`.venv/bin/python bench/diff.py [--repeat 14] [--runs 3]`). The example's
chapters are repeated to make a report of about 100 pages (repeat 14 ≈ 111 pages), built
twice: as is, and with one percent changed in the data. Printed: the median wall time and
peak memory of `reportbuilder diff` on the pair, with and without `--visual`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import BIN, make_project, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=14)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        project = make_project(tmp, args.repeat)
        rb = str(BIN / "reportbuilder")
        old, new = tmp / "old.pdf", tmp / "new.pdf"
        subprocess.run([rb, "build", str(project), "-o", str(old)], check=True)
        study = project / "data" / "study.yml"
        text = study.read_text(encoding="utf-8")
        study.write_text(
            text.replace("percent: 89}", "percent: 88}").replace("percent: 11}", "percent: 12}"),
            encoding="utf-8",
        )
        subprocess.run([rb, "build", str(project), "-o", str(new)], check=True)
        from pypdf import PdfReader

        pages = len(PdfReader(new).pages)
        for label, extra in (("diff", []), ("diff --visual", ["--visual", str(tmp / "v")])):
            times, memory = [], []
            for _ in range(args.runs):
                wall, rss = timed([rb, "diff", str(old), str(new), *extra], tmp, ok=(0, 1))
                times.append(wall)
                memory.append(rss)
            print(
                f"{label:14} {pages} pages: {statistics.median(times):.2f} s, "
                f"{statistics.median(memory):.0f} MiB"
            )


if __name__ == "__main__":
    main()
