"""The two Jinja2 environments: the theme's (trusted, autoescaped, project templates shadow the
theme's) and the content's (sandboxed, data only, every undefined name an error)."""

from __future__ import annotations

import decimal
import difflib
import json
import re
import sys
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from types import CodeType
from typing import TYPE_CHECKING, Any, cast

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from reportbuilder.compose import english_numbers
from reportbuilder.compose.english_numbers import refuse_numbers
from reportbuilder.compose.tag_lines import TagLines
from reportbuilder.errors import CallError, Problem, Stage
from reportbuilder.limits import TimeLimitExceeded
from reportbuilder.project.data.model import same_kind
from reportbuilder.project.theme import TemplateFile

if TYPE_CHECKING:
    from reportbuilder.compose.memo import ComposeMemo


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


def _member(path: str, key: str) -> str:
    """How a template writes `key` of `path`: `data.survey`, or `data["Study Results 2025"]`
    for a name that is no identifier (a file name with spaces)."""
    if key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


class ContentUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose message names the full path and suggests a close key."""

    @property
    def _undefined_message(self) -> str:
        owner, name = self._undefined_obj, self._undefined_name
        if isinstance(owner, jinja2.Undefined):  # `cycler.__init__`: what is undefined first
            return str(owner._undefined_message)
        if isinstance(owner, Namespace) and isinstance(name, str):
            hint = difflib.get_close_matches(name, list(owner), n=1)
            tip = f" (did you mean '{_member(owner.path, hint[0])}'?)" if hint else ""
            if owner.path == "recipient" and not owner:
                tip = " (this edition is not personalised: put it inside {% if recipient %})"
            dashed = sorted(key for key in owner if key.startswith(f"{name}-"))
            if dashed:  # `data.my-data` is `data.my` minus `data`: the name has a '-'
                tip = f" (a '-' is a minus here: write {_member(owner.path, dashed[0])})"
                hint = dashed
            known = "" if hint or not owner else f"; it has: {', '.join(sorted(owner)[:12])}"
            return f"'{owner.path}.{name}' is undefined{tip}{known}"
        if isinstance(owner, dict) and isinstance(name, str):  # a table's row, plain data
            keys = [str(key) for key in owner]
            hint = difflib.get_close_matches(name, keys, n=1)
            tip = f" (did you mean '{hint[0]}'?)" if hint else ""
            known = ", ".join(keys[:12]) or "nothing"
            return f"this row or mapping has no '{name}'{tip}; it has: {known}"
        if owner is None and isinstance(name, str):  # `report.date.year` with no date
            tip = (
                " (report.yml gives no date: add one, e.g. date: 2026-03-01, or put it "
                "inside {% if report.date %})"
                if name in ("year", "month", "day")
                else " (put it inside {% if … %})"
            )
            return f"an empty value (none was given) has no '{name}'{tip}"
        if owner is not jinja2.utils.missing and isinstance(name, str):
            sheet, source = getattr(owner, "sheet", None), getattr(owner, "source", None)
            if isinstance(sheet, str) and isinstance(source, str) and not hasattr(owner, name):
                return (
                    f"{source} has one visible sheet ('{sheet}'), which is the table itself: "
                    f"write data.{getattr(owner, 'name', '…')}, without '.{name}'"
                )
            if hasattr(owner, name):  # there, but not for templates (a method that changes it)
                return f"'{name}' of a {type(owner).__name__} is not available in templates"
            choices = [n for n in dir(owner) if not n.startswith("_")]
            hint = difflib.get_close_matches(name, choices, n=1)
            tip = f" (did you mean '{hint[0]}'?)" if hint else ""
            if name == "strftime":  # Python's way; the report's is the edition's language
                tip = ' (write | date("MMMM y"), or | date("long"): in the report\'s language)'
            return f"{type(owner).__name__} has no '{name}'{tip}"
        return super()._undefined_message


def template_line(rel: str) -> int | None:
    """The line of the chapter `rel` whose template code is running now (a helper called from
    it asks), or None when no template of that name is on the stack."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == rel:
            template = frame.f_globals.get("__jinja_template__")
            if template is not None:
                return int(template.get_corresponding_lineno(frame.f_lineno))
        frame = frame.f_back  # type: ignore[assignment]
    return None


LITERAL_HINT = (
    "to write {{, {% or {## as text, put it in `code` or between {% raw %} and {% endraw %}"
)
_PLAIN = (str, bytes, int, float, dict, list, tuple)
MAX_CHAPTER_CHARS = 2_000_000  # a chapter's text after its template ran
MAX_DOCUMENT_CHARS = 50_000_000  # the whole HTML document, theme templates filled in
_MAX_REPEAT = 100_000  # the longest string or list a template may build in one step
_WIDE_FORMAT = re.compile(r"\d{6,}")  # a field width or precision of a million or more
_NESTED_FIELD = re.compile(r"\{[^{}]*\{")  # a format field whose spec holds another field


def _refuse(message: str) -> jinja2.exceptions.SecurityError:
    return jinja2.exceptions.SecurityError(message)


def _check_arguments(args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    """Widths and counts (`center(10**9)`, `indent(…)`) may not build huge strings."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_REPEAT:
            raise _refuse(f"the argument {value} is too large (the limit is {_MAX_REPEAT})")
        if isinstance(value, str) and "{" in value and _WIDE_FORMAT.search(value):
            raise _refuse("that format would build a string too long")


def _check_string_call(method: str, text: str, args: Sequence[Any]) -> None:
    """`replace`, `join`, `format` and `expandtabs` on strings, sized before they run."""
    if method in ("format", "format_map") and _WIDE_FORMAT.search(text):
        raise _refuse("that format would build a string too long")
    if method in ("format", "format_map") and _NESTED_FIELD.search(text):
        # `"{:>{}}".format(x, 10**9)`: a width given as an argument is a size, check it.
        _check_arguments(args, {})
    expands = method == "expandtabs" and args and isinstance(args[0], int)
    if expands and len(text) + text.count("\t") * args[0] > MAX_CHAPTER_CHARS:
        raise _refuse("that expansion would build a string too long")
    if method == "replace" and len(args) >= 2 and isinstance(args[0], str) and args[0]:
        grows = text.count(args[0]) * max(len(str(args[1])) - len(args[0]), 0)
        if len(text) + grows > MAX_CHAPTER_CHARS:
            raise _refuse("that replacement would build a string too long")
    if method == "join" and args:
        items = list(args[0]) if isinstance(args[0], list | tuple) else []
        if len(text) * len(items) + sum(len(str(i)) for i in items) > MAX_CHAPTER_CHARS:
            raise _refuse("that join would build a string too long")


class _GuardedCode(CodeGenerator):
    """Compiles `a ~ b ~ c` to a join whose result the environment sizes (`joined`): Jinja
    has no hook for `~`, and doubling a text ten times a line took gigabytes."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined(")
        super().visit_Concat(node, frame)
        self.write(")")


class GuardedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, kept from building huge values (`*`, `**`, `%`, `+`, `~`,
    widths, `replace`, `join`), with names of our data mappings found before dict methods
    (`recipient.values` is the recipient's `values`, not `dict.values`)."""

    intercepted_binops = frozenset(["*", "**", "%", "+"])
    code_generator_class = _GuardedCode

    def joined(self, text: Any) -> Any:
        """The result of a `~`, refused when longer than a chapter may be."""
        if len(text) > MAX_CHAPTER_CHARS:
            raise _refuse(f"that text would be too long (the limit is {MAX_CHAPTER_CHARS})")
        return text

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                repeats = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if repeats and len(seq) * times > _MAX_REPEAT:
                    raise _refuse("that repetition would be too long")
        sized = isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
        if operator == "+" and sized and len(left) + len(right) > MAX_CHAPTER_CHARS:
            raise _refuse(f"that text would be too long (the limit is {MAX_CHAPTER_CHARS})")
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise _refuse("exponent too large")
        if operator == "%" and isinstance(left, str):
            raise _refuse("'%' formatting of text is not available; use the number filter")
        return super().call_binop(context, operator, left, right)

    def call(
        __self,
        __context: jinja2.runtime.Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, jinja2.Undefined):  # `table(data.zb)`: say what is undefined
                value._fail_with_undefined_error()
        method = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        owner = getattr(method, "__self__", None)
        if isinstance(owner, _PLAIN):  # a method of a plain value, not one of our helpers
            name = getattr(method, "__name__", "")
            if name not in ("format", "format_map"):  # their arguments are values, not sizes
                _check_arguments(args, kwargs)
            if isinstance(owner, str):
                _check_string_call(name, owner, args)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Namespace) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def _guard_filters(env: jinja2.Environment) -> None:
    """Filters that take a width or count (`center`, `indent`, `wordwrap`, `truncate`, `format`,
    `batch`, `slice`, `join`, `replace`) check it first."""
    for name in ("center", "indent", "wordwrap", "truncate", "format", "batch", "slice"):
        env.filters[name] = _guarded_filter(env.filters[name])
    guarded_format = env.filters["format"]

    def format(value: Any, *args: Any, **kwargs: Any) -> Any:
        # `"%1500000000s"|format(x)`: the width is in the format string, the filter's value.
        if isinstance(value, str) and _WIDE_FORMAT.search(value):
            raise _refuse("that format would build a string too long")
        return guarded_format(value, *args, **kwargs)

    env.filters["format"] = format
    original_replace, original_join = env.filters["replace"], env.filters["join"]

    def replace(context: Any, value: Any, old: str, new: str, count: int | None = None) -> Any:
        _check_string_call("replace", str(value), (old, new))
        return original_replace(context, value, old, new, count)

    def join(context: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = list(value)
        _check_string_call("join", str(d), (items,))
        return original_join(context, items, d, attribute)

    env.filters["replace"] = jinja2.pass_eval_context(replace)
    env.filters["join"] = jinja2.pass_eval_context(join)


def _guarded_filter(original: Callable[..., Any]) -> Callable[..., Any]:
    passes = getattr(original, "jinja_pass_arg", None)
    skip = 2 if passes is not None else 1  # the context (if any) and the value itself

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[skip:], kwargs)
        return original(*args, **kwargs)

    if passes is not None:
        guarded.jinja_pass_arg = passes  # type: ignore[attr-defined]
    return guarded


class _ContentCode(_GuardedCode):
    """`a ~ b` with each part looked at first (`ContentSandbox.concat_part`): a number
    would be joined the English way."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined(")
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"{join}((")
        for part in node.nodes:
            self.write("environment.concat_part(")
            self.visit(part, frame)
            self.write("), ")
        self.write(")))")


class ContentSandbox(GuardedSandbox):
    """The chapters' sandbox: data only; numbers never written the English way by Jinja's
    own text conversions (`compose.english_numbers`)."""

    code_generator_class = _ContentCode

    def concat_part(self, value: Any) -> Any:
        refuse_numbers("'~'", (value,))
        if isinstance(value, str) and getattr(value, "prints_as_date", False):
            return self.filters["date"](None, value)  # `report.date`: as `{{ }}` prints it
        return value

    def call(
        __self,
        __context: jinja2.runtime.Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        method = getattr(__obj, "__wrapped__", __obj)
        name = getattr(method, "__name__", "")
        if isinstance(getattr(method, "__self__", None), str) and name in ("format", "format_map"):
            given = [*args, *kwargs.values()]
            given += [v for arg in args if isinstance(arg, Mapping) for v in arg.values()]
            refuse_numbers(f"'.{name}()'", given)
        return super().call(__context, __obj, *args, **kwargs)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Data only: methods are reachable on plain values (`"x".upper()`, `d.items()`),
        never on objects, so no library method (pydantic's `parse_file` …) is in reach."""
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return not callable(value) or isinstance(obj, _PLAIN)


def content_environment(
    filters: Mapping[str, Callable[..., Any]], finalize: Callable[[Any], Any] | None = None
) -> jinja2.Environment:
    """The sandbox Markdown is rendered in: no loader, no globals but what we put in scope.

    Jinja comments are `{## … ##}`, so that Markdown's `{#id}` attribute lists stay text.
    A line holding only a `{% … %}` tag leaves nothing, not an empty line: a table's rows
    written by a `{% for %}` stay one table, and a list's items keep their indentation.
    """
    env = ContentSandbox(
        undefined=ContentUndefined,
        autoescape=True,
        loader=jinja2.DictLoader({}),
        keep_trailing_newline=True,
        comment_start_string="{##",
        comment_end_string="##}",
        finalize=finalize,
        extensions=[TagLines],
    )
    env.globals.clear()
    _guard_filters(env)
    english_numbers.guard_filters(env.filters)
    _typos_not_defaulted(env)
    env.filters.update(filters)
    return env


def _typos_not_defaulted(env: jinja2.Environment) -> None:
    """`default`/`d` and the `defined`/`undefined` tests refuse a misspelt key: one close to
    a key its owner has (`owners.percnt | default(0)` printed 0, the figure's `percent`
    never read). A key with no close match is left to them (`recipient.name | default("")`
    in an edition that is not personalised)."""
    builtin_default: Callable[..., Any] = env.filters["default"]
    builtin_defined = cast("Callable[..., Any]", env.tests["defined"])

    def default(value: Any, default_value: Any = "", boolean: bool = False) -> Any:
        _refuse_typo(value, "default")
        return builtin_default(value, default_value, boolean)

    def defined(value: Any) -> bool:
        _refuse_typo(value, "is defined")
        return bool(builtin_defined(value))

    env.filters["default"] = env.filters["d"] = default
    env.tests["defined"] = defined
    env.tests["undefined"] = lambda value: not defined(value)
    env.filters["int"] = _strict_number(int, "int")
    env.filters["float"] = _strict_number(float, "float")
    env.filters["round"] = _round


def _round(value: Any, precision: int = 0, method: str = "common") -> float:
    """Jinja's `round`, half away from zero as every figure of the report is rounded (and a
    reader and Excel round): Jinja's own rounds half to even, `2.5 | round` printed 2 beside
    `2.5 | number(0)`'s 3 (trial 6 #6). `ceil` and `floor` as Jinja's."""
    from reportbuilder.compose.formatting import rounded

    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, bool) or not isinstance(value, int | float | decimal.Decimal):
        raise CallError(f"round: expected a number, got {str(value)[:40]!r}")
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 6:
        raise CallError(f"round: decimals must be a whole number from 0 to 6, got {precision!r}")
    if method not in ("common", "ceil", "floor"):
        raise CallError(f"round: method must be 'common', 'ceil' or 'floor', got {method!r}")
    exact = value if isinstance(value, decimal.Decimal) else decimal.Decimal(repr(value))
    if method == "common":
        result = float(rounded(value, precision))
    else:
        how = decimal.ROUND_CEILING if method == "ceil" else decimal.ROUND_FLOOR
        result = float(exact.quantize(decimal.Decimal(1).scaleb(-precision), how))
    # A rounded percent prints its sign, a rounded share is still refused alone (trial 7 #27).
    return same_kind(value, result, precision)


def _strict_number(kind: type, name: str) -> Callable[..., Any]:
    """Jinja's `int` and `float`, which print 0 for what they cannot read (`"12,5" | float`,
    a French figure in a text column, printed 0): what is no number is an error."""

    def convert(value: Any, default: Any = None, base: int = 10) -> Any:
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()  # its own message: the path, "did you mean"
        if isinstance(value, bool) or value is None:
            raise CallError(f"{name}: nothing to read as a number here")
        if isinstance(value, int | float | decimal.Decimal):
            return kind(value)
        text = str(value).strip().replace("_", "")
        try:
            return (
                int(text, base)
                if kind is int and base != 10
                else kind(text if kind is float else float(text))
            )
        except (ValueError, OverflowError):
            raise CallError(
                f"{name}: '{value}' is not a number written with a point (12.5); declare the "
                "column's type in report.yml, or give the value as a number"
            ) from None

    return convert


def _refuse_typo(value: Any, used: str) -> None:
    if not isinstance(value, ContentUndefined) or not isinstance(value._undefined_name, str):
        return
    owner, name = value._undefined_obj, value._undefined_name
    if isinstance(owner, Namespace | dict):
        keys = [str(key) for key in owner]
    elif owner is not jinja2.utils.missing and not isinstance(owner, jinja2.Undefined):
        keys = [n for n in dir(owner) if not n.startswith("_")]
    else:
        return
    if difflib.get_close_matches(name, keys, n=1):
        message = f"{value._undefined_message}: `{used}` would hide the misspelt key"
        raise jinja2.UndefinedError(message)


class OutputTooLarge(jinja2.exceptions.SecurityError):
    """A template's output went over its size limit while it was being written."""


def render_capped(template: jinja2.Template, scope: Mapping[str, Any], limit: int) -> str:
    """`template.render(**scope)`, stopped as soon as the output passes `limit` characters:
    loops printing a large value (`{% for %}{% for %}{{ s }}`) stop at the limit instead of
    building gigabytes first."""
    parts: list[str] = []
    size = 0
    for part in template.generate(**scope):
        size += len(part)
        if size > limit:
            raise OutputTooLarge(f"the output grows past {limit} characters (the limit)")
        parts.append(part)
    return "".join(parts)


def render_content(
    env: jinja2.Environment,
    source: str,
    rel: str,
    scope: Mapping[str, Any],
    memo: ComposeMemo | None = None,
) -> tuple[str | None, list[Problem]]:
    """Render one chapter's template text; any failure is a problem at its line.

    Jinja stops at the first failure. When it is in a `{{ … }}` on a line without `{% … %}`,
    the chapter is rendered again without that line (a value has no effect on the rest), so
    that every such failure is reported, not only the first. `memo` keeps the compiled code."""
    text, problems, resumable = _render_once(env, source, rel, scope, memo)
    found = list(problems)
    lines = source.split("\n")
    while resumable and len(found) < MAX_REPORTED:
        line = found[-1].line
        if line is None or not 0 < line <= len(lines) or not _only_values(lines[line - 1]):
            break
        found += _others_on_line(env, lines, line, rel, scope, found[-1])
        lines[line - 1] = ""
        text, problems, resumable = _render_once(env, "\n".join(lines), rel, scope)
        if not resumable or any(p.line == line for p in problems):
            break  # what follows may be a consequence of the line left out: not reported
        found.extend(problems)
    return (None, found) if found else (text, [])


_VALUE = re.compile(r"\{\{.*?\}\}")


def _others_on_line(
    env: jinja2.Environment,
    lines: list[str],
    line: int,
    rel: str,
    scope: Mapping[str, Any],
    first: Problem,
) -> list[Problem]:
    """The failures of a line's other `{{ … }}` (Jinja stopped at the first): each value
    rendered in the line's place alone."""
    values = _VALUE.findall(lines[line - 1])
    if len(values) < 2:
        return []
    found: list[Problem] = []
    for value in values:
        alone = [*lines[: line - 1], value, *lines[line:]]
        _, problems, _ = _render_once(env, "\n".join(alone), rel, scope)
        said = {first.message, *(p.message for p in found)}
        found += [p for p in problems if p.line == line and p.message not in said]
    return found


def _names(env: jinja2.Environment) -> str:
    """The environment's filters and tests, which Jinja looks up as it compiles."""
    return json.dumps([sorted(env.filters), sorted(env.tests)])


MAX_REPORTED = 20  # template failures reported per chapter


def _only_values(line: str) -> bool:
    """A line whose template code is `{{ … }}` only (no statement, no comment)."""
    return "{{" in line and "{%" not in line and "{#" not in line


def _render_once(
    env: jinja2.Environment,
    source: str,
    rel: str,
    scope: Mapping[str, Any],
    memo: ComposeMemo | None = None,
) -> tuple[str | None, list[Problem], bool]:
    """`render_content` for one pass: the text, or the problem Jinja stopped at and whether
    it is a value's failure that leaving out its line gets past."""

    def stop(
        line: int | None, message: str, resumable: bool = False
    ) -> tuple[None, list[Problem], bool]:
        return None, [Problem(rel, line, message, stage=Stage.COMPOSE)], resumable

    try:

        def compiled() -> CodeType:
            return cast(CodeType, env.compile(source, name=rel, filename=rel))

        code = compiled() if memo is None else memo.code(source, rel, _names(env), compiled)
        template = env.template_class.from_code(env, code, env.make_globals(None), None)
        text = render_capped(template, scope, MAX_CHAPTER_CHARS)
    except TimeLimitExceeded as error:
        # Jinja rewrites tracebacks only for Exceptions: find the template line ourselves.
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == rel]
        if frames and frames[-1].lineno:
            error.line = template.get_corresponding_lineno(frames[-1].lineno)
        raise
    except jinja2.TemplateSyntaxError as error:
        message = _unknown_name(error.message or "", env.filters, env.tests)
        if message is None:
            message = f"template syntax: {error.message}; {LITERAL_HINT}"
        return stop(error.lineno, message)
    except jinja2.TemplateNotFound as error:
        return stop(_line_in(error, rel), f"content cannot include other files ('{error.name}')")
    except jinja2.UndefinedError as error:
        message = error.message or "undefined value"
        bare = re.fullmatch(r"'(\w+)' is undefined", message)
        if bare:  # a misspelt helper (`chrt`), or perhaps `{{ … }}` meant as text
            close = difflib.get_close_matches(bare[1], [k for k in scope if k != "recipient"], n=1)
            message += f" (did you mean '{close[0]}'?)" if close else f"; {LITERAL_HINT}"
        return stop(_line_in(error, rel), message, resumable=True)
    except OutputTooLarge:
        return stop(None, f"the chapter grows past {MAX_CHAPTER_CHARS} characters (the limit)")
    except jinja2.exceptions.SecurityError as error:
        return stop(_line_in(error, rel), f"not allowed in content: {error}", resumable=True)
    except jinja2.TemplateRuntimeError as error:
        # A filter or test that Jinja looks up only when its branch runs (`{% if %}…`).
        message = _unknown_name(str(error), env.filters, env.tests) or f"template error: {error}"
        return stop(_line_in(error, rel), message, resumable=True)
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
        return stop(_line_in(error, rel), _plain(error), resumable=True)
    except (MemoryError, RecursionError) as error:
        message = "out of memory" if isinstance(error, MemoryError) else "recursion too deep"
        return stop(_line_in(error, rel), f"{message} while filling in the data")
    if len(text) > MAX_CHAPTER_CHARS:
        message = f"the chapter grows to {len(text)} characters (limit {MAX_CHAPTER_CHARS})"
        return stop(None, message)
    return text, [], False


_NO_SUCH = re.compile(r"No (filter|test) named '([^']*)'")


def _unknown_name(message: str, filters: Mapping[str, Any], tests: Mapping[str, Any]) -> str | None:
    """Jinja's `No filter named 'percnet'.` in an author's words, with "did you mean", or
    None when the message is about something else."""
    found = _NO_SUCH.search(message)
    if found is None:
        return None
    kind, name = found[1], found[2]
    known = sorted(filters if kind == "filter" else tests)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"no {kind} named '{name}' (did you mean '{close[0]}'?)"
    shown = ", ".join(known) if len(known) <= 12 else ", ".join(known[:12]) + ", …"
    return f"no {kind} named '{name}'; known {kind}s: {shown}"


# Python's own words for a call that does not fit, as a built-in filter (`first`) raises them.
_PYTHON_CALL = re.compile(
    r"(?:[\w.<>]+\.)?(\w+)\(\) (?:got an unexpected keyword argument '(\w+)'|takes .* but .* given)"
)
_KINDS = {
    ZeroDivisionError: "division by zero",
    ArithmeticError: "cannot compute this",
    TypeError: "wrong kind of value",
    LookupError: "not found",
    AttributeError: "no such attribute",
    ValueError: "wrong value",
}


# Python's words for arithmetic on a filter's printed text (`1 / "33.3%"`).
_TEXT_OPERAND = re.compile(
    r"unsupported operand type\(s\) for ([-+*/%]|//|\*\*): '(?:int|float|Decimal)' and 'str'"
    r"|unsupported operand type\(s\) for ([-+*/%]|//|\*\*): 'str' and '(?:int|float)'"
)


def _plain(error: Exception) -> str:
    """An error's message for an author: a `CallError` as written, others after a word on
    their kind instead of Python's class name (`TypeError`)."""
    if isinstance(error, CallError):
        return str(error)
    said = _PYTHON_CALL.fullmatch(str(error))
    if isinstance(error, TypeError) and said:
        name = re.sub(r"^(?:sync_)?do_", "", said[1])  # Jinja's filters: `sync_do_first`
        if said[2]:
            return f"{name}() has no argument '{said[2]}'"
        return f"{name}() was given more values than it takes"
    operand = _TEXT_OPERAND.search(str(error))
    if isinstance(error, TypeError) and operand:
        # `{{ 1/3 | percent }}`: the filter takes 3, and 1 / "33%" fails in Python's words.
        sign = operand[1] or operand[2]
        return (
            f"a filter applies before '{sign}' (and the other operators): put the "
            f"computation in brackets, e.g. (1 {sign} 3) | percent"
        )
    kind = next(word for cls, word in _KINDS.items() if isinstance(error, cls))
    if isinstance(error, decimal.DecimalException):  # its text is a list of Python classes
        return f"{kind}: a number too large or too precise to print"
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


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled theme templates kept in this process, by name and checksum of the source (a
    changed template is compiled again): a merge composes them for every language and kind
    of cover, and compiling them was almost all of a cover's compose (42 ms)."""

    LIMIT = 256

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            data = self._code.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # dropped when the checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = bucket.bytecode_to_string()
        with self._lock:
            if len(self._code) >= self.LIMIT:
                self._code.clear()
            self._code[bucket.key] = data


# Shared by every theme environment, which all compile with the same settings.
_COMPILED = _CompiledTemplates()


def theme_environment(
    theme: Mapping[str, TemplateFile],
    own: Mapping[str, TemplateFile],
    by_theme: Mapping[str, Mapping[str, TemplateFile]] | None = None,
) -> jinja2.Environment:
    """Project templates (`own`) shadow the theme's. `name:file.html` is theme `name`'s file as
    that theme sees it (its own, else its parents'): `base:report.html` is the built-in
    theme's when `base` is in the chain; without `by_theme`, `base:` means the theme's."""
    theme_loader = _MemoryLoader(theme)
    prefixes: dict[str, jinja2.BaseLoader] = {"base": theme_loader}
    for name, templates in (by_theme or {}).items():
        prefixes[name] = _MemoryLoader(templates)
    loaders: list[jinja2.BaseLoader] = [
        _MemoryLoader(own),
        theme_loader,
        jinja2.PrefixLoader(prefixes, delimiter=":"),
    ]
    # Sandboxed like content (a project's templates/ come from the same folder), and
    # immutable: a template cannot change the theme's words or data for later builds.
    env = ContentSandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=ContentUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_COMPILED,
    )
    _guard_filters(env)
    env.globals["Markup"] = Markup
    return env


# --- Code stays code ----------------------------------------------------------------------------

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")
# A fence as a list item's first line (`- ```` then the code indented): GFM code; its closing
# fence was read as an opening one never closed (trial 6 #8).
_ITEM_FENCE = re.compile(
    r"^(?P<indent>[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)(?P<fence>`{3,}|~{3,})(?P<info>.*)$"
)
_PROSE_TOKENS = re.compile(
    r"(?P<raw>\{%-?\s*raw\s*-?%\})"
    r"|(?P<endraw>\{%-?\s*endraw\s*-?%\})"
    r"|(?<![\\`])(?P<ticks>`+)(?!`)(?P<code>(?:(?!\n[ \t]*\n).)+?)(?<!`)(?P=ticks)(?!`)"
    # An HTML comment is dropped from the report: template code in it is not run either (a
    # commented-out `{{ data.x.y }}` that no longer exists failed the build, trial 4 #29).
    r"|(?P<comment><!--.*?-->)",
    re.DOTALL,
)
_TEMPLATE_START = re.compile(r"\{(?=[{%#])")


def _literal(code: str) -> str:
    """Code whose `{{`, `{%` and `{##` print as typed: each such brace becomes `{{ "{"|safe }}`
    (marked safe: printed values are otherwise escaped for Markdown, which code does not undo)."""
    return _TEMPLATE_START.sub('{{ "{"|safe }}', code)


def _code_blocks(lines: list[str]) -> tuple[list[tuple[int, int]], list[int]]:
    """(first, last) line indexes of each closed fenced or indented code block, and the
    indexes of fences that are never closed."""
    blocks: list[tuple[int, int]] = []
    unclosed: list[int] = []
    index = 0
    last_text = ""  # the last non-blank line before a blank one
    previous_blank = True
    list_indent: int | None = None  # the indent of the list item the text is in, if any
    while index < len(lines):
        line = lines[index]
        if line.strip() and _LIST_ITEM.match(line):
            list_indent = _indent(line)
        elif line.strip() and previous_blank and not line[:1].isspace():
            list_indent = None  # a paragraph at the margin after a blank line ends the list
        opening = _FENCE.match(line) or _ITEM_FENCE.match(line)
        if opening and not (opening["fence"][0] == "`" and "`" in opening["info"]):
            fence = opening["fence"]
            closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            end = next((j for j in range(index + 1, len(lines)) if closing.match(lines[j])), None)
            if end is None:
                unclosed.append(index)
            else:
                blocks.append((index, end))
                index, previous_blank, last_text = end + 1, False, lines[end]
                continue
        elif (
            previous_blank
            and line.strip()
            and _indent(line) >= (code_indent := _code_indent(list_indent))
            and (list_indent is not None or not last_text[:1].isspace())
        ):
            end = index
            for j in range(index + 1, len(lines)):
                if _indent(lines[j]) >= code_indent or not lines[j].strip():
                    end = j if lines[j].strip() else end
                else:
                    break
            blocks.append((index, end))
            index, previous_blank, last_text = end + 1, False, lines[end]
            continue
        blank = not line.strip()
        if not blank:
            last_text = line
        previous_blank = blank
        index += 1
    return blocks, unclosed


def _indent(line: str) -> int:
    """The columns of white space a line starts with (a tab to the next multiple of 4)."""
    prefix = line[: len(line) - len(line.lstrip(" \t"))]
    return len(prefix.expandtabs(4))


def _code_indent(list_indent: int | None) -> int:
    """How far a line must be indented to be code: 4 columns, or inside a list item (as
    Python-Markdown reads it) 8 columns past the item's own nesting level."""
    return 4 if list_indent is None else list_indent // 4 * 4 + 8


def code_ranges(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the code blocks and code spans of the Markdown `text`
    (and its HTML comments): where what looks like a citation is code, printed as typed."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    blocks, _ = _code_blocks(lines)
    ranges: list[tuple[int, int]] = []
    start = 0
    for first, last in [*blocks, (len(lines), len(lines))]:
        for match in _PROSE_TOKENS.finditer(text, offsets[start], offsets[first]):
            if match["code"] is not None or match["comment"] is not None:
                ranges.append(match.span())
        if first < len(lines):
            ranges.append((offsets[first], offsets[last + 1]))
        start = last + 1
    return sorted(ranges)


def protect_code(source: str) -> tuple[str, list[int]]:
    """The chapter's text with code spans and code blocks made literal for the sandbox, and
    the lines (1-based) of code fences that are never closed.

    Line numbers stay true: nothing is added but `{{ "{"|safe }}` in place of a brace. Regions
    the author already put between `{% raw %}` and `{% endraw %}` are left as they are.
    """
    lines = source.splitlines(keepends=True)
    blocks, unclosed = _code_blocks(lines)
    out: list[str] = []
    in_raw = False
    start = 0

    def prose(text: str) -> str:
        nonlocal in_raw
        if "`" not in text and "raw" not in text and "<!--" not in text:
            return text  # no code span, raw block or comment: the common case, a fast one
        pieces: list[str] = []
        position = 0
        for match in _PROSE_TOKENS.finditer(text):
            if in_raw:
                if match["endraw"]:
                    in_raw = False
                continue
            if match["raw"]:
                in_raw = True
            elif match["code"] is not None:
                pieces.append(text[position : match.start("code")])
                pieces.append(_literal(match["code"]))
                position = match.end("code")
            elif match["comment"] is not None:
                pieces.append(text[position : match.start("comment")])
                pieces.append(_literal(match["comment"]))
                position = match.end("comment")
        pieces.append(text[position:])
        return "".join(pieces)

    for first, last in blocks:
        out.append(prose("".join(lines[start:first])))
        block = "".join(lines[first : last + 1])
        out.append(block if in_raw else _literal(block))
        start = last + 1
    out.append(prose("".join(lines[start:])))
    return "".join(out), [i + 1 for i in unclosed]
