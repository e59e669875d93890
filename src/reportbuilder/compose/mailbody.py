"""The words of a message that carries the report: subject, plain-text and HTML bodies.

The theme's `mail.txt` and `mail.html` (a project's `templates/mail.txt` and
`templates/mail.html` replace them) are filled in with the title, a two-line summary, the
PDF's size and pages, and the contact's signature, in the edition's language (fr, en, es;
English otherwise). The summary is report.yml's `mail.summary` (a content template over the
data, like a chapter), else the subtitle and the first key figures of the data.
Pure: no file or environment is read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from reportbuilder.compose import charts
from reportbuilder.compose.formatting import Formatter, format_phone
from reportbuilder.compose.helpers import Helpers
from reportbuilder.compose.html import _finalize, report_scope
from reportbuilder.compose.templating import content_environment, render_content, wrap
from reportbuilder.edition import Edition
from reportbuilder.errors import ComposeError, Problem, ReportError, Stage
from reportbuilder.language import base_language
from reportbuilder.project.config import for_edition
from reportbuilder.project.data.model import Figure, localize
from reportbuilder.project.load import Project

__all__ = ["MAIL_WORDS", "MailBody", "render_mail_body", "summary_problems"]

# What the built-in message says, per language; `{title}` etc. are filled in.
MAIL_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Hello,",
        "greeting_name": "Dear {name},",
        "attached": "Please find attached the report “{title}” ({pages} pages, {size}).",
        "closing": "Best regards,",
        "kb": "KB",
        "mb": "MB",
    },
    "fr": {
        "greeting": "Bonjour,",
        "greeting_name": "Bonjour {name},",
        "attached": "Veuillez trouver ci-joint le rapport «\u00a0{title}\u00a0» "
        "({pages}\u00a0pages, {size}).",
        "closing": "Cordialement,",
        "kb": "Ko",
        "mb": "Mo",
    },
    "es": {
        "greeting": "Buenos días:",
        "greeting_name": "Buenos días, {name}:",
        "attached": "Le enviamos adjunto el informe «{title}» ({pages}\u00a0páginas, {size}).",
        "closing": "Atentamente,",
        "kb": "KB",
        "mb": "MB",
    },
}
MAIL_TEMPLATES = ("mail.txt", "mail.html")


@dataclass(frozen=True)
class MailBody:
    """A message's subject and its two bodies."""

    subject: str
    text: str
    html: str


def _size(fmt: Formatter, words: Mapping[str, str], size: int) -> str:
    if size >= 1_000_000:
        return fmt.number(round(size / 1_000_000, 1), 1, words["mb"])
    return fmt.number(max(round(size / 1000), 1), 0, words["kb"])


def _key_figures(helpers: Helpers, data: Mapping[str, Any], count: int = 3) -> list[str]:
    """The first key figures (`Figure`s at the top of a data file), as `99 victims …`."""
    found: list[str] = []
    for namespace in data.values():
        if not isinstance(namespace, Mapping):
            continue
        for item in namespace.values():
            if isinstance(item, Figure) and len(found) < count:
                big, caption = helpers.figure_text(item, None)
                found.append(f"{big} {caption}".strip())
    return found


def _summary_line(project: Project, line: int | None) -> int | None:
    """The line of report.yml that `line` of the `mail.summary` template is on."""
    from reportbuilder.project.config import CONFIG_FILE
    from reportbuilder.project.textio import read_text
    from reportbuilder.project.yamlio import load_yaml

    try:
        text = read_text(project.root / CONFIG_FILE, CONFIG_FILE)
        key = load_yaml(text, CONFIG_FILE).line(["mail", "summary"])
    except (ReportError, ValueError):
        return None
    if key is None:
        return None
    after = text.splitlines()[key - 1].partition("summary:")[2].strip()
    # `summary: |` (a block): the template's first line is the next one
    return key + (line or 1) if after[:1] in ("|", ">") else key


def summary_problems(project: Project, edition: Edition | None = None) -> list[Problem]:
    """What is wrong in report.yml's `mail.summary` (an undefined key, a blocked attribute),
    at its line: so that `check` finds what `mail` and `merge` would fail on."""
    try:
        render_mail_body(project, edition, pages=1, size=1)
    except ComposeError as error:
        return list(error.problems)
    return []


def _summary(
    config: Any,
    fmt: Formatter,
    helpers: Helpers,
    data: Mapping[str, Any],
    report: Any,
    project: Project | None = None,
) -> list[str]:
    written = config.mail.summary
    if not written:
        first = config.subtitle or config.subject or ""
        figures = " · ".join(_key_figures(helpers, data))
        return [line for line in (first, figures) if line]
    env = content_environment(fmt.filters(), _finalize(fmt, markdown=False))
    env.autoescape = False  # plain text: the HTML template escapes it
    scope = {"data": wrap("data", data), "report": report}
    text, problems = render_content(env, written, "report.yml", scope)
    if text is None:
        raise ComposeError(
            [
                Problem(
                    "report.yml",
                    _summary_line(project, p.line) if project is not None else None,
                    f"mail.summary: {p.message}",
                    stage=p.stage,
                )
                for p in problems
            ]
        )
    return [" ".join(line.split()) for line in text.strip().splitlines() if line.strip()][:2]


def render_mail_body(
    project: Project,
    edition: Edition | None = None,
    *,
    pages: int,
    size: int,
    recipient: Mapping[str, str] | None = None,
) -> MailBody:
    """The subject and bodies for sending this edition's PDF (`pages` pages, `size` bytes).

    `recipient` (`name`, `organisation` …) lets the greeting name the reader (a merge row).
    Raises `ComposeError` naming the template and line that failed.
    """
    from reportbuilder.compose.templating import theme_environment

    edition = edition or Edition()
    config = for_edition(project.config, edition)
    lang = config.lang
    fmt = Formatter(lang)
    words = dict(MAIL_WORDS.get(base_language(lang), MAIL_WORDS["en"]))
    labels = project.strings.labels(lang) or dict(project.strings.english)
    style = charts.ChartStyle(
        palette=config.brand.chart_palette(), font_family="Inter", text_color=config.brand.text
    )
    helpers = Helpers(fmt, labels, project.contacts, style)
    data = localize(project.data, lang)
    report = report_scope(config, edition)
    summary = _summary(config, fmt, helpers, data, report, project)
    contact = project.contacts.get(config.contact) if config.contact else None
    links: list[dict[str, str | None]] = []  # the signature's lines, with a link where one fits
    if contact is not None:
        from reportbuilder.project.contacts import phone_uri
        from reportbuilder.project.contacts import text as in_lang

        phone = contact.phone
        links = [
            {"text": text, "href": href}
            for text, href in (
                (contact.name, None),
                (in_lang(contact.role, lang), None),
                (in_lang(contact.organisation, lang), None),
                (in_lang(contact.office, lang), None),
                (
                    format_phone(phone, lang, contact.country) if phone else None,
                    phone_uri(phone, contact.country) if phone else None,
                ),
                (contact.email, f"mailto:{contact.email}"),
                (contact.url, contact.url),
            )
            if text
        ]
    elif config.organisation is not None:
        links = [{"text": config.organisation.name, "href": config.organisation.url}]
    signature = [str(line["text"]) for line in links]
    name = (recipient or {}).get("name")
    values = {
        "title": config.title,
        "pages": fmt.number(pages, 0),
        "size": _size(fmt, words, size),
        "name": name or "",
    }
    greeting = (words["greeting_name"] if name else words["greeting"]).format(**values)
    context = {
        "report": report,
        "recipient": dict(recipient or {}),
        "lang": lang,
        "title": config.title,
        "greeting": greeting,
        "attached": words["attached"].format(**values),
        "summary": summary,
        "closing": words["closing"],
        "signature": signature,
        "signature_links": links,
        "contact": contact.model_dump() if contact else None,
        "pages": pages,
        "size": values["size"],
    }
    env = theme_environment(project.theme.templates, project.templates, project.theme.by_theme)
    env.autoescape = lambda template: not (template or "").endswith(".txt")
    env.filters.update(fmt.filters())
    text = _fill(env, "mail.txt", context)
    html = _fill(env, "mail.html", context)
    # A title may be folded over lines in report.yml; mail.subject was checked to be one line.
    subject = config.mail.subject or " ".join(config.title.split())
    return MailBody(subject=subject, text=text.strip() + "\n", html=html)


def _fill(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    def problem(message: str, error: BaseException) -> ComposeError:
        line = getattr(error, "lineno", None)
        filename = getattr(error, "filename", None) or name
        return ComposeError(Problem(filename, line, message, stage=Stage.COMPOSE))

    try:
        return str(env.get_template(name).render(**context))
    except jinja2.TemplateNotFound as error:
        raise problem(f"template not found: {error.name}", error) from None
    except jinja2.TemplateSyntaxError as error:
        raise problem(error.message or "syntax error", error) from None
    except jinja2.TemplateError as error:
        raise problem(f"mail template: {error}", error) from None
    except (TypeError, ValueError, LookupError, AttributeError, ArithmeticError) as error:
        raise problem(f"mail template: {type(error).__name__}: {error}", error) from None
