"""Settings laid over report.yml without copying the project: named `variants:` in report.yml
(`a5: {page_size: A5}`) and one-off `--set key=value` assignments (`brand.primary=#8a1538`).

Both are merged into report.yml's mapping before it is validated, so a variant or an
assignment is checked exactly like the file: a wrong value is a problem at the variant's line
in report.yml, or at `--set KEY`.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from reportbuilder.project.validation import known_keys

Key = tuple[str, ...]
NOT_IN_VARIANTS = ("variants",)  # a variant cannot hold variants


def parse_assignment(text: str) -> tuple[Key, Any]:
    """`brand.primary=#8a1538` → (("brand", "primary"), "#8a1538").

    The value is read as YAML when it is a flow collection (`[a, b]`) or a boolean, number
    or date (`true`, `12`, `2026-03-01`); anything else is text as typed (`Water: a survey`,
    `#8a1538`, which YAML would read as a mapping and a comment). Raises `ValueError` with
    a message for the user.
    """
    key, sep, raw = text.partition("=")
    path = tuple(part.strip() for part in key.split("."))
    if not sep or not all(path):
        raise ValueError(f"expected KEY=VALUE (page_size=A5, brand.primary=#8a1538), got {text!r}")
    raw = raw.strip()
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return path, raw
    typed = isinstance(value, bool | int | float | dt.date)
    collection = raw.startswith(("[", "{")) and isinstance(value, list | dict)
    return path, value if typed or collection else raw


def unknown_key(path: Key, model: Any) -> str | None:
    """Why `path` names no setting of `model` (with a "did you mean"), or None if it does."""
    for depth in range(len(path)):
        known = [k for k in known_keys(model, path[:depth]) if k not in NOT_IN_VARIANTS]
        if not known and depth:
            return None  # below a free-form mapping (data settings): the schema decides
        if path[depth] not in known:
            dotted = ".".join(path[: depth + 1])
            close = difflib.get_close_matches(path[depth], known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(sorted(known))}"
            return f"no setting '{dotted}' ({hint})"
    return None


def merged(base: Mapping[str, Any], *layers: Sequence[tuple[Key, Any]]) -> dict[str, Any]:
    """report.yml's mapping with each layer's assignments applied in turn (a copy)."""
    result = copy.deepcopy(dict(base))
    for layer in layers:
        for path, value in layer:
            target = result
            for part in path[:-1]:
                if not isinstance(target.get(part), dict):
                    target[part] = {}
                target = target[part]
            target[path[-1]] = value
    return result


def flatten(mapping: Mapping[str, Any], prefix: Key = ()) -> list[tuple[Key, Any]]:
    """A variant's nested mapping as assignments: `{brand: {primary: x}}` → brand.primary=x,
    so a variant changes one brand colour without restating the others."""
    found: list[tuple[Key, Any]] = []
    for key, value in mapping.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping) and value:
            found.extend(flatten(value, path))
        else:
            found.append((path, value))
    return found


__all__ = ["Key", "flatten", "merged", "parse_assignment", "unknown_key"]
