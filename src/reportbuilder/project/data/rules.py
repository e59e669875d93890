"""The statistics rules, as plain functions on plain values: numbers, a base, the counts and
percents of a breakdown's categories and the decimals each percent was written with.

No files, paths or lines here: each rule returns what is wrong — a message, None when all is
well, or a `Finding` naming the key it concerns — and the loader places it in its file.
Rules that take a base need it above 0 (`base_problem` says so; the others raise ValueError).

Messages are written to follow a prefix: `breakdown 'age', category 'adults': ` + message,
or `'count' ` + message for the value rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from reportbuilder.project.data.model import Number
from reportbuilder.project.yamlio import number_hint

EPSILON = 1e-9  # float noise in sums and ratios, far below any written precision


@dataclass(frozen=True)
class Part:
    """One category as the breakdown rules see it: the count as written (None if not), the
    percent as written or derived from the count, and the decimals it was written with
    (None when derived)."""

    count: Number | None = None
    percent: Number | None = None
    decimals: int | None = None


@dataclass(frozen=True)
class Finding:
    """What a category rule found wrong, and the key it concerns (`count` or `percent`)."""

    key: str
    message: str


# --- Showing numbers in messages ---------------------------------------------------------


def number_text(number: float) -> str:
    """A number for a message: `70`, `99.9`, never `70.00000000001`."""
    if not math.isfinite(number):
        return str(number)
    rounded = round(number, 6)
    return str(int(rounded)) if rounded == int(rounded) else repr(rounded)


def shown(value: object) -> str:
    """A value as a message shows what was found: `true`, `'99'`, `a list`, `12.5`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return number_text(value) if isinstance(value, int | float) else type(value).__name__


def is_number(value: object) -> bool:
    """An int or a float, but not a bool (YAML's yes/no)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- One value ---------------------------------------------------------------------------


def value_problem(value: object, *, negative: bool = False) -> str | None:
    """A statistic must be a finite number, given, and not negative unless `negative` (a key
    figure that is a change: "−5,5 %" from one year to the next)."""
    if value is None:
        return "has no value"
    if isinstance(value, bool):
        return f"must be a number, not yes/no (got {shown(value)})"
    if isinstance(value, str) and number_hint(value):
        return f"must be a number: '{value.strip()}' {number_hint(value)}"
    if not isinstance(value, int | float):
        return f"must be a number (got {shown(value)})"
    if not math.isfinite(value):
        return f"must be a finite number (got {value})"
    if value < 0 and not negative:
        return f"must not be negative (got {number_text(value)})"
    return None


def whole_problem(number: Number) -> str | None:
    """A count or a base is a whole number (`12.0` is one)."""
    if float(number).is_integer():
        return None
    return f"must be a whole number (got {number_text(number)})"


def percent_problem(percent: Number) -> str | None:
    """A percent is at most 100 (`value_problem` says it is not negative)."""
    return None if percent <= 100 else f"must be at most 100 (got {number_text(percent)})"


def base_problem(base: Number) -> str | None:
    """A base (or an `of` total) is more than 0: nothing can be a percent of 0."""
    return "must be more than 0" if base == 0 else None


# --- One category --------------------------------------------------------------------------


def _require_base(base: Number) -> None:
    if not base > 0:
        raise ValueError(f"the base must be more than 0 (got {number_text(base)})")


def counts_giving(percent: Number, decimals: int, base: Number) -> tuple[int, int] | None:
    """The least and the greatest whole count k in 0..base whose share of `base` is `percent`
    as written with `decimals` (|100·k/base − percent| ≤ half a unit of the last decimal);
    None if there is none. Every count in between gives it too (the share grows with k)."""
    _require_base(base)
    half = 0.5 * 10.0**-decimals + EPSILON

    def first(wanted: Callable[[int], bool]) -> int:
        """The least k in 0..base+1 for which `wanted` holds (it holds from some k on)."""
        low, high = 0, int(base) + 1
        while low < high:  # by halves: a base beyond 2**53 leaves floats too coarse to step
            middle = (low + high) // 2
            if wanted(middle):
                high = middle
            else:
                low = middle + 1
        return low

    least = first(lambda k: k / base * 100 - percent >= -half)
    greatest = first(lambda k: k / base * 100 - percent > half) - 1
    return (least, greatest) if least <= min(greatest, int(base)) else None


def over_base_problem(count: Number, base: Number) -> str | None:
    """A count is at most its base."""
    if count <= base:
        return None
    return f"count {number_text(count)} is more than the base {number_text(base)}"


def unreachable_problem(percent: Number, decimals: int, base: Number) -> str | None:
    """A written percent must come from a whole count of the base; names the closest counts."""
    if counts_giving(percent, decimals, base) is not None:
        return None
    low = math.floor(percent / 100 * base)
    closest = [k for k in (low, low + 1) if 0 <= k <= base]
    options = ", ".join(f"{k} gives {k / base * 100:.{decimals + 1}f} %" for k in closest)
    return (
        f"{number_text(percent)} % cannot come from a whole count out of "
        f"{number_text(base)} (closest: {options})"
    )


def disagreement_problem(count: Number, percent: Number, decimals: int, base: Number) -> str | None:
    """A count and a percent given together agree, within the percent's written precision."""
    _require_base(base)
    half = 0.5 * 10.0**-decimals + EPSILON
    share = count / base * 100
    if abs(share - percent) <= half:
        return None
    return (
        f"count {number_text(count)} is {share:.{decimals + 1}f} % of the base "
        f"{number_text(base)}, not {number_text(percent)} %"
    )


def category_finding(
    count: Number | None, percent: Number | None, decimals: int | None, base: Number
) -> Finding | None:
    """The first of: count within the base; percent reachable; count and percent agreeing.

    `decimals` None means the percent was derived, so only the count is checked.
    """
    if count is not None and (message := over_base_problem(count, base)):
        return Finding("count", message)
    if percent is None or decimals is None:
        return None
    if message := unreachable_problem(percent, decimals, base):
        return Finding("percent", message)
    if count is not None and (message := disagreement_problem(count, percent, decimals, base)):
        return Finding("percent", message)
    return None


# --- A whole breakdown ---------------------------------------------------------------------


def needs_base_problem(given: Sequence[Collection[str]]) -> str | None:
    """Without a base, categories giving a percent only cannot sit beside ones giving a count.

    `given`: for each category, which of `count` and `percent` it gives.
    """
    shapes = [set(keys) & {"count", "percent"} for keys in given]
    if {"percent"} in shapes and any("count" in shape for shape in shapes):
        return "give 'base' (a number or a key figure) when categories have percents only"
    return None


def base_of_counts(counts: Sequence[Number]) -> tuple[Number | None, str | None]:
    """Without a base, the counts' sum is the base: (base, None), or (None, why it cannot be)."""
    base = sum(counts)
    if base == 0 or not math.isfinite(base):
        total = "0" if base == 0 else "too large a number"
        return None, f"counts add up to {total}, so no percent can come from them"
    return base, None


def counts_sum_problem(counts: Sequence[Number | None], base: Number | None) -> str | None:
    """The counts written add up to the base when all are given, and never exceed it."""
    written = sum(c for c in counts if c is not None)
    if base is not None and None not in counts and written != base:
        return f"counts add up to {number_text(written)}, not the base {number_text(base)}"
    if base is not None and written > base:
        return f"counts add up to {number_text(written)}, more than the base {number_text(base)}"
    return None


def rounding_tolerance(parts: Sequence[Part]) -> float:
    """How far rounded percents may add up from 100: one unit of the coarsest written decimal
    (99 or 101 for whole percents, 99.9 or 100.1 with one decimal); 0 when all are derived."""
    written = [p.decimals for p in parts if p.decimals is not None]
    return 10.0 ** -min(written) if written else 0.0


def percents_sum_problem(
    parts: Sequence[Part], rounded: bool = False, multiple: bool = False
) -> str | None:
    """The percents add up to exactly 100; with `rounded`, to within `rounding_tolerance`;
    with `multiple` (several answers possible) to anything. Nothing to say while a percent is
    unknown."""
    percents = [part.percent for part in parts]
    if multiple or None in percents:
        return None
    tolerance = rounding_tolerance(parts)
    total = sum(percents)  # type: ignore[arg-type]
    off = abs(total - 100)
    if off <= EPSILON or (rounded and off <= tolerance + EPSILON):
        return None
    if any(p.decimals is None or p.count is not None for p in parts):
        # Beside counts (derived percents, or counts written with their percents), a written
        # percent is rounded whatever the flag says: each may be off by half a unit, and
        # seven categories rounded on their own can miss 100 by 2 (the counts against the
        # base and the joint check then decide exactly).
        mixed = sum(0.5 * 10.0**-p.decimals for p in parts if p.decimals is not None)
        if off <= mixed + EPSILON:
            return None
        return f"percents add up to {number_text(round(total, 2))}, not 100"
    said = f"percents add up to {number_text(round(total, 6))}, not 100"
    if rounded:
        return f"{said} (rounded percents may miss 100 by {number_text(tolerance)} at most)"
    if off <= tolerance + EPSILON:
        return f"{said}; if they are rounded, add 'rounded: true' to the breakdown"
    return said


def joint_problem(parts: Sequence[Part], base: Number) -> str | None:
    """Some whole counts, one per category, give every percent and add up to the base.

    A written count allows itself only; a written percent the counts from `counts_giving`.
    (89 % and 10 % of 99 allow 88 + 10 = 98 at most: within rounding of 100, yet wrong.)
    """
    low = high = 0
    for part in parts:
        if part.count is not None:
            allowed: tuple[int, int] | None = (int(part.count), int(part.count))
        elif part.percent is not None and part.decimals is not None:
            allowed = counts_giving(part.percent, part.decimals, base)
        else:
            allowed = None
        if allowed is None:
            return None  # a category of its own is wrong: its rule says so
        low, high = low + allowed[0], high + allowed[1]
    if high < base:
        side = f"{high} at most"
    elif low > base:
        side = f"{low} at least"
    else:
        return None
    return f"no whole counts out of {number_text(base)} give these percents (they allow {side})"


def breakdown_problem(
    parts: Sequence[Part], base: Number | None, rounded: bool = False, multiple: bool = False
) -> str | None:
    """The first of the sum rules that fails, each later one being implied by an earlier
    failure: counts vs the base, percents vs 100, then the exact joint check.

    `multiple` (several answers possible): only that no count exceeds the base (the category
    rules say it) — the counts and percents need not add up.
    """
    if multiple:
        return None
    counts = [part.count for part in parts]
    problem = counts_sum_problem(counts, base)
    if problem:
        return problem  # percents derived from these counts cannot add up either
    problem = percents_sum_problem(parts, rounded)
    if problem:
        return problem  # the exact check would only say it again
    if base is None or None not in counts:
        return None  # with every count given, their sum has said it all
    return joint_problem(parts, base)


def apportion(parts: Sequence[Part], base: Number) -> list[int] | None:
    """Whole counts, one per part, that add up to `base` exactly: a written count is kept, the
    others come from their percents by largest remainder, each kept among the counts that
    give its percent as written (`counts_giving`). None when no such counts exist (the
    breakdown's rules then say why) or a part has neither count nor written percent.

    41/22/14/12/11 % of 48 372 give 19 832 + 10 642 + 6 772 + 5 805 + 5 321 = 48 372, where
    rounding each count on its own gives 48 373.
    """
    _require_base(base)
    total = int(base)
    ranges: list[tuple[int, int]] = []
    for part in parts:
        if part.count is not None:
            ranges.append((int(part.count), int(part.count)))
        elif part.percent is not None and part.decimals is not None:
            allowed = counts_giving(part.percent, part.decimals, base)
            if allowed is None:
                return None
            ranges.append(allowed)
        else:
            return None
    if sum(low for low, _ in ranges) > total or sum(high for _, high in ranges) < total:
        return None
    free = [i for i, part in enumerate(parts) if part.count is None]
    rest = total - sum(int(parts[i].count or 0) for i in range(len(parts)) if i not in free)
    written = sum(float(parts[i].percent or 0) for i in free)
    # Quotas scaled so that they add up to what the free parts share (rounded percents may
    # add up to 101): Hamilton's method on them, then kept within each part's range.
    quotas = {i: float(parts[i].percent or 0) / written * rest if written else 0.0 for i in free}
    counts = [low for low, _ in ranges]
    for i in free:
        low, high = ranges[i]
        counts[i] = min(max(math.floor(quotas[i]), low), high)
    need = rest - sum(counts[i] for i in free)
    # One each by remainder first (Hamilton); what is still missing, where there is room.
    for bulk in (False, True):
        if not need:
            break
        step = 1 if need > 0 else -1

        # Largest remainder gains first, smallest loses first; sorting keeps ties in order.
        order = sorted(free, key=lambda i: quotas[i] - counts[i], reverse=step > 0)
        for i in order:
            room = ranges[i][1] - counts[i] if step > 0 else counts[i] - ranges[i][0]
            amount = min(room, abs(need), 1 if not bulk else abs(need))
            counts[i] += step * amount
            need -= step * amount
            if not need:
                break
    return counts
