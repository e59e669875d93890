"""The two Jinja2 environments: the theme's (trusted, autoescaped, project templates shadow the
theme's) and the content's (sandboxed, data only, every undefined name an error)."""

from __future__ import annotations

import difflib
import traceback
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment
from markupsafe import Markup

from reportbuilder.errors import CallError, Problem, Stage
from reportbuilder.project.theme import TemplateFile


class Namespace(dict):
    """A read-only mapping that knows its dotted name, so errors can say `data.study.agee`."""

    def __init__(self, path: str, items: Mapping[str, Any]) -> None:
        super().__init__(items)
        self.path = path


def wrap(path: str, value: Any) -> Any:
    """Nested dicts → Namespaces named by their path (lists are walked, other values kept)."""
    if isinstance(value, Namespace):
        return value
    if isinstance(value, dict):
        return Namespace(path, {str(k): wrap(f"{path}.{k}", v) for k, v in value.items()})
    if isinstance(value, list):
        return [wrap(f"{path}[{i}]", v) for i, v in enumerate(value)]
    return value


class ContentUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose message names the full path and suggests a close key."""

    @property
    def _undefined_message(self) -> str:
        owner, name = self._undefined_obj, self._undefined_name
        if isinstance(owner, Namespace) and isinstance(name, str):
            hint = difflib.get_close_matches(name, list(owner), n=1)
            tip = f" (did you mean '{owner.path}.{hint[0]}'?)" if hint else ""
            known = "" if hint or not owner else f"; it has: {', '.join(sorted(owner)[:12])}"
            return f"'{owner.path}.{name}' is undefined{tip}{known}"
        if owner is not jinja2.utils.missing and isinstance(name, str):
            choices = [n for n in dir(owner) if not n.startswith("_")]
            hint = difflib.get_close_matches(name, choices, n=1)
            tip = f" (did you mean '{hint[0]}'?)" if hint else ""
            return f"{type(owner).__name__} has no '{name}'{tip}"
        return super()._undefined_message


_PLAIN = (str, bytes, int, float, dict, list, tuple)
MAX_CHAPTER_CHARS = 2_000_000  # a chapter's text after its template ran
_MAX_REPEAT = 100_000  # the longest string or list `*` may build in content


class ContentSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with `*` and `**` kept from building huge values."""

    intercepted_binops = frozenset(["*", "**"])

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Data only: methods are reachable on plain values (`"x".upper()`, `d.items()`),
        never on objects, so no library method (pydantic's `parse_file` …) is in reach."""
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return not callable(value) or isinstance(obj, _PLAIN)

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                repeats = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if repeats and len(seq) * times > _MAX_REPEAT:
                    raise jinja2.exceptions.SecurityError("that repetition would be too long")
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise jinja2.exceptions.SecurityError("exponent too large")
        return super().call_binop(context, operator, left, right)


def content_environment(
    filters: Mapping[str, Callable[..., Any]], finalize: Callable[[Any], Any] | None = None
) -> jinja2.Environment:
    """The sandbox Markdown is rendered in: no loader, no globals but what we put in scope.

    Jinja comments are `{## … ##}`, so that Markdown's `{#id}` attribute lists stay text.
    """
    env = ContentSandbox(
        undefined=ContentUndefined,
        autoescape=True,
        loader=jinja2.DictLoader({}),
        keep_trailing_newline=True,
        comment_start_string="{##",
        comment_end_string="##}",
        finalize=finalize,
    )
    env.globals.clear()
    env.filters.update(filters)
    return env


def render_content(
    env: jinja2.Environment, source: str, rel: str, scope: Mapping[str, Any]
) -> tuple[str | None, list[Problem]]:
    """Render one chapter's template text; any failure is a problem at its line."""
    try:
        template = env.template_class.from_code(
            env, env.compile(source, name=rel, filename=rel), env.make_globals(None), None
        )
        text = template.render(**scope)
    except jinja2.TemplateSyntaxError as error:
        return None, [
            Problem(rel, error.lineno, f"template syntax: {error.message}", stage=Stage.COMPOSE)
        ]
    except jinja2.TemplateNotFound as error:
        line = _line_in(error, rel)
        return None, [
            Problem(
                rel,
                line,
                f"content cannot include other files ('{error.name}')",
                stage=Stage.COMPOSE,
            )
        ]
    except jinja2.UndefinedError as error:
        return None, [
            Problem(
                rel, _line_in(error, rel), error.message or "undefined value", stage=Stage.COMPOSE
            )
        ]
    except jinja2.exceptions.SecurityError as error:
        return None, [
            Problem(
                rel, _line_in(error, rel), f"not allowed in content: {error}", stage=Stage.COMPOSE
            )
        ]
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
        return None, [Problem(rel, _line_in(error, rel), _plain(error), stage=Stage.COMPOSE)]
    except (MemoryError, RecursionError) as error:
        message = "out of memory" if isinstance(error, MemoryError) else "recursion too deep"
        return None, [
            Problem(
                rel,
                _line_in(error, rel),
                f"{message} while filling in the data",
                stage=Stage.COMPOSE,
            )
        ]
    if len(text) > MAX_CHAPTER_CHARS:
        message = f"the chapter grows to {len(text)} characters (limit {MAX_CHAPTER_CHARS})"
        return None, [Problem(rel, None, message, stage=Stage.COMPOSE)]
    return text, []


_KINDS = {
    ZeroDivisionError: "division by zero",
    ArithmeticError: "cannot compute this",
    TypeError: "wrong kind of value",
    LookupError: "not found",
    AttributeError: "no such attribute",
    ValueError: "wrong value",
}


def _plain(error: Exception) -> str:
    """An error's message for an author: a `CallError` as written, others after a word on
    their kind instead of Python's class name (`TypeError`)."""
    if isinstance(error, CallError):
        return str(error)
    kind = next(word for cls, word in _KINDS.items() if isinstance(error, cls))
    text = str(error).strip("'\"") if isinstance(error, KeyError) else str(error)
    return f"{kind}: {text}" if text and text != kind else kind


def _line_in(error: BaseException, rel: str) -> int | None:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == rel]
    return frames[-1].lineno if frames else getattr(error, "lineno", None)


class _MemoryLoader(jinja2.BaseLoader):
    """Templates read when the project was loaded, reported under their project path."""

    def __init__(self, templates: Mapping[str, TemplateFile]) -> None:
        self.templates = templates

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        found = self.templates.get(template)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        return found.source, found.shown, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.templates)


def theme_environment(
    theme: Mapping[str, TemplateFile], own: Mapping[str, TemplateFile]
) -> jinja2.Environment:
    """Project templates (`own`) shadow the theme's; `base:name.html` always means the theme's."""
    theme_loader = _MemoryLoader(theme)
    loaders: list[jinja2.BaseLoader] = [
        _MemoryLoader(own),
        theme_loader,
        jinja2.PrefixLoader({"base": theme_loader}, delimiter=":"),
    ]
    # Sandboxed too: a project's templates/ come from the same folder as its content.
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["Markup"] = Markup
    return env
