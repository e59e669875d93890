"""Laying out a report part by part (`render.parts`), in parallel and from the cache, and
assembling one PDF equal to the whole document's.

Each part is laid out with the values the whole document gives it (first page, page total,
other parts' page numbers, footnote and chapter numbers: a `parts.Place`). Those come from
the page counts and anchors of all parts, which are known only once the parts are laid out:
the build starts from the last build's page map (or one page a part), lays out the parts
whose document is not in the cache, and repeats with the page map it found until every part
was laid out with the values it finally has. A part's cached PDF is keyed by its exact HTML
(which holds those values), the files the renderer reads and the tools' versions, so it is
never stale.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import queue
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from html import unescape
from pathlib import Path
from typing import Any

from reportbuilder.cache import FONTS_DIR, Cache, versions
from reportbuilder.errors import Problem
from reportbuilder.limits import Deadline, Limits
from reportbuilder.render import parts as partition
from reportbuilder.render import stamp
from reportbuilder.render.assembly import LaidOut, assemble
from reportbuilder.render.renderer import Pdf, PdfRenderer, RenderJob
from reportbuilder.signed import SignedFolder, signed_folder

MAX_ROUNDS = 4  # page numbers settle in two rounds; more means they swing: lay out whole


@dataclass(frozen=True)
class PartPdf:
    """One part laid out: its PDF, pages, anchors (0-based page index) and bookmarks."""

    data: bytes
    pages: int
    anchors: Mapping[str, int]
    bookmarks: tuple[tuple[Any, ...], ...]
    problems: tuple[Problem, ...]
    names: tuple[str, ...] = ()  # each page's @page name (for its footer's stamp)

    def meta(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "anchors": dict(self.anchors),
            "bookmarks": [list(b) for b in self.bookmarks],
            "problems": [p.as_json() for p in self.problems],
            "names": list(self.names),
        }

    @classmethod
    def of(cls, meta: Mapping[str, Any], data: bytes) -> PartPdf:
        return cls(
            data=data,
            pages=int(meta["pages"]),
            anchors={str(k): int(v) for k, v in meta["anchors"].items()},
            bookmarks=tuple(tuple(b) for b in meta["bookmarks"]),
            problems=tuple(Problem.from_json(p) for p in meta["problems"]),
            names=tuple(str(n) for n in meta.get("names", ())),
        )


@dataclass(frozen=True)
class Outcome:
    """The assembled PDF, or why the report must be laid out whole; and what was done."""

    pdf: Pdf | None
    reason: str | None = None
    laid_out: int = 0  # parts laid out by this build
    reused: int = 0  # parts taken from the cache
    rounds: int = 0
    stamps: int = 0  # footer stamp documents laid out by this build (`render.stamp`)
    missed: int = 0  # parts and stamps laid out ahead on guessed page numbers, then not used


def files_digest(paths: Iterable[Path]) -> str:
    """The hash of the tools' versions and of the files the renderer reads (theme, styles,
    images), in a stable order."""
    from reportbuilder.cache import _content

    digest = hashlib.sha256(json.dumps(versions(), sort_keys=True).encode())
    for path in sorted(set(paths)):
        digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(_content(path))
    return digest.hexdigest()


def _key(text: str, job: RenderJob, digest: str) -> str:
    """`digest` covers the tools' versions and the files the renderer reads."""
    digest_of = hashlib.sha256()
    settings = (job.pdf_variant, job.network_hosts, repr(job.images), job.continued)
    for value in (repr(settings), digest, text):
        data = value.encode("utf-8", "surrogateescape")
        digest_of.update(f"{len(data)}:".encode() + data)
    return "part-" + digest_of.hexdigest()


def lay_out(
    split: partition.Split,
    base: RenderJob,
    renderer: PdfRenderer,
    more: Callable[[], PdfRenderer],
    jobs: int,
    limits: Limits,
    deadline: Deadline,
    *,
    cache: Cache | None,
    digest: str,
    plan_key: str | None,
) -> Outcome:
    """Lay out `split`'s parts on `renderer` and, when more than one part is to be laid
    out, up to `jobs` - 1 more from `more` (started only then), and assemble them.

    `base` holds what every part's job shares; `plan_key` names the page map kept in the
    cache for the next build of this edition. Raises `RenderError` as a whole render would.
    """
    guess, previous = _previous_plan(cache, plan_key)
    chapters = split
    groups = _groups(split, jobs, previous if guess else None)
    split = partition.grouped(split, groups)
    blocks = _blocks(groups)
    pages, anchors = [], []
    for group in groups:
        # A part changed since is guessed as long as it was: most edits keep the page count.
        total, found = 0, {}
        for index in group:
            length, where = guess.get(chapters.parts[index].name, (1, {}))
            found.update({name: page + total for name, page in where.items()})
            total += length
        pages.append(total)
        anchors.append(found)
    made: dict[str, PartPdf] = {}
    timeline = Timeline(split)
    laid_out = reused = missed = 0
    free: queue.Queue[PdfRenderer] = queue.Queue()
    free.put(renderer)
    started = 1

    def workers(wanted: int) -> None:
        """Start render processes until `wanted` (at most `jobs`) are running."""
        nonlocal started
        while started < min(wanted, jobs):
            free.put(more())
            started += 1

    def render(item: tuple[str, RenderJob]) -> tuple[str, PartPdf]:
        key, job = item
        renderer = free.get()
        begun = time.perf_counter()
        try:
            pdf = renderer.render(job, limits, deadline=deadline)
        finally:
            free.put(renderer)
            timeline.add(renderer, key, job, begun)
        return key, PartPdf(
            pdf.data, pdf.pages, pdf.anchors, pdf.bookmarks, pdf.problems, pdf.page_names
        )

    def stored(key: str) -> PartPdf | None:
        found = cache.get_blob(key) if cache is not None else None
        if found is None:
            return None
        part = PartPdf.of(*found)
        # A stamp is laid on each page by its name: a blob without them is laid out again.
        return part if not split.stamped or len(part.names) == part.pages else None

    fonts = signed_folder(cache.folder / FONTS_DIR, MAX_FONTS) if cache is not None else None
    early_blocks: dict[str, Future[bytes]] = {}

    def assemble_early(number: int, stamp_key: str, stamp_data: bytes) -> None:
        """Block `number` assembled now, in this process, while the workers lay out the
        rest (the front, the other stamps): its parts are laid out and its stamp too."""
        block = blocks[number]
        chunk = [made_by_index[i] for i in block]
        key = _block_key([k for k, _ in chunk], stamp_key)
        laid = [
            LaidOut(r.data, r.bookmarks, "<th" in split.parts[i].body)
            for i, (_, r) in zip(block, chunk, strict=True)
        ]

        def timed() -> bytes:
            begun = time.perf_counter()
            data = assemble(laid, fonts=fonts, stamps=[stamp_data])
            timeline.add(None, f"block {number}", None, begun)
            return data

        early_blocks[key] = assembler.submit(timed)

    made_by_index: dict[int, tuple[str, PartPdf]] = {}
    with (
        ThreadPoolExecutor(max_workers=1) as assembler,
        ThreadPoolExecutor(max_workers=max(1, jobs)) as pool,
    ):
        early: dict[str, bytes] = {}
        if not guess and not split.stamped:
            # No page map yet (a first build): lay the parts out once without writing PDFs
            # to learn their page counts and anchors (page counts do not depend on the
            # numbers printed), then once more with the numbers they give.
            places = partition.places(split, pages, anchors)
            probes = [
                replace(
                    base,
                    text=partition.document(split, index, place),
                    foreign_pages=dict(place.foreign),
                    layout_only=True,
                )
                for index, place in enumerate(places)
            ]
            order = sorted(range(len(probes)), key=lambda i: -len(probes[i].text))
            workers(len(probes))
            probed = dict(
                zip(order, pool.map(render, [("", probes[i]) for i in order]), strict=True)
            )
            pages = [probed[i][1].pages for i in range(len(probes))]
            anchors = [dict(probed[i][1].anchors) for i in range(len(probes))]
        elif not guess:
            # Stamped, a first build: each part laid out once, those that print page numbers
            # as soon as the pages before them (and those they refer to) are known.
            ordered, early, missed = _in_order(
                split,
                base,
                digest,
                pool,
                render,
                workers,
                stored,
                jobs,
                blocks,
                made_by_index,
                assemble_early,
            )
            for key, each, new in ordered:
                made[key] = each
                laid_out += new
                reused += not new
                if new and cache is not None:
                    cache.put_blob(key, each.meta(), each.data)
            by_index = [each for _, each, _ in ordered]
            pages = [r.pages for r in by_index]
            anchors = [dict(r.anchors) for r in by_index]
        for round_number in range(1, MAX_ROUNDS + 1):
            rounds = round_number
            places = partition.places(split, pages, anchors)
            keys, todo = [], []
            for index, place in enumerate(places):
                text = partition.document(split, index, place)
                # The other parts' page numbers are not in the text: they are in the key.
                key = _key(text + repr(place.foreign), base, digest)
                keys.append(key)
                if key in made:
                    continue
                kept = stored(key)
                if kept is not None:
                    made[key] = kept
                    reused += 1
                    continue
                job = replace(base, text=text, foreign_pages=dict(place.foreign), page_map=True)
                todo.append((key, job))
            # The longest parts first, so that two workers end together.
            todo.sort(key=lambda item: -len(item[1].text))
            workers(len(todo))
            for key, fresh in pool.map(render, todo):
                made[key] = fresh
                laid_out += 1
                if cache is not None:
                    cache.put_blob(key, fresh.meta(), fresh.data)
            results = [made[key] for key in keys]
            pages = [r.pages for r in results]
            anchors = [dict(r.anchors) for r in results]
            if partition.places(split, pages, anchors) == places:
                break
        else:
            return Outcome(None, "the page numbers did not settle", laid_out, reused, MAX_ROUNDS)
        stamps, stamp_keys, stamped = (
            _stamps(split, results, base, digest, cache, pool, render, workers, early, blocks)
            if split.stamped
            else ([], [], 0)
        )
    _keep_plan(cache, plan_key, chapters, groups, results)
    laid = [
        LaidOut(r.data, r.bookmarks, "<th" in part.body)
        for r, part in zip(results, split.parts, strict=True)
    ]
    pages = [r.pages for r in results]
    begun = time.perf_counter()
    data = _assemble_in_blocks(
        laid, keys, pages, cache, stamps, stamp_keys, blocks, fonts, early_blocks
    )
    timeline.add(None, "assembly", None, begun)
    timeline.show()
    problems = tuple(
        dict.fromkeys(
            _on_page(p, place.start)
            for r, place in zip(results, places, strict=True)
            for p in r.problems
        )
    )
    pdf = Pdf(data=data, pages=sum(pages), problems=problems)
    return Outcome(pdf, None, laid_out, reused, rounds, stamped, missed)


# The front (and the footers) laid out ahead when the parts left would take about as long on
# the other workers (`_in_order`): larger starts them earlier, on more guessed page counts.
AHEAD = 1.0

TRACE = "REPORTBUILDER_PARTS_TRACE"  # "1": print each task's start and end (stderr)


class Timeline:
    """Each render task's worker, start and end, printed on standard error when the
    `TRACE` switch is on (where a core sits idle on a build by parts)."""

    def __init__(self, split: partition.Split) -> None:
        self.on = os.environ.get(TRACE, "") == "1"
        self.zero = time.perf_counter()
        self.split = split
        self.rows: list[tuple[str, str, float, float]] = []
        self.workers: dict[int, str] = {}

    def add(self, worker: object, key: str, job: RenderJob | None, begun: float) -> None:
        if not self.on:
            return
        end = time.perf_counter()
        name = (
            "main"
            if worker is None
            else self.workers.setdefault(id(worker), f"w{len(self.workers) + 1}")
        )
        what = key[:12]
        if job is not None:
            if job.layout_only:
                what = "measure"
            elif key.startswith("stamp-"):
                what = "stamps"
            else:
                body = job.text.split("<body", 1)[-1]
                what = next((p.name for p in self.split.parts if p.body and p.body in body), what)
        self.rows.append((name, what, begun - self.zero, end - self.zero))

    def show(self) -> None:
        if not self.on:
            return
        end = max((r[3] for r in self.rows), default=0.0)
        scale = 100 / end if end else 0
        for name, what, begun, ended in sorted(self.rows, key=lambda r: (r[0], r[2])):
            bar = " " * int(begun * scale) + "#" * max(1, int((ended - begun) * scale))
            print(f"{name:>4} {begun:7.2f} {ended:7.2f} {what[:24]:<24} |{bar}", file=sys.stderr)


def _in_order(
    split: partition.Split,
    base: RenderJob,
    digest: str,
    pool: ThreadPoolExecutor,
    render: Callable[[tuple[str, RenderJob]], tuple[str, PartPdf]],
    workers: Callable[[int], None],
    stored: Callable[[str], PartPdf | None],
    jobs: int,
    blocks: Sequence[Sequence[int]],
    made: dict[int, tuple[str, PartPdf]],
    block_done: Callable[[int, str, bytes], None],
) -> tuple[list[tuple[str, PartPdf, bool]], dict[str, bytes], int]:
    """Every part of a stamped split laid out once, without a page map: the front measured
    first (its page count), a part that prints page numbers as soon as the parts before it
    and those it refers to are laid out (its numbers are then those of the whole), the parts
    that print none in the order of the report (the parts after them wait for them), the
    front and the footer stamps last, side by side. Gives each part's key, PDF and whether
    it was laid out (else taken from the cache), in the parts' order; and the stamps laid
    out (by key, `_stamps`). Numbers that still moved (the front laid out longer than
    measured) are put right by the caller's rounds.

    A worker that would sit idle meanwhile lays out ahead the next part that prints page
    numbers, with the page counts of the parts still being laid out before it guessed
    (`_guess`): its result is used only if the guess was right (the same document, so the
    same key), else it is laid out again when they are known."""
    count = len(split.parts)
    owner = {name: index for index, part in enumerate(split.parts) for name in part.ids}
    needs: dict[int, set[int]] = {}
    refers: dict[int, set[int]] = {}
    for index in range(1, count):
        if split.bound(index):
            refers[index] = {owner[n] for n in split.foreign(index) if n in owner}
            # A later part that prints page numbers itself waits for this one: a reference
            # to it takes the page the page map has so far (the rounds put it right).
            later = {i for i in refers[index] if i > index}
            wanted = set(range(1, index)) | {i for i in later if not split.bound(i)}
            # -1 stands for the front measured (its anchors: the cover's, the contents')
            needs[index] = {-1 if i == 0 else i for i in wanted} - {index}
    needs[0] = set(range(1, count)) | {-1}  # -1: the front measured
    pages: list[int] = [1] * count
    anchors: list[dict[str, int]] = [{} for _ in range(count)]
    names: list[tuple[str, ...]] = [() for _ in range(count)]
    done: dict[int, tuple[str, PartPdf, bool]] = {}
    measured: set[int] = set()
    # The parts that print page numbers first (they are the longest chain), then the others
    # in the report's order (the first are those the first chain waits for).
    waiting = sorted(range(count), key=lambda i: (i == 0, i not in needs, i))
    running: dict[Future[tuple[str, PartPdf]], tuple[int, str, bool]] = {}
    laid: dict[str, PartPdf] = {}  # laid out ahead, by key
    awaited: dict[str, int] = {}  # a key laid out ahead, now the part's own → the part
    stamped: dict[str, bytes] = {}
    stamp_block: dict[str, int] = {}  # a stamp's key → its block
    stamps_started = False

    begun: dict[int, float] = {}  # when each part (-1: the front measured) was started
    took: dict[int, float] = {}  # how long each part took to lay out
    front_tried = False  # the front laid out ahead once (`front_ahead`)
    tail: list[tuple[str, RenderJob]] = []  # stamps to lay out ahead, with the front's guesses
    early_stamps: dict[str, bytes] = {}  # stamps laid out ahead, by key
    tail_block: dict[str, int] = {}  # a stamp laid out ahead → its block
    submitted: set[str] = set()  # stamps whose block was given to `block_done`
    bet: dict[int, tuple[int, dict[str, int], tuple[str, ...]]] = {}  # the guesses made

    def start(index: int, job: RenderJob, key: str, ahead: bool = False) -> None:
        begun.setdefault(index, time.perf_counter())
        running[pool.submit(render, (key, job))] = (index, key, ahead)

    def in_flight() -> set[int]:
        return {index for index, _, _ in running.values()}

    def finish(index: int, key: str, part: PartPdf, new: bool) -> None:
        if new and index in begun:
            took.setdefault(index, time.perf_counter() - begun[index])
        done[index] = (key, part, new)
        made[index] = (key, part)
        pages[index], anchors[index], names[index] = part.pages, dict(part.anchors), part.names
        measured.add(index)
        if index == 0:  # the front's block waited for it
            for stamp_key, number in stamp_block.items():
                if 0 in blocks[number] and stamp_key in stamped and stamp_key not in submitted:
                    submitted.add(stamp_key)
                    block_done(number, stamp_key, stamped[stamp_key])

    def ahead() -> bool:
        """Lay out ahead the first part that prints page numbers and waits only for parts
        being laid out or like one laid out (`_alike`: its pages are guessed well), none it
        refers to; whether one was started. A chain of such parts (each needs the page
        counts of all before it) is then laid out on every worker at once, not one by one."""
        flying = in_flight()
        known = [i for i in measured if i > 0]
        for index in waiting:
            unmet = needs.get(index, set()) - measured
            if index == 0 or index in flying or not split.bound(index) or -1 in unmet:
                continue
            if not all(o in flying or _alike(split, o, known) for o in unmet):
                continue
            if unmet & refers.get(index, set()):
                continue  # their anchors' pages would be guessed too
            guessed = list(pages)
            for other in unmet:
                guessed[other] = _guess(split, other, pages, measured)
            place = partition.places(split, guessed, anchors)[index]
            text = partition.document(split, index, place)
            key = _key(text + repr(place.foreign), base, digest)
            if key in laid or any(k == key for _, k, _ in running.values()):
                continue
            job = replace(base, text=text, foreign_pages=dict(place.foreign), page_map=True)
            start(index, job, key, ahead=True)
            return True
        return False

    def front_ahead() -> None:
        """Lay the front out ahead, once, when what is left of the other parts is about
        what the front costs on the other workers: the parts not laid out yet are guessed
        (`_guess_like`), and the front is kept if the guesses were right (the same key), so
        the front no longer runs alone after the last part."""
        nonlocal front_tried
        if front_tried or 0 not in waiting or -1 not in measured or len(running) >= jobs:
            return
        left = [i for i in range(1, count) if i not in measured]
        known = [i for i in measured if i > 0 and i in took]
        if not known or -1 not in took:
            return
        if not all(_alike(split, i, known) for i in range(1, count) if i not in measured):
            return  # a part unlike any laid out: its pages would be a poor guess
        rate = sum(took[i] for i in known) / max(1, sum(len(split.parts[i].body) for i in known))
        now = time.perf_counter()
        work = sum(
            max(0.0, rate * len(split.parts[i].body) - (now - begun.get(i, now))) for i in left
        )
        # The measure lays out the front without writing it: writing adds about a fifth.
        # A footer stamp costs about a quarter of a page of a part (bench/README.md).
        per_page = sum(took[i] for i in known) / max(1, sum(pages[i] for i in known))
        guessed, guessed_anchors = list(pages), list(anchors)
        guessed_names = list(names)
        for other in left:
            guessed[other], guessed_anchors[other], guessed_names[other] = _guess_like(
                split, other, pages, anchors, names, known
            )
        footers = 0.25 * per_page * sum(guessed) if split.stamped else 0.0
        if work > AHEAD * (1.2 * took[-1] + footers) * max(1, jobs - 1):
            return
        front_tried = True
        bet.update((i, (guessed[i], guessed_anchors[i], guessed_names[i])) for i in left)
        place = partition.places(split, guessed, guessed_anchors)[0]
        text = partition.document(split, 0, place)
        key = _key(text + repr(place.foreign), base, digest)
        job = replace(base, text=text, foreign_pages=dict(place.foreign), page_map=True)
        start(0, job, key, ahead=True)
        # The footers too, with the same guesses, on the worker that lays out the front.
        named = [bool(guessed_names[i]) or i in measured for i in range(count)]
        for number, item in enumerate(_stamp_jobs(split, guessed_names, base, digest, blocks)):
            if all(named[i] for i in blocks[number] if i > 0):
                tail.append(item)
                tail_block[item[0]] = number

    def assemble_ahead() -> None:
        """Each block whose parts are laid out and whose stamp was laid out ahead is
        assembled now too: kept if the stamp's guesses were right (the same key)."""
        for key, data in early_stamps.items():
            number = tail_block[key]
            if key not in submitted and all(i in done for i in blocks[number]):
                submitted.add(key)
                block_done(number, key, data)

    def parts_in_flight() -> bool:
        return any(index > 0 for index, _, _ in running.values())

    def stamp_done(key: str, data: bytes) -> None:
        """A footer stamp laid out with the right numbers: its block is assembled now, but
        the front's block only once the front is laid out for good."""
        stamped[key] = data
        number = stamp_block[key]
        if (0 not in blocks[number] or 0 in done) and key not in submitted:
            submitted.add(key)
            block_done(number, key, data)

    probe = partition.document(split, 0, partition.places(split, pages, anchors)[0])
    start(-1, replace(base, text=probe, layout_only=True, page_map=True), "")
    workers(count)
    while waiting or running or not stamps_started:
        front_ahead()
        assemble_ahead()
        # Stamps laid out ahead while another worker lays out the last parts; none once a
        # part laid out since shows a guess was wrong.
        if any(bet[i][:2] != (pages[i], anchors[i]) for i in bet if i in measured):
            tail.clear()
        while tail and len(running) < jobs and (parts_in_flight() or waiting == [0]):
            key, job = tail.pop(_next_stamp([k for k, _ in tail], tail_block, blocks, done))
            start(-3, job, key, ahead=True)
        ready = True
        while ready:  # a part taken as it is may make others ready (the front first)
            ready = False
            for index in [i for i in waiting if needs.get(i, set()) <= measured]:
                if len(running) >= jobs:
                    break
                waiting.remove(index)
                place = partition.places(split, pages, anchors)[index]
                text = partition.document(split, index, place)
                key = _key(text + repr(place.foreign), base, digest)
                kept = laid.pop(key, None)
                if kept is not None:  # laid out ahead with the right numbers
                    finish(index, key, kept, True)
                    ready = True
                    continue
                if any(k == key for _, k, _ in running.values()):
                    awaited[key] = index
                    continue
                kept = stored(key)
                if kept is not None:
                    finish(index, key, kept, False)
                    ready = True
                    continue
                job = replace(base, text=text, foreign_pages=dict(place.foreign), page_map=True)
                start(index, job, key)
        if not stamps_started and set(range(1, count)) | {-1} <= measured:
            # The total is known (the front's from its measure): the footers are laid out
            # beside the front; a front longer than measured has them laid out again.
            stamps_started = True
            tail.clear()
            flying = {k for _, k, _ in running.values()}
            for number, (key, job) in enumerate(_stamp_jobs(split, names, base, digest, blocks)):
                stamp_block[key] = number
                if key in early_stamps:  # laid out ahead with the right numbers
                    stamp_done(key, early_stamps.pop(key))
                elif key not in flying:
                    start(-2, job, key)
        while len(running) < jobs and ahead():
            pass
        if not running:
            if waiting:  # cannot happen: every part's needs are among the parts
                raise RuntimeError("parts waiting on each other")
            break
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            index, key, is_ahead = running.pop(future)
            _, part = future.result()
            if index == -2 or (index == -3 and key in stamp_block and key not in stamped):
                stamp_done(key, part.data)
            elif index == -3:
                early_stamps[key] = part.data
            elif index == -1:
                pages[0], anchors[0], names[0] = part.pages, dict(part.anchors), part.names
                measured.add(-1)
                took[-1] = time.perf_counter() - begun[-1]
            elif not is_ahead:
                finish(index, key, part, True)
            elif key in awaited:
                finish(awaited.pop(key), key, part, True)
            else:
                laid[key] = part
    # What was laid out ahead and never used: the guesses were wrong.
    return [done[index] for index in range(count)], stamped, len(laid) + len(early_stamps)


def _next_stamp(
    keys: Sequence[str],
    block_of: Mapping[str, int],
    blocks: Sequence[Sequence[int]],
    done: Mapping[int, object],
) -> int:
    """Which of the stamps `keys` (to lay out ahead) to lay out next: the first whose
    block's parts are all laid out (its block is assembled as soon as it comes, beside the
    parts left), else the first of a block without the front (the front's block is
    assembled only once the last part is laid out)."""

    def rank(at: int) -> tuple[bool, bool, int]:
        block = blocks[block_of[keys[at]]]
        return 0 in block, not all(i in done for i in block), at

    return min(range(len(keys)), key=rank)


def _guess(split: partition.Split, index: int, pages: Sequence[int], measured: set[int]) -> int:
    """The page count of part `index`, not laid out yet: that of the part laid out whose
    HTML is the nearest in length, in proportion."""
    size = len(split.parts[index].body)
    known = [i for i in measured if i > 0]
    if not known:
        return 1
    near = min(known, key=lambda i: abs(len(split.parts[i].body) - size))
    return max(1, round(pages[near] * size / max(1, len(split.parts[near].body))))


def _guess_like(
    split: partition.Split,
    index: int,
    pages: Sequence[int],
    anchors: Sequence[Mapping[str, int]],
    names: Sequence[Sequence[str]],
    known: Sequence[int],
) -> tuple[int, dict[str, int], tuple[str, ...]]:
    """The page count, anchors and page names of part `index`, not laid out yet, from the
    part laid out (`known`) whose HTML is the nearest in length: a chapter of the same shape
    (a copy, a monthly chapter) breaks its pages alike, so its anchors, taken in the order
    they appear, are on the same pages; with another number of anchors, each is put where it
    lies in the part's HTML, in proportion. The names are those of the other part when they
    are all the same, else none (empty: not guessed)."""
    size = len(split.parts[index].body)
    near = min(known, key=lambda i: abs(len(split.parts[i].body) - size))
    count = max(1, round(pages[near] * size / max(1, len(split.parts[near].body))))
    same = set(names[near])
    guessed = tuple(same) * count if len(same) == 1 else ()
    own = _in_order_of(split.parts[index].body)
    theirs = [name for name in _in_order_of(split.parts[near].body) if name in anchors[near]]
    if len(own) == len(theirs):
        pairs = zip(own, theirs, strict=True)
        return count, {a: min(count - 1, anchors[near][b]) for a, b in pairs}, guessed
    body = split.parts[index].body
    where = {n: min(count - 1, count * body.find(f'"{n}"') // max(1, len(body))) for n in own}
    return count, where, guessed


ALIKE = 0.05  # HTML lengths within 5 % of each other: a chapter of the same shape


def _alike(split: partition.Split, index: int, known: Sequence[int]) -> bool:
    """Whether a part laid out (`known`) is like part `index` (`_guess_like`): its HTML as
    long within `ALIKE`, and as many anchors."""
    body = split.parts[index].body
    ids = len(_in_order_of(body))
    return any(
        abs(len(split.parts[i].body) - len(body)) <= ALIKE * len(body)
        and len(_in_order_of(split.parts[i].body)) == ids
        for i in known
    )


@functools.lru_cache(maxsize=256)
def _in_order_of(body: str) -> tuple[str, ...]:
    """The anchors a part's HTML defines, in the order they appear, each once."""
    return tuple(dict.fromkeys(unescape(a or b) for a, b in partition._ID.findall(body)))


def _stamp_jobs(
    split: partition.Split,
    names: Sequence[Sequence[str]],
    base: RenderJob,
    digest: str,
    blocks: Sequence[Sequence[int]],
) -> list[tuple[str, RenderJob]]:
    """The footer stamp documents of every page, one per block of parts (`_blocks`), and
    their keys; `names` holds each part's pages' names."""
    total = sum(len(n) for n in names)
    found = []
    start = 1
    for block in blocks:
        chunk = [name for index in block for name in names[index]]
        text = stamp.document(split.head, chunk, start, total)
        start += len(chunk)
        key = _key(text, base, digest).replace("part-", "stamp-", 1)
        found.append((key, replace(base, text=text)))
    return found


def _stamps(
    split: partition.Split,
    results: list[PartPdf],
    base: RenderJob,
    digest: str,
    cache: Cache | None,
    pool: ThreadPoolExecutor,
    render: Callable[[tuple[str, RenderJob]], tuple[str, PartPdf]],
    workers: Callable[[int], None],
    early: Mapping[str, bytes],
    blocks: Sequence[Sequence[int]],
) -> tuple[list[bytes], list[str], int]:
    """The footer stamps of every page (`render.stamp`), one document per block (an
    edit that moves no page takes them all from the cache), their keys, and how many were
    laid out. `early` holds those laid out already by this build (`_in_order`)."""
    keys, todo = [], []
    found: dict[str, bytes] = {}
    for key, job in _stamp_jobs(split, [r.names for r in results], base, digest, blocks):
        keys.append(key)
        kept = cache.get_blob(key) if cache is not None and key not in early else None
        if key in early:
            found[key] = early[key]
        elif kept is not None:
            found[key] = kept[1]  # read once: the cache may drop it before it is used
        else:
            todo.append((key, job))
    workers(len(todo))
    for key, fresh in pool.map(render, todo):
        found[key] = fresh.data
    laid_out = [key for key, _ in todo] + [key for key in keys if key in early]
    if cache is not None:
        for key in laid_out:
            cache.put_blob(key, {}, found[key])
    return [found[key] for key in keys], keys, len(laid_out)


MAX_FONTS = 1024  # font programs read, kept (a few to a few hundred KiB each)
BLOCK = 8  # parts assembled (and their fonts merged) together, then kept in the cache


def _assemble_in_blocks(
    laid: list[LaidOut],
    keys: list[str],
    pages: list[int],
    cache: Cache | None,
    stamps: list[bytes],
    stamp_keys: list[str],
    blocks: Sequence[Sequence[int]],
    fonts: SignedFolder | None,
    early: Mapping[str, Future[bytes]],
) -> bytes:
    """The parts assembled in `blocks` (`_blocks`), each block kept in the cache under its
    parts' keys, then the blocks assembled: after an edit, one block's fonts are merged
    again, and the blocks' merged fonts, instead of every part's. The font programs read are
    kept too (`render.fontmerge`): the unchanged blocks' come back after an edit. `stamps`
    (one per block, `stamp_keys` their keys) are laid over their block's pages."""
    if len(blocks) <= 1:
        return assemble(laid, fonts=fonts, stamps=stamps)
    assembled = []
    for number, block in enumerate(blocks):
        chunk = [laid[index] for index in block]
        own = stamps[number : number + 1]
        key = _block_key([keys[index] for index in block], *stamp_keys[number:][:1])
        marks: list[tuple[Any, ...]] = []
        offset = 0
        for index in block:
            marks += [(*b[:2], b[2] + offset, *b[3:]) for b in laid[index].bookmarks]
            offset += pages[index]
        tables = any(part.tables for part in chunk)
        stored = cache.get_blob(key) if cache is not None else None
        if stored is not None:
            data = stored[1]
        elif key in early:
            data = early[key].result()
            if cache is not None:
                cache.put_blob(key, {}, data)
        else:
            data = assemble(chunk, fonts=fonts, stamps=own)
            if cache is not None:
                cache.put_blob(key, {}, data)
        assembled.append(LaidOut(data, tuple(marks), tables))
    return assemble(assembled, prefix="b", fonts=fonts)


def _block_key(keys: Sequence[str], stamp_key: str = "") -> str:
    """A block's key: its parts' keys and its stamp's."""
    return "block-" + hashlib.sha256("".join([*keys, stamp_key]).encode()).hexdigest()


GROUP = 8  # chapters that print no page number laid out as one part on a first build


def _groups(
    split: partition.Split, jobs: int, previous: Sequence[Sequence[tuple[str, str]]] | None
) -> list[list[int]]:
    """Which of `split`'s parts are laid out together (`partition.grouped`), in order.

    A long report's first build lays out up to `GROUP` consecutive chapters that print no
    page number as one part: each part laid out costs the same fixed work (head, fonts,
    assembly), and two workers need only a few parts each. A group never crosses a block of
    `BLOCK` chapters (`_blocks`), so the blocks stay the same when a group is split. A later
    build keeps the groups of the last one (`previous`: each group's chapter names and
    texts' hashes) whose chapters did not change; a chapter changed since is laid out alone,
    the others of its group together around it (then kept so: the next edit of that chapter
    lays out one)."""
    count = len(split.parts)
    if previous is not None:
        by_first = {group[0][0]: group for group in previous if len(group) > 1}
        hashes = [_hash(part.body) for part in split.parts]
        found: list[list[int]] = []
        index = 0
        while index < count:
            group = by_first.get(split.parts[index].name, ())
            end = index + len(group)
            names = [part.name for part in split.parts[index:end]]
            now = list(zip(names, hashes[index:end], strict=True))
            same = bool(group) and now == [tuple(g) for g in group]
            if index and same and index // BLOCK == (end - 1) // BLOCK:
                found.append(list(range(index, end)))
                index = end
                continue
            if index and group and index // BLOCK == (end - 1) // BLOCK:
                # Its chapters that did not change stay together (one part laid out instead
                # of one each), around those that did.
                run: list[int] = []
                for at, (member, was) in enumerate(zip(now, group, strict=False)):
                    if member == tuple(was):
                        run.append(index + at)
                        continue
                    found.extend([run] if run else [])
                    found.append([index + at])
                    run = []
                found.extend([run] if run else [])
                index += len(now)
                continue
            found.append([index])
            index += 1
        return found
    if count <= 4 * max(jobs, 2):  # a short report: its parts are few already
        return [[index] for index in range(count)]
    groups = [[0]]  # the front alone: it waits for all the others
    for index in range(1, count):
        last = groups[-1]
        if (
            last[0] != 0
            and len(last) < GROUP
            and index % BLOCK
            and not split.bound(index)
            and not split.bound(last[-1])
            # where it starts in the group is found by its name (`_keep_plan`)
            and split.parts[index].name in split.parts[index].ids
        ):
            last.append(index)
        else:
            groups.append([index])
    return groups


def _blocks(groups: Sequence[Sequence[int]]) -> list[list[int]]:
    """The parts (`groups`' indices) assembled together, by `BLOCK` chapters: the same
    blocks whichever chapters were grouped."""
    blocks: dict[int, list[int]] = {}
    alone = len(groups) > 1 and groups[-1][0] >= BLOCK
    for number, group in enumerate(groups):
        # The front in a block of its own when there are several: its numbers are known
        # last, so its block is assembled after the last part; alone, that is one short
        # part, and the chapters of its first block are assembled while others lay out.
        blocks.setdefault(-1 if alone and group == [0] else group[0] // BLOCK, []).append(number)
    return list(blocks.values())


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


_ON_PAGE = re.compile(r" on page (\d+),")


def _on_page(problem: Problem, start: int) -> Problem:
    """A part's warning that names one of its pages (an overflow: "on page 2,") names the
    page of the whole report."""
    found = _ON_PAGE.search(problem.message)
    if found is None or start == 1:
        return problem
    page = int(found[1]) + start - 1
    message = (
        problem.message[: found.start()] + f" on page {page}," + problem.message[found.end() :]
    )
    return replace(problem, message=message)


Plan = dict[str, tuple[int, dict[str, int]]]


def _previous_plan(
    cache: Cache | None, plan_key: str | None
) -> tuple[Plan, list[list[tuple[str, str]]]]:
    """The last build's page count and anchors of each chapter, by its part's name; and its
    groups (`_groups`)."""
    if cache is None or plan_key is None:
        return {}, []
    found = cache.get_blob(plan_key)
    if found is None:
        return {}, []
    try:
        plan = json.loads(found[1])
        members = {
            str(k): (int(v[0]), {str(a): int(p) for a, p in v[1].items()})
            for k, v in plan["chapters"].items()
        }
        groups = [[(str(n), str(h)) for n, h in group] for group in plan["groups"]]
        return members, groups
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return {}, []


def _keep_plan(
    cache: Cache | None,
    plan_key: str | None,
    split: partition.Split,
    groups: Sequence[Sequence[int]],
    results: list[PartPdf],
) -> None:
    """Each chapter's page count and anchors (a group's cut where its chapters start) and
    the groups, for the next build."""
    if cache is None or plan_key is None:
        return
    chapters: dict[str, list[Any]] = {}
    for group, result in zip(groups, results, strict=True):
        members = [split.parts[index] for index in group]
        starts = [0, *(result.anchors.get(m.name, -1) for m in members[1:]), result.pages]
        if starts != sorted(starts) or -1 in starts:
            continue  # a chapter's start not found: guessed one page next time
        for member, first, end in zip(members, starts, starts[1:], strict=False):
            where = {a: p - first for a, p in result.anchors.items() if a in member.ids}
            chapters[member.name] = [end - first, where]
    kept = [[[split.parts[i].name, _hash(split.parts[i].body)] for i in g] for g in groups]
    plan = {"chapters": chapters, "groups": kept}
    cache.put_blob(plan_key, {}, json.dumps(plan).encode("utf-8"))
