"""The two Jinja2 environments: the theme's (trusted, autoescaped, project templates shadow the
theme's) and the content's (sandboxed, data only, every undefined name an error)."""

from __future__ import annotations

import difflib
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from .errors import Problem

THEMES_DIR = Path(__file__).parent / "themes"


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


def content_environment(filters: Mapping[str, Callable[..., Any]]) -> jinja2.Environment:
    """The sandbox Markdown is rendered in: no loader, no globals but what we put in scope."""
    env = ImmutableSandboxedEnvironment(
        undefined=ContentUndefined,
        autoescape=True,
        loader=jinja2.DictLoader({}),
        keep_trailing_newline=True,
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
        return template.render(**scope), []
    except jinja2.TemplateSyntaxError as error:
        return None, [Problem(rel, error.lineno, f"template syntax: {error.message}")]
    except jinja2.TemplateNotFound as error:
        line = _line_in(error, rel)
        return None, [Problem(rel, line, f"content cannot include other files ('{error.name}')")]
    except jinja2.UndefinedError as error:
        return None, [Problem(rel, _line_in(error, rel), error.message or "undefined value")]
    except jinja2.exceptions.SecurityError as error:
        return None, [Problem(rel, _line_in(error, rel), f"not allowed in content: {error}")]
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
        return None, [Problem(rel, _line_in(error, rel), f"{type(error).__name__}: {error}")]


def _line_in(error: BaseException, rel: str) -> int | None:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == rel]
    return frames[-1].lineno if frames else getattr(error, "lineno", None)


class _ContainedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that will not follow a symlink out of its folder."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        folder = Path(self.searchpath[0]).resolve()
        if not Path(filename).resolve().is_relative_to(folder):
            raise jinja2.TemplateNotFound(f"{template} (a link out of {folder.name}/ is refused)")
        return source, filename, uptodate


def theme_environment(theme_dir: Path, project_dir: Path) -> jinja2.Environment:
    """Project `templates/` shadow the theme's; `base:name.html` always means the theme's."""
    theme_loader = _ContainedLoader(theme_dir / "templates")
    loaders: list[jinja2.BaseLoader] = []
    if (project_dir / "templates").is_dir():
        loaders.append(_ContainedLoader(project_dir / "templates"))
    loaders += [theme_loader, jinja2.PrefixLoader({"base": theme_loader}, delimiter=":")]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["Markup"] = Markup
    return env


def theme_path(name: str, project_dir: Path) -> Path | None:
    """The folder of theme `name`: built-in, or a folder inside the project."""
    builtin = THEMES_DIR / name
    if builtin.is_dir():
        return builtin
    local = (project_dir / name).resolve()
    if local.is_dir() and local.is_relative_to(project_dir.resolve()):
        return local
    return None
