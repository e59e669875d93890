"""Golden test: the HTML that a build of tests/fixtures/mini hands to WeasyPrint
(`render_html`), compared with tests/golden/mini.html. (`build --format html` writes the same
HTML with its stylesheets, fonts and images inlined: see test_deliver_preview.py.)

Machine-specific parts are replaced before comparing: the project folder (a copy in tmp_path)
becomes `{PROJECT}` and the package's theme folder becomes `{THEME}`, both as file: URIs and as
plain paths.

When a change to the theme, the Markdown pipeline or the fixture is intended, regenerate the
golden file and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_html.py
    git diff tests/golden/
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from reportbuilder import load_project, render_html
from reportbuilder.project.theme import THEMES_DIR

GOLDEN = Path(__file__).resolve().parent / "golden" / "mini.html"


def normalise(html: str, project: Path) -> str:
    theme = (THEMES_DIR / "base").resolve()
    for folder, placeholder in ((project.resolve(), "{PROJECT}"), (theme, "{THEME}")):
        html = html.replace(folder.as_uri(), placeholder).replace(str(folder), placeholder)
    return html


def test_mini_html_matches_golden(mini_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # it would add dcterms dates
    html = normalise(render_html(load_project(mini_project)).text, mini_project)
    assert "file://" not in html.replace("file://{", ""), "an absolute URI was not normalised"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if html != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                html.splitlines(keepends=True),
                "tests/golden/mini.html",
                "built",
            )
        )
        pytest.fail(f"HTML differs from the golden file (UPDATE_GOLDEN=1 to accept):\n{diff}")


def test_golden_file_is_machine_independent() -> None:
    golden = GOLDEN.read_text(encoding="utf-8")
    assert "{PROJECT}/assets/logo.svg" in golden
    assert "{THEME}/styles/10-report.css" in golden
    assert "/tmp/" not in golden and str(Path.home()) not in golden
    assert str(THEMES_DIR) not in golden
