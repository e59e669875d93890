"""Jinja's own ways of turning a number into text — `format`, `"{:,}".format()`, `string`,
`join`, `~` — write it the English (Python) way whatever the edition's language: "12,000" in
a French report reads as twelve, "19.3" as a typo (trial 7 #22). In a chapter they refuse
a number that prints otherwise in a report and say what writes it the edition's way: `{{ x
}}` alone, or `| number`. A whole number under 1 000 and a year print the same everywhere
("fig-" ~ loop.index) and pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reportbuilder.errors import CallError
from reportbuilder.project.data.model import Year

_HOW = "print the number with {{ x }} or | number (| number(decimals=1), | percent)"


def prints_otherwise(value: Any) -> bool:
    """Whether `value` is a number Python writes unlike the report (grouping, decimal mark)."""
    if isinstance(value, bool | Year) or not isinstance(value, int | float):
        return False
    if isinstance(value, int):
        return abs(value) >= 1000
    return not (value.is_integer() and abs(value) < 1000)


def refuse_numbers(what: str, values: Iterable[Any]) -> None:
    """Raise `CallError` when one of `values` is a number `what` would write in English."""
    for value in values:
        if prints_otherwise(value):
            raise CallError(
                f"{what} writes {value!r} the English way, whatever the report's language: {_HOW}"
            )


def guard_filters(filters: dict[str, Any]) -> None:
    """`format`, `string` and `join` of the content environment's `filters` refuse numbers."""
    import jinja2

    original_format, original_string = filters["format"], filters["string"]
    original_join = filters["join"]

    def format(value: Any, *args: Any, **kwargs: Any) -> Any:
        refuse_numbers("| format", (*args, *kwargs.values()))
        return original_format(value, *args, **kwargs)

    def string(value: Any) -> Any:
        refuse_numbers("| string", (value,))
        return original_string(value)

    def join(context: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = list(value)
        what = "| join (format each first: | map('number') | join(', '))"
        if attribute is None:
            refuse_numbers(what, items)
        else:
            getter = jinja2.filters.make_attrgetter(context.environment, attribute)
            refuse_numbers(what, (getter(item) for item in items))
        return original_join(context, items, d, attribute)

    filters["format"] = format
    filters["string"] = string
    filters["join"] = jinja2.pass_eval_context(join)
