"""Markdown that nobody on this project wrote, built through the command line: pages, time,
and what the build said about it.

Every `*.md` under FOLDER (sorted by path) becomes a chapter of one report, as published;
the report is built once with `reportbuilder build` in a subprocess. For example, with
Python-Markdown's own documentation (BSD 3-Clause; in its sdist, not committed here):

    .venv/bin/pip download markdown==3.11.4 --no-binary :all: --no-deps -d /tmp/md
    tar xzf /tmp/md/markdown-3.11.4.tar.gz -C /tmp/md
    .venv/bin/python bench/others.py /tmp/md/markdown-3.11.4/docs
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdf

_WARNING = re.compile(r"^warning: (?:(?P<path>content/[^:\s]+):(?:\d+:)? )?(?P<message>.*)$")
_ERROR = re.compile(r"^(?P<path>content/[^:\s]+):(?:\d+:)? (?P<message>.*)$")


def _build(project: Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "reportbuilder"), "build", str(project)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def kind(message: str) -> str:
    """A warning's message without what varies (quoted names, numbers), to count by kind."""
    return re.sub(r"'[^']*'|\d+", "…", message)[:90]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--keep", type=Path, help="build the project here and keep it")
    args = parser.parse_args()
    sources = sorted(args.folder.rglob("*.md"))
    if not sources:
        print(f"no .md files under {args.folder}", file=sys.stderr)
        return 2
    project = args.keep or Path(tempfile.mkdtemp(prefix="others-"))
    (project / "content").mkdir(parents=True, exist_ok=True)
    for number, source in enumerate(sources, start=1):
        stem = re.sub(r"[^a-z0-9]+", "-", str(source.relative_to(args.folder)).lower())
        shutil.copyfile(source, project / "content" / f"{number:03d}-{stem.strip('-')}.md")
    (project / "report.yml").write_text(
        f"title: {args.folder.name}\nlang: en\noutput: out/others.pdf\n", encoding="utf-8"
    )
    refused: list[str] = []
    started = time.monotonic()
    run = _build(project)
    while run.returncode == 1:  # what the builder refuses is reported, then left out
        problems = [line for line in run.stderr.splitlines() if _ERROR.match(line)]
        paths = {found["path"] for line in problems if (found := _ERROR.match(line))}
        if not paths or not all((project / path).is_file() for path in paths):
            break
        refused += problems
        for path in paths:
            (project / path).unlink()
        started = time.monotonic()
        run = _build(project)
    seconds = time.monotonic() - started
    lines = run.stderr.splitlines()
    counted = collections.Counter(
        kind(found["message"]) for line in lines if (found := _WARNING.match(line))
    )
    located = sum(1 for line in lines if (found := _WARNING.match(line)) and found["path"])
    pdf = project / "out" / "others.pdf"
    pages = len(pypdf.PdfReader(pdf).pages) if run.returncode == 0 and pdf.exists() else 0
    built = len(list((project / "content").glob("*.md")))
    print(f"{len(sources)} files; refused (left out, then built again): {len(sources) - built}")
    for line in refused:
        print(f"  refused: {line}")
    print(
        f"{built} files built: exit {run.returncode}, {pages} pages, {seconds:.1f} s, "
        f"{sum(counted.values())} warnings ({located} with a file and line)"
    )
    for message, count in counted.most_common():
        print(f"  {count:4d}  {message}")
    if run.returncode != 0:
        print(run.stderr[-2000:], file=sys.stderr)
    if args.keep is None:
        shutil.rmtree(project)
    return 0


if __name__ == "__main__":
    sys.exit(main())
