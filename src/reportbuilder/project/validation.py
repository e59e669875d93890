"""Turning pydantic validation errors into located, friendly problems ("did you mean …")."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from reportbuilder.errors import Problem, Stage
from reportbuilder.project.dates import iso_hint

LineOf = Callable[[Sequence[str | int]], int | None]


def dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Known keys of the (nested) model that `loc` points into."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        field = fields.get(part) if isinstance(fields, dict) else None
        if field is None:
            return []
        annotation = field.annotation
        current = _model_in(annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def known_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys a settings model accepts at `loc` (`()`: the top level)."""
    return _fields_at(model, loc)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def problems_from(
    error: ValidationError, model: type[BaseModel], rel: str, line_of: LineOf
) -> list[Problem]:
    """One problem per pydantic error, at the line of the key it concerns."""
    problems = []
    errors = [(_key_path(err), err) for err in error.errors(include_url=False)]
    unindented = _unindented(model, errors, line_of)
    for loc, err in errors:
        line = line_of(loc)
        key = dotted(loc) or "(top level)"
        owner = unindented.get(tuple(loc))
        if owner is not None:
            message = (
                f"unknown key '{key}': it belongs under '{dotted(owner)}:' (line "
                f"{line_of(owner)}): indent it by 2 spaces"
            )
            problems.append(Problem(rel, line, message, stage=Stage.PROJECT))
        elif (
            err["type"] in _MAPPING_TYPES
            and err.get("input") is None
            and any(o == tuple(loc) for o in unindented.values())
        ):
            below = [dotted(k) for k, o in unindented.items() if o == tuple(loc)]
            message = (
                f"'{key}' is empty: the keys under it ({', '.join(below)}) are not indented; "
                "indent them by 2 spaces"
            )
            problems.append(Problem(rel, line, message, stage=Stage.PROJECT))
        elif err["type"] == "extra_forbidden":
            known = _fields_at(model, loc[:-1])
            hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            allowed = f"; known keys: {', '.join(sorted(known))}" if known and not hint else ""
            problems.append(
                Problem(rel, line, f"unknown key '{key}'{suggestion}{allowed}", stage=Stage.PROJECT)
            )
        elif err["type"] == "missing":
            problems.append(
                Problem(rel, line, f"missing required key '{key}'", stage=Stage.PROJECT)
            )
        elif err["type"].startswith("date") and isinstance(err.get("input"), str):
            message = f"'{key}': {iso_hint(str(err['input']))}"
            problems.append(Problem(rel, line, message, stage=Stage.PROJECT))
        else:
            value = err.get("input")
            shown = f" (got {value!r})" if isinstance(value, str | int | float | bool) else ""
            reason = str(err["msg"]).removeprefix("Value error, ")  # pydantic's, not ours
            problems.append(Problem(rel, line, f"'{key}': {reason}{shown}", stage=Stage.PROJECT))
    return problems


_MAPPING_TYPES = ("dict_type", "model_type", "model_attributes_type")


def _key_path(err: Any) -> list[str | int]:
    loc = [p for p in err["loc"] if isinstance(p, str | int)]
    # pydantic adds the union member's type name to loc; keep only real keys.
    return [p for p in loc if not (isinstance(p, str) and p[:1].isupper())]


def _unindented(
    model: type[BaseModel], errors: Sequence[tuple[list[str | int], Any]], line_of: LineOf
) -> dict[tuple[str | int, ...], tuple[str | int, ...]]:
    """Unknown keys written right under an empty mapping key (`brand:` then `primary:` not
    indented) that belong to it: {the unknown key's path: the empty key's path}. A key
    belongs when the empty key's model has it, or takes any key (`languages:`)."""
    empty = [
        (line, tuple(loc))
        for loc, err in errors
        if err["type"] in _MAPPING_TYPES
        and err.get("input") is None
        and (line := line_of(loc)) is not None
    ]
    found: dict[tuple[str | int, ...], tuple[str | int, ...]] = {}
    for loc, err in errors:
        line = line_of(loc)
        if err["type"] != "extra_forbidden" or line is None:
            continue
        above = [(at, key) for at, key in empty if at < line and key[:-1] == tuple(loc[:-1])]
        if not above:
            continue
        owner = max(above)[1]
        fields = _fields_at(model, owner)
        if not fields or loc[-1] in fields:
            found[tuple(loc)] = owner
    return found


M = TypeVar("M", bound=BaseModel)
_STAND_IN_ROUNDS = 8  # each round drops what the last one refused; a value rarely needs more


def stand_in(model: type[M], value: Any) -> M | None:
    """`value` validated with every part pydantic refuses left out (a wrong key; the list
    entry or mapping that lacks a required key), or None when what is left still fails.

    Not for building anything: `check` fills the chapters in with it, so that a typo in
    report.yml or contacts.yml does not hide the problems of the content and the data (the
    refused parts are already reported, at their lines)."""
    value = copy.deepcopy(value)
    for _ in range(_STAND_IN_ROUNDS):
        try:
            return model.model_validate(value)
        except ValidationError as error:
            gone: list[tuple[Any, str | int]] = []
            for err in error.errors(include_url=False):
                loc = [p for p in err["loc"] if isinstance(p, str | int)]
                loc = [p for p in loc if not (isinstance(p, str) and p[:1].isupper())]
                if err["type"] == "missing":
                    loc = loc[:-1]  # the mapping that lacks it goes
                found = _parent(value, loc)
                if found is not None and not any(
                    found[0] is p and found[1] == k for p, k in gone
                ):  # two errors in one entry: it goes once
                    gone.append(found)
            if not gone:
                return None
            # Highest index first, so that the other entries of a list stay where they were.
            for parent, key in sorted(gone, key=lambda g: -g[1] if isinstance(g[1], int) else 0):
                if isinstance(parent, dict):
                    parent.pop(key, None)
                elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
                    del parent[key]
    return None


def _parent(value: Any, loc: Sequence[str | int]) -> tuple[Any, str | int] | None:
    """The container holding what `loc` points at, and its key; None when `loc` is the
    whole value or is not there."""
    if not loc:
        return None
    parent = value
    for key in loc[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return None
    last = loc[-1]
    if isinstance(parent, dict) and last in parent:
        return parent, last
    if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        return parent, last
    return None
