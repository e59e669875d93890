"""reportbuilder: branded, print-ready PDF reports from Markdown, study data and contacts.

The stages, usable one by one::

    project = load_project("my-report")             # read and validate, once
    html = render_html(project, Edition(lang="en"))  # one edition, as HTML
    with PdfRenderer() as renderer:                  # a warm render process
        pdf = renderer.render(html)
    write_atomic("out/report-en.pdf", pdf)

or all at once: `build("my-report", Edition(lang="en"))`; `check(...)` validates only;
`mail("my-report", to=["ana@example.org"], eml="out/report.eml")` builds and sends (or writes)
it as an email.
Problems raise a `ReportError` subclass whose `problems` list every `Problem` found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportbuilder.errors import (
    ComposeError,
    DeliveryError,
    Location,
    OutputError,
    Problem,
    ProjectError,
    RenderError,
    ReportError,
    Severity,
    Stage,
)

__version__ = "0.1.0"

if TYPE_CHECKING:  # explicit for type checkers; imported on first use at run time
    from reportbuilder.compose.html import Html, render_html
    from reportbuilder.deliver.files import write_atomic
    from reportbuilder.edition import Edition
    from reportbuilder.limits import Deadline, Limits
    from reportbuilder.mailing import MailResult, mail
    from reportbuilder.pipeline import BuildResult, Output, build, check
    from reportbuilder.project.load import Project, load_project
    from reportbuilder.render.renderer import Pdf, PdfRenderer

# Name → module, so that `import reportbuilder` (and `reportbuilder --help`) stays fast.
_LAZY = {
    "Html": "reportbuilder.compose.html",
    "render_html": "reportbuilder.compose.html",
    "write_atomic": "reportbuilder.deliver.files",
    "Edition": "reportbuilder.edition",
    "Deadline": "reportbuilder.limits",
    "Limits": "reportbuilder.limits",
    "MailResult": "reportbuilder.mailing",
    "mail": "reportbuilder.mailing",
    "BuildResult": "reportbuilder.pipeline",
    "Output": "reportbuilder.pipeline",
    "build": "reportbuilder.pipeline",
    "check": "reportbuilder.pipeline",
    "Project": "reportbuilder.project.load",
    "load_project": "reportbuilder.project.load",
    "Pdf": "reportbuilder.render.renderer",
    "PdfRenderer": "reportbuilder.render.renderer",
}

__all__ = [
    "BuildResult",
    "ComposeError",
    "Deadline",
    "DeliveryError",
    "Edition",
    "Html",
    "Limits",
    "Location",
    "MailResult",
    "Output",
    "OutputError",
    "Pdf",
    "PdfRenderer",
    "Problem",
    "Project",
    "ProjectError",
    "RenderError",
    "ReportError",
    "Severity",
    "Stage",
    "__version__",
    "build",
    "check",
    "load_project",
    "mail",
    "render_html",
    "write_atomic",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reportbuilder' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
