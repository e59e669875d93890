"""What a build gives back (`Output`, `BuildResult`), and the answer the cache gives for an
unchanged build: kept apart from `pipeline` so that this answer imports neither the project's
loader (Pydantic, YAML …) nor the HTML stage."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportbuilder.deliver.files import write_atomic
from reportbuilder.errors import Problem, Severity

if TYPE_CHECKING:
    from reportbuilder.cache import Cache
    from reportbuilder.edition import Edition


@dataclass(frozen=True)
class Output:
    """One file a build wrote."""

    path: str
    format: str
    bytes: int
    pages: int | None = None
    images: str | None = None  # how images were lightened to fit max_size, if they were
    cached: str | None = None  # "up to date" or "restored": taken from the cache, not built
    sources: str | None = None  # with --embed-sources: the data files not attached, and why
    # With REPORTBUILDER_PARTS=1: "parts" (chapters laid out apart and assembled) or "whole",
    # and why whole.
    layout: str | None = None
    layout_reason: str | None = None
    parts: dict[str, int] | None = None  # with "parts": how many laid out, how many reused

    def as_json(self) -> dict[str, Any]:
        optional = ("images", "cached", "sources", "layout", "layout_reason", "parts")
        return {k: v for k, v in vars(self).items() if k not in optional or v is not None}


@dataclass(frozen=True)
class BuildResult:
    """What a build made (or a check found): outputs, and the warnings met on the way."""

    project: str
    outputs: tuple[Output, ...] = ()
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "project": self.project,
            "outputs": [out.as_json() for out in self.outputs],
            "problems": [p.as_json() for p in self.problems],
            "seconds": self.seconds,
        }


@dataclass
class Clock:
    started: float = field(default_factory=time.perf_counter)

    def seconds(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def from_cache(cache: Cache, key: str, root: str, clock: Clock) -> BuildResult | None:
    """The cached build for `key`, its output written again if the file differs; None on a
    miss."""
    from reportbuilder.cache import sha256

    hit = cache.get(key)
    if hit is None:
        return None
    entry, data = hit
    target = Path(entry.target)
    try:
        same = target.is_file() and sha256(target.read_bytes()) == entry.sha256
    except OSError:
        same = False
    if not same:
        write_atomic(target, data)
    problems = tuple(Problem.from_json(p) for p in entry.problems)
    state = "up to date" if same else "restored"
    out = Output(str(target), entry.format, len(data), entry.pages, cached=state)
    return BuildResult(root, (out,), problems, clock.seconds())


def unchanged(
    cache: Cache,
    editions: Sequence[tuple[str | None, Edition]],
    inputs: Sequence[str],
    *,
    output: str | os.PathLike[str] | None = None,
    format: str | None = None,
) -> list[BuildResult] | None:
    """Every edition's build taken from the cache, without loading the project, when none
    of their inputs (`inputs`, one `Cache.inputs_key` per edition) changed since they were
    built (see `Cache.known_key`); None as soon as one must be built (an earlier edition's
    output may have been restored, as the build would restore it)."""
    results = []
    for (_, edition), seen in zip(editions, inputs, strict=True):
        clock = Clock()
        given = os.fspath(output) if output is not None else None
        key = cache.known_key(seen, edition=edition, output=given, format=format)
        result = from_cache(cache, key, str(cache.root), clock) if key is not None else None
        if result is None:
            return None
        results.append(result)
    return results


__all__ = ["BuildResult", "Clock", "Output", "from_cache", "unchanged"]
