"""Render a `Project` to one HTML document (a pure function of the project: a string out).

Chapters go through the content sandbox, then Markdown and the sanitiser; the theme's
templates lay out cover, contents, chapters and the contact page around them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import jinja2
from markdown.extensions.toc import slugify_unicode
from markupsafe import Markup

from reportbuilder.compose import charts, references
from reportbuilder.compose.formatting import Formatter
from reportbuilder.compose.helpers import Components, contact_html
from reportbuilder.compose.markup import make_markdown, to_html
from reportbuilder.compose.templating import (
    LinkOutside,
    Namespace,
    content_environment,
    render_content,
    theme_environment,
    wrap,
)
from reportbuilder.errors import Problem, ReportError
from reportbuilder.language import colon, labels_for, typeset
from reportbuilder.limits import MAX_DEPTH, nesting_depth
from reportbuilder.project.data import localize
from reportbuilder.project.load import Project

PAGE_HEIGHTS_MM = {"A4": 297, "A5": 210, "A3": 420, "B5": 250, "letter": 279.4, "legal": 355.6}


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class RenderedChapter:
    slug: str
    title: str
    html: Markup
    css_class: str
    headings: list[Heading]
    in_toc: bool


def css_string(value: Any) -> Markup:
    """A value as a CSS string literal, safe inside a `<style>` element."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return Markup('"' + text.replace("<", "\\3c ").replace(">", "\\3e ") + '"')


def source_date() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, for reproducible builds (None when unset or invalid)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else None


def _headings(tokens: list[dict[str, Any]], lang: str) -> list[Heading]:
    out: list[Heading] = []
    for token in tokens:
        # Markdown gives the name with entities (`&amp;`); the theme escapes it again.
        text = typeset(unescape(token["name"]), lang)
        out.append(Heading(token["level"], token["id"], text))
        out.extend(_headings(token.get("children", []), lang))
    return out


def report_scope(project: Project) -> Namespace:
    """report.yml as plain data for templates; `date` falls back to SOURCE_DATE_EPOCH's."""
    values = json.loads(project.config.model_dump_json())
    stamp = source_date()
    if values.get("date") is None and stamp is not None:
        values["date"] = stamp.date().isoformat()
    return wrap("report", values)


def _finalize(fmt: Formatter) -> Callable[[Any], Any]:
    """What `{{ … }}` prints: numbers in the report's language; never an object's insides."""

    def finalize(value: Any) -> Any:
        if isinstance(value, str | Markup | jinja2.Undefined):
            return value  # an undefined name raises its own, better, error when printed
        if value is None:
            raise TypeError("nothing to print here: the value is empty")
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return fmt.number(value)
        kind = type(value).__name__
        hint = {
            "Figure": "a key figure: print '.value | number'",
            "Category": "a category: print '.percent | percent' or '.count | number'",
            "Breakdown": "a breakdown: use table(…) or chart(…), or one of its categories",
            "Table": "a table: use table(…)",
        }.get(kind, f"a {kind}, not text")
        raise TypeError(f"cannot print this value directly; it is {hint}")

    return finalize


def render_chapters(
    project: Project, components: Components, fmt: Formatter
) -> list[RenderedChapter]:
    config = project.config
    env = content_environment(fmt.filters(), _finalize(fmt))
    scope = {
        "data": wrap("data", localize(project.data, config.lang)),
        "contacts": wrap("contacts", {k: c.model_dump() for k, c in project.contacts.items()}),
        "report": report_scope(project),
        **components.helpers(),
    }
    problems: list[Problem] = []
    rendered: list[RenderedChapter] = []
    for chapter in project.chapters:
        components.chapter = chapter.rel
        text, found = render_content(env, chapter.source, chapter.rel, scope)
        problems.extend(found)
        if text is None:
            continue

        def slug(value: str, separator: str, prefix: str = chapter.slug) -> str:
            return f"{prefix}--{slugify_unicode(value, separator)}"

        md = make_markdown(config.lang, slug)
        try:
            html = to_html(text, md)
            depth = nesting_depth(html)
        except RecursionError:  # Python-Markdown itself gives up first on some inputs
            html, depth = "", MAX_DEPTH + 1
        if depth > MAX_DEPTH:
            message = f"nesting too deep (lists, quotes …); the limit is {MAX_DEPTH} levels"
            problems.append(Problem(chapter.rel, None, message))
            continue
        html = components.substitute(html)
        headings = _headings(md.toc_tokens, config.lang)
        title = chapter.meta.get("title") or next((h.text for h in headings if h.level == 1), "")
        if not title:
            message = (
                "the chapter has no title: start it with '# Title' or set title: in front matter"
            )
            problems.append(Problem(chapter.rel, 1, message))
            continue
        rendered.append(
            RenderedChapter(
                slug=chapter.slug,
                title=str(title),
                html=Markup(html),
                css_class=chapter.css_class,
                headings=headings,
                in_toc=chapter.in_toc,
            )
        )
    if problems:
        raise ReportError(problems)
    return rendered


def render_html(project: Project, *, print_mode: bool = False) -> str:
    """The whole report as one HTML string, ready for WeasyPrint (base URL: the project root)."""
    config = project.config
    fmt = Formatter(config.lang)
    labels = labels_for(config.lang)
    style = charts.ChartStyle(
        palette=config.brand.chart_palette(),
        font_family=config.brand.fonts.heading or "Inter",
        text_color=config.brand.text,
    )
    components = Components(fmt, labels, project.contacts, style)
    chapters = render_chapters(project, components, fmt)
    env = theme_environment(project.theme_dir, project.root)
    env.filters.update({**fmt.filters(), "css_string": css_string})
    stamp = source_date()
    report = report_scope(project)
    theme_css, project_css = _stylesheets(project)
    contact = project.contacts.get(config.contact) if config.contact else None
    context = {
        "report": report,
        "page_height": PAGE_HEIGHTS_MM[config.page_size],
        "labels": labels,
        "chapters": chapters,
        "toc": [
            (chapter, [h for h in chapter.headings if 1 < h.level <= config.toc_depth])
            for chapter in chapters
            if chapter.in_toc
        ],
        "date_text": fmt.date(report["date"]) if report["date"] else "",
        "created": stamp.strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else None,
        "theme_stylesheets": theme_css,
        "project_stylesheets": project_css,
        "logo": (project.root / config.organisation.logo).as_uri()
        if config.organisation and config.organisation.logo
        else None,
        "contact": Markup(contact_html(contact, labels, colon(config.lang))) if contact else None,
        "print_mode": print_mode,
    }
    try:
        html = env.get_template("report.html").render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise ReportError(
            Problem(
                _template_rel(error.filename, project),
                error.lineno,
                error.message or "syntax error",
            )
        ) from None
    except jinja2.UndefinedError as error:
        raise ReportError(Problem("templates", None, f"theme template: {error.message}")) from None
    except jinja2.TemplateNotFound as error:
        raise ReportError(Problem("templates", None, f"template not found: {error.name}")) from None
    except LinkOutside as error:
        raise ReportError(Problem("templates", None, str(error))) from None
    except jinja2.TemplateError as error:  # the sandbox refused something
        raise ReportError(Problem("templates", None, f"theme template: {error}")) from None
    except Exception as error:  # a project template may fail in any way; say where
        where = _template_frame(error, project)
        message = f"theme template: {type(error).__name__}: {error}"
        raise ReportError(Problem(where[0], where[1], message)) from None
    html, targets = references.number(html, labels)
    html, unknown = references.link(html, targets, labels)
    if unknown:
        known = ", ".join(sorted(targets)) or "none: give a chart, table or image an id"
        raise ReportError(
            Problem(
                components.refs.get(u, "content"),
                None,
                f"ref('{u}'): no figure or table has this id (known: {known})",
            )
            for u in dict.fromkeys(unknown)
        )
    return html


def _template_frame(error: BaseException, project: Project) -> tuple[str, int | None]:
    """The innermost template file and line in a traceback."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".html"):
            return _template_rel(frame.filename, project), frame.lineno
    return "templates", None


def _template_rel(filename: str | None, project: Project) -> str:
    if not filename:
        return "templates"
    path = Path(filename)
    return (
        path.relative_to(project.root).as_posix()
        if path.is_relative_to(project.root)
        else path.name
    )


def _stylesheets(project: Project) -> tuple[list[str], list[str]]:
    """(theme CSS, project CSS) as URLs; a project file named like a theme file replaces it.

    The brand's colours and page words come between the two, so a project's own CSS can
    override them and the theme's defaults cannot.
    """
    theme_css = sorted((project.theme_dir / "styles").glob("*.css"))
    project_dir = project.root / "styles"
    own = (
        sorted(p for p in project_dir.glob("*.css") if p.is_file()) if project_dir.is_dir() else []
    )
    own_names = {p.name for p in own}
    theme = [p.resolve().as_uri() for p in theme_css if p.name not in own_names]
    return theme, [p.absolute().as_uri() for p in own]
