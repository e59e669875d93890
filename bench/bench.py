"""Benchmark: `reportbuilder build` against bare WeasyPrint on the same HTML.

Run by hand (`make bench`, or `.venv/bin/python bench/bench.py [--runs N] [--sizes 1,5]`).
For each size, a copy of the example project with its (French) chapters repeated N times is
composed once to the very HTML the renderer lays out; then, in alternation, `reportbuilder
build --force` (whole pipeline, one process, the cache bypassed) and the bare `weasyprint`
command (same HTML, same base URL, same tagging) are timed. Printed: medians
of wall time and peak memory, and the ratios run by run (reportbuilder / bare WeasyPrint).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process; an exit code not in `ok` stops."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in ok:
        raise SystemExit(
            f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return wall, usage.ru_maxrss / 1024


def make_project(tmp: Path, repeat: int) -> Path:
    project = tmp / f"x{repeat}"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".*", "out", "src", "tests", "bench", "*.egg-info", "build", "dist"
        ),
    )
    # The source chapters only: `01-x.en.md` is a translation, not a chapter of this edition.
    chapters = [
        p
        for p in sorted((project / "content").glob("*.md"))
        if not re.search(r"\.[a-z]{2}\.md$", p.name)
    ]
    for copy in range(1, repeat):
        for chapter in chapters:
            shutil.copy(chapter, chapter.with_name(f"{chapter.stem}-{copy:02d}.md"))
    return project


def write_render_html(project: Path, html: Path) -> None:
    """The HTML the render process is given (not `--format html`, which inlines assets)."""
    from reportbuilder import Edition, load_project, render_html

    html.write_text(render_html(load_project(project), Edition()).text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1,5", help="chapter repetitions, comma-separated")
    args = parser.parse_args()
    rb, wp = str(BIN / "reportbuilder"), str(BIN / "weasyprint")
    heads = ("size", "pages", "rb s", "wp s", "time ×", "rb MiB", "wp MiB", "mem ×", "size ×")
    print(" ".join(f"{h:>7}" for h in heads))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for repeat in (int(s) for s in args.sizes.split(",")):
            project = make_project(tmp, repeat)
            html, rb_pdf, wp_pdf = tmp / "r.html", tmp / "rb.pdf", tmp / "wp.pdf"
            write_render_html(project, html)
            rb_cmd = [rb, "build", str(project), "--force", "-o", str(rb_pdf)]
            wp_cmd = [wp, "--pdf-tags", "-u", f"{project.as_uri()}/", str(html), str(wp_pdf)]
            timed(rb_cmd, tmp), timed(wp_cmd, tmp)  # warm the file cache
            rows = []
            for _ in range(args.runs):
                rows.append((timed(rb_cmd, tmp), timed(wp_cmd, tmp)))
            from pypdf import PdfReader

            pages = len(PdfReader(rb_pdf).pages)
            rb_t = statistics.median(r[0][0] for r in rows)
            wp_t = statistics.median(r[1][0] for r in rows)
            ratio_t = statistics.median(r[0][0] / r[1][0] for r in rows)
            rb_m = statistics.median(r[0][1] for r in rows)
            wp_m = statistics.median(r[1][1] for r in rows)
            ratio_m = statistics.median(r[0][1] / r[1][1] for r in rows)
            ratio_s = rb_pdf.stat().st_size / wp_pdf.stat().st_size
            cells = (repeat, pages, rb_t, wp_t, ratio_t, rb_m, wp_m, ratio_m, ratio_s)
            print(" ".join(f"{c:>7.2f}" if isinstance(c, float) else f"{c:>7}" for c in cells))


if __name__ == "__main__":
    main()
