"""Where each resource a project asks for is written, so a refused or missing file can be
reported as `content/x.md:12: …` rather than as a bare URL."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from reportbuilder.errors import ReportError
from reportbuilder.project.load import Project
from reportbuilder.project.textio import read_text

_MARKDOWN = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_HTML = re.compile(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_CSS = re.compile(r"""url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)""", re.IGNORECASE)


def _scan(text: str, rel: str, base: str, patterns: list[re.Pattern[str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern in patterns:
            for match in pattern.finditer(line):
                written = next(group for group in match.groups() if group)
                found.setdefault(urljoin(base, written.strip()), f"{rel}:{number}")
    return found


def resource_locations(project: Project) -> dict[str, str]:
    """Absolute URL → `path:line` of the first place the project refers to it."""
    base = project.root.as_uri() + "/"
    found: dict[str, str] = {}
    for chapter in project.chapters:
        found.update(_scan(chapter.source, chapter.rel, base, [_MARKDOWN, _HTML]))
    styles = project.root / "styles"
    for css in sorted(styles.glob("*.css")) if styles.is_dir() else []:
        rel = f"styles/{css.name}"
        try:
            text = read_text(css, rel)  # capped, UTF-8, and never through a link out
        except ReportError:
            continue  # WeasyPrint's fetcher refuses or reports the same file
        found.update(_scan(text, rel, css.resolve().as_uri(), [_CSS]))
    if project.config.organisation and project.config.organisation.logo:
        found.setdefault(urljoin(base, project.config.organisation.logo), "report.yml")
    return {url: where for url, where in found.items() if not url.startswith("data:")}
