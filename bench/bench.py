"""Benchmark: `reportbuilder build` against bare WeasyPrint on the same HTML, and peers.

Run by hand (`make bench`, or `.venv/bin/python bench/bench.py [--runs N] [--sizes 2,20,100]
[--peers]`). Sizes are pages, about: 2 is the example's first chapter alone; more is the
example with its (French) chapters repeated to reach the size (400 takes minutes a run).
For each size the project is composed once to the very HTML the renderer lays out; then, in
alternation, `reportbuilder build --force` (whole pipeline, the cache bypassed) and the bare
`weasyprint` command (same HTML, same base URL, same tagging) are timed. Printed: medians of
wall time, CPU time (user + system of the process and the children it waited for: steadier
than wall time on a busy machine) and peak memory (the largest single process), and the
ratios run by run (reportbuilder / bare WeasyPrint).

Bare WeasyPrint draws the contents' dot leaders one text box a dot, where reportbuilder draws
runs of dots (`render/leaders.py`): with a long contents the build can beat the bare engine.

`--peers` times md2pdf and `pandoc --pdf-engine=weasyprint` on the same chapters as one
Markdown file (Jinja expressions left out: the peers do not template), and, where installed,
headless Chromium (`--print-to-pdf`) on the same HTML as bare WeasyPrint; ratios against
bare WeasyPrint. md2pdf and pandoc come from PyPI (`md2pdf[cli]`, `pypandoc_binary`, which
ships a pandoc binary) into a virtual environment of their own, `bench/.peers/` (made on the
first `--peers` run, then reused; git-ignored); pandoc runs with that environment's
`weasyprint` first on PATH. See bench/README.md.
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
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PEERS = Path(__file__).resolve().parent / ".peers"
PEER_PACKAGES = ("md2pdf[cli]", "pypandoc_binary")


class Run(NamedTuple):
    wall: float  # seconds
    peak: float  # MiB, the largest single process
    cpu: float  # seconds, user + system, children waited for included


def measured(
    cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> Run:
    """Wall and CPU seconds and peak RSS of one process; an exit code not in `ok` stops."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in ok:
        raise SystemExit(
            f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return Run(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def timed(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process; an exit code not in `ok` stops."""
    run = measured(cmd, cwd, ok)
    return run.wall, run.peak


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


def project_of_pages(tmp: Path, pages: int) -> Path:
    """A copy of the example of about `pages` pages (the example is about 8 with 4 chapters:
    cover, contents, 6 of chapters; each copy of the chapters adds about 5.6)."""
    if pages <= 4:
        project = make_project(tmp, 1)
        project = project.rename(project.with_name(f"p{pages}"))
        for chapter in (project / "content").glob("*.md"):
            if not chapter.name.startswith("01-"):
                chapter.unlink()
        with (project / "report.yml").open("a", encoding="utf-8") as file:
            file.write("toc: false\n")
        return project
    project = make_project(tmp, max(1, round((pages - 2) / 5.6)))
    return project.rename(project.with_name(f"p{pages}"))


def write_render_html(project: Path, html: Path) -> None:
    """The HTML the render process is given (not `--format html`, which inlines assets)."""
    from reportbuilder import Edition, load_project, render_html

    html.write_text(render_html(load_project(project), Edition()).text, encoding="utf-8")


def plain_markdown(project: Path, out: Path) -> Path:
    """The chapters as one Markdown file without their Jinja (front matter, `{{ }}`, `{% %}`
    left out): what a peer that does not template can be given."""
    parts = []
    for chapter in sorted((project / "content").glob("*.md")):
        if re.search(r"\.[a-z]{2}\.md$", chapter.name):
            continue
        text = re.sub(r"\A---\n.*?\n---\n", "", chapter.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
        parts.append(re.sub(r"\{\{.*?\}\}", "…", text, flags=re.S))
    out.write_text("\n\n".join(parts), encoding="utf-8")
    return out


def peers_bin() -> Path:
    """The `bin/` of bench/.peers, a virtual environment with md2pdf and pandoc (from PyPI),
    made on first use; a failed install is tried again next time."""
    stamp = PEERS / ".installed"
    if not stamp.exists():
        print(f"installing {', '.join(PEER_PACKAGES)} into {PEERS} (once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        pip = [str(PEERS / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, *PEER_PACKAGES], check=True)
        stamp.touch()
    return PEERS / "bin"


def peers(markdown: Path, html: Path, tmp: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """The peers' commands, by name, with the environment each runs in."""
    here = dict(os.environ)
    peer_bin = peers_bin()
    # pandoc calls `weasyprint` by name: the peers' own, not ours, comes first.
    path = {**here, "PATH": f"{peer_bin}{os.pathsep}{here.get('PATH', '')}"}
    pandoc = subprocess.run(
        [str(peer_bin / "python"), "-c", "import pypandoc; print(pypandoc.get_pandoc_path())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    found = {
        "md2pdf": (
            [str(peer_bin / "md2pdf"), "-i", str(markdown), "-o", str(tmp / "md2pdf.pdf")],
            here,
        ),
        "pandoc→weasyprint": (
            [pandoc, str(markdown), "--pdf-engine=weasyprint", "-o", str(tmp / "pandoc.pdf")],
            path,
        ),
    }
    chromium = next(
        (c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None
    )
    if chromium:
        found["chromium"] = (
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp / 'chromium.pdf'}",
                html.as_uri(),
            ],
            here,
        )
    return found


def median(values: Iterable[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="2,20,100", help="pages, about; comma-separated")
    parser.add_argument(
        "--peers",
        action="store_true",
        help="md2pdf, pandoc (installed into bench/.peers on first use), Chromium too",
    )
    args = parser.parse_args()
    rb, wp = str(BIN / "reportbuilder"), str(BIN / "weasyprint")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    heads = ("size", "pages", "rb s", "wp s", "time ×", "cpu ×", "rb MiB", "wp MiB", "mem ×")
    print(" ".join(f"{h:>7}" for h in (*heads, "size ×")))
    peer_rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for size in (int(s) for s in args.sizes.split(",")):
            project = project_of_pages(tmp, size)
            html, rb_pdf, wp_pdf = tmp / "r.html", tmp / "rb.pdf", tmp / "wp.pdf"
            write_render_html(project, html)
            # One layout against WeasyPrint's: not by parts (on by default for long reports).
            rb_cmd = [rb, "build", str(project), "--force", "--no-parts", "-o", str(rb_pdf)]
            wp_cmd = [wp, "--pdf-tags", "-u", f"{project.as_uri()}/", str(html), str(wp_pdf)]
            measured(rb_cmd, tmp), measured(wp_cmd, tmp)  # warm the file cache
            rows = [(measured(rb_cmd, tmp), measured(wp_cmd, tmp)) for _ in range(args.runs)]
            from pypdf import PdfReader

            pages = len(PdfReader(rb_pdf).pages)
            cells = (
                size,
                pages,
                median(r.wall for r, _ in rows),
                median(w.wall for _, w in rows),
                median(r.wall / w.wall for r, w in rows),
                median(r.cpu / w.cpu for r, w in rows),
                median(r.peak for r, _ in rows),
                median(w.peak for _, w in rows),
                median(r.peak / w.peak for r, w in rows),
                rb_pdf.stat().st_size / wp_pdf.stat().st_size,
            )
            print(" ".join(f"{c:>7.2f}" if isinstance(c, float) else f"{c:>7}" for c in cells))
            if args.peers:
                markdown = plain_markdown(project, tmp / "r.md")
                for name, (cmd, env) in peers(markdown, html, tmp).items():
                    measured(cmd, tmp, env=env)  # warm the file cache
                    pairs = [
                        (measured(cmd, tmp, env=env), measured(wp_cmd, tmp))
                        for _ in range(args.runs)
                    ]
                    peer_rows.append(
                        f"{name:>18} {size:>5} {median(p.wall for p, _ in pairs):>7.2f} "
                        f"{median(p.wall / w.wall for p, w in pairs):>7.2f} "
                        f"{median(p.cpu / w.cpu for p, w in pairs):>7.2f} "
                        f"{median(p.peak for p, _ in pairs):>7.0f}"
                    )
    if peer_rows:
        heads = f"{'wall s':>7} {'× wp':>7} {'cpu ×':>7} {'MiB':>7}"
        print(f"\n{'peer':>18} {'size':>5} {heads}")
        print("\n".join(peer_rows))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
