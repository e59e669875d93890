"""Hand-made, deterministic SVG charts (horizontal bars, one stacked bar, donut) for reports.

This module owns chart geometry and markup only: it never formats a number for display
(callers pass each value's text) and returns inline `<svg>` strings meant for an HTML
`<figure>`. The viewBox is `style.width` user units wide and the SVG as many millimetres, so
one user unit is one millimetre and the text keeps its size in points (3 units ≈ 8.5 pt)
whatever the page: the caller draws the chart at the width of its text column, and CSS only
ever shrinks it (`max-width`) when the column is narrower still. So every text stays inside
the picture at that size (labels and legends wrap, a word wider than its column is broken
with a hyphen, a donut's legend goes under it when the column beside it is narrow), and a
chart taller than `style.max_height` (what a page holds) is refused, never shrunk.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources

__all__ = ["Bar", "ChartStyle", "bar_chart", "donut_chart", "stacked_bar"]


@dataclass(frozen=True)
class Bar:
    """One category: its label, its value and the value already formatted for display."""

    label: str
    value: float
    text: str


@dataclass(frozen=True)
class ChartStyle:
    """Colours, font and layout width shared by all charts of a report."""

    palette: tuple[str, ...] = ("#0b3c5d", "#1d7fb8", "#f2a541", "#5e8c61", "#b8336a", "#7a7a7a")
    font_family: str = "Inter"
    text_color: str = "#1f2933"
    muted_color: str = "#5f6b7a"
    width: float = 160.0
    # The tallest a chart may be drawn (mm): what a page's text block holds beside its caption
    # and notes, and never more than the theme's 200 mm cap on pictures (a taller chart was
    # shrunk to fit, its text to 1.7 pt: trial 7 #18).
    max_height: float = 200.0


# Sizes in user units (≈ mm): 3.0 ≈ 8.5 pt, 2.8 ≈ 8 pt.
_FONT = 3.0
_LINE = 3.9
# Inter's cap height is ~0.73 em: this offset puts a line's capitals on a centre line without
# `dominant-baseline`, which WeasyPrint only approximates.
_CENTER_SHIFT = 0.36
_SEPARATOR = 0.5
_ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
# Only ASCII whitespace separates words: a no-break space (as in "89 %") must hold.
_SPACES = re.compile(r"[ \t\n\r]+")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    style: ChartStyle = ChartStyle(),
    max_value: float | None = None,
    id_prefix: str | None = None,
) -> str:
    """Horizontal bars in one colour: label on the left, value text after the bar."""
    _check(bars)
    largest = max(bar.value for bar in bars)
    if max_value is None:
        scale = largest or 1.0
    else:
        if not math.isfinite(max_value) or max_value <= 0:
            raise ValueError(f"max_value must be a positive number, got {max_value!r}")
        if largest > max_value:
            raise ValueError(f"a value ({largest!r}) exceeds max_value ({max_value!r})")
        scale = max_value
    width = style.width
    bar_height, gap, top = 5.0, 2.8, 1.0

    value_width = max(_text_width(bar.text, bold=True) for bar in bars) + 2.0
    # The labels' column gives way to the bars: at most 38 % of the width, and never so much
    # that the bars keep less than a quarter of it — unless labels wrapped in it would make
    # the chart taller than a page: then they take up to 55 % before the chart is refused.
    for share in (0.38, 0.46, 0.55):
        room = max(min(width * share, width * 0.75 - value_width - 2.5), width * 0.15)
        label_width = min(max(_text_width(bar.label) for bar in bars), room)
        label_lines = [_wrap(bar.label, label_width) for bar in bars]
        rows = [max(bar_height, len(lines) * _LINE) for lines in label_lines]
        needed = sum(rows) + gap * (len(rows) - 1) + 2 * top
        if needed <= style.max_height:
            break
    axis_x = max(_text_width(line) for lines in label_lines for line in lines) + 2.5
    plot_width = max(width - axis_x - value_width, 0.0)
    if needed > style.max_height:
        fit, used = 0, 2 * top - gap
        while fit < len(rows) and used + rows[fit] + gap <= style.max_height:
            used += rows[fit] + gap
            fit += 1
        raise ValueError(
            f"{len(bars)} bars make a chart {needed:.0f} mm tall and a page has room for"
            f" {style.max_height:.0f} mm: {_readable(fit)} at a readable size."
            " Group the smallest categories, or show them with table(), which continues"
            " over pages"
        )

    body: list[str] = []
    y = top
    for bar, lines, row in zip(bars, label_lines, rows, strict=True):
        mid = y + row / 2
        first = mid - (len(lines) - 1) * _LINE / 2 + _CENTER_SHIFT * _FONT
        for i, line in enumerate(lines):
            body.append(_text(line, axis_x - 2.5, first + i * _LINE, anchor="end"))
        length = bar.value / scale * plot_width
        if length > 0:
            body.append(
                f'<rect x="{_n(axis_x)}" y="{_n(mid - bar_height / 2)}" width="{_n(length)}"'
                f' height="{_n(bar_height)}" fill="{_attr(style.palette[0])}"/>'
            )
        body.append(_text(bar.text, axis_x + length + 1.5, mid + _CENTER_SHIFT * _FONT, weight=600))
        y += row + gap
    height = y - gap + top
    # Drawn last so it sits on top of the bars' left edges, as a crisp zero line.
    body.append(
        f'<line x1="{_n(axis_x)}" y1="0" x2="{_n(axis_x)}" y2="{_n(height)}"'
        f' stroke="{_mix(style.muted_color, 0.4)}" stroke-width="0.3"/>'
    )
    prefix = id_prefix or _default_prefix("bar", bars, title, description, style, max_value)
    return _svg("bar", prefix, title, description, style, height, body)


def stacked_bar(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    style: ChartStyle = ChartStyle(),
    id_prefix: str | None = None,
) -> str:
    """One full-width bar split into segments in palette order, legend below."""
    _check(bars)
    colors = _colors(bars, style)
    total = _total(bars)
    width = style.width
    bar_height = 9.0

    body: list[str] = []
    separators: list[float] = []
    x = 0.0
    for bar, color in zip(bars, colors, strict=True):
        if bar.value == 0:
            continue
        segment = bar.value / total * width
        body.append(
            f'<rect x="{_n(x)}" y="0" width="{_n(segment)}" height="{_n(bar_height)}"'
            f' fill="{_attr(color)}"/>'
        )
        if _text_width(bar.text, bold=True) + 3.0 <= segment:
            body.append(
                _text(
                    bar.text,
                    x + segment / 2,
                    bar_height / 2 + _CENTER_SHIFT * _FONT,
                    anchor="middle",
                    weight=600,
                    fill=_ink_on(color, style.text_color),
                )
            )
        if x > 0:
            separators.append(x)
        x += segment
    body.extend(
        f'<line x1="{_n(sx)}" y1="0" x2="{_n(sx)}" y2="{_n(bar_height)}"'
        f' stroke="#ffffff" stroke-width="{_n(_SEPARATOR)}"/>'
        for sx in separators
    )

    # Legend: swatch, label and value flow left to right and wrap onto new rows; an item wider
    # than the chart gets rows of its own, its label wrapped (on A5 it ran off the picture:
    # trial 7 #17).
    row_y = bar_height + 4.5
    x = 0.0
    extra = 0.0  # how much taller than one line the current row is
    for bar, color in zip(bars, colors, strict=True):
        label = _one_line(bar.label)
        # As drawn: the label and a space in the regular weight, the value in bold.
        item = 4.5 + _text_width(label + " ") + _text_width(bar.text, bold=True)
        if x > 0 and x + item > width:
            x, row_y, extra = 0.0, row_y + 5.5 + extra, 0.0
        body.append(_swatch(x, row_y, color))
        if item <= width:
            body.append(_legend_text(label, bar.text, x + 4.5, row_y + _CENTER_SHIFT * _FONT))
            x += item + 5.0
            continue
        lines = _wrap(label, width - 4.5)
        if 4.5 + _text_width(lines[-1] + " ") + _text_width(bar.text, bold=True) > width:
            lines.append("")  # the value on a line of its own
        baseline = row_y + _CENTER_SHIFT * _FONT
        body.extend(_text(line, 4.5, baseline + i * _LINE) for i, line in enumerate(lines[:-1]))
        last = baseline + (len(lines) - 1) * _LINE
        body.append(_legend_text(lines[-1], bar.text, 4.5, last, lead=bool(lines[-1])))
        x, extra = width, (len(lines) - 1) * _LINE
    height = row_y + extra + 2.5
    prefix = id_prefix or _default_prefix("stacked", bars, title, description, style, None)
    return _svg("stacked", prefix, title, description, style, height, body)


def donut_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    style: ChartStyle = ChartStyle(),
    center_text: str | None = None,
    center_label: str | None = None,
    id_prefix: str | None = None,
) -> str:
    """A donut from 12 o'clock clockwise with a legend on its right; `center_text` goes in the
    hole, with `center_label` under it saying what it is (the category, or "Total").

    `center_text` is shown as given (e.g. the first share's `text`, or a total the caller
    formatted); zero-value categories get no slice but keep their legend row. A slice too thin
    to see is drawn at `_MIN_SWEEP` (taken from the largest) with its value on a leader line.
    """
    _check(bars)
    colors = _colors(bars, style)
    total = _total(bars)
    width = style.width
    outer, inner, pad = 20.0, 13.0, 0.5
    shown = [(bar, color) for bar, color in zip(bars, colors, strict=True) if bar.value > 0]
    sweeps = _sweeps([bar.value / total * 2 * math.pi for bar, _ in shown])
    tiny = [s < _TINY for s in sweeps]
    middles = [sum(sweeps[:i]) + sweep / 2 for i, sweep in enumerate(sweeps)]
    places = _leader_places(outer, [m for m, thin in zip(middles, tiny, strict=True) if thin])
    # Room for the leader labels of thin slices: they sit around 12 o'clock.
    highest = min((place.label_y for place in places), default=0.0)
    top = max(7.0, -highest - outer + 3.5) if places else pad
    side = 13.0 if places else pad
    cx, cy = outer + side, outer + top

    body: list[str] = []
    start = 0.0
    texts = [bar.text for (bar, _), thin in zip(shown, tiny, strict=True) if thin]
    leaders = [
        line
        for place, text in zip(places, texts, strict=True)
        for line in _leader(cx, cy, place, text)
    ]
    for (_, color), sweep in zip(shown, sweeps, strict=True):
        path = (
            _ring(cx, cy, outer, inner)
            if len(shown) == 1
            else _sector(cx, cy, outer, inner, start, start + sweep)
        )
        body.append(
            f'<path d="{path}" fill="{_attr(color)}" stroke="#ffffff"'
            f' stroke-width="{_n(_SEPARATOR)}" stroke-linejoin="round"/>'
        )
        start += sweep
    body.extend(leaders)
    if center_text:
        # Shrink a long centre text (say, a total with its unit) to fit the hole, not below 8 pt.
        fit = (2 * inner - 3.0) / _text_width(center_text, bold=True) * _FONT
        big = min(5.0, max(fit, 2.8))
        # The label under it, in lines that fit the hole (at most two), at 7 pt or more.
        label_lines = (
            _wrap(center_label, (2 * inner - 5.0) * _FONT / _SMALL) if center_label else []
        )
        label_lines = label_lines[:2]
        if len(_wrap(center_label or "", (2 * inner - 5.0) * _FONT / _SMALL)) > 2:
            label_lines[-1] = label_lines[-1] + "…"
        lines_height = len(label_lines) * _SMALL * 1.2
        value_y = cy + _CENTER_SHIFT * big - lines_height / 2
        body.append(_text(center_text, cx, value_y, anchor="middle", weight=600, size=big))
        for i, line in enumerate(label_lines):
            y = value_y + big * 0.35 + (i + 1) * _SMALL * 1.2
            body.append(_text(line, cx, y, anchor="middle", size=_SMALL, fill=style.muted_color))

    # Legend: labels wrap in their column, values right-aligned in a column of their own; on
    # the donut's right, or under it when the column there would be too narrow for the labels
    # (a narrow page: trial 7 #17).
    value_width = max(_text_width(bar.text, bold=True) for bar in bars)
    widest = max(_text_width(bar.label) for bar in bars)
    legend_x = 2 * cx + 7.0
    label_room = width - legend_x - 4.5 - 3.5 - value_width
    below = label_room < min(widest, _LEGEND_ROOM)
    if below:
        legend_x, label_room = 0.0, width - 4.5 - 3.5 - value_width
    label_width = max(min(widest, label_room), _FONT)
    rows = [_wrap(bar.label, label_width) for bar in bars]
    value_x = legend_x + 4.5 + label_width + 3.5 + value_width
    row_gap = 2.6
    legend_height = sum(len(lines) * _LINE for lines in rows) + row_gap * (len(rows) - 1)
    y = cy + outer + 6.0 if below else max(cy - legend_height / 2, pad)
    for bar, color, lines in zip(bars, colors, rows, strict=True):
        baseline = y + _LINE / 2 + _CENTER_SHIFT * _FONT
        body.append(_swatch(legend_x, y + _LINE / 2, color))
        for i, line in enumerate(lines):
            body.append(_text(line, legend_x + 4.5, baseline + i * _LINE))
        body.append(_text(bar.text, value_x, baseline, anchor="end", weight=600))
        y += len(lines) * _LINE + row_gap
    height = max(cy + outer + pad, y - row_gap + pad)
    prefix = id_prefix or _default_prefix("donut", bars, title, description, style, center_text)
    return _svg("donut", prefix, title, description, style, height, body)


_MIN_SWEEP = math.radians(3)  # the thinnest slice drawn: 0.3 % would be a hairline
_TINY = math.radians(8)  # a slice this thin has no room for its value: a leader line has it
_SMALL = 2.5  # ≈ 7 pt: the smallest text a chart sets
_LEGEND_ROOM = 30.0  # the narrowest column a donut's legend labels get beside it


def _sweeps(raw: list[float]) -> list[float]:
    """Slice angles with every slice at least `_MIN_SWEEP`, the difference taken from the
    largest; the whole still makes one turn."""
    if len(raw) < 2:
        return raw
    sweeps = [max(s, _MIN_SWEEP) for s in raw]
    largest = max(range(len(raw)), key=raw.__getitem__)
    sweeps[largest] -= sum(sweeps) - sum(raw)
    return sweeps


@dataclass(frozen=True)
class _LeaderPlace:
    """Where a thin slice's leader goes, from the donut's centre: from the ring (x0, y0) out
    to (x1, y1), then across at `label_y` to its label, on the right or the left."""

    x0: float
    y0: float
    x1: float
    y1: float
    label_y: float
    right: bool


def _leader_places(outer: float, angles: Sequence[float]) -> list[_LeaderPlace]:
    """Leaders for thin slices at `angles`, their labels on one side at least a line of
    small text apart: two thin neighbours (2 % and 1 %) ran into one label "2%1%"."""
    places = []
    for angle in angles:
        x1, y1 = (outer + 3.5) * math.sin(angle), -(outer + 3.5) * math.cos(angle)
        x0, y0 = outer * math.sin(angle), -outer * math.cos(angle)
        places.append(_LeaderPlace(x0, y0, x1, y1, y1, math.sin(angle) >= 0))
    gap = _SMALL * 1.25
    spread: dict[int, float] = {}
    for right in (True, False):
        # Around 12 o'clock: each label moves up, away from the ring, until it clears the one
        # below it.
        side = sorted(
            (i for i, place in enumerate(places) if place.right is right),
            key=lambda i: -places[i].y1,
        )
        below = math.inf
        for i in side:
            spread[i] = min(places[i].y1, below - gap)
            below = spread[i]
    return [_LeaderPlace(p.x0, p.y0, p.x1, p.y1, spread[i], p.right) for i, p in enumerate(places)]


def _leader(cx: float, cy: float, place: _LeaderPlace, text: str) -> list[str]:
    """A thin slice's value outside the ring, on a short line from the slice."""
    x0, y0, x1, y1 = cx + place.x0, cy + place.y0, cx + place.x1, cy + place.y1
    right = place.right
    x2 = x1 + (2.0 if right else -2.0)
    label_y = cy + place.label_y
    return [
        f'<polyline points="{_n(x0)},{_n(y0)} {_n(x1)},{_n(y1)} {_n(x2)},{_n(label_y)}"'
        ' fill="none" stroke="#5f6b7a" stroke-width="0.3"/>',
        _text(
            text,
            x2 + (0.8 if right else -0.8),
            label_y + _CENTER_SHIFT * _SMALL,
            anchor="start" if right else "end",
            weight=600,
            size=_SMALL,
        ),
    ]


def _check(bars: Sequence[Bar]) -> None:
    if not bars:
        raise ValueError("needs at least one category, got none")
    for bar in bars:
        if not math.isfinite(bar.value) or bar.value < 0:
            raise ValueError(
                f"values must be finite and non-negative, got {bar.value!r} for {bar.label!r}"
            )


def _total(bars: Sequence[Bar]) -> float:
    total = math.fsum(bar.value for bar in bars)
    if total <= 0:
        raise ValueError("values add up to 0, there is no whole to split")
    return total


def _colors(bars: Sequence[Bar], style: ChartStyle) -> list[str]:
    # Cycling the palette would give two categories of a whole the same colour.
    if len(bars) > len(style.palette):
        raise ValueError(
            f"{len(bars)} categories but only {len(style.palette)} palette colours;"
            " group the smallest ones or extend the palette"
        )
    return list(style.palette[: len(bars)])


def _svg(
    kind: str,
    prefix: str,
    title: str,
    description: str,
    style: ChartStyle,
    height: float,
    body: list[str],
) -> str:
    if not _ID_PATTERN.fullmatch(prefix):
        raise ValueError(
            f"id_prefix must be a letter then letters, digits, -, _ or ., got {prefix!r}"
        )
    if height > style.max_height:
        raise ValueError(
            f"the chart is {height:.0f} mm tall and a page has room for {style.max_height:.0f} mm:"
            " shorten its labels or group the smallest categories"
        )
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}"'
        f' viewBox="0 0 {_n(style.width)} {_n(height)}"'
        f' width="{_n(style.width)}mm" height="{_n(height)}mm"'
        f' role="img" aria-labelledby="{title_id} {desc_id}">'
    )
    group = (
        f'<g font-family="{_attr(style.font_family)}" font-size="{_n(_FONT)}"'
        f' fill="{_attr(style.text_color)}">'
    )
    return "\n".join(
        [
            head,
            f'<title id="{title_id}">{_esc(title)}</title>',
            f'<desc id="{desc_id}">{_esc(description)}</desc>',
            group,
            *body,
            "</g>",
            "</svg>",
        ]
    )


def _default_prefix(
    kind: str,
    bars: Sequence[Bar],
    title: str,
    description: str,
    style: ChartStyle,
    extra: object,
) -> str:
    data = repr(
        (kind, title, description, [(b.label, b.value, b.text) for b in bars], style, extra)
    )
    return "chart-" + hashlib.sha1(data.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def _text(
    content: str,
    x: float,
    y: float,
    *,
    anchor: str = "start",
    weight: int = 400,
    size: float | None = None,
    fill: str | None = None,
) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight != 400:
        attrs += f' font-weight="{weight}"'
    if size is not None:
        attrs += f' font-size="{_n(size)}"'
    if fill is not None:
        attrs += f' fill="{_attr(fill)}"'
    return f"<text {attrs}>{_esc(content)}</text>"


def _legend_text(label: str, value: str, x: float, y: float, *, lead: bool = True) -> str:
    space = " " if lead else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}">{_esc(label)}'
        f'{space}<tspan font-weight="600">{_esc(value)}</tspan></text>'
    )


def _swatch(x: float, mid: float, color: str) -> str:
    side = 3.0
    return (
        f'<rect x="{_n(x)}" y="{_n(mid - side / 2)}" width="{_n(side)}" height="{_n(side)}"'
        f' fill="{_attr(color)}"/>'
    )


def _sector(cx: float, cy: float, outer: float, inner: float, start: float, end: float) -> str:
    """Annular sector between angles (radians, clockwise from 12 o'clock)."""
    # Two half arcs per edge: a near-full slice would otherwise have its endpoints round to
    # the same point, and an arc between identical points is not drawn at all.
    mid = (start + end) / 2
    o1, o2, o3 = (_polar(cx, cy, outer, a) for a in (start, mid, end))
    i3, i2, i1 = (_polar(cx, cy, inner, a) for a in (end, mid, start))
    ro, ri = f"{_n(outer)} {_n(outer)}", f"{_n(inner)} {_n(inner)}"
    return f"M{o1}A{ro} 0 0 1 {o2}A{ro} 0 0 1 {o3}L{i3}A{ri} 0 0 0 {i2}A{ri} 0 0 0 {i1}Z"


def _ring(cx: float, cy: float, outer: float, inner: float) -> str:
    """A full ring: an arc cannot join a point to itself, so each circle is two half arcs."""
    top_o, bottom_o = f"{_n(cx)} {_n(cy - outer)}", f"{_n(cx)} {_n(cy + outer)}"
    top_i, bottom_i = f"{_n(cx)} {_n(cy - inner)}", f"{_n(cx)} {_n(cy + inner)}"
    ro, ri = f"{_n(outer)} {_n(outer)}", f"{_n(inner)} {_n(inner)}"
    # The hole runs counter-clockwise so it stays empty under either fill rule.
    return (
        f"M{top_o}A{ro} 0 1 1 {bottom_o}A{ro} 0 1 1 {top_o}Z"
        f"M{top_i}A{ri} 0 1 0 {bottom_i}A{ri} 0 1 0 {top_i}Z"
    )


def _polar(cx: float, cy: float, radius: float, angle: float) -> str:
    return f"{_n(cx + radius * math.sin(angle))} {_n(cy - radius * math.cos(angle))}"


def _wrap(text: str, width: float) -> list[str]:
    """Greedy word wrap on estimated widths; a word longer than `width` is broken over lines
    of its own (after a hyphen or a slash where it has one, else with a hyphen added), so no
    line runs out of the picture and no letter is lost."""
    lines: list[str] = []
    for word in _SPACES.split(text.strip(" \t\n\r")):
        if lines and _text_width(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        elif _text_width(word) <= width:
            lines.append(word)
        else:
            lines.extend(_broken(word, width))
    return lines or [""]


def _broken(word: str, width: float) -> list[str]:
    """`word` in pieces no wider than `width` (a piece holds one character at least)."""
    pieces: list[str] = []
    rest = word
    while _text_width(rest) > width:
        end = 1
        while end < len(rest) and _text_width(rest[: end + 1] + "-") <= width:
            end += 1
        while end < len(rest) and unicodedata.combining(rest[end]):
            end += 1  # an accent stays on its letter
        soft = max(rest.rfind("-", 0, end), rest.rfind("/", 0, end))
        if soft >= end // 2:
            pieces.append(rest[: soft + 1])
            rest = rest[soft + 1 :]
        else:
            pieces.append(rest[:end] + ("-" if end < len(rest) else ""))
            rest = rest[end:]
    if rest:
        pieces.append(rest)
    return pieces


def _readable(count: int) -> str:
    """How many bars fit, as the refusal says it."""
    return "only 1 bar fits" if count == 1 else f"only {count} bars fit" if count else "no bar fits"


def _text_width(text: str, *, bold: bool = False) -> float:
    """Width at the chart font size, from the theme font's advance widths
    (`chart_metrics.json`); a character it does not list counts as a wide one."""
    table = _metrics()["bold" if bold else "regular"]
    ems = sum(table.get(c) or _unlisted(c) for c in text)
    return ems * _FONT * _MARGIN


_MARGIN = 1.04  # kerning and the fallback fonts of other brands: rather room than a clipped %


@functools.cache
def _metrics() -> dict[str, dict[str, float]]:
    data = (
        resources.files("reportbuilder.compose").joinpath("chart_metrics.json").read_text("utf-8")
    )
    table: dict[str, dict[str, float]] = json.loads(data)
    return table


def _unlisted(character: str) -> float:
    if unicodedata.combining(character):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(character) in "WF" else 0.7


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _ink_on(background: str, dark: str) -> str:
    """Text for `background`: the dark text colour or white, whichever contrasts more, as
    long as it reaches WCAG AA for small text (4.5:1); else black, which always does when
    white does not."""
    on_white, on_dark = contrast("#ffffff", background), contrast(dark, background)
    best, ratio = (dark, on_dark) if on_dark > on_white else ("#ffffff", on_white)
    return best if ratio >= 4.5 else "#000000"


def _luminance(color: str) -> float:
    """WCAG relative luminance."""
    channels = (c / 255 for c in _rgb(color))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(color: str) -> tuple[int, int, int]:
    hex_digits = color.removeprefix("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    if not color.startswith("#") or not re.fullmatch(r"[0-9a-fA-F]{6}", hex_digits):
        raise ValueError(f"colour must be #rgb or #rrggbb, got {color!r}")
    r, g, b = (int(hex_digits[i : i + 2], 16) for i in (0, 2, 4))
    return r, g, b


def _mix(color: str, amount: float) -> str:
    """`color` with only `amount` of it kept over white, as an opaque hex colour."""
    r, g, b = _rgb(color)
    return "#" + "".join(f"{round(255 - (255 - c) * amount):02x}" for c in (r, g, b))


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros, so output is byte-stable."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _esc(value: str) -> str:
    """XML-escaped text, minus characters XML 1.0 cannot hold at all."""
    return escape(_NOT_XML.sub("", value), quote=True)


def _attr(value: str) -> str:
    return _esc(value)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
