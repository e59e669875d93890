"""Turning pydantic validation errors into located, friendly problems ("did you mean …")."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any

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
    for err in error.errors(include_url=False):
        loc = [p for p in err["loc"] if isinstance(p, str | int)]
        # pydantic adds the union member's type name to loc; keep only real keys.
        loc = [p for p in loc if not (isinstance(p, str) and p[:1].isupper())]
        line = line_of(loc)
        key = dotted(loc) or "(top level)"
        if err["type"] == "extra_forbidden":
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
