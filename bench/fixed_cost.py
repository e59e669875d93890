"""Benchmark: the fixed cost of one render in a warm render process, stage by stage.

Run by hand: `.venv/bin/python bench/fixed_cost.py [--runs 7] [--profile]`.

WeasyPrint is imported and one document laid out first (the process is warm, as a
`PdfRenderer`'s is after its first job). Then each document is laid out `--runs` times, in
turn, two ways:

- `bare`: `HTML(string=…).render(pdf_tags=True)` + `write_pdf(pdf_tags=True)` with the policy
  fetcher and a new `FontConfiguration` a document, as a render did before the style cache;
- `job`: `render_in_process(RenderJob)`, what the render process does for a job (passes,
  overflow check, active-content check), with the style cache (`render/stylecache.py`);
- `job, no cache`: the same without the cache (every sheet parsed, fonts registered in a
  new font configuration), as before it; the two PDFs are checked to be the same bytes.

Documents: `1p`, the theme and a heading and a paragraph (one page); `3p`, the example's
first chapter alone with its cover, no contents (three pages, as `bench.py`'s size 2);
`mini`, the tests' small project (cover, contents, two chapters).

Printed: median CPU milliseconds of the process (user + system; steadier than wall time on
a busy machine) a render, and for `bare` the stages: HTML parse, author stylesheets (the
theme's `<link>`s and `<style>`, their `@font-face` fonts), font configuration, cascade,
boxes, layout, `write_pdf`. `--profile` prints the 25 costliest functions of one `bare` run
of `1p` (cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

_spent: dict[str, float] = defaultdict(float)


def _cpu() -> float:
    return time.process_time()


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = _cpu()
        try:
            return function(*args, **kwargs)
        finally:
            _spent[name] += _cpu() - started

    return wrapper


def _timed_generator(name: str, function: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        iterator = function(*args, **kwargs)
        while True:
            started = _cpu()
            try:
                item = next(iterator)
            except StopIteration:
                return
            finally:
                _spent[name] += _cpu() - started
            yield item

    return wrapper


def instrument() -> None:
    """Time WeasyPrint's stages (CPU) into `_spent`, by wrapping its functions."""
    import weasyprint
    import weasyprint.css
    import weasyprint.document
    import weasyprint.text.fonts

    weasyprint.HTML.__init__ = _timed("html parse", weasyprint.HTML.__init__)  # type: ignore[method-assign]
    weasyprint.css.find_stylesheets = _timed_generator(
        "author stylesheets", weasyprint.css.find_stylesheets
    )
    weasyprint.css.StyleFor.__init__ = _timed("cascade", weasyprint.css.StyleFor.__init__)  # type: ignore[method-assign]
    fonts = weasyprint.text.fonts.FontConfiguration
    fonts.__init__ = _timed("font configuration", fonts.__init__)  # type: ignore[method-assign]
    fonts.add_font_face = _timed("of which @font-face", fonts.add_font_face)  # type: ignore[method-assign]
    document = weasyprint.document
    document.build_formatting_structure = _timed("boxes", document.build_formatting_structure)
    document.layout_document = _timed_generator("layout", document.layout_document)
    document.Document.write_pdf = _timed("write_pdf", document.Document.write_pdf)  # type: ignore[method-assign]


def documents(tmp: Path) -> dict[str, Any]:
    """The render jobs of the three documents."""
    from conftest import copy_fixture
    from reportbuilder import Edition, load_project, render_html
    from reportbuilder.render.renderer import RenderJob

    sys.path.insert(0, str(ROOT / "bench"))
    from bench import project_of_pages

    mini = copy_fixture("mini", tmp / "mini")
    job = RenderJob.of(render_html(load_project(mini), Edition()))
    body = "<body><h1>Fixed cost</h1><p>One paragraph on one page of the theme.</p></body>"
    one = re.sub(r"<body.*</body>", body, job.text, flags=re.S)
    chapter = project_of_pages(tmp, 2)
    three = RenderJob.of(render_html(load_project(chapter), Edition()))
    from dataclasses import replace

    return {"1p": replace(job, text=one), "3p": three, "mini": job}


def bare(job: Any) -> bytes:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from reportbuilder.render.fetcher import PolicyFetcher

    fetcher = PolicyFetcher(job.files, job.network_hosts, job.resources)
    document = weasyprint.HTML(string=job.text, base_url=job.base_url, url_fetcher=fetcher).render(
        font_config=FontConfiguration(), pdf_tags=True
    )
    return document.write_pdf(pdf_tags=True) or b""


def _uncached(html: Any, fetcher: Any) -> None:
    """In place of `stylecache.author_sheets`: every sheet parsed, as without the cache."""
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")  # PDFs to compare byte for byte

    from reportbuilder.render import stylecache
    from reportbuilder.render.engine import import_weasyprint
    from reportbuilder.render.renderer import render_in_process

    import_weasyprint()
    cached = stylecache.author_sheets
    tmp = Path(tempfile.mkdtemp(prefix="fixed-cost-"))
    try:
        jobs = documents(tmp)
        render_in_process(jobs["mini"])  # warm: first-use costs (fontconfig, imports) paid
        bare(jobs["mini"])
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(bare, jobs["1p"])
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        instrument()
        stages: dict[str, list[dict[str, float]]] = defaultdict(list)
        totals: dict[tuple[str, str], list[float]] = defaultdict(list)
        pages: dict[str, int] = {}
        for _ in range(args.runs):
            for name, job in jobs.items():
                _spent.clear()
                started = _cpu()
                bare(job)
                totals[name, "bare"].append(_cpu() - started)
                stages[name].append(dict(_spent))
                started = _cpu()
                pdf = render_in_process(job)
                totals[name, "job"].append(_cpu() - started)
                pages[name] = pdf.pages
                stylecache.author_sheets = _uncached  # type: ignore[assignment]
                try:
                    started = _cpu()
                    same = render_in_process(job)
                    totals[name, "job, no cache"].append(_cpu() - started)
                finally:
                    stylecache.author_sheets = cached
                if same.data != pdf.data:
                    raise SystemExit(f"{name}: the cache changed the PDF")
        order = [
            "html parse",
            "author stylesheets",
            "of which @font-face",
            "font configuration",
            "cascade",
            "boxes",
            "layout",
            "write_pdf",
        ]
        print(f"CPU ms, median of {args.runs} (python {sys.version.split()[0]})")
        print("| document | pages | job | job, no cache | bare | " + " | ".join(order) + " |")
        print("|---|---:|---:|---:|---:|" + "---:|" * len(order))
        for name in jobs:
            cells = [
                name,
                str(pages[name]),
                f"{statistics.median(totals[name, 'job']) * 1000:.0f}",
                f"{statistics.median(totals[name, 'job, no cache']) * 1000:.0f}",
                f"{statistics.median(totals[name, 'bare']) * 1000:.0f}",
            ]
            for stage in order:
                values = [run.get(stage, 0.0) for run in stages[name]]
                cells.append(f"{statistics.median(values) * 1000:.0f}")
            print("| " + " | ".join(cells) + " |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
