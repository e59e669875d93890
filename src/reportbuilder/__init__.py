"""reportbuilder: branded, print-ready PDF reports from Markdown, study data and contacts."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from reportbuilder.errors import Problem, ReportError

__all__ = ["Problem", "ReportError", "__version__", "build", "check", "load_project", "render_html"]


def __getattr__(name: str) -> Any:  # lazy, so that `--help` does not import WeasyPrint
    if name in ("build", "check"):
        from . import builder as module

        return getattr(module, name)
    if name == "load_project":
        from reportbuilder.project.load import load_project

        return load_project
    if name == "render_html":
        from reportbuilder.compose.html import render_html

        return render_html
    raise AttributeError(name)
