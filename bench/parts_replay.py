"""A first build by parts replayed with fixed task times: the scheduler judged on a loaded machine.

On a machine shared with other sessions a first build's wall time moves by ±40 % from run to
run, and a change of order (which part or stamp goes first) is lost in it. This script runs
the real scheduler (`render.incremental.lay_out`) with every render replaced by a sleep of
that document's CPU time, measured once in one warm process (`render_in_process`, each
document twice, the least kept), and every assembly by a sleep of about its cost; the
timeline (`REPORTBUILDER_PARTS_TRACE`) then shows where the layout waits, the same from run
to run. Run by hand, three steps:

    .venv/bin/python bench/parts_replay.py capture PROJECT OUT.pkl    # a first build by parts
    .venv/bin/python bench/parts_replay.py measure OUT.pkl [MORE.pkl]  # each document's CPU
    .venv/bin/python bench/parts_replay.py replay OUT.pkl [--scale 0.65] [--ahead 1.5]
    .venv/bin/python bench/parts_replay.py kinds OUT.pkl   # CPU by kind against the whole

`kinds` lays out, in one warm process, the whole document and each of the capture's in
turn (twice, the least kept) and sums their CPU by kind: the front's measure, the front,
the chapters, the footer stamps; the whole document with and without its footer row too
(what the stamps stand for). Where the parts' documents cost more than the whole's.

`capture` builds PROJECT by parts on two jobs from no cache and keeps what `lay_out` was
given and what every render gave back; `measure` adds the CPU times (of several captures at
once, interleaved, so that they compare); `replay` prints the timeline and the layout's
length. `--scale` turns CPU seconds measured on a loaded machine into idle ones (0.65 here,
7 December 2026). A replay whose guesses differ from the capture's (another code's order)
asks for a document not captured: capture with that code.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any


def _key(job: Any) -> str:
    what = (job.text, job.layout_only, sorted(job.foreign_pages.items()))
    return hashlib.sha256(repr(what).encode()).hexdigest()


def capture(project: Path, out: Path) -> None:
    from reportbuilder.cli import run
    from reportbuilder.render import incremental
    from reportbuilder.render import renderer as rendering

    results: dict[str, Any] = {}
    render = rendering.PdfRenderer.render

    def kept(self: Any, job: Any, *args: Any, **kwargs: Any) -> Any:
        pdf = render(self, job, *args, **kwargs)
        results[_key(job)] = (job, pdf)
        return pdf

    lay_out = incremental.lay_out

    def captured(split: Any, base: Any, *args: Any, **kwargs: Any) -> Any:
        found = lay_out(split, base, *args, **kwargs)
        given = {"split": split, "base": base, "limits": args[4], "digest": kwargs["digest"]}
        out.write_bytes(pickle.dumps({**given, "results": results, "durations": {}}))
        return found

    rendering.PdfRenderer.render = kept  # type: ignore[method-assign]
    incremental.lay_out = captured
    shutil.rmtree(project / ".reportbuilder", ignore_errors=True)
    os.environ["REPORTBUILDER_PARTS"] = "1"
    sys.argv = ["reportbuilder", "build", str(project), "-o", str(out.with_suffix(".pdf"))]
    sys.argv += ["--jobs", "2"]
    try:
        run()
    except SystemExit as end:
        if end.code:
            raise


def measure(files: list[Path]) -> None:
    from reportbuilder.render.renderer import render_in_process

    captures = [pickle.loads(path.read_bytes()) for path in files]
    jobs = {k: job for c in captures for k, (job, _) in c["results"].items()}
    render_in_process(next(iter(jobs.values())))  # warm: imports, fonts, style cache
    least = dict.fromkeys(jobs, float("inf"))
    for _ in range(2):
        for key, job in jobs.items():
            begun = time.process_time()
            render_in_process(job)
            least[key] = min(least[key], time.process_time() - begun)
    for path, found in zip(files, captures, strict=True):
        found["durations"] = {k: least[k] for k in found["results"]}
        path.write_bytes(pickle.dumps(found))
        seconds = sum(found["durations"].values())
        print(f"{path}: {len(found['results'])} documents, {seconds:.2f} s CPU")


def replay(path: Path, scale: float, ahead: float | None) -> None:
    from reportbuilder.limits import Deadline
    from reportbuilder.render import incremental

    found = pickle.loads(path.read_bytes())
    if not found["durations"]:
        raise SystemExit(f"{path}: no CPU times: run `measure` first")
    sys.setswitchinterval(0.001)  # the scheduler's thread wakes as a sleep ends

    class Sleeper:
        """A render process that answers from the capture after the document's CPU time."""

        def __init__(self) -> None:
            self.lock = threading.Lock()

        def render(self, job: Any, limits: Any, deadline: Any = None) -> Any:
            key = _key(job)
            if key not in found["results"]:
                raise SystemExit("a document the capture does not hold: capture with this code")
            with self.lock:
                time.sleep(found["durations"][key] * scale)
            return found["results"][key][1]

    def assemble(laid: Any, prefix: str = "p", fonts: Any = None, stamps: Any = ()) -> bytes:
        # Measured on the 100-page report (loaded CPU): 0.03 s a block and 0.03 s a part,
        # the last assembly (blocks, prefix "b") 0.67 s.
        time.sleep(scale * (0.67 if prefix == "b" else 0.03 + 0.03 * len(laid)))
        return b""

    incremental.assemble = assemble  # type: ignore[assignment]
    if ahead is not None:
        incremental.AHEAD = ahead
    os.environ[incremental.TRACE] = "1"
    begun = time.perf_counter()
    outcome = incremental.lay_out(
        found["split"],
        found["base"],
        Sleeper(),  # type: ignore[arg-type]
        Sleeper,  # type: ignore[arg-type]
        2,
        found["limits"],
        Deadline(3600),
        cache=None,
        digest=found["digest"],
        plan_key=None,
    )
    took = time.perf_counter() - begun
    print(f"layout {took:.2f} s; laid out {outcome.laid_out}, stamps {outcome.stamps}, ", end="")
    print(f"missed {outcome.missed}")


def _kind(job: Any, front: str) -> str:
    if job.layout_only:
        return "measure"
    if "height: 0; float: none; position: static" in job.text:
        return "stamps"
    return "front" if front in job.text else "chapters"


def kinds(path: Path) -> None:
    from dataclasses import replace

    from reportbuilder.render import stamp
    from reportbuilder.render.renderer import render_in_process

    found = pickle.loads(path.read_bytes())
    whole = found["base"]
    bare = replace(whole, text=whole.text.replace("</head>", stamp.WITHOUT_FOOTER + "</head>", 1))
    front = found["split"].parts[0].body[:300]
    jobs = {k: job for k, (job, _) in found["results"].items()}
    render_in_process(whole)  # warm: imports, fonts, style cache

    def cpu(job: Any) -> float:
        begun = time.process_time()
        render_in_process(job)
        return time.process_time() - begun

    least = dict.fromkeys([*jobs, "whole", "bare"], float("inf"))
    for _ in range(2):
        least["whole"] = min(least["whole"], cpu(whole))
        least["bare"] = min(least["bare"], cpu(bare))
        for key, job in jobs.items():
            least[key] = min(least[key], cpu(job))
    sums: dict[str, list[float]] = {}
    for key, job in jobs.items():
        entry = sums.setdefault(_kind(job, front), [0, 0.0])
        entry[0] += 1
        entry[1] += least[key]
    total = sum(seconds for _, seconds in sums.values())
    for name in ("measure", "front", "chapters", "stamps"):
        count, seconds = sums.get(name, [0, 0.0])
        print(f"{name:>9}: {int(count):>3} documents {seconds:6.2f} s CPU")
    print(f"    parts: {len(jobs):>3} documents {total:6.2f} s CPU = {total / least['whole']:.2f}×")
    print(f"    whole: {least['whole']:.2f} s CPU, {least['bare']:.2f} s without its footer row")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    one = steps.add_parser("capture")
    one.add_argument("project", type=Path)
    one.add_argument("out", type=Path)
    two = steps.add_parser("measure")
    two.add_argument("files", type=Path, nargs="+")
    three = steps.add_parser("replay")
    three.add_argument("file", type=Path)
    three.add_argument("--scale", type=float, default=0.65)
    three.add_argument("--ahead", type=float, default=None)
    four = steps.add_parser("kinds")
    four.add_argument("file", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    if args.step == "capture":
        capture(args.project.resolve(), args.out.resolve())
    elif args.step == "measure":
        measure(args.files)
    elif args.step == "kinds":
        kinds(args.file)
    else:
        replay(args.file, args.scale, args.ahead)


if __name__ == "__main__":
    main()
