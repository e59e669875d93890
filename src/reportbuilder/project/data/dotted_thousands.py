"""`value: 1.234` in a data file of a report whose language groups thousands with a dot
(Spanish, German, Italian, Portuguese, Dutch…): YAML reads the number 1.234, the report
keeps its three decimals and prints "1,234 habitantes" — a thousand times too small, and it
looks deliberate. The author most likely typed 1234 the way their language writes it. The
CSV reader refuses the same doubt ("could be 1322 or 1.322"); so does this, at its line
(a fourth decimal, `1.2340`, or a breakdown's `decimals: 3` says it is the decimal number)."""

from __future__ import annotations

import re
from typing import Any

from reportbuilder.errors import Problem
from reportbuilder.language import parse_locale
from reportbuilder.project.data._problem import problem
from reportbuilder.project.data.readers import Source

# A number written as a thousands group would be: 1.234, 12.500, 999.000 (never 0.125).
_GROUPED = re.compile(r"[-+]?[1-9]\d{0,2}\.\d{3}")
# Where a share or a percent is written: never a number of thousands.
_NOT_COUNTS = frozenset({"percent", "share", "decimals"})


def groups_with_a_dot(lang: str) -> bool:
    """Whether the language writes 1.234 for a thousand two hundred and thirty-four."""
    try:
        return parse_locale(lang).number_symbols.get("latn", {}).get("group") == "."
    except (ValueError, LookupError):
        return False


def dotted_thousands(source: Source, lang: str) -> list[Problem]:
    """The numbers of `source` written like a dotted thousand, in a report in `lang`."""
    if not groups_with_a_dot(lang):
        return []
    found = []
    for path, text in source.number_texts.items():
        if not _GROUPED.fullmatch(text.strip()) or not path or path[-1] in _NOT_COUNTS:
            continue
        if "decimals" in _mapping_at(source.value, path[:-1]):
            continue
        whole = text.strip().replace(".", "")
        found.append(
            problem(
                source.rel,
                source.line(path),
                f"'{path[-1]}': {text.strip()} could be {whole} (a dot grouping thousands, as "
                f"the report's language writes) or {text.strip()} (YAML's decimal point): "
                f"write {whole}, or {text.strip()}0 for the decimal number",
            )
        )
    return found


def _mapping_at(value: Any, path: tuple[Any, ...]) -> dict[Any, Any]:
    for key in path:
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return {}
    return value if isinstance(value, dict) else {}


__all__ = ["dotted_thousands", "groups_with_a_dot"]
