"""Speed beyond the engine: what a user waits for, measured side by side in one run.

Run by hand: `.venv/bin/python bench/speed.py [--runs 3] [--sizes 1,5,13]`. For each size (the
example's French chapters repeated N times: about 8, 30 and 100 pages) it prints medians of: a
full build (`--force`), a rebuild with nothing changed (the cache), a rebuild after one
sentence changed in a middle chapter, `check`; then, once, a cold `--help` and four editions of
the largest size (the example's three languages and a fourth) with `--jobs 1` and `--jobs 2`,
alternated (`--jobs-only` measures only these). The three builds are timed in turn, run after
run (full, no change, edit, full, …), and the ratios taken run by run against the full build of
the same run, in wall time and in CPU time (the process and its render process): a machine
whose load changes during the run moves both sides alike. (Timed in a row instead, all full
builds first, an edit once looked 1.2–1.3× a full build when it costs the same.) Python writes
its bytecode as usual here, even if PYTHONDONTWRITEBYTECODE is set, as an installed package has
it: compiling our modules on every run would add a quarter second. Compare with
`bench/bench.py` (the full build against bare WeasyPrint).
`--parts` measures chapter-by-chapter layout (REPORTBUILDER_PARTS=1) instead: first build on
`--jobs 1` and `--jobs 2`, a one-sentence edit, and the size of the assembled PDF, each
against today's whole build run in turn with it (`--force`: its chart and Markdown memo kept,
where the first builds by parts start from no cache), and the first build by parts on two
jobs against a whole first build too (`cold`: no cache either, like for like).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, Run, make_project, measured

BIN = Path(sys.executable).parent
RB = str(BIN / "reportbuilder")
# As an installed package: bytecode written once and read after (see the docstring).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or ENV
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{result.stderr.decode()}")
    return seconds


def run(cmd: list[str], cwd: Path) -> Run:
    """Wall and CPU time (children included) of one command, with bytecode as installed."""
    return measured(cmd, cwd, env=ENV)


def median(runs: int, once: Callable[[], float]) -> float:
    return statistics.median(once() for _ in range(runs))


def edit_middle(project: Path, count: list[int]) -> None:
    """Change one sentence of a chapter in the middle of the report."""
    chapters = sorted((project / "content").glob("*.md"))
    chapter = chapters[len(chapters) // 2]
    count[0] += 1
    with chapter.open("a", encoding="utf-8") as file:
        file.write(f"\nUne phrase modifiée ({count[0]}).\n")


def four_languages(tmp: Path, repeat: int) -> Path:
    """The example repeated `repeat` times with its translations (English, Spanish), and a
    fourth edition (Portuguese, the Spanish text again): four outputs of the same size."""
    project = make_project(tmp / "languages", repeat)
    content = project / "content"
    for path in (ROOT / "content").glob("*.??.md"):
        stem, lang = path.name[: -len(".xx.md")], path.name[-5:-3]
        for copy in ["", *(f"-{n:02d}" for n in range(1, repeat))]:
            for code in [lang, "pt"] if lang == "es" else [lang]:
                (content / f"{stem}{copy}.{code}.md").write_bytes(path.read_bytes())
    # The theme's words in Spanish stand for Portuguese ones (`check` wants them).
    (project / "locale").mkdir(exist_ok=True)
    spanish_words = ROOT / "src" / "reportbuilder" / "themes" / "base" / "locale" / "es.po"
    (project / "locale" / "pt.po").write_bytes(spanish_words.read_bytes())
    config = project / "report.yml"
    text = config.read_text(encoding="utf-8")
    spanish = "    output: out/informe-trata-chile.pdf\n"
    assert spanish in text, "the example's Spanish edition moved: update four_languages"
    fourth = "  pt:\n    title: O tráfico de pessoas no Chile\n    output: out/relatorio.pdf\n"
    config.write_text(text.replace(spanish, spanish + fourth, 1), encoding="utf-8")
    return project


def jobs(runs: int, tmp: Path, repeat: int) -> None:
    """`--jobs 1` against `--jobs 2` on four editions of the same size (`--lang all`),
    alternated run by run: wall time, CPU time (children included) and peak memory."""
    project = four_languages(tmp, repeat)
    build = [RB, "build", str(project), "--lang", "all", "--force"]
    run([*build, "--jobs", "1"], tmp)  # warm the file cache and the chart fonts
    rows = []
    for _ in range(runs):
        rows.append((run([*build, "--jobs", "1"], tmp), run([*build, "--jobs", "2"], tmp)))
    one, two = (statistics.median(r[i].wall for r in rows) for i in (0, 1))
    faster = statistics.median(a.wall / b.wall for a, b in rows)
    cpu = statistics.median(b.cpu / a.cpu for a, b in rows)
    peak = max(b.peak for _, b in rows)
    print(
        f"4 languages of {repeat} repeats: --jobs 1 {one:.2f} s, --jobs 2 {two:.2f} s "
        f"({faster:.2f}× faster, run by run; CPU {cpu:.2f}× of --jobs 1; "
        f"largest process {peak:.0f} MiB)"
    )


def parts(runs: int, sizes: list[int]) -> None:
    """Chapter-by-chapter layout against today's whole build, pair by pair (A B A B …): the
    first build on --jobs 1 and --jobs 2 (no cache), a one-sentence edit in a middle chapter
    (--jobs 2, parts from the cache), and the assembled PDF's size."""
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    heads = ("size", "pages", "whole s", "first j1", "×", "first j2", "×", "j2/j1", "edit", "×")
    print(" ".join(f"{h:>9}" for h in heads) + "    size ×  cold s  j2/cold")
    on = {**os.environ, "REPORTBUILDER_PARTS": "1", "SOURCE_DATE_EPOCH": "1700000000"}
    off = {**on, "REPORTBUILDER_PARTS": "0"}  # whole, whatever the default
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for repeat in sizes:
            project = make_project(tmp, repeat)
            whole_pdf, parts_pdf = tmp / f"w{repeat}.pdf", tmp / f"p{repeat}.pdf"
            whole = [RB, "build", str(project), "-o", str(whole_pdf), "--force", "--jobs", "1"]
            cache = project / ".reportbuilder"

            def first(
                jobs: int, p: Path = project, c: Path = cache, out: Path = parts_pdf
            ) -> float:
                shutil.rmtree(c, ignore_errors=True)
                cmd = [RB, "build", str(p), "-o", str(out), "--jobs", str(jobs)]
                return wall(cmd, tmp, on)

            def cold(c: Path = cache, cmd: list[str] = whole) -> float:
                """A whole first build too: the folder never built (no chart or Markdown
                memo kept, as the first builds by parts have none)."""
                shutil.rmtree(c, ignore_errors=True)
                return wall(cmd, tmp, off)

            wall(whole, tmp, off)  # warm the file cache and the chart fonts
            rows: list[tuple[float, float, float, float, float]] = []
            edits = [0]
            for _ in range(runs):
                full = wall(whole, tmp, off)
                whole_first = cold()
                one, two = first(1), first(2)
                edit_middle(project, edits)
                cmd = [RB, "build", str(project), "-o", str(parts_pdf), "--jobs", "2"]
                rows.append((full, one, two, wall(cmd, tmp, on), whole_first))
            wall(whole, tmp, off)  # the same text as the last parts build, for the size
            full, one, two, edited, coldest = (
                statistics.median(r[i] for r in rows) for i in range(5)
            )
            from pypdf import PdfReader

            pages = len(PdfReader(parts_pdf).pages)
            size = parts_pdf.stat().st_size / whole_pdf.stat().st_size
            ratios = [statistics.median(r[i] / r[0] for r in rows) for i in (1, 2, 3)]
            j2j1 = statistics.median(r[2] / r[1] for r in rows)
            j2cold = statistics.median(r[2] / r[4] for r in rows)
            cells = (repeat, pages, full, one, ratios[0], two, ratios[1], j2j1, edited, ratios[2])
            line = " ".join(f"{c:>9.2f}" if isinstance(c, float) else f"{c:>9}" for c in cells)
            print(f"{line} {size:>9.2f} {coldest:>7.2f} {j2cold:>8.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1,5,13", help="chapter repetitions, comma-separated")
    parser.add_argument(
        "--parts",
        action="store_true",
        help="only chapter-by-chapter layout (REPORTBUILDER_PARTS=1) against whole builds",
    )
    parser.add_argument(
        "--jobs-only", action="store_true", help="only --jobs 1 against --jobs 2 on 4 editions"
    )
    args = parser.parse_args()
    if args.jobs_only:
        print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
        with tempfile.TemporaryDirectory() as tmp_name:
            jobs(args.runs, Path(tmp_name), max(int(s) for s in args.sizes.split(",")))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        return
    if args.parts:
        parts(args.runs, [int(s) for s in args.sizes.split(",")])
        return
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    heads = ("size", "pages", "full s", "no-change", "×", "one edit", "×", "cpu ×", "check s")
    print(" ".join(f"{h:>9}" for h in heads))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for repeat in (int(s) for s in args.sizes.split(",")):
            project = make_project(tmp, repeat)
            pdf = tmp / f"r{repeat}.pdf"
            build = [RB, "build", str(project), "-o", str(pdf)]
            run([*build, "--force"], tmp)  # warm the file cache and the chart fonts
            edits = [0]
            rows: list[tuple[Run, Run, Run]] = []
            for _ in range(args.runs):  # in turn, so that a change of load moves all three
                full = run([*build, "--force"], tmp)
                unchanged = run(build, tmp)
                edit_middle(project, edits)
                rows.append((full, unchanged, run(build, tmp)))
            checked = median(args.runs, lambda p=project: wall([RB, "check", str(p)], tmp))
            from pypdf import PdfReader

            pages = len(PdfReader(pdf).pages)
            cells = (
                repeat,
                pages,
                statistics.median(f.wall for f, _, _ in rows),
                statistics.median(u.wall for _, u, _ in rows),
                statistics.median(u.wall / f.wall for f, u, _ in rows),
                statistics.median(e.wall for _, _, e in rows),
                statistics.median(e.wall / f.wall for f, _, e in rows),
                statistics.median(e.cpu / f.cpu for f, _, e in rows),
                checked,
            )
            print(" ".join(f"{c:>9.2f}" if isinstance(c, float) else f"{c:>9}" for c in cells))
        helped = median(args.runs, lambda: wall([RB, "--help"], tmp))
        print(f"cold --help: {helped:.2f} s")
        jobs(args.runs, tmp, max(int(size) for size in args.sizes.split(",")))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
