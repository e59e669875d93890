"""Helpers that content and templates call to place data-driven pieces: key-figure boxes,
tables, SVG charts and contact blocks.

Inside Markdown a helper returns a placeholder token; the real HTML is swapped in after the
Markdown has been converted and sanitised, so trusted markup never meets the sanitiser and
author-written HTML never skips it.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import difflib
import inspect
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from reportbuilder.compose import charts
from reportbuilder.compose.bidi import right_to_left
from reportbuilder.compose.formatting import Formatter, rounded, written_decimals
from reportbuilder.compose.markup import NUM_CLASS
from reportbuilder.compose.templating import template_line
from reportbuilder.errors import CallError
from reportbuilder.language import colon
from reportbuilder.project.contacts import Contact
from reportbuilder.project.data import (
    NUMERIC_TYPES,
    Breakdown,
    Category,
    Figure,
    Localized,
    Table,
)
from reportbuilder.project.data.model import (
    DashZero,
    PercentPoints,
    Share,
    ShownPercent,
    Year,
)
from reportbuilder.project.data.total_rows import (
    is_total_label,
    own_total,
    row_label,
    summary_rows,
)
from reportbuilder.render.overflow import LINE_ATTRIBUTE
from reportbuilder.variants import PAGE_HEIGHTS_MM, SIDE_MARGINS_MM

if TYPE_CHECKING:
    from reportbuilder.cache import ChartCache

Number = int | float
Text = str | Localized


def _refuse_a_sum_row(data: Table, total: Sequence[str], chosen: bool = False) -> None:
    """A row whose summed figures are each the sum of the other rows is the table's own
    total, wherever it stands and whatever it is called (`Ensemble`, a total on top, one
    above a source line): `total=True` would count every row twice (trial 6 #19). One figure
    equal to the others' sum may be chance (10, 20, 30), so two columns must agree, or the
    row be named like a total. Two columns may agree by chance too (`C,30,11` under
    `A,10,5` and `B,20,6`): with the columns `chosen` by name (`total=["men", "women"]`), a
    row the numbers alone point at is data, as the author says; the message says so."""
    if len(data.rows) < 3 or not data.columns:
        return
    sums: dict[str, Decimal] = {}
    for column in total:
        numbers: list[int | float] = [
            v
            for row in data.rows
            if isinstance(v := row.get(column), int | float) and not isinstance(v, bool)
        ]
        if numbers:
            sums[column] = exact_total(numbers)[0]
    for index, row in enumerate(data.rows):
        given = {column: row.get(column) for column in sums}
        if not given or not all(_a_number(v) for v in given.values()):
            continue
        # the row is the sum of the others: twice the row is the sum of all
        if any(v for v in given.values()) and all(
            2 * _exact(v) == sums[column] for column, v in given.items()
        ):
            label = row_label(row, data.columns)
            words = str(label or "").split()
            named = is_total_label(label) or (bool(words) and words[0].lower() in _ALL_WORDS)
            if named or (len(given) >= 2 and not chosen):
                way_out = (
                    ""
                    if named
                    else "; if it is data that happens to equal the others' sum, name the "
                    f"columns to add up: total={list(given)}"
                )
                raise CallError(
                    f"table(total=True): row {index + 1} of {data.name} ('{label}') is the sum "
                    "of the other rows, the table's own total: a total row would count every "
                    "row twice; leave total=True out (the row prints as it is), or delete it"
                    + way_out
                )


def _refuse_summary_rows(data: Table) -> None:
    """A total over a table holding an `Average`, `Mean`, `Median`, `Moyenne` … row: that row
    was summed as one more region (trial 7)."""
    summaries = summary_rows(data.rows, data.columns)
    if summaries:
        index = summaries[0]
        label = _summary_label(data.rows[index], data.columns)
        raise CallError(
            f"table(total=…): row {index + 1} of {data.name} ('{label}') is a summary row (an "
            "average or a median), not data: a total would add it to the rows it sums up; "
            "leave total out (the rows print as they are), or delete the row"
        )


def _summary_label(row: Mapping[str, Any], columns: Sequence[str]) -> Any:
    first = row.get(columns[0])
    return first if first not in (None, "") or len(columns) < 2 else row.get(columns[1])


# What statistics offices call the total row besides "Total" (INSEE's `Ensemble`, `All
# regions`, `Todos`, `Ambos sexos`).
_ALL_WORDS = {"ensemble", "all", "todos", "todas", "ambos", "tous", "toutes", "alle", "tutti"}


def _a_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _exact(value: Any) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _what(value: object) -> str:
    """What a helper was given, for an error message: `a key figure`, `a list`, …"""
    kinds: list[tuple[type | tuple[type, ...], str]] = [
        (Figure, "a key figure"),
        (Category, "a category"),
        (Breakdown, "a breakdown"),
        (Table, "a CSV table"),
        (bool, "yes/no"),
        ((int, float), "a number"),
        (str, "text"),
        (dict, "plain data (a mapping, not a key figure or a breakdown)"),
        ((list, tuple), "a list"),
        (type(None), "nothing (an empty value)"),
    ]
    for kind, name in kinds:
        if isinstance(value, kind):
            return name
    return f"a {type(value).__name__}"


def _categories(data: object, helper: str, takes: str) -> list[Category]:
    """The categories of a breakdown, or a list of categories as given; else a TypeError."""
    if isinstance(data, Breakdown):
        return list(data)
    if not isinstance(data, list | tuple):
        raise CallError(f"{helper}() takes {takes}, got {_what(data)}")
    for item in data:
        if not isinstance(item, Category):
            raise CallError(f"{helper}() takes a list of categories, got {_what(item)} in it")
    return list(data)


def _percent(category: Category) -> Number:
    if category.percent is None:  # only in a breakdown the loader reported
        raise CallError(f"category '{category.key}' has no percent (give the breakdown a base)")
    return category.percent


KEYFIGURE_MIN_MM = 36.0  # the narrowest a key-figure box may be
KEYFIGURE_GAP_MM = 3.0  # the room between two boxes (the theme's `.kf-row` gap)
KEYFIGURE_MAX_COLUMNS = 4


def keyfigure_columns(count: int, width_mm: float) -> int:
    """How many key-figure boxes a row holds in a text block `width_mm` wide: as many as
    fit at 36 mm (2 to 4), then the rows evened out (5 on A4 as 3 + 2, not 4 + 1). Every box
    of every row has the same width, so the last row's boxes never grow."""
    fit = int((width_mm + KEYFIGURE_GAP_MM) // (KEYFIGURE_MIN_MM + KEYFIGURE_GAP_MM))
    widest = max(1, min(KEYFIGURE_MAX_COLUMNS, fit))
    if count <= 1:
        return 1
    rows = -(-count // widest)
    return -(-count // rows)


# The value's type sizes (pt) from the theme's 24 down: `kf-smaller-N` picks the N-th.
KEYFIGURE_SIZES_PT = (24.0, 20.0, 17.0, 14.0)
KEYFIGURE_PADDING_MM = 8.0  # a box's left and right padding together
_PT_PER_MM = 72 / 25.4


def _value_ems(text: str) -> float:
    """The width of a key figure's value in em of Inter Bold, a little generously."""
    narrow = sum(1 for c in text if c in ",.'\u00a0\u202f ")
    wide = sum(1 for c in text if c in "%MW")
    return 0.64 * (len(text) - narrow - wide) + 0.32 * narrow + 0.9 * wide


def keyfigure_smaller(values: Sequence[str], columns: int, width_mm: float) -> int:
    """How many steps of `KEYFIGURE_SIZES_PT` the values of a row must go down so that
    the longest fits its box (0: the theme's size); the smallest size at most."""
    box = (width_mm - KEYFIGURE_GAP_MM * (columns - 1)) / columns - KEYFIGURE_PADDING_MM
    ems = max((_value_ems(v) for v in values), default=0.0)
    for step, size in enumerate(KEYFIGURE_SIZES_PT):
        if ems * size <= box * _PT_PER_MM:
            return step
    return len(KEYFIGURE_SIZES_PT) - 1


class Helpers:
    """The helpers for one build: they format with the report's language and brand."""

    def __init__(
        self,
        formatter: Formatter,
        labels: Mapping[str, str],
        contacts: Mapping[str, Contact],
        chart_style: charts.ChartStyle,
        chart_cache: ChartCache | None = None,
    ) -> None:
        self.fmt = formatter
        self.labels = labels
        self.contacts = contacts
        self.chart_style = chart_style
        self.chart_cache = chart_cache
        self._nonce = secrets.token_hex(6)
        self._parts: list[str] = []
        self._charts = 0
        self.chapter = ""  # the chapter being rendered, to say where a bad reference is
        self.refs: dict[str, str] = {}  # target id → first chapter that refers to it
        # target id → (chapter, line) of the first cross-reference to it, once links are resolved
        self.xrefs: dict[str, tuple[str, int | None]] = {}
        self.warnings: list[tuple[str, int | None, str]] = []  # (chapter, line, message)
        self.page_size = "A4"  # report.yml's, for the widest table a page can hold

    # -- placeholders -------------------------------------------------------------------
    def _place(self, html: str) -> Markup:
        self._parts.append(html)
        return Markup(f"RBPART{self._nonce}N{len(self._parts) - 1}X")

    @property
    def placeholders(self) -> tuple[str, int]:
        """This build's placeholder nonce, and how many placeholders were made so far."""
        return self._nonce, len(self._parts)

    def substitute(self, html: str) -> str:
        """Swap the placeholders in a chapter's sanitised HTML for the helpers' markup."""
        token = rf"RBPART{self._nonce}N(\d+)X"
        html = re.sub(rf"<p>\s*{token}\s*</p>", lambda m: self._parts[int(m[1])], html)
        return re.sub(token, lambda m: self._parts[int(m[1])], html)

    def scope(self) -> dict[str, Any]:
        """The helper functions as content sees them (each returns a placeholder); their
        arguments are checked, so a misspelt one gets "did you mean", never a Python error."""
        return {
            "keyfigures": checked(
                "keyfigures",
                self.keyfigures,
                lambda *items, **kw: self._place(self.keyfigures(*items, **kw)),
            ),
            "keyfigure": checked(
                "keyfigure",
                self.keyfigure,
                lambda *args, **kw: self._place(self.keyfigure(*args, **kw)),
            ),
            "chart": checked(
                "chart", self.chart, lambda *args, **kw: self._place(self.chart(*args, **kw))
            ),
            "table": checked(
                "table", self.table, lambda *args, **kw: self._place(self.table(*args, **kw))
            ),
            "contact": checked(
                "contact", self.contact, lambda *args, **kw: self._place(self.contact(*args, **kw))
            ),
            "ref": checked("ref", self.ref, lambda target: self._place(self.ref(target))),
        }

    def keyfigure(
        self,
        item: Any,
        title: str | None = None,
        note: str | None = None,
        decimals: int | None = None,
    ) -> str:
        """One key-figure box (its signature is what `keyfigure(…)` accepts)."""
        return self.keyfigures(item, title=title, note=note, decimals=decimals)

    # -- the pieces -----------------------------------------------------------------------
    def figure_text(
        self, item: Figure | Category | Number, decimals: int | None = None
    ) -> tuple[str, str]:
        """(big number, caption) for a key figure, a breakdown category or a plain number."""
        if isinstance(item, Category):
            return self._percent_text(item, None, decimals), self._label(item)
        if isinstance(item, Figure):
            value, unit, of, label = item.value, self._text(item.unit), item.of, self._label(item)
        elif isinstance(item, int | float) and not isinstance(item, bool):
            if isinstance(item, Share | PercentPoints):
                self.fmt.printed(item)  # refused, saying what to write
            # A percent cell (`keyfigure(data.t.rows[0].share)`) keeps its sign.
            value, unit, of, label = item, "%" if isinstance(item, ShownPercent) else "", None, ""
        else:
            raise CallError(
                f"keyfigure() takes a key figure, a category or a number, got {_what(item)}"
            )
        big = self.fmt.number(value, decimals)
        if unit == "%":
            big = self.fmt.percent(value, decimals)
        elif unit and _unit_symbol(unit):  # "1 234 567 €", "$1,234", "12 km²": what is quoted
            big = self.fmt.number(value, decimals, unit=unit)
        elif unit:
            label = f"{unit} {label}".strip() if label else unit
        if of is not None and unit != "%":
            label = f"{label} ({self.labels['of_total']} {self.fmt.number(of)})"
        return big, label

    def _percent_text(
        self, category: Category, breakdown: Breakdown | None, decimals: int | None
    ) -> str:
        """A category's percent: with the call's decimals, else the breakdown's, else as
        written (`89.0` keeps its decimal), else as `Formatter.percent` shows a derived one."""
        return self.fmt.percent(
            _percent(category), self._percent_places(category, breakdown, decimals)
        )

    def keyfigures(
        self,
        *items: Any,
        title: str | None = None,
        note: str | None = None,
        decimals: int | None = None,
    ) -> str:
        """Boxes for key figures or categories; `(item, "caption")` replaces an item's label.

        The items' notes and sources are printed under the row (numbered when several)."""
        _check_decimals("keyfigures", decimals)
        boxes = []
        values: list[str] = []
        notes: list[str] = []
        sources: list[str] = []
        for entry in items:
            item, own = entry if isinstance(entry, tuple) and len(entry) == 2 else (entry, None)
            big, caption = self.figure_text(item, decimals)
            caption = own if own is not None else caption
            values.append(big)
            boxes.append(
                f'<div class="keyfigure"><span class="kf-value">{escape(big)}</span>'
                f'<span class="kf-label">{escape(caption)}</span></div>'
            )
            if isinstance(item, Figure | Category) and (text := self._text(item.note)):
                notes.append(text if len(items) == 1 else f"{caption}{self._colon()}{text}")
            if isinstance(item, Figure) and (text := self._text(item.source)):
                sources.append(text)
        heading = f'<p class="kf-title">{escape(title)}</p>' if title else ""
        foot = f'<p class="kf-note">{escape(note)}</p>' if note else ""
        foot += self._notes(notes)
        if sources:
            foot += self._source("; ".join(dict.fromkeys(sources)))
        columns = keyfigure_columns(len(boxes), self.chart_style.width)
        smaller = keyfigure_smaller(values, columns, self.chart_style.width)
        fit = f" kf-smaller-{smaller}" if smaller else ""
        return (
            f'<div class="keyfigures kf-{len(boxes)} kf-cols-{columns}{fit}">{heading}'
            '<div class="kf-row">'
            f"{''.join(boxes)}</div>{foot}</div>"
        )

    def _notes(self, notes: list[str]) -> str:
        """Notes under a box row, table or chart: one as `Note: …`, several numbered."""
        if not notes:
            return ""
        if len(notes) == 1:
            label = escape(self.labels["note"])
            return f'<p class="note">{label}{self._colon()}{escape(notes[0])}</p>'
        items = "".join(f"<li>{escape(text)}</li>" for text in notes)
        label = escape(self.labels["notes"])
        return (
            f'<div class="notes"><p class="note">{label}{self._colon()}</p><ol>{items}</ol></div>'
        )

    def _breakdown_notes(self, items: list[Category], breakdown: Breakdown | None) -> list[str]:
        """The breakdown's note, its categories' notes (after their label), and the standard
        note of a rounded or several-answers breakdown."""
        notes = []
        if breakdown is not None and (text := self._text(breakdown.note)):
            notes.append(text)
        for category in items:
            if text := self._text(category.note):
                notes.append(f"{self._label(category)}{self._colon()}{text}")
        if breakdown is not None and breakdown.multiple:
            notes.append(self.labels["note_multiple"])
        elif breakdown is not None and breakdown.rounded:
            notes.append(self.labels["note_rounded"])
        return notes

    def _rounded_apart(
        self, items: list[Category], breakdown: Breakdown | None, decimals: int | None
    ) -> bool:
        """Whether the percents as printed do not add up to their total as printed (three
        thirds: 33.3% × 3 under "Total 100.0%"), where the breakdown's own note does not say
        so already: written percents say it with `rounded: true`, percents computed from
        counts said nothing (trial 6 #29)."""
        if breakdown is None or breakdown.multiple or breakdown.rounded:
            return False
        if any(c.percent is None for c in items):
            return False
        places = self._column_places(items, breakdown, decimals)
        shown = sum(rounded(_percent(c), places) for c in items)
        whole = rounded(sum(Decimal(repr(float(_percent(c)))) for c in items), places)
        return shown != whole

    def _bars(
        self, items: list[Category], breakdown: Breakdown | None, decimals: int | None
    ) -> list[charts.Bar]:
        if not items:
            raise CallError("nothing to chart: the breakdown has no categories")
        places = self._column_places(items, breakdown, decimals)
        return [
            charts.Bar(self._label(c), float(_percent(c)), self._percent_text(c, breakdown, places))
            for c in items
        ]

    def _check_one_whole(
        self, kind: str, items: list[Category], breakdown: Breakdown | None, decimals: int | None
    ) -> None:
        """A donut or a stacked bar shows parts of one whole: refused for a breakdown whose
        respondents could give several answers, or whose shares add up to more than 100 %
        beyond rounding (trial 7 #16: 160 % drawn as a whole)."""
        places = self._column_places(items, breakdown, decimals)
        whole = sum(Decimal(repr(float(_percent(c)))) for c in items)
        slack = Decimal(len(items)) * Decimal(5).scaleb(-places - 1)  # each rounded ½ unit
        shown = self.fmt.percent(whole, places)
        what = f"'{self._label(breakdown)}'" if breakdown is not None else "these categories"
        if whole < 100 - slack and not (breakdown is not None and breakdown.multiple):
            # Some categories picked from a breakdown: the ring or the bar was drawn full,
            # 30 % and 10 % as three quarters and one.
            raise CallError(
                f"chart(kind='{kind}'): the shares of {what} add up to {shown}, not the whole: "
                f"a {'donut' if kind == 'donut' else 'stacked bar'} would draw them as 100 %; "
                "chart the whole breakdown, or draw bars: chart(…, kind='bar')"
            )
        if not (breakdown is not None and breakdown.multiple) and whole <= 100 + slack:
            return
        several = " (several answers were possible)" if breakdown and breakdown.multiple else ""
        raise CallError(
            f"chart(kind='{kind}'): the shares of {what} add up to {shown}{several}, so they are "
            f"not parts of one whole, which a {'donut' if kind == 'donut' else 'stacked bar'} "
            "shows; draw bars: chart(…, kind='bar')"
        )

    def _column_places(
        self, items: Sequence[Category], breakdown: Breakdown | None, decimals: int | None
    ) -> int:
        """The decimals of a breakdown's percents shown together (a table's column, a
        chart's labels): the call's, else the breakdown's, else the most any category shows
        (12.0 %, 9.5 %, 0.5 %, as its total 100.0 %; not 12 % beside 9.5 %)."""
        return max((self._percent_places(c, breakdown, decimals) for c in items), default=0)

    def chart(
        self,
        data: Breakdown | Sequence[Category],
        kind: str = "bar",
        title: str | None = None,
        description: str | None = None,
        source: str | None = None,
        id: str | None = None,
        decimals: int | None = None,
    ) -> str:
        makers = {
            "bar": charts.bar_chart,
            "stacked": charts.stacked_bar,
            "donut": charts.donut_chart,
        }
        if kind not in makers:
            close = _SYNONYMS.get(kind.lower()) if isinstance(kind, str) else None
            tip = f" (did you mean '{close}'?)" if close else _did_you_mean(str(kind), makers)
            raise CallError(f"chart kind '{kind}' is not one of {', '.join(makers)}{tip}")
        _check_decimals("chart", decimals)
        if description is not None and not str(description).strip():
            # A blank alt text says nothing to a screen reader (and the lint quoted the
            # chart's whole data: URL to say so): the default describes every bar.
            raise CallError(
                "chart(): description is blank; give the chart's alt text, or leave "
                "description out (the default lists each bar and its value)"
            )
        items = _categories(data, "chart", "a breakdown or a list of its categories")
        breakdown = data if isinstance(data, Breakdown) else None
        bars = self._bars(items, breakdown, decimals)
        if kind in ("donut", "stacked"):
            self._check_one_whole(kind, items, breakdown, decimals)
        caption = title or self._label(breakdown)
        if rtl := sorted({bar.label for bar in bars if right_to_left(bar.label)}):
            # WeasyPrint sets SVG text glyph by glyph, left to right, without shaping.
            self.warn(
                f"chart labels in a right-to-left script ({', '.join(rtl)}) print with their "
                "letters in reverse order and unjoined: give the chart labels in a "
                "left-to-right script, or show these figures in a table()"
            )
        self._charts += 1
        desc = description or "; ".join(f"{b.label}: {b.text}" for b in bars)
        # The donut's centre: the largest share (the first of equals), the figure's headline;
        # the first category may be a minor group, or a 0 % one the ring does not draw.
        head = max(bars, key=lambda bar: bar.value)
        extra = {"center_text": head.text, "center_label": head.label} if kind == "donut" else {}

        def draw() -> str:
            try:
                return makers[kind](
                    bars, title=caption, description=desc, style=self.chart_style,
                    id_prefix=f"chart{self._charts}", **extra,
                )  # fmt: skip
            except ValueError as error:
                # The drawing functions' refusals, named by the call the author wrote.
                raise CallError(f'chart(kind="{kind}"): {error}') from None

        if self.chart_cache is None:
            svg = draw()
        else:
            recipe = {
                "kind": kind,
                "bars": [dataclasses.astuple(bar) for bar in bars],
                "title": caption,
                "description": desc,
                "style": dataclasses.asdict(self.chart_style),
                "id": f"chart{self._charts}",
                "extra": extra,
                "lang": self.fmt.lang,
            }
            svg = self.chart_cache.chart(recipe, draw)
        source = source or self._text(None if breakdown is None else breakdown.source)
        notes = self._notes(self._breakdown_notes(items, breakdown))
        return (
            f'<figure class="figure chart chart-{kind}"{_id_attr(id)}>'
            f'<figcaption><span class="{NUM_CLASS}" data-kind="figure"{_data_id(id)}></span>'
            f"{escape(caption)}"
            f"</figcaption>{_svg_image(svg, desc)}{notes}{self._source(source)}</figure>"
        )

    def table(
        self,
        data: Breakdown | Table | Sequence[Category],
        caption: str | None = None,
        source: str | None = None,
        total: bool | Sequence[str] | None = None,
        id: str | None = None,
        decimals: int | None = None,
        landscape: bool = False,
        columns: Sequence[str] | None = None,
    ) -> str:
        """A table of a breakdown (with a total row unless `total=False`) or of a CSV file
        (with a total row of its number columns when `total=True`, or of the columns named,
        `total=["amount"]`); `landscape` puts it on a turned page of its own; `columns`
        chooses a CSV table's columns, in that order."""
        _check_decimals("table", decimals)
        notes: list[str] = []
        if columns is not None:
            if not isinstance(data, Table):
                raise CallError("table(): columns= chooses the columns of a CSV table")
            data = chosen_columns(data, columns)
        if isinstance(data, Table):
            if not data.rows:  # an export that lost its rows printed an empty table (#36)
                raise CallError(
                    f"table(): {data.name} has no rows, only its header row: was it exported whole?"
                )
            self._check_width(data, decimals)
            head, body, foot = self._csv_table(
                data, decimals, total=_totalled(data, total), chosen=isinstance(total, list | tuple)
            )
            breakdown, rows = None, len(data.rows)
        else:
            items = _categories(data, "table", "a breakdown or a CSV table")
            rows = len(items)
            breakdown = data if isinstance(data, Breakdown) else None
            head, body, foot = self._breakdown_table(items, breakdown, total is not False, decimals)
            notes = self._breakdown_notes(items, breakdown)
            if self._rounded_apart(items, breakdown, decimals):
                notes.append(self.labels["note_rounded"])
        caption = caption or self._label(breakdown)
        cap = (
            f'<caption><span class="{NUM_CLASS}" data-kind="table"{_data_id(id)}></span>'
            f"{escape(caption)}</caption>"
            if caption
            else ""
        )
        source = source or self._text(None if breakdown is None else breakdown.source)
        # A short table is kept whole on one page; a long one runs on, row by row.
        wrap = "table-wrap" + (" table-long" if rows > 15 else "")
        turned = " rb-landscape" if landscape else ""
        return (
            f'<div class="{wrap}{turned}"><table class="data{turned}"{_id_attr(id)}'
            f"{self._line_attr()}>{cap}"
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody>{foot}</table>{self._notes(notes)}{self._source(source)}</div>"
        )

    def _csv_table(
        self,
        data: Table,
        decimals: int | None = None,
        *,
        total: Sequence[str] = (),
        chosen: bool = False,
    ) -> tuple[str, str, str]:
        """(header cells, body rows, footer) of a CSV table; numeric columns right-aligned,
        headed by report.yml's labels where it gives them; `total`: the columns summed in a
        total row (exactly, see `exact_total`), `chosen` by name rather than `total=True`."""
        types = data.types
        head = "".join(
            f"<th class='num'>{escape(self._text(data.labels.get(c)) or c)}</th>"
            if types.get(c) in NUMERIC_TYPES
            else f"<th>{escape(self._text(data.labels.get(c)) or c)}</th>"
            for c in data.columns
        )
        fmts = self._column_formats(data, () if own_total(data.rows, data.columns) else total)
        body = "".join(
            "<tr>"
            + "".join(self._cell(row.get(c), types.get(c), decimals, fmts[c]) for c in data.columns)
            + "</tr>"
            for row in data.rows
        )
        if not total:
            return head, body, ""
        _refuse_summary_rows(data)
        if own_total(data.rows, data.columns):
            return head, *self._own_total(data, decimals, total)
        _refuse_a_sum_row(data, total, chosen)
        cells = []
        for index, column in enumerate(data.columns):
            values = [row.get(column) for row in data.rows]
            numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
            if column in total and numbers:
                sum_, places = exact_total(numbers)
                places = places if decimals is None or places == 0 else decimals
                fmt = fmts[column]
                text = (
                    fmt.percent(sum_, places)
                    if types.get(column) == "percent"
                    else fmt.number(sum_, places)
                )
                cells.append(f"<td class='num'>{escape(text)}</td>")
                if decimals is not None:
                    self._rounded_apart_total(data, column, numbers, decimals, sum_)
            elif index == 0:
                cells.append(f"<td>{escape(self.labels['total'])}</td>")
            else:
                cells.append("<td></td>")  # a percent or a text does not add up
        return head, body, f"<tfoot><tr>{''.join(cells)}</tr></tfoot>"

    def _rounded_apart_total(
        self, data: Table, column: str, numbers: list[Any], decimals: int, total: Any
    ) -> None:
        """Warn when a column's cells, rounded to `decimals` as printed, do not add up to its
        printed total (0,5 three times at `decimals=0`: "1 / 1 / 1", Total "2"): each figure
        is right, the column reads wrong, and a breakdown would carry a note."""
        shown = [n if isinstance(n, int) else rounded(n, decimals) for n in numbers]
        added, printed = sum(shown, Decimal(0)), rounded(total, decimals)
        if added != printed:
            self.warn(
                f"table(): the rows of '{column}' in {data.name}, rounded to {decimals} "
                f"decimal(s), add up to {self.fmt.number(added, decimals)} while its total "
                f"prints {self.fmt.number(printed, decimals)}: a reader sees a column that "
                "does not add up; print more decimals, or say in the text that figures are "
                "rounded"
            )

    def _column_formats(self, data: Table, total: Sequence[str] = ()) -> dict[str, Formatter]:
        """Each column's formatter: a four-digit number grouped as the column's larger ones
        (its total's too, for the columns in `total`) in Spanish (`1.234` under `6.871.903`,
        not `1234`)."""
        found = {}
        for column in data.columns:
            values = [row.get(column) for row in data.rows]
            if column in total:
                numbers = [v for v in values if isinstance(v, int | float | Decimal)]
                values.append(sum(numbers))
            found[column] = self.fmt.for_column(values)
        return found

    def _own_total(
        self, data: Table, decimals: int | None, total: Sequence[str]
    ) -> tuple[str, str]:
        """(body rows, footer) of a table whose last row is its own total (`Total`, `Summe` …):
        that row is the total row, not summed again; a total that is not the sum of the rows
        above it is printed as given, with a warning."""
        types = data.types
        rows, theirs = data.rows[:-1], data.rows[-1]
        subtotals = [
            (number, row_label(row, data.columns))
            for number, row in enumerate(rows, start=1)
            if is_total_label(row_label(row, data.columns))
        ]
        if subtotals:
            # `Subtotal North` among the rows, `Subtotal South` last: the last subtotal was
            # printed in bold as the table's total (trial 7 #2).
            named = ", ".join(f"row {n} ('{label}')" for n, label in subtotals[:3])
            raise CallError(
                f"table(total=True): {data.name} holds subtotal rows ({named}) above its last "
                f"row ('{row_label(theirs, data.columns)}'): no row of it is the table's total; "
                "leave total=True out (the rows print as they are), or delete the subtotal rows"
            )
        fmts = self._column_formats(data)
        body = "".join(
            "<tr>"
            + "".join(self._cell(row.get(c), types.get(c), decimals, fmts[c]) for c in data.columns)
            + "</tr>"
            for row in rows
        )
        foot = "".join(
            self._cell(theirs.get(c), types.get(c), decimals, fmts[c]) for c in data.columns
        )
        for column in total:
            given = theirs.get(column)
            numbers = [
                v for v in (row.get(column) for row in rows)
                if isinstance(v, int | float) and not isinstance(v, bool)
            ]  # fmt: skip
            if not isinstance(given, int | float) or isinstance(given, bool) or not numbers:
                continue
            sum_, places = exact_total(numbers)
            if sum_ != Decimal(repr(given) if isinstance(given, float) else given):
                first = row_label(theirs, data.columns)
                self.warn(
                    f"table(): the last row of {data.name} is its own total row ('{first}'), "
                    f"printed as the total: its '{column}' is {self.fmt.number(given)}, but the "
                    f"rows above add up to {self.fmt.number(sum_, places)}; check the data"
                )
        return body, f"<tfoot><tr>{foot}</tr></tfoot>"

    @property
    def checked_sum(self) -> Callable[..., Any]:
        """Jinja's `sum` filter, with a warning when the rows summed end with the table's own
        total row (`data.t.rows | sum(attribute="people")` would count every row twice)."""
        import jinja2
        from jinja2.filters import sync_do_sum

        @jinja2.pass_environment
        def sum_(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
            if isinstance(iterable, Table):  # `data.t | sum(attribute="people")`
                iterable = iterable.rows
            if isinstance(iterable, list | tuple) and iterable and isinstance(iterable[-1], dict):
                columns = list(iterable[-1])
                if summaries := summary_rows(list(iterable), columns):
                    self.warn(
                        f"sum: row {summaries[0] + 1} summed is a summary row "
                        f"('{_summary_label(iterable[summaries[0]], columns)}'), not data: "
                        "the sum counts it as one more row; sum the rows without it"
                    )
                if own_total(list(iterable), columns):
                    self.warn(
                        f"sum: the last row summed is a total row ('{iterable[-1][columns[0]]}'), "
                        "so the sum counts every row twice; sum the rows without it "
                        "(rows[:-1]) or use table(…, total=True)"
                    )
            return sync_do_sum(environment, iterable, attribute, start)

        return sum_

    def _check_width(self, data: Table, decimals: int | None) -> None:
        """Refuse a table that cannot fit even a landscape page at the smallest type the
        theme sets (`rb-fit`): its columns past the edge would be cut off the PDF. The width
        is an estimate from below (each column as narrow as its longest word or number), so
        a table refused here is too wide for sure; a narrower one is measured in the
        layout."""
        needed = estimated_width_mm(
            [self._text(data.labels.get(c)) or c for c in data.columns],
            [[self._shown(row.get(c), data.types.get(c), decimals) for c in data.columns]
             for row in data.rows[:WIDTH_SAMPLE_ROWS]],
        )  # fmt: skip
        turned = PAGE_HEIGHTS_MM.get(self.page_size, 297) - SIDE_MARGINS_MM
        if needed > turned:
            shown = ", ".join(f'"{c}"' for c in data.columns[:3])
            raise CallError(
                f"table(): {data.name} has {len(data.columns)} columns, too many to fit even "
                f"a landscape page ({needed:.0f} mm at the smallest type; the page has "
                f"{turned:.0f} mm), so columns would be cut off: choose the columns with "
                f"columns=[{shown}, …], or split it into two tables"
            )

    def _line_attr(self) -> str:
        """The chapter line calling the helper, for a layout problem found later."""
        line = template_line(self.chapter)
        return f' {LINE_ATTRIBUTE}="{line}"' if line else ""

    def _shown(self, value: Any, kind: str | None, decimals: int | None) -> str:
        """A cell's text as `_cell` prints it (for the width estimate)."""
        if isinstance(value, Year):
            return str(int(value))
        if isinstance(value, int | float) and not isinstance(value, bool):
            places = None if isinstance(value, int) else decimals
            if kind == "percent" or isinstance(value, ShownPercent):
                return self.fmt.percent(value, places)
            return self.fmt.number(value, places)
        if isinstance(value, bool):
            return self.fmt.boolean(value)
        return "" if value is None else str(value)

    def warn(self, message: str) -> None:
        """A warning at the content line being rendered (a helper's call), said once."""
        found = (self.chapter, template_line(self.chapter), message)
        if found not in self.warnings:
            self.warnings.append(found)

    def _breakdown_table(
        self,
        items: list[Category],
        breakdown: Breakdown | None,
        total: bool,
        decimals: int | None = None,
    ) -> tuple[str, str, str]:
        """(header cells, body rows, footer) of categories: label, count, percent; a total.

        A breakdown with a base totals to its base and 100 % (its counts add up to it, see
        `rules.apportion`); with several answers possible there is no total row."""
        label = self._text(None if breakdown is None else breakdown.label)
        unit = self._text(None if breakdown is None else breakdown.unit)
        head = (
            f"<th>{escape(label)}</th>"
            f"<th class='num'>{escape(unit or self.labels['count'])}</th><th class='num'>%</th>"
        )
        places = self._column_places(items, breakdown, decimals)
        counts = [c.count for c in items]
        fmt = self.fmt.for_column([*counts, total and sum(n for n in counts if n is not None)])
        body = "".join(
            f"<tr><td>{escape(self._label(c))}</td>{self._cell(c.count, fmt=fmt)}"
            f"<td class='num'>{escape(self._percent_text(c, breakdown, places))}</td></tr>"
            for c in items
        )
        if not total or (breakdown is not None and breakdown.multiple):
            return head, body, ""
        count = sum(c.count for c in items if c.count is not None)
        pct = sum(c.percent for c in items if c.percent is not None)
        if breakdown is not None and breakdown.base is not None and len(items) == len(breakdown):
            count, pct = breakdown.base, 100
        # The total shows as many decimals as its cells do (33.3 + 33.3 + 33.4 is 100.0 %).
        foot = (
            f"<tfoot><tr><td>{escape(self.labels['total'])}</td>{self._cell(count, fmt=fmt)}"
            f"<td class='num'>{escape(self.fmt.percent(round(pct, places), places))}</td>"
            "</tr></tfoot>"
        )
        return head, body, foot

    @staticmethod
    def _percent_places(
        category: Category, breakdown: Breakdown | None, decimals: int | None
    ) -> int:
        """The decimals `_percent_text` shows `category`'s percent with."""
        for places in (decimals, None if breakdown is None else breakdown.decimals):
            if places is not None:
                return places
        if category.percent is None:
            return 0
        if category.decimals is not None:
            return category.decimals
        # Computed from counts: at most one decimal (docs/data.md), not 0.06 % beside 1.3 %;
        # more only where one decimal would print a share that is not zero as 0.0.
        value = _percent(category)
        if not value or abs(value) >= 0.05:
            return min(written_decimals(value, most=1), 1)
        return written_decimals(value, most=1)

    def _text(self, text: Text | None) -> str:
        """A model's text; one given per language is picked here when `localize` has not."""
        if isinstance(text, Localized):
            return text.pick(self.fmt.lang)
        return text or ""

    def _label(self, item: Figure | Category | Breakdown | None) -> str:
        """The item's label, else its key ("" for nothing)."""
        if item is None:
            return ""
        return self._text(item.label) or item.key

    def ref(self, target: str) -> str:
        """A cross-reference: "figure 2" here, the page added by the theme's CSS."""
        self.refs.setdefault(target, self.chapter)
        return f'<a class="xref" href="#{escape(target)}"></a>'

    def _source(self, source: str | None) -> str:
        if not source:
            return ""
        return (
            f'<p class="source">{escape(self.labels["source"])}{self._colon()}{escape(source)}</p>'
        )

    def _colon(self) -> str:
        return colon(self.fmt.lang)

    def _cell(
        self,
        value: Any,
        kind: str | None = None,
        decimals: int | None = None,
        fmt: Formatter | None = None,
    ) -> str:
        """A table cell; `kind` is the CSV column's type (`Table.types`), if any; `decimals`
        applies to numbers that are not whole; `fmt`: its column's (`Formatter.for_column`)."""
        fmt = fmt or self.fmt
        if isinstance(value, bool):
            return f"<td>{escape(fmt.boolean(value))}</td>"
        if value is None or kind == "text":
            return f"<td>{_lines('' if value is None else str(value))}</td>"
        if isinstance(value, DashZero):  # a zero its sheet's format shows as a dash
            return "<td class='num'>-</td>"
        if isinstance(value, Year):
            return f"<td>{int(value)}</td>"
        if isinstance(value, int | float):
            places = None if isinstance(value, int) else decimals
            text = (
                fmt.percent(value, places)
                if kind == "percent" or isinstance(value, ShownPercent)
                else fmt.number(value, places)
            )
            return f"<td class='num'>{escape(text)}</td>"
        if isinstance(value, dt.date):
            return f"<td>{escape(fmt.date(value, 'medium'))}</td>"
        return f"<td>{_lines(str(value))}</td>"

    def contact(self, ref: Any, qr: bool | None = None) -> str:
        """A contact card for an id (`contact("desk")`) or a contact (`contact(contacts.desk)`).

        Either way the card comes from contacts.yml's validated entry, never from a mapping
        written in the content. `qr=True` adds a QR code of the contact's vCard (the
        contact's own `qr` setting otherwise).
        """
        if qr is not None and not isinstance(qr, bool):
            raise CallError(f"contact(qr=…) takes true or false, got {qr!r}")
        if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
            ref = ref["id"]  # `contacts.desk` in content is that entry's data
        if not isinstance(ref, str):
            raise CallError(f"contact() takes a contact's id or contacts.<id>, got {ref!r}")
        contact = self.contacts.get(ref)
        if contact is None:
            known = ", ".join(sorted(self.contacts)) or "none in contacts.yml"
            raise CallError(f"no contact with id '{ref}' (known: {known})")
        return contact_html(contact, self.labels, self._colon(), self.fmt.lang, qr=qr)


WIDTH_SAMPLE_ROWS = 200  # rows measured for the width estimate (the widest is usually there)
MM_PER_CHARACTER = 1.2  # a character at the theme's smallest table type (7 pt), from below
CELL_PADDING_MM = 2.4  # `rb-fit` cells: 1.2 mm either side


def estimated_width_mm(header: Sequence[str], rows: Sequence[Sequence[str]]) -> float:
    """The least width a table can take: each column as wide as its longest word (a heading
    or a text wraps between words) or number (never wrapped), at the smallest type."""
    widest = [max((len(w) for w in _BREAKS.split(h)), default=1) for h in header]
    for row in rows:
        for index, text in enumerate(row):
            longest = max((len(w) for w in _BREAKS.split(text)), default=0)
            widest[index] = max(widest[index], longest)
    return sum(n * MM_PER_CHARACTER + CELL_PADDING_MM for n in widest)


# Where a line may break: not at a no-break space, which French and Spanish figures group
# their thousands with ("343 483" is one word; `str.split` would count two of 3 characters).
_BREAKS = re.compile(r"[ \t\r\n]+")


def chosen_columns(data: Table, columns: Sequence[str]) -> Table:
    """`data` with only `columns`, in that order (`table(…, columns=[…])`)."""
    if isinstance(columns, str) or not isinstance(columns, Sequence) or not columns:
        raise CallError(f"table(): columns takes a list of column names, got {columns!r}")
    for column in columns:
        _check_column(data, column, "columns names")
    rows = [{c: row.get(c) for c in columns} for row in data.rows]
    types = {c: data.types[c] for c in columns}
    return Table(data.name, list(columns), rows, types, data.labels)


def _check_column(data: Table, column: object, said: str) -> None:
    """A `table()` argument's column name that `data` does not have is a call error."""
    if column not in data.columns:
        raise CallError(
            f"table(): {said} '{column}', which {data.name} does not have"
            f"{_did_you_mean(str(column), data.columns)}; its columns: " + ", ".join(data.columns)
        )


def exact_total(numbers: Sequence[Number]) -> tuple[Decimal, int]:
    """The sum of `numbers` in exact decimal arithmetic, from each number as written
    (`1299.75 + 699.90 + -349.25 + 100.41` is 1750.81, not the binary 1750.8100000000002),
    and the decimals to print it with: the most any of its cells shows (`0.10 + 0.20` is
    `0.30`), as a spreadsheet's SUM shows its column's format."""
    total = sum((Decimal(repr(n)) if isinstance(n, float) else Decimal(n) for n in numbers),
                Decimal(0))  # fmt: skip
    return total, max((written_decimals(n) for n in numbers), default=0)


def _lines(text: str) -> str:
    """A cell's text, escaped, its line breaks kept (a spreadsheet's Alt+Enter, a CSV's
    quoted line break): a cell `Calle 5\nArica` shows two lines there, and in the table."""
    return "<br>".join(str(escape(line)) for line in text.strip("\n").split("\n"))


# Words of a column's name that say its numbers do not add up: codes, averages and rates,
# moments (what `total=True` summed into "id 20,469", "zip 88,012", "mean age 75.7").
_NO_SUM = {
    "codes or identifiers": {
        "id",
        "ids",
        "code",
        "codes",
        "codigo",
        "código",
        "zip",
        "postcode",
        "postal",
        "cp",
        "ref",
        "siret",
        "siren",
        "insee",
        "ine",
        "iso",
    },
    "averages, rates or ages": {
        "mean",
        "average",
        "avg",
        "median",
        "moyenne",
        "médiane",
        "mediane",
        "promedio",
        "media",
        "mediana",
        "rate",
        "taux",
        "tasa",
        "ratio",
        "index",
        "indice",
        "índice",
        "age",
        "âge",
        "edad",
        "percentile",
    },
    "moments (years, waves)": {"since", "depuis", "desde", "founded", "wave", "vague", "ola"},
}


def _no_sum_kind(column: str) -> str | None:
    """What a column named `column` holds when its name says its numbers do not add up."""
    words = set(re.findall(r"[^\W\d_]+", column.lower()))
    return next((kind for kind, names in _NO_SUM.items() if words & names), None)


def _totalled(data: Table, total: bool | Sequence[str] | None) -> list[str]:
    """The columns a CSV table's total row sums: none (`total` unset or False), every whole
    or decimal number column (`True`; a percent or a text column does not add up), or the
    columns named (`["amount"]`: a column of means or rates is then left alone)."""
    if total is None or total is False:
        return []
    if total is True:
        summed = [
            c
            for c in data.columns
            if data.types.get(c) in ("int", "number") and not _shown_percents(data, c)
        ]
        numeric = any(data.types.get(c) in ("int", "number") for c in data.columns)
        meaningless = [(c, kind) for c in summed if (kind := _no_sum_kind(c)) is not None]
        if meaningless:
            # `id`, `zip`, `since`, `mean age` summed into "20,469", "88,012", "75.7" (trial 7 #13)
            column, kind = meaningless[0]
            others = [c for c in summed if c not in dict(meaningless)]
            way = f"name the columns to add up: total={others}" if others else "leave total out"
            raise CallError(
                f"table(total=True): the column '{column}' of {data.name} holds {kind}, whose "
                f"sum means nothing; {way}"
            )
        if not numeric and data.rows:  # the total asked for was left out without a word
            raise CallError(
                f"table(total=True): {data.name} has no column of numbers to add up (its "
                f"columns: {', '.join(data.columns)}); a column of numbers stored as text "
                "reads as text: leave total out, or fix the column"
            )
        return summed
    if isinstance(total, str) or not isinstance(total, Sequence):
        raise CallError(
            f"table(): total takes true, false or a list of column names, got {total!r}"
        )
    for column in total:
        _check_column(data, column, "total names the column")
        if data.types.get(column) == "year":
            raise CallError(
                f"table(): total names the column '{column}', which holds years: they do not add up"
            )
        if data.types.get(column) not in NUMERIC_TYPES:
            raise CallError(
                f"table(): total names the column '{column}', which holds text, not numbers"
            )
        if _shown_percents(data, column):
            raise CallError(
                f"table(): total names the column '{column}', which mixes percents and other "
                "numbers (its sheet shows some cells as percents): they do not add up"
            )
    return list(total)


def _shown_percents(data: Table, column: str) -> bool:
    """Whether `column` holds a cell its spreadsheet shows as a percent among other numbers."""
    return data.types.get(column) != "percent" and any(
        isinstance(row.get(column), ShownPercent) for row in data.rows
    )


def _did_you_mean(given: str, valid: Sequence[str] | Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(given, list(valid), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


# Words authors reach for that name one of ours.
_SYNONYMS = {"pie": "donut", "doughnut": "donut", "column": "bar", "bars": "bar"}


def _check_decimals(helper: str, decimals: object) -> None:
    if decimals is None:
        return
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise CallError(
            f"{helper}(): decimals must be a whole number from 0 to 6, got {decimals!r}"
        )


def _unit_symbol(unit: str) -> bool:
    """A unit written as a symbol (`€`, `$`, `km²`, `kg`, `M€`), set with the key figure's value;
    a unit in words (`households`, `mois d'enquête`) heads its caption instead."""
    return " " not in unit and (len(unit) <= 3 or not unit.isalpha())


def checked(
    name: str, signature_of: Callable[..., Any], call: Callable[..., Any]
) -> Callable[..., Any]:
    """`call`, once its arguments fit `signature_of`'s; else a `CallError` listing the
    arguments it takes, with "did you mean" for a misspelt one."""
    signature = inspect.signature(signature_of)
    names = [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]

    def guarded(*args: Any, **kwargs: Any) -> Any:
        import jinja2

        for value in (*args, *kwargs.values()):
            if isinstance(value, jinja2.Undefined):  # `data.zb | number`: say what is undefined
                value._fail_with_undefined_error()
        for key in kwargs:
            if key not in names:
                raise CallError(
                    f"{name}() has no argument '{key}'{_did_you_mean(key, names)}; "
                    f"it takes: {', '.join(names)}"
                )
        try:
            signature.bind(*args, **kwargs)
        except TypeError:
            required = [
                p.name
                for p in signature.parameters.values()
                if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD
            ]
            raise CallError(
                f"{name}() was given {len(args)} value(s) without a name; it takes: "
                f"{', '.join(names)}" + (f" ({', '.join(required)} required)" if required else "")
            ) from None
        return call(*args, **kwargs)

    return guarded


def _svg_image(svg: str, alt: str) -> str:
    """The chart as an SVG image: the tagged PDF then gets a Figure with this alt text,
    which inline SVG does not; the chart's text stays vector text."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="chart-img" src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'


def _id_attr(value: str | None) -> str:
    return f' id="{escape(value)}"' if value else ""


def _data_id(value: str | None) -> str:
    return f' data-id="{escape(value)}"' if value else ""


def contact_html(
    contact: Contact,
    labels: Mapping[str, str],
    colon: str,
    lang: str = "en",
    *,
    qr: bool | None = None,
    imprint: str | None = None,
) -> str:
    """A contact block as an `<address>`-like card, shared by content and the theme: the
    phone formatted for `lang` with a `tel:` link, the email with a `mailto:` link and, when
    asked (`qr`, else the contact's own `qr`), a QR code of its vCard. `imprint` is the
    organisation the page already names (the closing page's imprint): the card leaves out an
    organisation of that name."""
    from reportbuilder.compose.formatting import format_phone
    from reportbuilder.compose.vcard import qr_image
    from reportbuilder.project.contacts import phone_uri, text

    lines: list[str] = []

    def add(cls: str, value: str | None, prefix: str = "", href: str | None = None) -> None:
        if not value:
            return
        text = escape(value)
        if href:
            text = Markup(f'<a href="{escape(href)}">{text}</a>')
        pre = f'<span class="c-key">{escape(prefix)}{colon}</span>' if prefix else ""
        lines.append(f'<p class="{cls}">{pre}{text}</p>')

    add("c-name", contact.name)
    add("c-role", text(contact.role, lang))
    organisation = text(contact.organisation, lang)
    if organisation and imprint and " ".join(organisation.split()) == " ".join(imprint.split()):
        organisation = None
    add("c-org", organisation)
    add("c-office", text(contact.office, lang))
    add("c-address", text(contact.address, lang))
    if contact.phone:
        shown = format_phone(contact.phone, lang, contact.country).replace(" ", "\u00a0")
        add("c-phone", shown, labels["phone"], phone_uri(contact.phone, contact.country))
    email = contact.email
    add("c-email", email, labels["email"], f"mailto:{email}" if email else None)
    add("c-url", contact.url, "", contact.url)
    if contact.qr if qr is None else qr:
        office, organisation = text(contact.office, lang), text(contact.organisation, lang)
        name = contact.name or office or organisation or contact.id
        lines.append(qr_image(contact, labels["qr_code"].format(name=name), lang))
    return f'<div class="contact-card">{"".join(lines)}</div>'
